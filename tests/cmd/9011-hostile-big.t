#!/bin/sh
# Hostile sizes end to end, generated here so that the tree stays small:
# a 10 MB message in every format that reads one (refused: past the
# 8 MiB ceiling, at the place; --skip-bad keeps the rest), a message just
# under the ceiling and a conversation of 100,000 messages (imported and
# rendered in every format), JSON nested 100,000 deep in every JSON
# reader (refused, no stack overflow), a CSV of 10,000 columns (refused)
# and one of 4,096 (read).  Peak memory (GNU time's maximum RSS, shown
# as a comment) stays under fixed bounds: 64 MB to import anything; to
# render, 128 MB for the message of 8 MiB (16 times its size) and 160 MB
# for the 100,000 messages (whose HTML is 23 MB, the e-mail 30 MB).  A
# build with sanitizers (SANITIZE=1) runs everything but the memory
# bounds, which its shadow memory would break.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
now=2026-11-22T09:00:00Z
asan=0
grep -q __asan_init "$top/cmd/convo-import" && asan=1

# rss MAX-MB NAME CMD...: runs CMD (output to out, err) under GNU time;
# checks its peak memory unless sanitized.  Sets $status.
rss() {
	max=$1 name=$2
	shift 2
	/usr/bin/time -f %M -o rss.kb "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $asan = 1 ]; then
		ok 0 "$name: peak memory not measured with sanitizers"
	else
		kb=$(tail -n 1 rss.kb)
		[ "$kb" -lt $((max * 1024)) ]
		ok $? "$name: peak memory under $max MB"
		echo "#   $kb KB"
	fi
}

cat >gen.py <<'EOF'
# The big inputs, each with good conversations besides the big one.
import json, sys
A = "a" * 10000000              # 10 MB, past the 8 MiB ceiling
LINES = ("b" * 999 + "\n") * 10000
T = "2026-11-20T10:00:00Z"

def put(name, text):
    with open(name, "w") as fp:
        fp.write(text)

put("m10.json", json.dumps([
    {"id": "big", "messages": [{"ts": T, "role": "user", "text": A}]},
    {"id": "ok-json", "messages": [{"ts": T, "role": "user", "text": "ok"}]}]))
put("m10.jsonl", "".join(json.dumps({"conversation": c, "ts": T,
    "type": "message", "role": "user", "text": t}) + "\n"
    for c, t in (("first-events", "ok"), ("big", A), ("ok-events", "ok"))))
put("m10.csv", "conversation_id,ts,role,text\nbig,%s,user,%s\n"
    "ok-csv,%s,user,ok\n" % (T, A, T))
put("m10-lines.csv", "conversation_id,ts,role,text\nbig,%s,user,\"%s\"\n"
    "ok-csv-lines,%s,user,ok\n" % (T, LINES, T))
put("m10.txt", "Date: 2026-11-20\n\n[10:00:00] User: %s\n\n"
    "Conversation: ok-text\n[10:00:01] User: ok\n" % A)
put("m10-lines.txt", "Date: 2026-11-20\n\n[10:00:00] User: x\n%s"
    "\nConversation: ok-text-lines\n[10:00:01] User: ok\n" % LINES)
put("m10-wa.txt", "20/11/2026, 10:00 - Ana: %s\n20/11/2026, 10:01 - Ana: "
    "ok\n" % A)
put("m10-wa-lines.txt", "20/11/2026, 10:00 - Ana: x\n%s20/11/2026, 10:01 - "
    "Ana: ok too\n" % LINES)
cw = json.load(open(sys.argv[1] + "/chatwoot/conversation.json"))
cw["messages"][0]["content"] = A
put("m10-chatwoot.json", json.dumps(dict(cw, id=43,
    messages=cw["messages"][1:])) + "\n" + json.dumps(cw) + "\n")
cl = json.load(open(sys.argv[1] + "/llm/claude-export.json"))
cl[0]["chat_messages"][0]["text"] = A
put("m10-claude.json", json.dumps(cl))

# Just under the ceiling: a text of 8,388,023 bytes on an event line of
# 8,388,152 (8 MiB is 8,388,608).
put("m8.jsonl", json.dumps({"conversation": "huge", "ts": T,
    "type": "message", "role": "user",
    "text": "<script>x</script> " + "c" * 8388000 + " \u202e"}) + "\n")

# 100,000 messages in one conversation, a second apart, as events.
with open("long.jsonl", "w") as fp:
    for i in range(100000):
        fp.write('{"conversation":"long","ts":%d,"type":"message",'
                 '"role":"%s","text":"m%d <b>&amp;"}\n'
                 % (1795168800 + i, "assistant" if i % 2 else "user", i))

# Nested 100,000 deep, where each reader reads a value.
D = 100000
put("deep.json", "[" * D + "]" * D)
put("deep-member.json", '[{"id": "x", "variables": {"v": ' + "[" * D +
    "]" * D + "}}]")
put("deep-object.json", '{"a": ' * D + "1" + "}" * D)
put("deep.jsonl", '{"conversation": "x", "ts": "%s", "type": "variable", '
    '"name": "v", "value": %s%s}\n' % (T, "[" * D, "]" * D))
for fmt, path in (("chatwoot", "chatwoot/conversation.json"),
                  ("botframework", "botframework/copilot-record.json"),
                  ("rasa", "rasa/tracker-ana.json"),
                  ("llm", "llm/claude-export.json")):
    doc = json.load(open(sys.argv[1] + "/" + path))
    first = doc[0] if isinstance(doc, list) else doc
    first["x"] = "DEEP"
    put("deep-%s.json" % fmt, json.dumps(doc).replace('"DEEP"',
        "[" * D + "]" * D))

# 10,000 columns in the header; 10,000 fields in a row; 4,096 columns.
put("wide.csv", "conversation_id,ts,role,text" + "".join(",c%d" % i
    for i in range(5, 10001)) + "\nw,%s,user,hi%s\n" % (T, "," * 9996))
put("wide-row.csv", "conversation_id,ts,role,text\nw,%s,user,hi%s\n"
    "ok,%s,user,ok\n" % (T, "," * 9996, T))
put("w4096.csv", "conversation_id,ts,role,text" + "".join(",c%d" % i
    for i in range(5, 4097)) + "\nw,%s,user,hi%s\n" % (T, ",v" * 4092))

# A conversation document of 1 MiB of numbers: cJSON's worst case.
put("numbers.json", '[{"id": "n", "v": [' + ",".join(["0"] * (524288 - 20))
    + "]}]")
EOF
python3 gen.py "$td"
is "$?" 0 "the big inputs are written"

# 10 MB messages: each file refused where the message passes 8 MiB.
big="m10.json m10.jsonl m10.csv m10-lines.csv m10.txt m10-lines.txt
    m10-wa.txt m10-wa-lines.txt m10-chatwoot.json m10-claude.json"
rss 64 "10 MB messages" convo-import -q $big
status_is 65 "10 MB messages: exit 65"
err_is "10 MB messages: where each passes the ceiling" <<'EOF'
convo-import: m10.json:1:2: conversation larger than 8 MiB
convo-import: m10.jsonl:2:8388609: line longer than 8 MiB
convo-import: m10.csv:2:8388609: line longer than 8 MiB
convo-import: m10-lines.csv:2: row longer than 8 MiB
convo-import: m10.txt:3:8388609: line longer than 8 MiB
convo-import: m10-lines.txt:3: message longer than 8 MiB
convo-import: m10-wa.txt:1:8388609: line longer than 8 MiB
convo-import: m10-wa-lines.txt:1: message longer than 8 MiB
convo-import: m10-chatwoot.json:2:8388609: line longer than 8 MiB
convo-import: m10-claude.json:1:2: conversation larger than 8 MiB
EOF
is "$(counts)" "0 0 0 0 0 0" "10 MB messages: nothing stored"
rss 64 "10 MB messages, --skip-bad" convo-import --skip-bad $big
status_is 65 "10 MB messages, --skip-bad: exit 65"
# One conversation of each file but the events (two), Chatwoot's (its
# sample less the first message: 7 stored) and Claude's (the sample's
# other two, one of them empty, which is not stored).
out_timeless "10 MB messages, --skip-bad: the rest of each file stored" <<'EOF'
imported 10 files: 11 new and 0 updated conversations, 18 new messages, 10 skipped records, T s
EOF
sql "SELECT ext_id FROM conversation WHERE ext_id NOT LIKE 'wa-%'
    ORDER BY ext_id" >n
same n "10 MB messages, --skip-bad: the good conversations" <<'EOF'
1b2c3d4e-0000-4000-8000-00000000000b
43
first-events
ok-csv
ok-csv-lines
ok-events
ok-json
ok-text
ok-text-lines
EOF
is "$(sql "SELECT count(*) FROM message WHERE length(text) > 1000")" 0 \
    "10 MB messages, --skip-bad: none of the big ones"

# A message just under the ceiling: imported, rendered in every format
# with its markup escaped and its RLO replaced, in bounded memory.
rm -f "$CONVO_DB"
# Its first line is longer than the 64 KiB detection reads: the format is
# given (convo-formats(5), CAVEATS).
rss 64 "8 MiB message: import" convo-import -q --format events m8.jsonl
status_is 0 "8 MiB message: imported"
is "$(sql "SELECT length(CAST(text AS BLOB)) FROM message")" 8388023 \
    "8 MiB message: stored whole"
for f in text markdown html json email; do
	rss 128 "8 MiB message: $f" convo-transcript --format $f --now $now huge
	status_is 0 "8 MiB message: $f renders"
	mv "$tmp/out" m8.$f
done
grep -c '&lt;script&gt;x&lt;/script&gt; c' m8.html >n
is "$(cat n)" 1 "8 MiB message: html escaped"
LC_ALL=C grep -c "$(printf '\342\200\256')" m8.text m8.markdown m8.html \
    m8.json >n
same n "8 MiB message: no RLO anywhere" <<'EOF'
m8.text:0
m8.markdown:0
m8.html:0
m8.json:0
EOF
jq -r '.[0].messages[0].text | length' m8.json >n
is "$(cat n)" 8388021 "8 MiB message: JSON valid, the text whole (RLO U+FFFD)"
LC_ALL=C awk 'length($0) > 998 || /[^ -~\r]/ { n++ } END { print n + 0 }' \
    m8.email >n
is "$(cat n)" 0 "8 MiB message: e-mail ASCII, no line over 998 octets"

# 100,000 messages in one conversation.
rm -f "$CONVO_DB"
rss 64 "100,000 messages: import" convo-import -q long.jsonl
status_is 0 "100,000 messages: imported"
is "$(counts)" "1 100000 1 0 0 0" "100,000 messages: stored"
for f in text markdown html json email; do
	rss 160 "100,000 messages: $f" convo-transcript --format $f --now $now \
	    long
	status_is 0 "100,000 messages: $f renders"
	mv "$tmp/out" long.$f
done
grep -c '^\[..:..:..\] \(User\|Assistant\): m[0-9]* <b>&amp;$' long.text >n
is "$(cat n)" 100000 "100,000 messages: text, every message"
grep -c '^\*\*\[..:..:..\] \(User\|Assistant\):\*\* m[0-9]* &lt;b&gt;&amp;amp;$' \
    long.markdown >n
is "$(cat n)" 100000 "100,000 messages: markdown, every message escaped"
jq '.[0].messages | length' long.json >n
is "$(cat n)" 100000 "100,000 messages: JSON valid, every message"
grep -c 'm[0-9]* &lt;b&gt;&amp;amp;' long.html >n
is "$(cat n)" 100000 "100,000 messages: html, every message escaped"
# Every element closed: as many end tags as start tags, tag by tag.
grep -o '</\?[a-z][a-z0-9]*' long.html | sort | uniq -c | awk '
	{ t = $2; if (sub(/^<\//, "", t)) shut[t] = $1
	  else { sub(/^</, "", t); open[t] = $1 } }
	END { for (t in open) if (t !~ /^(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/ &&
	    open[t] != shut[t]) print t, open[t], shut[t] }' >n
same n "100,000 messages: html, every element closed" </dev/null
LC_ALL=C awk 'length($0) > 998 || /[^ -~\r]/ { n++ } END { print n + 0 }' \
    long.email >n
is "$(cat n)" 0 "100,000 messages: e-mail ASCII, no line over 998 octets"
sed -n '/^\r$/q;/^ /d;s/:.*//p' long.email >n
same n "100,000 messages: e-mail headers, no other" <<'EOF'
From
To
Subject
Date
Message-ID
MIME-Version
Content-Type
EOF

# JSON nested 100,000 deep, in every reader of JSON: refused at the
# bracket past the 1000 levels of cJSON, without a stack overflow.
rm -f "$CONVO_DB"
rss 64 "deep JSON" convo-import -q deep.json deep-member.json \
    deep-object.json deep.jsonl
status_is 65 "deep JSON: exit 65"
err_is "deep JSON: nested too deeply, at the bracket" <<'EOF'
convo-import: deep.json:1:1002: nested too deeply
convo-import: deep-member.json:1:1031: nested too deeply
convo-import: deep-object.json:1:6001: nested too deeply
convo-import: deep.jsonl:1:1094: nested too deeply
EOF
for fmt in chatwoot botframework rasa llm; do
	rss 64 "deep JSON, $fmt" convo-import -q --format $fmt deep-$fmt.json
	status_is 65 "deep JSON, $fmt: exit 65"
done
is "$(counts)" "0 0 0 0 0 0" "deep JSON: nothing stored"

# 10,000 columns.
rss 64 "10,000 columns" convo-import -q wide.csv
status_is 65 "10,000 columns: exit 65"
err_is "10,000 columns: refused at the header" <<'EOF'
convo-import: wide.csv:1: header has more than 4096 columns
EOF
rss 64 "10,000 fields" convo-import -q --skip-bad wide-row.csv
status_is 65 "10,000 fields: exit 65"
err_is "10,000 fields: the row refused" <<'EOF'
convo-import: wide-row.csv:2: row has 10000 fields, header has 4
convo-import: wide-row.csv: 1 bad records skipped
EOF
is "$(sql "SELECT group_concat(ext_id) FROM conversation")" ok \
    "10,000 fields: the next row stored"
rm -f "$CONVO_DB"
rss 64 "4,096 columns" convo-import -q w4096.csv
status_is 0 "4,096 columns: read"
grep -c "warning: unknown column 'c[0-9]*' kept as a variable" "$tmp/err" >n
is "$(cat n)" 4092 "4,096 columns: each unknown one warned of"
is "$(counts)" "1 1 1 0 0 4092" "4,096 columns: 4,092 variables"

# A conversation document is parsed whole: 1 MiB of numbers takes cJSON
# about 40 times that (convo-formats(5)), within the import's bound.
rss 64 "1 MiB of JSON numbers" convo-import -q numbers.json
status_is 0 "1 MiB of JSON numbers: read"

done_testing
