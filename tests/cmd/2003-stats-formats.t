#!/bin/sh
# convo-stats output formats carry the same numbers: JSON (its keys
# exactly as kpis.md gives them, valid for jq), CSV, TSV and the table;
# breakdowns in each; sparklines, bars and colour only on a terminal.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
now=2026-11-20T12:00:00Z

# skip NAME REASON: a TAP test skipped.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

run convo-stats --now $now --json --show status
status_is 0 "--json: exit 0"
cp "$tmp/out" report.json
run convo-stats --now $now --csv --show status
status_is 0 "--csv: exit 0"
cp "$tmp/out" report.csv
run convo-stats --now $now --tsv --show status
status_is 0 "--tsv: exit 0"
cp "$tmp/out" report.tsv
run convo-stats --now $now --show status
cp "$tmp/out" report.txt

# CSV: a header, one row per figure, CRLF; then the breakdown.
head -n 3 report.csv | tr -d '\r' >got
same got "--csv: figure,value,previous,change" <<'EOF'
figure,value,previous,change
conversations,6,2,200.0
active,2,0,
EOF
tail -n 5 report.csv | tr -d '\r' >got
same got "--csv: a breakdown after an empty line and '# NAME'" <<'EOF'

# status
status,conversations,share
ended,4,0.6667
active,2,0.3333
EOF
tr '\t' ',' <report.tsv >tsv.csv
tr -d '\r' <report.csv >csv.csv
same tsv.csv "--tsv holds what --csv holds" <csv.csv

# JSON: the CSV's figures, values and previous values.
awk -F, 'NR > 1 && NF == 4 && $1 !~ /^#/ { print $1 "," ($2 == "" ? \
    "null" : $2) "," ($3 == "" ? "null" : $3) }' csv.csv >from.csv
awk '
	/^  "figures": \{/ { on = 1; next }
	/^  "previous_figures": \{/ { on = 2; next }
	/^  \}/ { on = 0 }
	on && /^    "/ {
		line = $0
		sub(/^    "/, "", line); sub(/,$/, "", line)
		split(line, kv, /": /)
		if (on == 1) { order[++n] = kv[1]; cur[kv[1]] = kv[2] }
		else prev[kv[1]] = kv[2]
	}
	END { for (i = 1; i <= n; i++)
		print order[i] "," cur[order[i]] "," prev[order[i]] }
' report.json >from.json
same from.json "--json and --csv: the same figures and numbers" <from.csv
is "$(wc -l <from.json)" 65 "65 figures"

# The table shows the same numbers, rounded for people.
grep -E '^(conversations|active_share|csat_avg|duration_p90|cost) ' \
    report.txt >got
same got "the table: the same numbers by unit" <<'EOF'
conversations                  6         2  +200.0%
active_share               33.3%      0.0%        -
duration_p90              8m 06s       57s  +749.7%
csat_avg                    3.50      4.00   -12.5%
cost                        1.50      0.00        -
EOF
grep -E '"(active_share|duration_p90|csat_avg)"' report.json | head -n 3 >got
same got "... of these" <<'EOF'
    "active_share": 0.333333333333,
    "duration_p90": 486,
    "csat_avg": 3.5,
EOF
tail -n 4 report.txt >got
same got "the table: the breakdown under its name" <<'EOF'
status
status  conversations  share
ended               4  0.6667
active              2  0.3333
EOF

if command -v jq >/dev/null 2>&1; then
	jq -c 'keys_unsorted' report.json >got
	same got "--json: the keys of kpis.md" <<'EOF'
["period","previous","figures","previous_figures","detail","breakdowns"]
EOF
	jq -c '[.period, .previous, .detail.handover_rate,
	    .breakdowns.status[0]]' report.json >got
	same got "--json: periods, a rate's detail, a breakdown's row" <<'EOF'
[{"since":"2026-11-13T00:00:00+00:00","until":"2026-11-20T00:00:00+00:00","tz":"UTC"},{"since":"2026-11-06T00:00:00+00:00","until":"2026-11-13T00:00:00+00:00","tz":"UTC"},{"value":0.5,"num":3,"den":6,"low":0.18761630498,"high":0.81238369502},{"status":"ended","conversations":4,"share":0.6667}]
EOF
	convo-stats --now $now --json --no-compare | jq -c keys_unsorted >got
	same got "--no-compare: no previous period in JSON" <<'EOF'
["period","figures","detail"]
EOF
	convo-stats --now $now --json --all | jq -c '.breakdowns | keys_unsorted' >got
	same got "--all: every breakdown" <<'EOF'
["traffic","trend","clicks","agents","sources","assistants","devices","browsers","countries","regions","cities","status","top_questions","top_not_understood","whatsapp_window"]
EOF
else
	for n in 1 2 3 4; do skip "--json checked by jq" "no jq"; done
fi

# On a terminal: sparklines for the trend, shades for the traffic, bars
# for shares, colour; none of them under NO_COLOR or on a pipe.
if command -v script >/dev/null 2>&1 &&
    script -qc true /dev/null >/dev/null 2>&1; then
	NO_COLOR= script -qc "convo-stats --now $now --show trend,status" \
	    /dev/null | tr -d '\r' >tty.out
	grep -E '^(conversations|users|messages) +[▁▂▃▄▅▆▇█]+$' tty.out >got
	same got "a terminal: the trend as sparklines" <<'EOF'
conversations ▅▅▅▁█▁▅
users         ███▁█▁█
messages      ▇█▇▁▇▁▂
EOF
	grep -c '^ended .*█████████████▍$' tty.out >got
	same got "a terminal: shares as bars" <<'EOF'
1
EOF
	script -qc "convo-stats --now $now --show trend,status" /dev/null |
	    tr -d '\r' >nocolor.out
	grep -c "$(printf '\033')\\|[▁█]" nocolor.out >got
	same got "NO_COLOR: no colour and no charts on a terminal" <<'EOF'
0
EOF
	NO_COLOR= script -qc "convo-stats --now $now --show status" \
	    /dev/null | grep -c "$(printf '\033\\[1mstatus')" >got
	same got "a terminal without NO_COLOR: colour" <<'EOF'
1
EOF
else
	for n in 1 2 3 4; do skip "terminal output" "no script(1)"; done
fi
grep -c '[▁█]' report.txt >got
same got "a pipe: no sparklines or bars" <<'EOF'
0
EOF

# --color always draws on a pipe too, never draws nothing on a terminal;
# auto (the default) on a pipe is the plain text, byte for byte.
run convo-stats --now $now --show traffic,trend,status --color always
status_is 0 "--color always: exit 0"
sed -n '/traffic/,/messages an hour/p' "$tmp/out" >got
same got "--color always: the traffic grid in shades, with its legend" <<'EOF'
[1mtraffic[0m
     00    03    06    09    12    15    18    21
Mon  · · · · · · · · · · · · · · · · · · · · · · · · 
Tue  · · · · · · · · ▒▒· · · · · · · · · · · ▓▓· · · 
Wed  · · · · · · · · · · · · · · · · · · · · · · · · 
Thu  · · · · · · · · · · · · · · · · · · · · · · · ▒▒
Fri  ▓▓· · · · · · · · · · · · · · · · · · · · · · · 
Sat  · · · · · · · · · · ██· · · · · · · · · · · · · 
Sun  · · · · · · · · · ██· · · · · · · · · · · · · · 
     · 0  ▒ 1  ▓ 2  █ 3 messages an hour
EOF
grep -E '^(conversations|users|messages) +[▁▂▃▄▅▆▇█]+$' "$tmp/out" >got
same got "--color always: the trend as sparklines" <<'EOF'
conversations ▅▅▅▁█▁▅
users         ███▁█▁█
messages      ▇█▇▁▇▁▂
EOF
run convo-stats --now $now --show traffic,trend,status
cp "$tmp/out" plain.txt
run convo-stats --now $now --show traffic,trend,status --color never
same "$tmp/out" "--color never: the plain text" <plain.txt
run convo-stats --now $now --show traffic,trend,status --color auto
same "$tmp/out" "--color auto on a pipe: the plain text" <plain.txt
grep -c '^Sat  *0  *0' plain.txt >got
same got "the plain text: the traffic as numbers" <<'EOF'
1
EOF
run convo-stats --color sometimes
status_is 64 "--color sometimes: usage error"
err_is "--color sometimes: the message" <<'EOF'
convo-stats: invalid --color 'sometimes' (auto, always or never)
try 'convo-stats --help'
EOF

done_testing
