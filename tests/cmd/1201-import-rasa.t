#!/bin/sh
# convo-import of Rasa exports (testdata/rasa): a tracker, the event
# stream of `rasa export`, the SQL tracker store's events table as CSV.
# Figures worked out by hand from the fixtures (their records are listed
# one by one in tests/unit/test_parse_rasa.c):
#   tracker-ana.json: ana's two sessions.  Session one (socketio): user
#     Hi, click "Track my order", ana@example.com, "where is my
#     parcel??" (nlu_fallback), click "Talk to a human" = 5 user;
#     greeting, e-mail question, fallback (stated), "An agent..." = 4
#     assistant; 1 fallback, so 1 not understood; handovers: the click
#     "Talk to a human", whose title the rules read as an operator
#     request (operator_button), and the action action_human_handoff
#     and the pause after it are the same request = 1; leads: the typed address (derived by the
#     rules; the e-mail slot holds what she typed) and the phone slot
#     (stated) = 2; variables plan, email, phone.  Session two ("rasa":
#     no input_channel): 1 user, 1 assistant, ended by the restart; the
#     e-mail slot carried over is a variable, no lead.
#   tracker-ana-early.json: the same tracker fetched at 10:30:30 (its
#     first 13 events): 3 user and 2 assistant messages of session one.
#   export-stream.jsonl: bob (no session: id "bob", rest) 3 user (hello,
#     the quick reply "Yes please", a payload no button sent; the
#     EXTERNAL: intent is none) and 2 assistant (one an image); carol
#     (telegram) 2 user, 1 assistant, 2 direct handovers, a stated lead.
#   sql-events.csv: dave (facebook) 3 user, 2 assistant, the phone he
#     typed (a derived lead); erin 1 user (nlu_fallback) and the default
#     fallback's reply.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/rasa" || exit 1

# The early fetch first, then the full tracker: only what is new is added.
run convo-import tracker-ana-early.json
status_is 0 "early tracker: exit 0"
out_timeless "early tracker: summary" <<'EOF2'
imported 1 file: 1 new and 0 updated conversations, 5 new messages, 0 skipped records, T s
EOF2
run convo-import tracker-ana.json
status_is 0 "full tracker: exit 0"
out_timeless "full tracker: 2 + 4 messages more, none twice" <<'EOF2'
imported 1 file: 1 new and 1 updated conversations, 6 new messages, 0 skipped records, T s
EOF2
err_is "full tracker: nothing on stderr" </dev/null
dump >"$tmp/before"
run convo-import tracker-ana.json
status_is 0 "re-import: exit 0"
out_timeless "re-import: nothing new" <<'EOF2'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF2
dump | grep -v '^INSERT INTO import' >"$tmp/after"
grep -v '^INSERT INTO import' "$tmp/before" >"$tmp/before.x"
if cmp -s "$tmp/before.x" "$tmp/after"; then ok 0 "re-import: data unchanged"
else ok 1 "re-import: data unchanged"; fi

run convo-import export-stream.jsonl sql-events.csv
status_is 0 "stream and csv: exit 0"
out_timeless "stream and csv: summary" <<'EOF2'
imported 2 files: 4 new and 0 updated conversations, 15 new messages, 0 skipped records, T s
EOF2
is "$(sql "SELECT group_concat(format, ' ') FROM import")" \
	"rasa rasa rasa rasa rasa" "detected as rasa"
# conversations 6; messages 9 + 2 + 5 + 3 + 5 + 2 = 26; users ana, bob,
# carol, dave, erin; event rows: ana's end, carol's 2 handovers; leads 2 + 1 + 1; variables 3 + 1 + 1 + 1.
is "$(counts)" "6 26 5 3 4 6" "counts per table"

sql "SELECT ext_id, source, (SELECT token FROM user WHERE id = user_id),
    n_user, n_assistant, n_fallbacks, n_not_understood, n_handovers,
    n_handover_after_fallback, n_handover_operator_button, n_leads,
    status, quote(end_reason), datetime(started_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "conversations and rollups" <<'EOF2'
ana#2026-11-20T10:30:00Z|socketio|ana|5|4|1|1|1|0|1|2|active|NULL|2026-11-20 10:30:00
ana#2026-11-21T10:30:00.250Z|rasa|ana|1|1|0|0|0|0|0|0|ended|'restart'|2026-11-21 10:30:00
bob|rest|bob|3|2|0|0|0|0|0|0|active|NULL|2026-11-20 11:30:01
carol#2026-11-20T11:30:02Z|telegram|carol|2|1|0|0|2|0|0|1|active|NULL|2026-11-20 11:30:02
dave#2026-11-20T12:30:00.500Z|facebook|dave|3|2|0|0|0|0|0|1|active|NULL|2026-11-20 12:30:00
erin|facebook|erin|1|1|1|1|0|0|0|0|active|NULL|2026-11-20 12:30:11
EOF2

# ana's first session in order; the last reply, timed 10:30:49 in the
# tracker, keeps its place after the click at 10:30:50.
sql "SELECT strftime('%H:%M:%f', ts / 1000.0, 'unixepoch'), role,
    coalesce(text, click_type || ':' || click_title), fallback,
    coalesce(intent, '') FROM message WHERE conversation_id = 1
    ORDER BY ts, id" >"$tmp/got"
same "$tmp/got" "ana's messages" <<'EOF2'
10:30:10.000|user|Hi|0|greet
10:30:11.200|assistant|Hello! What do you need?|0|
10:30:20.000|user|button:Track my order|0|track_order
10:30:20.900|assistant|What is your e-mail?|0|
10:30:30.000|user|ana@example.com|0|inform
10:30:40.000|user|where is my parcel??|0|nlu_fallback
10:30:40.500|assistant|Sorry, I didn't get that.|1|
10:30:50.000|user|button:Talk to a human|0|human
10:30:50.000|assistant|An agent will be with you shortly.|0|
EOF2
sql "SELECT c.ext_id, coalesce(email, ''), coalesce(phone, ''), derived
    FROM lead JOIN conversation c ON c.id = conversation_id
    ORDER BY lead.id" >"$tmp/got"
same "$tmp/got" "leads: slots not typed are stated" <<'EOF2'
ana#2026-11-20T10:30:00Z|ana@example.com||1
ana#2026-11-20T10:30:00Z||+49 170 1234567|0
carol#2026-11-20T11:30:02Z|carol@example.org||0
dave#2026-11-20T12:30:00.500Z||+1 555 0100|1
EOF2

# The stream again, as one more export of the same conversations.
run convo-import export-stream.jsonl sql-events.csv tracker-ana-early.json
out_timeless "everything again: nothing new" <<'EOF2'
imported 3 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF2
is "$(counts)" "6 26 5 3 4 6" "everything again: counts unchanged"

# KPIs over the lot: 6 conversations, 26 messages.
run convo-stats --since 2026-11-01 --until 2026-12-01 --json
status_is 0 "stats: exit 0"

# Bad input: file:line:col, exit 65, nothing stored.
dump >"$tmp/before"
run convo-import bad-tracker.json
status_is 65 "bad tracker: exit 65"
err_is "bad tracker: the event's line" <<'EOF2'
convo-import: bad-tracker.json:5:5: missing 'events[1].event'
EOF2
run convo-import bad-stream.jsonl
status_is 65 "bad stream: exit 65"
err_is "bad stream: the line" <<'EOF2'
convo-import: bad-stream.jsonl:2:1: missing 'sender_id'
EOF2
run convo-import bad-sql.csv
status_is 65 "bad csv: exit 65"
err_is "bad csv: the row" <<'EOF2'
convo-import: bad-sql.csv:3: row has 6 fields, header has 7
EOF2
dump >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok 0 "bad input: nothing stored"
else ok 1 "bad input: nothing stored"; fi

# A native file forced through the adapter is refused, not half-read.
(cd "$td/events" && convo-import --format rasa good-stream.jsonl) \
    >"$tmp/out" 2>"$tmp/err"
status=$?
status_is 65 "native events as rasa: exit 65"
err_is "native events as rasa: no sender" <<'EOF2'
convo-import: good-stream.jsonl:1:1: missing 'sender_id'
EOF2

# --handover-action replaces the defaults: carol's action_handoff and
# her flow pattern_human_handoff are then none; the pause still is.
CONVO_DB=$tmp/other.db
export CONVO_DB
run convo-import --handover-action action_call_agent export-stream.jsonl
status_is 0 "--handover-action: exit 0"
is "$(sql "SELECT n_handovers, datetime(first_handover_at / 1000,
    'unixepoch') FROM conversation WHERE ext_id LIKE 'carol#%'")" \
    "1|2026-11-20 11:30:06" "--handover-action: the defaults are replaced"

done_testing
