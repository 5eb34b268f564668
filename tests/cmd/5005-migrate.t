#!/bin/sh
# Schema version 2 (the table forgotten, the deletion counts of the import
# log): a version-1 database (testdata/db/v1.sql, written by convo 0.1.0)
# is migrated when a command opens it (now on to version 4, see
# 5006-migrate-v3.t and 5007-migrate-v4.t), its data kept, and a new
# database is created at the latest version directly with the same schema.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# The schema without its version: tables, columns, indexes, sorted.
schema() {
	sqlite3 -batch "$1" "SELECT m.type, m.name, p.name, p.type, p.\"notnull\",
	    p.dflt_value FROM sqlite_schema m LEFT JOIN pragma_table_info(m.name) p
	    WHERE m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2, 3"
}

sqlite3 -batch "$CONVO_DB" <"$td/db/v1.sql"
is "$(sql 'PRAGMA user_version')" 1 "the fixture is a version-1 database"
is "$(sql "SELECT count(*) FROM sqlite_schema WHERE name = 'forgotten'")" 0 \
	"  without the table forgotten"
dump >v1.sql

# convo-list reads it, and migrates it first.
run convo-list --ids
status_is 0 "convo-list on a version-1 database: exit 0"
out_is "convo-list lists its conversation" <<'EOF'
L1
EOF
err_is "convo-list: nothing on stderr" </dev/null
is "$(sql 'PRAGMA user_version')" 4 "the database is now version 4"
is "$(sql "SELECT count(*) FROM sqlite_schema WHERE name IN ('forgotten',
	'forgotten_id', 'event_message')")" 3 "  with forgotten and its indexes"
is "$(sql "SELECT conversations_deleted, messages_deleted, users_deleted,
	conversations_forgotten, file FROM import")" "0|0|0|0|one.json" \
	"  the old import row has the new columns, 0"
sqlite3 -batch v1.db <"$td/db/v1.sql"
v1_columns=$(sqlite3 -batch v1.db "SELECT group_concat(name, ', ')
	FROM pragma_table_info('conversation')")
sql "SELECT $v1_columns FROM conversation" >got.conversation
sqlite3 -batch v1.db "SELECT * FROM conversation" >want.conversation
same got.conversation "  its conversation is unchanged" <want.conversation
is "$(counts)" "1 3 1 0 0 0" "  and every row is kept"

# The migrated schema is the schema of a new database.
convo-import -q -d new.db "$td/list/previews.json"
is "$(sqlite3 new.db 'PRAGMA user_version')" 4 "a new database is version 4"
schema "$CONVO_DB" >migrated.schema
schema new.db >new.schema
same migrated.schema "the migrated schema is that of a new database" \
	<new.schema

# What needs version 2 works on the migrated database.
run convo-delete --forget-forever L1
status_is 0 "convo-delete --forget-forever on the migrated database"
out_is "  deletes and forgets" <<'EOF'
deleted 1 conversation, 3 messages and 1 user, and forgot 1 conversation forever
EOF
convo-import -q "$td/list/conversations.json"
is "$(sql "SELECT count(*) FROM conversation WHERE ext_id = 'L1'")" 0 \
	"  and the importer skips the forgotten conversation"

# A migration that fails leaves version 1 as it was: here the table
# forgotten exists already (made by hand), so CREATE TABLE fails.
rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
sqlite3 -batch "$CONVO_DB" <"$td/db/v1.sql"
sql "CREATE TABLE forgotten (x)"
dump >before.sql
run convo-list --ids
status_is 73 "a failed migration: exit 73"
out_is "a failed migration: nothing listed" </dev/null
dump >after.sql
same after.sql "a failed migration: the database is as it was" <before.sql

# A database newer than this convo is refused.
rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
sqlite3 -batch "$CONVO_DB" <"$td/db/v1.sql"
sql 'PRAGMA user_version = 5'
run convo-list
status_is 73 "a version-5 database: exit 73"
err_is "a version-5 database: upgrade convo" <<EOF
convo-list: $CONVO_DB: database schema version 5 is newer than this convo's (4): upgrade convo
EOF
run convo-delete --user v-ana
status_is 73 "convo-delete refuses it too"

done_testing
