/*
 * store_kpi.c: every figure of convo-stats, one entry each, with the SQL
 * that computes it and, above it, its definition from kpis.md (the same
 * words as convo-stats(1)).  "Where is handover_rate defined?" has this
 * one answer.
 *
 * An entry names the query it belongs to and gives SQL expressions: the
 * value, or a numerator and a denominator.  All the expressions of one
 * query are put into one SELECT, so that every figure comes from four
 * statements: one aggregate over the conversations that started in the
 * period (their rollups, see store_schema.c), one over the messages sent
 * in it (through the message (ts, role) index), one over the leads
 * created in it, and one reading the samples that medians and
 * percentiles need.  A statement is assembled from the entries' static
 * text only; values are always bound parameters (store.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* The statements, by what they read. */
enum source {
	CONV,		/* conversations in the period, c, with their user u */
	MSG,		/* messages in the period, m, in conversations c */
	LEAD,		/* leads created in the period, l, of conversations c */
	SAMPLE,		/* one value per conversation in the period */
	N_SOURCES
};

struct entry {
	struct convo_kpi kpi;
	enum source src;
	const char *num;	/* the value, or the numerator; SAMPLE: the */
				/* value of one conversation, NULL to skip */
	const char *den;	/* the denominator, or NULL */
	const char *cond;	/* --explain: which conversations of the */
				/* period count in num; NULL: not explainable */
	double p;		/* SAMPLE: the percentile, 0.5 the median */
};

#define COUNT CONVO_UNIT_COUNT
#define SHARE CONVO_UNIT_SHARE
#define MEAN CONVO_UNIT_MEAN
#define SECONDS CONVO_UNIT_SECONDS
#define MONEY CONVO_UNIT_MONEY
#define NEUTRAL CONVO_DIR_NEUTRAL
#define HIGHER CONVO_DIR_HIGHER
#define LOWER CONVO_DIR_LOWER

/* Conversations of the period for which cond holds. */
#define CHATS(cond) "sum(" cond ")"
/* Its user, user, assistant and agent messages. */
#define N_MESSAGES "(c.n_user + c.n_assistant + c.n_agent)"
#define LASTED "(c.last_message_at - c.first_message_at)"
#define HANDED_OVER "c.n_handovers > 0"
#define CONTAINED "c.n_handovers = 0"
#define USERS "count(DISTINCT c.user_id)"
#define RESPONSE(lo, hi) "c.first_response_ms >= " lo \
	" AND c.first_response_ms < " hi
#define FEEDBACK(cmp) "sum(m.role = 'assistant' AND m.feedback " cmp ")"
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

static const struct entry entries[] = {
	/* "conversations in the period (also called sessions or chats)" */
	{ { "conversations", COUNT, NEUTRAL, 1 }, CONV, "count(*)", NULL,
	    "1", 0 },
	/* "of those, how many have that status now; also as shares" */
	{ { "active", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.status = 'active'"), NULL, "c.status = 'active'", 0 },
	{ { "ended", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.status = 'ended'"), NULL, "c.status = 'ended'", 0 },
	{ { "active_share", SHARE, NEUTRAL, 1 }, CONV,
	    CHATS("c.status = 'active'"), "count(*)", "c.status = 'active'",
	    0 },
	{ { "ended_share", SHARE, NEUTRAL, 1 }, CONV,
	    CHATS("c.status = 'ended'"), "count(*)", "c.status = 'ended'", 0 },
	/* "distinct users over the conversations in the period" */
	{ { "users", COUNT, NEUTRAL, 0 }, CONV, USERS, NULL, NULL, 0 },
	/*
	 * "users whose first conversation ever (in the whole database)
	 * started in the period": first_seen is that start, and no later
	 * than this conversation's, so before until.
	 */
	{ { "new_users", COUNT, NEUTRAL, 0 }, CONV,
	    "count(DISTINCT CASE WHEN u.first_seen >= :since"
	    " THEN c.user_id END)", NULL, NULL, 0 },
	/* "users - new_users" */
	{ { "returning_users", COUNT, NEUTRAL, 0 }, CONV,
	    "count(DISTINCT CASE WHEN u.first_seen < :since"
	    " THEN c.user_id END)", NULL, NULL, 0 },
	/* "returning_users / users" */
	{ { "returning_rate", SHARE, NEUTRAL, 0 }, CONV,
	    "count(DISTINCT CASE WHEN u.first_seen < :since"
	    " THEN c.user_id END)", USERS, NULL, 0 },
	/* "conversations / users" */
	{ { "conversations_per_user", MEAN, NEUTRAL, 0 }, CONV, "count(*)",
	    USERS, NULL, 0 },
	/*
	 * "user, assistant and agent messages in the period (system lines
	 * never count); also split as user_messages, assistant_messages,
	 * agent_messages"
	 */
	{ { "messages", COUNT, NEUTRAL, 0 }, MSG, "count(*)", NULL, NULL, 0 },
	{ { "user_messages", COUNT, NEUTRAL, 0 }, MSG, "sum(m.role = 'user')",
	    NULL, NULL, 0 },
	{ { "assistant_messages", COUNT, NEUTRAL, 0 }, MSG,
	    "sum(m.role = 'assistant')", NULL, NULL, 0 },
	{ { "agent_messages", COUNT, NEUTRAL, 0 }, MSG,
	    "sum(m.role = 'agent')", NULL, NULL, 0 },
	/* "messages of the conversations in the period / conversations" */
	{ { "avg_messages", MEAN, NEUTRAL, 0 }, CONV, "sum" N_MESSAGES,
	    "count(*)", NULL, 0 },
	/*
	 * "a conversation lasts from its first to its last message (not to
	 * a later stale-ending); over conversations with 2 messages or
	 * more": the mean, the median and the 90th percentile, in seconds.
	 */
	{ { "duration_avg", SECONDS, NEUTRAL, 0 }, CONV,
	    "sum(CASE WHEN " N_MESSAGES " >= 2 THEN " LASTED " END) / 1000.0",
	    "sum(" N_MESSAGES " >= 2)", NULL, 0 },
	{ { "duration_median", SECONDS, NEUTRAL, 0 }, SAMPLE,
	    "CASE WHEN " N_MESSAGES " >= 2 THEN " LASTED " / 1000.0 END",
	    NULL, NULL, 0.5 },
	{ { "duration_p90", SECONDS, NEUTRAL, 0 }, SAMPLE,
	    "CASE WHEN " N_MESSAGES " >= 2 THEN " LASTED " / 1000.0 END",
	    NULL, NULL, 0.9 },
	/*
	 * "user messages in the period: typed and answered normally; typed
	 * and answered by a fallback; clicks"
	 */
	{ { "understood", COUNT, NEUTRAL, 0 }, MSG,
	    "sum(m.role = 'user' AND m.click_type IS NULL"
	    " AND m.not_understood = 0)", NULL, NULL, 0 },
	{ { "not_understood", COUNT, NEUTRAL, 0 }, MSG,
	    "sum(m.role = 'user' AND m.not_understood = 1)", NULL, NULL, 0 },
	{ { "button_clicks", COUNT, NEUTRAL, 0 }, MSG,
	    "sum(m.role = 'user' AND m.click_type IS NOT NULL)", NULL, NULL,
	    0 },
	/* "conversations with at least one handover request / conversations" */
	{ { "handover_rate", SHARE, LOWER, 1 }, CONV, CHATS(HANDED_OVER),
	    "count(*)", HANDED_OVER, 0 },
	/* "users with at least one handover request / users" */
	{ { "handover_user_rate", SHARE, LOWER, 1 }, CONV,
	    "count(DISTINCT CASE WHEN " HANDED_OVER " THEN c.user_id END)",
	    USERS, HANDED_OVER, 0 },
	/* "the two counts behind handover_rate" */
	{ { "chats_with_handover", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(HANDED_OVER), NULL, HANDED_OVER, 0 },
	{ { "chats_without_handover", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(CONTAINED), NULL, CONTAINED, 0 },
	/*
	 * "handover requests by kind", in the conversations of the period;
	 * --explain lists the conversations with such a request.
	 */
	{ { "handover_direct", COUNT, NEUTRAL, 1 }, CONV,
	    "sum(c.n_handover_direct)", NULL, "c.n_handover_direct > 0", 0 },
	{ { "handover_after_fallback", COUNT, NEUTRAL, 1 }, CONV,
	    "sum(c.n_handover_after_fallback)", NULL,
	    "c.n_handover_after_fallback > 0", 0 },
	{ { "handover_operator_button", COUNT, NEUTRAL, 1 }, CONV,
	    "sum(c.n_handover_operator_button)", NULL,
	    "c.n_handover_operator_button > 0", 0 },
	/*
	 * "assistant messages that are fallbacks / assistant messages", of
	 * those sent in the period
	 */
	{ { "fallback_rate", SHARE, LOWER, 0 }, MSG,
	    "sum(m.role = 'assistant' AND m.fallback = 1)",
	    "sum(m.role = 'assistant')", NULL, 0 },
	/* "assistant messages in the period (the reviewable responses)" */
	{ { "responses", COUNT, NEUTRAL, 0 }, MSG, "sum(m.role = 'assistant')",
	    NULL, NULL, 0 },
	/* "responses by their thumbs" */
	{ { "feedback_up", COUNT, NEUTRAL, 0 }, MSG, FEEDBACK("= 'up'"), NULL,
	    NULL, 0 },
	{ { "feedback_down", COUNT, NEUTRAL, 0 }, MSG, FEEDBACK("= 'down'"),
	    NULL, NULL, 0 },
	{ { "feedback_none", COUNT, NEUTRAL, 0 }, MSG, FEEDBACK("IS NULL"),
	    NULL, NULL, 0 },
	/* "feedback_up / (feedback_up + feedback_down)" */
	{ { "feedback_ratio", SHARE, HIGHER, 0 }, MSG, FEEDBACK("= 'up'"),
	    FEEDBACK("IS NOT NULL"), NULL, 0 },
	/*
	 * "conversations by their thumbs, over those with any": only up;
	 * both, more up; both, more down; only down; both, as many up as
	 * down.
	 */
	{ { "chats_only_positive", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.n_feedback_up > 0 AND c.n_feedback_down = 0"), NULL,
	    "c.n_feedback_up > 0 AND c.n_feedback_down = 0", 0 },
	{ { "chats_more_positive", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.n_feedback_down > 0 AND c.n_feedback_up > c.n_feedback_down"),
	    NULL, "c.n_feedback_down > 0 AND c.n_feedback_up > c.n_feedback_down",
	    0 },
	{ { "chats_more_negative", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.n_feedback_up > 0 AND c.n_feedback_down > c.n_feedback_up"),
	    NULL, "c.n_feedback_up > 0 AND c.n_feedback_down > c.n_feedback_up",
	    0 },
	{ { "chats_only_negative", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.n_feedback_down > 0 AND c.n_feedback_up = 0"), NULL,
	    "c.n_feedback_down > 0 AND c.n_feedback_up = 0", 0 },
	{ { "chats_mixed_even", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.n_feedback_up > 0 AND c.n_feedback_up = c.n_feedback_down"),
	    NULL, "c.n_feedback_up > 0 AND c.n_feedback_up = c.n_feedback_down",
	    0 },
	/*
	 * "mean of the 1..5 votes of conversations in the period, and how
	 * many; also the count of each score and csat_satisfied = share of
	 * 4 and 5"
	 */
	{ { "csat_avg", MEAN, HIGHER, 0 }, CONV, "sum(c.csat)", "count(c.csat)",
	    NULL, 0 },
	{ { "csat_votes", COUNT, NEUTRAL, 1 }, CONV, "count(c.csat)", NULL,
	    "c.csat IS NOT NULL", 0 },
	{ { "csat_1", COUNT, NEUTRAL, 1 }, CONV, CHATS("c.csat = 1"), NULL,
	    "c.csat = 1", 0 },
	{ { "csat_2", COUNT, NEUTRAL, 1 }, CONV, CHATS("c.csat = 2"), NULL,
	    "c.csat = 2", 0 },
	{ { "csat_3", COUNT, NEUTRAL, 1 }, CONV, CHATS("c.csat = 3"), NULL,
	    "c.csat = 3", 0 },
	{ { "csat_4", COUNT, NEUTRAL, 1 }, CONV, CHATS("c.csat = 4"), NULL,
	    "c.csat = 4", 0 },
	{ { "csat_5", COUNT, NEUTRAL, 1 }, CONV, CHATS("c.csat = 5"), NULL,
	    "c.csat = 5", 0 },
	{ { "csat_satisfied", SHARE, HIGHER, 1 }, CONV, CHATS("c.csat >= 4"),
	    "count(c.csat)", "c.csat >= 4", 0 },
	/* "leads created in the period" (of conversations started any time) */
	{ { "leads", COUNT, NEUTRAL, 0 }, LEAD, "count(*)", NULL, NULL, 0 },
	/*
	 * "conversations in the period with at least one lead /
	 * conversations"
	 */
	{ { "conversion_rate", SHARE, HIGHER, 1 }, CONV, CHATS("c.n_leads > 0"),
	    "count(*)", "c.n_leads > 0", 0 },
	/*
	 * "from a conversation's first user message to the first assistant
	 * or agent reply, median", in seconds
	 */
	{ { "first_response_median", SECONDS, LOWER, 0 }, SAMPLE,
	    "c.first_response_ms / 1000.0", NULL, NULL, 0.5 },
	/*
	 * "from a handover request to the first agent message after it,
	 * median": the conversation's first request, in seconds
	 */
	{ { "agent_pickup_median", SECONDS, LOWER, 0 }, SAMPLE,
	    "c.agent_pickup_ms / 1000.0", NULL, NULL, 0.5 },
	/*
	 * "sums over the conversations in the period; cost_per_conversation"
	 * (stated usage, else the sum over the messages)
	 */
	{ { "input_tokens", COUNT, NEUTRAL, 0 }, CONV, "sum(c.input_tokens)",
	    NULL, NULL, 0 },
	{ { "output_tokens", COUNT, NEUTRAL, 0 }, CONV, "sum(c.output_tokens)",
	    NULL, NULL, 0 },
	{ { "cost", MONEY, NEUTRAL, 0 }, CONV, "total(c.cost)", NULL, NULL, 0 },
	{ { "cost_per_conversation", MONEY, LOWER, 0 }, CONV, "total(c.cost)",
	    "count(*)", NULL, 0 },
	/*
	 * "conversations with at least one typed or clicked user message /
	 * conversations"
	 */
	{ { "engaged_rate", SHARE, HIGHER, 1 }, CONV, CHATS("c.n_user > 0"),
	    "count(*)", "c.n_user > 0", 0 },
	/*
	 * "conversations with no handover request / conversations (the bot
	 * handled them alone)"
	 */
	{ { "contained_rate", SHARE, HIGHER, 1 }, CONV, CHATS(CONTAINED),
	    "count(*)", CONTAINED, 0 },
	/*
	 * "ended conversations whose last non-system message is the
	 * assistant's fallback or an unanswered user message, with no
	 * handover and no lead / ended conversations in the period"
	 */
	{ { "abandoned_rate", SHARE, LOWER, 1 }, CONV, CHATS(ABANDONED),
	    CHATS("c.status = 'ended'"), ABANDONED, 0 },
	/*
	 * "contained conversations whose user starts another conversation
	 * within 24 h (--reopen-window) / contained conversations": 24 h
	 * after its last message.
	 */
	{ { "reopen_rate", SHARE, LOWER, 1 }, CONV,
	    CHATS(CONTAINED " AND " REOPENED), CHATS(CONTAINED),
	    CONTAINED " AND " REOPENED, 0 },
	/*
	 * "csat_votes / conversations in which a survey was offered (an
	 * event or message that the export marks so); null where exports
	 * never mark it": the votes counted are those of these
	 * conversations.
	 */
	{ { "csat_response_rate", SHARE, HIGHER, 1 }, CONV,
	    CHATS("c.csat_offered = 1 AND c.csat IS NOT NULL"),
	    CHATS("c.csat_offered = 1"),
	    "c.csat_offered = 1 AND c.csat IS NOT NULL", 0 },
	/*
	 * "first responses by bucket: under 1 min, 1-5 min, 5-60 min,
	 * 1-24 h, over 24 h" (response_time_buckets): each bucket holds its
	 * lower bound.
	 */
	{ { "response_under_1m", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(RESPONSE("0", "60000")), NULL, RESPONSE("0", "60000"), 0 },
	{ { "response_1m_5m", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(RESPONSE("60000", "300000")), NULL,
	    RESPONSE("60000", "300000"), 0 },
	{ { "response_5m_60m", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(RESPONSE("300000", "3600000")), NULL,
	    RESPONSE("300000", "3600000"), 0 },
	{ { "response_1h_24h", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS(RESPONSE("3600000", "86400000")), NULL,
	    RESPONSE("3600000", "86400000"), 0 },
	{ { "response_over_24h", COUNT, NEUTRAL, 1 }, CONV,
	    CHATS("c.first_response_ms >= 86400000"), NULL,
	    "c.first_response_ms >= 86400000", 0 }
};

#define N_ENTRIES (sizeof(entries) / sizeof(entries[0]))

/*
 * What each statement reads, after its SELECT list.  Messages take the
 * filters as a set of conversations, built once, rather than as a join
 * that tests them again for every message.
 */
static const char *const from[N_SOURCES] = {
	" FROM conversation c JOIN user u ON u.id = c.user_id"
	" WHERE" STORE_CONV_IN_PERIOD,
	" FROM message m WHERE" STORE_MSG_IN_PERIOD " AND m.role <> 'system'"
	" AND m.conversation_id IN (SELECT c.id FROM conversation c WHERE"
	STORE_CONV_MATCH ")",
	" FROM lead l JOIN conversation c ON c.id = l.conversation_id"
	" WHERE l.created_at >= :since AND l.created_at < :until AND"
	STORE_CONV_MATCH,
	" FROM conversation c WHERE" STORE_CONV_IN_PERIOD
};

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

/*
 * One statement's SELECT list: the distinct expressions of its entries,
 * and for each entry the columns of its numerator and denominator.
 */
struct select {
	const char *cols[2 * N_ENTRIES];
	size_t n_cols;
	int num_col[N_ENTRIES];	/* -1: not in this statement */
	int den_col[N_ENTRIES];	/* -1: none */
};

static int
column(struct select *sel, const char *expr)
{
	size_t i;

	for (i = 0; i < sel->n_cols; i++)
		if (strcmp(sel->cols[i], expr) == 0)
			return (int)i;
	sel->cols[sel->n_cols] = expr;
	return (int)sel->n_cols++;
}

/* Assembles the statement of src into b. */
static int
build(struct buf *b, struct select *sel, enum source src)
{
	size_t i;
	int rc = buf_adds(b, "SELECT ");

	sel->n_cols = 0;
	for (i = 0; i < N_ENTRIES; i++) {
		sel->num_col[i] = sel->den_col[i] = -1;
		if (entries[i].src != src)
			continue;
		sel->num_col[i] = column(sel, entries[i].num);
		if (entries[i].den != NULL)
			sel->den_col[i] = column(sel, entries[i].den);
	}
	for (i = 0; rc == 0 && i < sel->n_cols; i++) {
		rc = buf_adds(b, i ? ", " : "");
		if (rc == 0)
			rc = buf_adds(b, sel->cols[i]);
	}
	if (rc == 0)
		rc = buf_adds(b, from[src]);
	return rc == 0 ? 0 : CONVO_ENOMEM;
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

/* Runs the aggregate statement of src and sets its figures. */
static int
aggregate(struct convo_figure *out, struct convo_store *st,
    const struct convo_query *q, enum source src)
{
	struct select sel;
	sqlite3_stmt *s;
	struct buf b;
	size_t i;
	int rc;

	buf_init(&b, 1 << 20);
	if ((rc = build(&b, &sel, src)) != 0 ||
	    (rc = store_prepare(st, &s, b.data)) != 0) {
		buf_release(&b);
		return rc;
	}
	buf_release(&b);
	store_bind_query(s, q);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		rc = store_fail(st, rc, "cannot compute the figures");
		sqlite3_finalize(s);
		return rc;
	}
	for (i = 0; i < N_ENTRIES; i++)
		if (sel.num_col[i] >= 0)
			set_figure(&out[i], &entries[i],
			    sqlite3_column_double(s, sel.num_col[i]),
			    sel.den_col[i] >= 0 ?
			    sqlite3_column_double(s, sel.den_col[i]) : -1);
	sqlite3_finalize(s);
	return 0;
}

/* A growable sample of doubles. */
struct sample {
	double *v;
	size_t n, cap;
};

static int
sample_add(struct sample *sm, double x)
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

/* Reads the samples, one column per distinct expression. */
static int
read_samples(struct sample *sm, const struct select *sel,
    struct convo_store *st, const struct convo_query *q, const char *sql)
{
	sqlite3_stmt *s;
	size_t c;
	int rc;

	if ((rc = store_prepare(st, &s, sql)) != 0)
		return rc;
	store_bind_query(s, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (c = 0; c < sel->n_cols; c++)
			if (sqlite3_column_type(s, (int)c) != SQLITE_NULL &&
			    sample_add(&sm[c], sqlite3_column_double(s,
			    (int)c)) != 0) {
				sqlite3_finalize(s);
				return CONVO_ENOMEM;
			}
	rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc,
	    "cannot compute the figures");
	sqlite3_finalize(s);
	return rc;
}

/* Medians and percentiles: the values are needed, not only sums. */
static int
samples(struct convo_figure *out, struct convo_store *st,
    const struct convo_query *q)
{
	struct sample sm[2 * N_ENTRIES];
	struct select sel;
	struct buf b;
	size_t i, c;
	int rc;

	memset(sm, 0, sizeof(sm));
	buf_init(&b, 1 << 20);
	if ((rc = build(&b, &sel, SAMPLE)) == 0)
		rc = read_samples(sm, &sel, st, q, b.data);
	buf_release(&b);
	for (c = 0; rc == 0 && c < sel.n_cols; c++)
		convo_stats_sort(sm[c].v, sm[c].n);
	for (i = 0; rc == 0 && i < N_ENTRIES; i++) {
		if (sel.num_col[i] < 0)
			continue;
		c = (size_t)sel.num_col[i];
		set_figure(&out[i], &entries[i], convo_stats_percentile(sm[c].v,
		    sm[c].n, entries[i].p), -1);
		out[i].num = NAN;
		out[i].den = (double)sm[c].n;
		out[i].is_null = sm[c].n == 0;
	}
	for (c = 0; c < sel.n_cols; c++)
		free(sm[c].v);
	return rc;
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

int
convo_kpi_compute(struct convo_figure *out, struct convo_store *st,
    const struct convo_query *q)
{
	int rc;

	all_null(out);
	if ((rc = aggregate(out, st, q, CONV)) != 0 ||
	    (rc = aggregate(out, st, q, MSG)) != 0 ||
	    (rc = aggregate(out, st, q, LEAD)) != 0 ||
	    (rc = samples(out, st, q)) != 0)
		all_null(out);
	return rc;
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
