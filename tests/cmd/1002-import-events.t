#!/bin/sh
# convo-import of an event stream (JSON Lines, conversations interleaved).
# Expected figures worked out by hand from testdata/events/good-stream.jsonl,
# line by line:
#    1 c1 10:30:00 start: source web_widget, user v-1, DE, Berlin
#    2 c1 10:30:15 message user "Hi, where is my order?"
#    3 c2 10:30:16 message user "Hello?", source whatsapp (no user)
#    4 c1 10:30:17 message assistant, fallback true (stated)
#    5 (blank, skipped)
#    6 c1 10:30:30 handover after_fallback
#    7 c1 10:30:40 feedback down on message 1 = c1's 2nd assistant message
#      in time order: c1 has only one (index 0), so the event rates no
#      message
#    8 c2 10:31:00 feedback up, no index: the latest assistant message of
#      c2 at or before 10:31:00 -- there is none, so only the event
#    9 c1 10:32:00 lead Ana, ana@example.com, phone 4917012345 (a number)
#   10 c1 10:32:10 variable plan = pro, source prechat
#   11 c1 10:33:00 survey (offered)
#   12 c1 10:33:20 csat 5
#   13 c1 10:34:00 end, reason user
#   14 (indented) 42, a numeric id, epoch 1795170900 = 10:35:00: handover
#      without kind, so direct; no source
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/events" || exit 1

# 3 conversations (c1, c2, 42) are new; 3 messages (lines 2, 3, 4).
run convo-import good-stream.jsonl
status_is 0 "good-stream.jsonl: exit 0"
out_timeless "good-stream.jsonl: summary" <<'EOF'
imported 1 file: 3 new and 0 updated conversations, 3 new messages, 0 skipped records, T s
EOF
err_is "good-stream.jsonl: nothing on stderr" </dev/null
# conversation 3; message 3; user 3 (v-1, and whatsapp/c2 and /42 standing
# for themselves); event 7 (lines 6, 7, 8, 11, 12, 13, 14: start, message,
# lead and variable events are no event rows); lead 1; variable 1.
is "$(counts)" "3 3 3 7 1 1" "good-stream.jsonl: counts per table"

sql "SELECT c.ext_id, datetime(e.ts / 1000, 'unixepoch'), e.type,
    quote(e.value), (SELECT role FROM message WHERE id = e.message_id)
    FROM event e JOIN conversation c ON c.id = e.conversation_id
    ORDER BY e.ts" >"$tmp/got"
same "$tmp/got" "good-stream.jsonl: events" <<'EOF'
c1|2026-11-20 10:30:30|handover|'after_fallback'|
c1|2026-11-20 10:30:40|feedback|'down'|
c2|2026-11-20 10:31:00|feedback|'up'|
c1|2026-11-20 10:33:00|survey|NULL|
c1|2026-11-20 10:33:20|csat|'5'|
c1|2026-11-20 10:34:00|end|'user'|
42|2026-11-20 10:35:00|handover|'direct'|
EOF

# Conversation fields: c1 starts at its start event (10:30:00), is ended
# by line 13, csat 5 from line 12, survey offered (line 11).  c2 has its
# channel from the message event; 42 none ('').
sql "SELECT ext_id, quote(source), (SELECT token FROM user WHERE id = user_id),
    country, city, status, datetime(started_at / 1000, 'unixepoch'),
    datetime(ended_at / 1000, 'unixepoch'), end_reason, csat, csat_offered,
    datetime(last_activity_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-stream.jsonl: conversation fields" <<'EOF'
c1|'web_widget'|v-1|DE|Berlin|ended|2026-11-20 10:30:00|2026-11-20 10:34:00|user|5|1|2026-11-20 10:34:00
c2|'whatsapp'|whatsapp/c2|||active|2026-11-20 10:30:16||||0|2026-11-20 10:31:00
42|''|/42|||active|2026-11-20 10:35:00||||0|2026-11-20 10:35:00
EOF

# Rollups.
# c1: user 1, assistant 1 (a stated fallback), so the user message was
#   not understood; 1 handover, after_fallback, from the event at
#   10:30:30; no feedback (line 7 rated no message); lead 1; first
#   response 10:30:15 -> 10:30:17 = 2000 ms; no agent ever answered: no
#   pickup.
# c2: user 1 and no reply: no first response, the last word is the
#   user's; the feedback up found no message, so n_feedback_up 0.
# 42: no message; 1 direct handover at 10:35:00.
sql "SELECT ext_id, n_user, n_assistant, n_agent, n_fallbacks,
    n_not_understood, n_handovers, n_handover_direct,
    n_handover_after_fallback, n_handover_operator_button,
    n_feedback_up, n_feedback_down, n_leads, first_response_ms,
    agent_pickup_ms, datetime(first_handover_at / 1000, 'unixepoch'),
    last_role, last_fallback
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good-stream.jsonl: rollups" <<'EOF'
c1|1|1|0|1|1|1|0|1|0|0|0|1|2000||2026-11-20 10:30:30|assistant|1
c2|1|0|0|0|0|0|0|0|0|0|0|0||||user|0
42|0|0|0|0|0|1|1|0|0|0|0|0|||2026-11-20 10:35:00||0
EOF

sql "SELECT datetime(ts / 1000, 'unixepoch'), role, text, fallback,
    fallback_derived, not_understood, quote(feedback)
    FROM message ORDER BY ts" >"$tmp/got"
same "$tmp/got" "good-stream.jsonl: messages" <<'EOF'
2026-11-20 10:30:15|user|Hi, where is my order?|0|0|1|NULL
2026-11-20 10:30:16|user|Hello?|0|0|0|NULL
2026-11-20 10:30:17|assistant|Sorry, I didn't understand.|1|0|0|NULL
EOF

# The lead of line 9: stated, dated by its event; its numeric phone kept
# as digits.  The variable of line 10 with its source.
is "$(sql "SELECT datetime(created_at / 1000, 'unixepoch'), name, email,
    phone, derived FROM lead")" \
	"2026-11-20 10:32:00|Ana|ana@example.com|4917012345|0" \
	"good-stream.jsonl: the lead event"
is "$(sql "SELECT name, value, source FROM variable")" "plan|pro|prechat" \
	"good-stream.jsonl: the variable event"
is "$(sql "SELECT file, format FROM import")" "good-stream.jsonl|events" \
	"good-stream.jsonl: logged as an event stream"

# Feedback without an index rates the latest assistant message at or
# before it, with index N the conversation's N-th assistant message from
# 0; of two CSAT votes the later in time wins, whatever their
# order in the file; an end without a reason.
cat >"$tmp/votes.jsonl" <<'EOF'
{"conversation":"v1","ts":"2026-11-20T10:00:00Z","type":"message","role":"user","text":"Hi"}
{"conversation":"v1","ts":"2026-11-20T10:00:02Z","type":"message","role":"assistant","text":"Hello!"}
{"conversation":"v1","ts":"2026-11-20T10:00:05Z","type":"feedback","value":"up"}
{"conversation":"v1","ts":"2026-11-20T10:00:10Z","type":"message","role":"assistant","text":"Anything else?"}
{"conversation":"v1","ts":"2026-11-20T10:00:20Z","type":"feedback","value":"down","message":1}
{"conversation":"v1","ts":"2026-11-20T10:05:00Z","type":"csat","score":2}
{"conversation":"v1","ts":"2026-11-20T10:04:00Z","type":"csat","score":4}
{"conversation":"v1","ts":"2026-11-20T10:06:00Z","type":"end"}
EOF
# 1 new conversation, 3 new messages.
run convo-import "$tmp/votes.jsonl"
status_is 0 "votes.jsonl: exit 0"
out_timeless "votes.jsonl: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 3 new messages, 0 skipped records, T s
EOF
err_is "votes.jsonl: nothing on stderr" </dev/null
# "Hello!" (10:00:02) is the latest assistant message at 10:00:05.
is "$(sql "SELECT group_concat(text || '=' || coalesce(feedback, '-'), ', ')
    FROM message WHERE role = 'assistant' AND conversation_id =
    (SELECT id FROM conversation WHERE ext_id = 'v1')")" \
	"Hello!=up, Anything else?=down" \
	"feedback rates the latest assistant message before it, or the N-th"
# The vote at 10:05 (2) is later than the one at 10:04 (4).
is "$(sql "SELECT csat, status, datetime(ended_at / 1000, 'unixepoch'),
    quote(end_reason), n_feedback_up, n_feedback_down FROM conversation
    WHERE ext_id = 'v1'")" \
	"2|ended|2026-11-20 10:06:00|NULL|1|1" \
	"the latest CSAT vote wins; an end without a reason"
# 3 + 1 conversations, 3 + 3 messages, 3 + 1 users (/v1), 7 + 5 events
# (feedback, feedback, csat, csat, end), leads and variables as before.
is "$(counts)" "4 6 4 12 1 1" "votes.jsonl: counts per table"

done_testing
