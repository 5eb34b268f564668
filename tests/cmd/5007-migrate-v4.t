#!/bin/sh
# Schema version 4 (convo-stats reads rollups, not the messages of a
# period): the activity table (messages per conversation and quarter hour),
# conversation.opening_key, partial indexes of clicks, named agents,
# not-understood messages and WhatsApp windows, lead_created with the
# conversation, and no message_ts.  Imports keep the rollups, deletions
# remove them, and a version-3 database is migrated when a command opens
# it: the rollups computed for what it holds, its figures and rows
# unchanged, its schema then that of a new database.  The version-3
# database is a new one taken back.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

activity() {
	sqlite3 -batch "$1" "SELECT c.ext_id, datetime(a.quarter * 900,
	    'unixepoch'), a.n_user, a.n_messages FROM activity a
	    JOIN conversation c ON c.id = a.conversation_id
	    ORDER BY c.ext_id, a.quarter"
}
keys() {
	sqlite3 -batch "$1" "SELECT ext_id, opening_key FROM conversation
	    ORDER BY ext_id, source"
}
# Version 4 undone.
to_v3() {
	sqlite3 -batch "$1" "DROP TABLE activity;
	    DROP INDEX message_click; DROP INDEX message_agent;
	    DROP INDEX message_not_understood; DROP INDEX conversation_whatsapp;
	    DROP INDEX lead_created;
	    CREATE INDEX lead_created ON lead (created_at);
	    ALTER TABLE conversation DROP COLUMN opening_key;
	    CREATE INDEX message_ts ON message (ts, role, conversation_id,
	    not_understood, fallback, feedback, click_type, agent, click_title,
	    click_target);
	    PRAGMA user_version = 3"
}
# Three periods: all, one that cuts q1 and q4 in two, the default 7d.
stats() {
	convo-stats -d "$1" --period all --all --json --now 2026-11-22T00:00:00Z
	convo-stats -d "$1" --since 2026-11-21T10:15:00.001Z \
	    --until 2026-11-21T10:45:00Z --all --json --now 2026-11-22T00:00:00Z
	convo-stats -d "$1" --all --json --now 2026-11-22T00:00:00Z
}

# q1: four messages and a system line over three quarters of an hour;
# q2 and q3 open with what normalizes as q1's opening; q4 opens with a
# click only; q5's opening normalizes to nothing.
cat >q.json <<'JSON'
[
 {"id": "q1", "source": "web_widget", "user": "q-u",
  "messages": [
   {"ts": "2026-11-21T10:14:59Z", "role": "user", "text": "Hello there!"},
   {"ts": "2026-11-21T10:15:00Z", "role": "assistant", "text": "Hi."},
   {"ts": "2026-11-21T10:15:30Z", "role": "system", "text": "Ana joined"},
   {"ts": "2026-11-21T10:29:59.999Z", "role": "user",
    "click": {"type": "button", "title": "Human", "target": "handover"}},
   {"ts": "2026-11-21T10:45:00Z", "role": "agent", "text": "Ana here."}
  ]},
 {"id": "q2", "source": "web_widget", "user": "q-u",
  "messages": [
   {"ts": "2026-11-21T11:00:00Z", "role": "user", "text": "  HELLO   there"}
  ]},
 {"id": "q3", "source": "api",
  "messages": [
   {"ts": "2026-11-21T11:10:00Z", "role": "user", "text": "hello there?!"}
  ]},
 {"id": "q4", "source": "api",
  "messages": [
   {"ts": "2026-11-21T10:00:00Z", "role": "user",
    "click": {"type": "quick_reply", "title": "Start", "target": "start"}},
   {"ts": "2026-11-21T10:59:59Z", "role": "assistant", "text": "Welcome"}
  ]},
 {"id": "q5", "source": "api",
  "messages": [
   {"ts": "2026-11-21T12:00:00Z", "role": "user", "text": " ?! "}
  ]}
]
JSON

convo-import -q -d new.db q.json "$td"/sample/*
is "$(sqlite3 new.db 'PRAGMA user_version')" 4 "a new database is version 4"
is "$(activity new.db | grep '^q')" "q1|2026-11-21 10:00:00|1|1
q1|2026-11-21 10:15:00|1|2
q1|2026-11-21 10:45:00|0|1
q2|2026-11-21 11:00:00|1|1
q3|2026-11-21 11:00:00|1|1
q4|2026-11-21 10:00:00|1|1
q4|2026-11-21 10:45:00|0|1
q5|2026-11-21 12:00:00|1|1" \
	"  activity: user and other messages by quarter hour"
# FNV-1a 64 of "hello there", as a signed integer.
is "$(keys new.db | grep '^q')" "q1|-2014500702217325799
q2|-2014500702217325799
q3|-2014500702217325799
q4|
q5|" "  opening_key: the key of the normalized opening question, or NULL"
stats new.db >want.json
activity new.db >want.activity
keys new.db >want.keys
sqlite3 -batch new.db "SELECT * FROM message ORDER BY id" >want.messages

# The migration.
convo-import -q q.json "$td"/sample/*
to_v3 "$CONVO_DB"
is "$(sql 'PRAGMA user_version')" 3 "the fixture is a version-3 database"
is "$(sql "SELECT count(*) FROM sqlite_schema WHERE name = 'activity'")" 0 \
	"  without the table activity"
counts >want.counts
stats "$CONVO_DB" >got.json 2>err
same got.json \
	"convo-stats on a version-3 database: the figures of a new database" \
	<want.json
same err "  nothing on stderr" </dev/null
is "$(sql 'PRAGMA user_version')" 4 "the database is now version 4"
activity "$CONVO_DB" >got.activity
same got.activity "  its activity is computed" <want.activity
keys "$CONVO_DB" >got.keys
same got.keys "  and its opening keys" <want.keys
schema_sql "$CONVO_DB" >migrated.schema
schema_sql new.db >new.schema
same migrated.schema "  the migrated schema is that of a new database" \
	<new.schema
counts >got.counts
same got.counts "  every row is kept" <want.counts
sql "SELECT * FROM message ORDER BY id" >got.messages
same got.messages "  and every message is unchanged" <want.messages

# Imports keep the rollups: q1 gets an earlier question and a later
# message, q4 its first typed one.
cat >more.json <<'JSON'
[
 {"id": "q1", "source": "web_widget", "user": "q-u",
  "messages": [
   {"ts": "2026-11-21T09:59:00Z", "role": "user", "text": "Anyone?"},
   {"ts": "2026-11-21T11:00:00Z", "role": "user", "text": "Thanks"}
  ]},
 {"id": "q4", "source": "api",
  "messages": [
   {"ts": "2026-11-21T10:50:00Z", "role": "user", "text": "Hello there"}
  ]}
]
JSON
convo-import -q more.json
is "$(activity "$CONVO_DB" | grep '^q[14]')" "q1|2026-11-21 09:45:00|1|1
q1|2026-11-21 10:00:00|1|1
q1|2026-11-21 10:15:00|1|2
q1|2026-11-21 10:45:00|0|1
q1|2026-11-21 11:00:00|1|1
q4|2026-11-21 10:00:00|1|1
q4|2026-11-21 10:45:00|1|2" "an import adds to the activity of what it touches"
is "$(sql "SELECT a.opening_key = b.opening_key,
	b.opening_key = (SELECT opening_key FROM conversation
	WHERE ext_id = 'q2')
	FROM conversation a, conversation b
	WHERE a.ext_id = 'q1' AND b.ext_id = 'q4'")" "0|1" \
	"  and moves the opening keys"
convo-import -q -d all.db q.json "$td"/sample/* more.json
activity all.db >want.activity
activity "$CONVO_DB" >got.activity
same got.activity "  as if all had been imported at once" <want.activity

# Deleting a conversation deletes its activity.
run convo-delete -q q1
status_is 0 "convo-delete q1: exit 0"
is "$(sql "SELECT count(*) FROM activity WHERE conversation_id NOT IN
	(SELECT id FROM conversation)")" 0 "  its activity goes with it"
is "$(activity "$CONVO_DB" | grep -c '^q1')" 0 "  none is left for q1"

# A migration that fails leaves version 3 as it was: here the table
# activity exists already (made by hand), so CREATE TABLE fails.
rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
convo-import -q q.json
to_v3 "$CONVO_DB"
sql "CREATE TABLE activity (x)"
dump >before.sql
run convo-list --ids
status_is 73 "a failed migration: exit 73"
out_is "a failed migration: nothing listed" </dev/null
dump >after.sql
same after.sql "a failed migration: the database is as it was" <before.sql
is "$(sql 'PRAGMA user_version')" 3 "  still version 3"

done_testing
