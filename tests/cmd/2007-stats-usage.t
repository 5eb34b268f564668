#!/bin/sh
# convo-stats: --help, --version, usage errors (exit 64, the synopsis
# and a hint on stderr, nothing on stdout), a missing database (66), and
# breakdowns asked for by name.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

cat >usage <<'EOF'
usage: convo-stats [-h] [-d db] [--all] [--assistant name] [--baseline file]
                   [--by field] [--channel name] [--check expr] [--color when]
                   [--csv] [--explain figure] [--html] [--include-test] [--json]
                   [--min-sample n] [--no-compare] [--now time] [--period name]
                   [--reopen-window duration] [--show list] [--since time]
                   [--source name] [--status status] [--title text]
                   [--tolerance share] [--top n] [--tsv] [--tz zone]
                   [--until time] [--user token] [--version]
EOF

for opt in -h --help; do
	run convo-stats $opt
	status_is 0 "$opt: exit 0"
	sed '/^$/q' "$tmp/out" | sed '$d' >got
	same got "$opt: the synopsis on stdout" <usage
	err_is "$opt: nothing on stderr" </dev/null
done
run convo-stats --version
out_is "--version" <<'EOF'
convo-stats 0.1.0
EOF

# usage_error NAME ARGS...: exit 64, no output, a message and the hint.
usage_error() {
	name=$1
	shift
	run convo-stats "$@"
	status_is 64 "$name: exit 64"
	is "$(wc -c <"$tmp/out" | tr -d ' ')" 0 "$name: nothing on stdout"
	is "$(tail -n 1 "$tmp/err")" "try 'convo-stats --help'" \
	    "$name: the hint"
}
usage_error "an unknown option" --bogus
{ echo "convo-stats: unrecognized option '--bogus'"; cat usage;
    echo "try 'convo-stats --help'"; } >bogus.want
same "$tmp/err" "an unknown option: the synopsis" <bogus.want
usage_error "an argument" extra
usage_error "an unknown breakdown" --show trend,nothing
grep -c "unknown breakdown 'nothing' for --show" "$tmp/err" >got
same got "an unknown breakdown is named" <<'EOF'
1
EOF
usage_error "a bad status" --status open
usage_error "--source and --channel differ" --source api --channel whatsapp

# Checked numbers: exit 64 and what is expected.
run convo-stats --top 0
status_is 64 "--top 0: exit 64"
err_is "--top 0: the range" <<'EOF'
convo-stats: invalid top '0' (expected a whole number from 1 to 100000)
EOF
run convo-stats --reopen-window soon
status_is 64 "a bad --reopen-window: exit 64"

run convo-stats -d nowhere.db
status_is 66 "a missing database: exit 66"
err_is "a missing database is named" <<'EOF'
convo-stats: nowhere.db: No such file or directory
EOF
ok "$([ ! -e nowhere.db ]; echo $?)" "a missing database is not created"

# Every figure is defined in the page, and every breakdown named.
sed -n '/^\.Ss Figures/,/^\.Ss Breakdowns/p' "$top/man/convo-stats.1" |
    grep -E '^\.It Sy' | sed 's/\\$//' >page.figures
sed -n '/^\.It Sy csat_avg/{n;p;}' "$top/man/convo-stats.1" >>page.figures
sed -n '/^\.It Sy chats_only_positive/{n;p;}' "$top/man/convo-stats.1" \
    >>page.figures
sed -n '/^\.It Sy response_under_1m/{n;p;}' "$top/man/convo-stats.1" \
    >>page.figures
missing=
convo-import -q "$td/stats/previous.json"
for f in $(convo-stats --csv | tr -d '\r' | sed '1d' | cut -d, -f1); do
	grep -qw -- "$f" page.figures || missing="$missing $f"
done
is "$missing" "" "every figure has its definition in convo-stats(1)"
missing=
for b in $(convo-stats --json --all | jq -r '.breakdowns | keys[]' \
    2>/dev/null); do
	sed -n '/^\.Ss Breakdowns/,/^\.Ss Output/p' "$top/man/convo-stats.1" |
	    grep -qw -- "$b" || missing="$missing $b"
done
is "$missing" "" "every breakdown is named in convo-stats(1)"
rm -f "$CONVO_DB"

# Breakdowns by name, in the order asked for, --top rows each.
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json
run convo-stats --now 2026-11-20T12:00:00Z --show sources,status --top 2
status_is 0 "--show: exit 0"
sed -n '/^sources$/,$p' "$tmp/out" >got
same got "--show: each breakdown under its name, --top rows" <<'EOF'
sources
source      conversations  users
web_widget              4      3
api                     1      1

status
status  conversations  share
ended               4  0.6667
active              2  0.3333
EOF

done_testing
