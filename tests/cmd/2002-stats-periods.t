#!/bin/sh
# convo-stats periods: the names, --since/--until, the boundaries of a
# period (23:59:59 in, 00:00:00 out), a 25-hour day when DST ends in
# Europe/Berlin, an empty period (nulls shown as "-", no division by
# zero), "all" without a previous period, and bad periods.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
now=2026-11-20T12:00:00Z

# figures NAME...: those rows of the last run's CSV, without the CRs.
figures() {
	pattern=$(echo "$@" | tr ' ' '|')
	grep -E "^($pattern)," "$tmp/out" | tr -d '\r'
}

# today runs from 2026-11-20 00:00 to now: c10 starts at 00:00:00 and
# sends 2 messages; c6's reply (00:00:30) is sent today too.  The
# previous period is yesterday 00:00 to 12:00: c6 starts at 23:59:59.
run convo-stats --now $now --period today --csv
status_is 0 "today: exit 0"
figures conversations messages user_messages assistant_messages >got
same got "today: c10 from 00:00:00, and c6's reply of 00:00:30" <<'EOF'
conversations,1,0,
messages,3,0,
user_messages,1,0,
assistant_messages,2,0,
EOF
run convo-stats --now $now --period yesterday --csv
figures conversations messages >got
# Yesterday: c6 at 23:59:59 and its user message; the day before, 11-18,
# has nothing.
same got "yesterday: c6 at 23:59:59 is in" <<'EOF'
conversations,1,0,
messages,1,0,
EOF

# --since/--until with dates: the same as 7d at this now.
run convo-stats --now $now --csv
cp "$tmp/out" 7d.csv
run convo-stats --now $now --since 2026-11-13 --until 2026-11-20 --csv
status_is 0 "--since/--until: exit 0"
same "$tmp/out" "--since 2026-11-13 --until 2026-11-20 is 7d" <7d.csv
run convo-stats --now $now --since 2026-11-13 --until 2026-11-20
head -n 2 "$tmp/out" >got
same got "dates: the previous period is as many days before" <<'EOF'
period    2026-11-13 00:00 until 2026-11-20 00:00 UTC
previous  2026-11-06 00:00 until 2026-11-13 00:00 UTC
EOF

# A minute of c1: its first two messages; the minute before is empty.
run convo-stats --since 2026-11-14T10:00:00Z --until 2026-11-14T10:01:00Z \
    --csv
figures conversations messages first_response_median >got
same got "timestamps: until is exclusive (the click at 10:01:00 is out)" <<'EOF'
conversations,1,0,
messages,2,0,
first_response_median,30,,
EOF

# An empty period: counts are 0, everything divided by them is null, in
# every format, and nothing fails.
run convo-stats --now $now --period last-month
status_is 0 "an empty period: exit 0"
grep -E '^(period|previous|conversations|handover_rate|duration_median|cost|cost_per_conversation) ' \
    "$tmp/out" >got
same got "an empty period: 0 for counts, '-' for the rest" <<'EOF'
period    2026-10-01 00:00 until 2026-11-01 00:00 UTC
previous  2026-09-01 00:00 until 2026-10-01 00:00 UTC
conversations                 0         0       -
duration_median               -         -       -
handover_rate                 -         -       -
cost                       0.00      0.00       -
cost_per_conversation         -         -       -
EOF
err_is "an empty period: nothing on stderr" </dev/null
run convo-stats --now $now --period last-month --json
grep -E '^    "(conversations|handover_rate|duration_median)"' "$tmp/out" >got
same got "an empty period in JSON: null" <<'EOF'
    "conversations": 0,
    "duration_median": null,
    "handover_rate": null,
    "conversations": 0,
    "duration_median": null,
    "handover_rate": null,
    "handover_rate": {"value": null, "num": 0, "den": 0, "low": null, "high": null},
EOF

# all: every conversation but the test one, and no previous period.
run convo-stats --now $now --period all
head -n 5 "$tmp/out" >got
same got "all: no previous period, no change column" <<'EOF'
period    all

figure                     value
conversations                  9
active                         3
EOF
run convo-stats --now $now --period all --json
grep -c '"previous' "$tmp/out" >got
same got "all in JSON: no previous, no previous_figures" <<'EOF'
0
EOF

# A 25-hour day: DST ends in Berlin at 03:00 on 2026-10-25.  Local
# 10-25 holds d2 (00:00:00+02), d5 (the second 02:30, +01) and d3
# (23:59:59+01, whose reply is sent on 10-26); d1 is on 10-24 and d4 on
# 10-26 00:00:00+01.  In UTC the same day holds d5, d3 (22:59:59Z) and
# d4 (23:00:00Z), and 10-24 holds d1 and d2 (22:00:00Z).
rm -f "$CONVO_DB"
convo-import -q "$td/stats/dst.json"
run convo-stats --tz Europe/Berlin --now 2026-10-26T12:00:00+01:00 \
    --period yesterday --csv
figures conversations messages >got
same got "Berlin: the 25-hour day 10-25 against 10-24" <<'EOF'
conversations,3,1,200.0
messages,5,2,150.0
EOF
run convo-stats --tz Europe/Berlin --now 2026-10-26T12:00:00+01:00 \
    --period yesterday --explain conversations
out_is "Berlin: which ones" <<'EOF'
d2
d5
d3
EOF
run convo-stats --tz Europe/Berlin --now 2026-10-26T12:00:00+01:00 \
    --period yesterday
head -n 2 "$tmp/out" >got
same got "Berlin: the periods in local time" <<'EOF'
period    2026-10-25 00:00 until 2026-10-26 00:00 Europe/Berlin
previous  2026-10-24 00:00 until 2026-10-25 00:00 Europe/Berlin
EOF
run convo-stats --now 2026-10-26T12:00:00+01:00 --period yesterday --csv
figures conversations messages >got
same got "UTC: the same day cut elsewhere" <<'EOF'
conversations,3,2,50.0
messages,6,4,50.0
EOF
run convo-stats --now 2026-10-26T12:00:00+01:00 --period yesterday \
    --explain conversations
out_is "UTC: which ones" <<'EOF'
d5
d3
d4
EOF

# Bad periods are usage errors.
run convo-stats --period fortnight
status_is 64 "an unknown period: exit 64"
err_is "and says which are known" <<'EOF'
convo-stats: invalid period: unknown period (today, yesterday, 7d, 30d, this-month, last-month, all)
try 'convo-stats --help'
EOF
run convo-stats --period 7d --since 2026-11-01
status_is 64 "--period with --since: exit 64"
run convo-stats --since 2026-11-31
status_is 64 "a bad date: exit 64"
err_is "and says why" <<'EOF'
convo-stats: invalid period: day out of range
try 'convo-stats --help'
EOF
run convo-stats --since 2026-11-20 --until 2026-11-13
status_is 64 "--until before --since: exit 64"
run convo-stats --now yesterday
status_is 64 "a bad --now: exit 64"
run convo-stats --tz Mars/Olympus
status_is 64 "an unknown zone: exit 64"

done_testing
