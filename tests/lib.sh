# tests/lib.sh: helpers for the command tests (tests/cmd/*.t), sourced by
# each: TAP output, a scratch directory with its own database, and checks
# of standard output, standard error and exit status.

top=${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
td=$top/testdata
PATH=$top/cmd:$PATH
mkdir -p "$top/tests/tmp"
tmp=$(mktemp -d "$top/tests/tmp/t.XXXXXX")
CONVO_DB=$tmp/convo.db
TZ=UTC
NO_COLOR=1
LC_ALL=C
export PATH CONVO_DB TZ NO_COLOR LC_ALL
tap_n=0
tap_failed=0

# The checks below count in the shell that runs them: never call one in
# a pipeline ("... | out_is NAME"), whose subshell would lose the count;
# redirect from a file instead.

# ok STATUS NAME: one TAP line; STATUS 0 passes.  (printf, not echo: some
# shells' echo would turn a backslash in NAME into a control character.)
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$tap_n" "$2"
	else
		printf 'not ok %d - %s\n' "$tap_n" "$2"
		tap_failed=$((tap_failed + 1))
	fi
}

# run CMD...: runs a command; keeps $tmp/out, $tmp/err and $status.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		# Every line a comment, so that no line of a value reads as TAP.
		printf '%s\n' "$1" | sed '1s/^/#   got:  /; 1!s/^/#         /'
		printf '%s\n' "$2" | sed '1s/^/#   want: /; 1!s/^/#         /'
	fi
}

# Compares FILE with the text on standard input.
same() {
	cat >"$tmp/want"
	if diff -u "$tmp/want" "$1" >"$tmp/diff"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		sed 's/^/# /' "$tmp/diff"
	fi
}

# out_is NAME <<EOF ...: standard output of the last run, exactly.
out_is() { same "$tmp/out" "$1"; }
# err_is NAME <<EOF ...: standard error of the last run, exactly.
err_is() { same "$tmp/err" "$1"; }
# status_is CODE NAME
status_is() { is "$status" "$1" "$2"; }

# Standard output with the timing of a summary line replaced by "T".
out_timeless() {
	sed 's/, [0-9][0-9]*\.[0-9][0-9] s$/, T s/' "$tmp/out" >"$tmp/out.t"
	same "$tmp/out.t" "$1"
}

# sql QUERY: runs a query on the test database.
sql() { sqlite3 -batch "$CONVO_DB" "$@"; }

# Everything in the database as SQL text, to compare before and after.
dump() { sqlite3 -batch "$CONVO_DB" .dump; }
# The tables and indexes of database $1 as created, sorted.
schema_sql() {
	sqlite3 -batch "$1" "SELECT type, name, sql FROM sqlite_schema
	    WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
}

# Row counts of every table, in one line.
counts() {
	sql "SELECT (SELECT count(*) FROM conversation) || ' ' ||
	    (SELECT count(*) FROM message) || ' ' ||
	    (SELECT count(*) FROM user) || ' ' ||
	    (SELECT count(*) FROM event) || ' ' ||
	    (SELECT count(*) FROM lead) || ' ' ||
	    (SELECT count(*) FROM variable)"
}

# imports_as_folder FILE...: imports each file (a path under testdata/,
# the current directory) into $CONVO_DB and checks that the import log
# names its folder's format (the samples: json or events by name), so a
# platform adapter is shown to take none of them.
imports_as_folder() {
	for f; do
		run convo-import -q "$f"
		case $f in
		sample/shop*) want=json ;;
		sample/live*) want=events ;;
		*) want=${f%%/*} ;;
		esac
		is "$(sql "SELECT format FROM import ORDER BY id DESC LIMIT 1")" \
		    "$want" "$f: imported as $want"
	done
}

# now_ms: the clock in milliseconds.
now_ms() { date +%s%3N; }

# Before each run of kill_random: the database as the test left it in
# base.db, without a WAL.  A test may define its own.
kill_setup() {
	rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
	cp base.db "$CONVO_DB"
}

# kill_random N CMD...: the crash tests' loop.  Runs CMD again and again
# and kills it with SIGKILL at a moment drawn at random, until N runs were
# caught alive (or 4N runs went by).  Before each run it calls kill_setup,
# after it kill_check NAME, with what the run printed in $tmp/kill.out
# and $tmp/kill.err.  The moments come from the seed
# $CONVO_KILL_SEED, else a new one, printed as a TAP comment so that a
# failure can be drawn again.  They spread over 1.5 times the run's
# expected length, $kill_ms (set by the test), which shrinks by 15% when
# a run finishes before its kill and grows by 2% when one is caught: about
# one run in nine then finishes, and the others die anywhere in their
# work, whatever the speed of the machine or the build.
kill_random() {
	kill_want=$1
	shift
	kill_seed=${CONVO_KILL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	echo "# kill moments drawn from seed $kill_seed" \
	    "(CONVO_KILL_SEED=$kill_seed draws them again)"
	awk -v seed="$kill_seed" -v n=$((kill_want * 4)) \
	    'BEGIN { srand(seed); for (i = 0; i < n; i++) print rand() }' \
	    >"$tmp/kill.draws"
	kill_runs=0
	kill_caught=0
	while [ "$kill_caught" -lt "$kill_want" ] && read -r kill_f <&3; do
		kill_at=$(awk -v f="$kill_f" -v ms="$kill_ms" \
		    'BEGIN { printf "%.3f", f * 1.5 * ms / 1000 }')
		kill_setup
		# A run killed while LeakSanitizer stops its threads at exit
		# leaves a report of its own ("Unable to get registers"):
		# what is killed is not checked for leaks.
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		    "$@" >"$tmp/kill.out" 2>"$tmp/kill.err" </dev/null &
		kill_pid=$!
		sleep "$kill_at"
		kill -KILL "$kill_pid" 2>/dev/null
		wait "$kill_pid" 2>/dev/null	# no "Killed" from the shell
		kill_status=$?
		kill_runs=$((kill_runs + 1))
		case $kill_status in
		137)	kill_caught=$((kill_caught + 1))
			kill_ms=$(awk -v ms="$kill_ms" 'BEGIN { print ms * 1.02 }')
			kill_check "run $kill_runs, killed at ${kill_at}s" ;;
		0)	kill_ms=$(awk -v ms="$kill_ms" 'BEGIN { print ms * 0.85 }')
			kill_check "run $kill_runs, done before ${kill_at}s" ;;
		*)	ok 1 "run $kill_runs exited $kill_status by itself"
			sed 's/^/# /' "$tmp/kill.err" ;;
		esac
	done 3<"$tmp/kill.draws"
	kill_what="$kill_caught of $kill_runs runs killed at random moments"
	ok $((kill_caught < kill_want)) "$kill_what (at least $kill_want)"
}

done_testing() {
	echo "1..$tap_n"
	rm -rf "$tmp"
	[ "$tap_failed" -eq 0 ]
}
