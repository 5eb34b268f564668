#!/bin/sh
# convo-delete killed with SIGKILL at random moments, at least 50 times:
# a run is one transaction, so after each kill the database is intact and
# is exactly the database of before or that of after, conversations,
# messages, users, rollups and the log row alike; and the next run
# leaves it exactly as a run never interrupted does.  The moments are
# drawn from a seed printed as a TAP comment (CONVO_KILL_SEED draws them
# again).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
NOW=--now=2026-11-02T06:00:00Z

# 1,000 generated conversations over eight weeks; the retention policy
# of 14 days deletes 441 of them.
"$top/tests/gen/gen" 1000 9 . >/dev/null || exit 1
convo-import -q gen.jsonl || exit 1
cp "$CONVO_DB" base.db
dump >before.sql
t0=$(now_ms)
run convo-delete --older-than 14 "$NOW"
kill_ms=$(($(now_ms) - t0))
status_is 0 "the uninterrupted run exits 0"
out_is "the uninterrupted run deletes 441 conversations" <<'EOF'
deleted 441 conversations, 4040 messages and 284 users
EOF
dump >after.sql

# The database as the kill left it, then the next run.
gone=0
kept=0
kill_check() {
	is "$(sql 'PRAGMA integrity_check')" ok "$1: the database is intact"
	dump >got.sql
	if cmp -s got.sql before.sql; then
		kept=$((kept + 1))
		ok 0 "$1: the database of before"
		want="deleted 441 conversations, 4040 messages and 284 users"
	elif cmp -s got.sql after.sql; then
		gone=$((gone + 1))
		ok 0 "$1: the database of after"
		want="deleted 0 conversations, 0 messages and 0 users"
	else
		ok 1 "$1: the database of before or of after"
		diff before.sql got.sql | head -n 20 | sed 's/^/# /'
	fi
	if [ -s "$tmp/kill.out" ]; then
		is "$(cat "$tmp/kill.out")" \
		    "deleted 441 conversations, 4040 messages and 284 users" \
		    "$1: the summary printed is what was stored"
	fi
	run convo-delete --older-than 14 "$NOW"
	is "$(cat "$tmp/out")" "$want" "$1: the next run deletes the rest"
	dump >got.sql
	same got.sql "$1: then the database of an uninterrupted run" \
	    <after.sql
}

kill_random 50 convo-delete --older-than 14 "$NOW"
echo "# $kept runs left the database of before, $gone that of after"

done_testing
