#!/bin/sh
# convo-import of CSV exports: one row per message, columns found by name
# and alias, ',' or ';' or tab.  Expected figures worked out by hand from
# testdata/csv/good-*.csv:
#   good-semicolon.csv: ';', aliases Session ID, Created At, Sender,
#     Message, Channel; wa-77 (whatsapp, no user): Visitor (= user) at
#     epoch seconds 1795170615 = 2026-11-20 10:30:15, Bot (= assistant) at
#     epoch ms 1795170617000 = 10:30:17, whose row says ended and CSAT 5.
#   good-support.csv: 17 columns, 'plan' unknown (a warning, kept as a
#     variable); web-1001 (visitor-8f2c, web_widget, Parcel Help, DE):
#       10:30:15 user typed
#       10:30:18 assistant, quoted over two lines with "" inside,
#                fallback false (stated), 412/38/0.004
#       10:31:02 user "PK-2231-884" (no phone: it follows a letter and '-')
#       10:31:05 assistant, fallback true (stated), feedback down,
#                398/11/0.003
#       10:31:20 user, no text, click quick_reply "Talk to a human",
#                handover operator_button (stated)
#       10:33:40 agent
#     web-1002 (visitor-19aa, AT): 11:02:00 user, 11:02:03 assistant
#       (fallback empty = not stated, feedback up, 356/17/0.003); its
#       'plan' cells are empty.
#   good-tabs.csv: tabs, aliases chat_id, ts, author, body; api-5 (no
#     source, no user): times +01:00, so 09:00:00+01:00 = 08:00:00Z; the
#     user row has intent cancel_order, confidence 0.93.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/csv" || exit 1

# 3 files; conversations 1 + 2 + 1 = 4; messages 2 + 8 + 2 = 12.
run convo-import good-semicolon.csv good-support.csv good-tabs.csv
status_is 0 "good CSV files: exit 0"
out_timeless "good CSV files: summary" <<'EOF'
imported 3 files: 4 new and 0 updated conversations, 12 new messages, 0 skipped records, T s
EOF
err_is "good CSV files: the unknown column is a warning" <<'EOF'
convo-import: good-support.csv:1: warning: unknown column 'plan' kept as a variable
EOF
# conversation 4; message 12; user 4 (visitor-8f2c, visitor-19aa, and
# whatsapp/wa-77 and /api-5 standing for themselves); no event or lead
# (no e-mail or phone typed); variable 1 ('plan' = pro on web-1001 only).
is "$(counts)" "4 12 4 0 0 1" "good CSV files: counts per table"

# Stated fields.  web-1001 states no usage for the conversation: the sum
# of its messages' usage, 412 + 398 = 810, 38 + 11 = 49,
# 0.004 + 0.003 = 0.007; web-1002 356/17/0.003.  wa-77's ended status comes
# from a row without ended_at.
sql "SELECT ext_id, quote(source), (SELECT token FROM user WHERE id = user_id),
    assistant, country, status, datetime(started_at / 1000, 'unixepoch'),
    datetime(ended_at / 1000, 'unixepoch'), csat, input_tokens,
    output_tokens, cost FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good CSV files: conversation fields" <<'EOF'
wa-77|'whatsapp'|whatsapp/wa-77|||ended|2026-11-20 10:30:15||5|0|0|0.0
web-1001|'web_widget'|visitor-8f2c|Parcel Help|DE|active|2026-11-20 10:30:15|||810|49|0.007
web-1002|'web_widget'|visitor-19aa|Parcel Help|AT|active|2026-11-20 11:02:00|||356|17|0.003
api-5|''|/api-5|||active|2026-11-20 08:00:00|||0|0|0.0
EOF

# Messages: stated fallbacks keep fallback_derived 0; an empty fallback
# cell is not stated, so the rules decide (fallback_derived 1): "Ja, es
# kommt morgen an.", "Yes, we ship to Austria..." and "Your order 5512 is
# cancelled." are no fallbacks.  "PK-2231-884" is followed by a stated
# fallback: not understood.  The click row has no text (NULL).
sql "SELECT c.ext_id, time(m.ts / 1000, 'unixepoch'), m.role,
    quote(substr(m.text, 1, 12)), m.fallback, m.fallback_derived,
    m.not_understood, m.handover, m.handover_derived, m.feedback,
    m.click_type, m.click_title, m.intent, m.confidence
    FROM message m JOIN conversation c ON c.id = m.conversation_id
    ORDER BY m.id" >"$tmp/got"
same "$tmp/got" "good CSV files: messages and their signals" <<'EOF'
wa-77|10:30:15|user|'Hallo, ist m'|0|0|0||0|||||
wa-77|10:30:17|assistant|'Ja, es kommt'|0|1|0||0|||||
web-1001|10:30:15|user|'Hi, my parce'|0|0|0||0|||||
web-1001|10:30:18|assistant|'Sorry to hea'|0|0|0||0|||||
web-1001|10:31:02|user|'PK-2231-884'|0|0|1||0|||||
web-1001|10:31:05|assistant|'I didn''t und'|1|0|0||0|down||||
web-1001|10:31:20|user|NULL|0|0|0|operator_button|0||quick_reply|Talk to a human||
web-1001|10:33:40|agent|'Hi, I''m Jona'|0|0|0||0|||||
web-1002|11:02:00|user|'Do you ship '|0|0|0||0|||||
web-1002|11:02:03|assistant|'Yes, we ship'|0|1|0||0|up||||
api-5|08:00:00|user|'cancel my or'|0|0|0||0||||cancel_order|0.93
api-5|08:00:02|assistant|'Your order 5'|0|1|0||0|||||
EOF
is "$(sql "SELECT text FROM message WHERE ts = 1795170618000")" \
	'Sorry to hear that! Could you give me the tracking number?
It starts with "PK".' "a quoted field spans lines and unescapes \"\""

# Rollups.
# wa-77: user 1, assistant 1; first response 10:30:15 -> 10:30:17 = 2000.
# web-1001: user 3 (2 typed, 1 click), assistant 2, agent 1; 1 fallback,
#   1 not understood; 1 handover (operator_button at 10:31:20); feedback
#   down 1; first response 10:30:15 -> 10:30:18 = 3000 ms; agent pickup
#   10:31:20 -> 10:33:40 = 140 s = 140000 ms; the agent had the last word.
# web-1002: 1 and 1; feedback up 1; 11:02:00 -> 11:02:03 = 3000 ms.
# api-5: 1 and 1; 08:00:00 -> 08:00:02 = 2000 ms.
sql "SELECT ext_id, n_user, n_typed, n_clicks, n_assistant, n_agent,
    n_fallbacks, n_not_understood, n_handovers, n_handover_operator_button,
    n_feedback_up, n_feedback_down, first_response_ms, agent_pickup_ms,
    last_role FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good CSV files: rollups" <<'EOF'
wa-77|1|1|0|1|0|0|0|0|0|0|0|2000||assistant
web-1001|3|2|1|2|1|1|1|1|1|0|1|3000|140000|agent
web-1002|1|1|0|1|0|0|0|0|0|1|0|3000||assistant
api-5|1|1|0|1|0|0|0|0|0|0|0|2000||assistant
EOF

# The unknown column, kept as a variable with source csv.
is "$(sql "SELECT c.ext_id, v.name, v.value, v.source FROM variable v
    JOIN conversation c ON c.id = v.conversation_id")" \
	"web-1001|plan|pro|csv" "the unknown column is kept as a variable"

sql "SELECT file, format, conversations_new, messages_new FROM import
    ORDER BY id" >"$tmp/got"
same "$tmp/got" "good CSV files: the import log" <<'EOF'
good-semicolon.csv|csv|1|2
good-support.csv|csv|2|8
good-tabs.csv|csv|1|2
EOF

# Columns by alias and in any case or spelling; variables.X without a
# warning; booleans yes/no; a lead from lead_* columns.
cat >"$tmp/aliases.csv" <<'EOF'
Chat ID,Time,Author,Content,User ID,Channel,Click.Title,click-type,Fallback,variables.plan,Lead Email
x-1,2026-11-20T12:00:00Z,Customer,Hello there,u-1,api,,,,gold,x1@example.com
x-1,2026-11-20T12:00:04Z,AI,I'm not sure I understand.,,api,,,no,gold,x1@example.com
x-1,2026-11-20T12:00:09Z,customer,,,api,Live chat,button,,gold,x1@example.com
EOF
# 1 conversation, 3 messages.  The AI states fallback no, so the fallback
# phrase is not a fallback; the click "Live chat" is derived
# operator_button; a lead from Lead Email, dated by the conversation's
# start as no time is stated for it.
run convo-import "$tmp/aliases.csv"
status_is 0 "aliases.csv: exit 0"
out_timeless "aliases.csv: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 3 new messages, 0 skipped records, T s
EOF
err_is "aliases.csv: no warning for known columns and variables.X" </dev/null
sql "SELECT role, fallback, fallback_derived, quote(handover),
    handover_derived FROM message WHERE conversation_id =
    (SELECT id FROM conversation WHERE ext_id = 'x-1') ORDER BY ts" >"$tmp/got"
same "$tmp/got" "aliases.csv: role aliases, a stated no, a derived button" <<'EOF'
user|0|0|NULL|0
assistant|0|0|NULL|0
user|0|0|'operator_button'|1
EOF
is "$(sql "SELECT c.source, u.token, v.name || '=' || v.value || '/' ||
    v.source, l.email, datetime(l.created_at / 1000, 'unixepoch'), l.derived
    FROM conversation c JOIN user u ON u.id = c.user_id
    JOIN variable v ON v.conversation_id = c.id
    JOIN lead l ON l.conversation_id = c.id WHERE c.ext_id = 'x-1'")" \
	"api|u-1|plan=gold/csv|x1@example.com|2026-11-20 12:00:00|0" \
	"aliases.csv: channel, user id, variables.plan and a lead column"
# 4 + 1 conversations, 12 + 3 messages, 4 + 1 users, 0 events, 1 lead,
# 1 + 1 variables.
is "$(counts)" "5 15 5 0 1 2" "aliases.csv: counts per table"

done_testing
