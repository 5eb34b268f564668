#!/bin/sh
# convo-end-stale killed in the middle: a run is one transaction, so a
# run stopped by SIGTERM or kill -9 at any moment leaves the database
# with all of its changes or none, and intact; the summary line, when it
# got printed, matches what was stored; and the next run finishes the
# work, leaving the database as a run never interrupted does.  Killed
# with the write lock held, on 200,000 conversations, so that a run
# takes long enough to be caught with its transaction open; then with
# SIGKILL at 50 or more random moments, on 10,000, the moments drawn
# from a seed printed as a TAP comment (CONVO_KILL_SEED draws them
# again).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
NOW=--now=2026-11-22T12:00:00Z
NOW_MS=1795348800000
CUTOFF_MS=1795262400000		# now - 24 h

# One imported conversation gives the schema and a user.
cat >one.json <<'EOF'
{"id": "c1", "source": "web", "user": "u1", "messages": [
 {"ts": "2026-11-22T11:00:00Z", "role": "user", "text": "Hi"}]}
EOF
convo-import -q one.json || exit 1
cp "$CONVO_DB" empty.db

# build N: base.db with the one imported conversation and N more, every
# other one idle past the cutoff.
build() {
	rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
	cp empty.db "$CONVO_DB"
	sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < $1)
	    INSERT INTO conversation (ext_id, source, user_id, started_at,
	    last_activity_at) SELECT 'g' || i, 'web', 1,
	    $CUTOFF_MS - 3600000 + (i % 2) * 7200000 - i,
	    $CUTOFF_MS - 3600000 + (i % 2) * 7200000 - i FROM n" || exit 1
	cp "$CONVO_DB" base.db
	STALE=$(($1 / 2))
	FRESH=$(($1 / 2 + 1))
}
build 200000

# What the database holds: conversations ended as stale at now, and the
# fresh ones still active.
ended() {
	sql "SELECT count(*) FROM conversation WHERE status = 'ended'
	    AND end_reason = 'stale' AND ended_at = $NOW_MS"
}
check() {	# check NAME LOG: all or nothing, intact, LOG agrees
	n=$(ended)
	case $n in 0|$STALE) ok 0 "$1: all or nothing ($n ended)" ;;
	*) ok 1 "$1: all or nothing ($n ended)" ;;
	esac
	is "$(sql "SELECT count(*) FROM conversation WHERE status =
	    'active' AND last_activity_at >= $CUTOFF_MS")" "$FRESH" \
	    "$1: no fresh conversation ended"
	is "$(sql 'PRAGMA integrity_check')" ok "$1: the database is intact"
	if [ -s "$2" ]; then
		is "$(cat "$2")" "ended $n conversations, $FRESH still active" \
		    "$1: the summary printed matches the database"
	else
		ok 0 "$1: no summary printed"
	fi
	run convo-end-stale "$NOW"
	out_is "$1: the next run ends the rest" <<EOF
ended $((STALE - n)) conversations, $FRESH still active
EOF
	is "$(ended)" "$STALE" "$1: all stale ones are ended"
}

# restart: the database as built, and a run started in the background.
restart() {
	kill_setup
	# Not checked for leaks: a kill during the check leaves a report.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	    convo-end-stale "$NOW" >log 2>err &
	pid=$!
}

# Killed while it holds the write lock: polls until another writer
# cannot get in, then kills at once.  (A run that has finished counts as
# a run that was not caught.)
caught=0
for sig in KILL TERM KILL; do
	restart
	i=0
	while [ $i -lt 500 ]; do
		if ! sqlite3 "$CONVO_DB" "BEGIN IMMEDIATE" "ROLLBACK" \
		    2>/dev/null; then
			kill -$sig $pid 2>/dev/null
			break
		fi
		kill -0 $pid 2>/dev/null || break
		i=$((i + 1))
	done
	wait $pid
	[ "$(ended)" -eq 0 ] && caught=$((caught + 1))
	check "SIG$sig with the lock held" log
done
ok $((caught == 0)) "at least one run was killed with its transaction open"

# Killed with SIGKILL at random moments, on 10,000 conversations; after
# the next run, the database is that of a run never interrupted.
build 10000
t0=$(now_ms)
convo-end-stale -q "$NOW" || exit 1
kill_ms=$(($(now_ms) - t0))
dump >after.sql
kill_check() {
	check "$1" "$tmp/kill.out"
	dump >got.sql
	same got.sql "$1: then the database of an uninterrupted run" \
	    <after.sql
}
kill_random 50 convo-end-stale "$NOW"

done_testing
