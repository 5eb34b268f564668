#!/bin/sh
# convo-import rejects bad input whole: each bad file gives one diagnostic
# "convo-import: FILE:LINE[:COL]: message", exit 65 (66 for a missing
# file), the summary counts it as failed, and the database keeps exactly
# the content it had.  Columns were counted by hand, in bytes from 1.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
for f in json/bad-missing-comma.json json/bad-lines.json json/bad-trailing.json \
    json/bad-truncated.json json/bad-unclosed-array.json json/bad-fields.json \
    json/bad-scalar.json json/good-lines.json json/good-object.json \
    csv/bad-fields.csv csv/bad-quote.csv csv/bad-header.csv csv/bad-values.csv \
    events/bad-stream.jsonl text/bad-time.txt text/bad-no-date.txt \
    text/bad-garbage.txt; do
	cp "$td/$f" . || exit 1
done

# Something good first, so that "unchanged" means something: 2
# conversations, 7 messages (see 1001-import-json.t).
run convo-import "$td/json/good-array.json"
status_is 0 "the good import before: exit 0"
is "$(counts)" "2 7 2 0 1 3" "the good import before: counts"
dump >before

# rejected FILE NAME <<EOF DIAGNOSTICS EOF: imports FILE alone and checks
# exit 65, one failed file in the summary, the diagnostics exactly and
# the database unchanged.
rejected() {
	cat >want.err
	run convo-import "$1"
	status_is 65 "$2: exit 65"
	out_timeless "$2: the summary counts one failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
	err_is "$2: the diagnostic" <want.err
	dump >after
	cmp -s before after
	ok $? "$2: the database is unchanged"
}

# Malformed JSON.  Line 5 is
#       {"ts": "2026-11-20T10:30:15Z", "role": "user" "text": "Hi"}
# where "text" (column 53) follows "user" without a comma.
rejected bad-missing-comma.json "malformed JSON" <<'EOF'
convo-import: bad-missing-comma.json:5:53: expected ',' or '}'
EOF
# JSON Lines: line 2 (82 bytes) ends inside the string "cut off.
rejected bad-lines.json "JSON Lines, a line cut off" <<'EOF'
convo-import: bad-lines.json:2:83: unexpected end of line, string not closed
EOF
rejected bad-trailing.json "text after the JSON array" <<'EOF'
convo-import: bad-trailing.json:4:1: unexpected text after the array
EOF
# A file that is not JSON's kind of value at all.
rejected bad-scalar.json "a JSON string, not a document" <<'EOF'
convo-import: bad-scalar.json: unknown format (not a native format or a known platform's export)
EOF

# Truncated files.  bad-truncated.json ends in line 3 (88 bytes), inside
# the string "Hel; bad-unclosed-array.json after line 3 (94 bytes), inside
# the array.
rejected bad-truncated.json "a truncated file" <<'EOF'
convo-import: bad-truncated.json:3:89: unexpected end of file, string not closed
EOF
rejected bad-unclosed-array.json "a file ending inside the array" <<'EOF'
convo-import: bad-unclosed-array.json:3:95: unexpected end of file, array not closed
EOF
# A good export cut after its 2nd line, '  "id": "p-1",' (14 bytes): the
# object is not closed.
head -n 2 good-object.json >cut.json
rejected cut.json "an export cut after two lines" <<'EOF'
convo-import: cut.json:2:15: unexpected end of file, object not closed
EOF

# CSV.  Row 3 has an unquoted comma in its text: 5 fields.
rejected bad-fields.csv "a CSV row with the wrong number of fields" <<'EOF'
convo-import: bad-fields.csv:3: row has 5 fields, header has 4
EOF
# The quoted field opened in line 3 never closes.
rejected bad-quote.csv "a CSV quote not closed" <<'EOF'
convo-import: bad-quote.csv:3: unterminated quoted field
EOF
rejected bad-header.csv "a CSV header without a required column" <<'EOF'
convo-import: bad-header.csv:1: missing column 'role'
EOF

# A missing required field: the first of bad-fields.json's bad elements,
# line 2, whose object starts in column 3, has a message without "ts".
rejected bad-fields.json "a missing required field" <<'EOF'
convo-import: bad-fields.json:2:3: missing 'messages[0].ts'
EOF
printf '%s\n' '{"conversation":"c1","type":"message","role":"user","text":"Hi"}' \
    >nots.jsonl
rejected nots.jsonl "an event without ts" <<'EOF'
convo-import: nots.jsonl:1:1: missing 'ts'
EOF
# bad-stream.jsonl: line 2 is the first bad event.
rejected bad-stream.jsonl "an unknown event type" <<'EOF'
convo-import: bad-stream.jsonl:2:1: unknown event type 'mesage'
EOF

# Unparseable timestamps.
rejected bad-values.csv "an unparseable timestamp in CSV" <<'EOF'
convo-import: bad-values.csv:3: bad timestamp 'yesterday' in column 'timestamp': not a timestamp
EOF
printf '%s\n' '{"id":"t","messages":[{"ts":"20/11/2026 10:30","role":"user"}]}' \
    >slashes.json
rejected slashes.json "an unparseable timestamp in JSON" <<'EOF'
convo-import: slashes.json:1:1: bad timestamp '20/11/2026 10:30' in 'messages[0].ts': not a timestamp
EOF
printf '%s\n' '{"id":"t","messages":[{"ts":"2026-11-31T10:30:00Z","role":"user"}]}' \
    >nov31.json
rejected nov31.json "a day that does not exist" <<'EOF'
convo-import: nov31.json:1:1: bad timestamp '2026-11-31T10:30:00Z' in 'messages[0].ts': day out of range
EOF
# Line 4: [24:10:00], the hour (column 2) out of range.
rejected bad-time.txt "a bad time in a transcript" <<'EOF'
convo-import: bad-time.txt:4:2: bad time '24:10:00'
EOF
rejected bad-no-date.txt "a transcript without a date" <<'EOF'
convo-import: bad-no-date.txt:1: no date: add a 'Date:' line or give --date
EOF
rejected bad-garbage.txt "a transcript line that is not a message" <<'EOF'
convo-import: bad-garbage.txt:2:1: expected '[HH:MM:SS] Name: text'
EOF

# Absurd timestamps: before 2000, from 2100 on.
printf '%s\n' '[{"id":"t","messages":[{"ts":"1970-01-01T00:00:00Z","role":"user","text":"old"}]}]' \
    >t1970.json
rejected t1970.json "a timestamp in 1970" <<'EOF'
convo-import: t1970.json:1:2: bad timestamp '1970-01-01T00:00:00Z' in 'messages[0].ts': timestamp before 2000-01-01
EOF
printf '%s\n' '{"conversation":"c1","ts":0,"type":"message","role":"user"}' \
    >epoch0.jsonl
rejected epoch0.jsonl "epoch 0 in an event" <<'EOF'
convo-import: epoch0.jsonl:1:1: bad timestamp 0 in 'ts': timestamp before 2000-01-01
EOF
printf 'conversation_id,timestamp,role,text\nc1,2026-11-20T10:30:15Z,user,hi\nc1,2150-01-01T00:00:00Z,user,later\n' \
    >t2150.csv
rejected t2150.csv "a timestamp in 2150" <<'EOF'
convo-import: t2150.csv:3: bad timestamp '2150-01-01T00:00:00Z' in column 'timestamp': timestamp after 2099-12-31
EOF

# Invalid UTF-8: "caf" then the Latin-1 byte \351, after
# "c1,2026-11-20T10:30:15Z,user,caf" (3 + 21 + 5 + 3 = 32 bytes).
printf 'conversation_id,timestamp,role,text\nc1,2026-11-20T10:30:15Z,user,hi\nc1,2026-11-20T10:30:16Z,user,caf\351\n' \
    >latin1.csv
rejected latin1.csv "invalid UTF-8" <<'EOF'
convo-import: latin1.csv:3:33: invalid UTF-8
EOF
# A UTF-16 surrogate encoded in UTF-8 (\355\240\200) is not UTF-8 either.
# Line 2: {"id":"u-2",(12) "messages":[(12) {"ts":"...Z",(29)
# "role":"user",(14) "text":"caf(11) = 78 bytes before it.
{ echo '{"id":"u-1","messages":[]}'
  printf '{"id":"u-2","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"caf\355\240\200"}]}\n'
} >surrogate.json
rejected surrogate.json "a surrogate in UTF-8" <<'EOF'
convo-import: surrogate.json:2:79: invalid UTF-8
EOF

# A NUL byte: line 3 "[10:00:01] Bot: Hel" is 19 bytes before it.
printf 'Date: 2026-11-20\n[10:00:00] User: Hello\n[10:00:01] Bot: Hel\000lo\n' \
    >nul.txt
rejected nul.txt "a NUL byte" <<'EOF'
convo-import: nul.txt:3:20: NUL byte
EOF

# A 10 MB line: the first byte beyond 8 MiB is column 8 * 1048576 + 1.
{ printf '{"id":"big","messages":[{"ts":"2026-11-20T10:30:15Z","role":"user","text":"'
  head -c 10485760 /dev/zero | tr '\0' x
  printf '"}]}\n'
} >big.json
rejected big.json "a 10 MB line" <<'EOF'
convo-import: big.json:1:8388609: line longer than 8 MiB
EOF
# The same in the 2nd line of a CSV file.
{ printf 'conversation_id,timestamp,role,text\nc1,2026-11-20T10:30:15Z,user,'
  head -c 10485760 /dev/zero | tr '\0' x
  echo
} >big.csv
rejected big.csv "a 10 MB CSV row" <<'EOF'
convo-import: big.csv:2:8388609: line longer than 8 MiB
EOF
rm -f big.json big.csv

# Empty and white-space-only files, whatever --format says.
: >empty.json
rejected empty.json "an empty file" <<'EOF'
convo-import: empty.json: empty file
EOF
printf '  \n\t\n\r\n\n' >blank.csv
rejected blank.csv "a file of white space" <<'EOF'
convo-import: blank.csv: empty file
EOF
run convo-import --format csv empty.json
status_is 65 "an empty file with --format: exit 65"
err_is "an empty file with --format: still an empty file" <<'EOF'
convo-import: empty.json: empty file
EOF

# Binary files: a gzip header and a PNG signature, then random bytes.
{ printf '\037\213\010\000\000\000\000\000\000\003'
  head -c 512 /dev/urandom; } >export.json.gz
rejected export.json.gz "a gzip file" <<'EOF'
convo-import: export.json.gz: binary file
EOF
{ printf '\211PNG\r\n\032\n\000\000\000\rIHDR'
  head -c 512 /dev/urandom; } >screenshot.png
rejected screenshot.png "a PNG file" <<'EOF'
convo-import: screenshot.png: binary file
EOF

# Plain prose: no format fits.
cat >letter.txt <<'EOF'
Dear team,

please find attached the chat logs of last week.
Kind regards, Mia
EOF
rejected letter.txt "prose, an unknown format" <<'EOF'
convo-import: letter.txt: unknown format (not a native format or a known platform's export)
EOF

# A missing file: exit 66.
run convo-import nosuch.json
status_is 66 "a missing file: exit 66"
out_timeless "a missing file: the summary counts one failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "a missing file: the system's reason" <<'EOF'
convo-import: nosuch.json: No such file or directory
EOF
dump >after
cmp -s before after
ok $? "a missing file: the database is unchanged"

# A directory is no file: exit 66 as for a missing one.
mkdir exports
run convo-import exports
status_is 66 "a directory: exit 66"
out_timeless "a directory: the summary counts one failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "a directory: says so" <<'EOF'
convo-import: exports: is a directory
EOF
dump >after
cmp -s before after
ok $? "a directory: the database is unchanged"

# Several files, one bad: the good ones are imported, exit 65.
# good-lines.json: 3 new conversations, 3 messages; good-object.json: 1
# and 2.  Together 4 new conversations, 5 new messages.
run convo-import good-lines.json bad-truncated.json good-object.json
status_is 65 "one bad file of three: exit 65"
out_timeless "one bad file of three: the summary says 1 failed" <<'EOF'
imported 2 files (1 failed): 4 new and 0 updated conversations, 5 new messages, 0 skipped records, T s
EOF
err_is "one bad file of three: its diagnostic" <<'EOF'
convo-import: bad-truncated.json:3:89: unexpected end of file, string not closed
EOF
# 2 + 4 conversations, 7 + 5 messages, 2 + 4 users; the bad file left
# nothing, not even an import log row.
is "$(counts)" "6 12 6 0 1 3" "one bad file of three: the good ones are stored"
is "$(sql "SELECT count(*) FROM import")" "3" \
	"one bad file of three: no import log row for the bad one"
is "$(sql "SELECT count(*) FROM conversation WHERE ext_id LIKE 't-%'")" "0" \
	"one bad file of three: nothing of the bad one, not even t-1"

# The worst status wins: a missing file (66) over a bad one (65); the
# others are still read.
dump >before
run convo-import bad-lines.json nosuch.json good-object.json
status_is 66 "a bad and a missing file: exit 66"
out_timeless "a bad and a missing file: 2 failed" <<'EOF'
imported 1 file (2 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "a bad and a missing file: both diagnostics, in order" <<'EOF'
convo-import: bad-lines.json:2:83: unexpected end of line, string not closed
convo-import: nosuch.json: No such file or directory
EOF
is "$(counts)" "6 12 6 0 1 3" "a bad and a missing file: nothing new stored"

done_testing
