/*
 * store.c: opening and closing the database: WAL mode, foreign keys, a
 * busy timeout, the schema version check and migrations; shared helpers
 * for the other store files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"

int
store_fail(struct convo_store *st, int rc, const char *what)
{
	snprintf(st->dbmsg, sizeof(st->dbmsg), "%s",
	    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", what, st->dbmsg);
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CONVO_EBUSY :
	    rc == SQLITE_NOMEM ? CONVO_ENOMEM : CONVO_EDB;
}

int
store_prepare(struct convo_store *st, sqlite3_stmt **out, const char *sql)
{
	int rc;

	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    out, NULL);
	if (rc != SQLITE_OK) {
		*out = NULL;
		return store_fail(st, rc, "cannot prepare a statement");
	}
	return 0;
}

int
store_exec(struct convo_store *st, const char *sql)
{
	int rc;

	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "database error");
	return 0;
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int
store_bind_int(sqlite3_stmt *s, int i, int64_t v, int64_t none)
{
	if (v == none)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_int64(s, i, v);
}

int
store_bind_double(sqlite3_stmt *s, int i, double v, int has)
{
	return has ? sqlite3_bind_double(s, i, v) : sqlite3_bind_null(s, i);
}

int
store_step_done(struct convo_store *st, sqlite3_stmt *s)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "database error");
	return 0;
}

int
store_query_int(struct convo_store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(st, &s, sql)) != 0)
		return rc;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the database");
	return 0;
}

/*
 * Brings the schema up to date in one transaction.  A version-0 database
 * with tables of its own is not ours and is left alone.
 */
static int
migrate(struct convo_store *st)
{
	int64_t version, tables;
	int rc, v, latest = convo_store_schema_version();
	char pragma[64];

	if ((rc = store_query_int(st, "PRAGMA user_version", &version)) != 0)
		return rc;
	if (version > latest) {
		snprintf(st->errmsg, sizeof(st->errmsg), "database schema "
		    "version %lld is newer than this convo's (%d): upgrade "
		    "convo", (long long)version, latest);
		return CONVO_ESCHEMA;
	}
	if (version == latest)
		return 0;
	if ((rc = store_exec(st, "BEGIN IMMEDIATE")) != 0)
		return rc;
	rc = store_query_int(st, "SELECT count(*) FROM sqlite_schema", &tables);
	if (rc == 0 && version == 0 && tables > 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "not a convo "
		    "database: it has tables but no convo schema version");
		rc = CONVO_ESCHEMA;
	}
	for (v = (int)version; rc == 0 && v < latest; v++)
		rc = store_exec(st, store_migration(v));
	if (rc == 0) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    latest);
		rc = store_exec(st, pragma);
	}
	if (rc == 0)
		return store_exec(st, "COMMIT");
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
configure(struct convo_store *st, int busy_ms)
{
	int rc;

	sqlite3_busy_timeout(st->db, busy_ms);
	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = store_exec(st, "PRAGMA foreign_keys = ON")) != 0 ||
	    (rc = store_functions(st)) != 0 ||
	    (rc = store_period_functions(st)) != 0)
		return rc;
	/*
	 * A bounded page cache of 32 MiB: memory stays flat, under 64 MB for
	 * any import.  Imports mostly append (new rows, and index keys that
	 * grow with time and conversation id), so a larger cache buys them
	 * nothing.
	 */
	return store_exec(st, "PRAGMA cache_size = -32768");
}

/*
 * WAL mode lets readers go on while an import writes.  It is set once the
 * schema is known to be ours: a database that is refused is left exactly
 * as it was, header included.
 */
static int
use_wal(struct convo_store *st)
{
	int rc;

	if ((rc = store_exec(st, "PRAGMA journal_mode = WAL")) != 0)
		return rc;
	return store_exec(st, "PRAGMA synchronous = NORMAL");
}

/* Opens and prepares the database; on failure st->errmsg says why. */
static int
open_db(struct convo_store *st, const char *path, enum convo_open_mode mode,
    int busy_ms)
{
	struct stat sb;
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (mode == CONVO_OPEN_MEMORY)
		path = ":memory:";
	else if (mode == CONVO_OPEN_WRITE)
		flags |= SQLITE_OPEN_CREATE;
	else if (stat(path, &sb) != 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", path,
		    strerror(errno));
		return CONVO_ENOENT;
	}
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(st->errmsg, sizeof(st->errmsg), "cannot open '%s': %s",
		    path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		return CONVO_ECREATE;
	}
	if ((rc = configure(st, busy_ms)) == 0 && (rc = migrate(st)) == 0 &&
	    mode != CONVO_OPEN_MEMORY)
		rc = use_wal(st);
	if (rc == CONVO_EDB) {
		/* Typically "file is not a database". */
		snprintf(st->errmsg, sizeof(st->errmsg), "cannot use '%s': %s",
		    path, st->dbmsg);
		rc = CONVO_ECREATE;
	}
	return rc;
}

int
convo_store_open(struct convo_store **out, char *err, size_t errlen,
    const char *path, enum convo_open_mode mode, int busy_ms)
{
	struct convo_store *st;
	int rc;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return CONVO_ENOMEM;
	}
	if ((rc = open_db(st, path, mode, busy_ms)) != 0) {
		snprintf(err, errlen, "%s", st->errmsg);
		convo_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

const char *
convo_store_errmsg(const struct convo_store *st)
{
	if (st == NULL)
		return "out of memory";
	return st->errmsg[0] ? st->errmsg : "no error";
}

void
convo_store_close(struct convo_store *st)
{
	if (st == NULL)
		return;
	store_period_release(st);
	sqlite3_close(st->db);
	free(st);
}
