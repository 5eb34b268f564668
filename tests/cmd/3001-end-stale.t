#!/bin/sh
# convo-end-stale: which conversations are stale (more than N hours or
# minutes idle, strictly), --dry-run, the summary line, --json, --csv,
# --stats, --quiet, --tz, a second run, reopening by a later import, and
# the usage errors and the missing database.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
NOW=--now=2026-11-22T12:00:00Z

# Seven conversations (testdata/stale/idle.json); "now" is
# 2026-11-22T12:00:00Z, so the idle times are: c1 exactly 24 h (stays),
# c2 24 h and 1 s (stale), c3 50 h 5 m without a user (stale), c4 30
# min, c5 ended by the user long ago, c6 8 days without a source
# (stale), c7 1 h and 1 s.
cp "$td/stale/idle.json" stale.json
convo-import -q stale.json || exit 1
cp "$CONVO_DB" base.db

# fresh: the database as imported, before any run.
fresh() {
	rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
	cp base.db "$CONVO_DB"
}

# Each conversation: id, status, ended_at, end_reason.
states() {
	sql "SELECT ext_id, status, coalesce(datetime(ended_at / 1000,
	    'unixepoch'), '-'), coalesce(end_reason, '-') FROM conversation
	    ORDER BY ext_id"
}

# --help and --version.
run convo-end-stale --help
status_is 0 "--help exits 0"
out_is "--help prints the usage and every option" <<'EOF'
usage: convo-end-stale [-hq] [-d db] [--csv] [--dry-run] [--hours n] [--json]
                       [--minutes n] [--now time] [--stats] [--tz zone] [--version]

  -d, --db file       the database (default $CONVO_DB, else ./convo.db)
      --csv           print CSV: the breakdown with --stats, else the list
      --dry-run       list what would be ended, change nothing
  -h, --help          print this help and exit
      --hours n       end those idle for more than n hours (default 24)
      --json          print one JSON document
      --minutes n     end those idle for more than n minutes
      --now time      take this time as now (default: the clock)
  -q, --quiet         print nothing; only the exit status tells
      --stats         print the status breakdown after the run
      --tz zone       show times in this zone (default $TZ)
      --version       print the version and exit
EOF
err_is "--help prints nothing on stderr" </dev/null

run convo-end-stale --version
status_is 0 "--version exits 0"
out_is "--version prints name and version" <<'EOF'
convo-end-stale 0.1.0
EOF

# --dry-run: the list, oldest activity first, and nothing changed.
dump >before.sql
run convo-end-stale "$NOW" --dry-run
status_is 0 "--dry-run exits 0"
out_is "--dry-run lists exactly the stale ones: c1 at exactly 24 h is not" <<'EOF'
id  source      user  last activity        idle
c6  -           u4    2026-11-14 10:00:00  194h 0m
c3  web_widget  -     2026-11-20 09:55:00   50h 5m
c2  whatsapp    u2    2026-11-21 11:59:59   24h 0m
would end 3 conversations, 3 would stay active
EOF
err_is "--dry-run prints nothing on stderr" </dev/null
dump >after.sql
cmp -s before.sql after.sql
ok $? "--dry-run changes nothing"

run convo-end-stale "$NOW" --dry-run --tz Europe/Berlin
out_is "--tz shows the last activity in that zone" <<'EOF'
id  source      user  last activity        idle
c6  -           u4    2026-11-14 11:00:00  194h 0m
c3  web_widget  -     2026-11-20 10:55:00   50h 5m
c2  whatsapp    u2    2026-11-21 12:59:59   24h 0m
would end 3 conversations, 3 would stay active
EOF

run convo-end-stale --now 2026-11-22T13:00:00 --tz Europe/Berlin --dry-run -q
status_is 0 "--now without an offset is read in --tz; -q prints nothing"
out_is "--dry-run -q prints nothing" </dev/null

printf 'id,source,user,last_activity,idle_seconds\r
c6,,u4,2026-11-14T10:00:00+00:00,698400\r
c3,web_widget,,2026-11-20T09:55:00+00:00,180300\r
c2,whatsapp,u2,2026-11-21T11:59:59+00:00,86401\r\n' >want.csv
run convo-end-stale "$NOW" --dry-run --csv
same "$tmp/out" "--dry-run --csv: the list, RFC 3339 times, seconds" <want.csv

# The run: exactly the three stale ones are ended, at "now", as stale.
run convo-end-stale "$NOW"
status_is 0 "a run exits 0"
out_is "a run prints what it ended and what stays active" <<'EOF'
ended 3 conversations, 3 still active
EOF
err_is "a run prints nothing on stderr" </dev/null
states >got
same got "the stale ones are ended at now with reason stale, no other" <<'EOF'
c1|active|-|-
c2|ended|2026-11-22 12:00:00|stale
c3|ended|2026-11-22 12:00:00|stale
c4|active|-|-
c5|ended|2026-11-10 10:05:00|user
c6|ended|2026-11-22 12:00:00|stale
c7|active|-|-
EOF

# A second run finds nothing more to end, and still exits 0.
run convo-end-stale "$NOW"
status_is 0 "a second run exits 0"
out_is "a second run ends nothing" <<'EOF'
ended 0 conversations, 3 still active
EOF
states >again
cmp -s got again
ok $? "a second run changes nothing"

# --stats after the run, worked out by hand: 7 conversations, 3 active
# (c1, c4, c7), 4 ended; active and idle more than 1 h: c1 (24 h) and
# c7 (1 h 1 s), not c4 (30 min); none more than 24 h or 7 days.
run convo-end-stale "$NOW" --stats
status_is 0 "--stats exits 0"
out_is "--stats: the line, then the breakdown, no bars off a terminal" <<'EOF'
ended 0 conversations, 3 still active

status    conversations  share
active                3  42.9%
ended                 4  57.1%
idle_1h               2  28.6%
idle_24h              0   0.0%
idle_7d               0   0.0%
EOF

printf 'status,conversations,share\r\nactive,3,0.4286\r\nended,4,0.5714\r
idle_1h,2,0.2857\r\nidle_24h,0,0.0000\r\nidle_7d,0,0.0000\r\n' >want.csv
run convo-end-stale "$NOW" --stats --csv
same "$tmp/out" "--stats --csv: the breakdown as RFC 4180 CSV" <want.csv

# Before the run: 6 active, 1 ended; idle more than 1 h: all active but
# c4 (5); more than 24 h: c2, c3, c6 (c1 is exactly 24 h); more than 7
# days: c6.  --dry-run shows the breakdown as it is.
fresh
run convo-end-stale "$NOW" --dry-run --stats
out_is "--dry-run --stats: the list, the line, the breakdown as it is" <<'EOF'
id  source      user  last activity        idle
c6  -           u4    2026-11-14 10:00:00  194h 0m
c3  web_widget  -     2026-11-20 09:55:00   50h 5m
c2  whatsapp    u2    2026-11-21 11:59:59   24h 0m
would end 3 conversations, 3 would stay active

status    conversations  share
active                6  85.7%
ended                 1  14.3%
idle_1h               5  71.4%
idle_24h              3  42.9%
idle_7d               1  14.3%
EOF

# --json: one document with what was ended.
fresh
run convo-end-stale "$NOW" --json
status_is 0 "--json exits 0"
out_is "--json: counts, now, cutoff and the conversations ended" <<'EOF'
{
  "ended": 3,
  "active": 3,
  "dry_run": false,
  "now": "2026-11-22T12:00:00+00:00",
  "cutoff": "2026-11-21T12:00:00+00:00",
  "conversations": [
    {"id": "c6", "source": null, "user": "u4", "last_activity": "2026-11-14T10:00:00+00:00", "idle_seconds": 698400},
    {"id": "c3", "source": "web_widget", "user": null, "last_activity": "2026-11-20T09:55:00+00:00", "idle_seconds": 180300},
    {"id": "c2", "source": "whatsapp", "user": "u2", "last_activity": "2026-11-21T11:59:59+00:00", "idle_seconds": 86401}
  ]
}
EOF
is "$(sql "SELECT count(*) FROM conversation WHERE end_reason = 'stale'")" 3 \
    "--json ended them"

run convo-end-stale "$NOW" --json --stats --tz Europe/Berlin
out_is "--json --stats: nothing ended, the breakdown as an object" <<'EOF'
{
  "ended": 0,
  "active": 3,
  "dry_run": false,
  "now": "2026-11-22T13:00:00+01:00",
  "cutoff": "2026-11-21T13:00:00+01:00",
  "conversations": [],
  "status": {"conversations": 7, "active": 3, "ended": 4, "active_share": 0.4286, "ended_share": 0.5714, "idle_1h": 2, "idle_24h": 0, "idle_7d": 0}
}
EOF

# --quiet: nothing printed, the work done.
fresh
run convo-end-stale "$NOW" -q
status_is 0 "-q exits 0"
out_is "-q prints nothing" </dev/null
err_is "-q prints nothing on stderr" </dev/null
is "$(sql "SELECT group_concat(ext_id) FROM conversation
    WHERE end_reason = 'stale'")" "c2,c3,c6" "-q ended the stale ones"

# --hours and --minutes, on the boundary: c7 is idle 1 h 1 s, c4 30 min.
fresh
run convo-end-stale "$NOW" --hours 1 --dry-run --json
is "$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' "$tmp/out" | tr '\n' ' ')" \
    "c6 c3 c2 c1 c7 " "--hours 1: c7, idle 1 h 1 s, is stale"
run convo-end-stale "$NOW" --minutes 30 --dry-run
out_is "--minutes 30: c4, idle exactly 30 min, is not" <<'EOF'
id  source      user  last activity        idle
c6  -           u4    2026-11-14 10:00:00  194h 0m
c3  web_widget  -     2026-11-20 09:55:00   50h 5m
c2  whatsapp    u2    2026-11-21 11:59:59   24h 0m
c1  web_widget  u1    2026-11-21 12:00:00   24h 0m
c7  web_widget  u5    2026-11-22 10:59:59    1h 0m
would end 5 conversations, 1 would stay active
EOF
run convo-end-stale --now 2026-11-22T12:00:01Z --minutes 30
out_is "--minutes 30 a second later: c4 is stale too" <<'EOF'
ended 6 conversations, 0 still active
EOF
fresh
run convo-end-stale "$NOW" --minutes 30 --hours 24
out_is "of --hours and --minutes the last one counts" <<'EOF'
ended 3 conversations, 3 still active
EOF

# Reopening: a later import that brings newer activity to a stale-ended
# conversation makes it active again, the same conversation.
fresh
convo-end-stale "$NOW" -q
convo-import -q stale.json
is "$(sql "SELECT count(*) FROM conversation WHERE status = 'ended'")" 4 \
    "importing the same messages again reopens nothing"
cat >later.json <<'EOF'
{"id": "c2", "source": "whatsapp", "user": "u2", "messages": [
 {"ts": "2026-11-22T12:30:00Z", "role": "agent", "text": "Sorry for the wait!"}]}
EOF
run convo-import -q later.json
status_is 0 "a later import exits 0"
is "$(sql "SELECT count(*) FROM conversation")" 7 \
    "the later import starts no new conversation"
states >got
same got "the later import reopens c2: active, no end time or reason" <<'EOF'
c1|active|-|-
c2|active|-|-
c3|ended|2026-11-22 12:00:00|stale
c4|active|-|-
c5|ended|2026-11-10 10:05:00|user
c6|ended|2026-11-22 12:00:00|stale
c7|active|-|-
EOF
is "$(sql "SELECT count(*) FROM message WHERE conversation_id =
    (SELECT id FROM conversation WHERE ext_id = 'c2')")" 2 \
    "the new message joined c2"
printf 'id,source,user,last_activity,idle_seconds\r
c1,web_widget,u1,2026-11-21T12:00:00+00:00,174601\r
c7,web_widget,u5,2026-11-22T10:59:59+00:00,91802\r
c4,api,u1,2026-11-22T11:30:00+00:00,90001\r
c2,whatsapp,u2,2026-11-22T12:30:00+00:00,86401\r\n' >want.csv
run convo-end-stale --now 2026-11-23T12:30:01Z --dry-run --csv
same "$tmp/out" "a day later c2 is stale again" <want.csv

# Nothing stale: still exit 0.
run convo-end-stale --now 2026-11-01 --hours 1000
status_is 0 "nothing stale exits 0"
out_is "nothing stale: ended 0" <<'EOF'
ended 0 conversations, 4 still active
EOF

# -d and CONVO_DB.
cp base.db other.db
run env CONVO_DB=nothere.db convo-end-stale -q -d other.db "$NOW"
status_is 0 "-d wins over CONVO_DB"
is "$(sqlite3 other.db "SELECT count(*) FROM conversation
    WHERE end_reason = 'stale'")" 3 "-d names the database"
test ! -e nothere.db
ok $? "CONVO_DB is left alone with -d"

# A missing database: exit 66, and it is not created.
run convo-end-stale -d missing.db
status_is 66 "a missing database exits 66"
out_is "a missing database: nothing on stdout" </dev/null
err_is "a missing database says so" <<'EOF'
convo-end-stale: missing.db: No such file or directory
EOF
test ! -e missing.db
ok $? "a missing database is not created"

# Usage errors: exit 64, nothing done.
dump >before.sql
run convo-end-stale --no-such-option
status_is 64 "an unknown option exits 64"
out_is "an unknown option prints nothing on stdout" </dev/null
err_is "an unknown option: the synopsis and a hint" <<'EOF'
convo-end-stale: unrecognized option '--no-such-option'
usage: convo-end-stale [-hq] [-d db] [--csv] [--dry-run] [--hours n] [--json]
                       [--minutes n] [--now time] [--stats] [--tz zone] [--version]
try 'convo-end-stale --help'
EOF

run convo-end-stale extra
status_is 64 "an argument exits 64"
err_is "an argument is refused" <<'EOF'
convo-end-stale: unexpected argument 'extra'
try 'convo-end-stale --help'
EOF

for h in 0 -1 1.5 24h x 1000001; do
	run convo-end-stale --hours "$h"
	status_is 64 "--hours $h exits 64"
	err_is "--hours $h: invalid" <<EOF
convo-end-stale: invalid hours '$h' (expected a whole number from 1 to 1000000)
EOF
done
run convo-end-stale --minutes 0
status_is 64 "--minutes 0 exits 64"
err_is "--minutes 0: invalid" <<'EOF'
convo-end-stale: invalid minutes '0' (expected a whole number from 1 to 60000000)
EOF

run convo-end-stale --now yesterday
status_is 64 "--now yesterday exits 64"
err_is "--now yesterday: invalid" <<'EOF'
convo-end-stale: invalid time 'yesterday' for --now: not a timestamp
try 'convo-end-stale --help'
EOF

run convo-end-stale --tz Mars/Olympus_Mons
status_is 64 "--tz with an unknown zone exits 64"
err_is "--tz with an unknown zone says so" <<'EOF'
convo-end-stale: unknown time zone 'Mars/Olympus_Mons'
try 'convo-end-stale --help'
EOF
dump >after.sql
cmp -s before.sql after.sql
ok $? "usage errors change nothing"

done_testing
