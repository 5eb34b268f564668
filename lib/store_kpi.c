/*
 * store_kpi.c: every figure of convo-stats, one entry each, with its
 * definition from kpis.md (the same words as convo-stats(1)) above it,
 * the sums it is the ratio of, and the SQL condition that --explain
 * lists its conversations by.  "Where is handover_rate defined?" has
 * this one answer.
 *
 * The sums come from one pass over the period (store_period.c):
 * store_kpi_conversation() below adds each conversation that started in
 * the period and passes the filters, in the words of the entries'
 * conditions; the pass adds the messages sent in the period, the leads
 * created in it, the distinct users and the reopened conversations.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

struct entry {
	struct convo_kpi kpi;
	int num;		/* the value, or the numerator: an ACC_ sum */
	int den;		/* the denominator, or -1 */
	const char *cond;	/* --explain: which conversations of the */
				/* period count in num; NULL: not explainable */
	int sample;		/* a median or percentile of this sample */
	double p;		/* the percentile, 0.5 the median */
};

#define COUNT CONVO_UNIT_COUNT
#define SHARE CONVO_UNIT_SHARE
#define MEAN CONVO_UNIT_MEAN
#define SECONDS CONVO_UNIT_SECONDS
#define MONEY CONVO_UNIT_MONEY
#define NEUTRAL CONVO_DIR_NEUTRAL
#define HIGHER CONVO_DIR_HIGHER
#define LOWER CONVO_DIR_LOWER

/* A sum, a ratio, a sample's percentile. */
#define SUM(n, cond) n, -1, cond, -1, 0
#define RATIO(n, d, cond) n, d, cond, -1, 0
#define PERCENTILE(s, p) -1, -1, NULL, s, p

#define HANDED_OVER "c.n_handovers > 0"
#define CONTAINED "c.n_handovers = 0"
#define RESPONSE(lo, hi) "c.first_response_ms >= " lo \
	" AND c.first_response_ms < " hi
/* Ended, no handover, no lead, and the last word unanswered or a fallback. */
#define ABANDONED "c.status = 'ended' AND " CONTAINED " AND c.n_leads = 0" \
	" AND (c.last_role = 'user'" \
	" OR (c.last_role = 'assistant' AND c.last_fallback = 1))"
/*
 * The user started another conversation (test traffic only with
 * --include-test) within the window after this one's last message.
 */
#define REOPENED "EXISTS (SELECT 1 FROM conversation o" \
	" WHERE o.user_id = c.user_id AND o.id <> c.id" \
	" AND o.started_at >= c.started_at" \
	" AND o.started_at <= coalesce(c.last_message_at, c.started_at)" \
	"   + :reopen_window" \
	" AND (:include_test OR o.source <> 'test_chat'))"
#define ONLY_POSITIVE "c.n_feedback_up > 0 AND c.n_feedback_down = 0"
#define MORE_POSITIVE \
	"c.n_feedback_down > 0 AND c.n_feedback_up > c.n_feedback_down"
#define MORE_NEGATIVE \
	"c.n_feedback_up > 0 AND c.n_feedback_down > c.n_feedback_up"
#define ONLY_NEGATIVE "c.n_feedback_down > 0 AND c.n_feedback_up = 0"
#define MIXED_EVEN "c.n_feedback_up > 0 AND c.n_feedback_up = c.n_feedback_down"

static const struct entry entries[] = {
	/* "conversations in the period (also called sessions or chats)" */
	{ { "conversations", COUNT, NEUTRAL, 1 },
	    SUM(ACC_CONVERSATIONS, "1") },
	/* "of those, how many have that status now; also as shares" */
	{ { "active", COUNT, NEUTRAL, 1 },
	    SUM(ACC_ACTIVE, "c.status = 'active'") },
	{ { "ended", COUNT, NEUTRAL, 1 },
	    SUM(ACC_ENDED, "c.status = 'ended'") },
	{ { "active_share", SHARE, NEUTRAL, 1 },
	    RATIO(ACC_ACTIVE, ACC_CONVERSATIONS, "c.status = 'active'") },
	{ { "ended_share", SHARE, NEUTRAL, 1 },
	    RATIO(ACC_ENDED, ACC_CONVERSATIONS, "c.status = 'ended'") },
	/* "distinct users over the conversations in the period" */
	{ { "users", COUNT, NEUTRAL, 0 }, SUM(ACC_USERS, NULL) },
	/*
	 * "users whose first conversation ever (in the whole database)
	 * started in the period": user.first_seen is that start.
	 */
	{ { "new_users", COUNT, NEUTRAL, 0 }, SUM(ACC_NEW_USERS, NULL) },
	/* "users - new_users" (first_seen before the period) */
	{ { "returning_users", COUNT, NEUTRAL, 0 },
	    SUM(ACC_RETURNING_USERS, NULL) },
	/* "returning_users / users" */
	{ { "returning_rate", SHARE, NEUTRAL, 0 },
	    RATIO(ACC_RETURNING_USERS, ACC_USERS, NULL) },
	/* "conversations / users" */
	{ { "conversations_per_user", MEAN, NEUTRAL, 0 },
	    RATIO(ACC_CONVERSATIONS, ACC_USERS, NULL) },
	/*
	 * "user, assistant and agent messages in the period (system lines
	 * never count); also split as user_messages, assistant_messages,
	 * agent_messages"
	 */
	{ { "messages", COUNT, NEUTRAL, 0 }, SUM(ACC_MESSAGES, NULL) },
	{ { "user_messages", COUNT, NEUTRAL, 0 },
	    SUM(ACC_USER_MESSAGES, NULL) },
	{ { "assistant_messages", COUNT, NEUTRAL, 0 },
	    SUM(ACC_ASSISTANT_MESSAGES, NULL) },
	{ { "agent_messages", COUNT, NEUTRAL, 0 },
	    SUM(ACC_AGENT_MESSAGES, NULL) },
	/* "messages of the conversations in the period / conversations" */
	{ { "avg_messages", MEAN, NEUTRAL, 0 },
	    RATIO(ACC_CONV_MESSAGES, ACC_CONVERSATIONS, NULL) },
	/*
	 * "a conversation lasts from its first to its last message (not to
	 * a later stale-ending); over conversations with 2 messages or
	 * more": the mean, the median and the 90th percentile, in seconds.
	 */
	{ { "duration_avg", SECONDS, NEUTRAL, 0 },
	    RATIO(ACC_DURATION_SUM, ACC_DURATION_N, NULL) },
	{ { "duration_median", SECONDS, NEUTRAL, 0 },
	    PERCENTILE(SAMPLE_DURATION, 0.5) },
	{ { "duration_p90", SECONDS, NEUTRAL, 0 },
	    PERCENTILE(SAMPLE_DURATION, 0.9) },
	/*
	 * "user messages in the period: typed and answered normally; typed
	 * and answered by a fallback; clicks"
	 */
	{ { "understood", COUNT, NEUTRAL, 0 }, SUM(ACC_UNDERSTOOD, NULL) },
	{ { "not_understood", COUNT, NEUTRAL, 0 },
	    SUM(ACC_NOT_UNDERSTOOD, NULL) },
	{ { "button_clicks", COUNT, NEUTRAL, 0 }, SUM(ACC_CLICKS, NULL) },
	/* "conversations with at least one handover request / conversations" */
	{ { "handover_rate", SHARE, LOWER, 1 },
	    RATIO(ACC_HANDED_OVER, ACC_CONVERSATIONS, HANDED_OVER) },
	/* "users with at least one handover request / users" */
	{ { "handover_user_rate", SHARE, LOWER, 1 },
	    RATIO(ACC_HANDOVER_USERS, ACC_USERS, HANDED_OVER) },
	/* "the two counts behind handover_rate" */
	{ { "chats_with_handover", COUNT, NEUTRAL, 1 },
	    SUM(ACC_HANDED_OVER, HANDED_OVER) },
	{ { "chats_without_handover", COUNT, NEUTRAL, 1 },
	    SUM(ACC_CONTAINED, CONTAINED) },
	/*
	 * "handover requests by kind", in the conversations of the period;
	 * --explain lists the conversations with such a request.
	 */
	{ { "handover_direct", COUNT, NEUTRAL, 1 },
	    SUM(ACC_HANDOVER_DIRECT, "c.n_handover_direct > 0") },
	{ { "handover_after_fallback", COUNT, NEUTRAL, 1 },
	    SUM(ACC_HANDOVER_AFTER_FALLBACK,
	    "c.n_handover_after_fallback > 0") },
	{ { "handover_operator_button", COUNT, NEUTRAL, 1 },
	    SUM(ACC_HANDOVER_OPERATOR_BUTTON,
	    "c.n_handover_operator_button > 0") },
	/*
	 * "assistant messages that are fallbacks / assistant messages", of
	 * those sent in the period
	 */
	{ { "fallback_rate", SHARE, LOWER, 0 },
	    RATIO(ACC_FALLBACKS, ACC_ASSISTANT_MESSAGES, NULL) },
	/* "assistant messages in the period (the reviewable responses)" */
	{ { "responses", COUNT, NEUTRAL, 0 },
	    SUM(ACC_ASSISTANT_MESSAGES, NULL) },
	/* "responses by their thumbs" */
	{ { "feedback_up", COUNT, NEUTRAL, 0 }, SUM(ACC_FEEDBACK_UP, NULL) },
	{ { "feedback_down", COUNT, NEUTRAL, 0 },
	    SUM(ACC_FEEDBACK_DOWN, NULL) },
	{ { "feedback_none", COUNT, NEUTRAL, 0 },
	    SUM(ACC_FEEDBACK_NONE, NULL) },
	/* "feedback_up / (feedback_up + feedback_down)" */
	{ { "feedback_ratio", SHARE, HIGHER, 0 },
	    RATIO(ACC_FEEDBACK_UP, ACC_FEEDBACK_ANY, NULL) },
	/*
	 * "conversations by their thumbs, over those with any": only up;
	 * both, more up; both, more down; only down; both, as many up as
	 * down.
	 */
	{ { "chats_only_positive", COUNT, NEUTRAL, 1 },
	    SUM(ACC_ONLY_POSITIVE, ONLY_POSITIVE) },
	{ { "chats_more_positive", COUNT, NEUTRAL, 1 },
	    SUM(ACC_MORE_POSITIVE, MORE_POSITIVE) },
	{ { "chats_more_negative", COUNT, NEUTRAL, 1 },
	    SUM(ACC_MORE_NEGATIVE, MORE_NEGATIVE) },
	{ { "chats_only_negative", COUNT, NEUTRAL, 1 },
	    SUM(ACC_ONLY_NEGATIVE, ONLY_NEGATIVE) },
	{ { "chats_mixed_even", COUNT, NEUTRAL, 1 },
	    SUM(ACC_MIXED_EVEN, MIXED_EVEN) },
	/*
	 * "mean of the 1..5 votes of conversations in the period, and how
	 * many; also the count of each score and csat_satisfied = share of
	 * 4 and 5"
	 */
	{ { "csat_avg", MEAN, HIGHER, 0 },
	    RATIO(ACC_CSAT_SUM, ACC_CSAT_VOTES, NULL) },
	{ { "csat_votes", COUNT, NEUTRAL, 1 },
	    SUM(ACC_CSAT_VOTES, "c.csat IS NOT NULL") },
	{ { "csat_1", COUNT, NEUTRAL, 1 }, SUM(ACC_CSAT_1, "c.csat = 1") },
	{ { "csat_2", COUNT, NEUTRAL, 1 }, SUM(ACC_CSAT_2, "c.csat = 2") },
	{ { "csat_3", COUNT, NEUTRAL, 1 }, SUM(ACC_CSAT_3, "c.csat = 3") },
	{ { "csat_4", COUNT, NEUTRAL, 1 }, SUM(ACC_CSAT_4, "c.csat = 4") },
	{ { "csat_5", COUNT, NEUTRAL, 1 }, SUM(ACC_CSAT_5, "c.csat = 5") },
	{ { "csat_satisfied", SHARE, HIGHER, 1 },
	    RATIO(ACC_CSAT_SATISFIED, ACC_CSAT_VOTES, "c.csat >= 4") },
	/* "leads created in the period" (of conversations started any time) */
	{ { "leads", COUNT, NEUTRAL, 0 }, SUM(ACC_LEADS, NULL) },
	/*
	 * "conversations in the period with at least one lead /
	 * conversations"
	 */
	{ { "conversion_rate", SHARE, HIGHER, 1 },
	    RATIO(ACC_CONVERTED, ACC_CONVERSATIONS, "c.n_leads > 0") },
	/*
	 * "from a conversation's first user message to the first assistant
	 * or agent reply, median", in seconds
	 */
	{ { "first_response_median", SECONDS, LOWER, 0 },
	    PERCENTILE(SAMPLE_FIRST_RESPONSE, 0.5) },
	/*
	 * "from a handover request to the first agent message after it,
	 * median": the conversation's first request, in seconds
	 */
	{ { "agent_pickup_median", SECONDS, LOWER, 0 },
	    PERCENTILE(SAMPLE_AGENT_PICKUP, 0.5) },
	/*
	 * "sums over the conversations in the period; cost_per_conversation"
	 * (stated usage, else the sum over the messages)
	 */
	{ { "input_tokens", COUNT, NEUTRAL, 0 },
	    SUM(ACC_INPUT_TOKENS, NULL) },
	{ { "output_tokens", COUNT, NEUTRAL, 0 },
	    SUM(ACC_OUTPUT_TOKENS, NULL) },
	{ { "cost", MONEY, NEUTRAL, 0 }, SUM(ACC_COST, NULL) },
	{ { "cost_per_conversation", MONEY, LOWER, 0 },
	    RATIO(ACC_COST, ACC_CONVERSATIONS, NULL) },
	/*
	 * "conversations with at least one typed or clicked user message /
	 * conversations"
	 */
	{ { "engaged_rate", SHARE, HIGHER, 1 },
	    RATIO(ACC_ENGAGED, ACC_CONVERSATIONS, "c.n_user > 0") },
	/*
	 * "conversations with no handover request / conversations (the bot
	 * handled them alone)"
	 */
	{ { "contained_rate", SHARE, HIGHER, 1 },
	    RATIO(ACC_CONTAINED, ACC_CONVERSATIONS, CONTAINED) },
	/*
	 * "ended conversations whose last non-system message is the
	 * assistant's fallback or an unanswered user message, with no
	 * handover and no lead / ended conversations in the period"
	 */
	{ { "abandoned_rate", SHARE, LOWER, 1 },
	    RATIO(ACC_ABANDONED, ACC_ENDED, ABANDONED) },
	/*
	 * "contained conversations whose user starts another conversation
	 * within 24 h (--reopen-window) / contained conversations": 24 h
	 * after its last message.
	 */
	{ { "reopen_rate", SHARE, LOWER, 1 },
	    RATIO(ACC_REOPENED, ACC_CONTAINED, CONTAINED " AND " REOPENED) },
	/*
	 * "csat_votes / conversations in which a survey was offered (an
	 * event or message that the export marks so); null where exports
	 * never mark it": the votes counted are those of these
	 * conversations.
	 */
	{ { "csat_response_rate", SHARE, HIGHER, 1 },
	    RATIO(ACC_OFFERED_VOTED, ACC_OFFERED,
	    "c.csat_offered = 1 AND c.csat IS NOT NULL") },
	/*
	 * "first responses by bucket: under 1 min, 1-5 min, 5-60 min,
	 * 1-24 h, over 24 h" (response_time_buckets): each bucket holds its
	 * lower bound.
	 */
	{ { "response_under_1m", COUNT, NEUTRAL, 1 },
	    SUM(ACC_RESPONSE_1M, RESPONSE("0", "60000")) },
	{ { "response_1m_5m", COUNT, NEUTRAL, 1 },
	    SUM(ACC_RESPONSE_5M, RESPONSE("60000", "300000")) },
	{ { "response_5m_60m", COUNT, NEUTRAL, 1 },
	    SUM(ACC_RESPONSE_60M, RESPONSE("300000", "3600000")) },
	{ { "response_1h_24h", COUNT, NEUTRAL, 1 },
	    SUM(ACC_RESPONSE_24H, RESPONSE("3600000", "86400000")) },
	{ { "response_over_24h", COUNT, NEUTRAL, 1 },
	    SUM(ACC_RESPONSE_OVER, "c.first_response_ms >= 86400000") }
};

#define N_ENTRIES (sizeof(entries) / sizeof(entries[0]))

static int
sample_add(struct period_sample *sm, double x)
{
	double *p;
	size_t cap;

	if (sm->n == sm->cap) {
		cap = sm->cap ? sm->cap * 2 : 256;
		if ((p = realloc(sm->v, cap * sizeof(*p))) == NULL)
			return CONVO_ENOMEM;
		sm->v = p;
		sm->cap = cap;
	}
	sm->v[sm->n++] = x;
	return 0;
}

/* A response time in [lo, hi) milliseconds; NULL is in none. */
#define IN(ms, lo, hi) ((ms) != CONVO_TIME_NONE && (ms) >= (lo) && (ms) < (hi))

/*
 * Adds c to the sums: the conditions of the entries above, in C.  NULL
 * columns (CONVO_TIME_NONE, csat 0) make a condition false, as in SQL.
 */
int
store_kpi_conversation(int64_t *n, double *cost, struct period_sample *sm,
    const struct period_conv *c)
{
	int64_t msgs = c->n_user + c->n_assistant + c->n_agent;
	int64_t up = c->n_feedback_up, down = c->n_feedback_down;
	int64_t rt = c->first_response_ms, none = CONVO_TIME_NONE;
	int contained = c->n_handovers == 0;
	int rc = 0;

	n[ACC_CONVERSATIONS]++;
	n[ACC_ACTIVE] += c->active;
	n[ACC_ENDED] += c->ended;
	n[ACC_CONV_MESSAGES] += msgs;
	if (msgs >= 2) {
		n[ACC_DURATION_SUM] += c->last_message_at - c->first_message_at;
		n[ACC_DURATION_N]++;
		rc = sample_add(&sm[SAMPLE_DURATION],
		    (double)(c->last_message_at - c->first_message_at) /
		    1000.0);
	}
	n[ACC_HANDED_OVER] += c->n_handovers > 0;
	n[ACC_CONTAINED] += contained;
	n[ACC_HANDOVER_DIRECT] += c->n_handover_direct;
	n[ACC_HANDOVER_AFTER_FALLBACK] += c->n_handover_after_fallback;
	n[ACC_HANDOVER_OPERATOR_BUTTON] += c->n_handover_operator_button;
	n[ACC_ONLY_POSITIVE] += up > 0 && down == 0;
	n[ACC_MORE_POSITIVE] += down > 0 && up > down;
	n[ACC_MORE_NEGATIVE] += up > 0 && down > up;
	n[ACC_ONLY_NEGATIVE] += down > 0 && up == 0;
	n[ACC_MIXED_EVEN] += up > 0 && up == down;
	if (c->csat != 0) {
		n[ACC_CSAT_SUM] += c->csat;
		n[ACC_CSAT_VOTES]++;
		n[ACC_CSAT_1] += c->csat == 1;
		n[ACC_CSAT_2] += c->csat == 2;
		n[ACC_CSAT_3] += c->csat == 3;
		n[ACC_CSAT_4] += c->csat == 4;
		n[ACC_CSAT_5] += c->csat == 5;
		n[ACC_CSAT_SATISFIED] += c->csat >= 4;
		n[ACC_OFFERED_VOTED] += c->csat_offered == 1;
	}
	n[ACC_OFFERED] += c->csat_offered == 1;
	n[ACC_CONVERTED] += c->n_leads > 0;
	n[ACC_INPUT_TOKENS] += c->input_tokens;
	n[ACC_OUTPUT_TOKENS] += c->output_tokens;
	*cost += c->cost;
	n[ACC_ENGAGED] += c->n_user > 0;
	n[ACC_ABANDONED] += c->ended && contained && c->n_leads == 0 &&
	    (c->last_role_user || (c->last_role_assistant &&
	    c->last_fallback == 1));
	n[ACC_RESPONSE_1M] += IN(rt, 0, 60000);
	n[ACC_RESPONSE_5M] += IN(rt, 60000, 300000);
	n[ACC_RESPONSE_60M] += IN(rt, 300000, 3600000);
	n[ACC_RESPONSE_24H] += IN(rt, 3600000, 86400000);
	n[ACC_RESPONSE_OVER] += rt != none && rt >= 86400000;
	if (rc == 0 && rt != none)
		rc = sample_add(&sm[SAMPLE_FIRST_RESPONSE],
		    (double)rt / 1000.0);
	if (rc == 0 && c->agent_pickup_ms != none)
		rc = sample_add(&sm[SAMPLE_AGENT_PICKUP],
		    (double)c->agent_pickup_ms / 1000.0);
	return rc;
}

size_t
convo_kpi_count(void)
{
	return N_ENTRIES;
}

const struct convo_kpi *
convo_kpi_at(size_t i)
{
	return i < N_ENTRIES ? &entries[i].kpi : NULL;
}

int
convo_kpi_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_ENTRIES; i++)
		if (strcmp(entries[i].kpi.name, name) == 0)
			return (int)i;
	return -1;
}

/* Sets a figure from its numerator and denominator (den < 0: none). */
static void
set_figure(struct convo_figure *f, const struct entry *e, double num,
    double den)
{
	f->low = f->high = NAN;
	f->num = num;
	f->den = NAN;
	f->is_null = 0;
	f->value = num;
	if (den < 0)
		return;
	f->den = den;
	if (!(den > 0)) {
		f->is_null = 1;
		f->value = NAN;
		return;
	}
	f->value = num / den;
	if (e->kpi.unit == CONVO_UNIT_SHARE)
		convo_stats_wilson(&f->low, &f->high, num, den);
}

/* Sum i of the period, as the SQL sum() it stands for gave it. */
static double
sum_of(const struct period *p, int i)
{
	if (i == ACC_COST)
		return p->cost;
	if (i == ACC_DURATION_SUM)
		return (double)p->n[i] / 1000.0;
	return (double)p->n[i];
}

/*
 * The k-th smallest of v[0 .. n - 1] (0 <= k < n) moves to v[k], the
 * smaller ones before it, the others after (Wirth's selection).
 */
static void
select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, i, j, kk = (ptrdiff_t)k;
	double x, t;

	while (lo < hi) {
		x = v[kk];
		i = lo;
		j = hi;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < kk)
			lo = i;
		if (kk < i)
			hi = j;
	}
}

/*
 * convo_stats_percentile() of the sorted sample, found by selection: the
 * values at ranks floor(h) and floor(h) + 1 without sorting them all.
 */
static double
percentile(double *v, size_t n, double p)
{
	double h, lo, next;
	size_t i, k;

	if (n == 0 || isnan(p))
		return NAN;
	if (p <= 0 || p >= 1) {
		next = v[0];
		for (k = 1; k < n; k++)
			if (p <= 0 ? v[k] < next : v[k] > next)
				next = v[k];
		return next;
	}
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return percentile(v, n, 1);
	select_kth(v, n, i);
	next = v[i + 1];
	for (k = i + 2; k < n; k++)
		if (v[k] < next)
			next = v[k];
	return v[i] + (h - lo) * (next - v[i]);
}

static void
all_null(struct convo_figure *out)
{
	size_t i;

	for (i = 0; i < N_ENTRIES; i++) {
		out[i].is_null = 1;
		out[i].value = out[i].num = out[i].den = NAN;
		out[i].low = out[i].high = NAN;
	}
}

static void
set_figures(struct convo_figure *out, struct period *p)
{
	struct period_sample *sm;
	const struct entry *e;
	size_t i;

	for (i = 0; i < N_ENTRIES; i++) {
		e = &entries[i];
		if (e->sample < 0) {
			set_figure(&out[i], e, sum_of(p, e->num),
			    e->den >= 0 ? sum_of(p, e->den) : -1);
			continue;
		}
		sm = &p->sample[e->sample];
		set_figure(&out[i], e, percentile(sm->v, sm->n, e->p), -1);
		out[i].num = NAN;
		out[i].den = (double)sm->n;
		out[i].is_null = sm->n == 0;
	}
}

int
convo_kpi_compute(struct convo_figure *out, struct convo_store *st,
    const struct convo_query *q)
{
	struct period *p;
	int rc;

	all_null(out);
	if ((rc = store_period(&p, st, q, PERIOD_FIGURES)) != 0)
		return rc;
	set_figures(out, p);
	return 0;
}

/* Reads the first column of every row of s into a new one-column table. */
static int
read_column(struct convo_table **out, struct convo_store *st,
    sqlite3_stmt *s, const char *const *names, size_t n_cols)
{
	struct convo_table *t;
	size_t c;
	int rc;

	*out = NULL;
	if ((rc = convo_table_new(&t, n_cols, names)) != 0)
		return rc;
	for (c = 1; c < n_cols; c++)
		convo_table_set_kind(t, c, CONVO_CELL_NUMBER);
	while (rc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		rc = convo_table_add_row(t);
		for (c = 0; rc == 0 && c < n_cols; c++)
			rc = convo_table_set(t, c, (const char *)
			    sqlite3_column_text(s, (int)c));
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc, "cannot read the database");
	if (rc != 0)
		convo_table_free(t);
	else
		*out = t;
	return rc;
}

static const char sql_explain[] =
	"SELECT c.ext_id FROM conversation c WHERE" STORE_CONV_IN_PERIOD
	" AND (";
static const char sql_explain_order[] = ") ORDER BY c.started_at, c.id";

int
convo_kpi_explain(struct convo_table **out, struct convo_store *st,
    const struct convo_query *q, size_t kpi)
{
	static const char *const names[] = { "id" };
	sqlite3_stmt *s;
	struct buf b;
	int rc;

	*out = NULL;
	if (kpi >= N_ENTRIES || entries[kpi].cond == NULL)
		return CONVO_EUSAGE;
	buf_init(&b, 1 << 20);
	if (buf_adds(&b, sql_explain) != 0 ||
	    buf_adds(&b, entries[kpi].cond) != 0 ||
	    buf_adds(&b, sql_explain_order) != 0) {
		buf_release(&b);
		return CONVO_ENOMEM;
	}
	rc = store_prepare(st, &s, b.data);
	buf_release(&b);
	if (rc != 0)
		return rc;
	store_bind_query(s, q);
	rc = read_column(out, st, s, names, 1);
	sqlite3_finalize(s);
	return rc;
}

/* The fields --by compares by value, and their columns. */
static const char sql_groups[] =
	"SELECT coalesce(CASE :field WHEN 'source' THEN c.source"
	" WHEN 'assistant' THEN c.assistant WHEN 'device' THEN c.device"
	" WHEN 'browser' THEN c.browser WHEN 'country' THEN c.country"
	" WHEN 'region' THEN c.region END, '') AS v, count(*)"
	" FROM conversation c WHERE" STORE_CONV_IN_PERIOD
	" GROUP BY v ORDER BY count(*) DESC, v";

int
convo_kpi_group_values(struct convo_table **out, struct convo_store *st,
    const struct convo_query *q, const char *field)
{
	static const char *const fields[] = {
		"source", "assistant", "device", "browser", "country", "region"
	};
	static const char *const names[] = { "value", "conversations" };
	sqlite3_stmt *s;
	size_t i;
	int rc;

	*out = NULL;
	if (strcmp(field, "channel") == 0)
		field = "source";
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(field, fields[i]) == 0)
			break;
	if (i == sizeof(fields) / sizeof(fields[0]))
		return CONVO_EUSAGE;
	if ((rc = store_prepare(st, &s, sql_groups)) != 0)
		return rc;
	store_bind_query(s, q);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":field"), field,
	    -1, SQLITE_STATIC);
	rc = read_column(out, st, s, names, 2);
	sqlite3_finalize(s);
	return rc;
}

static const char sql_span[] =
	"SELECT min(c.started_at), max(c.started_at) FROM conversation c"
	" WHERE" STORE_CONV_IN_PERIOD;

int
convo_kpi_span(int64_t *first, int64_t *last, struct convo_store *st,
    const struct convo_query *q)
{
	sqlite3_stmt *s;
	int rc;

	*first = *last = CONVO_TIME_NONE;
	if ((rc = store_prepare(st, &s, sql_span)) != 0)
		return rc;
	store_bind_query(s, q);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*first = sqlite3_column_int64(s, 0);
		*last = sqlite3_column_int64(s, 1);
	}
	rc = rc == SQLITE_ROW ? 0 : store_fail(st, rc,
	    "cannot read the database");
	sqlite3_finalize(s);
	return rc;
}
