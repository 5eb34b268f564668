#!/bin/sh
# convo-import of plain-text transcripts.  Expected figures worked out by
# hand from testdata/text:
#   2026-11-20-support.txt: no Date: line, the date comes from the file's
#     name; header Conversation web-1003, User visitor-77e1, Source
#     web_widget, Assistant "Parcel Help" (so the speaker "Parcel Help" is
#     the assistant):
#       1 10:30:15 User, two lines (a continuation line)
#       2 10:30:18 Parcel Help "...Can you give me your order number?"
#       3 10:31:02 User "88213"
#       4 10:31:05 Parcel Help "Sorry, I didn't understand that." -- the
#                  fallback rule ("I didn't understand") matches
#       5 10:31:20 User "can I talk to a human please" -- the handover
#                  rule ("talk to a human") matches, right after a
#                  fallback: after_fallback
#       6 10:33:40 System "Jonas joined the conversation"
#       7 10:33:52 Jonas (any other name is an agent), two lines
#       8 10:34:30 User "great, thanks!"
#   good-late-night.txt: Date 2026-11-20, Channel whatsapp, User
#     "+49 170 0000000"; no Conversation: header, so the id is the file's
#     name; 11:58:40 PM Customer, 11:58:45 PM Bot, then 12:01:10 AM, more
#     than 12 h before the previous time, so the next day: 2026-11-21
#     00:01:10 Customer, 00:01:14 Bot.
#   good-multi.txt: Source test_chat and Assistant "Shop Bot" carry over
#     three conversations: qa-1 ([09:00] You, Shop Bot), qa-2 ([09:05] You,
#     Shop Bot), then Date 2026-11-21: qa-3 ([09:00] You, [09:01] AI).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/text" || exit 1

# 3 files; conversations 1 + 1 + 3 = 5; messages 8 + 4 + 6 = 18.
run convo-import 2026-11-20-support.txt good-late-night.txt good-multi.txt
status_is 0 "good transcripts: exit 0"
out_timeless "good transcripts: summary" <<'EOF'
imported 3 files: 5 new and 0 updated conversations, 18 new messages, 0 skipped records, T s
EOF
err_is "good transcripts: nothing on stderr" </dev/null
# conversation 5; message 18; user 5 (visitor-77e1, +49 170 0000000,
# test_chat/qa-1, -2, -3 standing for themselves); no event; no lead (no
# user typed an e-mail address or phone number); no variable.
is "$(counts)" "5 18 5 0 0 0" "good transcripts: counts per table"

sql "SELECT ext_id, source, (SELECT token FROM user WHERE id = user_id),
    quote(assistant), status, datetime(started_at / 1000, 'unixepoch'),
    datetime(last_message_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good transcripts: conversations" <<'EOF'
web-1003|web_widget|visitor-77e1|'Parcel Help'|active|2026-11-20 10:30:15|2026-11-20 10:34:30
good-late-night|whatsapp|+49 170 0000000|NULL|active|2026-11-20 23:58:40|2026-11-21 00:01:14
qa-1|test_chat|test_chat/qa-1|'Shop Bot'|active|2026-11-20 09:00:00|2026-11-20 09:00:00
qa-2|test_chat|test_chat/qa-2|'Shop Bot'|active|2026-11-20 09:05:00|2026-11-20 09:05:00
qa-3|test_chat|test_chat/qa-3|'Shop Bot'|active|2026-11-21 09:00:00|2026-11-21 09:01:00
EOF

# web-1003's messages: every assistant message was derived (no export
# states fallbacks here), one of them is a fallback; "88213" was not
# understood; the handover is derived, after_fallback.
sql "SELECT time(ts / 1000, 'unixepoch'), role, fallback, fallback_derived,
    not_understood, quote(handover), handover_derived FROM message
    WHERE conversation_id = 1 ORDER BY ts" >"$tmp/got"
same "$tmp/got" "2026-11-20-support.txt: messages and derived signals" <<'EOF'
10:30:15|user|0|0|0|NULL|0
10:30:18|assistant|0|1|0|NULL|0
10:31:02|user|0|0|1|NULL|0
10:31:05|assistant|1|1|0|NULL|0
10:31:20|user|0|0|0|'after_fallback'|1
10:33:40|system|0|0|0|NULL|0
10:33:52|agent|0|0|0|NULL|0
10:34:30|user|0|0|0|NULL|0
EOF
is "$(sql "SELECT text FROM message WHERE conversation_id = 1 AND
    role = 'agent'")" "Hi, Jonas here. Order 88213 ships today,
you will get the tracking number by e-mail." \
	"continuation lines belong to the message above, the blank line not"

# Rollups.
# web-1003: user 4, assistant 2, agent 1, system 1; 1 fallback, 1 not
#   understood; 1 handover, after_fallback, at 10:31:20; first response
#   10:30:15 -> 10:30:18 = 3000 ms; pickup 10:31:20 -> 10:33:52 = 152 s =
#   152000 ms; the user had the last word.
# good-late-night: 2 and 2; 23:58:40 -> 23:58:45 = 5000 ms.
# qa-1, qa-2: both lines in the same minute: 0 ms; qa-3: 09:00 -> 09:01 =
#   60000 ms.
sql "SELECT ext_id, n_user, n_assistant, n_agent, n_system, n_fallbacks,
    n_not_understood, n_handovers, n_handover_after_fallback,
    first_response_ms, agent_pickup_ms, last_role
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good transcripts: rollups" <<'EOF'
web-1003|4|2|1|1|1|1|1|1|3000|152000|user
good-late-night|2|2|0|0|0|0|0|0|5000||assistant
qa-1|1|1|0|0|0|0|0|0|0||assistant
qa-2|1|1|0|0|0|0|0|0|0||assistant
qa-3|1|1|0|0|0|0|0|0|60000||assistant
EOF

# Leads typed by the visitor and a direct handover request.
#   14:00:30 the first phone number, 14:01:00 the first of two e-mail
#   addresses: one derived lead holding both, dated by the earlier;
#   14:01:30 "I want to speak to someone from sales" matches the handover
#   rule ("speak to someone"), not after a fallback: direct; the "Sales
#   Team" agent answers 90 s later.
cat >"$tmp/leads.txt" <<'EOF'
Date: 2026-11-20
Conversation: lead-1

[14:00:00] User: I'd like a quote for 40 jackets
[14:00:03] Bot: Happy to help! How can our sales team reach you?
[14:00:30] User: call me on +49 30 1234567
[14:00:33] Bot: Thanks! And your e-mail address?
[14:01:00] User: it's mia@example.com, or mia.work@example.com
[14:01:05] Bot: Got it.
[14:01:30] User: actually, I want to speak to someone from sales
[14:03:00] Sales Team: Hello Mia, this is Paul from sales.
EOF
run convo-import "$tmp/leads.txt"
status_is 0 "leads.txt: exit 0"
out_timeless "leads.txt: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 8 new messages, 0 skipped records, T s
EOF
err_is "leads.txt: nothing on stderr" </dev/null
is "$(sql "SELECT datetime(created_at / 1000, 'unixepoch'), quote(name),
    email, phone, derived FROM lead")" \
	"2026-11-20 14:00:30|NULL|mia@example.com|+49 30 1234567|1" \
	"one derived lead: the first e-mail and the first phone"
is "$(sql "SELECT n_leads, n_handovers, n_handover_direct, agent_pickup_ms,
    n_agent FROM conversation WHERE ext_id = 'lead-1'")" "1|1|1|90000|1" \
	"a derived direct handover and its pickup"
# 5 + 1 conversations, 18 + 8 messages, 5 + 1 users, 1 lead.
is "$(counts)" "6 26 6 0 1 0" "leads.txt: counts per table"

done_testing
