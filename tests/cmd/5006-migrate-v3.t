#!/bin/sh
# Schema version 3 (message_ts covers convo-stats' message queries): a
# version-2 database is migrated when a command opens it, its rows kept
# and its figures unchanged, and its schema is then that of a new
# database.  The version-2 database is a new one taken back: its only
# difference is the index message_ts on (ts, role).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# Tables and indexes as created, sorted.
schema() {
	sqlite3 -batch "$1" "SELECT type, name, sql FROM sqlite_schema
	    WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
}
index_columns() {
	sqlite3 -batch "$1" "SELECT group_concat(name, ',') FROM (SELECT name
	    FROM pragma_index_info('message_ts') ORDER BY seqno)"
}
to_v2() {
	sqlite3 -batch "$1" "DROP INDEX message_ts;
	    CREATE INDEX message_ts ON message (ts, role);
	    PRAGMA user_version = 2"
}
stats() {
	convo-stats -d "$1" --period all --all --json --now 2026-11-22T00:00:00Z
}

convo-import -q -d new.db "$td"/sample/*
is "$(sqlite3 new.db 'PRAGMA user_version')" 3 "a new database is version 3"
is "$(index_columns new.db)" \
	"ts,role,conversation_id,not_understood,fallback,feedback,click_type,agent,click_title,click_target" \
	"  its message_ts covers the message queries"
stats new.db >want.json
sqlite3 -batch new.db "SELECT * FROM message ORDER BY id" >want.messages

convo-import -q "$td"/sample/*
to_v2 "$CONVO_DB"
is "$(sql 'PRAGMA user_version')" 2 "the fixture is a version-2 database"
is "$(index_columns "$CONVO_DB")" "ts,role" "  with message_ts on (ts, role)"
counts >want.counts

run convo-stats --period all --all --json --now 2026-11-22T00:00:00Z
status_is 0 "convo-stats on a version-2 database: exit 0"
same "$tmp/out" "  the same figures as on a new database" <want.json
err_is "  nothing on stderr" </dev/null
is "$(sql 'PRAGMA user_version')" 3 "the database is now version 3"
is "$(index_columns "$CONVO_DB")" "$(index_columns new.db)" \
	"  message_ts has the new columns"
schema "$CONVO_DB" >migrated.schema
schema new.db >new.schema
same migrated.schema "  the migrated schema is that of a new database" \
	<new.schema
counts >got.counts
same got.counts "  every row is kept" <want.counts
sql "SELECT * FROM message ORDER BY id" >got.messages
same got.messages "  and every message is unchanged" <want.messages

# The message figures of a period read the index alone.
is "$(sql "EXPLAIN QUERY PLAN SELECT count(*), sum(role = 'user' AND
	click_type IS NULL AND not_understood = 0), sum(fallback = 1),
	sum(feedback = 'up') FROM message WHERE ts >= 0 AND ts < 1
	AND role <> 'system'" | grep -c 'COVERING INDEX message_ts')" 1 \
	"  the message figures are read from the covering index"

# A migration that fails leaves version 2 as it was: here message_ts was
# dropped by hand, so DROP INDEX fails.
rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
convo-import -q "$td"/sample/*
to_v2 "$CONVO_DB"
sql "DROP INDEX message_ts"
dump >before.sql
run convo-list --ids
status_is 73 "a failed migration: exit 73"
out_is "a failed migration: nothing listed" </dev/null
dump >after.sql
same after.sql "a failed migration: the database is as it was" <before.sql
is "$(sql 'PRAGMA user_version')" 2 "  still version 2"

done_testing
