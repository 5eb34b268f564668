/*
 * store_breakdown.c: the breakdowns of convo-stats (kpis.md
 * "Breakdowns"), each built as a table of its own: traffic by local
 * weekday and hour, the trend per local day or week, clicks, AI agents,
 * conversations per channel, assistant, device, browser, country, region
 * and city, status, the most frequent opening questions and
 * not-understood messages, and the WhatsApp conversations whose 24-hour
 * window has closed.
 *
 * All but the last are built from the pass over the period that the
 * figures use too (store_period.c): its groups, sorted here as the SQL
 * ORDER BY of each breakdown says, and its messages per quarter of an
 * hour, put in local hours and days here.  Local times are those of the
 * process's zone, DST-correct.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define DAY_MS INT64_C(86400000)
/*
 * Traffic is counted per 15 minutes of UTC, then each bucket is put in
 * the local weekday and hour of its start.  That is exact: every zone's
 * offset and every DST change since 2000 falls on a quarter of an hour
 * (Nepal is +5:45, Lord Howe moves by 30 minutes).
 */
#define TRAFFIC_BUCKET_MS INT64_C(900000)
/* Longer periods than this many local days trend per ISO week. */
#define TREND_MAX_DAYS 92

/*
 * WhatsApp lets a business answer freely only within 24 hours of the
 * user's last message; after that only a template may be sent.  This
 * lists the conversations where that matters now: still active, on
 * WhatsApp, passing the filters, started at any time (the window is
 * about now, not the period), with a user message more than 24 h before
 * :now.  A conversation without any user message never opened a window
 * and is not listed.  Oldest first, in the order of the partial index
 * that holds just those conversations.
 */
static const char sql_whatsapp_window[] =
	"SELECT c.ext_id, CASE WHEN u.anonymous = 0 THEN u.token END,"
	" c.last_user_at FROM conversation c INDEXED BY conversation_whatsapp"
	" JOIN user u ON u.id = c.user_id"
	" WHERE c.status = 'active' AND c.source = 'whatsapp'"
	" AND c.last_user_at < :now - 86400000 AND" STORE_CONV_MATCH
	" ORDER BY c.last_user_at, c.ext_id LIMIT :top";

/* Sets column col of t's last row to the number v. */
static int
set_int(struct convo_table *t, size_t col, int64_t v)
{
	return convo_table_setf(t, col, "%lld", (long long)v);
}

/*
 * whatsapp_window: id, user (NULL for an anonymous one), the last user
 * message in local time "YYYY-MM-DD HH:MM", and the hours since, with one
 * decimal.
 */
struct window {
	struct convo_table *t;
	int64_t now;
};

static int
window_add(void *ctx, sqlite3_stmt *s)
{
	struct window *w = ctx;
	int64_t last = sqlite3_column_int64(s, 2);
	time_t x = (time_t)(last / 1000);
	struct tm tm;
	char when[32];
	int rc;

	if (localtime_r(&x, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
		return CONVO_EINTERNAL;
	if ((rc = convo_table_add_row(w->t)) != 0 ||
	    (rc = convo_table_set(w->t, 0,
	    (const char *)sqlite3_column_text(s, 0))) != 0 ||
	    (rc = convo_table_set(w->t, 1,
	    (const char *)sqlite3_column_text(s, 1))) != 0 ||
	    (rc = convo_table_set(w->t, 2, when)) != 0)
		return rc;
	return convo_table_setf(w->t, 3, "%.1f",
	    (double)(w->now - last) / 3600000.0);
}

static int
build_window(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct window w;
	sqlite3_stmt *s;
	int rc, step;

	w.t = t;
	w.now = q->now;
	if ((rc = store_prepare(st, &s, sql_whatsapp_window)) != 0)
		return rc;
	store_bind_query(s, q);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":top"),
	    top == 0 || top > INT64_MAX ? -1 : (int64_t)top);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = window_add(&w, s)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}


/* The SQL ORDER BY of a breakdown, for qsort(). */
typedef int (*order_fn)(const void *, const void *);

/* BINARY collation: bytes, then the shorter first; NULL first. */
static int
cmp_text(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	if ((c = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
cmp_count(const struct period_group *a, const struct period_group *b)
{
	return (a->n[0] < b->n[0]) - (a->n[0] > b->n[0]);
}

/* ORDER BY n DESC, v IS NULL, v */
static int
order_value(const void *pa, const void *pb)
{
	const struct period_group *a = pa, *b = pb;
	int c;

	if ((c = cmp_count(a, b)) != 0)
		return c;
	if ((a->v[0] == NULL) != (b->v[0] == NULL))
		return a->v[0] == NULL ? 1 : -1;
	return cmp_text(a->v[0], a->len[0], b->v[0], b->len[0]);
}

/* ORDER BY n DESC, 1, 2, 3 */
static int
order_click(const void *pa, const void *pb)
{
	const struct period_group *a = pa, *b = pb;
	int c, i;

	if ((c = cmp_count(a, b)) != 0)
		return c;
	for (i = 0; i < 3; i++)
		if ((c = cmp_text(a->v[i], a->len[i], b->v[i],
		    b->len[i])) != 0)
			return c;
	return 0;
}

/*
 * The first top (0: all) of n groups in order: sorted copies, which the
 * caller frees.
 */
static int
sorted(struct period_group **out, size_t *n_out,
    const struct period_group *g, size_t n, size_t top, order_fn order)
{
	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return 0;
	if ((*out = malloc(n * sizeof(**out))) == NULL)
		return CONVO_ENOMEM;
	memcpy(*out, g, n * sizeof(**out));
	qsort(*out, n, sizeof(**out), order);
	*n_out = top != 0 && top < n ? top : n;
	return 0;
}

/*
 * Adds the rows: for each group, its values (NULL shown as null_as) and
 * then its counts n[0 .. counts - 1].
 */
static int
add_groups(struct convo_table *t, const struct period_group *g, size_t n,
    int values, int counts, const char *null_as)
{
	size_t i;
	int k, rc;

	for (i = 0; i < n; i++) {
		if ((rc = convo_table_add_row(t)) != 0)
			return rc;
		for (k = 0; k < values; k++)
			if ((rc = convo_table_set(t, (size_t)k, g[i].v[k] ?
			    g[i].v[k] : k == 0 ? null_as : NULL)) != 0)
				return rc;
		for (k = 0; k < counts; k++)
			if ((rc = set_int(t, (size_t)(values + k),
			    g[i].n[k])) != 0)
				return rc;
	}
	return 0;
}

/* Sorts the groups, keeps top, adds them. */
static int
add_sorted(struct convo_table *t, const struct period_groups *gs, size_t top,
    order_fn order, int values, int counts, const char *null_as)
{
	struct period_group *g;
	size_t n;
	int rc;

	if ((rc = sorted(&g, &n, gs->g, gs->n, top, order)) != 0)
		return rc;
	rc = add_groups(t, g, n, values, counts, null_as);
	free(g);
	return rc;
}

/*
 * traffic: a 7 x 24 grid, Monday to Sunday, of user messages by local
 * hour.  Never cut by top.
 */
static int
build_traffic(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	static const char *const days[7] = {
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
	};
	int64_t grid[7][24];
	struct period *p;
	struct tm tm;
	time_t x;
	size_t i;
	int rc, d, h;

	(void)top;
	if ((rc = store_period(&p, st, q, PERIOD_QUARTERS)) != 0)
		return rc;
	memset(grid, 0, sizeof(grid));
	for (i = 0; i < p->n_quarters; i++) {
		if (p->quarters[i].n_user == 0)
			continue;
		x = (time_t)(p->quarters[i].quarter *
		    (TRAFFIC_BUCKET_MS / 1000));
		if (localtime_r(&x, &tm) == NULL)
			return CONVO_EINTERNAL;
		grid[(tm.tm_wday + 6) % 7][tm.tm_hour] +=
		    p->quarters[i].n_user;
	}
	for (d = 0; d < 7; d++) {
		if ((rc = convo_table_add_row(t)) != 0 ||
		    (rc = convo_table_set(t, 0, days[d])) != 0)
			return rc;
		for (h = 0; h < 24; h++)
			if ((rc = set_int(t, (size_t)h + 1, grid[d][h])) != 0)
				return rc;
	}
	return 0;
}

/*
 * trend: one row per local day of the period, or per ISO week when the
 * period has more than TREND_MAX_DAYS local days, zero-filled, in date
 * order, never cut by top.  The first and last buckets are cut to the
 * period when it does not begin or end at a local midnight (or Monday).
 * An open end (CONVO_TIME_MIN or CONVO_TIME_MAX) is narrowed to the
 * first or last conversation start or message in the data, so that
 * "all" shows the days that have data.
 */
/*
 * Local midnight of the day days after t's local date (days >= 1).  A
 * midnight that the zone skips is the first instant after the gap; a
 * whole day that a zone skipped ends one day later.
 */
static int64_t
midnight_after(int64_t t, int days)
{
	struct tm tm, u;
	time_t x = (time_t)(t / 1000);
	int64_t m;

	if (localtime_r(&x, &tm) == NULL)
		return t + days * DAY_MS;
	memset(&u, 0, sizeof(u));
	u.tm_year = tm.tm_year;
	u.tm_mon = tm.tm_mon;
	u.tm_mday = tm.tm_mday + days;
	u.tm_hour = 12;
	x = timegm(&u);
	if (gmtime_r(&x, &u) == NULL)
		return t + days * DAY_MS;
	m = convo_time_local(u.tm_year + 1900, u.tm_mon + 1, u.tm_mday, 0,
	    0, 0, 0);
	return m > t ? m : t + DAY_MS;
}

/* The start of the next bucket after t: a local midnight or Monday. */
static int64_t
bucket_end(int64_t t, int weekly)
{
	struct tm tm;
	time_t x = (time_t)(t / 1000);

	if (!weekly || localtime_r(&x, &tm) == NULL)
		return midnight_after(t, 1);
	/* Monday is 1 and Sunday 7 in ISO 8601; tm_wday has Sunday 0. */
	return midnight_after(t, 8 - (tm.tm_wday == 0 ? 7 : tm.tm_wday));
}

/* Whether [since, until) has more than TREND_MAX_DAYS local days. */
static int
trend_weekly(int64_t since, int64_t until)
{
	int days = 0;

	while (since < until && days <= TREND_MAX_DAYS) {
		since = midnight_after(since, 1);
		days++;
	}
	return days > TREND_MAX_DAYS;
}

/* The period to show: q's, with open ends narrowed to the data in p. */
static void
trend_period(int64_t *since, int64_t *until, const struct convo_query *q,
    const struct period *p)
{
	int64_t lo = p->conv_min, hi = p->conv_max;

	*since = q->since;
	*until = q->until;
	if (q->since > CONVO_TIME_MIN && q->until < CONVO_TIME_MAX)
		return;
	if (p->msg_min != CONVO_TIME_NONE && (lo == CONVO_TIME_NONE ||
	    p->msg_min < lo))
		lo = p->msg_min;
	if (p->msg_max != CONVO_TIME_NONE && (hi == CONVO_TIME_NONE ||
	    p->msg_max > hi))
		hi = p->msg_max;
	if (lo == CONVO_TIME_NONE) {
		*since = *until;
		return;
	}
	if (q->since <= CONVO_TIME_MIN)
		*since = lo;
	if (q->until >= CONVO_TIME_MAX)
		*until = hi + 1;
}

/* One bucket of the trend: [start, end) and its counts. */
struct bucket {
	int64_t start, end;
	int64_t conversations, users, messages;
};

struct trend {
	struct bucket *b;
	size_t n, cap;
	int weekly;
	int aligned;		/* every inner bound on a quarter hour */
};

/* The buckets of [since, until). */
static int
trend_buckets(struct trend *tr, int64_t since, int64_t until)
{
	struct bucket *b;
	int64_t start, end;
	size_t cap;

	tr->weekly = trend_weekly(since, until);
	tr->aligned = 1;
	for (start = since; start < until; start = end) {
		end = bucket_end(start, tr->weekly);
		if (end > until)
			end = until;
		if (tr->n == tr->cap) {
			cap = tr->cap ? 2 * tr->cap : 64;
			if ((b = realloc(tr->b, cap * sizeof(*b))) == NULL)
				return CONVO_ENOMEM;
			tr->b = b;
			tr->cap = cap;
		}
		b = &tr->b[tr->n++];
		memset(b, 0, sizeof(*b));
		b->start = start;
		b->end = end;
		if (end < until && end % TRAFFIC_BUCKET_MS != 0)
			tr->aligned = 0;
	}
	return 0;
}

/* The bucket that holds t, or -1. */
static ptrdiff_t
bucket_of(const struct trend *tr, int64_t t)
{
	size_t lo = 0, hi = tr->n, mid;

	if (tr->n == 0 || t < tr->b[0].start || t >= tr->b[tr->n - 1].end)
		return -1;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (tr->b[mid].start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo;
}

/*
 * Conversations and their distinct users per bucket: the starts come in
 * time order, so a user counts again only in a later bucket.
 */
static int
trend_starts(struct trend *tr, const struct period *p)
{
	size_t *last, i;
	ptrdiff_t k;

	if ((last = calloc(p->n_users + 1, sizeof(*last))) == NULL)
		return CONVO_ENOMEM;
	for (i = 0; i < p->n_starts; i++) {
		if ((k = bucket_of(tr, p->starts[i].at)) < 0)
			continue;
		tr->b[k].conversations++;
		if (last[p->starts[i].user] != (size_t)k + 1) {
			last[p->starts[i].user] = (size_t)k + 1;
			tr->b[k].users++;
		}
	}
	free(last);
	return 0;
}

/*
 * Messages per bucket.  The messages of a quarter all fall in the bucket
 * of its start (or of the period's, if later), when every inner bound of
 * a bucket is on a quarter hour, as local midnights are in every zone
 * since 2000.  Else each bucket is a period of its own.
 */
static int
trend_messages(struct trend *tr, struct convo_store *st,
    const struct convo_query *q, const struct period *p)
{
	struct convo_query b = *q;
	struct period *bp;
	int64_t t;
	ptrdiff_t k;
	size_t i;
	int rc;

	if (tr->aligned) {
		for (i = 0; i < p->n_quarters; i++) {
			t = p->quarters[i].quarter * TRAFFIC_BUCKET_MS;
			if (tr->n > 0 && t < tr->b[0].start)
				t = tr->b[0].start;
			if ((k = bucket_of(tr, t)) >= 0)
				tr->b[k].messages += p->quarters[i].n_messages;
		}
		return 0;
	}
	for (i = 0; i < tr->n; i++) {
		b.since = tr->b[i].start;
		b.until = tr->b[i].end;
		if ((rc = store_period(&bp, st, &b, PERIOD_QUARTERS)) != 0)
			return rc;
		tr->b[i].messages = bp->n[ACC_MESSAGES];
	}
	return 0;
}

static int
trend_rows(struct convo_table *t, const struct trend *tr)
{
	time_t x;
	struct tm tm;
	char label[32];
	size_t i;
	int rc;

	for (i = 0; i < tr->n; i++) {
		x = (time_t)(tr->b[i].start / 1000);
		if (localtime_r(&x, &tm) == NULL ||
		    strftime(label, sizeof(label), tr->weekly ? "%G-W%V" :
		    "%Y-%m-%d", &tm) == 0)
			return CONVO_EINTERNAL;
		if ((rc = convo_table_add_row(t)) != 0 ||
		    (rc = convo_table_set(t, 0, label)) != 0 ||
		    (rc = set_int(t, 1, tr->b[i].conversations)) != 0 ||
		    (rc = set_int(t, 2, tr->b[i].users)) != 0 ||
		    (rc = set_int(t, 3, tr->b[i].messages)) != 0)
			return rc;
	}
	return 0;
}

static int
build_trend(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct trend tr;
	struct period *p;
	int64_t since, until;
	int rc;

	(void)top;
	memset(&tr, 0, sizeof(tr));
	if ((rc = store_period(&p, st, q, PERIOD_STARTS |
	    PERIOD_QUARTERS)) != 0)
		return rc;
	trend_period(&since, &until, q, p);
	if ((rc = trend_buckets(&tr, since, until)) == 0 &&
	    (rc = trend_starts(&tr, p)) == 0 &&
	    (rc = trend_messages(&tr, st, q, p)) == 0)
		rc = trend_rows(t, &tr);
	free(tr.b);
	return rc;
}

/* clicks: type, title, target, clicks (user messages). */
static int
build_clicks(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct period *p;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_CLICKS)) != 0)
		return rc;
	return add_sorted(t, &p->clicks, top, order_click, 3, 1, NULL);
}

/*
 * agents: assistant messages per AI agent or workflow, with their
 * thumbs.  Messages that name none (NULL or '') are a row of their own,
 * "(none)": all the responses less the named ones, so that the views add
 * up to the responses figure; it comes last among equals.
 */
static int
build_agents(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct period_groups all;
	struct period_group *g = NULL, none;
	struct period *p;
	size_t i;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_AGENTS)) != 0)
		return rc;
	memset(&none, 0, sizeof(none));
	none.n[0] = p->n[ACC_ASSISTANT_MESSAGES];
	none.n[1] = p->n[ACC_FEEDBACK_UP];
	none.n[2] = p->n[ACC_FEEDBACK_DOWN];
	for (i = 0; i < p->agents.n; i++) {
		none.n[0] -= p->agents.g[i].n[0];
		none.n[1] -= p->agents.g[i].n[1];
		none.n[2] -= p->agents.g[i].n[2];
	}
	memset(&all, 0, sizeof(all));
	all.g = p->agents.g;
	all.n = p->agents.n;
	if (none.n[0] > 0) {
		if ((g = malloc((p->agents.n + 1) * sizeof(*g))) == NULL)
			return CONVO_ENOMEM;
		if (p->agents.n > 0)
			memcpy(g, p->agents.g, p->agents.n * sizeof(*g));
		g[p->agents.n] = none;
		all.g = g;
		all.n++;
	}
	rc = add_sorted(t, &all, top, order_value, 1, 3, "(none)");
	free(g);
	return rc;
}

/*
 * Conversations and users per value of a conversation column; no value
 * (NULL or '') is a row of its own, "(unknown)", last among equals.
 */
static int
build_dimension(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top, int dim)
{
	struct period *p;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_DIMENSIONS)) != 0)
		return rc;
	return add_sorted(t, &p->dim[dim], top, order_value, 1, 2,
	    "(unknown)");
}

#define DIMENSION(name, dim) \
static int \
name(struct convo_table *t, struct convo_store *st, \
    const struct convo_query *q, size_t top) \
{ \
	return build_dimension(t, st, q, top, dim); \
}
DIMENSION(build_sources, DIM_SOURCE)
DIMENSION(build_assistants, DIM_ASSISTANT)
DIMENSION(build_devices, DIM_DEVICE)
DIMENSION(build_browsers, DIM_BROWSER)
DIMENSION(build_countries, DIM_COUNTRY)
DIMENSION(build_regions, DIM_REGION)
DIMENSION(build_cities, DIM_CITY)

/*
 * status: active and ended, each always shown (more first, then by
 * name), with its share of the conversations in the period as a number
 * from 0 to 1 with four decimals; null when there are none.
 */
static int
build_status(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	static const char *const names[2] = { "active", "ended" };
	int64_t n[2], total;
	struct period *p;
	size_t i, k, rows = top != 0 && top < 2 ? top : 2;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_DIMENSIONS)) != 0)
		return rc;
	n[0] = p->n_active;
	n[1] = p->n_ended;
	total = n[0] + n[1];
	for (i = 0; i < rows; i++) {
		k = n[1] > n[0] ? 1 - i : i;
		if ((rc = convo_table_add_row(t)) != 0 ||
		    (rc = convo_table_set(t, 0, names[k])) != 0 ||
		    (rc = set_int(t, 1, n[k])) != 0)
			return rc;
		if (total > 0 && (rc = convo_table_setf(t, 2, "%.4f",
		    (double)n[k] / (double)total)) != 0)
			return rc;
	}
	return 0;
}

/*
 * top_questions: the opening questions (the first typed user message) of
 * the conversations in the period, normalized (text_normalize()); texts
 * that normalize to nothing are left out.  The pass groups them by their
 * key; the text of a group is read only when it is shown or breaks a tie
 * at the cut.
 */
static const char sql_opening_text[] =
	"SELECT m.text FROM conversation c JOIN message m"
	" ON m.id = c.opening_message_id WHERE c.id = ?1";

/* The normalized text of group g's opening question, into g->v[0]. */
static int
question_text(struct period_group *g, sqlite3_stmt *s, struct convo_store *st,
    char **owned)
{
	const unsigned char *text;
	size_t n;
	int rc;

	sqlite3_bind_int64(s, 1, g->conv);
	rc = sqlite3_step(s);
	text = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
	if (text == NULL) {
		sqlite3_reset(s);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? CONVO_EINTERNAL :
		    store_fail(st, rc, "cannot read the database");
	}
	n = (size_t)sqlite3_column_bytes(s, 0);
	if ((*owned = malloc(n + 1)) == NULL) {
		sqlite3_reset(s);
		return CONVO_ENOMEM;
	}
	g->len[0] = text_normalize(*owned, text, n);
	(*owned)[g->len[0]] = '\0';
	g->v[0] = *owned;
	sqlite3_reset(s);
	return 0;
}

/*
 * ORDER BY n DESC, k LIMIT top: sorted by count, the groups from the
 * first to the last that ties with the top-th get their text and are
 * sorted again.
 */
static int
build_questions(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct period_group *g = NULL;
	char **texts = NULL;
	struct period *p;
	sqlite3_stmt *s = NULL;
	size_t n, i, hi;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_DIMENSIONS)) != 0 ||
	    (rc = sorted(&g, &n, p->questions.g, p->questions.n, 0,
	    order_value)) != 0 || n == 0)
		return rc;
	if (top == 0 || top > n)
		top = n;
	/* [0, hi): those above the top-th's count, and all that tie it */
	for (hi = top; hi < n && g[hi].n[0] == g[top - 1].n[0]; hi++)
		;
	if ((texts = calloc(hi, sizeof(*texts))) == NULL)
		rc = CONVO_ENOMEM;
	else
		rc = store_prepare(st, &s, sql_opening_text);
	for (i = 0; rc == 0 && i < hi; i++)
		rc = question_text(&g[i], s, st, &texts[i]);
	sqlite3_finalize(s);
	if (rc == 0) {
		qsort(g, hi, sizeof(*g), order_value);
		rc = add_groups(t, g, top, 1, 1, NULL);
	}
	for (i = 0; texts != NULL && i < hi; i++)
		free(texts[i]);
	free(texts);
	free(g);
	return rc;
}

/*
 * top_not_understood: typed user messages in the period that got a
 * fallback, normalized alike.
 */
static int
build_not_understood(struct convo_table *t, struct convo_store *st,
    const struct convo_query *q, size_t top)
{
	struct period *p;
	int rc;

	if ((rc = store_period(&p, st, q, PERIOD_NOT_UNDERSTOOD)) != 0)
		return rc;
	return add_sorted(t, &p->not_understood, top, order_value, 1, 1,
	    NULL);
}

static const char *const cols_traffic[] = {
	"weekday", "h00", "h01", "h02", "h03", "h04", "h05", "h06", "h07",
	"h08", "h09", "h10", "h11", "h12", "h13", "h14", "h15", "h16", "h17",
	"h18", "h19", "h20", "h21", "h22", "h23", NULL
};
static const char *const cols_trend[] = {
	"day", "conversations", "users", "messages", NULL
};
static const char *const cols_clicks[] = {
	"type", "title", "target", "clicks", NULL
};
static const char *const cols_agents[] = {
	"agent", "views", "thumbs_up", "thumbs_down", NULL
};
static const char *const cols_sources[] = {
	"source", "conversations", "users", NULL
};
static const char *const cols_assistants[] = {
	"assistant", "conversations", "users", NULL
};
static const char *const cols_devices[] = {
	"device", "conversations", "users", NULL
};
static const char *const cols_browsers[] = {
	"browser", "conversations", "users", NULL
};
static const char *const cols_countries[] = {
	"country", "conversations", "users", NULL
};
static const char *const cols_regions[] = {
	"region", "conversations", "users", NULL
};
static const char *const cols_cities[] = {
	"city", "conversations", "users", NULL
};
static const char *const cols_status[] = {
	"status", "conversations", "share", NULL
};
static const char *const cols_questions[] = {
	"question", "conversations", NULL
};
static const char *const cols_not_understood[] = {
	"message", "count", NULL
};
static const char *const cols_window[] = {
	"id", "user", "last_user_message", "hours_since", NULL
};


/* Bit i set: column i is a number.  COUNTS: columns 1 and 2. */
#define COUNTS 0x6UL

static const char *const names[] = {
	"traffic", "trend", "clicks", "agents", "sources", "assistants",
	"devices", "browsers", "countries", "regions", "cities", "status",
	"top_questions", "top_not_understood", "whatsapp_window", NULL
};

/* In the order of names[]. */
static const struct breakdown {
	int (*build)(struct convo_table *, struct convo_store *,
	    const struct convo_query *, size_t);
	const char *const *cols;	/* column names, NULL-terminated */
	unsigned long numeric;		/* bit i set: column i is a number */
	unsigned needs;			/* what it takes of the pass */
} breakdowns[] = {
	{ build_traffic, cols_traffic, 0x1fffffeUL, PERIOD_QUARTERS },
	{ build_trend, cols_trend, 0xeUL, PERIOD_STARTS | PERIOD_QUARTERS },
	{ build_clicks, cols_clicks, 0x8UL, PERIOD_CLICKS },
	{ build_agents, cols_agents, 0xeUL, PERIOD_AGENTS },
	{ build_sources, cols_sources, COUNTS, PERIOD_DIMENSIONS },
	{ build_assistants, cols_assistants, COUNTS, PERIOD_DIMENSIONS },
	{ build_devices, cols_devices, COUNTS, PERIOD_DIMENSIONS },
	{ build_browsers, cols_browsers, COUNTS, PERIOD_DIMENSIONS },
	{ build_countries, cols_countries, COUNTS, PERIOD_DIMENSIONS },
	{ build_regions, cols_regions, COUNTS, PERIOD_DIMENSIONS },
	{ build_cities, cols_cities, COUNTS, PERIOD_DIMENSIONS },
	{ build_status, cols_status, COUNTS, PERIOD_DIMENSIONS },
	{ build_questions, cols_questions, 0x2UL, PERIOD_DIMENSIONS },
	{ build_not_understood, cols_not_understood, 0x2UL,
	    PERIOD_NOT_UNDERSTOOD },
	{ build_window, cols_window, 0x8UL, 0 }
};

_Static_assert(sizeof(breakdowns) / sizeof(breakdowns[0]) ==
    sizeof(names) / sizeof(names[0]) - 1, "a breakdown for every name");

const char *const *
convo_breakdown_names(void)
{
	return names;
}

static int
find(const char *name)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

void
convo_breakdown_expect(struct convo_store *st, const struct convo_query *q,
    const char *const *show)
{
	unsigned needs = PERIOD_FIGURES;
	int i;

	for (; show != NULL && *show != NULL; show++)
		if ((i = find(*show)) >= 0)
			needs |= breakdowns[i].needs;
	store_period_expect(st, q, needs);
}

int
convo_breakdown(struct convo_table **out, struct convo_store *st,
    const char *name, const struct convo_query *q, size_t top)
{
	const struct breakdown *b;
	struct convo_table *t;
	size_t n;
	int i, rc;

	*out = NULL;
	if ((i = find(name)) < 0)
		return CONVO_EUSAGE;
	b = &breakdowns[i];
	for (n = 0; b->cols[n] != NULL; n++)
		;
	if ((rc = convo_table_new(&t, n, b->cols)) != 0)
		return rc;
	for (n = 0; b->cols[n] != NULL; n++)
		if (b->numeric & (1UL << n))
			convo_table_set_kind(t, n, CONVO_CELL_NUMBER);
	if ((rc = b->build(t, st, q, top)) != 0) {
		convo_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
