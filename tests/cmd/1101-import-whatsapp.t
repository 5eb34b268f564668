#!/bin/sh
# convo-import of WhatsApp "Export chat" text.  Expected figures worked
# out by hand from testdata/whatsapp (TZ=UTC, the default session gap of
# 24 h, --assistant "Nordwind Shop"):
#   good-android.txt, day first (20/11/2026), one chat:
#     piece 1 (id wa-...): 09:58 system notice, 10:00 Anna Schmidt (user),
#       10:01 Nordwind Shop (assistant, two lines), 10:01 Anna
#       "<Media omitted>" (media unknown, 1 ms after the one before),
#       10:05 Nordwind Shop "IMG-...jpg (file attached)" with a caption
#       (media image);
#     piece 2, 32 h 25 min later (id wa-...@20261121T183000Z): 18:30
#       security code notice (system), 18:31 Anna.
#     2 conversations, 7 messages (2 system), 1 user (Anna Schmidt); the
#     first and last message times leave system lines out.
#   good-android-later.txt: the same, then 18:32 Nordwind Shop and 18:40
#     Anna in piece 2, and 23/11 08:00 Anna, 37 h 20 min later, piece 3:
#     1 new and 1 updated conversation, 3 new messages.
#   good-ios.txt: month first (11/20/26), 12 h clock: 1 conversation, 7
#     messages: 2 system (the U+200E notice and the deleted message), 2
#     assistant (one of two lines), 3 from the user +49 170 1234567, two of
#     them media (an attached photo, an omitted image).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/whatsapp" || exit 1
shop="--assistant=Nordwind Shop"

run convo-import "$shop" good-android.txt
status_is 0 "android: exit 0"
out_timeless "android: summary" <<'EOF'
imported 1 file: 2 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
err_is "android: nothing on stderr" </dev/null
is "$(counts)" "2 7 1 0 0 0" "android: counts per table"
is "$(sql "SELECT format FROM import")" "whatsapp" "android: detected"

sql "SELECT ext_id, source, (SELECT token FROM user WHERE id = user_id),
    quote(assistant), n_user, n_assistant, n_system,
    datetime(first_message_at / 1000, 'unixepoch'),
    datetime(last_message_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "android: conversations" <<'EOF'
wa-4fc6d3bf4ce9d0e5|whatsapp|Anna Schmidt|'Nordwind Shop'|2|2|1|2026-11-20 10:00:00|2026-11-20 10:05:00
wa-4fc6d3bf4ce9d0e5@20261121T183000Z|whatsapp|Anna Schmidt|NULL|1|0|1|2026-11-21 18:31:00|2026-11-21 18:31:00
EOF

sql "SELECT strftime('%H:%M:%f', ts / 1000.0, 'unixepoch'), role,
    quote(media_type), quote(media_name), quote(text)
    FROM message WHERE conversation_id = 1 ORDER BY ts" >"$tmp/got"
same "$tmp/got" "android: messages of the first piece" <<'EOF'
09:58:00.000|system|NULL|NULL|'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.'
10:00:00.000|user|NULL|NULL|'Hi, my order 4471 has not arrived'
10:01:00.000|assistant|NULL|NULL|'Sorry to hear that! Let me check.
It left our warehouse on Monday.'
10:01:00.001|user|'unknown'|NULL|NULL
10:05:00.000|assistant|'image'|'IMG-20261120-WA0003.jpg'|'Here is the tracking label'
EOF

# The same file again: nothing changes.
dump >"$tmp/before"
run convo-import "$shop" good-android.txt
status_is 0 "android again: exit 0"
out_timeless "android again: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
dump | grep -v '^INSERT INTO import ' >"$tmp/after"
grep -v '^INSERT INTO import ' "$tmp/before" >"$tmp/before.d"
if diff -u "$tmp/before.d" "$tmp/after" >"$tmp/diff"; then
	ok 0 "android again: no row changed"
else
	ok 1 "android again: no row changed"
	sed 's/^/# /' "$tmp/diff"
fi

# A longer later export of the chat: only its new messages.
run convo-import "$shop" good-android-later.txt
status_is 0 "later export: exit 0"
out_timeless "later export: one new piece, one extended" <<'EOF'
imported 1 file: 1 new and 1 updated conversations, 3 new messages, 0 skipped records, T s
EOF
is "$(counts)" "3 10 1 0 0 0" "later export: counts per table"
sql "SELECT ext_id, n_user, n_assistant, n_system,
    datetime(last_message_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "later export: conversations" <<'EOF'
wa-4fc6d3bf4ce9d0e5|2|2|1|2026-11-20 10:05:00
wa-4fc6d3bf4ce9d0e5@20261121T183000Z|2|1|1|2026-11-21 18:40:00
wa-4fc6d3bf4ce9d0e5@20261123T080000Z|1|0|0|2026-11-23 08:00:00
EOF
run convo-import "$shop" good-android.txt good-android-later.txt
out_timeless "both again: nothing new" <<'EOF'
imported 2 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF

# iOS: month first, 12 h clock, marks; the author with embeddings.
run convo-import "$shop" good-ios.txt
status_is 0 "ios: exit 0"
out_timeless "ios: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
sql "SELECT (SELECT token FROM user WHERE id = user_id), n_user,
    n_assistant, n_system FROM conversation WHERE id = 4" >"$tmp/got"
same "$tmp/got" "ios: the user, 3 user, 2 assistant, 2 system" <<'EOF'
+49 170 1234567|3|2|2
EOF
sql "SELECT time(ts / 1000, 'unixepoch'), media_type, media_name
    FROM message WHERE media_type IS NOT NULL AND conversation_id = 4
    ORDER BY ts" >"$tmp/got"
same "$tmp/got" "ios: media" <<'EOF'
10:01:02|image|00000042-PHOTO-2026-11-20-10-01-02.jpg
10:01:02|image|
EOF

# --agent: a named author is a human agent; without --assistant the shop
# is a user too.
rm -f "$CONVO_DB"
run convo-import --agent "Nordwind Shop" good-android.txt
sql "SELECT role, count(*) FROM message GROUP BY role ORDER BY role" \
    >"$tmp/got"
same "$tmp/got" "--agent: the shop's messages are an agent's" <<'EOF'
agent|2
system|2
user|3
EOF

# Bad input: file, line and column, exit 65, nothing stored.
rm -f "$CONVO_DB"
run convo-import bad-ambiguous.txt
status_is 65 "ambiguous: exit 65"
err_is "ambiguous: the diagnostic" <<'EOF'
convo-import: bad-ambiguous.txt:1:1: cannot tell the day from the month in '03/04/26': no date in the file has a field above 12; give --date-order dmy or mdy
EOF
is "$(counts)" "0 0 0 0 0 0" "ambiguous: nothing stored"
run convo-import --skip-bad bad-ambiguous.txt
status_is 65 "ambiguous, --skip-bad: still refused"
is "$(counts)" "0 0 0 0 0 0" "ambiguous, --skip-bad: nothing stored"

# --date-order decides: 3 and 5 April, 46 h 29 min apart: two pieces.
run convo-import --date-order dmy bad-ambiguous.txt
status_is 0 "--date-order dmy: exit 0"
sql "SELECT ext_id, date(first_message_at / 1000, 'unixepoch')
    FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "--date-order dmy: April 3 and 5" <<'EOF'
wa-0e301d3c4f6e6ff8|2026-04-03
wa-0e301d3c4f6e6ff8@20260405T090000Z|2026-04-05
EOF
rm -f "$CONVO_DB"
run convo-import --date-order mdy bad-ambiguous.txt
sql "SELECT date(first_message_at / 1000, 'unixepoch') FROM conversation
    ORDER BY id" >"$tmp/got"
same "$tmp/got" "--date-order mdy: March 4 and May 4" <<'EOF'
2026-03-04
2026-05-04
EOF

rm -f "$CONVO_DB"
run convo-import bad-date.txt bad-time.txt
status_is 65 "bad date, bad time: exit 65"
err_is "bad date, bad time: diagnostics" <<'EOF'
convo-import: bad-date.txt:2:1: bad date '11/21/2026' (an earlier date of the file is day first)
convo-import: bad-time.txt:2:13: bad time '25:10'
EOF
is "$(counts)" "0 0 0 0 0 0" "bad date, bad time: nothing stored"

run convo-import --skip-bad bad-time.txt
status_is 65 "bad time, --skip-bad: exit 65"
out_timeless "bad time, --skip-bad: one skipped" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 1 skipped records, T s
EOF
is "$(counts)" "1 2 1 0 0 0" "bad time, --skip-bad: the two good ones"

# Forcing the format on a file that is not an export.
rm -f "$CONVO_DB"
run convo-import --format whatsapp ../text/good-multi.txt
status_is 65 "--format whatsapp on a transcript: exit 65"
err_is "--format whatsapp on a transcript: line 1" <<'EOF'
convo-import: ../text/good-multi.txt:1:1: expected a message line such as '20/11/2026, 10:30 - Name: text'
EOF
is "$(counts)" "0 0 0 0 0 0" "--format whatsapp on a transcript: nothing"

# Detection: every fixture is WhatsApp; no other fixture is.  Conversations
# 2 (android) + 1 (ios) + 1 (finnish) + 1 (year first) + 1 (colon) + 1
# (spanish) = 7; messages 7 + 7 + 4 + 2 + 4 + 3 = 27.
run convo-import --dry-run good-android.txt good-ios.txt good-finnish.txt \
    good-year-first.txt good-colon.txt good-spanish.txt
status_is 0 "every good fixture: exit 0"
out_timeless "every good fixture: summary" <<'EOF'
dry run, nothing stored: 6 files: 7 new and 0 updated conversations, 27 new messages, 0 skipped records, T s
EOF
rm -f "$CONVO_DB"
set -- "$td"/json/good-*.json "$td"/events/good-*.jsonl "$td"/csv/good-*.csv \
    "$td"/text/2026-11-20-support.txt "$td"/text/good-*.txt "$td"/sample/*
run convo-import "$@"
status_is 0 "every other good fixture: exit 0"
is "$(sql "SELECT count(*) FROM import")" "$#" \
    "every other good fixture: each one logged"
is "$(sql "SELECT count(*) FROM import WHERE format = 'whatsapp'")" 0 \
    "every other good fixture: none taken for WhatsApp"

done_testing
