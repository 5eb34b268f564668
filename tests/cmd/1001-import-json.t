#!/bin/sh
# convo-import of conversation documents: a JSON array, JSON Lines, a
# single object and an empty array.  Every expected figure was worked out
# by hand from the files in testdata/json; the working is in the comments.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/json" || exit 1

# good-array.json: two conversations.
#   c-1001 (web_widget, user v-77): 5 messages -- user typed, assistant
#     (feedback up, 600/170 tokens), user click "Talk to a human" stating
#     handover operator_button, system "Maria joined", agent with an image;
#     a stated lead, 3 variables (plan, seats, name).
#   1002 (whatsapp, numeric id and user): customer (= user) at epoch
#     seconds 1795171500 = 2026-11-20 10:45:00, bot (= assistant) at epoch
#     milliseconds 1795171502000 = 10:45:02, stating fallback true.
# 2 new conversations, 5 + 2 = 7 new messages.
run convo-import good-array.json
status_is 0 "good-array.json: exit 0"
out_timeless "good-array.json: summary" <<'EOF'
imported 1 file: 2 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
err_is "good-array.json: nothing on stderr" </dev/null
# conversation 2, message 7, user 2 (v-77, 4915112345678), event 0,
# lead 1 (Ana Lopez), variable 3 (plan, seats, name).
is "$(counts)" "2 7 2 0 1 3" "good-array.json: counts per table"

# Stated fields.  c-1001 states everything; its usage is stated for the
# whole conversation (1200/340/0.75), which wins over the sum of its
# messages (600/170/0.375).  1002 states only status active; it starts at
# its first message, 10:45:00, and has no usage (0, 0, 0.0).
sql "SELECT ext_id, source, (SELECT token FROM user WHERE id = user_id),
    assistant, device, browser, country, region, city, status,
    datetime(started_at / 1000, 'unixepoch'),
    datetime(ended_at / 1000, 'unixepoch'), end_reason, csat,
    input_tokens, output_tokens, cost
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-array.json: stated conversation fields" <<'EOF'
c-1001|web_widget|v-77|support-bot|mobile|Safari|DE|Bavaria|Munich|ended|2026-11-20 10:30:15|2026-11-20 10:45:00|user|4|1200|340|0.75
1002|whatsapp|4915112345678|||||||active|2026-11-20 10:45:00||||0|0|0.0
EOF

# Messages: the assistant message of c-1001 states no fallback, so the
# rules decided (fallback_derived 1) and found none ("Could you give me the
# invoice number?" is no fallback phrase); 1002's bot message states
# fallback true (fallback_derived 0), so the typed question before it was
# not understood.  The click states operator_button (handover_derived 0).
sql "SELECT c.ext_id, datetime(m.ts / 1000, 'unixepoch'), m.role,
    m.fallback, m.fallback_derived, m.not_understood, m.handover,
    m.handover_derived, m.feedback, m.click_type, m.click_title,
    m.media_type, m.intent, m.confidence, m.agent
    FROM message m JOIN conversation c ON c.id = m.conversation_id
    ORDER BY m.conversation_id, m.ts" >"$tmp/got"
same "$tmp/got" "good-array.json: messages and their signals" <<'EOF'
c-1001|2026-11-20 10:30:15|user|0|0|0||0|||||||
c-1001|2026-11-20 10:30:20|assistant|0|1|0||0|up||||||billing-flow
c-1001|2026-11-20 10:31:00|user|0|0|0|operator_button|0||quick_reply|Talk to a human||handover|0.93|
c-1001|2026-11-20 10:31:05|system|0|0|0||0|||||||
c-1001|2026-11-20 10:31:30|agent|0|0|0||0||||image|||
1002|2026-11-20 10:45:00|user|0|0|1||0|||||||
1002|2026-11-20 10:45:02|assistant|1|0|0||0|||||||
EOF
is "$(sql "SELECT text FROM message WHERE role = 'assistant' AND ts =
    1795170620000")" "Sure! Could you give me the invoice number?
It starts with INV." "good-array.json: an escaped newline is a line break"

# Rollups.
# c-1001: user 2 (1 typed, 1 click), assistant 1, agent 1, system 1;
#   no fallback; handovers 1 (operator_button, at 10:31:00); feedback up 1;
#   leads 1; first response 10:30:15 -> 10:30:20 = 5000 ms; agent pickup
#   10:31:00 -> 10:31:30 = 30000 ms; the last non-system message is the
#   agent's, no fallback.
# 1002: user 1 typed, assistant 1 fallback, not understood 1; no handover;
#   first response 10:45:00 -> 10:45:02 = 2000 ms; no pickup; last is the
#   assistant's fallback.
sql "SELECT ext_id, n_user, n_assistant, n_agent, n_system, n_typed,
    n_clicks, n_fallbacks, n_not_understood, n_handovers, n_handover_direct,
    n_handover_after_fallback, n_handover_operator_button, n_feedback_up,
    n_feedback_down, n_leads, first_response_ms, agent_pickup_ms,
    datetime(first_handover_at / 1000, 'unixepoch'), last_role, last_fallback
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-array.json: rollups" <<'EOF'
c-1001|2|1|1|1|1|1|0|0|1|0|0|1|1|0|1|5000|30000|2026-11-20 10:31:00|agent|0
1002|1|1|0|0|1|0|1|1|0|0|0|0|0|0|0|2000|||assistant|1
EOF
# first/last message: c-1001 10:30:15 .. 10:31:30 (the agent; the system
# line at 10:31:05 does not count); 1002 10:45:00 .. 10:45:02.
sql "SELECT ext_id, datetime(first_message_at / 1000, 'unixepoch'),
    datetime(last_message_at / 1000, 'unixepoch'),
    datetime(first_user_at / 1000, 'unixepoch'),
    (SELECT text FROM message WHERE id = opening_message_id)
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-array.json: first and last messages, opening" <<'EOF'
c-1001|2026-11-20 10:30:15|2026-11-20 10:31:30|2026-11-20 10:30:15|Hi, I need help with my invoice
1002|2026-11-20 10:45:00|2026-11-20 10:45:02|2026-11-20 10:45:00|Do you ship to Austria?
EOF

# The stated lead, not derived: nobody typed an address.
sql "SELECT c.ext_id, datetime(l.created_at / 1000, 'unixepoch'), l.name,
    l.email, l.phone, l.derived FROM lead l
    JOIN conversation c ON c.id = l.conversation_id" >"$tmp/got"
same "$tmp/got" "good-array.json: the stated lead" <<'EOF'
c-1001|2026-11-20 10:31:00|Ana Lopez|ana@example.com|+49 170 1234567|0
EOF
# Variables: a string as is, a number as its JSON text, {value, source}.
sql "SELECT name, value, quote(source) FROM variable ORDER BY name" >"$tmp/got"
same "$tmp/got" "good-array.json: variables" <<'EOF'
name|Ana|'prechat'
plan|pro|NULL
seats|12|NULL
EOF
sql "SELECT token, anonymous, datetime(first_seen / 1000, 'unixepoch')
    FROM user ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-array.json: users" <<'EOF'
v-77|0|2026-11-20 10:30:15
4915112345678|0|2026-11-20 10:45:00
EOF

# The three others in one run.
#   good-lines.json: l-1 (api, 2 messages), l-2 (api, 1 message, csat 5,
#     ended_at 11:00:00 so status ended), a blank line, l-3 (test_chat, no
#     messages): 3 new conversations, 3 new messages.
#   good-object.json: p-1 (voice), 2 messages: 1 new, 2 new messages.
#   good-empty-array.json: nothing.
# Together: 3 files, 4 new conversations, 5 new messages.
run convo-import good-lines.json good-object.json good-empty-array.json
status_is 0 "lines, object and empty array: exit 0"
out_timeless "lines, object and empty array: summary" <<'EOF'
imported 3 files: 4 new and 0 updated conversations, 5 new messages, 0 skipped records, T s
EOF
err_is "lines, object and empty array: nothing on stderr" </dev/null
# conversation 2 + 4 = 6, message 7 + 5 = 12, user 2 + 4 (none of the
# four states a user: api/l-1, api/l-2, test_chat/l-3, voice/p-1 stand
# for themselves), no event, lead or variable.
is "$(counts)" "6 12 6 0 1 3" "after all four: counts per table"

# p-1 states started_at "2026-11-20 10:30:15" without an offset: local
# time, here TZ=UTC; its messages carry +01:00, so 10:30:15+01:00 is
# 09:30:15Z.  l-3 has no time at all: it starts when it was imported.
sql "SELECT ext_id, source, (SELECT token || ' ' || anonymous FROM user
    WHERE id = user_id), status, csat,
    datetime(started_at / 1000, 'unixepoch'),
    datetime(ended_at / 1000, 'unixepoch'),
    n_user, n_assistant, first_response_ms
    FROM conversation WHERE id > 2 AND ext_id <> 'l-3' ORDER BY id" >"$tmp/got"
same "$tmp/got" "lines and object: conversations" <<'EOF'
l-1|api|api/l-1 1|active||2026-11-20 10:30:15||1|1|1000
l-2|api|api/l-2 1|ended|5|2026-11-20 10:50:00|2026-11-20 11:00:00|1|0|
p-1|voice|voice/p-1 1|active||2026-11-20 10:30:15||1|1|3000
EOF
is "$(sql "SELECT source, status, n_user + n_assistant,
    started_at = (SELECT at FROM import WHERE file = 'good-lines.json')
    FROM conversation WHERE ext_id = 'l-3'")" "test_chat|active|0|1" \
	"a conversation without any time starts at its import"
is "$(sql "SELECT group_concat(datetime(ts / 1000, 'unixepoch'), ' ')
    FROM message WHERE conversation_id =
    (SELECT id FROM conversation WHERE ext_id = 'p-1')")" \
	"2026-11-20 09:30:15 2026-11-20 09:30:18" \
	"good-object.json: times with an offset are stored in UTC"
# No assistant message of these is a fallback, all were derived.
is "$(sql "SELECT count(*), sum(fallback), sum(fallback_derived) FROM message
    WHERE role = 'assistant' AND conversation_id > 2")" "2|0|2" \
	"lines and object: both assistant messages derived, neither a fallback"

# The import log: one row per file, named as given, with its size.
sql "SELECT file, format, size, conversations_new, conversations_updated,
    messages_new, skipped FROM import ORDER BY id" >"$tmp/got"
same "$tmp/got" "the import log" <<EOF
good-array.json|json|$(wc -c <good-array.json | tr -d ' ')|2|0|7|0
good-lines.json|json|$(wc -c <good-lines.json | tr -d ' ')|3|0|3|0
good-object.json|json|$(wc -c <good-object.json | tr -d ' ')|1|0|2|0
good-empty-array.json|json|$(wc -c <good-empty-array.json | tr -d ' ')|0|0|0|0
EOF

# Sources are stored in lower case, so "Web_Widget" and "web_widget" are
# one channel and one conversation: 1 new conversation with 1 message,
# then the same conversation updated with 1 more.
cat >"$tmp/case1.json" <<'EOF'
{"id": "k-1", "source": "Web_Widget", "messages": [
  {"ts": "2026-11-20T12:00:00Z", "role": "user", "text": "Hi"}]}
EOF
cat >"$tmp/case2.json" <<'EOF'
{"id": "k-1", "source": "web_widget", "messages": [
  {"ts": "2026-11-20T12:00:00Z", "role": "user", "text": "Hi"},
  {"ts": "2026-11-20T12:00:01Z", "role": "assistant", "text": "Hello!"}]}
EOF
run convo-import "$tmp/case1.json" "$tmp/case2.json"
status_is 0 "a source in mixed case: exit 0"
out_timeless "a source in mixed case: one conversation" <<'EOF'
imported 2 files: 1 new and 1 updated conversations, 2 new messages, 0 skipped records, T s
EOF
is "$(sql "SELECT source, n_user + n_assistant FROM conversation
    WHERE ext_id = 'k-1'")" "web_widget|2" "a source is stored in lower case"

done_testing
