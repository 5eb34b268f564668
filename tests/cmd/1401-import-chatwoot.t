#!/bin/sh
# convo-import of Chatwoot: a conversation with messages, the messages
# payload and webhook captures, with figures worked out by hand from
# testdata/chatwoot; re-import, repeated webhooks and a longer later
# export add nothing twice; bad input names file and line, exits 65 and
# stores nothing; detection tells the format from others.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td" || exit 1

good="chatwoot/conversation.json chatwoot/messages-payload.json
chatwoot/webhooks.jsonl"

# Conversations 42, 43, 44.  Messages: 42 has 10, less the private note
# and the CSAT survey: 8; 43 has 4; the webhooks 4 events of messages,
# one repeated: 3.  15 in all.  Users chatwoot:7, :8, :9.  Events: 42
# and 44 each a survey and a CSAT, 44 the handover of the first agent
# message after the bot: 5; in 42 Ana typed "talk to a human" after a
# fallback, which the rules read as the request (after_fallback), so
# the agent's first message there adds none.  Leads: Ana, Lea.
run convo-import $good
status_is 0 "good files: exit 0"
out_timeless "good files: summary" <<'OUT'
imported 3 files: 3 new and 0 updated conversations, 15 new messages, 0 skipped records, T s
OUT
err_is "good files: no diagnostics" </dev/null
is "$(counts)" "3 15 3 5 2 0" "good files: counts per table"
is "$(sql "SELECT DISTINCT format FROM import")" "chatwoot" \
    "good files: each detected as chatwoot"
sql "SELECT ext_id, source, status, coalesce(csat, '-'),
    coalesce(browser, '-'), coalesce(device, '-'), coalesce(country, '-'),
    coalesce(city, '-'), assistant FROM conversation ORDER BY id" \
    >"$tmp/out"
out_is "conversations: channel, status, CSAT, browser, location" <<'OUT'
42|web_widget|ended|4|Chrome|macOS|DE|Berlin|Shopbot
43||active|-|-|-|-|-|Shopbot
44|api|active|5|-|-|FR|Lyon|Shopbot
OUT
sql "SELECT role, count(*) FROM message GROUP BY role ORDER BY role" \
    >"$tmp/out"
out_is "roles: agent bots, human agents, activity lines, contacts" <<'OUT'
agent|3
assistant|4
system|2
user|6
OUT
sql "SELECT c.ext_id, e.type, coalesce(e.value, '-'),
    datetime(e.ts / 1000, 'unixepoch') FROM event e
    JOIN conversation c ON c.id = e.conversation_id ORDER BY e.ts, e.id" \
    >"$tmp/out"
out_is "events: the first agent message after the bot; input_csat" <<'OUT'
42|survey|-|2026-11-20 10:32:30
42|csat|4|2026-11-20 10:32:30
44|handover|direct|2026-11-20 11:31:00
44|survey|-|2026-11-20 11:31:30
44|csat|5|2026-11-20 11:31:30
OUT
# One request is one handover: 42's typed one (10:30:30, picked up by
# the agent at 10:31:00, 30 s), 44's first agent message (picked up at
# once).
sql "SELECT ext_id, n_handovers, n_handover_direct, n_handover_after_fallback,
    datetime(first_handover_at / 1000, 'unixepoch'), agent_pickup_ms
    FROM conversation WHERE n_handovers > 0 ORDER BY id" >"$tmp/out"
out_is "handovers: one request is one handover" <<'OUT'
42|1|0|1|2026-11-20 10:30:30|30000
44|1|1|0|2026-11-20 11:31:00|0
OUT
sql "SELECT coalesce(name, '-'), coalesce(email, '-'), coalesce(phone, '-')
    FROM lead ORDER BY id" >"$tmp/out"
out_is "leads: the contacts' e-mail and phone" <<'OUT'
Ana Silva|ana@example.com|+4917012345678
Lea|-|+33612345678
OUT

# Again: nothing new, nothing updated.
run convo-import $good
out_timeless "again: nothing new" <<'OUT'
imported 3 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
OUT
is "$(counts)" "3 15 3 5 2 0" "again: the same counts"

# Webhooks captured so far, then all of them: only what came later.
export CONVO_DB="$tmp/later.db"
head -n 2 chatwoot/webhooks.jsonl >"$tmp/early.jsonl"
run convo-import "$tmp/early.jsonl"
out_timeless "early webhooks: two messages" <<'OUT'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
OUT
run convo-import chatwoot/webhooks.jsonl
out_timeless "all webhooks: the agent's message only" <<'OUT'
imported 1 file: 0 new and 1 updated conversations, 1 new messages, 0 skipped records, T s
OUT
is "$(sql "SELECT count(*) FROM message")" "3" "all webhooks: 3 in all"

# The messages payload, then the conversation with one more message:
# the conversation takes the channel, and only that message is new.
run convo-import chatwoot/messages-payload.json
cat >"$tmp/conv43.json" <<'IN'
{"id": 43, "meta": {"channel": "Channel::WebWidget"}, "status": "open",
 "messages": [
  {"id": 203, "content": "great, thanks", "message_type": 0, "created_at": 1795174205},
  {"id": 204, "content": "You're welcome!", "message_type": 1, "created_at": 1795174206},
  {"id": 205, "content": "bye", "message_type": "incoming", "created_at": 1795174230}
 ]}
IN
run convo-import "$tmp/conv43.json"
out_timeless "conversation 43 later: one new message" <<'OUT'
imported 1 file: 0 new and 1 updated conversations, 1 new messages, 0 skipped records, T s
OUT
is "$(sql "SELECT source || ' ' || (SELECT count(*) FROM message m
    WHERE m.conversation_id = c.id) FROM conversation c
    WHERE ext_id = '43'")" "web_widget 5" "conversation 43: adopted, 5"

# Bad input: file, line and column; exit 65; nothing stored.
dump >"$tmp/before"
run convo-import chatwoot/bad-list.json
status_is 65 "bad list: exit 65"
err_is "bad list: the path to the bad member" <<'OUT'
convo-import: chatwoot/bad-list.json:1:1: 'data.payload[0].messages[1].message_type' missing or not one of 0-3, incoming, outgoing, activity, template
OUT
printf '{"event":"message_created","id":1,"message_type":"incoming","content_type":"text","created_at":1795170615,"conversation":{"id":3}}\n{"event":"message_created","id":2,"message_type":0,"created_at":"now","conversation_id":3}\n' \
    >"$tmp/bad.jsonl"
run convo-import "$tmp/bad.jsonl"
status_is 65 "bad webhook: exit 65"
err_is "bad webhook: its line" <<OUT
convo-import: $tmp/bad.jsonl:2:1: bad timestamp 'now' in 'created_at': not a timestamp
OUT
run convo-import --format chatwoot json/good-array.json
status_is 65 "a native document forced as chatwoot: exit 65"
dump >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "bad input: the database is unchanged"
run convo-import --skip-bad chatwoot/bad-list.json
status_is 65 "skip-bad: still exit 65"
is "$(sql "SELECT count(*) FROM conversation WHERE ext_id = '51'")" "1" \
    "skip-bad: the good conversation of the list is stored"

# A sender id too big for an integer is no id: the message is stored
# all the same (a fuzz finding: converting it overflowed, UBSan).
export CONVO_DB="$tmp/big-id.db"
cat >"$tmp/big-id.jsonl" <<'EOF'
{"event": "message_created", "id": 901, "content": "hi", "created_at": "2026-11-20 11:30:15 UTC", "message_type": "incoming", "sender": {"id": 8.9e116, "type": "contact"}, "conversation": {"id": 90}}
EOF
run convo-import -q --format chatwoot "$tmp/big-id.jsonl"
status_is 0 "a sender id of 8.9e116: exit 0"
is "$(sql "SELECT count(*) FROM message")" "1" \
    "a sender id of 8.9e116: the message is stored"

# Other formats are never taken for Chatwoot.
export CONVO_DB="$tmp/others.db"
imports_as_folder json/good-array.json json/good-lines.json \
    json/good-object.json events/good-stream.jsonl csv/good-support.csv \
    text/good-multi.txt sample/shop-assistant.json \
    sample/live-events.jsonl botframework/webchat.transcript \
    botframework/copilot-list.json

done_testing
