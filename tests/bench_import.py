#!/usr/bin/env python3
"""tests/bench_import.py JSONL DB: what a user would write instead of
convo-import, for `make bench`: the conversation documents read with json,
conversations and messages stored with sqlite3, executemany in one
transaction, WAL and synchronous=NORMAL like convo, an index to find a
conversation's messages."""
import json
import sqlite3
import sys
from datetime import datetime


def ms(ts):
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


db = sqlite3.connect(sys.argv[2])
db.executescript("""
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE conversation (id INTEGER PRIMARY KEY, ext_id TEXT NOT NULL,
  source TEXT, user TEXT, assistant TEXT, country TEXT, city TEXT,
  started_at INTEGER, ended_at INTEGER, end_reason TEXT, csat INTEGER,
  UNIQUE (ext_id, source));
CREATE TABLE message (id INTEGER PRIMARY KEY, conversation_id INTEGER
  NOT NULL REFERENCES conversation (id), ts INTEGER NOT NULL, role TEXT
  NOT NULL, text TEXT, click_type TEXT, click_title TEXT, feedback TEXT);
""")
with db, open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        c = json.loads(line)
        loc = c.get("location", {})
        cid = db.execute(
            "INSERT INTO conversation (ext_id, source, user, assistant,"
            " country, city, started_at, ended_at, end_reason, csat)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c["id"], c.get("source"), c.get("user"), c.get("assistant"),
             loc.get("country"), loc.get("city"), ms(c["started_at"]),
             ms(c["ended_at"]) if "ended_at" in c else None,
             c.get("end_reason"), c.get("csat"))).lastrowid
        db.executemany(
            "INSERT INTO message (conversation_id, ts, role, text,"
            " click_type, click_title, feedback) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(cid, ms(m["ts"]), m["role"], m.get("text"),
              m.get("click", {}).get("type"), m.get("click", {}).get("title"),
              m.get("feedback")) for m in c["messages"]])
    db.execute("CREATE INDEX message_conversation ON message"
               " (conversation_id, ts)")
db.close()
