#!/bin/sh
# Schema version 3 (message_ts covered convo-stats' message queries): a
# version-2 database is migrated when a command opens it (through version
# 3 on to version 4, see 5007-migrate-v4.t), its rows kept and its figures
# unchanged, and its schema is then that of a new database.  The version-2
# database is a new one taken back: without the rollups of version 4 and
# with the index message_ts on (ts, role) alone.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

index_columns() {
	sqlite3 -batch "$1" "SELECT group_concat(name, ',') FROM (SELECT name
	    FROM pragma_index_info('message_ts') ORDER BY seqno)"
}
# Versions 4 and 3 undone.
to_v2() {
	sqlite3 -batch "$1" "DROP TABLE activity;
	    DROP INDEX message_click; DROP INDEX message_agent;
	    DROP INDEX message_not_understood; DROP INDEX conversation_whatsapp;
	    DROP INDEX lead_created;
	    CREATE INDEX lead_created ON lead (created_at);
	    ALTER TABLE conversation DROP COLUMN opening_key;
	    CREATE INDEX message_ts ON message (ts, role);
	    PRAGMA user_version = 2"
}
stats() {
	convo-stats -d "$1" --period all --all --json --now 2026-11-22T00:00:00Z
}

convo-import -q -d new.db "$td"/sample/*
is "$(sqlite3 new.db 'PRAGMA user_version')" 4 "a new database is version 4"
is "$(index_columns new.db)" "" "  it has no message_ts"
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
is "$(sql 'PRAGMA user_version')" 4 "the database is now version 4"
is "$(index_columns "$CONVO_DB")" "" "  message_ts came and went"
schema_sql "$CONVO_DB" >migrated.schema
schema_sql new.db >new.schema
same migrated.schema "  the migrated schema is that of a new database" \
	<new.schema
counts >got.counts
same got.counts "  every row is kept" <want.counts
sql "SELECT * FROM message ORDER BY id" >got.messages
same got.messages "  and every message is unchanged" <want.messages

# A migration that fails leaves version 2 as it was: here message_ts was
# dropped by hand, so version 3's DROP INDEX fails.
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
