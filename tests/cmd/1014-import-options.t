#!/bin/sh
# convo-import's options: --dry-run, --format, --quiet, --progress,
# --redact, --rules, --tz, --date; and a stale-ended conversation that a
# newer message reopens.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
for f in json/good-array.json json/good-object.json json/good-lines.json \
    csv/good-support.csv csv/good-tabs.csv events/good-stream.jsonl \
    json/bad-truncated.json text/2026-11-20-support.txt text/good-multi.txt \
    text/bad-no-date.txt; do
	cp "$td/$f" . || exit 1
done

# --dry-run on a database that does not exist: the figures of a real
# import (good-array.json: 2 new conversations, 7 messages), no file.
run convo-import --dry-run -d new.db good-array.json
status_is 0 "--dry-run, no database: exit 0"
out_timeless "--dry-run, no database: the summary says nothing was stored" <<'EOF'
dry run, nothing stored: 1 file: 2 new and 0 updated conversations, 7 new messages, 0 skipped records, T s
EOF
err_is "--dry-run, no database: nothing on stderr" </dev/null
test ! -e new.db && test ! -e new.db-wal && test ! -e new.db-shm &&
    test ! -e new.db-journal
ok $? "--dry-run, no database: no database file is created"

# --dry-run on a database: good-object.json is stored first (1, 2); then
# good-array.json (2, 7) and good-support.csv (2, 8) are counted but not
# stored: 2 files, 4 new conversations, 15 new messages.
run convo-import -q good-object.json
status_is 0 "good-object.json: exit 0"
dump >before
run convo-import --dry-run good-array.json good-support.csv
status_is 0 "--dry-run, two files: exit 0"
out_timeless "--dry-run, two files: summary" <<'EOF'
dry run, nothing stored: 2 files: 4 new and 0 updated conversations, 15 new messages, 0 skipped records, T s
EOF
err_is "--dry-run, two files: the warnings still come" <<'EOF'
convo-import: good-support.csv:1: warning: unknown column 'plan' kept as a variable
EOF
dump >after
cmp -s before after
ok $? "--dry-run, two files: the database is unchanged"
# What is there already counts as there: good-object.json again is
# nothing new.
run convo-import --dry-run good-object.json
out_timeless "--dry-run of a stored file: nothing new" <<'EOF'
dry run, nothing stored: 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
run convo-import --dry-run bad-truncated.json
status_is 65 "--dry-run, a bad file: exit 65"
out_timeless "--dry-run, a bad file: one failed" <<'EOF'
dry run, nothing stored: 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "--dry-run, a bad file: its diagnostic" <<'EOF'
convo-import: bad-truncated.json:3:89: unexpected end of file, string not closed
EOF
dump >after
cmp -s before after
ok $? "--dry-run, all of it: the database is unchanged"

# --format forces a format: a CSV file read as JSON fails with a JSON
# diagnostic at its first byte; an event stream read as documents lacks
# 'id'; JSON Lines read as events lacks 'conversation'.
run convo-import --format json good-support.csv
status_is 65 "--format json on CSV: exit 65"
out_timeless "--format json on CSV: one failed" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
err_is "--format json on CSV: a JSON diagnostic" <<'EOF'
convo-import: good-support.csv:1:1: expected a JSON array or object
EOF
run convo-import --format json good-stream.jsonl
status_is 65 "--format json on an event stream: exit 65"
err_is "--format json on an event stream: an event is no conversation" <<'EOF'
convo-import: good-stream.jsonl:1:1: missing 'id'
EOF
run convo-import --format events good-lines.json
status_is 65 "--format events on JSON Lines: exit 65"
err_is "--format events on JSON Lines: a conversation is no event" <<'EOF'
convo-import: good-lines.json:1:1: missing 'conversation'
EOF
dump >after
cmp -s before after
ok $? "--format on the wrong files: the database is unchanged"
# The right format, forced: good-tabs.csv, 1 new conversation, 2 messages.
run convo-import --format csv good-tabs.csv
status_is 0 "--format csv on CSV: exit 0"
out_timeless "--format csv on CSV: imported" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
EOF
is "$(sql "SELECT format FROM import ORDER BY id DESC LIMIT 1")" "csv" \
	"--format csv: logged as csv"

# --quiet: no summary; diagnostics and warnings still come.
run convo-import -q good-lines.json
status_is 0 "--quiet: exit 0"
out_is "--quiet: nothing on stdout" </dev/null
err_is "--quiet: nothing on stderr" </dev/null
run convo-import --quiet good-support.csv bad-truncated.json
status_is 65 "--quiet, a bad file: exit 65"
out_is "--quiet, a bad file: nothing on stdout" </dev/null
err_is "--quiet, a bad file: the warning and the diagnostic" <<'EOF'
convo-import: good-support.csv:1: warning: unknown column 'plan' kept as a variable
convo-import: bad-truncated.json:3:89: unexpected end of file, string not closed
EOF

# --progress: "convo-import: FILE: N.N MB read" on stderr, each starting
# with a carriage return, now and then (every few thousand records), and
# a newline after the file.  10000 message events of 50 conversations.
awk 'BEGIN { for (i = 0; i < 10000; i++)
	printf "{\"conversation\":\"p%d\",\"ts\":%d,\"type\":\"message\"," \
	    "\"role\":\"user\",\"text\":\"message number %d\"}\n",
	    i % 50, 1795170600 + i, i }' >many.jsonl
run convo-import --progress many.jsonl
status_is 0 "--progress: exit 0"
out_timeless "--progress: the summary on stdout" <<'EOF'
imported 1 file: 50 new and 0 updated conversations, 10000 new messages, 0 skipped records, T s
EOF
n=$(tr '\r' '\n' <"$tmp/err" |
    grep -c '^convo-import: many\.jsonl: [0-9][0-9]*\.[0-9] MB read$')
test "$n" -ge 1
ok $? "--progress: progress lines on stderr ($n)"
test "$(head -c 1 "$tmp/err" | od -An -c | tr -d ' ')" = '\r'
ok $? "--progress: a progress line starts with a carriage return"
test "$(tail -c 1 "$tmp/err" | od -An -c | tr -d ' ')" = '\n'
ok $? "--progress: stderr ends with a newline"
is "$(tr '\r' '\n' <"$tmp/err" |
    grep -cv '^convo-import: many\.jsonl: .* MB read$\|^$')" \
	"0" "--progress: nothing else on stderr"
# Without --progress stderr is no terminal here: no progress.
sed 's/message number/message no./' many.jsonl >many2.jsonl
run convo-import many2.jsonl
err_is "no --progress and no terminal: no progress" </dev/null
sed 's/message number/msg/' many.jsonl >many3.jsonl
run convo-import --progress --quiet many3.jsonl
status_is 0 "--progress --quiet: exit 0"
out_is "--progress --quiet: nothing on stdout" </dev/null
err_is "--progress --quiet: nothing on stderr" </dev/null
rm -f many*.jsonl

# --redact: e-mail addresses, phone and card numbers in message text are
# replaced before storing, in every role's messages; the derived lead
# stores the placeholders and still counts.
cat >red.txt <<'EOF'
Date: 2026-11-20
Conversation: red-1

[10:00:00] User: Hi, mail me at ana.lopez@example.com or call +49 170 1234567
[10:00:05] Bot: Thanks! What is the order about?
[10:00:30] User: I paid with 4111 1111 1111 1111 and it failed
[10:01:00] Agent: I can help. Write to support@shop.example or call 030 1234567.
EOF
run convo-import -d red.db --redact red.txt
status_is 0 "--redact: exit 0"
out_timeless "--redact: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 4 new messages, 0 skipped records, T s
EOF
err_is "--redact: nothing on stderr" </dev/null
sqlite3 red.db "SELECT role, text FROM message ORDER BY ts" >"$tmp/got"
same "$tmp/got" "--redact: e-mail, phone and card replaced in the text" <<'EOF'
user|Hi, mail me at [email] or call [phone]
assistant|Thanks! What is the order about?
user|I paid with [card] and it failed
agent|I can help. Write to [email] or call [phone].
EOF
is "$(sqlite3 red.db "SELECT quote(name), email, phone, derived FROM lead")" \
	"NULL|[email]|[phone]|1" "--redact: the derived lead stores [email] and [phone]"
is "$(sqlite3 red.db "SELECT n_leads FROM conversation")" "1" \
	"--redact: the redacted lead still counts"
# The identity of a redacted message hashes the redacted text only: a
# second --redact import finds all four messages, while an import without
# --redact sees other texts in the three messages with contacts or a card
# and stores those again.
run convo-import -d red.db --redact red.txt
out_timeless "--redact again: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
cp red.db red2.db
run convo-import -d red2.db red.txt
out_timeless "without --redact after --redact: the three texts that differ" <<'EOF'
imported 1 file: 0 new and 1 updated conversations, 3 new messages, 0 skipped records, T s
EOF
# Stated leads are stored as the export gives them.
run convo-import -d red.db --redact good-array.json
status_is 0 "--redact, a stated lead: exit 0"
is "$(sqlite3 red.db "SELECT name, email, phone, derived FROM lead
    WHERE derived = 0")" "Ana Lopez|ana@example.com|+49 170 1234567|0" \
	"--redact: a stated lead is kept as stated"
# Without --redact the same transcript keeps the contacts.
run convo-import -d plain.db red.txt
is "$(sqlite3 plain.db "SELECT email || ' ' || phone FROM lead")" \
	"ana.lopez@example.com +49 170 1234567" "without --redact: the contacts"

# --rules FILE replaces the built-in rules entirely.  meh.rules knows one
# fallback phrase, "meh", and nothing else.
cat >meh.rules <<'EOF'
# This bot says "meh" when it did not understand.
fallback (?i)\bmeh\b
EOF
cat >meh.txt <<'EOF'
Date: 2026-11-20
Conversation: meh-1

[10:00:00] User: what are your opening hours?
[10:00:02] Bot: Meh.
[10:00:10] User: hello??
[10:00:12] Bot: Sorry, I didn't understand.
[10:00:20] User: can I talk to a human please
[10:00:30] User: mail me at mia@example.com
EOF
# With meh.rules: "Meh." is a fallback, so the question before it was not
# understood; "Sorry, I didn't understand." is not (no such rule); no
# handover rule, no e-mail rule: no handover, no lead.
run convo-import -d meh.db --rules meh.rules meh.txt
status_is 0 "--rules: exit 0"
out_timeless "--rules: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 6 new messages, 0 skipped records, T s
EOF
err_is "--rules: nothing on stderr" </dev/null
sqlite3 meh.db "SELECT time(ts / 1000, 'unixepoch'), role, fallback,
    fallback_derived, not_understood, quote(handover) FROM message
    ORDER BY ts" >"$tmp/got"
same "$tmp/got" "--rules: the custom fallback phrase, the defaults gone" <<'EOF'
10:00:00|user|0|0|1|NULL
10:00:02|assistant|1|1|0|NULL
10:00:10|user|0|0|0|NULL
10:00:12|assistant|0|1|0|NULL
10:00:20|user|0|0|0|NULL
10:00:30|user|0|0|0|NULL
EOF
is "$(sqlite3 meh.db "SELECT n_fallbacks, n_handovers, n_leads
    FROM conversation")" "1|0|0" "--rules: 1 fallback, no handover, no lead"
# The built-in rules on the same file: the other way round, and "can I
# talk to a human" right after the fallback is after_fallback; the e-mail
# makes a lead.
run convo-import -d default.db meh.txt
status_is 0 "the built-in rules: exit 0"
sqlite3 default.db "SELECT time(ts / 1000, 'unixepoch'), role, fallback,
    fallback_derived, not_understood, quote(handover) FROM message
    ORDER BY ts" >"$tmp/got"
same "$tmp/got" "the built-in rules: the default phrases" <<'EOF'
10:00:00|user|0|0|0|NULL
10:00:02|assistant|0|1|0|NULL
10:00:10|user|0|0|1|NULL
10:00:12|assistant|1|1|0|NULL
10:00:20|user|0|0|0|'after_fallback'
10:00:30|user|0|0|0|NULL
EOF
is "$(sqlite3 default.db "SELECT n_fallbacks, n_handover_after_fallback,
    n_leads FROM conversation")" "1|1|1" \
	"the built-in rules: 1 fallback, 1 handover, 1 lead"

# A bad rules file: exit 65, each error at its line and column, nothing
# imported.  Line 2's pattern "(unclosed" starts in column 10 and PCRE2
# finds the error 9 bytes in: column 19.
printf 'fallback (?i)\\bmeh\\b\nhandover (unclosed\n' >bad.rules
run convo-import --rules bad.rules meh.txt
status_is 65 "a bad pattern: exit 65"
out_is "a bad pattern: nothing on stdout" </dev/null
err_is "a bad pattern: PCRE2's message at its column" <<'EOF'
convo-import: bad.rules:2:19: missing closing parenthesis
EOF
printf 'fallback ok\nfalback x\nphone\n' >bad2.rules
run convo-import --rules bad2.rules meh.txt
status_is 65 "an unknown kind and a missing pattern: exit 65"
out_is "an unknown kind and a missing pattern: nothing on stdout" </dev/null
err_is "an unknown kind and a missing pattern: both errors" <<'EOF'
convo-import: bad2.rules:2:1: unknown rule kind 'falback'
convo-import: bad2.rules:3:6: missing pattern
EOF
run convo-import --rules nosuch.rules meh.txt
status_is 66 "a missing rules file: exit 66"
out_is "a missing rules file: nothing on stdout" </dev/null
err_is "a missing rules file: the system's reason" <<'EOF'
convo-import: nosuch.rules: No such file or directory
EOF
is "$(sql "SELECT count(*) FROM conversation WHERE ext_id = 'meh-1'")" "0" \
	"bad or missing rules: nothing imported"

# --tz: times without an offset are local in that zone, stored in UTC.
# Europe/Berlin is UTC+1 in winter, UTC+2 in summer (from 2026-03-29
# 02:00, which skips to 03:00, to 2026-10-25 03:00, which goes back to
# 02:00).  An explicit Z stays.  02:30 on 2026-10-25 happens twice: the
# earlier, still +2, 00:30Z.  02:30 on 2026-03-29 never happens: moved
# forward by the gap to 03:30 +2, 01:30Z.
cat >tz.json <<'EOF'
[{"id": "tz-winter", "messages": [{"ts": "2026-01-15T10:00:00", "role": "user", "text": "winter"}]},
 {"id": "tz-summer", "messages": [{"ts": "2026-07-15 10:00:00", "role": "user", "text": "summer"}]},
 {"id": "tz-utc", "messages": [{"ts": "2026-07-15T10:00:00Z", "role": "user", "text": "explicit"}]},
 {"id": "tz-back", "messages": [{"ts": "2026-10-25T02:30:00", "role": "user", "text": "twice"}]},
 {"id": "tz-gap", "messages": [{"ts": "2026-03-29T02:30:00", "role": "user", "text": "never"}]}]
EOF
tz_want='tz-winter|2026-01-15 09:00:00
tz-summer|2026-07-15 08:00:00
tz-utc|2026-07-15 10:00:00
tz-back|2026-10-25 00:30:00
tz-gap|2026-03-29 01:30:00'
tz_got() {
	sqlite3 "$1" "SELECT c.ext_id, datetime(m.ts / 1000, 'unixepoch')
	    FROM message m JOIN conversation c ON c.id = m.conversation_id
	    ORDER BY c.id"
}
run convo-import -q -d tz1.db --tz Europe/Berlin tz.json
status_is 0 "--tz Europe/Berlin: exit 0"
is "$(tz_got tz1.db)" "$tz_want" "--tz Europe/Berlin: winter +1, summer +2"
run env TZ=Europe/Berlin convo-import -q -d tz2.db tz.json
is "$(tz_got tz2.db)" "$tz_want" "TZ=Europe/Berlin: the same"
run env TZ=America/New_York convo-import -q -d tz3.db --tz Europe/Berlin \
    tz.json
is "$(tz_got tz3.db)" "$tz_want" "--tz wins over TZ"
# Transcript times, a CSV time and a stated started_at without offset:
# 10:30:15 in Berlin in November is 09:30:15Z.
printf 'conversation_id,timestamp,role,text\nk-1,2026-11-20 10:30:15,user,hi\n' \
    >local.csv
run convo-import -q -d tz4.db --tz Europe/Berlin local.csv \
    2026-11-20-support.txt good-object.json
status_is 0 "--tz with CSV, a transcript, started_at: exit 0"
is "$(sqlite3 tz4.db "SELECT group_concat(ext_id || ' ' ||
    datetime(started_at / 1000, 'unixepoch'), ', ') FROM conversation")" \
	"k-1 2026-11-20 09:30:15, web-1003 2026-11-20 09:30:15, p-1 2026-11-20 09:30:15" \
	"--tz with CSV, a transcript, started_at: all local"

# --date: the day of a transcript that has none.  bad-no-date.txt: web-6001,
# [10:30:15] User, [10:30:18] Bot.
run convo-import -d date.db --date 2026-11-20 bad-no-date.txt
status_is 0 "--date: exit 0"
out_timeless "--date: summary" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
EOF
err_is "--date: nothing on stderr" </dev/null
is "$(sqlite3 date.db "SELECT group_concat(datetime(ts / 1000, 'unixepoch'),
    ', ') FROM message")" "2026-11-20 10:30:15, 2026-11-20 10:30:18" \
	"--date: the transcript's times on that day"
run convo-import -d date2.db --tz Europe/Berlin --date 2026-11-20 bad-no-date.txt
is "$(sqlite3 date2.db "SELECT min(datetime(ts / 1000, 'unixepoch'))
    FROM message")" "2026-11-20 09:30:15" "--date with --tz: local on that day"
# --date wins over the file's name, a Date: line over --date.
run convo-import -q -d date3.db --date 2026-12-24 2026-11-20-support.txt \
    good-multi.txt
status_is 0 "--date and dated transcripts: exit 0"
is "$(sqlite3 date3.db "SELECT group_concat(ext_id || ' ' ||
    date(started_at / 1000, 'unixepoch'), ', ') FROM conversation")" \
	"web-1003 2026-12-24, qa-1 2026-11-20, qa-2 2026-11-20, qa-3 2026-11-21" \
	"--date wins over the file's name, Date: lines over --date"

# A conversation ended as stale reopens when a newer message arrives.
cat >s1.json <<'EOF'
{"id": "st-1", "source": "web_widget", "messages": [
  {"ts": "2026-11-20T10:00:00Z", "role": "user", "text": "Hi"},
  {"ts": "2026-11-20T10:00:02Z", "role": "assistant", "text": "Hello! How can I help?"}
]}
EOF
sed 's/"st-1"/"st-2"/' s1.json >s2.json
run convo-import -q -d stale.db s1.json s2.json
status_is 0 "stale: the first import, exit 0"
# As convo-end-stale would leave them, a day after the last message;
# st-2 ended by the user instead.
sqlite3 stale.db "UPDATE conversation SET status = 'ended',
    ended_at = 1795255202000, end_reason = 'stale' WHERE ext_id = 'st-1';
    UPDATE conversation SET status = 'ended', ended_at = 1795255202000,
    end_reason = 'user' WHERE ext_id = 'st-2'"
# The same export again brings nothing newer: still ended.
run convo-import -d stale.db s1.json
out_timeless "stale, the same export: nothing new" <<'EOF'
imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
is "$(sqlite3 stale.db "SELECT status, end_reason FROM conversation
    WHERE ext_id = 'st-1'")" "ended|stale" "stale, the same export: still ended"
# A message on 2026-11-22 at 09:00, later than anything before.
cat >later.json <<'EOF'
[{"id": "st-1", "source": "web_widget", "messages": [
  {"ts": "2026-11-22T09:00:00Z", "role": "user", "text": "Hello again, any news?"}]},
 {"id": "st-2", "source": "web_widget", "messages": [
  {"ts": "2026-11-22T09:00:00Z", "role": "user", "text": "One more thing"}]}]
EOF
run convo-import -d stale.db later.json
status_is 0 "stale, a newer message: exit 0"
out_timeless "stale, a newer message: 2 updated, 2 new messages" <<'EOF'
imported 1 file: 0 new and 2 updated conversations, 2 new messages, 0 skipped records, T s
EOF
sqlite3 stale.db "SELECT ext_id, status, quote(ended_at), quote(end_reason),
    datetime(last_message_at / 1000, 'unixepoch') FROM conversation
    ORDER BY id" >"$tmp/got"
same "$tmp/got" "stale, a newer message: reopened; ended by the user: not" <<'EOF'
st-1|active|NULL|NULL|2026-11-22 09:00:00
st-2|ended|1795255202000|'user'|2026-11-22 09:00:00
EOF

done_testing
