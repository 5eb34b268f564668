/*
 * store.h: declarations shared by the store files (lib/store*.c) only,
 * the one place that includes sqlite3.h.
 */
#ifndef CONVO_STORE_H
#define CONVO_STORE_H

#include <sqlite3.h>

#include "internal.h"

struct convo_store {
	sqlite3 *db;
	char errmsg[512];	/* the latest error, for convo_store_errmsg() */
};

/* The SQL taking a database from version from to from + 1, or NULL. */
const char *store_migration(int from);

/*
 * Records the database's error message for rc (prefixed with what) and
 * returns the matching status: CONVO_EBUSY for a lock, else CONVO_EDB.
 */
int store_fail(struct convo_store *st, int rc, const char *what);

/* Prepares sql into *out; on failure records the error. */
int store_prepare(struct convo_store *st, sqlite3_stmt **out,
    const char *sql);

/* Runs SQL without results. */
int store_exec(struct convo_store *st, const char *sql);

/* Binds text, or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds an integer, or NULL when v is none. */
int store_bind_int(sqlite3_stmt *s, int i, int64_t v, int64_t none);

/* Steps a statement that returns no row (or ignores them), then resets it. */
int store_step_done(struct convo_store *st, sqlite3_stmt *s);

/*
 * store_rollup.c: recomputes the rollups of the conversations listed in
 * temp.touched and the first-seen times of their users and of those in
 * temp.touched_user.
 */
int store_rollup(struct convo_store *st);

#endif /* CONVO_STORE_H */
