/*
 * store.h: declarations shared by the store files (lib/store*.c) only,
 * the one place that includes sqlite3.h.
 */
#ifndef CONVO_STORE_H
#define CONVO_STORE_H

#include <sqlite3.h>

#include "internal.h"

struct period_cache;

struct convo_store {
	sqlite3 *db;
	char *path;		/* the database file, named in errors */
	struct period_cache *periods;	/* store_period.c's, or NULL */
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

/*
 * store_rollup.c: registers the SQL function that the migrations use:
 * convo_text_key(text), text_key() as an integer.
 */
int store_functions(struct convo_store *st);

/*
 * store_period.c: one pass over the conversations of a period and the
 * rollups of their messages, shared by the figures (store_kpi.c) and the
 * breakdowns (store_breakdown.c).  What a pass computes, the bits of
 * struct period's have:
 */
#define PERIOD_FIGURES		0x01u	/* n[], cost, samples */
#define PERIOD_DIMENSIONS	0x02u	/* dim[], status, questions */
#define PERIOD_STARTS		0x04u	/* starts[] */
#define PERIOD_QUARTERS		0x08u	/* quarters[] */
#define PERIOD_CLICKS		0x10u	/* clicks */
#define PERIOD_AGENTS		0x20u	/* agents (and the message sums) */
#define PERIOD_NOT_UNDERSTOOD	0x40u	/* not_understood */

/* The columns that the conversation breakdowns group by. */
enum period_dim {
	DIM_SOURCE, DIM_ASSISTANT, DIM_DEVICE, DIM_BROWSER, DIM_COUNTRY,
	DIM_REGION, DIM_CITY, N_DIMS
};

/* A conversation of the period, as store_kpi_conversation() reads it. */
struct period_conv {
	int64_t id, user_id, started_at;
	int active, ended;		/* status is 'active', 'ended' */
	int64_t n_user, n_assistant, n_agent, n_typed, n_fallbacks;
	int64_t n_not_understood, n_feedback_up, n_feedback_down;
	int64_t n_handovers, n_handover_direct, n_handover_after_fallback;
	int64_t n_handover_operator_button, n_leads;
	int64_t csat;			/* 0: NULL */
	int64_t csat_offered;
	int64_t first_response_ms;	/* CONVO_TIME_NONE: NULL */
	int64_t agent_pickup_ms;	/* CONVO_TIME_NONE: NULL */
	int64_t input_tokens, output_tokens;
	double cost;
	int last_role_user;		/* last_role = 'user' */
	int last_role_assistant;	/* last_role = 'assistant' */
	int64_t last_fallback;
	int64_t first_message_at;	/* CONVO_TIME_NONE: NULL */
	int64_t last_message_at;	/* CONVO_TIME_NONE: NULL */
};

/*
 * The sums behind the figures (store_kpi.c maps each figure to one or two
 * of them).  All count, except ACC_DURATION_SUM (milliseconds).
 */
enum period_acc {
	ACC_CONVERSATIONS, ACC_ACTIVE, ACC_ENDED,
	ACC_USERS, ACC_NEW_USERS, ACC_RETURNING_USERS, ACC_HANDOVER_USERS,
	ACC_MESSAGES, ACC_USER_MESSAGES, ACC_ASSISTANT_MESSAGES,
	ACC_AGENT_MESSAGES, ACC_UNDERSTOOD, ACC_NOT_UNDERSTOOD, ACC_CLICKS,
	ACC_FALLBACKS, ACC_FEEDBACK_UP, ACC_FEEDBACK_DOWN, ACC_FEEDBACK_NONE,
	ACC_FEEDBACK_ANY,
	ACC_CONV_MESSAGES, ACC_DURATION_SUM, ACC_DURATION_N,
	ACC_HANDED_OVER, ACC_CONTAINED, ACC_HANDOVER_DIRECT,
	ACC_HANDOVER_AFTER_FALLBACK, ACC_HANDOVER_OPERATOR_BUTTON,
	ACC_ONLY_POSITIVE, ACC_MORE_POSITIVE, ACC_MORE_NEGATIVE,
	ACC_ONLY_NEGATIVE, ACC_MIXED_EVEN,
	ACC_CSAT_SUM, ACC_CSAT_VOTES, ACC_CSAT_1, ACC_CSAT_2, ACC_CSAT_3,
	ACC_CSAT_4, ACC_CSAT_5, ACC_CSAT_SATISFIED,
	ACC_LEADS, ACC_CONVERTED, ACC_INPUT_TOKENS, ACC_OUTPUT_TOKENS,
	ACC_ENGAGED, ACC_ABANDONED, ACC_REOPENED, ACC_OFFERED_VOTED,
	ACC_OFFERED, ACC_RESPONSE_1M, ACC_RESPONSE_5M, ACC_RESPONSE_60M,
	ACC_RESPONSE_24H, ACC_RESPONSE_OVER,
	ACC_COST,		/* not in n[]: struct period's cost */
	N_ACC
};

/* The samples behind medians and percentiles, in seconds. */
enum period_sample_id {
	SAMPLE_DURATION, SAMPLE_FIRST_RESPONSE, SAMPLE_AGENT_PICKUP, N_SAMPLES
};

struct period_sample {
	double *v;
	size_t n, cap;
};

/*
 * A group of a breakdown: up to three values (NUL-terminated, NULL for
 * none, len their lengths with any NULs inside) and its counts.
 */
struct period_group {
	const char *v[3];
	size_t len[3];
	int64_t n[3];
	int64_t key;		/* top_questions: the opening key */
	int64_t conv;		/* top_questions: a conversation with it */
};

struct period_index;

/* Groups in the order first seen. */
struct period_groups {
	struct period_group *g;
	size_t n, cap;
	struct period_index *index;	/* store_period.c's lookup */
};

/* A conversation's start and its user (0 .. n_users - 1). */
struct period_start {
	int64_t at;
	size_t user;
};

/* Messages in a quarter of an hour, ts / 900000. */
struct period_quarter {
	int64_t quarter, n_user, n_messages;
};

struct period {
	unsigned have;			/* PERIOD_* computed */
	int64_t n[N_ACC];		/* PERIOD_FIGURES; the message */
					/* sums also with the others */
	double cost;			/* total(c.cost), in start order */
	struct period_sample sample[N_SAMPLES];
	struct period_groups dim[N_DIMS];	/* v[0]; n: conversations, */
						/* users */
	int64_t n_active, n_ended;
	struct period_groups questions;	/* key; n[0]: conversations */
	struct period_start *starts;	/* in start order */
	size_t n_starts, n_users;
	struct period_quarter *quarters;	/* in no order */
	size_t n_quarters;
	struct period_groups clicks;	/* type, title, target; clicks */
	struct period_groups agents;	/* named agents: views, up, down */
	struct period_groups not_understood;	/* normalized text; count */
	int64_t conv_min, conv_max;	/* first and last start, or */
	int64_t msg_min, msg_max;	/* message; CONVO_TIME_NONE */
};

/*
 * The pass over q with at least what the PERIOD_* bits of needs ask for,
 * from st's cache or computed: *out is borrowed until st is closed or a
 * later call, to be read (the samples may be reordered).  Returns 0 or an
 * error.
 */
int store_period(struct period **out, struct convo_store *st,
    const struct convo_query *q, unsigned needs);

/*
 * What the next pass over q should compute besides what it is asked
 * for: breakdowns of q asked for later then cost no pass of their own.
 */
void store_period_expect(struct convo_store *st, const struct convo_query *q,
    unsigned needs);

/* Frees st's cache. */
void store_period_release(struct convo_store *st);

/* Registers the SQL function that the passes read their rows with. */
int store_period_functions(struct convo_store *st);

/*
 * store_kpi.c: adds one conversation of a period (that passes the
 * filters) to the figure sums n and *cost, and to the samples.
 */
int store_kpi_conversation(int64_t *n, double *cost,
    struct period_sample *sample, const struct period_conv *c);

#endif /* CONVO_STORE_H */
