#!/bin/sh
# convo-end-stale while imports write: many rounds of imports and runs
# of convo-end-stale in parallel processes.  No message is lost, nothing
# fails with "database is locked", no conversation with a message after
# the cutoff is left ended (an import that comes after the end reopens
# it), and every conversation idle past the cutoff is ended.  Also: a run
# waits for a write lock held by another process instead of failing.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
NOW=--now=2026-11-22T12:00:00Z
CUTOFF_MS=1795262400000		# 2026-11-21T12:00:00Z, now - 24 h
ROUNDS=20

# conv ID TS TEXT...: one conversation document with one message a text.
conv() {
	id=$1 ts=$2
	shift 2
	printf '{"id": "%s", "source": "web", "user": "u-%s", "messages": [' \
	    "$id" "$id"
	sep=
	for text in "$@"; do
		printf '%s{"ts": "%s", "role": "user", "text": "%s"}' "$sep" \
		    "$ts" "$text"
		sep=', '
	done
	printf ']}\n'
}

# bg NAME CMD...: runs CMD in the background; its stderr goes to
# NAME.err, and its exit status, if not 0, to failed.
bg() {
	name=$1
	shift
	{ "$@" >/dev/null 2>"$name.err" || echo "$name: $?" >>failed; } &
}

: >failed
messages=0
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# Ten conversations idle since two days, imported first.
	: >stale.jsonl
	for k in 0 1 2 3 4 5 6 7 8 9; do
		conv "r$r-$k" "2026-11-20T10:00:0${k}Z" "old $k" >>stale.jsonl
	done
	convo-import -q stale.jsonl || echo "stale import $r" >>failed
	messages=$((messages + 10))

	# Then, at the same time: new messages for four of them (one just
	# after the cutoff), for the previous round's conversation 9 (ended
	# by then; in round 1 a new one) and two new conversations, in two
	# imports; and three runs of end-stale.
	{
		conv "r$r-0" 2026-11-22T11:00:00Z "new a" "new b"
		conv "r$r-1" 2026-11-22T11:00:01Z "new"
		conv "n$r-a" 2026-11-22T11:00:02Z "hello"
	} >fresh-a.jsonl
	{
		conv "r$r-2" 2026-11-22T11:30:00Z "new"
		conv "r$r-3" 2026-11-21T12:00:01Z "just after the cutoff"
		conv "r$((r - 1))-9" 2026-11-22T11:59:00Z "back again"
		conv "n$r-b" 2026-11-22T11:59:59Z "hi"
	} >fresh-b.jsonl
	messages=$((messages + 8))
	bg "import-a-$r" convo-import -q fresh-a.jsonl
	bg "end-1-$r" convo-end-stale -q "$NOW"
	bg "import-b-$r" convo-import -q fresh-b.jsonl
	bg "end-2-$r" convo-end-stale "$NOW" --json
	bg "end-3-$r" convo-end-stale "$NOW" --dry-run --stats
	wait
	r=$((r + 1))
done
cat ./*.err >all.err
same all.err "no process printed a diagnostic (no 'database is locked')" \
    </dev/null
same failed "every process exited 0" </dev/null
is "$(sql 'SELECT count(*) FROM message')" "$messages" \
    "no message was lost: $messages imported, all stored"
is "$(sql "SELECT count(*) FROM conversation c WHERE status = 'ended'
    AND (SELECT max(ts) FROM message WHERE conversation_id = c.id)
    >= $CUTOFF_MS")" 0 \
    "no conversation with a message after the cutoff is ended"
is "$(sql "SELECT count(*) FROM conversation c WHERE status = 'active'
    AND (SELECT max(ts) FROM message WHERE conversation_id = c.id)
    < $CUTOFF_MS")" 0 \
    "every conversation idle past the cutoff is ended"
is "$(sql "SELECT count(*) FROM conversation WHERE status = 'active'")" \
    "$((ROUNDS * 7))" \
    "active: per round 4 extended, 1 reopened and 2 new"
is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"

# A run waits while another process holds the write lock, then ends.
conv late 2026-11-01T10:00:00Z "forgotten" >late.jsonl
convo-import -q late.jsonl
sqlite3 "$CONVO_DB" "BEGIN IMMEDIATE" ".shell sleep 1" "COMMIT" &
sleep 0.3
run convo-end-stale "$NOW"
wait
status_is 0 "a run waits for a write lock held for a second"
err_is "a run that waited prints nothing on stderr" </dev/null
out_is "a run that waited ends what is stale" <<EOF
ended 1 conversation, $((ROUNDS * 7)) still active
EOF

done_testing
