/*
 * store_period.h: a pass over a period (store_period.c), shared by its
 * files: store_period.c reads the conversations of the period,
 * store_period_msg.c their messages, store_groups.c holds the maps and
 * groups they count in.
 */
#ifndef CONVO_STORE_PERIOD_H
#define CONVO_STORE_PERIOD_H

#include <string.h>

#include "store.h"

#define QUARTER_MS INT64_C(900000)
#define NONE CONVO_TIME_NONE
/* The values of a column looked at first, the latest first. */
#define RECENT 8
/* The messages' needs: a pass finds the whole and straddling ones. */
#define PERIOD_MESSAGES (PERIOD_FIGURES | PERIOD_QUARTERS | \
	PERIOD_CLICKS | PERIOD_AGENTS | PERIOD_NOT_UNDERSTOOD)
/* A pass's rc: read the period again, through the index. */
#define RESTART 1
/* A pass's rc: the statement may stop here, all is read. */
#define STOP 2

/*
 * store_groups.c: maps and groups.
 */

/* Makes room for one more element of size sz in *p (n used, *cap). */
int period_grow(void *p, size_t *cap, size_t n, size_t sz);

/*
 * A map from 64-bit integers to indexes (below 2^32), open addressing
 * with linear probing, at most half full.
 */
struct period_map {
	int64_t *key;
	uint32_t *val;		/* index + 1; 0: the slot is empty */
	size_t cap, n;
};

void period_map_release(struct period_map *m);
/* The index of k, or -1. */
int64_t period_map_get(const struct period_map *m, int64_t k);
/*
 * The index of k; a new k gets index v (below 2^32 - 1) and *added = 1.
 */
int period_map_put(size_t *out, int *added, struct period_map *m, int64_t k,
    size_t v);

void period_groups_release(struct period_groups *gs);
/*
 * The index of the group with key and values v[0 .. parts - 1] (NULL: no
 * value, len[] their lengths); a new one starts with zero counts.
 */
int period_group_get(size_t *out, struct period_groups *gs, int64_t key,
    const char *const *v, const size_t *len, int parts);
/*
 * period_group_get() of one value, first among the RECENT groups found
 * last (recent[], index + 1, 0 for none): most columns take few values.
 */
int period_group_recent(size_t *out, struct period_groups *gs,
    uint32_t *recent, const char *v, size_t len);

/*
 * The working state of a pass.
 */

/* Where each part of a conversation's columns starts (-1: not there). */
struct layout {
	int figures, fields, groups;
};

/* The message counts of a period, kpis.md's definitions. */
struct msgs {
	int64_t user, assistant, agent, understood, not_understood, clicks;
	int64_t fallbacks, up, down, none;
};

/* What a pass knows of a conversation id, in class[]. */
enum cls {
	CLS_UNKNOWN,		/* not started in the period, not seen yet */
	CLS_OUT,		/* filtered out, or no message in the period */
	CLS_WHOLE,		/* all its messages lie in the period */
	CLS_STRADDLE,		/* some do, some do not */
	CLS_MASK = 0x0f,
	CLS_PASSES = 0x10	/* a flag: it passes the filters */
};

/* A user of the period. */
struct user {
	int64_t last_start;	/* the start of its latest conversation read */
	int64_t bound;		/* the pending one's reopen window end */
	int32_t dim[N_DIMS];	/* the values of its first conversation */
	int32_t dim2[N_DIMS];	/* another value of each, or -1 */
	unsigned char flags;	/* U_* */
};

#define U_SEEN 0x01		/* a conversation in the period passes */
#define U_HANDOVER 0x02		/* ... and one has a handover request */
#define U_PENDING 0x04		/* one, contained, waits for a reopening */
#define U_HAS_LAST 0x08		/* last_start is set */
#define U_DIMS 0x10		/* dim[] is set */

struct pass {
	struct convo_store *st;
	const struct convo_query *q;
	struct period *p;
	unsigned needs;
	int64_t user_id;	/* the --user filter's user; -1: none */
	int has_user;		/* whether there is a --user filter */
	int fields;		/* whether the filters need the fields */
	/* Conversation ids: a class each, by id - id_lo, else in map. */
	unsigned char *cls;
	int64_t id_lo, id_hi;
	struct period_map cls_map;
	int64_t whole_lo, whole_hi;	/* the whole ones' ids, or lo > hi */
	int64_t *straddle;
	size_t n_straddle, cap_straddle;
	/* Users: index by id - user_lo in user_ix (+ 1), else in map. */
	uint32_t *user_ix;
	int64_t user_lo, user_hi;
	struct period_map user_map;
	struct user *users;
	size_t cap_users;
	size_t n_pending;	/* users with U_PENDING */
	int64_t max_bound;	/* the latest of their bounds */
	struct period_map pairs;	/* (dim, value, user) beyond dim[] */
	struct period_map quarter_map;	/* quarter -> index in quarters */
	int64_t last_quarter;	/* the quarter added to last, and its */
	size_t last_quarter_ix;	/* index, or last_quarter_ix SIZE_MAX */
	uint32_t recent[N_DIMS][RECENT];	/* period_group_recent()'s */
	/* Not-understood texts as they are, n[1] their normal form's group. */
	struct period_groups raw;
	size_t cap_quarters, cap_starts;
	sqlite3_stmt *fetch;	/* one conversation by id */
	struct layout lo;	/* of the period's statement */
	int rc;			/* what convo_pass() failed with, or STOP */
	struct msgs msgs;	/* the straddling conversations' */
	/*
	 * A period that holds every start is read in row order (full), no
	 * index in between.  Rows out of start order then need the costs
	 * summed and the starts sorted again, and a user's conversations
	 * out of order the pass read again through the index (RESTART).
	 */
	int full;
	int unsorted;		/* a row started before the one read before */
	int64_t last_start;
	struct cost *costs;	/* full: the costs that are not 0 */
	size_t n_costs, cap_costs;
};

/* A cost, where total(c.cost) meets it: in start order. */
struct cost {
	int64_t started_at, id;
	double cost;
};


/* What the statements of a pass hand to convo_pass() (store_period.c). */
enum kind {
	K_PERIOD,		/* a conversation that started in the period */
	K_FETCH,		/* one that did not */
	K_AFTER,		/* one that started after the period */
	K_ACTIVITY,		/* an activity row */
	K_STRADDLE,		/* a message of a straddling conversation */
	K_CLICK, K_AGENT, K_NOT_UNDERSTOOD,	/* partial index entries */
	K_LEAD			/* a lead created in the period */
};

static inline void
period_extend(int64_t *lo, int64_t *hi, int64_t t)
{
	if (*lo == NONE || t < *lo)
		*lo = t;
	if (*hi == NONE || t > *hi)
		*hi = t;
}


/* What the pass knows of conversation id. */
static inline unsigned char
period_cls_get(const struct pass *ps, int64_t id)
{
	int64_t v;

	if (ps->cls != NULL && id >= ps->id_lo && id <= ps->id_hi)
		return ps->cls[id - ps->id_lo];
	v = period_map_get(&ps->cls_map, id);
	return v < 0 ? CLS_UNKNOWN : (unsigned char)v;
}

/* The text of v, or NULL, and its length in *len. */
static inline const char *
period_text(sqlite3_value *v, size_t *len)
{
	const char *t = (const char *)sqlite3_value_text(v);

	*len = t ? (size_t)sqlite3_value_bytes(v) : 0;
	return t;
}

static inline int
period_text_is(const char *v, size_t len, const char *want)
{
	return v != NULL && len == strlen(want) && memcmp(v, want, len) == 0;
}

/*
 * store_period.c: what the message side uses.
 */
int period_cls_set(struct pass *ps, int64_t id, unsigned char c);
/* Prepares a statement of the pass, its ?1 bound to the pass. */
int period_prepare(struct pass *ps, sqlite3_stmt **s, const char *sql);
/* Steps s to its end, each row handed to convo_pass(), and resets it. */
int period_drain(struct pass *ps, sqlite3_stmt *s);
/* Classifies conversation id, which did not start in the period. */
int period_fetch(struct pass *ps, int64_t id);

/*
 * store_period_msg.c: the messages of the period.  period_classify()
 * notes where a conversation that passes the filters stands with them;
 * the *_row() functions take the rows of the statements that the
 * period_read_*() functions run.
 */
int period_classify(struct pass *ps, const struct period_conv *c);
int period_activity_row(struct pass *ps, sqlite3_value **v);
int period_straddle_row(struct pass *ps, sqlite3_value **v);
int period_index_row(struct pass *ps, int kind, sqlite3_value **v);
int period_lead_row(struct pass *ps, sqlite3_value **v);
int period_read_activity(struct pass *ps);
int period_read_leads(struct pass *ps);
int period_read_straddling(struct pass *ps);
int period_read_indexes(struct pass *ps);

#endif /* CONVO_STORE_PERIOD_H */
