#!/bin/sh
# convo-list's output: the table, CSV, TSV and JSON exactly, times in the
# table (to the minute) and in the machine formats (in full, with the
# offset) in --tz, previews on one line (a click's title, an attachment's
# name, none), empty results, and the preview cut to a terminal's width.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td/list/conversations.json" "$td/list/previews.json"
is "$?" 0 "the test data imports"

# crlf: standard input with CRLF line ends, as CSV has them.
crlf() { awk '{ printf "%s\r\n", $0 }'; }

# The conversations of 2026-11-08: P4 has no source and a multi-line
# reply with quotes, a comma and a tab in the question; P3 no user, no
# assistant, no message; P2 only an image; P1 ends with a click.
run convo-list --since 2026-11-08
status_is 0 "the table: exit 0"
out_is "the table: aligned, '-' for nothing, times to the minute" <<'EOF'
id  source      user   assistant    status  started           last_activity     messages  preview
P4  -           v-fay  support-bot  active  2026-11-08 12:00  2026-11-08 12:00         2  It costs "5 €", or less.
P3  api         -      -            ended   2026-11-08 11:00  2026-11-08 11:00         0  -
P2  whatsapp    v-eve  -            active  2026-11-08 10:00  2026-11-08 10:00         1  receipt.jpg
P1  web_widget  v-eve  support-bot  active  2026-11-08 09:00  2026-11-08 09:00         3  Opening hours
EOF
err_is "the table: nothing on stderr" </dev/null

run convo-list --since 2026-11-08 --csv
status_is 0 "--csv: exit 0"
crlf >want.csv <<'EOF'
id,source,user,assistant,status,started,last_activity,messages,preview
P4,,v-fay,support-bot,active,2026-11-08T12:00:00+00:00,2026-11-08T12:00:03+00:00,2,"It costs ""5 €"", or less."
P3,api,,,ended,2026-11-08T11:00:00+00:00,2026-11-08T11:00:00+00:00,0,
P2,whatsapp,v-eve,,active,2026-11-08T10:00:00+00:00,2026-11-08T10:00:00+00:00,1,receipt.jpg
P1,web_widget,v-eve,support-bot,active,2026-11-08T09:00:00+00:00,2026-11-08T09:00:09+00:00,3,Opening hours
EOF
out_is "--csv: RFC 4180, CRLF, quoted where needed, times in full" <want.csv

run convo-list --since 2026-11-08 --tsv
status_is 0 "--tsv: exit 0"
tr '|' '\t' >want.tsv <<'EOF'
id|source|user|assistant|status|started|last_activity|messages|preview
P4||v-fay|support-bot|active|2026-11-08T12:00:00+00:00|2026-11-08T12:00:03+00:00|2|It costs "5 €", or less.
P3|api|||ended|2026-11-08T11:00:00+00:00|2026-11-08T11:00:00+00:00|0|
P2|whatsapp|v-eve||active|2026-11-08T10:00:00+00:00|2026-11-08T10:00:00+00:00|1|receipt.jpg
P1|web_widget|v-eve|support-bot|active|2026-11-08T09:00:00+00:00|2026-11-08T09:00:09+00:00|3|Opening hours
EOF
out_is "--tsv: tab-separated, empty for nothing" <want.tsv

run convo-list --since 2026-11-08 --json
status_is 0 "--json: exit 0"
out_is "--json: null for nothing, messages a number" <<'EOF'
[
  {"id": "P4", "source": null, "user": "v-fay", "assistant": "support-bot", "status": "active", "started": "2026-11-08T12:00:00+00:00", "last_activity": "2026-11-08T12:00:03+00:00", "messages": 2, "preview": "It costs \"5 €\", or less."},
  {"id": "P3", "source": "api", "user": null, "assistant": null, "status": "ended", "started": "2026-11-08T11:00:00+00:00", "last_activity": "2026-11-08T11:00:00+00:00", "messages": 0, "preview": null},
  {"id": "P2", "source": "whatsapp", "user": "v-eve", "assistant": null, "status": "active", "started": "2026-11-08T10:00:00+00:00", "last_activity": "2026-11-08T10:00:00+00:00", "messages": 1, "preview": "receipt.jpg"},
  {"id": "P1", "source": "web_widget", "user": "v-eve", "assistant": "support-bot", "status": "active", "started": "2026-11-08T09:00:00+00:00", "last_activity": "2026-11-08T09:00:09+00:00", "messages": 3, "preview": "Opening hours"}
]
EOF

if command -v jq >/dev/null 2>&1; then
	convo-list --json >all.json
	is "$(jq length all.json)" 11 "--json is one JSON document: jq reads it"
fi

# System lines: not counted, not a preview; runs of white space (a line
# end and indentation) are one space.
run convo-list --source web_widget --since 2026-11-06 --until 2026-11-07
out_is "a system line last: the message before it is the preview" <<'EOF'
id  source      user   assistant    status  started           last_activity     messages  preview
L6  web_widget  v-ana  support-bot  active  2026-11-06 07:15  2026-11-06 07:20         2  Hello! How can I help?
EOF
run convo-list --source whatsapp --status active --until 2026-11-06 --csv
crlf >want.csv <<'EOF'
id,source,user,assistant,status,started,last_activity,messages,preview
L3,whatsapp,+4915112345678,support-bot,active,2026-11-05T18:30:00+00:00,2026-11-05T18:32:00+00:00,5,no thanks bye
EOF
out_is "a multi-line message is previewed on one line" <want.csv

# --tz: the table and the machine formats in that zone.
run convo-list --tz Europe/Berlin --source test_chat
out_is "--tz: the table in local time" <<'EOF'
id  source     user  assistant    status  started           last_activity     messages  preview
L5  test_chat  -     support-bot  ended   2026-11-04 13:00  2026-11-04 13:00         2  Test reply.
EOF
run env TZ=Asia/Kolkata convo-list --source test_chat --json
out_is "TZ: JSON times with their offset" <<'EOF'
[
  {"id": "L5", "source": "test_chat", "user": null, "assistant": "support-bot", "status": "ended", "started": "2026-11-04T17:30:00+05:30", "last_activity": "2026-11-04T17:30:02+05:30", "messages": 2, "preview": "Test reply."}
]
EOF

# Nothing found: the table prints nothing, CSV and TSV their header, JSON
# an empty array; exit 1 each time.
run convo-list --user nobody
status_is 1 "nothing found: exit 1"
out_is "nothing found: the table prints nothing" </dev/null
run convo-list --user nobody --csv
status_is 1 "nothing found, --csv: exit 1"
echo "id,source,user,assistant,status,started,last_activity,messages,preview" |
    crlf >want.csv
out_is "nothing found, --csv: the header only" <want.csv
run convo-list --user nobody --tsv
status_is 1 "nothing found, --tsv: exit 1"
echo "id source user assistant status started last_activity messages preview" |
    tr ' ' '\t' >want.tsv
out_is "nothing found, --tsv: the header only" <want.tsv
run convo-list --user nobody --json
status_is 1 "nothing found, --json: exit 1"
out_is "nothing found, --json: an empty array" <<'EOF'
[]
EOF
err_is "nothing found: nothing on stderr" </dev/null

# On a terminal the preview is cut to its width; script(1) gives one.
if command -v script >/dev/null 2>&1 && command -v stty >/dev/null 2>&1; then
	script -qec "stty cols 110; convo-list -n 3" /dev/null </dev/null |
	    tr -d '\r' >tty.out
	same tty.out "on a terminal of 110 columns the preview is cut" <<'EOF'
id  source    user   assistant    status  started           last_activity     messages  preview
P4  -         v-fay  support-bot  active  2026-11-08 12:00  2026-11-08 12:00         2  It costs "5 €", or ...
P3  api       -      -            ended   2026-11-08 11:00  2026-11-08 11:00         0  -
P2  whatsapp  v-eve  -            active  2026-11-08 10:00  2026-11-08 10:00         1  receipt.jpg
EOF
	script -qec "stty cols 110; convo-list -n 3 --csv" /dev/null </dev/null |
	    tr -d '\r' | tail -n 1 >tty.out
	same tty.out "on a terminal CSV is not cut" <<'EOF'
P2,whatsapp,v-eve,,active,2026-11-08T10:00:00+00:00,2026-11-08T10:00:00+00:00,1,receipt.jpg
EOF
else
	ok 0 "on a terminal the preview is cut # SKIP no script(1)"
	ok 0 "on a terminal CSV is not cut # SKIP no script(1)"
fi

done_testing
