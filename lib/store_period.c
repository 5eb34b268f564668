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

#include "store_period.h"

/* Passes kept: the period, the previous one, the trend's, one more. */
#define CACHE_SIZE 4

int
period_cls_set(struct pass *ps, int64_t id, unsigned char c)
{
	int64_t v;
	size_t i;
	int added;

	if (ps->cls != NULL && id >= ps->id_lo && id <= ps->id_hi) {
		ps->cls[id - ps->id_lo] = c;
		return 0;
	}
	/* Rare: an id outside the range read at the start. */
	v = period_map_get(&ps->cls_map, id);
	if (v >= 0)
		return v == c ? 0 : CONVO_EINTERNAL;
	return period_map_put(&i, &added, &ps->cls_map, id, c);
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
	if (ps->id_hi >= ps->id_lo &&
	    ps->id_hi - ps->id_lo < INT64_C(1) << 28 &&
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
		i = period_map_get(&ps->user_map, id);
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
	} else if ((rc = period_map_put(idx, &added, &ps->user_map, id,
	    ps->p->n_users)) != 0)
		return rc;
	if (added) {
		if ((rc = period_grow(&ps->users, &ps->cap_users,
		    ps->p->n_users, sizeof(*ps->users))) != 0)
			return rc;
		memset(&ps->users[ps->p->n_users++], 0, sizeof(*ps->users));
	}
	*out = &ps->users[*idx];
	return 0;
}

/*
 * Reading rows.  The statements of a pass hand each row to the SQL
 * function convo_pass(pass, kind, column ...), which reads the values
 * where they are: faster than sqlite3_column_*() a column at a time.
 * It returns NULL; the statements' own rows are not read.
 */

/* The pointer type of convo_pass()'s first argument. */
static const char pass_type[] = "convo_pass";

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
 * ?2 since, ?3 until; or, when it holds every start, every row in row
 * order, ?4 and ?5 the lowest and highest id.
 */
static const char from_period[] =
	") FROM conversation c WHERE c.started_at >= ?2 AND c.started_at < ?3"
	" ORDER BY c.started_at, c.id";
static const char from_all[] =
	") FROM conversation c NOT INDEXED WHERE c.id >= ?4 AND c.id <= ?5";
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
int
period_prepare(struct pass *ps, sqlite3_stmt **s, const char *sql)
{
	int rc;

	if ((rc = store_prepare(ps->st, s, sql)) != 0)
		return rc;
	sqlite3_bind_pointer(*s, 1, ps, pass_type, NULL);
	return 0;
}

/* Steps s to its end, each row handed to convo_pass(), and resets it. */
int
period_drain(struct pass *ps, sqlite3_stmt *s)
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

/* The base columns into c. */
static void
read_base(struct period_conv *c, sqlite3_value **v)
{
	size_t len;
	const char *status = period_text(v[C_STATUS], &len);

	c->id = sqlite3_value_int64(v[C_ID]);
	c->started_at = sqlite3_value_int64(v[C_STARTED]);
	c->user_id = sqlite3_value_int64(v[C_USER]);
	c->active = period_text_is(status, len, "active");
	c->ended = period_text_is(status, len, "ended");
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
	const char *role = period_text(v[F_LAST_ROLE], &len);

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
	c->last_role_user = period_text_is(role, len, "user");
	c->last_role_assistant = period_text_is(role, len, "assistant");
	c->last_fallback = sqlite3_value_int64(v[F_LAST_FALLBACK]);
}

/* coalesce(v, '') = want */
static int
field_is(const char *v, size_t len, const char *want)
{
	return v == NULL ? *want == '\0' : period_text_is(v, len, want);
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

	if (q->source != NULL && !period_text_is(dims[DIM_SOURCE],
	    len[DIM_SOURCE], q->source))
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
	dims[DIM_SOURCE] = period_text(v[C_SOURCE], &len[DIM_SOURCE]);
	if (lo->fields >= 0)
		for (d = DIM_ASSISTANT; d <= DIM_REGION; d++)
			dims[d] = period_text(v[lo->fields + d - DIM_ASSISTANT],
			    &len[d]);
	if (lo->groups >= 0)
		dims[DIM_CITY] = period_text(v[lo->groups], &len[DIM_CITY]);
}

static int
is_test(const char *const *dims, const size_t *len)
{
	return period_text_is(dims[DIM_SOURCE], len[DIM_SOURCE], "test_chat");
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
	if ((rc = period_map_put(&i, &added, &ps->pairs, key, 0)) != 0)
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
		if ((rc = period_group_recent(&idx, &p->dim[d],
		    ps->recent[d], t, l)) != 0)
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
	if ((rc = period_group_get(&idx, &p->questions,
	    sqlite3_value_int64(key), NULL, NULL, 0)) != 0)
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

	period_extend(&p->conv_min, &p->conv_max, c->started_at);
	if ((ps->needs & PERIOD_MESSAGES) && (rc = period_classify(ps, c)) != 0)
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
		if ((rc = period_grow(&p->starts, &ps->cap_starts, p->n_starts,
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
	if ((rc = period_grow(&ps->costs, &ps->cap_costs, ps->n_costs,
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
		    period_cls_set(ps, c.id, CLS_OUT) : 0;
	if (ps->lo.figures >= 0)
		read_figures(&c, v + ps->lo.figures);
	if (ps->full) {
		ps->unsorted |= c.started_at < ps->last_start;
		ps->last_start = c.started_at;
	}
	ok = passes(ps, &c, dims, len);
	if (!ok && (ps->needs & PERIOD_MESSAGES) &&
	    (rc = period_cls_set(ps, c.id, CLS_OUT)) != 0)
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
		rc = period_prepare(ps, &s, b.data);
	buf_release(&b);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since);
	sqlite3_bind_int64(s, 3, ps->q->until);
	if (ps->full) {
		sqlite3_bind_int64(s, 4, ps->id_lo);
		sqlite3_bind_int64(s, 5, ps->id_hi);
	}
	rc = period_drain(ps, s);
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
	if ((rc = period_prepare(ps, &s, sql_after)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->until);
	sqlite3_bind_int64(s, 3, ps->max_bound);
	rc = period_drain(ps, s);
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
		return period_cls_set(ps, c.id, CLS_OUT);
	return period_classify(ps, &c);
}

int
period_fetch(struct pass *ps, int64_t id)
{
	struct layout lo;
	struct buf b;
	int rc;

	if (ps->fetch == NULL) {
		buf_init(&b, 1 << 16);
		rc = select_sql(&b, &lo, 0, 1, "1,", from_id);
		if (rc == 0)
			rc = period_prepare(ps, &ps->fetch, b.data);
		buf_release(&b);
		if (rc != 0)
			return rc;
	}
	sqlite3_bind_int64(ps->fetch, 2, id);
	if ((rc = period_drain(ps, ps->fetch)) != 0)
		return rc;
	/* Gone since the activity row was read: none of it counts. */
	if (period_cls_get(ps, id) == CLS_UNKNOWN)
		return period_cls_set(ps, id, CLS_OUT);
	return 0;
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
	if (ps->n_costs > 0)
		qsort(ps->costs, ps->n_costs, sizeof(*ps->costs), cmp_cost);
	p->cost = 0;
	for (i = 0; i < ps->n_costs; i++)
		p->cost += ps->costs[i].cost;
	if (p->n_starts > 0)
		qsort(p->starts, p->n_starts, sizeof(*p->starts), cmp_start);
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
		rc = period_activity_row(ps, v);
	else if (kind == K_STRADDLE)
		rc = period_straddle_row(ps, v);
	else if (kind == K_LEAD)
		rc = period_lead_row(ps, v);
	else
		rc = period_index_row(ps, kind, v);
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
	period_map_release(&ps->cls_map);
	free(ps->straddle);
	free(ps->user_ix);
	period_map_release(&ps->user_map);
	free(ps->users);
	period_map_release(&ps->pairs);
	period_map_release(&ps->quarter_map);
	sqlite3_finalize(ps->fetch);
	free(ps->costs);
	period_groups_release(&ps->raw);
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
			rc = period_read_activity(ps);
		if (rc == 0 && (ps->needs & PERIOD_FIGURES))
			rc = period_read_leads(ps);
		if (rc == 0)
			rc = period_read_straddling(ps);
		if (rc == 0)
			rc = period_read_indexes(ps);
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
		period_groups_release(&p->dim[i]);
	period_groups_release(&p->questions);
	period_groups_release(&p->clicks);
	period_groups_release(&p->agents);
	period_groups_release(&p->not_understood);
	free(p->starts);
	free(p->quarters);
	free(p);
}

/*
 * Computes a new pass over q: in row order if it holds every start,
 * again through the index if that finds a user's conversations out of
 * start order.  The caller holds a read transaction.
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
	int rc, own = sqlite3_get_autocommit(st->db);

	*out = NULL;
	if ((rc = cache_entry(&c, st, q)) != 0)
		return rc;
	if (c->p != NULL && (c->p->have & needs) == needs) {
		*out = c->p;
		return 0;
	}
	needs |= c->expect | (c->p != NULL ? c->p->have : 0);
	/* Its statements read one state of the database, as one. */
	if (own && (rc = store_exec(st, "BEGIN")) != 0)
		return rc;
	rc = compute(&p, st, &c->q, needs);
	if (own)
		sqlite3_exec(st->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL,
		    NULL, NULL);
	if (rc != 0)
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
