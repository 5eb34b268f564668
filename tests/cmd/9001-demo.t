#!/bin/sh
# The import of `make demo`: the bundled sample exports in testdata/sample,
# one file per native format, import cleanly, without a warning.  The
# figures were worked out by hand from the files:
#   shop-assistant.json, 5 conversations of the Nordwind shop's assistant:
#     nw-1001 (v-3f9a2c) 6 messages: a question, an answer, a click "Show
#       size guide", the guide (feedback up), thanks, goodbye; ended by the
#       user, CSAT 5; usage on the three answers 820+870+900 = 2590 in,
#       41+25+8 = 74 out, 0.012+0.011+0.01 = 0.033.
#     nw-1002 (v-81d0e7) 8 messages: a return, a question, "it was a gift",
#       a stated fallback (feedback down), "can I talk to a person please"
#       (derived handover, after the fallback: after_fallback), a system
#       line, agent Lena at 14:04:30 (pickup 14:03:05 -> 14:04:30 = 85 s),
#       thanks; ended by the agent, CSAT 4; variable topic.
#     nw-1003 (+43 660 1234567, whatsapp) 6 messages: a question, an
#       answer, a click "Yes, notify me", a question, the visitor's e-mail
#       address (a derived lead), an answer with feedback up; active.
#     nw-1004 (v-c21b44) 7 messages: a damaged parcel, "I don't know how
#       to help with that yet" (derived fallback), a click on a button
#       whose target is "/handover" (derived operator_button), a system
#       line, agent Tom at 11:33:45 (pickup 11:30:20 -> 11:33:45 = 205 s),
#       a photo, Tom again; ended by the agent, CSAT 5; a stated lead (Mia
#       Schulz) and variables order_number, newsletter (prechat).
#     nw-1005 (no user) 2 messages: a question, "Sorry, I didn't get that"
#       (derived fallback); ended as stale a day later.
#   live-events.jsonl, 2 conversations, interleaved:
#     ev-2001 (v-a7710e) 7 messages: 3 from the visitor, 3 from the
#       assistant, the last "Sorry, I didn't understand the address"
#       (derived fallback), a handover event after_fallback at 08:56:40,
#       agent Sara at 08:58:10 (pickup 90 s); a variable, a survey, CSAT 5,
#       ended by the agent: 4 events besides the messages.
#     ev-2002 (+41 79 555 12 34, whatsapp) 3 messages, a feedback event up
#       (on the answer before it), a stated lead (Luca Meier); active.
#   support-export.csv, 3 conversations:
#     cs-3001 (v-55e0aa) 5 messages, a click, feedback up; ended, CSAT 5.
#     cs-3002 (v-9b31f2) 6 messages: "I'd rather speak to a real person"
#       (derived direct handover at 10:15:30), agent Paul at 10:17:10
#       (pickup 100 s); ended, CSAT 4.
#     cs-3003 (test_chat, no user) 2 messages; active.
#   2026-11-21-whatsapp-4411.txt, dated by its name: wa-4411
#     (+49 160 9876543) 9 messages, "I didn't quite understand" (derived
#     fallback), an e-mail address typed (a derived lead); active.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

# conversations 5 + 2 + 3 + 1 = 11; messages 29 + 10 + 13 + 9 = 61.
run convo-import -d "$tmp/demo.db" "$td"/sample/*
status_is 0 "the demo import: exit 0"
out_timeless "the demo import: summary" <<'EOF'
imported 4 files: 11 new and 0 updated conversations, 61 new messages, 0 skipped records, T s
EOF
err_is "the demo import: no diagnostic, no warning" </dev/null

CONVO_DB=$tmp/demo.db
# conversation 11; message 61; user 5 + 2 + 3 + 1 = 11 (nw-1005 and
# cs-3003 stand for themselves); event 5 (ev-2002's feedback, ev-2001's
# handover, survey, csat, end); lead 4 (nw-1003 and wa-4411 derived,
# nw-1004 and ev-2002 stated); variable 1 + 2 + 1 = 4.
is "$(counts)" "11 61 11 5 4 4" "the demo import: counts per table"

sql "SELECT ext_id, source, status, coalesce(csat, '-'), n_user,
    n_assistant, n_agent, n_system, n_fallbacks, n_handover_direct,
    n_handover_after_fallback, n_handover_operator_button,
    coalesce(agent_pickup_ms, '-'), n_feedback_up, n_feedback_down, n_leads
    FROM conversation ORDER BY ext_id" >"$tmp/got"
same "$tmp/got" "the demo import: every conversation" <<'EOF'
cs-3001|web_widget|ended|5|3|2|0|0|0|0|0|0|-|1|0|0
cs-3002|web_widget|ended|4|3|1|2|0|0|1|0|0|100000|0|0|0
cs-3003|test_chat|active|-|1|1|0|0|0|0|0|0|-|0|0|0
ev-2001|web_widget|ended|5|3|3|1|0|1|0|1|0|90000|0|0|0
ev-2002|whatsapp|active|-|2|1|0|0|0|0|0|0|-|1|0|1
nw-1001|web_widget|ended|5|3|3|0|0|0|0|0|0|-|1|0|0
nw-1002|web_widget|ended|4|4|2|1|1|1|0|1|0|85000|0|1|0
nw-1003|whatsapp|active|-|3|3|0|0|0|0|0|0|-|1|0|1
nw-1004|web_widget|ended|5|3|1|2|1|1|0|0|1|205000|0|0|1
nw-1005|web_widget|ended|-|1|1|0|0|1|0|0|0|-|0|0|0
wa-4411|whatsapp|active|-|5|4|0|0|1|0|0|0|-|0|0|1
EOF
# 5 fallbacks, 1 stated (nw-1002) and 4 derived.
is "$(sql "SELECT count(*), sum(fallback_derived) FROM message
    WHERE fallback")" "5|4" "the demo import: fallbacks, stated and derived"
# 4 handovers: 2 derived in messages (nw-1002, cs-3002), 1 derived from a
# button (nw-1004), 1 from an event (ev-2001).
is "$(sql "SELECT sum(n_handovers), (SELECT count(*) FROM message
    WHERE handover_derived), (SELECT count(*) FROM event
    WHERE type = 'handover') FROM conversation")" "4|3|1" \
	"the demo import: handovers"
sql "SELECT c.ext_id, quote(l.name), quote(l.email), quote(l.phone),
    l.derived FROM lead l JOIN conversation c ON c.id = l.conversation_id
    ORDER BY c.ext_id" >"$tmp/got"
same "$tmp/got" "the demo import: leads" <<'EOF'
ev-2002|'Luca Meier'|'luca.meier@example.ch'|NULL|0
nw-1003|NULL|'jonas.berger@example.org'|NULL|1
nw-1004|'Mia Schulz'|'mia.schulz@example.com'|'+49 151 23456789'|0
wa-4411|NULL|'max.keller@example.net'|NULL|1
EOF
is "$(sql "SELECT input_tokens, output_tokens, cost FROM conversation
    WHERE ext_id = 'nw-1001'")" "2590|74|0.033" \
	"the demo import: usage summed over the messages"
sql "SELECT file, format FROM import ORDER BY id" >"$tmp/got"
same "$tmp/got" "the demo import: one file per format" <<EOF
$td/sample/2026-11-21-whatsapp-4411.txt|text
$td/sample/live-events.jsonl|events
$td/sample/shop-assistant.json|json
$td/sample/support-export.csv|csv
EOF

done_testing
