#!/bin/sh
# convo-import --skip-bad: the good records of a bad file are stored, each
# bad one is reported at its position, then "FILE: N bad records skipped";
# the exit status is 65.  Bad records counted by hand from testdata.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
for f in json/bad-fields.json json/bad-truncated.json json/bad-missing-comma.json \
    events/bad-stream.jsonl csv/bad-values.csv csv/bad-header.csv \
    text/bad-time.txt json/good-object.json; do
	cp "$td/$f" . || exit 1
done

# bad-fields.json: 8 elements, lines 2-9; the first 7 are bad, f-8 (line
#   9, web_widget, 1 message) is good.
# bad-stream.jsonl: lines 2-9 are bad (8), line 1 (a message of c1) and
#   line 10 (c1 ends, reason user) are good.
# bad-values.csv: rows 3, 4, 5 are bad (3); rows 2 and 6 are two user
#   messages of web-5001.
# bad-time.txt: line 4 is bad (1); lines 3 and 5 are two user messages of
#   the conversation named after the file, bad-time.
# Together: 4 files, 4 new conversations, 1 + 1 + 2 + 2 = 6 new messages,
# 7 + 8 + 3 + 1 = 19 skipped records.
run convo-import --skip-bad bad-fields.json bad-stream.jsonl bad-values.csv \
    bad-time.txt
status_is 65 "--skip-bad with bad records: exit 65"
out_timeless "--skip-bad: the summary counts the skipped records" <<'EOF'
imported 4 files: 4 new and 0 updated conversations, 6 new messages, 19 skipped records, T s
EOF
err_is "--skip-bad: each bad record, then a count per file" <<'EOF'
convo-import: bad-fields.json:2:3: missing 'messages[0].ts'
convo-import: bad-fields.json:3:3: missing 'messages[0].role'
convo-import: bad-fields.json:4:3: unknown role 'robot' in 'messages[0].role'
convo-import: bad-fields.json:5:3: 'csat' out of range: 7 (expected 1 to 5)
convo-import: bad-fields.json:6:3: bad timestamp '1970-01-01T00:00:00Z' in 'messages[0].ts': timestamp before 2000-01-01
convo-import: bad-fields.json:7:3: missing 'id'
convo-import: bad-fields.json:8:3: 'messages[0].fallback' is not true or false
convo-import: bad-fields.json: 7 bad records skipped
convo-import: bad-stream.jsonl:2:1: unknown event type 'mesage'
convo-import: bad-stream.jsonl:3:1: missing 'ts'
convo-import: bad-stream.jsonl:4:1: missing 'role'
convo-import: bad-stream.jsonl:5:1: 'score' out of range: 9 (expected 1 to 5)
convo-import: bad-stream.jsonl:6:1: unknown handover 'sideways'
convo-import: bad-stream.jsonl:7:1: 'message' is negative
convo-import: bad-stream.jsonl:8:78: unexpected end of line, object not closed
convo-import: bad-stream.jsonl:9:1: missing 'conversation'
convo-import: bad-stream.jsonl: 8 bad records skipped
convo-import: bad-values.csv:3: bad timestamp 'yesterday' in column 'timestamp': not a timestamp
convo-import: bad-values.csv:4: bad boolean 'maybe' in column 'fallback' (expected true, false, yes, no, 1 or 0)
convo-import: bad-values.csv:5: unknown role 'robot' in column 'role' (expected user, assistant, agent or system)
convo-import: bad-values.csv: 3 bad records skipped
convo-import: bad-time.txt:4:2: bad time '24:10:00'
convo-import: bad-time.txt: 1 bad records skipped
EOF
# conversation 4 (f-8, c1, web-5001, bad-time); message 6; user 4 (none
# states a user: web_widget/f-8, /c1, /web-5001, /bad-time); event 1 (the
# end of c1); no lead or variable.
is "$(counts)" "4 6 4 1 0 0" "--skip-bad: counts per table"
sql "SELECT c.ext_id, c.status, quote(c.end_reason),
    group_concat(time(m.ts / 1000, 'unixepoch') || ' ' || m.role || ' ' ||
    m.text, '; ') FROM conversation c JOIN message m
    ON m.conversation_id = c.id GROUP BY c.id ORDER BY c.id" >"$tmp/got"
same "$tmp/got" "--skip-bad: the good records are stored" <<'EOF'
f-8|active|NULL|10:30:15 user good one
c1|ended|'user'|10:30:15 user Hi
web-5001|active|NULL|10:30:15 user Hello; 10:31:00 user bye
bad-time|active|NULL|10:30:15 user Hello; 10:31:00 user still there?
EOF
sql "SELECT file, conversations_new, messages_new, skipped FROM import
    ORDER BY id" >"$tmp/got"
same "$tmp/got" "--skip-bad: the import log has the skipped counts" <<'EOF'
bad-fields.json|1|1|7
bad-stream.jsonl|1|1|8
bad-values.csv|1|2|3
bad-time.txt|1|2|1
EOF

# A damaged JSON array ends the file even with --skip-bad; what came
# before is kept.  bad-truncated.json: t-1 (line 2) is kept, the file ends
# inside t-2 -- 1 skipped.  bad-missing-comma.json: the comma is missing
# inside m-1 (lines 2-7), which is skipped; m-2 (line 8) is kept.
dump >before
run convo-import --skip-bad bad-truncated.json bad-missing-comma.json
status_is 65 "--skip-bad, damaged arrays: exit 65"
out_timeless "--skip-bad, damaged arrays: summary" <<'EOF'
imported 2 files: 2 new and 0 updated conversations, 2 new messages, 2 skipped records, T s
EOF
err_is "--skip-bad, damaged arrays: diagnostics" <<'EOF'
convo-import: bad-truncated.json:3:89: unexpected end of file, string not closed
convo-import: bad-truncated.json: 1 bad records skipped
convo-import: bad-missing-comma.json:5:53: expected ',' or '}'
convo-import: bad-missing-comma.json: 1 bad records skipped
EOF
is "$(sql "SELECT group_concat(ext_id, ' ') FROM conversation WHERE id > 4")" \
	"t-1 m-2" "--skip-bad, damaged arrays: the records before are kept"
is "$(counts)" "6 8 6 1 0 0" "--skip-bad, damaged arrays: counts per table"

# Bad lines found by the reader: a NUL byte in line 2 and a Latin-1 byte
# in line 3.  Before them: {"id":"r-2",(12) "messages":[(12)
# {"ts":"...Z",(29) "role":"user",(14) = 67 bytes, then "text":"t (9) =
# 76, or "text":"caf (11) = 78.
{ echo '{"id":"r-1","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"one"}]}'
  printf '{"id":"r-2","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"t\000wo"}]}\n'
  printf '{"id":"r-3","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"caf\351"}]}\n'
  echo '{"id":"r-4","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"four"}]}'
} >reader.jsonl
run convo-import --skip-bad reader.jsonl
status_is 65 "--skip-bad, NUL and invalid UTF-8: exit 65"
out_timeless "--skip-bad, NUL and invalid UTF-8: summary" <<'EOF'
imported 1 file: 2 new and 0 updated conversations, 2 new messages, 2 skipped records, T s
EOF
err_is "--skip-bad, NUL and invalid UTF-8: each bad line" <<'EOF'
convo-import: reader.jsonl:2:77: NUL byte
convo-import: reader.jsonl:3:79: invalid UTF-8
convo-import: reader.jsonl: 2 bad records skipped
EOF
is "$(sql "SELECT group_concat(ext_id, ' ') FROM conversation WHERE id > 6")" \
	"r-1 r-4" "--skip-bad, NUL and invalid UTF-8: the good lines are stored"
is "$(counts)" "8 10 8 1 0 0" "--skip-bad, NUL and invalid UTF-8: counts"

# A CSV header without a required column ends the file: nothing was
# read, one record is skipped, and the file is logged with it.
run convo-import --skip-bad bad-header.csv
status_is 65 "--skip-bad, a header without 'role': exit 65"
out_timeless "--skip-bad, a header without 'role': summary" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 1 skipped records, T s
EOF
err_is "--skip-bad, a header without 'role': diagnostics" <<'EOF'
convo-import: bad-header.csv:1: missing column 'role'
convo-import: bad-header.csv: 1 bad records skipped
EOF
is "$(sql "SELECT file, messages_new, skipped FROM import ORDER BY id DESC
    LIMIT 1")" "bad-header.csv|0|1" "--skip-bad, a header without 'role': logged"
is "$(counts)" "8 10 8 1 0 0" "--skip-bad, a header without 'role': counts"

# What is not a file of records at all still fails whole.
: >empty.csv
dump >before
run convo-import --skip-bad empty.csv
status_is 65 "--skip-bad, an empty file: exit 65"
out_timeless "--skip-bad, an empty file: one failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "--skip-bad, an empty file: the diagnostic only" <<'EOF'
convo-import: empty.csv: empty file
EOF
dump >after
cmp -s before after
ok $? "--skip-bad, an empty file: the database is unchanged"

# A good file with --skip-bad: exit 0, no count line.
run convo-import --skip-bad good-object.json
status_is 0 "--skip-bad, a good file: exit 0"
out_timeless "--skip-bad, a good file: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
EOF
err_is "--skip-bad, a good file: nothing on stderr" </dev/null
is "$(counts)" "9 12 9 1 0 0" "--skip-bad, a good file: counts per table"

done_testing
