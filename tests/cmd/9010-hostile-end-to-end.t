#!/bin/sh
# Hostile content end to end: each file of testdata/hostile/ -- one per
# import format: conversation documents, an event stream, CSV, a text
# transcript, a WhatsApp export, a Chatwoot conversation and a Claude
# export -- holds <script>, on* attributes, javascript: links, CR LF and
# header names in names, terminal escapes, BEL, C1 controls (NEL, CSI),
# RLO and the other bidi controls, U+2028 and a forged message line.
# Each imports as the model says: stored as given (counted below), a
# \u0000 ending its string, WhatsApp's embeddings dropped from authors.
# Then every rendering is inert: convo-transcript in all five formats
# (tests/html_check.py, tests/mime_check.py, tests/inert_check.py: no
# control, no character that reorders text, no raw HTML in Markdown),
# its JSON imports again to the same text; convo-list in every format and
# convo-stats as text, JSON and HTML show the same data just as inert.
# The same files with a bad byte (NUL, an overlong form, a surrogate,
# 0xFF, past U+10FFFF) where a message starts are refused with exit 65,
# the line and byte column, and nothing stored; and a conversation id
# with a control character is refused in every format that states one.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
hd=$td/hostile
now=2026-11-22T09:00:00Z

# Conversations, messages, and messages whose text holds RLO, ESC, CR.
stored() {
	sql "SELECT (SELECT count(*) FROM conversation) || ' ' ||
	    (SELECT count(*) FROM message) || ' ' ||
	    (SELECT count(*) FROM message WHERE instr(text, char(8238))) ||
	    ' ' || (SELECT count(*) FROM message WHERE instr(text, char(27)))
	    || ' ' || (SELECT count(*) FROM message WHERE instr(text, char(13)))"
}

# render_all NAME: renders every conversation of $CONVO_DB in every
# format into NAME/, checks the e-mail and the dashboard; the checks of
# all NAMEs together come at the end.
render_all() {
	mkdir "$1" || return
	for f in text markdown html json email; do
		convo-list --ids | convo-transcript --include-system \
		    --format $f --now $now - >"$1/out.$f"
		is "$?" 0 "$1: $f renders"
	done
	convo-list --ids | convo-transcript --include-system \
	    --format html - >"$1/want.html"
	run python3 "$top/tests/mime_check.py" "$1/out.email" "$1/out.text" \
	    "$1/want.html"
	status_is 0 "$1: the e-mail reads back, no header added, parts equal"
	# The JSON imports again and renders the same text.
	CONVO_DB=again.db convo-import -q "$1/out.json"
	is "$?" 0 "$1: the JSON imports again"
	CONVO_DB=again.db convo-list --ids | CONVO_DB=again.db \
	    convo-transcript --include-system - >again.text
	same again.text "$1: and renders the same text" <"$1/out.text"
	rm -f again.db

	convo-list >"$1/list.text" && convo-list --tsv >"$1/list.tsv" &&
	    convo-list --csv >"$1/list.csv" && convo-list --json >"$1/list.json"
	is "$?" 0 "$1: convo-list in every format"
	convo-stats --period all --now $now --all >"$1/stats.text" &&
	    convo-stats --period all --now $now --json >"$1/stats.json" &&
	    convo-stats --period all --now $now --html >"$1/stats.html"
	is "$?" 0 "$1: convo-stats as text, JSON and HTML"
	run python3 "$top/tests/report_check.py" "$1/stats.html"
	status_is 0 "$1: the dashboard is well formed, no script"
}

# hostile NAME FILE MESSAGES: imports FILE into a new database: one
# conversation of MESSAGES messages.
hostile() {
	rm -f "$CONVO_DB"
	run convo-import "$2"
	status_is 0 "$1: imports"
	out_timeless "$1: one conversation of $3 messages" <<EOF
imported 1 file: 1 new and 0 updated conversations, $3 new messages, 0 skipped records, T s
EOF
}

hostile json "$hd/json/markup.json" 5
err_is "json: no diagnostic" </dev/null
is "$(stored)" "1 5 1 1 1" "json: RLO, ESC and CR stored as given"
is "$(sql "SELECT text FROM message WHERE role = 'agent'")" "nul" \
    "json: a \\u0000 escape ends its string"
render_all json

hostile events "$hd/events/markup.jsonl" 2
err_is "events: no diagnostic" </dev/null
is "$(stored)" "1 2 1 1 0" "events: RLO and ESC stored as given"
is "$(sql "SELECT hex(token) FROM user")" \
    "75E280AE676E702E6578650D0A4263633A2078406578616D706C652E6F7267" \
    "events: the user, RLO and CR LF as given"
render_all events

hostile csv "$hd/csv/markup.csv" 2
err_is "csv: the unknown column warned of, as typed" <<EOF
convo-import: $hd/csv/markup.csv:1: warning: unknown column '<script>x</script>' kept as a variable
EOF
is "$(stored)" "1 2 1 1 0" \
    "csv: RLO and ESC stored as given, CR dropped before LF in quotes too"
render_all csv

hostile text "$hd/text/markup.txt" 3
err_is "text: no diagnostic" </dev/null
is "$(stored)" "1 3 1 1 0" "text: RLO and ESC stored as given"
is "$(sql "SELECT count(*) FROM message WHERE text LIKE '%  [10:00:01]%'")" \
    1 "text: an indented message line continues the message"
render_all text

hostile whatsapp "$hd/whatsapp/markup.txt" 4
err_is "whatsapp: no diagnostic" </dev/null
is "$(stored)" "1 4 1 1 0" "whatsapp: RLO and ESC stored as given"
is "$(sql "SELECT token FROM user")" "Eve <script>alert(1)</script>" \
    "whatsapp: the author without its embeddings, one user"
render_all whatsapp

hostile chatwoot "$hd/chatwoot/markup.json" 5
err_is "chatwoot: no diagnostic" </dev/null
is "$(stored)" "1 5 1 1 1" "chatwoot: RLO, ESC and CR stored as given"
render_all chatwoot

hostile llm "$hd/llm/markup.json" 2
err_is "llm: no diagnostic" </dev/null
is "$(stored)" "1 2 1 1 0" "llm: RLO and ESC stored as given"
render_all llm

# Every rendering of every file: HTML well-formed with no script, on*
# attribute or javascript: link; no control, no character that reorders
# text, in any output; no raw HTML in Markdown.
run python3 "$top/tests/html_check.py" */out.html */want.html
status_is 0 "html well-formed, no script, on*, javascript:"
out_is "html_check finds nothing" </dev/null
run python3 "$top/tests/inert_check.py" */out.text */out.html */list.text \
    */list.tsv */stats.text */stats.html --markdown */out.markdown \
    --json */out.json --email */out.email --csv */list.csv \
    --json-escaped */list.json */stats.json
status_is 0 "no control or bidi control anywhere, no raw HTML in Markdown"
out_is "inert_check finds nothing" </dev/null
ls */out.* */list.* */stats.* | wc -l >n
is "$(cat n)" 84 "inert_check read 7 x 12 files"

# A bad byte where the first "gnp.exe" (in CSV "fdp.exe") starts, in
# place of its first letter: NUL, an overlong '/', a surrogate, 0xFF and
# a code point past U+10FFFF.  Each file is refused at that line and
# byte column, the others go on, and nothing is stored.
cat >inject.py <<'EOF'
import os, sys
top = sys.argv[1]
for f in sys.argv[2:]:
    data = open(os.path.join(top, f), "rb").read()
    at = data.find(b"gnp.exe")
    if at < 0:
        at = data.find(b"fdp.exe")
    for bad in ("00", "c0af", "eda080", "ff", "f4908080"):
        out = "bad-%s-%s" % (f.split("/")[0], bad)
        with open(out, "wb") as fp:
            fp.write(data[:at] + bytes.fromhex(bad) + data[at + 1:])
        print(out)
EOF
python3 inject.py "$hd" json/markup.json events/markup.jsonl csv/markup.csv \
    text/markup.txt whatsapp/markup.txt chatwoot/markup.json \
    llm/markup.json >bad.list
rm -f "$CONVO_DB"
run convo-import -q $(cat bad.list)
status_is 65 "a bad byte: exit 65"
grep -v "warning: unknown column" "$tmp/err" >bad.err
same bad.err "a bad byte: each file refused at the byte" <<EOF
convo-import: bad-json-00:5:46: NUL byte
convo-import: bad-json-c0af:5:46: invalid UTF-8
convo-import: bad-json-eda080:5:46: invalid UTF-8
convo-import: bad-json-ff:5:46: invalid UTF-8
convo-import: bad-json-f4908080:5:46: invalid UTF-8
convo-import: bad-events-00:1:100: NUL byte
convo-import: bad-events-c0af:1:100: invalid UTF-8
convo-import: bad-events-eda080:1:100: invalid UTF-8
convo-import: bad-events-ff:1:100: invalid UTF-8
convo-import: bad-events-f4908080:1:100: invalid UTF-8
convo-import: bad-csv-00:4:4: NUL byte
convo-import: bad-csv-c0af:4:4: invalid UTF-8
convo-import: bad-csv-eda080:4:4: invalid UTF-8
convo-import: bad-csv-ff:4:4: invalid UTF-8
convo-import: bad-csv-f4908080:4:4: invalid UTF-8
convo-import: bad-text-00:3:11: NUL byte
convo-import: bad-text-c0af:3:11: invalid UTF-8
convo-import: bad-text-eda080:3:11: invalid UTF-8
convo-import: bad-text-ff:3:11: invalid UTF-8
convo-import: bad-text-f4908080:3:11: invalid UTF-8
convo-import: bad-whatsapp-00:1:67: NUL byte
convo-import: bad-whatsapp-c0af:1:67: invalid UTF-8
convo-import: bad-whatsapp-eda080:1:67: invalid UTF-8
convo-import: bad-whatsapp-ff:1:67: invalid UTF-8
convo-import: bad-whatsapp-f4908080:1:67: invalid UTF-8
convo-import: bad-chatwoot-00:26:45: NUL byte
convo-import: bad-chatwoot-c0af:26:45: invalid UTF-8
convo-import: bad-chatwoot-eda080:26:45: invalid UTF-8
convo-import: bad-chatwoot-ff:26:45: invalid UTF-8
convo-import: bad-chatwoot-f4908080:26:45: invalid UTF-8
convo-import: bad-llm-00:1:287: NUL byte
convo-import: bad-llm-c0af:1:287: invalid UTF-8
convo-import: bad-llm-eda080:1:287: invalid UTF-8
convo-import: bad-llm-ff:1:287: invalid UTF-8
convo-import: bad-llm-f4908080:1:287: invalid UTF-8
EOF
is "$(grep -c "warning: unknown column '<script>x</script>'" "$tmp/err")" 5 \
    "a bad byte: the CSV header is read first"
is "$(counts)" "0 0 0 0 0 0" "a bad byte: nothing stored"

# A conversation id with a control character: refused where it is
# stated, with --skip-bad the rest stored.
rm -f "$CONVO_DB"
printf '%s\n' '[{"id": "a\r\nb", "messages": []}, {"id": "ok1"}]' >id.json
printf '%s\n' '{"conversation": "a\u001b[2J", "ts": "2026-11-20T10:00:00Z", "type": "message", "role": "user", "text": "x"}' \
    '{"conversation": "ok2", "ts": "2026-11-20T10:00:00Z", "type": "message", "role": "user", "text": "y"}' \
    >id.jsonl
printf 'conversation_id,ts,role\n"a\nb",2026-11-20T10:00:00Z,user\nok3,2026-11-20T10:00:00Z,user\n' >id.csv
printf 'Conversation: a\033b\nDate: 2026-11-20\n\n[10:00:00] User: x\n\nConversation: ok4\nDate: 2026-11-20\n\n[10:00:00] User: y\n' >id.txt
run convo-import --skip-bad id.json id.jsonl id.csv id.txt
status_is 65 "control in an id: exit 65"
err_is "control in an id: each refused where it is, shown clean" <<EOF
convo-import: id.json:1: control character in the conversation id 'a� b'
convo-import: id.json: 1 bad records skipped
convo-import: id.jsonl:1: control character in the conversation id 'a�[2J'
convo-import: id.jsonl: 1 bad records skipped
convo-import: id.csv:2: control character in the conversation id 'a b'
convo-import: id.csv: 1 bad records skipped
convo-import: id.txt:4: control character in the conversation id 'a�b'
convo-import: id.txt: 1 bad records skipped
EOF
is "$(sql "SELECT group_concat(ext_id, ' ') FROM conversation")" \
    "ok1 ok2 ok3 ok4" "control in an id: the others stored"

done_testing
