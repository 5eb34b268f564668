/*
 * store_period.c: the figures and breakdowns of a period in one pass,
 * without reading the messages of the period one by one.
 *
 * A conversation counts in the period in which it started, a message in
 * the one in which it was sent (kpis.md).  The pass reads the
 * conversations that started in the period once, in start order, through
 * conversation (started_at), and adds up their rollups in C: the figures
 * (store_kpi_conversation()), the groups by source ... city, the status,
 * the opening questions, the starts of the trend.
 *
 * Their messages come from rollups too.  A conversation that passes the
 * filters and whose messages all lie in the period (first_message_at and
 * last_message_at inside: "whole") adds its counts by role, its rows of
 * the activity table (messages per quarter of an hour) and its entries in
 * the partial indexes message_click, message_agent and
 * message_not_understood.  One that straddles an end of the period has
 * its messages in the period read one by one through
 * message (conversation_id, ts): there are few of those.  Conversations
 * that did not start in the period but have messages in it are found in
 * the activity rows of the period's quarters.
 *
 * A pass is kept in the store's cache, keyed by the query, and dropped
 * when the database changes; convo-stats asks for the figures and each
 * breakdown of one period in turn, and all come from one pass.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define QUARTER_MS INT64_C(900000)
#define FNV_PRIME UINT64_C(1099511628211)
/* The values of a column looked at first, the latest first. */
#define RECENT 4
#define NONE CONVO_TIME_NONE
/* Passes kept: the period, the previous one, the trend's, one more. */
#define CACHE_SIZE 4
/* The messages' needs: a pass finds the whole and straddling ones. */
#define PERIOD_MESSAGES (PERIOD_FIGURES | PERIOD_QUARTERS | \
	PERIOD_CLICKS | PERIOD_AGENTS | PERIOD_NOT_UNDERSTOOD)

/*
 * Hashing and growing.
 */

/* The finalizer of splitmix64: every bit of x moves every bit out. */
static uint64_t
mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* Makes room for one more element of size sz in *p (n used, *cap). */
static int
grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void **pp = p, *np;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if (c > SIZE_MAX / sz || (np = realloc(*pp, c * sz)) == NULL)
		return CONVO_ENOMEM;
	*pp = np;
	*cap = c;
	return 0;
}

/*
 * A map from 64-bit integers to indexes (below 2^32), open addressing
 * with linear probing, at most half full.
 */
struct imap {
	int64_t *key;
	uint32_t *val;		/* index + 1; 0: the slot is empty */
	size_t cap, n;
};

static void
imap_release(struct imap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* The index of k, or -1. */
static int64_t
imap_get(const struct imap *m, int64_t k)
{
	size_t i;

	if (m->cap == 0)
		return -1;
	for (i = mix64((uint64_t)k) & (m->cap - 1); m->val[i] != 0;
	    i = (i + 1) & (m->cap - 1))
		if (m->key[i] == k)
			return (int64_t)m->val[i] - 1;
	return -1;
}

static void
imap_place(int64_t *key, uint32_t *val, size_t cap, int64_t k, uint32_t v)
{
	size_t i = mix64((uint64_t)k) & (cap - 1);

	while (val[i] != 0)
		i = (i + 1) & (cap - 1);
	key[i] = k;
	val[i] = v;
}

static int
imap_grow(struct imap *m)
{
	size_t i, cap = m->cap ? m->cap * 2 : 256;
	uint32_t *val;
	int64_t *key;

	if ((key = malloc(cap * sizeof(*key))) == NULL)
		return CONVO_ENOMEM;
	if ((val = calloc(cap, sizeof(*val))) == NULL) {
		free(key);
		return CONVO_ENOMEM;
	}
	for (i = 0; i < m->cap; i++)
		if (m->val[i] != 0)
			imap_place(key, val, cap, m->key[i], m->val[i]);
	free(m->key);
	free(m->val);
	m->key = key;
	m->val = val;
	m->cap = cap;
	return 0;
}

/*
 * The index of k; a new k gets index v (below 2^32 - 1) and *added = 1.
 */
static int
imap_put(size_t *out, int *added, struct imap *m, int64_t k, size_t v)
{
	int64_t had = imap_get(m, k);
	int rc;

	*added = had < 0;
	if (had >= 0) {
		*out = (size_t)had;
		return 0;
	}
	if (v >= UINT32_MAX - 1)
		return CONVO_ENOMEM;
	if (2 * (m->n + 1) > m->cap && (rc = imap_grow(m)) != 0)
		return rc;
	imap_place(m->key, m->val, m->cap, k, (uint32_t)(v + 1));
	m->n++;
	*out = v;
	return 0;
}

/*
 * Groups: their values are copied into an arena of blocks that never
 * move, so that the pointers in struct period_group stay valid.
 */
struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

struct period_index {
	uint32_t *slot;		/* group index + 1; 0: empty */
	uint64_t *hash;		/* of each group */
	size_t cap;		/* slots */
	size_t hash_cap;
	struct block *blocks;
};

static void
groups_release(struct period_groups *gs)
{
	struct block *b, *next;

	if (gs->index != NULL) {
		for (b = gs->index->blocks; b != NULL; b = next) {
			next = b->next;
			free(b);
		}
		free(gs->index->slot);
		free(gs->index->hash);
		free(gs->index);
	}
	free(gs->g);
	memset(gs, 0, sizeof(*gs));
}

/* A copy of n bytes of s, NUL-terminated, in the arena. */
static const char *
arena_copy(struct period_index *ix, const char *s, size_t n)
{
	struct block *b = ix->blocks;
	size_t size;
	char *p;

	if (b == NULL || b->size - b->used < n + 1) {
		size = n + 1 > 65536 ? n + 1 : 65536;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = ix->blocks;
		b->used = 0;
		b->size = size;
		ix->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

/* FNV-1a of the parts, each with its length (or none), and the key. */
static uint64_t
group_hash(int64_t key, const char *const *v, const size_t *len, int parts)
{
	uint64_t h = HASH64_INIT ^ (uint64_t)key;
	const unsigned char *b;
	size_t i;
	int k;

	for (k = 0; k < parts; k++) {
		h = (h ^ (v[k] == NULL ? 0 : len[k] + 1)) * FNV_PRIME;
		for (b = (const unsigned char *)v[k], i = 0; b != NULL &&
		    i < len[k]; i++)
			h = (h ^ b[i]) * FNV_PRIME;
	}
	return mix64(h);
}

static int
group_equal(const struct period_group *g, int64_t key, const char *const *v,
    const size_t *len, int parts)
{
	int i;

	if (g->key != key)
		return 0;
	for (i = 0; i < parts; i++) {
		if ((g->v[i] == NULL) != (v[i] == NULL))
			return 0;
		if (v[i] != NULL && (g->len[i] != len[i] ||
		    memcmp(g->v[i], v[i], len[i]) != 0))
			return 0;
	}
	return 1;
}

static int
index_grow(struct period_groups *gs)
{
	struct period_index *ix = gs->index;
	size_t i, j, cap = ix->cap ? ix->cap * 2 : 64;
	uint32_t *slot;

	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < gs->n; i++) {
		for (j = ix->hash[i] & (cap - 1); slot[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = (uint32_t)(i + 1);
	}
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

/* Appends a new group; its values are copied. */
static int
group_new(struct period_groups *gs, uint64_t h, int64_t key,
    const char *const *v, const size_t *len, int parts)
{
	struct period_index *ix = gs->index;
	struct period_group *g;
	int i, rc;

	if (gs->n >= UINT32_MAX - 1)
		return CONVO_ENOMEM;
	if ((rc = grow(&gs->g, &gs->cap, gs->n, sizeof(*gs->g))) != 0 ||
	    (rc = grow(&ix->hash, &ix->hash_cap, gs->n,
	    sizeof(*ix->hash))) != 0)
		return rc;
	g = &gs->g[gs->n];
	memset(g, 0, sizeof(*g));
	g->key = key;
	for (i = 0; i < parts; i++) {
		g->len[i] = v[i] ? len[i] : 0;
		if (v[i] != NULL &&
		    (g->v[i] = arena_copy(ix, v[i], len[i])) == NULL)
			return CONVO_ENOMEM;
	}
	ix->hash[gs->n++] = h;
	return 0;
}

/*
 * The index of the group with key and values v[0 .. parts - 1] (NULL: no
 * value); a new one starts with zero counts.
 */
static int
group_get(size_t *out, struct period_groups *gs, int64_t key,
    const char *const *v, const size_t *len, int parts)
{
	struct period_index *ix;
	uint64_t h = group_hash(key, v, len, parts);
	size_t i;
	int rc;

	if (gs->index == NULL &&
	    (gs->index = calloc(1, sizeof(*gs->index))) == NULL)
		return CONVO_ENOMEM;
	ix = gs->index;
	if (2 * (gs->n + 1) > ix->cap && (rc = index_grow(gs)) != 0)
		return rc;
	for (i = h & (ix->cap - 1); ix->slot[i] != 0;
	    i = (i + 1) & (ix->cap - 1)) {
		*out = ix->slot[i] - 1;
		if (ix->hash[*out] == h &&
		    group_equal(&gs->g[*out], key, v, len, parts))
			return 0;
	}
	if ((rc = group_new(gs, h, key, v, len, parts)) != 0)
		return rc;
	ix->slot[i] = (uint32_t)gs->n;
	*out = gs->n - 1;
	return 0;
}

/*
 * group_get() of one value, first among the RECENT groups found last
 * (recent[], index + 1, 0 for none): most columns take few values.
 */
static int
group_recent(size_t *out, struct period_groups *gs, uint32_t *recent,
    const char *v, size_t len)
{
	const struct period_group *g;
	uint32_t hit;
	int k, rc;

	for (k = 0; k < RECENT && recent[k] != 0; k++) {
		g = &gs->g[recent[k] - 1];
		if (v == NULL ? g->v[0] == NULL : g->v[0] != NULL &&
		    g->len[0] == len && memcmp(g->v[0], v, len) == 0)
			break;
	}
	if (k < RECENT && recent[k] != 0)
		hit = recent[k];
	else {
		if ((rc = group_get(out, gs, 0, &v, &len, 1)) != 0)
			return rc;
		hit = (uint32_t)*out + 1;
		k = RECENT - 1;
	}
	memmove(recent + 1, recent, (size_t)k * sizeof(*recent));
	recent[0] = hit;
	*out = hit - 1;
	return 0;
}

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
	struct imap cls_map;
	int64_t whole_lo, whole_hi;	/* the whole ones' ids, or lo > hi */
	int64_t *straddle;
	size_t n_straddle, cap_straddle;
	/* Users: index by id - user_lo in user_ix (+ 1), else in map. */
	uint32_t *user_ix;
	int64_t user_lo, user_hi;
	struct imap user_map;
	struct user *users;
	size_t cap_users;
	size_t n_pending;	/* users with U_PENDING */
	int64_t max_bound;	/* the latest of their bounds */
	struct imap pairs;	/* (dim, value, user) beyond dim[] */
	struct imap quarter_map;	/* quarter -> index in quarters */
	int64_t last_quarter;	/* the quarter added to last, and its */
	size_t last_quarter_ix;	/* index, or last_quarter_ix SIZE_MAX */
	uint32_t recent[N_DIMS][RECENT];	/* group_recent()'s */
	struct period_groups raw;	/* not-understood texts as they are: */
					/* n[1] the group of their normal form */
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

/* run(): read the period again, through the index. */
#define RESTART 1

static unsigned char
cls_get(const struct pass *ps, int64_t id)
{
	int64_t v;

	if (ps->cls != NULL && id >= ps->id_lo && id <= ps->id_hi)
		return ps->cls[id - ps->id_lo];
	v = imap_get(&ps->cls_map, id);
	return v < 0 ? CLS_UNKNOWN : (unsigned char)v;
}

static int
cls_set(struct pass *ps, int64_t id, unsigned char c)
{
	int64_t v;
	size_t i;
	int added;

	if (ps->cls != NULL && id >= ps->id_lo && id <= ps->id_hi) {
		ps->cls[id - ps->id_lo] = c;
		return 0;
	}
	/* Rare: an id outside the range read at the start. */
	v = imap_get(&ps->cls_map, id);
	if (v >= 0)
		return v == c ? 0 : CONVO_EINTERNAL;
	return imap_put(&i, &added, &ps->cls_map, id, c);
}

/*
 * The class array covers the ids of the conversations table when they
 * are dense enough (a byte each); else a map holds the classes.
 */
static const char sql_id_range[] =
	"SELECT (SELECT min(id) FROM conversation),"
	" (SELECT max(id) FROM conversation)";

static int
cls_init(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(ps->st, &s, sql_id_range)) != 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		ps->id_lo = sqlite3_column_int64(s, 0);
		ps->id_hi = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(ps->st, rc, "cannot read the database");
	if (ps->id_hi >= ps->id_lo && ps->id_hi - ps->id_lo < INT64_C(1) << 28 &&
	    (ps->cls = calloc((size_t)(ps->id_hi - ps->id_lo + 1), 1)) == NULL)
		return CONVO_ENOMEM;
	return 0;
}

/*
 * Users are found by id in an array when the ids are dense enough (4
 * bytes each), else in a map.
 */
static const char sql_user_range[] =
	"SELECT (SELECT min(id) FROM user), (SELECT max(id) FROM user)";

static int
users_init(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	ps->user_lo = 1;
	ps->user_hi = 0;
	if ((rc = store_prepare(ps->st, &s, sql_user_range)) != 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		ps->user_lo = sqlite3_column_int64(s, 0);
		ps->user_hi = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(ps->st, rc, "cannot read the database");
	if (ps->user_hi >= ps->user_lo &&
	    ps->user_hi - ps->user_lo < INT64_C(1) << 28 &&
	    (ps->user_ix = calloc((size_t)(ps->user_hi - ps->user_lo + 1),
	    sizeof(*ps->user_ix))) == NULL)
		return CONVO_ENOMEM;
	return 0;
}

/* The state of user id, or NULL. */
static struct user *
user_find(const struct pass *ps, int64_t id)
{
	int64_t i;

	if (ps->user_ix != NULL && id >= ps->user_lo && id <= ps->user_hi)
		i = (int64_t)ps->user_ix[id - ps->user_lo] - 1;
	else
		i = imap_get(&ps->user_map, id);
	return i >= 0 ? &ps->users[i] : NULL;
}

/* The user's state and index, new ones zeroed. */
static int
user_get(struct user **out, size_t *idx, struct pass *ps, int64_t id)
{
	uint32_t *slot = NULL;
	int added, rc;

	if (ps->user_ix != NULL && id >= ps->user_lo && id <= ps->user_hi) {
		slot = &ps->user_ix[id - ps->user_lo];
		if ((added = *slot == 0) != 0) {
			if (ps->p->n_users >= UINT32_MAX - 1)
				return CONVO_ENOMEM;
			*slot = (uint32_t)ps->p->n_users + 1;
		}
		*idx = *slot - 1;
	} else if ((rc = imap_put(idx, &added, &ps->user_map, id,
	    ps->p->n_users)) != 0)
		return rc;
	if (added) {
		if ((rc = grow(&ps->users, &ps->cap_users, ps->p->n_users,
		    sizeof(*ps->users))) != 0)
			return rc;
		memset(&ps->users[ps->p->n_users++], 0, sizeof(*ps->users));
	}
	*out = &ps->users[*idx];
	return 0;
}

/* Adds n user and m messages to the quarter q. */
static int
quarter_add(struct pass *ps, int64_t q, int64_t n, int64_t m)
{
	struct period *p = ps->p;
	struct period_quarter *e;
	size_t i;
	int added, rc;

	if (q == ps->last_quarter && ps->last_quarter_ix != SIZE_MAX) {
		p->quarters[ps->last_quarter_ix].n_user += n;
		p->quarters[ps->last_quarter_ix].n_messages += m;
		return 0;
	}
	if ((rc = imap_put(&i, &added, &ps->quarter_map, q,
	    p->n_quarters)) != 0)
		return rc;
	ps->last_quarter = q;
	ps->last_quarter_ix = i;
	if (added) {
		if ((rc = grow(&p->quarters, &ps->cap_quarters, p->n_quarters,
		    sizeof(*p->quarters))) != 0)
			return rc;
		e = &p->quarters[p->n_quarters++];
		e->quarter = q;
		e->n_user = e->n_messages = 0;
	}
	p->quarters[i].n_user += n;
	p->quarters[i].n_messages += m;
	return 0;
}

static void
extend(int64_t *lo, int64_t *hi, int64_t t)
{
	if (*lo == NONE || t < *lo)
		*lo = t;
	if (*hi == NONE || t > *hi)
		*hi = t;
}

/* Adds message counts to the figure sums. */
static void
add_msgs(int64_t *n, const struct msgs *m)
{
	n[ACC_MESSAGES] += m->user + m->assistant + m->agent;
	n[ACC_USER_MESSAGES] += m->user;
	n[ACC_ASSISTANT_MESSAGES] += m->assistant;
	n[ACC_AGENT_MESSAGES] += m->agent;
	n[ACC_UNDERSTOOD] += m->understood;
	n[ACC_NOT_UNDERSTOOD] += m->not_understood;
	n[ACC_CLICKS] += m->clicks;
	n[ACC_FALLBACKS] += m->fallbacks;
	n[ACC_FEEDBACK_UP] += m->up;
	n[ACC_FEEDBACK_DOWN] += m->down;
	n[ACC_FEEDBACK_NONE] += m->none;
	n[ACC_FEEDBACK_ANY] += m->up + m->down;
}

/*
 * A whole conversation's messages, from its rollups: not_understood is
 * only ever set on typed user messages (store_rollup.c), thumbs only
 * count on assistant messages, so the counts are those of its messages.
 */
static void
whole_msgs(int64_t *n, const struct period_conv *c)
{
	struct msgs m;

	m.user = c->n_user;
	m.assistant = c->n_assistant;
	m.agent = c->n_agent;
	m.understood = c->n_typed - c->n_not_understood;
	m.not_understood = c->n_not_understood;
	m.clicks = c->n_user - c->n_typed;
	m.fallbacks = c->n_fallbacks;
	m.up = c->n_feedback_up;
	m.down = c->n_feedback_down;
	m.none = c->n_assistant - c->n_feedback_up - c->n_feedback_down;
	add_msgs(n, &m);
}

/*
 * Where a conversation that passes the filters stands with its messages:
 * all in the period, some, or none (first and last NULL: none at all).
 */
static int
classify(struct pass *ps, const struct period_conv *c)
{
	struct period *p = ps->p;
	const struct convo_query *q = ps->q;
	unsigned char k;
	int rc;

	if (c->first_message_at == NONE || c->first_message_at >= q->until ||
	    c->last_message_at < q->since)
		k = CLS_OUT;
	else if (c->first_message_at >= q->since && c->last_message_at < q->until)
		k = CLS_WHOLE;
	else
		k = CLS_STRADDLE;
	if ((rc = cls_set(ps, c->id, k | CLS_PASSES)) != 0)
		return rc;
	if (k == CLS_STRADDLE) {
		if ((rc = grow(&ps->straddle, &ps->cap_straddle,
		    ps->n_straddle, sizeof(*ps->straddle))) != 0)
			return rc;
		ps->straddle[ps->n_straddle++] = c->id;
	} else if (k == CLS_WHOLE) {
		whole_msgs(p->n, c);
		extend(&p->msg_min, &p->msg_max, c->first_message_at);
		extend(&p->msg_min, &p->msg_max, c->last_message_at);
		if (ps->whole_lo > ps->whole_hi)
			ps->whole_lo = ps->whole_hi = c->id;
		else
			extend(&ps->whole_lo, &ps->whole_hi, c->id);
	}
	return 0;
}

/*
 * Reading rows.  The statements of a pass hand each row to the SQL
 * function convo_pass(pass, kind, column ...), which reads the values
 * where they are: faster than sqlite3_column_*() a column at a time.
 * It returns NULL; the statements' own rows are not read.
 */
enum kind {
	K_PERIOD,		/* a conversation that started in the period */
	K_FETCH,		/* one that did not */
	K_AFTER,		/* one that started after the period */
	K_ACTIVITY,		/* an activity row */
	K_STRADDLE,		/* a message of a straddling conversation */
	K_CLICK, K_AGENT, K_NOT_UNDERSTOOD,	/* partial index entries */
	K_LEAD			/* a lead created in the period */
};

/* The pointer type of convo_pass()'s first argument. */
static const char pass_type[] = "convo_pass";
/* A pass's rc: the statement may stop here, all is read. */
#define STOP 2

/*
 * The columns of a conversation, in the order of the argument list: the
 * base, then the figures', the fields that the filters and the groups
 * compare, and the groups' own.
 */
#define COLS_BASE \
	" c.id, c.started_at, c.user_id, c.source, c.status," \
	" c.first_message_at, c.last_message_at, c.n_user, c.n_assistant," \
	" c.n_agent, c.n_typed, c.n_fallbacks, c.n_not_understood," \
	" c.n_feedback_up, c.n_feedback_down"
enum {
	C_ID, C_STARTED, C_USER, C_SOURCE, C_STATUS, C_FIRST, C_LAST,
	C_N_USER, C_N_ASSISTANT, C_N_AGENT, C_N_TYPED, C_N_FALLBACKS,
	C_N_NOT_UNDERSTOOD, C_UP, C_DOWN, N_BASE
};
#define COLS_FIGURES \
	", c.n_handovers, c.n_handover_direct, c.n_handover_after_fallback," \
	" c.n_handover_operator_button, c.n_leads, c.csat, c.csat_offered," \
	" c.first_response_ms, c.agent_pickup_ms, c.input_tokens," \
	" c.output_tokens, c.cost, c.last_role, c.last_fallback"
enum {
	F_HANDOVERS, F_DIRECT, F_AFTER, F_BUTTON, F_LEADS, F_CSAT, F_OFFERED,
	F_FIRST_RESPONSE, F_PICKUP, F_INPUT, F_OUTPUT, F_COST, F_LAST_ROLE,
	F_LAST_FALLBACK, N_FIGURE_COLS
};
/* DIM_ASSISTANT .. DIM_REGION, then DIM_CITY and the opening key. */
#define COLS_FIELDS ", c.assistant, c.device, c.browser, c.country, c.region"
#define N_FIELDS 5
#define COLS_GROUPS ", c.city, c.opening_key"

/*
 * The period's conversations, in start order, as total(cost) read them:
 * ?2 since, ?3 until; or every row in row order, ?4 and ?5 the lowest
 * and highest id (the start test is then a formality).
 */
static const char from_period[] =
	") FROM conversation c WHERE c.started_at >= ?2 AND c.started_at < ?3"
	" ORDER BY c.started_at, c.id";
static const char from_all[] =
	") FROM conversation c NOT INDEXED WHERE c.id >= ?4 AND c.id <= ?5"
	" AND c.started_at >= ?2 AND c.started_at < ?3";
static const char from_id[] = ") FROM conversation c WHERE c.id = ?2";

/*
 * Assembles the statement of what the pass needs, from static text
 * only, and sets the layout of its columns.
 */
static int
select_sql(struct buf *b, struct layout *lo, unsigned needs, int fields,
    const char *kind, const char *from)
{
	int rc, col = N_BASE;

	lo->figures = lo->fields = lo->groups = -1;
	if ((rc = buf_adds(b, "SELECT convo_pass(?1, ")) == 0 &&
	    (rc = buf_adds(b, kind)) == 0)
		rc = buf_adds(b, COLS_BASE);
	if (rc == 0 && (needs & PERIOD_FIGURES)) {
		lo->figures = col;
		col += N_FIGURE_COLS;
		rc = buf_adds(b, COLS_FIGURES);
	}
	if (rc == 0 && (fields || (needs & PERIOD_DIMENSIONS))) {
		lo->fields = col;
		col += N_FIELDS;
		rc = buf_adds(b, COLS_FIELDS);
	}
	if (rc == 0 && (needs & PERIOD_DIMENSIONS)) {
		lo->groups = col;
		rc = buf_adds(b, COLS_GROUPS);
	}
	if (rc == 0)
		rc = buf_adds(b, from);
	return rc == 0 ? 0 : CONVO_ENOMEM;
}

/* Prepares a statement of the pass, its ?1 bound to the pass. */
static int
pass_prepare(struct pass *ps, sqlite3_stmt **s, const char *sql)
{
	int rc;

	if ((rc = store_prepare(ps->st, s, sql)) != 0)
		return rc;
	sqlite3_bind_pointer(*s, 1, ps, pass_type, NULL);
	return 0;
}

/* Steps s to its end, each row handed to convo_pass(), and resets it. */
static int
drain(struct pass *ps, sqlite3_stmt *s)
{
	int step, rc;

	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	rc = ps->rc;
	ps->rc = 0;
	if (rc == STOP)
		return 0;
	if (rc != 0)
		return rc;
	return step == SQLITE_DONE ? 0 : store_fail(ps->st, step,
	    "cannot read the database");
}

static int64_t
v_int(sqlite3_value *v, int64_t null)
{
	return sqlite3_value_type(v) == SQLITE_NULL ? null :
	    sqlite3_value_int64(v);
}

/* The text of v, or NULL, and its length in *len. */
static const char *
v_text(sqlite3_value *v, size_t *len)
{
	const char *t = (const char *)sqlite3_value_text(v);

	*len = t ? (size_t)sqlite3_value_bytes(v) : 0;
	return t;
}

static int
text_is(const char *v, size_t len, const char *want)
{
	return v != NULL && len == strlen(want) && memcmp(v, want, len) == 0;
}

/* The base columns into c. */
static void
read_base(struct period_conv *c, sqlite3_value **v)
{
	size_t len;
	const char *status = v_text(v[C_STATUS], &len);

	c->id = sqlite3_value_int64(v[C_ID]);
	c->started_at = sqlite3_value_int64(v[C_STARTED]);
	c->user_id = sqlite3_value_int64(v[C_USER]);
	c->active = text_is(status, len, "active");
	c->ended = text_is(status, len, "ended");
	c->first_message_at = v_int(v[C_FIRST], NONE);
	c->last_message_at = v_int(v[C_LAST], NONE);
	c->n_user = sqlite3_value_int64(v[C_N_USER]);
	c->n_assistant = sqlite3_value_int64(v[C_N_ASSISTANT]);
	c->n_agent = sqlite3_value_int64(v[C_N_AGENT]);
	c->n_typed = sqlite3_value_int64(v[C_N_TYPED]);
	c->n_fallbacks = sqlite3_value_int64(v[C_N_FALLBACKS]);
	c->n_not_understood = sqlite3_value_int64(v[C_N_NOT_UNDERSTOOD]);
	c->n_feedback_up = sqlite3_value_int64(v[C_UP]);
	c->n_feedback_down = sqlite3_value_int64(v[C_DOWN]);
}

static void
read_figures(struct period_conv *c, sqlite3_value **v)
{
	size_t len;
	const char *role = v_text(v[F_LAST_ROLE], &len);

	c->n_handovers = sqlite3_value_int64(v[F_HANDOVERS]);
	c->n_handover_direct = sqlite3_value_int64(v[F_DIRECT]);
	c->n_handover_after_fallback = sqlite3_value_int64(v[F_AFTER]);
	c->n_handover_operator_button = sqlite3_value_int64(v[F_BUTTON]);
	c->n_leads = sqlite3_value_int64(v[F_LEADS]);
	c->csat = v_int(v[F_CSAT], 0);
	c->csat_offered = sqlite3_value_int64(v[F_OFFERED]);
	c->first_response_ms = v_int(v[F_FIRST_RESPONSE], NONE);
	c->agent_pickup_ms = v_int(v[F_PICKUP], NONE);
	c->input_tokens = sqlite3_value_int64(v[F_INPUT]);
	c->output_tokens = sqlite3_value_int64(v[F_OUTPUT]);
	c->cost = sqlite3_value_double(v[F_COST]);
	c->last_role_user = text_is(role, len, "user");
	c->last_role_assistant = text_is(role, len, "assistant");
	c->last_fallback = sqlite3_value_int64(v[F_LAST_FALLBACK]);
}

/* coalesce(v, '') = want */
static int
field_is(const char *v, size_t len, const char *want)
{
	return v == NULL ? *want == '\0' : text_is(v, len, want);
}

/*
 * Whether the row passes the filters other than test traffic
 * (STORE_CONV_MATCH); dims[] hold the fields when the filters need them.
 */
static int
passes(const struct pass *ps, const struct period_conv *c,
    const char *const *dims, const size_t *len)
{
	const struct convo_query *q = ps->q;
	const char *want[N_DIMS] = { NULL, q->assistant, q->device,
		q->browser, q->country, q->region, NULL };
	int d;

	if (q->source != NULL && !text_is(dims[DIM_SOURCE], len[DIM_SOURCE],
	    q->source))
		return 0;
	if (q->status != NULL && !(strcmp(q->status, "active") == 0 ?
	    c->active : strcmp(q->status, "ended") == 0 ? c->ended : 0))
		return 0;
	if (ps->has_user == 2 || (ps->has_user && c->user_id != ps->user_id))
		return 0;
	for (d = DIM_ASSISTANT; d <= DIM_REGION; d++)
		if (want[d] != NULL && !field_is(dims[d], len[d], want[d]))
			return 0;
	return 1;
}

/* The texts of the row's fields: source, then those in the list. */
static void
read_fields(const char **dims, size_t *len, sqlite3_value **v,
    const struct layout *lo)
{
	int d;

	memset(dims, 0, N_DIMS * sizeof(*dims));
	memset(len, 0, N_DIMS * sizeof(*len));
	dims[DIM_SOURCE] = v_text(v[C_SOURCE], &len[DIM_SOURCE]);
	if (lo->fields >= 0)
		for (d = DIM_ASSISTANT; d <= DIM_REGION; d++)
			dims[d] = v_text(v[lo->fields + d - DIM_ASSISTANT],
			    &len[d]);
	if (lo->groups >= 0)
		dims[DIM_CITY] = v_text(v[lo->groups], &len[DIM_CITY]);
}

static int
is_test(const char *const *dims, const size_t *len)
{
	return text_is(dims[DIM_SOURCE], len[DIM_SOURCE], "test_chat");
}

/*
 * reopen_rate: a contained conversation c of the period is reopened when
 * its user starts another conversation o (not test traffic unless asked
 * for) with c's start <= o's start <= coalesce(c's last message, c's
 * start) + the window (store_kpi.c's REOPENED).  The conversations come
 * in start order: the user's next one settles c; one with the same
 * start read before c settles it at once.
 */
static void
reopen_candidate(struct pass *ps, struct user *u, int64_t started_at)
{
	if (u->flags & U_PENDING) {
		if (started_at <= u->bound)
			ps->p->n[ACC_REOPENED]++;
		u->flags &= ~U_PENDING;
		ps->n_pending--;
	}
}

static void
reopen_target(struct pass *ps, struct user *u, const struct period_conv *c)
{
	int64_t bound = (c->last_message_at != NONE ? c->last_message_at :
	    c->started_at) + ps->q->reopen_window_ms;

	if (c->started_at > bound)
		return;
	if ((u->flags & U_HAS_LAST) && u->last_start == c->started_at) {
		ps->p->n[ACC_REOPENED]++;
		return;
	}
	u->flags |= U_PENDING;
	u->bound = bound;
	ps->n_pending++;
	if (bound > ps->max_bound)
		ps->max_bound = bound;
}

/*
 * Distinct users per group value: a user's first conversation counts it
 * for each of its values, and a second value is kept too; a third looks
 * in the set of pairs.
 */
static int
dim_user(struct pass *ps, struct user *u, size_t user, int d, size_t value)
{
	struct period_groups *gs = &ps->p->dim[d];
	int64_t key;
	size_t i;
	int added, rc;

	if (u->dim[d] == (int32_t)value || u->dim2[d] == (int32_t)value)
		return 0;
	if (u->dim2[d] < 0) {
		u->dim2[d] = (int32_t)value;
		gs->g[value].n[1]++;
		return 0;
	}
	if (value >= (size_t)1 << 28 || user >= (size_t)1 << 32)
		return CONVO_ENOMEM;
	key = (int64_t)((uint64_t)d << 60 | (uint64_t)value << 32 | user);
	if ((rc = imap_put(&i, &added, &ps->pairs, key, 0)) != 0)
		return rc;
	gs->g[value].n[1] += added;
	return 0;
}

/* The groups of a conversation that passes: dims, status, question. */
static int
add_groups(struct pass *ps, struct user *u, size_t user,
    const char *const *dims, const size_t *len, sqlite3_value **v,
    const struct period_conv *c)
{
	struct period *p = ps->p;
	sqlite3_value *key = v[ps->lo.groups + 1];
	const char *t;
	size_t idx, l;
	int d, rc, first = !(u->flags & U_DIMS);

	for (d = 0; d < N_DIMS; d++) {
		/* nullif(c.col, ''): no value and '' are one group */
		t = dims[d] != NULL && len[d] > 0 ? dims[d] : NULL;
		l = len[d];
		if ((rc = group_recent(&idx, &p->dim[d], ps->recent[d], t,
		    l)) != 0)
			return rc;
		p->dim[d].g[idx].n[0]++;
		if (first) {
			u->dim[d] = (int32_t)idx;
			u->dim2[d] = -1;
			p->dim[d].g[idx].n[1]++;
		} else if ((rc = dim_user(ps, u, user, d, idx)) != 0)
			return rc;
	}
	u->flags |= U_DIMS;
	p->n_active += c->active;
	p->n_ended += c->ended;
	if (sqlite3_value_type(key) == SQLITE_NULL)
		return 0;
	if ((rc = group_get(&idx, &p->questions, sqlite3_value_int64(key),
	    NULL, NULL, 0)) != 0)
		return rc;
	if (p->questions.g[idx].n[0]++ == 0)
		p->questions.g[idx].conv = c->id;
	return 0;
}

/* What a conversation of the period that passes the filters adds. */
static int
add_conversation(struct pass *ps, struct user *u, size_t user,
    const char *const *dims, const size_t *len, sqlite3_value **v,
    const struct period_conv *c)
{
	struct period *p = ps->p;
	int rc;

	extend(&p->conv_min, &p->conv_max, c->started_at);
	if ((ps->needs & PERIOD_MESSAGES) && (rc = classify(ps, c)) != 0)
		return rc;
	if (ps->needs & PERIOD_FIGURES) {
		u->flags |= U_SEEN | (c->n_handovers > 0 ? U_HANDOVER : 0);
		if ((rc = store_kpi_conversation(p->n, &p->cost, p->sample,
		    c)) != 0)
			return rc;
	}
	if ((ps->needs & PERIOD_DIMENSIONS) &&
	    (rc = add_groups(ps, u, user, dims, len, v, c)) != 0)
		return rc;
	if (ps->needs & PERIOD_STARTS) {
		if ((rc = grow(&p->starts, &ps->cap_starts, p->n_starts,
		    sizeof(*p->starts))) != 0)
			return rc;
		p->starts[p->n_starts].at = c->started_at;
		p->starts[p->n_starts++].user = user;
	}
	return 0;
}

/* In row order, costs are kept to be summed in start order if need be. */
static int
keep_cost(struct pass *ps, const struct period_conv *c)
{
	int rc;

	if (!ps->full || !(ps->needs & PERIOD_FIGURES) || c->cost == 0)
		return 0;
	if ((rc = grow(&ps->costs, &ps->cap_costs, ps->n_costs,
	    sizeof(*ps->costs))) != 0)
		return rc;
	ps->costs[ps->n_costs].started_at = c->started_at;
	ps->costs[ps->n_costs].id = c->id;
	ps->costs[ps->n_costs++].cost = c->cost;
	return 0;
}

/* K_PERIOD: a conversation that started in the period. */
static int
period_row(struct pass *ps, sqlite3_value **v)
{
	const char *dims[N_DIMS];
	size_t len[N_DIMS], user = 0;
	struct period_conv c;
	struct user *u = NULL;
	int rc, ok;

	read_base(&c, v);
	read_fields(dims, len, v, &ps->lo);
	if (is_test(dims, len) && !ps->q->include_test)
		return (ps->needs & PERIOD_MESSAGES) ?
		    cls_set(ps, c.id, CLS_OUT) : 0;
	if (ps->lo.figures >= 0)
		read_figures(&c, v + ps->lo.figures);
	if (ps->full) {
		ps->unsorted |= c.started_at < ps->last_start;
		ps->last_start = c.started_at;
	}
	ok = passes(ps, &c, dims, len);
	if (!ok && (ps->needs & PERIOD_MESSAGES) &&
	    (rc = cls_set(ps, c.id, CLS_OUT)) != 0)
		return rc;
	if (ps->needs & (PERIOD_FIGURES | PERIOD_DIMENSIONS | PERIOD_STARTS)) {
		if ((rc = user_get(&u, &user, ps, c.user_id)) != 0)
			return rc;
		if ((ps->needs & PERIOD_FIGURES) && (u->flags & U_HAS_LAST) &&
		    c.started_at < u->last_start)
			return RESTART;
		if (ps->needs & PERIOD_FIGURES)
			reopen_candidate(ps, u, c.started_at);
	}
	if (ok && ((rc = add_conversation(ps, u, user, dims, len, v,
	    &c)) != 0 || (rc = keep_cost(ps, &c)) != 0))
		return rc;
	if (ok && (ps->needs & PERIOD_FIGURES) && c.n_handovers == 0)
		reopen_target(ps, u, &c);
	if (u != NULL) {
		u->last_start = c.started_at;
		u->flags |= U_HAS_LAST;
	}
	return 0;
}

static int
read_period(struct pass *ps)
{
	sqlite3_stmt *s;
	struct buf b;
	int rc;

	buf_init(&b, 1 << 16);
	rc = select_sql(&b, &ps->lo, ps->needs, ps->fields, "0,",
	    ps->full ? from_all : from_period);
	if (rc == 0)
		rc = pass_prepare(ps, &s, b.data);
	buf_release(&b);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since);
	sqlite3_bind_int64(s, 3, ps->q->until);
	if (ps->full) {
		sqlite3_bind_int64(s, 4, ps->id_lo);
		sqlite3_bind_int64(s, 5, ps->id_hi);
	}
	rc = drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

/*
 * K_AFTER: the conversations that start after the period and may reopen
 * one of it, in start order, until none is pending.
 */
static const char sql_after[] =
	"SELECT convo_pass(?1, 2, c.user_id, c.started_at,"
	" c.source = 'test_chat') FROM conversation c"
	" WHERE c.started_at >= ?2 AND c.started_at <= ?3"
	" ORDER BY c.started_at, c.id";

static int
after_row(struct pass *ps, sqlite3_value **v)
{
	struct user *u;

	if (sqlite3_value_int(v[2]) && !ps->q->include_test)
		return 0;
	if ((u = user_find(ps, sqlite3_value_int64(v[0]))) != NULL)
		reopen_candidate(ps, u, sqlite3_value_int64(v[1]));
	return ps->n_pending == 0 ? STOP : 0;
}

static int
read_after(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if (ps->n_pending == 0)
		return 0;
	if ((rc = pass_prepare(ps, &s, sql_after)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->until);
	sqlite3_bind_int64(s, 3, ps->max_bound);
	rc = drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

/*
 * K_FETCH: a conversation with messages in the period that did not
 * start in it: its messages count, it does not.
 */
static int
fetch_row(struct pass *ps, sqlite3_value **v)
{
	const struct layout lo = { -1, N_BASE, -1 };
	const char *dims[N_DIMS];
	size_t len[N_DIMS];
	struct period_conv c;

	read_base(&c, v);
	read_fields(dims, len, v, &lo);
	if ((is_test(dims, len) && !ps->q->include_test) ||
	    !passes(ps, &c, dims, len))
		return cls_set(ps, c.id, CLS_OUT);
	return classify(ps, &c);
}

static int
fetch_conversation(struct pass *ps, int64_t id)
{
	struct layout lo;
	struct buf b;
	int rc;

	if (ps->fetch == NULL) {
		buf_init(&b, 1 << 16);
		rc = select_sql(&b, &lo, 0, 1, "1,", from_id);
		if (rc == 0)
			rc = pass_prepare(ps, &ps->fetch, b.data);
		buf_release(&b);
		if (rc != 0)
			return rc;
	}
	sqlite3_bind_int64(ps->fetch, 2, id);
	if ((rc = drain(ps, ps->fetch)) != 0)
		return rc;
	/* Gone since the activity row was read: none of it counts. */
	return cls_get(ps, id) == CLS_UNKNOWN ? cls_set(ps, id, CLS_OUT) : 0;
}

/*
 * K_ACTIVITY: the activity rows of the period's quarters: the quarters
 * of the whole conversations, and the conversations that did not start
 * in the period.
 */
static const char sql_activity[] =
	"SELECT convo_pass(?1, 3, quarter, conversation_id, n_user,"
	" n_messages) FROM activity WHERE quarter >= ?2 AND quarter < ?3";

static int
activity_row(struct pass *ps, sqlite3_value **v)
{
	int64_t id = sqlite3_value_int64(v[1]);
	unsigned char k = cls_get(ps, id);
	int rc;

	if (k == CLS_UNKNOWN) {
		/* (A statement of its own: this one is running.) */
		if ((rc = fetch_conversation(ps, id)) != 0)
			return rc;
		k = cls_get(ps, id);
	}
	if ((k & CLS_MASK) != CLS_WHOLE || !(ps->needs & PERIOD_QUARTERS))
		return 0;
	return quarter_add(ps, sqlite3_value_int64(v[0]),
	    sqlite3_value_int64(v[2]), sqlite3_value_int64(v[3]));
}

static int
read_activity(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = pass_prepare(ps, &s, sql_activity)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since / QUARTER_MS);
	sqlite3_bind_int64(s, 3, (ps->q->until - 1) / QUARTER_MS + 1);
	rc = drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

/*
 * Whether the period holds every start: then no conversation with
 * messages in it started outside it, and the rows are best read in row
 * order.
 */
static const char sql_start_range[] =
	"SELECT (SELECT min(started_at) FROM conversation),"
	" (SELECT max(started_at) FROM conversation)";

static int
holds_all(int *out, struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	*out = 0;
	if ((rc = store_prepare(ps->st, &s, sql_start_range)) != 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_type(s, 0) == SQLITE_NULL ||
		    (sqlite3_column_int64(s, 0) >= ps->q->since &&
		    sqlite3_column_int64(s, 1) < ps->q->until);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(ps->st, rc,
	    "cannot read the database");
}

static int
cmp_cost(const void *pa, const void *pb)
{
	const struct cost *a = pa, *b = pb;

	if (a->started_at != b->started_at)
		return a->started_at < b->started_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int
cmp_start(const void *pa, const void *pb)
{
	const struct period_start *a = pa, *b = pb;

	return (a->at > b->at) - (a->at < b->at);
}

/* Rows read out of start order: the costs and starts put in order. */
static void
reorder(struct pass *ps)
{
	struct period *p = ps->p;
	size_t i;

	if (!ps->unsorted)
		return;
	qsort(ps->costs, ps->n_costs, sizeof(*ps->costs), cmp_cost);
	p->cost = 0;
	for (i = 0; i < ps->n_costs; i++)
		p->cost += ps->costs[i].cost;
	qsort(p->starts, p->n_starts, sizeof(*p->starts), cmp_start);
}

/*
 * Groups of messages: clicks, named agents, not-understood texts.  A
 * normalized text that is empty is left out.
 */
static int
add_click(struct pass *ps, sqlite3_value **v)
{
	const char *t[3];
	size_t len[3], i;
	int k, rc;

	for (k = 0; k < 3; k++)
		t[k] = v_text(v[k], &len[k]);
	if ((rc = group_get(&i, &ps->p->clicks, 0, t, len, 3)) != 0)
		return rc;
	ps->p->clicks.g[i].n[0]++;
	return 0;
}

/* An agent's message, with its feedback (text or NULL). */
static int
add_agent(struct pass *ps, sqlite3_value *agent, sqlite3_value *feedback)
{
	const char *t, *fb;
	size_t len, fblen, i;
	int rc;

	t = v_text(agent, &len);
	fb = v_text(feedback, &fblen);
	if ((rc = group_get(&i, &ps->p->agents, 0, &t, &len, 1)) != 0)
		return rc;
	ps->p->agents.g[i].n[0]++;
	ps->p->agents.g[i].n[1] += text_is(fb, fblen, "up");
	ps->p->agents.g[i].n[2] += text_is(fb, fblen, "down");
	return 0;
}

/* The group of a normalized text, -1 for none: into *out. */
static int
normal_group(int64_t *out, struct pass *ps, const unsigned char *t, size_t n)
{
	char buf[512], *norm = buf;
	const char *v;
	size_t len, i;
	int rc = 0;

	*out = -1;
	if (n > sizeof(buf) && (norm = malloc(n)) == NULL)
		return CONVO_ENOMEM;
	if ((len = text_normalize(norm, t, n)) > 0) {
		v = norm;
		if ((rc = group_get(&i, &ps->p->not_understood, 0, &v, &len,
		    1)) == 0)
			*out = (int64_t)i;
	}
	if (norm != buf)
		free(norm);
	return rc;
}

/*
 * A not-understood text counts in the group of its normal form; the
 * texts as they are remember theirs, since most recur.
 */
static int
add_not_understood(struct pass *ps, sqlite3_value *text)
{
	struct period_group *raw;
	size_t n, i;
	const char *t = v_text(text, &n);
	int rc;

	if (t == NULL)
		return 0;
	if ((rc = group_get(&i, &ps->raw, 0, &t, &n, 1)) != 0)
		return rc;
	raw = &ps->raw.g[i];
	if (raw->n[0]++ == 0 && (rc = normal_group(&raw->n[1], ps,
	    (const unsigned char *)t, n)) != 0)
		return rc;
	if (raw->n[1] >= 0)
		ps->p->not_understood.g[raw->n[1]].n[0]++;
	return 0;
}

/*
 * K_STRADDLE: the messages in the period of a conversation that
 * straddles one of its ends.
 */
static const char sql_straddle[] =
	"SELECT convo_pass(?1, 4, ts, role, click_type, click_title,"
	" click_target, not_understood, fallback, feedback, agent,"
	" CASE WHEN not_understood = 1 THEN text END)"
	" FROM message WHERE conversation_id = ?2 AND ts >= ?3 AND ts < ?4"
	" AND role <> 'system'";
enum {
	M_TS, M_ROLE, M_CLICK_TYPE, M_CLICK_TITLE, M_CLICK_TARGET, M_NU,
	M_FALLBACK, M_FEEDBACK, M_AGENT, M_TEXT
};

/* One message: counted in the pass's msgs; the groups take it. */
static int
straddle_row(struct pass *ps, sqlite3_value **v)
{
	struct msgs *m = &ps->msgs;
	size_t len, fblen;
	const char *role = v_text(v[M_ROLE], &len);
	const char *fb = v_text(v[M_FEEDBACK], &fblen);
	int64_t ts = sqlite3_value_int64(v[M_TS]);
	int user = text_is(role, len, "user");
	int assistant = text_is(role, len, "assistant");
	int click = sqlite3_value_type(v[M_CLICK_TYPE]) != SQLITE_NULL;
	int nu = sqlite3_value_int64(v[M_NU]) == 1;
	const char *agent;
	int rc = 0;

	m->user += user;
	m->assistant += assistant;
	m->agent += text_is(role, len, "agent");
	m->understood += user && !click && sqlite3_value_int64(v[M_NU]) == 0;
	m->not_understood += user && nu;
	m->clicks += user && click;
	m->fallbacks += assistant && sqlite3_value_int64(v[M_FALLBACK]) == 1;
	m->up += assistant && text_is(fb, fblen, "up");
	m->down += assistant && text_is(fb, fblen, "down");
	m->none += assistant && fb == NULL;
	extend(&ps->p->msg_min, &ps->p->msg_max, ts);
	if (ps->needs & PERIOD_QUARTERS)
		rc = quarter_add(ps, ts / QUARTER_MS, user, 1);
	if (rc == 0 && user && click && (ps->needs & PERIOD_CLICKS))
		rc = add_click(ps, v + M_CLICK_TYPE);
	agent = v_text(v[M_AGENT], &len);
	if (rc == 0 && assistant && agent != NULL && len > 0 &&
	    (ps->needs & PERIOD_AGENTS))
		rc = add_agent(ps, v[M_AGENT], v[M_FEEDBACK]);
	if (rc == 0 && user && nu && (ps->needs & PERIOD_NOT_UNDERSTOOD))
		rc = add_not_understood(ps, v[M_TEXT]);
	return rc;
}

static int
read_straddling(struct pass *ps)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (ps->n_straddle == 0)
		return 0;
	if ((rc = pass_prepare(ps, &s, sql_straddle)) != 0)
		return rc;
	sqlite3_bind_int64(s, 3, ps->q->since);
	sqlite3_bind_int64(s, 4, ps->q->until);
	for (i = 0; rc == 0 && i < ps->n_straddle; i++) {
		sqlite3_bind_int64(s, 2, ps->straddle[i]);
		rc = drain(ps, s);
	}
	sqlite3_finalize(s);
	add_msgs(ps->p->n, &ps->msgs);
	return rc;
}

/*
 * K_CLICK, K_AGENT, K_NOT_UNDERSTOOD: the whole conversations' entries
 * in a partial index, by a range of conversation ids.
 */
static const char sql_clicks[] =
	"SELECT convo_pass(?1, 5, conversation_id, click_type, click_title,"
	" click_target) FROM message INDEXED BY message_click"
	" WHERE role = 'user' AND click_type IS NOT NULL"
	" AND conversation_id >= ?2 AND conversation_id <= ?3";
static const char sql_agents[] =
	"SELECT convo_pass(?1, 6, conversation_id, agent, feedback)"
	" FROM message INDEXED BY message_agent"
	" WHERE role = 'assistant' AND agent IS NOT NULL AND agent <> ''"
	" AND conversation_id >= ?2 AND conversation_id <= ?3";
static const char sql_not_understood[] =
	"SELECT convo_pass(?1, 7, conversation_id, text)"
	" FROM message INDEXED BY message_not_understood"
	" WHERE role = 'user' AND not_understood = 1"
	" AND conversation_id >= ?2 AND conversation_id <= ?3";

static int
index_row(struct pass *ps, int kind, sqlite3_value **v)
{
	if ((cls_get(ps, sqlite3_value_int64(v[0])) & CLS_MASK) != CLS_WHOLE)
		return 0;
	return kind == K_CLICK ? add_click(ps, v + 1) :
	    kind == K_AGENT ? add_agent(ps, v[1], v[2]) :
	    add_not_understood(ps, v[1]);
}

static int
read_index(struct pass *ps, unsigned need, const char *sql)
{
	sqlite3_stmt *s;
	int rc;

	if (!(ps->needs & need) || ps->whole_lo > ps->whole_hi)
		return 0;
	if ((rc = pass_prepare(ps, &s, sql)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->whole_lo);
	sqlite3_bind_int64(s, 3, ps->whole_hi);
	rc = drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

/*
 * K_LEAD: "leads created in the period" (store_kpi.c), of conversations
 * that pass the filters, started at any time.
 */
static const char sql_leads[] =
	"SELECT convo_pass(?1, 8, conversation_id)"
	" FROM lead INDEXED BY lead_created"
	" WHERE created_at >= ?2 AND created_at < ?3";

static int
lead_row(struct pass *ps, sqlite3_value **v)
{
	int64_t id = sqlite3_value_int64(v[0]);
	int rc;

	if (cls_get(ps, id) == CLS_UNKNOWN &&
	    (rc = fetch_conversation(ps, id)) != 0)
		return rc;
	ps->p->n[ACC_LEADS] += (cls_get(ps, id) & CLS_PASSES) != 0;
	return 0;
}

static int
read_leads(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = pass_prepare(ps, &s, sql_leads)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since);
	sqlite3_bind_int64(s, 3, ps->q->until);
	rc = drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

/* SQL convo_pass(pass, kind, column ...): hands a row to the pass. */
static void
sql_pass(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const int want[] = { N_BASE, N_BASE + N_FIELDS, 3, 4, 10, 4,
		3, 2, 1 };
	struct pass *ps;
	sqlite3_value **v = argv + 2;
	int kind, rc;

	ps = argc >= 2 ? sqlite3_value_pointer(argv[0], pass_type) : NULL;
	kind = argc >= 2 ? sqlite3_value_int(argv[1]) : -1;
	if (ps == NULL || kind < 0 || kind > K_LEAD ||
	    argc - 2 < want[kind]) {
		sqlite3_result_error(ctx, "convo_pass() misused", -1);
		return;
	}
	if (ps->rc != 0)
		rc = ps->rc;
	else if (kind == K_PERIOD)
		rc = period_row(ps, v);
	else if (kind == K_FETCH)
		rc = fetch_row(ps, v);
	else if (kind == K_AFTER)
		rc = after_row(ps, v);
	else if (kind == K_ACTIVITY)
		rc = activity_row(ps, v);
	else if (kind == K_STRADDLE)
		rc = straddle_row(ps, v);
	else if (kind == K_LEAD)
		rc = lead_row(ps, v);
	else
		rc = index_row(ps, kind, v);
	if (rc != 0) {
		ps->rc = rc;
		sqlite3_result_error_code(ctx, SQLITE_ABORT);
	}
}

int
store_period_functions(struct convo_store *st)
{
	int rc;

	rc = sqlite3_create_function_v2(st->db, "convo_pass", -1,
	    SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, sql_pass, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot register a function");
	return 0;
}

/*
 * new_users and returning_users: users of the period whose first
 * conversation ever started in it, or before it.  first_seen is no later
 * than the start of any of the user's conversations, so before until.
 */
static const char sql_first_seen[] =
	"SELECT (SELECT min(first_seen) FROM user),"
	" EXISTS (SELECT 1 FROM user WHERE first_seen IS NULL)";
static const char sql_new_users[] =
	"SELECT id, 1 FROM user WHERE first_seen >= ?1 AND first_seen < ?2"
	" UNION ALL SELECT id, 0 FROM user WHERE first_seen IS NULL";

static int
count_users(struct pass *ps)
{
	int64_t *n = ps->p->n, lo;
	struct user *u;
	sqlite3_stmt *s;
	size_t i;
	int rc, step, any_null;

	for (i = 0; i < ps->p->n_users; i++) {
		n[ACC_USERS] += (ps->users[i].flags & U_SEEN) != 0;
		n[ACC_HANDOVER_USERS] += (ps->users[i].flags & U_HANDOVER) != 0;
	}
	if ((rc = store_prepare(ps->st, &s, sql_first_seen)) != 0)
		return rc;
	if ((step = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_fail(ps->st, step, "cannot read the database");
	}
	lo = sqlite3_column_type(s, 0) == SQLITE_NULL ? NONE :
	    sqlite3_column_int64(s, 0);
	any_null = sqlite3_column_int(s, 1);
	sqlite3_finalize(s);
	if (!any_null && lo != NONE && lo >= ps->q->since) {
		n[ACC_NEW_USERS] = n[ACC_USERS];
		return 0;
	}
	if ((rc = store_prepare(ps->st, &s, sql_new_users)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, ps->q->since);
	sqlite3_bind_int64(s, 2, ps->q->until);
	any_null = 0;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		u = user_find(ps, sqlite3_column_int64(s, 0));
		if (u == NULL || !(u->flags & U_SEEN))
			continue;
		if (sqlite3_column_int(s, 1))
			n[ACC_NEW_USERS]++;
		else
			any_null++;
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		return store_fail(ps->st, step, "cannot read the database");
	n[ACC_RETURNING_USERS] = n[ACC_USERS] - n[ACC_NEW_USERS] - any_null;
	return 0;
}

/* The --user filter: the user with that token, if any. */
static const char sql_user[] =
	"SELECT id FROM user WHERE token = ?1 AND anonymous = 0";

static int
resolve_user(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	ps->has_user = ps->q->user != NULL;
	ps->user_id = -1;
	if (!ps->has_user)
		return 0;
	if ((rc = store_prepare(ps->st, &s, sql_user)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, ps->q->user, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ps->user_id = sqlite3_column_int64(s, 0);
	else
		ps->has_user = 2;	/* no such user: nothing passes */
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(ps->st, rc, "cannot read the database");
}

static void
pass_release(struct pass *ps)
{
	free(ps->cls);
	imap_release(&ps->cls_map);
	free(ps->straddle);
	free(ps->user_ix);
	imap_release(&ps->user_map);
	free(ps->users);
	imap_release(&ps->pairs);
	imap_release(&ps->quarter_map);
	sqlite3_finalize(ps->fetch);
	free(ps->costs);
	groups_release(&ps->raw);
}

static int
run(struct pass *ps, int by_index)
{
	int rc, all;

	if ((rc = resolve_user(ps)) != 0 || (rc = cls_init(ps)) != 0 ||
	    (rc = users_init(ps)) != 0 || (rc = holds_all(&all, ps)) != 0)
		return rc;
	ps->full = all && !by_index;
	if ((rc = read_period(ps)) != 0)
		return rc;
	reorder(ps);
	if ((ps->needs & PERIOD_FIGURES) && (rc = read_after(ps)) != 0)
		return rc;
	if (ps->needs & PERIOD_MESSAGES) {
		if ((ps->needs & PERIOD_QUARTERS) || !all)
			rc = read_activity(ps);
		if (rc == 0 && (ps->needs & PERIOD_FIGURES))
			rc = read_leads(ps);
		if (rc == 0)
			rc = read_straddling(ps);
		if (rc == 0)
			rc = read_index(ps, PERIOD_CLICKS, sql_clicks);
		if (rc == 0)
			rc = read_index(ps, PERIOD_AGENTS, sql_agents);
		if (rc == 0)
			rc = read_index(ps, PERIOD_NOT_UNDERSTOOD,
			    sql_not_understood);
	}
	if (rc == 0 && (ps->needs & PERIOD_FIGURES))
		rc = count_users(ps);
	return rc;
}

static void
period_free(struct period *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < N_SAMPLES; i++)
		free(p->sample[i].v);
	for (i = 0; i < N_DIMS; i++)
		groups_release(&p->dim[i]);
	groups_release(&p->questions);
	groups_release(&p->clicks);
	groups_release(&p->agents);
	groups_release(&p->not_understood);
	free(p->starts);
	free(p->quarters);
	free(p);
}

/*
 * Computes a new pass over q: in row order if it holds every start,
 * again through the index if that finds a user's conversations out of
 * start order.
 */
static int
compute(struct period **out, struct convo_store *st,
    const struct convo_query *q, unsigned needs)
{
	struct pass ps;
	struct period *p;
	int rc = RESTART, by_index;

	*out = NULL;
	for (by_index = 0; rc == RESTART && by_index < 2; by_index++) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return CONVO_ENOMEM;
		p->conv_min = p->conv_max = p->msg_min = p->msg_max = NONE;
		memset(&ps, 0, sizeof(ps));
		ps.st = st;
		ps.q = q;
		ps.p = p;
		ps.needs = needs;
		ps.whole_lo = 1;
		ps.whole_hi = 0;
		ps.max_bound = INT64_MIN;
		ps.last_start = INT64_MIN;
		ps.last_quarter_ix = SIZE_MAX;
		ps.fields = q->assistant != NULL || q->device != NULL ||
		    q->browser != NULL || q->country != NULL ||
		    q->region != NULL;
		rc = run(&ps, by_index);
		pass_release(&ps);
		if (rc != 0)
			period_free(p);
	}
	if (rc != 0)
		return rc == RESTART ? CONVO_EINTERNAL : rc;
	p->have = needs;
	*out = p;
	return 0;
}

/*
 * The cache: passes by query, the most recent first, valid while the
 * database is as it was (PRAGMA data_version for other connections'
 * changes, sqlite3_total_changes64() for this one's).
 */
struct cached {
	struct convo_query q;	/* its strings point into strs */
	char *strs;
	struct period *p;
	unsigned expect;	/* to compute with the next pass */
};

struct period_cache {
	struct cached c[CACHE_SIZE];
	size_t n;
	int64_t data_version, changes;
};

static int
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static int
same_query(const struct convo_query *a, const struct convo_query *b)
{
	return a->since == b->since && a->until == b->until &&
	    a->include_test == b->include_test && a->now == b->now &&
	    a->reopen_window_ms == b->reopen_window_ms &&
	    same_str(a->source, b->source) &&
	    same_str(a->assistant, b->assistant) &&
	    same_str(a->status, b->status) && same_str(a->user, b->user) &&
	    same_str(a->device, b->device) &&
	    same_str(a->browser, b->browser) &&
	    same_str(a->country, b->country) &&
	    same_str(a->region, b->region);
}

static void
cached_release(struct cached *c)
{
	period_free(c->p);
	free(c->strs);
	memset(c, 0, sizeof(*c));
}

/* A copy of q whose strings live in c->strs. */
static int
cached_key(struct cached *c, const struct convo_query *q)
{
	const char **f[] = { &c->q.source, &c->q.assistant, &c->q.status,
		&c->q.user, &c->q.device, &c->q.browser, &c->q.country,
		&c->q.region };
	size_t i, n = 0, len;
	char *p;

	c->q = *q;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		n += *f[i] != NULL ? strlen(*f[i]) + 1 : 0;
	if ((c->strs = p = malloc(n + 1)) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (*f[i] == NULL)
			continue;
		len = strlen(*f[i]) + 1;
		memcpy(p, *f[i], len);
		*f[i] = p;
		p += len;
	}
	return 0;
}

static const char sql_data_version[] = "PRAGMA data_version";

/* Empties the cache when the database changed since it was filled. */
static int
cache_check(struct convo_store *st)
{
	struct period_cache *pc = st->periods;
	int64_t version, changes = sqlite3_total_changes64(st->db);
	size_t i;
	int rc;

	if ((rc = store_query_int(st, sql_data_version, &version)) != 0)
		return rc;
	if (version != pc->data_version || changes != pc->changes) {
		for (i = 0; i < pc->n; i++)
			cached_release(&pc->c[i]);
		pc->n = 0;
		pc->data_version = version;
		pc->changes = changes;
	}
	return 0;
}

/* The entry of q, moved to the front; a new one if there is none. */
static int
cache_entry(struct cached **out, struct convo_store *st,
    const struct convo_query *q)
{
	struct period_cache *pc;
	struct cached c;
	size_t i;
	int rc;

	if (st->periods == NULL &&
	    (st->periods = calloc(1, sizeof(*st->periods))) == NULL)
		return CONVO_ENOMEM;
	if ((rc = cache_check(st)) != 0)
		return rc;
	pc = st->periods;
	for (i = 0; i < pc->n && !same_query(&pc->c[i].q, q); i++)
		;
	if (i == pc->n) {
		memset(&c, 0, sizeof(c));
		if ((rc = cached_key(&c, q)) != 0)
			return rc;
		if (pc->n == CACHE_SIZE)
			cached_release(&pc->c[--pc->n]);
		i = pc->n++;
		pc->c[i] = c;
	}
	c = pc->c[i];
	memmove(&pc->c[1], &pc->c[0], i * sizeof(pc->c[0]));
	pc->c[0] = c;
	*out = &pc->c[0];
	return 0;
}

int
store_period(struct period **out, struct convo_store *st,
    const struct convo_query *q, unsigned needs)
{
	struct cached *c;
	struct period *p;
	int rc;

	*out = NULL;
	if ((rc = cache_entry(&c, st, q)) != 0)
		return rc;
	if (c->p != NULL && (c->p->have & needs) == needs) {
		*out = c->p;
		return 0;
	}
	needs |= c->expect | (c->p != NULL ? c->p->have : 0);
	if ((rc = compute(&p, st, &c->q, needs)) != 0)
		return rc;
	period_free(c->p);
	c->p = p;
	c->expect = 0;
	*out = p;
	return 0;
}

void
store_period_expect(struct convo_store *st, const struct convo_query *q,
    unsigned needs)
{
	struct cached *c;

	if (cache_entry(&c, st, q) == 0)
		c->expect |= needs;
}

void
store_period_release(struct convo_store *st)
{
	size_t i;

	if (st->periods == NULL)
		return;
	for (i = 0; i < st->periods->n; i++)
		cached_release(&st->periods->c[i]);
	free(st->periods);
	st->periods = NULL;
}
