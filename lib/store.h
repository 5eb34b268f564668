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
	char *path;		/* the database file, named in errors */
	char errmsg[512];	/* the latest error, for convo_store_errmsg() */
	char dbmsg[256];	/* SQLite's own words for it, kept past a
				   ROLLBACK that clears sqlite3_errmsg() */
	int dir_why;		/* dbmsg says the directory cannot be written */
};

/* The SQL taking a database from version from to from + 1, or NULL. */
const char *store_migration(int from);

/*
 * Records the database's error message for rc as "path: what: reason"
 * and returns the matching status: CONVO_EBUSY for a lock, CONVO_ENOMEM,
 * else CONVO_EDB.
 */
int store_fail(struct convo_store *st, int rc, const char *what);

/* Prepares sql into *out; on failure records the error. */
int store_prepare(struct convo_store *st, sqlite3_stmt **out,
    const char *sql);

/* Reads the one integer that sql returns into *out (0 when no row). */
int store_query_int(struct convo_store *st, const char *sql, int64_t *out);

/* Binds what a conversation record states from index first on (14). */
void store_bind_stated(sqlite3_stmt *s, int first,
    const struct convo_conv_fields *c);

/* Runs SQL without results. */
int store_exec(struct convo_store *st, const char *sql);

/* Binds text, or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds an integer, or NULL when v is none. */
int store_bind_int(sqlite3_stmt *s, int i, int64_t v, int64_t none);

/* Binds a real number, or NULL when has is 0. */
int store_bind_double(sqlite3_stmt *s, int i, double v, int has);

/* Steps a statement that returns no row (or ignores them), then resets it. */
int store_step_done(struct convo_store *st, sqlite3_stmt *s);

/*
 * store_query.c: the filters of a struct convo_query as SQL, shared by
 * every statement that reads figures, breakdowns or lists.  A statement
 * names its conversation table "c" and uses the named parameters below;
 * store_bind_query() binds those the statement has.
 *
 * STORE_CONV_MATCH: c passes the filters (any start time).
 * STORE_CONV_IN_PERIOD: ... and started in the period.
 * STORE_MSG_IN_PERIOD: message m was sent in the period.
 */
#define STORE_CONV_MATCH \
	" (:source IS NULL OR c.source = :source)" \
	" AND (:assistant IS NULL OR coalesce(c.assistant, '') = :assistant)" \
	" AND (:status IS NULL OR c.status = :status)" \
	" AND (:user IS NULL OR c.user_id IN (SELECT id FROM user" \
	"   WHERE token = :user AND anonymous = 0))" \
	" AND (:include_test OR c.source <> 'test_chat')" \
	" AND (:device IS NULL OR coalesce(c.device, '') = :device)" \
	" AND (:browser IS NULL OR coalesce(c.browser, '') = :browser)" \
	" AND (:country IS NULL OR coalesce(c.country, '') = :country)" \
	" AND (:region IS NULL OR coalesce(c.region, '') = :region)"
#define STORE_CONV_IN_PERIOD \
	" c.started_at >= :since AND c.started_at < :until AND" STORE_CONV_MATCH
#define STORE_MSG_IN_PERIOD \
	" m.ts >= :since AND m.ts < :until"

/* Binds the named parameters of q that statement s uses. */
void store_bind_query(sqlite3_stmt *s, const struct convo_query *q);

/*
 * store_rollup.c: the rollups of the conversations an import changed.
 * store_rollup() reads back those marked 1 in temp.touched, then updates
 * the first-seen times of their users and of those in temp.touched_user.
 */
int store_rollup(struct convo_store *st);

/* One message as the rollups see it: no text. */
struct store_rmsg {
	int64_t id, ts;
	int64_t input_tokens, output_tokens;	/* or CONVO_NUM_NONE */
	double cost;
	unsigned char role;		/* enum convo_role */
	unsigned char handover;		/* enum convo_handover, as stored */
	unsigned char feedback;		/* enum convo_feedback */
	unsigned char click;		/* a click, not typed */
	unsigned char fallback;		/* 1: a fallback */
	unsigned char not_understood;	/* as stored */
	unsigned char derived;		/* the rules found the handover */
	unsigned char has_cost;		/* cost was stated */
};

/*
 * A run: the consecutive records of one conversation in an import, kept
 * (without text) so that a conversation the import creates is rolled up
 * when its run ends, with nothing read back.  A run that cannot see all
 * of its conversation (complete = 0 at the start, or spoilt later) keeps
 * nothing, and its conversation is read back by store_rollup().  Runs
 * use the store's connection inside the import's transaction.
 */
struct store_run;

int store_run_new(struct store_run **out, struct convo_store *st);
void store_run_free(struct store_run *run);
/*
 * A conversation an import created but has not inserted yet: its run's
 * end inserts it, with its rollups (store_write.c, struct pending).
 */
struct store_pending {
	const char *ext_id, *source;
	int64_t user_id;
	int64_t start;		/* the placeholder start_at, see conv_insert */
	int64_t import_id;
	const struct convo_conv_fields *stated;
	int csat_offered;	/* a SURVEY event came */
};

/* Starts a run for conv (0: records that are dropped). */
void store_run_start(struct store_run *run, int64_t conv, int complete);
/* Whether the current run has seen everything of its conversation. */
int store_run_complete(const struct store_run *run);
/*
 * Ends the current run: a complete run rolls its conversation up, and
 * inserts it (p) or updates it (p NULL).  An incomplete run must not
 * have a pending conversation: it is read back later.
 */
int store_run_end(struct store_run *run, const struct store_pending *p);
/* The run's conversation must be read back: it changed otherwise. */
void store_run_spoil(struct store_run *run);
/* A message stored for the first time. */
void store_run_message(struct store_run *run, const struct store_rmsg *m);
/* An event stored: its time, and the kind of handover it requests. */
void store_run_event(struct store_run *run, int64_t ts, int handover);
/* A lead stored; a derived one is counted once. */
void store_run_lead(struct store_run *run, int derived);
/* The derived lead went: a stated one holds its contacts. */
void store_run_unlead(struct store_run *run);
/* Message msg got thumbs: the run's copy takes them, or is spoilt. */
void store_run_feedback(struct store_run *run, int64_t msg, int feedback);

#endif /* CONVO_STORE_H */
