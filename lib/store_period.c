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

static uint64_t
group_hash(int64_t key, const char *const *v, const size_t *len, int parts)
{
	uint64_t h = HASH64_INIT ^ mix64((uint64_t)key);
	int i;

	for (i = 0; i < parts; i++) {
		h = hash64(h, v[i] ? "\1" : "\0", 1);
		if (v[i] != NULL)
			h = hash64(h, v[i], len[i]);
		h = hash64(h, "\0", 1);
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
 * The working state of a pass.
 */

/* What a pass knows of a conversation id, in class[]. */
enum cls {
	CLS_UNKNOWN,		/* not started in the period, not seen yet */
	CLS_OUT,		/* filtered out, or no message in the period */
	CLS_WHOLE,		/* all its messages lie in the period */
	CLS_STRADDLE		/* some do, some do not */
};

/* A user of the period. */
struct user {
	int64_t last_start;	/* the start of its latest conversation read */
	int64_t bound;		/* the pending one's reopen window end */
	int32_t dim[N_DIMS];	/* the values of its first conversation */
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
	/* Users: index in map, state in users[]. */
	struct imap user_map;
	struct user *users;
	size_t cap_users;
	size_t n_pending;	/* users with U_PENDING */
	int64_t max_bound;	/* the latest of their bounds */
	struct imap pairs;	/* (dim, value, user) beyond dim[] */
	struct imap quarter_map;	/* quarter -> index in quarters */
	size_t cap_quarters, cap_starts;
	sqlite3_stmt *fetch;	/* one conversation by id */
};

/* The message counts of a period, kpis.md's definitions. */
struct msgs {
	int64_t user, assistant, agent, understood, not_understood, clicks;
	int64_t fallbacks, up, down, none;
};

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

/* The user's state, new ones zeroed. */
static int
user_get(struct user **out, size_t *idx, struct pass *ps, int64_t user_id)
{
	int added, rc;

	if ((rc = imap_put(idx, &added, &ps->user_map, user_id,
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

	if ((rc = imap_put(&i, &added, &ps->quarter_map, q,
	    p->n_quarters)) != 0)
		return rc;
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
	if ((rc = cls_set(ps, c->id, k)) != 0)
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
 * Reading conversation rows.  The columns, in the order of the SELECT
 * list: the base, then the figures', the fields the filters and groups
 * compare, and the groups' own.
 */
#define SELECT_BASE \
	"SELECT c.id, c.started_at, c.user_id, c.source, c.status," \
	" c.first_message_at, c.last_message_at, c.n_user, c.n_assistant," \
	" c.n_agent, c.n_typed, c.n_fallbacks, c.n_not_understood," \
	" c.n_feedback_up, c.n_feedback_down"
enum {
	C_ID, C_STARTED, C_USER, C_SOURCE, C_STATUS, C_FIRST, C_LAST,
	C_N_USER, C_N_ASSISTANT, C_N_AGENT, C_N_TYPED, C_N_FALLBACKS,
	C_N_NOT_UNDERSTOOD, C_UP, C_DOWN, N_BASE
};
#define SELECT_FIGURES \
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
#define SELECT_FIELDS ", c.assistant, c.device, c.browser, c.country, c.region"
#define N_FIELDS 5
#define SELECT_GROUPS ", c.city, c.opening_key"

/* Where each part of the SELECT list starts (-1: not in it). */
struct layout {
	int figures, fields, groups;
};

/* The period's conversations, in start order, as total(cost) read them. */
static const char from_period[] =
	" FROM conversation c WHERE c.started_at >= ?1 AND c.started_at < ?2"
	" ORDER BY c.started_at, c.id";
static const char from_id[] = " FROM conversation c WHERE c.id = ?1";

/* Assembles the SELECT of what needs asks for, from static text only. */
static int
select_sql(struct buf *b, struct layout *lo, unsigned needs, int fields,
    const char *from)
{
	int rc, col = N_BASE;

	lo->figures = lo->fields = lo->groups = -1;
	rc = buf_adds(b, SELECT_BASE);
	if (rc == 0 && (needs & PERIOD_FIGURES)) {
		lo->figures = col;
		col += N_FIGURE_COLS;
		rc = buf_adds(b, SELECT_FIGURES);
	}
	if (rc == 0 && (fields || (needs & PERIOD_DIMENSIONS))) {
		lo->fields = col;
		col += N_FIELDS;
		rc = buf_adds(b, SELECT_FIELDS);
	}
	if (rc == 0 && (needs & PERIOD_DIMENSIONS)) {
		lo->groups = col;
		rc = buf_adds(b, SELECT_GROUPS);
	}
	if (rc == 0)
		rc = buf_adds(b, from);
	return rc == 0 ? 0 : CONVO_ENOMEM;
}

static int64_t
col_int(sqlite3_stmt *s, int i, int64_t null)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? null :
	    sqlite3_column_int64(s, i);
}

/* Column i as text: NULL and its length in *len. */
static const char *
col_text(sqlite3_stmt *s, int i, size_t *len)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	*len = v ? (size_t)sqlite3_column_bytes(s, i) : 0;
	return v;
}

static int
text_is(const char *v, size_t len, const char *want)
{
	return v != NULL && len == strlen(want) && memcmp(v, want, len) == 0;
}

/* The base columns into c. */
static void
read_base(struct period_conv *c, sqlite3_stmt *s)
{
	size_t len;
	const char *status = col_text(s, C_STATUS, &len);

	c->id = sqlite3_column_int64(s, C_ID);
	c->started_at = sqlite3_column_int64(s, C_STARTED);
	c->user_id = sqlite3_column_int64(s, C_USER);
	c->active = text_is(status, len, "active");
	c->ended = text_is(status, len, "ended");
	c->first_message_at = col_int(s, C_FIRST, NONE);
	c->last_message_at = col_int(s, C_LAST, NONE);
	c->n_user = sqlite3_column_int64(s, C_N_USER);
	c->n_assistant = sqlite3_column_int64(s, C_N_ASSISTANT);
	c->n_agent = sqlite3_column_int64(s, C_N_AGENT);
	c->n_typed = sqlite3_column_int64(s, C_N_TYPED);
	c->n_fallbacks = sqlite3_column_int64(s, C_N_FALLBACKS);
	c->n_not_understood = sqlite3_column_int64(s, C_N_NOT_UNDERSTOOD);
	c->n_feedback_up = sqlite3_column_int64(s, C_UP);
	c->n_feedback_down = sqlite3_column_int64(s, C_DOWN);
}

static void
read_figures(struct period_conv *c, sqlite3_stmt *s, int at)
{
	size_t len;
	const char *role = col_text(s, at + F_LAST_ROLE, &len);

	c->n_handovers = sqlite3_column_int64(s, at + F_HANDOVERS);
	c->n_handover_direct = sqlite3_column_int64(s, at + F_DIRECT);
	c->n_handover_after_fallback = sqlite3_column_int64(s, at + F_AFTER);
	c->n_handover_operator_button = sqlite3_column_int64(s,
	    at + F_BUTTON);
	c->n_leads = sqlite3_column_int64(s, at + F_LEADS);
	c->csat = col_int(s, at + F_CSAT, 0);
	c->csat_offered = sqlite3_column_int64(s, at + F_OFFERED);
	c->first_response_ms = col_int(s, at + F_FIRST_RESPONSE, NONE);
	c->agent_pickup_ms = col_int(s, at + F_PICKUP, NONE);
	c->input_tokens = sqlite3_column_int64(s, at + F_INPUT);
	c->output_tokens = sqlite3_column_int64(s, at + F_OUTPUT);
	c->cost = sqlite3_column_double(s, at + F_COST);
	c->last_role_user = text_is(role, len, "user");
	c->last_role_assistant = text_is(role, len, "assistant");
	c->last_fallback = sqlite3_column_int64(s, at + F_LAST_FALLBACK);
}

/* coalesce(v, '') = want */
static int
field_is(const char *v, size_t len, const char *want)
{
	return v == NULL ? *want == '\0' : text_is(v, len, want);
}

/*
 * Whether the row passes the filters other than test traffic
 * (STORE_CONV_MATCH); dims[] are the fields when lo->fields >= 0.
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

/* The texts of the row's fields: source, then those in the SELECT. */
static void
read_fields(const char **dims, size_t *len, sqlite3_stmt *s,
    const struct layout *lo)
{
	int d;

	memset(dims, 0, N_DIMS * sizeof(*dims));
	memset(len, 0, N_DIMS * sizeof(*len));
	dims[DIM_SOURCE] = col_text(s, C_SOURCE, &len[DIM_SOURCE]);
	if (lo->fields >= 0)
		for (d = DIM_ASSISTANT; d <= DIM_REGION; d++)
			dims[d] = col_text(s, lo->fields + d - DIM_ASSISTANT,
			    &len[d]);
	if (lo->groups >= 0)
		dims[DIM_CITY] = col_text(s, lo->groups, &len[DIM_CITY]);
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
 * for each of its values; a later one with another value looks in the
 * set of pairs.
 */
static int
dim_user(struct pass *ps, struct user *u, size_t user, int d, size_t value)
{
	struct period_groups *gs = &ps->p->dim[d];
	int64_t key;
	size_t i;
	int added, rc;

	if (u->dim[d] == (int32_t)value)
		return 0;
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
    const char *const *dims, const size_t *len, sqlite3_stmt *s,
    const struct layout *lo, const struct period_conv *c)
{
	struct period *p = ps->p;
	const char *v;
	size_t idx, l;
	int d, rc, first = !(u->flags & U_DIMS);

	for (d = 0; d < N_DIMS; d++) {
		/* nullif(c.col, ''): no value and '' are one group */
		v = dims[d] != NULL && len[d] > 0 ? dims[d] : NULL;
		l = len[d];
		if ((rc = group_get(&idx, &p->dim[d], 0, &v, &l, 1)) != 0)
			return rc;
		p->dim[d].g[idx].n[0]++;
		if (first) {
			u->dim[d] = (int32_t)idx;
			p->dim[d].g[idx].n[1]++;
		} else if ((rc = dim_user(ps, u, user, d, idx)) != 0)
			return rc;
	}
	u->flags |= U_DIMS;
	p->n_active += c->active;
	p->n_ended += c->ended;
	if (sqlite3_column_type(s, lo->groups + 1) == SQLITE_NULL)
		return 0;
	if ((rc = group_get(&idx, &p->questions, sqlite3_column_int64(s,
	    lo->groups + 1), NULL, NULL, 0)) != 0)
		return rc;
	if (p->questions.g[idx].n[0]++ == 0)
		p->questions.g[idx].conv = c->id;
	return 0;
}

/* What a conversation of the period that passes the filters adds. */
static int
add_conversation(struct pass *ps, struct user *u, size_t user,
    const char *const *dims, const size_t *len, sqlite3_stmt *s,
    const struct layout *lo, const struct period_conv *c)
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
	    (rc = add_groups(ps, u, user, dims, len, s, lo, c)) != 0)
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

/* One row of the conversations that started in the period. */
static int
period_row(struct pass *ps, sqlite3_stmt *s, const struct layout *lo)
{
	const char *dims[N_DIMS];
	size_t len[N_DIMS], user = 0;
	struct period_conv c;
	struct user *u = NULL;
	int rc, ok;

	read_base(&c, s);
	read_fields(dims, len, s, lo);
	if (is_test(dims, len) && !ps->q->include_test)
		return (ps->needs & PERIOD_MESSAGES) ?
		    cls_set(ps, c.id, CLS_OUT) : 0;
	if (lo->figures >= 0)
		read_figures(&c, s, lo->figures);
	ok = passes(ps, &c, dims, len);
	if (!ok && (ps->needs & PERIOD_MESSAGES) &&
	    (rc = cls_set(ps, c.id, CLS_OUT)) != 0)
		return rc;
	if (ps->needs & (PERIOD_FIGURES | PERIOD_DIMENSIONS | PERIOD_STARTS)) {
		if ((rc = user_get(&u, &user, ps, c.user_id)) != 0)
			return rc;
		if (ps->needs & PERIOD_FIGURES)
			reopen_candidate(ps, u, c.started_at);
	}
	if (ok && (rc = add_conversation(ps, u, user, dims, len, s, lo,
	    &c)) != 0)
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
	struct layout lo;
	sqlite3_stmt *s;
	struct buf b;
	int rc, step;

	buf_init(&b, 1 << 16);
	rc = select_sql(&b, &lo, ps->needs, ps->fields, from_period);
	if (rc == 0)
		rc = store_prepare(ps->st, &s, b.data);
	buf_release(&b);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 1, ps->q->since);
	sqlite3_bind_int64(s, 2, ps->q->until);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = period_row(ps, s, &lo)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(ps->st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}

/*
 * The conversations that start after the period and may reopen one of
 * it: in start order, until none is pending.
 */
static const char sql_after[] =
	"SELECT c.user_id, c.started_at, c.source = 'test_chat'"
	" FROM conversation c WHERE c.started_at >= ?1 AND c.started_at <= ?2"
	" ORDER BY c.started_at, c.id";

static int
read_after(struct pass *ps)
{
	sqlite3_stmt *s;
	int64_t idx;
	int rc = 0, step = SQLITE_DONE;

	if (ps->n_pending == 0)
		return 0;
	if ((rc = store_prepare(ps->st, &s, sql_after)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, ps->q->until);
	sqlite3_bind_int64(s, 2, ps->max_bound);
	while (ps->n_pending > 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_int(s, 2) && !ps->q->include_test)
			continue;
		idx = imap_get(&ps->user_map, sqlite3_column_int64(s, 0));
		if (idx >= 0)
			reopen_candidate(ps, &ps->users[idx],
			    sqlite3_column_int64(s, 1));
	}
	if (ps->n_pending > 0 && step != SQLITE_DONE)
		rc = store_fail(ps->st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}

/*
 * A conversation with messages in the period that did not start in it:
 * its messages count, it does not.
 */
static int
fetch_conversation(struct pass *ps, int64_t id)
{
	const char *dims[N_DIMS];
	size_t len[N_DIMS];
	struct period_conv c;
	struct layout lo;
	struct buf b;
	int rc;

	if (ps->fetch == NULL) {
		buf_init(&b, 1 << 16);
		rc = select_sql(&b, &lo, 0, 1, from_id);
		if (rc == 0)
			rc = store_prepare(ps->st, &ps->fetch, b.data);
		buf_release(&b);
		if (rc != 0)
			return rc;
	}
	lo.figures = lo.groups = -1;
	lo.fields = N_BASE;
	sqlite3_bind_int64(ps->fetch, 1, id);
	if ((rc = sqlite3_step(ps->fetch)) != SQLITE_ROW) {
		sqlite3_reset(ps->fetch);
		return rc == SQLITE_DONE ? cls_set(ps, id, CLS_OUT) :
		    store_fail(ps->st, rc, "cannot read the database");
	}
	read_base(&c, ps->fetch);
	read_fields(dims, len, ps->fetch, &lo);
	if ((is_test(dims, len) && !ps->q->include_test) ||
	    !passes(ps, &c, dims, len))
		rc = cls_set(ps, id, CLS_OUT);
	else
		rc = classify(ps, &c);
	sqlite3_reset(ps->fetch);
	return rc;
}

/*
 * The activity rows of the period's quarters: the quarters of the whole
 * conversations, and the conversations that did not start in the period.
 */
static const char sql_activity[] =
	"SELECT quarter, conversation_id, n_user, n_messages FROM activity"
	" WHERE quarter >= ?1 AND quarter < ?2";

static int
activity_row(struct pass *ps, sqlite3_stmt *s)
{
	int64_t id = sqlite3_column_int64(s, 1);
	unsigned char k = cls_get(ps, id);
	int rc;

	if (k == CLS_UNKNOWN) {
		if ((rc = fetch_conversation(ps, id)) != 0)
			return rc;
		k = cls_get(ps, id);
	}
	if (k != CLS_WHOLE || !(ps->needs & PERIOD_QUARTERS))
		return 0;
	return quarter_add(ps, sqlite3_column_int64(s, 0),
	    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3));
}

static int
read_activity(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc, step;

	if ((rc = store_prepare(ps->st, &s, sql_activity)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, ps->q->since / QUARTER_MS);
	sqlite3_bind_int64(s, 2, (ps->q->until - 1) / QUARTER_MS + 1);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = activity_row(ps, s)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(ps->st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}

/*
 * Whether some conversation with messages in the period may have
 * started outside it: not when every conversation started in it.
 */
static const char sql_start_range[] =
	"SELECT (SELECT min(started_at) FROM conversation),"
	" (SELECT max(started_at) FROM conversation)";

static int
others_possible(int *out, struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	*out = 1;
	if ((rc = store_prepare(ps->st, &s, sql_start_range)) != 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_type(s, 0) != SQLITE_NULL &&
		    (sqlite3_column_int64(s, 0) < ps->q->since ||
		    sqlite3_column_int64(s, 1) >= ps->q->until);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(ps->st, rc,
	    "cannot read the database");
}

/*
 * Groups of messages: clicks, named agents, not-understood texts.  A
 * normalized text that is empty is left out.
 */
static int
add_click(struct pass *ps, sqlite3_stmt *s, int at)
{
	const char *v[3];
	size_t len[3], i;
	int k, rc;

	for (k = 0; k < 3; k++)
		v[k] = col_text(s, at + k, &len[k]);
	if ((rc = group_get(&i, &ps->p->clicks, 0, v, len, 3)) != 0)
		return rc;
	ps->p->clicks.g[i].n[0]++;
	return 0;
}

/* feedback: the column's text, or NULL. */
static int
add_agent(struct pass *ps, sqlite3_stmt *s, int at, int feedback)
{
	const char *v, *fb;
	size_t len, fblen, i;
	int rc;

	v = col_text(s, at, &len);
	fb = col_text(s, feedback, &fblen);
	if ((rc = group_get(&i, &ps->p->agents, 0, &v, &len, 1)) != 0)
		return rc;
	ps->p->agents.g[i].n[0]++;
	ps->p->agents.g[i].n[1] += text_is(fb, fblen, "up");
	ps->p->agents.g[i].n[2] += text_is(fb, fblen, "down");
	return 0;
}

static int
add_not_understood(struct pass *ps, sqlite3_stmt *s, int at)
{
	const unsigned char *t = sqlite3_column_text(s, at);
	size_t n, len, i;
	char buf[512], *out = buf;
	const char *v;
	int rc = 0;

	if (t == NULL)
		return 0;
	n = (size_t)sqlite3_column_bytes(s, at);
	if (n > sizeof(buf) && (out = malloc(n)) == NULL)
		return CONVO_ENOMEM;
	if ((len = text_normalize(out, t, n)) > 0) {
		v = out;
		if ((rc = group_get(&i, &ps->p->not_understood, 0, &v, &len,
		    1)) == 0)
			ps->p->not_understood.g[i].n[0]++;
	}
	if (out != buf)
		free(out);
	return rc;
}

/*
 * The messages in the period of a conversation that straddles one of
 * its ends.
 */
static const char sql_straddle[] =
	"SELECT ts, role, click_type, click_title, click_target,"
	" not_understood, fallback, feedback, agent,"
	" CASE WHEN not_understood = 1 THEN text END"
	" FROM message WHERE conversation_id = ?1 AND ts >= ?2 AND ts < ?3"
	" AND role <> 'system'";
enum {
	M_TS, M_ROLE, M_CLICK_TYPE, M_CLICK_TITLE, M_CLICK_TARGET, M_NU,
	M_FALLBACK, M_FEEDBACK, M_AGENT, M_TEXT
};

/* One message: m_user etc. count it; the groups take it. */
static int
straddle_message(struct pass *ps, struct msgs *m, sqlite3_stmt *s)
{
	size_t len, fblen;
	const char *role = col_text(s, M_ROLE, &len);
	const char *fb = col_text(s, M_FEEDBACK, &fblen);
	int64_t ts = sqlite3_column_int64(s, M_TS);
	int user = text_is(role, len, "user");
	int assistant = text_is(role, len, "assistant");
	int click = sqlite3_column_type(s, M_CLICK_TYPE) != SQLITE_NULL;
	int nu = sqlite3_column_int64(s, M_NU) == 1;
	const char *agent;
	int rc = 0;

	m->user += user;
	m->assistant += assistant;
	m->agent += text_is(role, len, "agent");
	m->understood += user && !click && sqlite3_column_int64(s, M_NU) == 0;
	m->not_understood += user && nu;
	m->clicks += user && click;
	m->fallbacks += assistant && sqlite3_column_int64(s, M_FALLBACK) == 1;
	m->up += assistant && text_is(fb, fblen, "up");
	m->down += assistant && text_is(fb, fblen, "down");
	m->none += assistant && fb == NULL;
	extend(&ps->p->msg_min, &ps->p->msg_max, ts);
	if (ps->needs & PERIOD_QUARTERS)
		rc = quarter_add(ps, ts / QUARTER_MS, user, 1);
	if (rc == 0 && user && click && (ps->needs & PERIOD_CLICKS))
		rc = add_click(ps, s, M_CLICK_TYPE);
	agent = col_text(s, M_AGENT, &len);
	if (rc == 0 && assistant && agent != NULL && len > 0 &&
	    (ps->needs & PERIOD_AGENTS))
		rc = add_agent(ps, s, M_AGENT, M_FEEDBACK);
	if (rc == 0 && user && nu && (ps->needs & PERIOD_NOT_UNDERSTOOD))
		rc = add_not_understood(ps, s, M_TEXT);
	return rc;
}

static int
read_straddling(struct pass *ps)
{
	struct msgs m;
	sqlite3_stmt *s;
	size_t i;
	int rc, step = SQLITE_DONE;

	if (ps->n_straddle == 0)
		return 0;
	if ((rc = store_prepare(ps->st, &s, sql_straddle)) != 0)
		return rc;
	memset(&m, 0, sizeof(m));
	sqlite3_bind_int64(s, 2, ps->q->since);
	sqlite3_bind_int64(s, 3, ps->q->until);
	for (i = 0; rc == 0 && i < ps->n_straddle; i++) {
		sqlite3_bind_int64(s, 1, ps->straddle[i]);
		while ((step = sqlite3_step(s)) == SQLITE_ROW)
			if ((rc = straddle_message(ps, &m, s)) != 0)
				break;
		if (rc == 0 && step != SQLITE_DONE)
			rc = store_fail(ps->st, step, "cannot read the database");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	add_msgs(ps->p->n, &m);
	return rc;
}

/*
 * The whole conversations' entries in a partial index, by a range of
 * conversation ids.
 */
static const char sql_clicks[] =
	"SELECT conversation_id, click_type, click_title, click_target"
	" FROM message INDEXED BY message_click"
	" WHERE role = 'user' AND click_type IS NOT NULL"
	" AND conversation_id >= ?1 AND conversation_id <= ?2";
static const char sql_agents[] =
	"SELECT conversation_id, agent, feedback"
	" FROM message INDEXED BY message_agent"
	" WHERE role = 'assistant' AND agent IS NOT NULL AND agent <> ''"
	" AND conversation_id >= ?1 AND conversation_id <= ?2";
static const char sql_not_understood[] =
	"SELECT conversation_id, text"
	" FROM message INDEXED BY message_not_understood"
	" WHERE role = 'user' AND not_understood = 1"
	" AND conversation_id >= ?1 AND conversation_id <= ?2";

static int
read_index(struct pass *ps, unsigned need, const char *sql)
{
	sqlite3_stmt *s;
	int rc, step;

	if (!(ps->needs & need) || ps->whole_lo > ps->whole_hi)
		return 0;
	if ((rc = store_prepare(ps->st, &s, sql)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, ps->whole_lo);
	sqlite3_bind_int64(s, 2, ps->whole_hi);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (cls_get(ps, sqlite3_column_int64(s, 0)) != CLS_WHOLE)
			continue;
		rc = need == PERIOD_CLICKS ? add_click(ps, s, 1) :
		    need == PERIOD_AGENTS ? add_agent(ps, s, 1, 2) :
		    add_not_understood(ps, s, 1);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(ps->st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
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
	int64_t *n = ps->p->n, idx, lo;
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
	lo = col_int(s, 0, NONE);
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
		idx = imap_get(&ps->user_map, sqlite3_column_int64(s, 0));
		if (idx < 0 || !(ps->users[idx].flags & U_SEEN))
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
	imap_release(&ps->user_map);
	free(ps->users);
	imap_release(&ps->pairs);
	imap_release(&ps->quarter_map);
	sqlite3_finalize(ps->fetch);
}

static int
run(struct pass *ps)
{
	int rc, others = 0;

	if ((rc = resolve_user(ps)) != 0 || (rc = cls_init(ps)) != 0 ||
	    (rc = read_period(ps)) != 0)
		return rc;
	if ((ps->needs & PERIOD_FIGURES) && (rc = read_after(ps)) != 0)
		return rc;
	if (ps->needs & PERIOD_MESSAGES) {
		if (!(ps->needs & PERIOD_QUARTERS))
			rc = others_possible(&others, ps);
		if (rc == 0 && ((ps->needs & PERIOD_QUARTERS) || others))
			rc = read_activity(ps);
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

/* Computes a new pass over q. */
static int
compute(struct period **out, struct convo_store *st,
    const struct convo_query *q, unsigned needs)
{
	struct pass ps;
	struct period *p;
	int rc;

	*out = NULL;
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
	ps.fields = q->assistant != NULL || q->device != NULL ||
	    q->browser != NULL || q->country != NULL || q->region != NULL;
	rc = run(&ps);
	pass_release(&ps);
	if (rc != 0) {
		period_free(p);
		return rc;
	}
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
