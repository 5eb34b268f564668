#!/bin/sh
# convo-import killed with SIGKILL at random moments, at least 50 times:
# one file is one transaction, so after each kill the database is intact
# and holds either all of the file or nothing of it, with the figures of
# before or of after; and importing the file again gives exactly the
# figures of an import that was never interrupted.  The moments are drawn
# from a seed printed as a TAP comment (CONVO_KILL_SEED draws them again).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
KILLS=50

# 400 generated conversations: the first 100 are in the database before,
# the other 300 are the file that is imported and killed.
"$top/tests/gen/gen" 400 3 . >/dev/null || exit 1
head -n 100 gen.jsonl >base.jsonl
sed 1,100d gen.jsonl >file.jsonl
convo-import -q base.jsonl || exit 1
# The figures of all time, with "now" fixed: they cannot move while
# the test runs.
stats() { convo-stats --json --period all --now=2026-11-02T06:00:00Z; }
stats >before.json
cp "$CONVO_DB" base.db
B=$(sql 'SELECT count(*) FROM conversation')

# The uninterrupted import, timed; its figures and summary are the
# reference.
t0=$(now_ms)
run convo-import file.jsonl
kill_ms=$(($(now_ms) - t0))
status_is 0 "the uninterrupted import exits 0"
out_timeless "the uninterrupted import: 300 new conversations" <<'EOF'
imported 1 file: 300 new and 0 updated conversations, 2946 new messages, 0 skipped records, T s
EOF
stats >after.json
F=$(sql 'SELECT count(*) FROM conversation')
counts >after.counts
is "$B $F" "100 400" "100 conversations before the file, 400 after"

# The database as the kill left it, then the import run again.
absent=0
present=0
kill_check() {
	set -- "$1" $(sql 'PRAGMA integrity_check;
	    SELECT count(*) FROM conversation')
	is "$2" ok "$1: the database is intact"
	stats >got.json
	case $3 in
	"$B")	absent=$((absent + 1))
		ok 0 "$1: nothing of the file"
		same got.json "$1: the figures of before" <before.json
		summary="300 new and 0 updated conversations, 2946 new messages" ;;
	"$F")	present=$((present + 1))
		ok 0 "$1: all of the file"
		same got.json "$1: the figures of after" <after.json
		summary="0 new and 0 updated conversations, 0 new messages" ;;
	*)	ok 1 "$1: all of the file or nothing ($3 conversations)" ;;
	esac
	run convo-import file.jsonl
	out_timeless "$1: the import run again stores what is missing" <<EOF
imported 1 file: $summary, 0 skipped records, T s
EOF
	stats >got.json
	counts >got.counts
	same got.json "$1: then the figures of an uninterrupted import" \
	    <after.json
	same got.counts "$1: and the same rows" <after.counts
}

kill_random "$KILLS" convo-import -q file.jsonl
echo "# $absent runs left nothing of the file, $present all of it"

done_testing
