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
#include <unistd.h>

#include "store.h"

/*
 * Why the database's directory cannot be written (an errno), or 0.  The
 * -wal and -shm files are created there, as is a new database.
 */
static int
dir_unwritable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) + 1,
		    path);
	return access(dir, W_OK) == 0 ? 0 : errno;
}

/*
 * SQLite's words for rc into st->dbmsg, unless it could not open or
 * write a file because the directory cannot be written (a new database,
 * and the -wal and -shm files, are created there): its words do not say
 * that, and the errno it keeps is its last system call's, often a
 * fallback's ENOENT.  st->dir_why says which.
 */
static void
reason(struct convo_store *st, int rc)
{
	int err;

	rc &= 0xff;
	st->dir_why = 0;
	if ((rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY) &&
	    st->path != NULL && (err = dir_unwritable(st->path)) != 0) {
		if (err == ENOENT || err == ENOTDIR)
			snprintf(st->dbmsg, sizeof(st->dbmsg),
			    "no such directory");
		else
			snprintf(st->dbmsg, sizeof(st->dbmsg), "its directory "
			    "cannot be written (%s)", strerror(err));
		st->dir_why = 1;
		return;
	}
	snprintf(st->dbmsg, sizeof(st->dbmsg), "%s",
	    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

int
store_fail(struct convo_store *st, int rc, const char *what)
{
	reason(st, rc);
	snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s: %s",
	    st->path ? st->path : "database", what, st->dbmsg);
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

/* Reads the schema version into *out; one newer than ours is refused. */
static int
read_version(struct convo_store *st, int64_t *out, int latest)
{
	int rc;

	if ((rc = store_query_int(st, "PRAGMA user_version", out)) != 0)
		return rc;
	if (*out > latest) {
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: database "
		    "schema version %lld is newer than this convo's (%d): "
		    "upgrade convo", st->path, (long long)*out, latest);
		return CONVO_ESCHEMA;
	}
	return 0;
}

/*
 * Brings the schema up to date in one transaction.  A version-0 database
 * with tables of its own is not ours and is left alone.  The version is
 * read again under the write lock: commands started at once on a new
 * database all find version 0, and all but the first wait for the lock
 * while the first creates the schema, which they must then not take for
 * a foreign one.
 */
static int
migrate(struct convo_store *st)
{
	int64_t version, tables;
	int rc, v, latest = convo_store_schema_version();
	char pragma[64];

	if ((rc = read_version(st, &version, latest)) != 0 ||
	    version == latest)
		return rc;
	if ((rc = store_exec(st, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if ((rc = read_version(st, &version, latest)) == 0 &&
	    version == latest)
		return store_exec(st, "COMMIT");
	if (rc == 0)
		rc = store_query_int(st, "SELECT count(*) FROM sqlite_schema",
		    &tables);
	if (rc == 0 && version == 0 && tables > 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: not a convo "
		    "database: it has tables but no convo schema version",
		    st->path);
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
	int rc, exists, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (mode == CONVO_OPEN_MEMORY)
		path = ":memory:";
	if ((st->path = strdup(path)) == NULL) {
		snprintf(st->errmsg, sizeof(st->errmsg), "out of memory");
		return CONVO_ENOMEM;
	}
	exists = stat(path, &sb) == 0;
	if (mode == CONVO_OPEN_WRITE)
		flags |= SQLITE_OPEN_CREATE;
	else if (mode == CONVO_OPEN_READ && !exists) {
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", path,
		    strerror(errno));
		return CONVO_ENOENT;
	}
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		reason(st, rc);
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: cannot %s: %s",
		    path, exists ? "open" : "create", st->dbmsg);
		return CONVO_ECREATE;
	}
	if ((rc = configure(st, busy_ms)) == 0 && (rc = migrate(st)) == 0 &&
	    mode != CONVO_OPEN_MEMORY)
		rc = use_wal(st);
	if (rc == CONVO_EDB) {
		/*
		 * Typically "file is not a database", or no -wal and -shm
		 * file beside it in a directory that cannot be written.
		 */
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s%s", path,
		    st->dir_why ? "cannot open: " : "", st->dbmsg);
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
	/*
	 * SQLite's memory statistics, which convo never reads, take a global
	 * lock on every allocation: a tenth of an import's storing time.
	 * (The setting only takes before SQLite is first used; after, it is
	 * refused, and harmlessly so.)
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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
	free(st->path);
	free(st);
}
