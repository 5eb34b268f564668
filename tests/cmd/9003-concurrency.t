#!/bin/sh
# Commands at the same time: two imports creating a new database, then
# 100 rounds in each of which two imports of different files,
# convo-end-stale and convo-stats run at once.  No
# command fails or prints anything on stderr (no "database is locked"),
# no message is lost, every convo-stats sees between the conversations
# of before its round and those of after, and the final figures and rows
# are exactly those of a serial run: every file imported one after
# another, then convo-end-stale.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
ROUNDS=100
NOW=--now=2026-11-02T06:00:00Z

# 606 generated conversations (users come back across files) in 202
# files of 3: two to create the database at once, then files a and b of
# each round.
"$top/tests/gen/gen" 606 11 . >count || exit 1
split -a 3 -l 3 gen.jsonl part.
set -- part.*
is "$#" 202 "202 files of 3 conversations"
stats() { convo-stats --json --period all "$NOW"; }

# The serial run, in its own database.
convo-import -q -d serial.db part.* || exit 1
convo-end-stale -q -d serial.db "$NOW" || exit 1
CONVO_DB=serial.db stats >serial.json
CONVO_DB=serial.db counts >serial.counts

# A command that opens a new database while another creates its schema
# finds version 0, waits for the write lock, then finds the schema made:
# it must use it, not refuse it as a foreign database.  Here sqlite3
# creates the schema (serial.db's, with its version) and
# holds the lock for a second.
v=$(sqlite3 serial.db 'PRAGMA user_version')
sqlite3 serial.db .schema | grep -v sqlite_sequence >schema.sql
sqlite3 new.db "BEGIN IMMEDIATE" ".read schema.sql" \
    "PRAGMA user_version = $v" ".shell sleep 1" "COMMIT" &
i=0
while [ ! -e new.db-journal ] && [ $i -lt 500 ]; do
	sleep 0.01
	i=$((i + 1))
done
run convo-import -q -d new.db "$1"
wait
status_is 0 "an import waits while another creates the database"
err_is "an import that waited for the schema: no diagnostic" </dev/null
is "$(sqlite3 new.db 'SELECT count(*) FROM conversation')" 3 \
    "an import that waited for the schema stores its file"

# The same race for real: the first two files imported at once into a
# database that does not exist yet.
{ convo-import -q "$1" 2>&1 || echo "exit $?"; } >create-a.log &
{ convo-import -q "$2" 2>&1 || echo "exit $?"; } >create-b.log &
wait
cat create-a.log create-b.log >create.log
same create.log "two imports that create the database at once succeed" \
    </dev/null
shift 2

# bg NAME CMD...: runs CMD in the background; its stdout goes to
# NAME.out, its stderr to NAME.err, and its exit status, if not 0, to
# failed.
bg() {
	name=$1
	shift
	{ "$@" >"$name.out" 2>"$name.err" || echo "$name: $?" >>failed; } &
}

: >failed
: >outside
r=1
before=$(sql "SELECT count(*) FROM conversation WHERE source <> 'test_chat'")
while [ "$r" -le "$ROUNDS" ]; do
	bg "import-a-$r" convo-import -q "$1"
	bg "end-stale-$r" convo-end-stale -q "$NOW"
	bg "import-b-$r" convo-import -q "$2"
	bg "stats-$r" stats
	wait
	shift 2
	# The conversations convo-stats counts: all but test traffic.
	after=$(sql "SELECT count(*) FROM conversation
	    WHERE source <> 'test_chat'")
	seen=$(sed -n 's/^ *"conversations": \([0-9]*\),$/\1/p' "stats-$r.out")
	[ "$seen" -ge "$before" ] && [ "$seen" -le "$after" ] ||
	    echo "round $r: stats saw $seen, not $before to $after" >>outside
	before=$after
	r=$((r + 1))
done
convo-end-stale -q "$NOW"
cat ./*.err >all.err
same all.err "no command printed a diagnostic (no 'database is locked')" \
    </dev/null
same failed "every command exited 0" </dev/null
same outside "every convo-stats saw the database between two transactions" \
    </dev/null
is "$(sql 'SELECT count(*) FROM message')" \
    "$(sed 's/.* conversations, \([0-9]*\) messages.*/\1/' count)" \
    "no message was lost: all generated, all stored"
stats >got.json
same got.json "the figures of a serial run" <serial.json
counts >got.counts
same got.counts "the rows of a serial run" <serial.counts
is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"

done_testing
