#!/bin/sh
# convo-import reads standard input for "-" and when no file is named; it
# is called "-" in diagnostics and in the import log.  Several files,
# standard input among them, are imported in the order given.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td" || exit 1

# "-": good-array.json, 2 conversations and 7 messages (1001-import-json.t).
run convo-import - <json/good-array.json
status_is 0 "'-': exit 0"
out_timeless "'-': summary" <<'EOF'
imported 1 file: 2 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
err_is "'-': nothing on stderr" </dev/null
is "$(counts)" "2 7 2 0 1 3" "'-': counts per table"
is "$(sql "SELECT file, format, size, sha256 FROM import")" \
	"-|json|$(wc -c <json/good-array.json | tr -d ' ')|$(sha256sum \
	<json/good-array.json | cut -d ' ' -f 1)" \
	"'-': logged as '-' with the size and hash of what was read"

# No file at all: good-support.csv, 2 conversations, 8 messages; its
# warning names "-".
run convo-import <csv/good-support.csv
status_is 0 "no file: exit 0"
out_timeless "no file: summary" <<'EOF'
imported 1 file: 2 new and 0 updated conversations, 8 new messages, 0 skipped records, T s
EOF
err_is "no file: the warning names '-'" <<'EOF'
convo-import: -:1: warning: unknown column 'plan' kept as a variable
EOF
is "$(sql "SELECT group_concat(file || ' ' || format, ', ') FROM import")" \
	"- json, - csv" "no file: logged as '-'"
is "$(counts)" "4 15 4 0 1 4" "no file: counts per table"

# Diagnostics name "-".
dump >"$tmp/before"
run convo-import <json/bad-truncated.json
status_is 65 "bad data on stdin: exit 65"
out_timeless "bad data on stdin: one failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "bad data on stdin: the diagnostic names '-'" <<'EOF'
convo-import: -:3:89: unexpected end of file, string not closed
EOF
dump >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "bad data on stdin: the database is unchanged"

run convo-import - </dev/null
status_is 65 "empty stdin: exit 65"
err_is "empty stdin: '-: empty file'" <<'EOF'
convo-import: -: empty file
EOF

# A transcript on stdin has no file name to take a date or an id from.
# 2026-11-20-support.txt has a Conversation: header but no Date: line.
run convo-import - <text/2026-11-20-support.txt
status_is 65 "a transcript without a date on stdin: exit 65"
err_is "a transcript without a date on stdin: give --date" <<'EOF'
convo-import: -:1: no date: add a 'Date:' line or give --date
EOF
# With --date: web-1003, 8 messages (1004-import-text.t).
run convo-import --date 2026-11-20 - <text/2026-11-20-support.txt
status_is 0 "a transcript on stdin with --date: exit 0"
out_timeless "a transcript on stdin with --date: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 8 new messages, 0 skipped records, T s
EOF
is "$(sql "SELECT ext_id, datetime(started_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id DESC LIMIT 1")" \
	"web-1003|2026-11-20 10:30:15" \
	"a transcript on stdin with --date: its header's id, --date's day"

# good-late-night.txt has no Conversation: header: on stdin, its id is
# "text-" and 16 hex digits of a hash of its first message, the same on
# every import.
run convo-import - <text/good-late-night.txt
status_is 0 "a transcript without an id on stdin: exit 0"
out_timeless "a transcript without an id on stdin: 1 new, 4 messages" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 4 new messages, 0 skipped records, T s
EOF
id=$(sql "SELECT ext_id FROM conversation ORDER BY id DESC LIMIT 1")
echo "$id" | grep -qx 'text-[0-9a-f]\{16\}'
ok $? "a transcript without an id on stdin: text-HASH ($id)"
run convo-import <text/good-late-night.txt
out_timeless "a transcript without an id on stdin again: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF

# Several files, stdin among them, in order: good-object.json (1 new, 2
# messages), the event stream on stdin (3 new, 3 messages), good-tabs.csv
# (1 new, 2 messages): 3 files, 5 new conversations, 7 new messages.
run convo-import json/good-object.json - csv/good-tabs.csv \
    <events/good-stream.jsonl
status_is 0 "three files, stdin in the middle: exit 0"
out_timeless "three files, stdin in the middle: summary" <<'EOF'
imported 3 files: 5 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
err_is "three files, stdin in the middle: nothing on stderr" </dev/null
sql "SELECT file, format, conversations_new, messages_new FROM import
    ORDER BY id DESC LIMIT 3" >"$tmp/got"
same "$tmp/got" "three files, stdin in the middle: logged in order" <<'EOF'
csv/good-tabs.csv|csv|1|2
-|events|3|3
json/good-object.json|json|1|2
EOF
# Conversations 4 + 1 (web-1003) + 1 (text-...) + 5 = 11; messages
# 15 + 8 + 4 + 7 = 34; users 4 + 1 + 1 + 5 = 11; events 7; leads 1 + 1;
# variables 4 + 1.
is "$(counts)" "11 34 11 7 2 5" "three files, stdin in the middle: counts"

# Standard input can be read once: a second "-" finds it empty.
run convo-import - - <json/good-lines.json
status_is 65 "'-' twice: exit 65"
out_timeless "'-' twice: the first is imported, the second fails" <<'EOF'
imported 1 file (1 failed): 3 new and 0 updated conversations, 3 new messages, 0 skipped records, T s
EOF
err_is "'-' twice: the second is empty" <<'EOF'
convo-import: -: empty file
EOF

done_testing
