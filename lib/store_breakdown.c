/*
 * store_breakdown.c: the breakdowns of convo-stats (kpis.md
 * "Breakdowns"), each built as a table of its own: traffic by local
 * weekday and hour, the trend per local day or week, clicks, AI agents,
 * conversations per channel, assistant, device, browser, country, region
 * and city, status, the most frequent opening questions and
 * not-understood messages, and the WhatsApp conversations whose 24-hour
 * window has closed.
 *
 * Every statement applies the period and filters of a struct convo_query
 * through the fragments of store.h.  Those that read messages go through
 * the message (ts, role) index for the period; those that read
 * conversations through conversation (started_at).  Local times are
 * those of the process's zone, DST-correct.
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

/* Messages sent in the period in the conversations the filters pass. */
#define FROM_MESSAGES \
	" FROM message m JOIN conversation c ON c.id = m.conversation_id" \
	" WHERE" STORE_MSG_IN_PERIOD " AND" STORE_CONV_MATCH

/* User messages by quarter of an hour of UTC (:bucket milliseconds). */
static const char sql_traffic[] =
	"SELECT m.ts / :bucket AS b, count(*)" FROM_MESSAGES
	" AND m.role = 'user' GROUP BY b";

/* One trend bucket: conversations started and their distinct users. */
static const char sql_trend_conversations[] =
	"SELECT count(*), count(DISTINCT c.user_id) FROM conversation c"
	" WHERE" STORE_CONV_IN_PERIOD;

/* One trend bucket: messages sent, system lines left out. */
static const char sql_trend_messages[] =
	"SELECT count(*)" FROM_MESSAGES " AND m.role <> 'system'";

/*
 * The first and last time in the data, for a trend over a period with
 * an open end: conversation starts and non-system messages.
 */
static const char sql_trend_extent[] =
	"SELECT min(lo), max(hi), count(lo) FROM ("
	" SELECT min(c.started_at) AS lo, max(c.started_at) AS hi"
	" FROM conversation c WHERE" STORE_CONV_IN_PERIOD
	" UNION ALL SELECT min(m.ts), max(m.ts)" FROM_MESSAGES
	" AND m.role <> 'system')";

/* Clicks are user messages with a click type. */
static const char sql_clicks[] =
	"SELECT m.click_type, m.click_title, m.click_target, count(*) AS n"
	FROM_MESSAGES " AND m.role = 'user' AND m.click_type IS NOT NULL"
	" GROUP BY 1, 2, 3 ORDER BY n DESC, 1, 2, 3 LIMIT :top";

/*
 * Assistant messages per AI agent or workflow.  Messages that name none
 * are a row of their own, "(none)", so that the views add up to the
 * responses figure; it comes last among equals.
 */
static const char sql_agents[] =
	"SELECT nullif(m.agent, '') AS a, count(*) AS n,"
	" count(*) FILTER (WHERE m.feedback = 'up'),"
	" count(*) FILTER (WHERE m.feedback = 'down')"
	FROM_MESSAGES " AND m.role = 'assistant'"
	" GROUP BY a ORDER BY n DESC, a IS NULL, a LIMIT :top";

/*
 * Conversations and users per value of a conversation column; no value
 * (NULL or '') is a row of its own, last among equals.
 */
#define SQL_DIMENSION(col) \
	"SELECT nullif(c." col ", '') AS v, count(*) AS n," \
	" count(DISTINCT c.user_id) FROM conversation c" \
	" WHERE" STORE_CONV_IN_PERIOD \
	" GROUP BY v ORDER BY n DESC, v IS NULL, v LIMIT :top"

static const char sql_sources[] = SQL_DIMENSION("source");
static const char sql_assistants[] = SQL_DIMENSION("assistant");
static const char sql_devices[] = SQL_DIMENSION("device");
static const char sql_browsers[] = SQL_DIMENSION("browser");
static const char sql_countries[] = SQL_DIMENSION("country");
static const char sql_regions[] = SQL_DIMENSION("region");
static const char sql_cities[] = SQL_DIMENSION("city");

static const char sql_status[] =
	"SELECT c.status, count(*) FROM conversation c"
	" WHERE" STORE_CONV_IN_PERIOD " GROUP BY c.status";

/*
 * Opening questions (the first typed user message) of the conversations
 * in the period, normalized by convo_normalize() below; texts that
 * normalize to nothing are left out.
 */
static const char sql_top_questions[] =
	"SELECT convo_normalize(m.text) AS k, count(*) AS n"
	" FROM conversation c JOIN message m ON m.id = c.opening_message_id"
	" WHERE" STORE_CONV_IN_PERIOD
	" GROUP BY k HAVING k IS NOT NULL ORDER BY n DESC, k LIMIT :top";

/* Typed user messages in the period whose reply was a fallback. */
static const char sql_top_not_understood[] =
	"SELECT convo_normalize(m.text) AS k, count(*) AS n" FROM_MESSAGES
	" AND m.role = 'user' AND m.not_understood = 1"
	" GROUP BY k HAVING k IS NOT NULL ORDER BY n DESC, k LIMIT :top";

/*
 * WhatsApp lets a business answer freely only within 24 hours of the
 * user's last message; after that only a template may be sent.  This
 * lists the conversations where that matters now: still active, on
 * WhatsApp, passing the filters, started at any time (the window is
 * about now, not the period), with a user message more than 24 h before
 * :now.  A conversation without any user message never opened a window
 * and is not listed.  Oldest first.
 */
static const char sql_whatsapp_window[] =
	"SELECT c.ext_id, CASE WHEN u.anonymous = 0 THEN u.token END,"
	" c.last_user_at FROM conversation c JOIN user u ON u.id = c.user_id"
	" WHERE c.status = 'active' AND c.source = 'whatsapp'"
	" AND c.last_user_at < :now - 86400000 AND" STORE_CONV_MATCH
	" ORDER BY c.last_user_at, c.ext_id LIMIT :top";

/*
 * Normalizing message text, so that "Where is my order?" and "  where
 * is my ORDER" count as one question.
 */

/*
 * Decodes the UTF-8 character at s (n > 0 bytes left) into *cp and
 * returns its length.  A byte that does not start a valid, shortest
 * sequence is returned alone with *cp = -1.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, long *cp)
{
	static const long least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	long c;

	*cp = -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = s[0] >= 0xf5 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 :
	    s[0] >= 0xc2 ? 2 : 0;
	if (len == 0 || len > n)
		return 1;
	c = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < least[len] || c > 0x10ffff)
		return 1;
	*cp = c;
	return len;
}

/* Writes cp as UTF-8 into out; returns the length. */
static size_t
utf8_encode(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Lower case for ASCII, Latin-1, Greek and basic Cyrillic capitals; the
 * lower-case letter always has the same UTF-8 length as the capital.
 */
static long
fold_case(long c)
{
	if ((c >= 'A' && c <= 'Z') ||
	    (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

/* ASCII white space and the Unicode spaces (no-break space included). */
static int
is_space(long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * Punctuation removed at either end: ASCII punctuation and the marks
 * that open or close sentences and quotes in the common languages.
 */
static int
is_edge_punct(long c)
{
	static const long marks[] = {
		0xa1, 0xab, 0xbb, 0xbf,			/* ¡ « » ¿ */
		0x2013, 0x2014, 0x2018, 0x2019, 0x201a,	/* – — ‘ ’ ‚ */
		0x201c, 0x201d, 0x201e, 0x2026,		/* “ ” „ … */
		0x3001, 0x3002, 0xff01, 0xff0c, 0xff1f	/* 、 。 ！ ， ？ */
	};
	size_t i;

	if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
		return 1;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (c == marks[i])
			return 1;
	return 0;
}

/*
 * Writes the normalized form of s (n bytes) into out (n bytes at least)
 * and returns its length: letters folded to lower case (fold_case), every
 * run of white space made one space, and white space and punctuation
 * (is_edge_punct) removed at both ends; punctuation inside is kept.
 * Bytes that are not valid UTF-8 are kept as they are.  The result is
 * never longer than s.
 */
static size_t
normalize(char *out, const unsigned char *s, size_t n)
{
	size_t i, k, len = 0, end = 0;
	int space = 0;
	long cp;

	for (i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (cp >= 0 && is_space(cp)) {
			space = len > 0;
			continue;
		}
		if (len == 0 && cp >= 0 && is_edge_punct(cp))
			continue;
		if (space)
			out[len++] = ' ';
		space = 0;
		if (cp < 0)
			out[len++] = (char)s[i];
		else
			len += utf8_encode(out + len, fold_case(cp));
		if (cp < 0 || !is_edge_punct(cp))
			end = len;
	}
	return end;
}

/* SQL convo_normalize(text): the normalized text, NULL when empty. */
static void
sql_normalize(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	size_t len;
	char *out;

	(void)argc;
	if (s == NULL)
		return;
	if ((out = sqlite3_malloc(n + 1)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if ((len = normalize(out, s, (size_t)n)) == 0) {
		sqlite3_free(out);
		return;
	}
	sqlite3_result_text(ctx, out, (int)len, sqlite3_free);
}

static int
register_normalize(struct convo_store *st)
{
	int rc;

	rc = sqlite3_create_function_v2(st->db, "convo_normalize", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
	    sql_normalize, NULL, NULL, NULL);
	/* Busy: it is registered already and a statement is running. */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_fail(st, rc, "cannot register a function");
	return 0;
}

/*
 * Running statements.
 */

/* Prepares sql and binds q, :top (-1: no limit) and :bucket. */
static int
prepare(struct convo_store *st, sqlite3_stmt **s, const char *sql,
    const struct convo_query *q, size_t top)
{
	int rc, i;

	if ((rc = store_prepare(st, s, sql)) != 0)
		return rc;
	store_bind_query(*s, q);
	if ((i = sqlite3_bind_parameter_index(*s, ":top")) > 0)
		sqlite3_bind_int64(*s, i, top == 0 || top > INT64_MAX ? -1 :
		    (int64_t)top);
	if ((i = sqlite3_bind_parameter_index(*s, ":bucket")) > 0)
		sqlite3_bind_int64(*s, i, TRAFFIC_BUCKET_MS);
	return 0;
}

/* Runs sql over q, calling fn for each row until it returns non-zero. */
static int
each_row(struct convo_store *st, const char *sql, const struct convo_query *q,
    size_t top, int (*fn)(void *, sqlite3_stmt *), void *ctx)
{
	sqlite3_stmt *s;
	int rc, step;

	if ((rc = prepare(st, &s, sql, q, top)) != 0)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = fn(ctx, s)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(st, step, "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}

/* Steps s once, reads its first n columns (NULL as 0), and resets it. */
static int
step_ints(struct convo_store *st, sqlite3_stmt *s, int64_t *v, int n)
{
	int i, rc;

	rc = sqlite3_step(s);
	for (i = 0; i < n; i++)
		v[i] = rc == SQLITE_ROW ? sqlite3_column_int64(s, i) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = store_fail(st, rc, "cannot read the database");
	else
		rc = 0;
	sqlite3_reset(s);
	return rc;
}

/* Sets column col of t's last row to the number v. */
static int
set_int(struct convo_table *t, size_t col, int64_t v)
{
	return convo_table_setf(t, col, "%lld", (long long)v);
}

/* A new table: columns cols (NULL-terminated), those in numeric numbers. */
static int
table_start(struct convo_table **t, const char *const *cols,
    unsigned long numeric)
{
	size_t i, n;
	int rc;

	for (n = 0; cols[n] != NULL; n++)
		;
	if ((rc = convo_table_new(t, n, cols)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (numeric & (1UL << i))
			convo_table_set_kind(*t, i, CONVO_CELL_NUMBER);
	return 0;
}

/*
 * Breakdowns that are one statement, copied cell by cell.
 */
struct plain {
	const char *sql;
	const char *const *cols;	/* column names, NULL-terminated */
	unsigned long numeric;		/* bit i set: column i is a number */
	const char *null_as;		/* shown for a NULL first column */
	int normalize;			/* the SQL uses convo_normalize() */
};

struct plain_ctx {
	struct convo_table *t;
	const struct plain *p;
	size_t n_cols;
};

static int
plain_row(void *ctx, sqlite3_stmt *s)
{
	struct plain_ctx *pc = ctx;
	const char *v;
	size_t i;
	int rc;

	if ((rc = convo_table_add_row(pc->t)) != 0)
		return rc;
	for (i = 0; i < pc->n_cols; i++) {
		v = (const char *)sqlite3_column_text(s, (int)i);
		if (v == NULL && i == 0)
			v = pc->p->null_as;
		if ((rc = convo_table_set(pc->t, i, v)) != 0)
			return rc;
	}
	return 0;
}

static int
build_plain(struct convo_table **t, struct convo_store *st,
    const struct convo_query *q, size_t top, const struct plain *p)
{
	struct plain_ctx pc;
	int rc;

	if (p->normalize && (rc = register_normalize(st)) != 0)
		return rc;
	if ((rc = table_start(t, p->cols, p->numeric)) != 0)
		return rc;
	pc.t = *t;
	pc.p = p;
	for (pc.n_cols = 0; p->cols[pc.n_cols] != NULL; pc.n_cols++)
		;
	return each_row(st, p->sql, q, top, plain_row, &pc);
}

/*
 * traffic: a 7 x 24 grid, Monday to Sunday, of user messages by local
 * hour.  Never cut by top.
 */
static int
traffic_add(void *ctx, sqlite3_stmt *s)
{
	int64_t (*grid)[24] = ctx;
	time_t t = (time_t)(sqlite3_column_int64(s, 0) *
	    (TRAFFIC_BUCKET_MS / 1000));
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return CONVO_EINTERNAL;
	grid[(tm.tm_wday + 6) % 7][tm.tm_hour] += sqlite3_column_int64(s, 1);
	return 0;
}

static int
build_traffic(struct convo_table **t, struct convo_store *st,
    const struct convo_query *q, size_t top, const struct plain *p)
{
	static const char *const days[7] = {
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
	};
	int64_t grid[7][24];
	int rc, d, h;

	(void)top;
	memset(grid, 0, sizeof(grid));
	if ((rc = table_start(t, p->cols, p->numeric)) != 0 ||
	    (rc = each_row(st, p->sql, q, 0, traffic_add, grid)) != 0)
		return rc;
	for (d = 0; d < 7; d++) {
		if ((rc = convo_table_add_row(*t)) != 0 ||
		    (rc = convo_table_set(*t, 0, days[d])) != 0)
			return rc;
		for (h = 0; h < 24; h++)
			if ((rc = set_int(*t, (size_t)h + 1, grid[d][h])) != 0)
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

/* The period to show: q's, with open ends narrowed to the data. */
static int
trend_period(int64_t *since, int64_t *until, struct convo_store *st,
    const struct convo_query *q)
{
	sqlite3_stmt *s;
	int64_t v[3];
	int rc;

	*since = q->since;
	*until = q->until;
	if (q->since > CONVO_TIME_MIN && q->until < CONVO_TIME_MAX)
		return 0;
	if ((rc = prepare(st, &s, sql_trend_extent, q, 0)) != 0)
		return rc;
	rc = step_ints(st, s, v, 3);
	sqlite3_finalize(s);
	if (rc == 0 && v[2] == 0)
		*since = *until;
	else if (rc == 0) {
		if (q->since <= CONVO_TIME_MIN)
			*since = v[0];
		if (q->until >= CONVO_TIME_MAX)
			*until = v[1] + 1;
	}
	return rc;
}

struct trend {
	struct convo_store *st;
	struct convo_table *t;
	sqlite3_stmt *conversations;	/* sql_trend_conversations */
	sqlite3_stmt *messages;		/* sql_trend_messages */
	int weekly;
};

/* Adds the row of the bucket [since, until). */
static int
trend_row(struct trend *tr, const struct convo_query *q, int64_t since,
    int64_t until)
{
	struct convo_query b = *q;
	int64_t conv[2], msgs;
	time_t x = (time_t)(since / 1000);
	struct tm tm;
	char label[32];
	int rc;

	b.since = since;
	b.until = until;
	store_bind_query(tr->conversations, &b);
	store_bind_query(tr->messages, &b);
	if ((rc = step_ints(tr->st, tr->conversations, conv, 2)) != 0 ||
	    (rc = step_ints(tr->st, tr->messages, &msgs, 1)) != 0)
		return rc;
	if (localtime_r(&x, &tm) == NULL ||
	    strftime(label, sizeof(label), tr->weekly ? "%G-W%V" : "%Y-%m-%d",
	    &tm) == 0)
		return CONVO_EINTERNAL;
	if ((rc = convo_table_add_row(tr->t)) != 0 ||
	    (rc = convo_table_set(tr->t, 0, label)) != 0 ||
	    (rc = set_int(tr->t, 1, conv[0])) != 0 ||
	    (rc = set_int(tr->t, 2, conv[1])) != 0)
		return rc;
	return set_int(tr->t, 3, msgs);
}

static int
build_trend(struct convo_table **t, struct convo_store *st,
    const struct convo_query *q, size_t top, const struct plain *p)
{
	struct trend tr = { st, NULL, NULL, NULL, 0 };
	int64_t since, until, start, end;
	int rc;

	(void)top;
	if ((rc = table_start(t, p->cols, p->numeric)) != 0 ||
	    (rc = trend_period(&since, &until, st, q)) != 0)
		return rc;
	tr.t = *t;
	tr.weekly = trend_weekly(since, until);
	if ((rc = prepare(st, &tr.conversations, sql_trend_conversations, q,
	    0)) == 0)
		rc = prepare(st, &tr.messages, sql_trend_messages, q, 0);
	for (start = since; rc == 0 && start < until; start = end) {
		end = bucket_end(start, tr.weekly);
		rc = trend_row(&tr, q, start, end < until ? end : until);
	}
	sqlite3_finalize(tr.conversations);
	sqlite3_finalize(tr.messages);
	return rc;
}

/*
 * status: active and ended, each always shown (more first, then by
 * name), with its share of the conversations in the period as a number
 * from 0 to 1 with four decimals; null when there are none.
 */
static int
status_add(void *ctx, sqlite3_stmt *s)
{
	int64_t *n = ctx;
	const char *v = (const char *)sqlite3_column_text(s, 0);

	n[v != NULL && strcmp(v, "ended") == 0] += sqlite3_column_int64(s, 1);
	return 0;
}

static int
build_status(struct convo_table **t, struct convo_store *st,
    const struct convo_query *q, size_t top, const struct plain *p)
{
	static const char *const names[2] = { "active", "ended" };
	int64_t n[2] = { 0, 0 }, total;
	size_t i, k, rows = top != 0 && top < 2 ? top : 2;
	int rc;

	if ((rc = table_start(t, p->cols, p->numeric)) != 0 ||
	    (rc = each_row(st, p->sql, q, 0, status_add, n)) != 0)
		return rc;
	total = n[0] + n[1];
	for (i = 0; i < rows; i++) {
		k = n[1] > n[0] ? 1 - i : i;
		if ((rc = convo_table_add_row(*t)) != 0 ||
		    (rc = convo_table_set(*t, 0, names[k])) != 0 ||
		    (rc = set_int(*t, 1, n[k])) != 0)
			return rc;
		if (total > 0 && (rc = convo_table_setf(*t, 2, "%.4f",
		    (double)n[k] / (double)total)) != 0)
			return rc;
	}
	return 0;
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
build_window(struct convo_table **t, struct convo_store *st,
    const struct convo_query *q, size_t top, const struct plain *p)
{
	struct window w;
	int rc;

	if ((rc = table_start(t, p->cols, p->numeric)) != 0)
		return rc;
	w.t = *t;
	w.now = q->now;
	return each_row(st, p->sql, q, top, window_add, &w);
}

/*
 * The list of breakdowns.
 */
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
	int (*build)(struct convo_table **, struct convo_store *,
	    const struct convo_query *, size_t, const struct plain *);
	struct plain p;
} breakdowns[] = {
	{ build_traffic, { sql_traffic, cols_traffic, 0x1fffffeUL, NULL, 0 } },
	{ build_trend, { NULL, cols_trend, 0xeUL, NULL, 0 } },
	{ build_plain, { sql_clicks, cols_clicks, 0x8UL, NULL, 0 } },
	{ build_plain, { sql_agents, cols_agents, 0xeUL, "(none)", 0 } },
	{ build_plain, { sql_sources, cols_sources, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_assistants, cols_assistants, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_devices, cols_devices, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_browsers, cols_browsers, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_countries, cols_countries, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_regions, cols_regions, COUNTS,
	    "(unknown)", 0 } },
	{ build_plain, { sql_cities, cols_cities, COUNTS,
	    "(unknown)", 0 } },
	{ build_status, { sql_status, cols_status, COUNTS, NULL, 0 } },
	{ build_plain, { sql_top_questions, cols_questions, 0x2UL, NULL,
	    1 } },
	{ build_plain, { sql_top_not_understood, cols_not_understood, 0x2UL,
	    NULL, 1 } },
	{ build_window, { sql_whatsapp_window, cols_window, 0x8UL, NULL, 0 } }
};

_Static_assert(sizeof(breakdowns) / sizeof(breakdowns[0]) ==
    sizeof(names) / sizeof(names[0]) - 1, "a breakdown for every name");

const char *const *
convo_breakdown_names(void)
{
	return names;
}

int
convo_breakdown(struct convo_table **out, struct convo_store *st,
    const char *name, const struct convo_query *q, size_t top)
{
	struct convo_table *t = NULL;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			break;
	if (names[i] == NULL)
		return CONVO_EUSAGE;
	rc = breakdowns[i].build(&t, st, q, top, &breakdowns[i].p);
	if (rc != 0) {
		convo_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
