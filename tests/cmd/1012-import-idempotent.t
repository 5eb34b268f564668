#!/bin/sh
# Importing twice changes nothing but the import log; a later, longer
# export adds only its new messages and updates the stated fields;
# identical messages at the same second are kept apart; the import log
# records each file with its size and SHA-256.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td" || exit 1

# Every table but the import log, as SQL text.
content() {
	sqlite3 -batch "$CONVO_DB" \
	    ".dump conversation message user event lead variable"
}

good="json/good-array.json json/good-lines.json json/good-object.json
json/good-empty-array.json events/good-stream.jsonl csv/good-semicolon.csv
csv/good-support.csv csv/good-tabs.csv text/2026-11-20-support.txt
text/good-late-night.txt text/good-multi.txt"

# The first time: 11 files; conversations 6 (JSON, 1001-import-json.t) +
# 3 (events, 1002) + 4 (CSV, 1003) + 5 (text, 1004) = 18; messages
# 12 + 3 + 12 + 18 = 45.
run convo-import $good
status_is 0 "all good files: exit 0"
out_timeless "all good files: summary" <<'EOF'
imported 11 files: 18 new and 0 updated conversations, 45 new messages, 0 skipped records, T s
EOF
err_is "all good files: the one warning" <<'EOF'
convo-import: csv/good-support.csv:1: warning: unknown column 'plan' kept as a variable
EOF
# conversations 6 + 3 + 4 + 5; messages as above; users 6 + 3 + 4 + 5;
# events 7 (all from the stream); leads 1 + 1; variables 3 + 1 + 1.
is "$(counts)" "18 45 18 7 2 5" "all good files: counts per table"
content >"$tmp/first"
# The import writes with foreign keys off: every reference must hold.
is "$(sql 'PRAGMA foreign_key_check')" "" "all good files: no dangling reference"

# The second time: nothing new, nothing updated, no row changed.
run convo-import $good
status_is 0 "all good files again: exit 0"
out_timeless "all good files again: nothing new, nothing updated" <<'EOF'
imported 11 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "all good files again: the same warning" <<'EOF'
convo-import: csv/good-support.csv:1: warning: unknown column 'plan' kept as a variable
EOF
content >"$tmp/second"
if diff -u "$tmp/first" "$tmp/second" >"$tmp/diff"; then
	ok 0 "all good files again: no row of any table changed"
else
	ok 1 "all good files again: no row of any table changed"
	sed 's/^/# /' "$tmp/diff"
fi
# Each file on its own, so that a failure names the file.
for f in $good; do
	content >"$tmp/before"
	run convo-import -q "$f"
	content >"$tmp/after"
	cmp -s "$tmp/before" "$tmp/after"
	ok $? "$f a third time: no row changed"
done

# The import log: one row per file and import (11 * 2 + 11), with the
# file as named, its format, its size and the SHA-256 of its bytes.
is "$(sql "SELECT count(*), count(DISTINCT file) FROM import")" "33|11" \
	"the import log: a row per file imported"
for f in $good; do
	case $f in
	json/*) fmt=json ;;
	events/*) fmt=events ;;
	csv/*) fmt=csv ;;
	text/*) fmt=text ;;
	esac
	sha=$(sha256sum <"$f" | cut -d ' ' -f 1)
	size=$(wc -c <"$f" | tr -d ' ')
	is "$(sql "SELECT DISTINCT kind || ' ' || format || ' ' || size || ' ' ||
	    sha256 FROM import WHERE file = '$f'")" "import $fmt $size $sha" \
		"the import log: $f, its format, size and SHA-256"
done
is "$(sql "SELECT conversations_new, messages_new FROM import
    WHERE file = 'csv/good-support.csv' ORDER BY id")" "2|8
0|0
0|0" "the import log: the counts of each import"

cd "$tmp" || exit 1

# A later, longer export of a conversation: v1 has 3 messages; v2 the same
# 3, 2 more, and the conversation ended (status, ended_at, end_reason,
# csat stated).
cat >v1.json <<'EOF'
[{"id": "shop-1", "source": "web_widget", "user": "v-1", "status": "active",
  "messages": [
    {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "Hi"},
    {"ts": "2026-11-20T10:00:02Z", "role": "assistant", "text": "Hello! How can I help?"},
    {"ts": "2026-11-20T10:01:00Z", "role": "user", "text": "Where is my order?"}
  ]}]
EOF
cat >v2.json <<'EOF'
[{"id": "shop-1", "source": "web_widget", "user": "v-1", "status": "ended",
  "ended_at": "2026-11-20T10:05:00Z", "end_reason": "user", "csat": 5,
  "messages": [
    {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "Hi"},
    {"ts": "2026-11-20T10:00:02Z", "role": "assistant", "text": "Hello! How can I help?"},
    {"ts": "2026-11-20T10:01:00Z", "role": "user", "text": "Where is my order?"},
    {"ts": "2026-11-20T10:01:03Z", "role": "assistant", "text": "It ships today."},
    {"ts": "2026-11-20T10:02:00Z", "role": "user", "text": "Thanks!"}
  ]}]
EOF
run convo-import v1.json
status_is 0 "v1: exit 0"
out_timeless "v1: 1 new conversation, 3 new messages" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 3 new messages, 0 skipped records, T s
EOF
err_is "v1: nothing on stderr" </dev/null
ids=$(sql "SELECT group_concat(id) FROM message WHERE conversation_id =
    (SELECT id FROM conversation WHERE ext_id = 'shop-1')")

run convo-import v2.json
status_is 0 "v2: exit 0"
out_timeless "v2: 1 updated conversation, only the 2 new messages" <<'EOF'
imported 1 file: 0 new and 1 updated conversations, 2 new messages, 0 skipped records, T s
EOF
err_is "v2: nothing on stderr" </dev/null
# The first 3 messages are the same rows; 3 + 2 = 5; the stated fields
# replaced the stored ones; user 3 and assistant 2.
is "$(sql "SELECT group_concat(id) FROM (SELECT id FROM message
    WHERE conversation_id = (SELECT id FROM conversation
    WHERE ext_id = 'shop-1') ORDER BY ts LIMIT 3)")" "$ids" \
	"v2: the first three messages are the rows v1 stored"
is "$(sql "SELECT count(*), status, datetime(ended_at / 1000, 'unixepoch'),
    end_reason, csat, n_user, n_assistant,
    datetime(last_message_at / 1000, 'unixepoch')
    FROM message m JOIN conversation c ON c.id = m.conversation_id
    WHERE c.ext_id = 'shop-1'")" \
	"5|ended|2026-11-20 10:05:00|user|5|3|2|2026-11-20 10:02:00" \
	"v2: 5 messages, the conversation ended"

content >"$tmp/first"
run convo-import v2.json v1.json
status_is 0 "v2 and v1 again: exit 0"
out_timeless "v2 and v1 again: nothing new" <<'EOF'
imported 2 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "v2 and v1 again: nothing on stderr" </dev/null
content >"$tmp/second"
cmp -s "$tmp/first" "$tmp/second"
ok $? "v1 after v2 changes nothing: its stated 'active' does not reopen"

# A stated field of a stored message: v3 adds feedback to a message.
sed 's/"text": "It ships today."/&, "feedback": "up"/' v2.json >v3.json
run convo-import v3.json
status_is 0 "v3: exit 0"
out_timeless "v3: the conversation is updated, no new message" <<'EOF'
imported 1 file: 0 new and 1 updated conversations, 0 new messages, 0 skipped records, T s
EOF
is "$(sql "SELECT n_feedback_up, (SELECT count(*) FROM message
    WHERE conversation_id = c.id) FROM conversation c
    WHERE ext_id = 'shop-1'")" "1|5" "v3: the feedback is stored, 5 messages"

# Events without a value (a survey, an end without a reason) are stored
# once too.
cat >novalue.jsonl <<'EOF'
{"conversation":"e1","ts":"2026-11-20T10:00:00Z","type":"message","role":"user","text":"Hi"}
{"conversation":"e1","ts":"2026-11-20T10:00:30Z","type":"survey"}
{"conversation":"e1","ts":"2026-11-20T10:01:00Z","type":"end"}
EOF
run convo-import novalue.jsonl
status_is 0 "events without a value: exit 0"
out_timeless "events without a value: 1 new conversation, 1 message" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 1 new messages, 0 skipped records, T s
EOF
content >"$tmp/first"
run convo-import novalue.jsonl
out_timeless "events without a value again: nothing new or updated" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
content >"$tmp/second"
cmp -s "$tmp/first" "$tmp/second"
ok $? "events without a value again: no row changed"
is "$(sql "SELECT group_concat(type, ' ') FROM (SELECT type FROM event
    WHERE conversation_id = (SELECT id FROM conversation WHERE ext_id = 'e1')
    ORDER BY ts)")" "survey end" \
	"events without a value again: one survey and one end"

# Two identical messages at the same second are two messages, kept on
# every re-import; a third one in a later export is one more.
cat >twice.json <<'EOF'
{"id": "d-1", "messages": [
  {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "ok"},
  {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "ok"}
]}
EOF
run convo-import twice.json
status_is 0 "two identical messages: exit 0"
out_timeless "two identical messages: both are new" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
EOF
run convo-import twice.json
out_timeless "two identical messages again: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
dup() {
	sql "SELECT count(*) FROM message WHERE conversation_id =
	    (SELECT id FROM conversation WHERE ext_id = 'd-1')"
}
is "$(dup)" "2" "two identical messages: a re-import keeps 2"
cat >once.json <<'EOF'
{"id": "d-1", "messages": [
  {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "ok"}
]}
EOF
run convo-import once.json
out_timeless "one of them: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
is "$(dup)" "2" "an export with one of them keeps 2"
{ head -n 2 twice.json; sed -n 2,4p twice.json; } >thrice.json
run convo-import thrice.json
out_timeless "three of them: one new message" <<'EOF'
imported 1 file: 0 new and 1 updated conversations, 1 new messages, 0 skipped records, T s
EOF
is "$(dup)" "3" "an export with three of them has 3"

# A vote read before the message it meant: it rates the message it
# found then (fb-2: A), or none (fb-1), and the same stream again casts
# no vote a second time (a fuzz finding: re-import rated the late one).
cat >"$tmp/late.jsonl" <<'EOF'
{"conversation":"fb-1","ts":"2026-11-21T09:00:00Z","type":"message","role":"user","text":"Hours?"}
{"conversation":"fb-1","ts":"2026-11-21T09:00:10Z","type":"feedback","value":"up"}
{"conversation":"fb-1","ts":"2026-11-21T09:00:05Z","type":"message","role":"assistant","text":"9 to 5."}
{"conversation":"fb-2","ts":"2026-11-21T09:00:00Z","type":"message","role":"assistant","text":"A"}
{"conversation":"fb-2","ts":"2026-11-21T09:00:20Z","type":"feedback","value":"down"}
{"conversation":"fb-2","ts":"2026-11-21T09:00:10Z","type":"message","role":"assistant","text":"B"}
EOF
votes() {
	sql "SELECT c.ext_id, m.text, coalesce(m.feedback, '-')
	    FROM message m JOIN conversation c ON c.id = m.conversation_id
	    WHERE c.ext_id LIKE 'fb-%' AND m.role = 'assistant'
	    ORDER BY c.ext_id, m.ts" | tr '\n' ' '
}
run convo-import -q "$tmp/late.jsonl"
status_is 0 "a vote before its message: exit 0"
is "$(votes)" "fb-1|9 to 5.|- fb-2|A|down fb-2|B|- " \
	"a vote before its message: it rates what was read by then"
content >"$tmp/before"
run convo-import -q "$tmp/late.jsonl"
content >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "a vote before its message, again: no row changed"
is "$(votes)" "fb-1|9 to 5.|- fb-2|A|down fb-2|B|- " \
	"a vote before its message, again: no vote cast twice"

# A record without a source goes to the first conversation of its id,
# the same one each time: here web_widget's s1, though the whatsapp s1
# started later (a fuzz finding: "the latest" moved "Hi" on re-import).
cat >"$tmp/sources.jsonl" <<'EOF'
{"conversation":"s1","ts":"2026-11-21T10:00:00Z","type":"start","source":"web_widget","user":"v-s"}
{"conversation":"s1","ts":"2026-11-21T10:00:05Z","type":"message","role":"user","text":"Hi"}
{"conversation":"s1","ts":"2026-11-21T10:05:00Z","type":"start","source":"whatsapp","user":"v-s"}
{"conversation":"s1","ts":"2026-11-21T10:05:05Z","type":"message","role":"user","text":"Hello?","source":"whatsapp"}
EOF
placed() {
	sql "SELECT c.source, m.text FROM message m
	    JOIN conversation c ON c.id = m.conversation_id
	    WHERE c.ext_id = 's1' ORDER BY m.ts" | tr '\n' ' '
}
run convo-import -q "$tmp/sources.jsonl"
status_is 0 "a record without a source: exit 0"
is "$(placed)" "web_widget|Hi whatsapp|Hello? " \
	"a record without a source: the conversation of its id there was"
run convo-import "$tmp/sources.jsonl"
out_timeless "a record without a source, again: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
is "$(placed)" "web_widget|Hi whatsapp|Hello? " \
	"a record without a source, again: where it went the first time"

done_testing
