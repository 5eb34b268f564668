/*
 * store_period_msg.c: the messages of a period, for a pass over it
 * (store_period.c), from rollups.  A conversation that passes the filters
 * and whose messages all lie in the period ("whole") adds its counts by
 * role (its conversation row's), its rows of the activity table and its
 * entries in the partial indexes message_click, message_agent and
 * message_not_understood.  One that straddles an end of the period has
 * its messages in the period read one by one.  Those that did not start
 * in the period are found in the activity rows of its quarters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_period.h"

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
	if ((rc = period_map_put(&i, &added, &ps->quarter_map, q,
	    p->n_quarters)) != 0)
		return rc;
	ps->last_quarter = q;
	ps->last_quarter_ix = i;
	if (added) {
		if ((rc = period_grow(&p->quarters, &ps->cap_quarters,
		    p->n_quarters, sizeof(*p->quarters))) != 0)
			return rc;
		e = &p->quarters[p->n_quarters++];
		e->quarter = q;
		e->n_user = e->n_messages = 0;
	}
	p->quarters[i].n_user += n;
	p->quarters[i].n_messages += m;
	return 0;
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
int
period_classify(struct pass *ps, const struct period_conv *c)
{
	struct period *p = ps->p;
	const struct convo_query *q = ps->q;
	unsigned char k;
	int rc;

	if (c->first_message_at == NONE || c->first_message_at >= q->until ||
	    c->last_message_at < q->since)
		k = CLS_OUT;
	else if (c->first_message_at >= q->since &&
	    c->last_message_at < q->until)
		k = CLS_WHOLE;
	else
		k = CLS_STRADDLE;
	if ((rc = period_cls_set(ps, c->id, k | CLS_PASSES)) != 0)
		return rc;
	if (k == CLS_STRADDLE) {
		if ((rc = period_grow(&ps->straddle, &ps->cap_straddle,
		    ps->n_straddle, sizeof(*ps->straddle))) != 0)
			return rc;
		ps->straddle[ps->n_straddle++] = c->id;
	} else if (k == CLS_WHOLE) {
		whole_msgs(p->n, c);
		period_extend(&p->msg_min, &p->msg_max, c->first_message_at);
		period_extend(&p->msg_min, &p->msg_max, c->last_message_at);
		if (ps->whole_lo > ps->whole_hi)
			ps->whole_lo = ps->whole_hi = c->id;
		else
			period_extend(&ps->whole_lo, &ps->whole_hi, c->id);
	}
	return 0;
}

/*
 * K_ACTIVITY: the activity rows of the period's quarters: the quarters
 * of the whole conversations, and the conversations that did not start
 * in the period.
 */
static const char sql_activity[] =
	"SELECT convo_pass(?1, 3, quarter, conversation_id, n_user,"
	" n_messages) FROM activity WHERE quarter >= ?2 AND quarter < ?3";

int
period_activity_row(struct pass *ps, sqlite3_value **v)
{
	int64_t id = sqlite3_value_int64(v[1]);
	unsigned char k = period_cls_get(ps, id);
	int rc;

	if (k == CLS_UNKNOWN) {
		/* (A statement of its own: this one is running.) */
		if ((rc = period_fetch(ps, id)) != 0)
			return rc;
		k = period_cls_get(ps, id);
	}
	if ((k & CLS_MASK) != CLS_WHOLE || !(ps->needs & PERIOD_QUARTERS))
		return 0;
	return quarter_add(ps, sqlite3_value_int64(v[0]),
	    sqlite3_value_int64(v[2]), sqlite3_value_int64(v[3]));
}

int
period_read_activity(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = period_prepare(ps, &s, sql_activity)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since / QUARTER_MS);
	sqlite3_bind_int64(s, 3, (ps->q->until - 1) / QUARTER_MS + 1);
	rc = period_drain(ps, s);
	sqlite3_finalize(s);
	return rc;
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
		t[k] = period_text(v[k], &len[k]);
	if ((rc = period_group_get(&i, &ps->p->clicks, 0, t, len, 3)) != 0)
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

	t = period_text(agent, &len);
	fb = period_text(feedback, &fblen);
	if ((rc = period_group_get(&i, &ps->p->agents, 0, &t, &len, 1)) != 0)
		return rc;
	ps->p->agents.g[i].n[0]++;
	ps->p->agents.g[i].n[1] += period_text_is(fb, fblen, "up");
	ps->p->agents.g[i].n[2] += period_text_is(fb, fblen, "down");
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
		if ((rc = period_group_get(&i, &ps->p->not_understood, 0,
		    &v, &len, 1)) == 0)
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
	const char *t = period_text(text, &n);
	int rc;

	if (t == NULL)
		return 0;
	if ((rc = period_group_get(&i, &ps->raw, 0, &t, &n, 1)) != 0)
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
int
period_straddle_row(struct pass *ps, sqlite3_value **v)
{
	struct msgs *m = &ps->msgs;
	size_t len, fblen;
	const char *role = period_text(v[M_ROLE], &len);
	const char *fb = period_text(v[M_FEEDBACK], &fblen);
	int64_t ts = sqlite3_value_int64(v[M_TS]);
	int user = period_text_is(role, len, "user");
	int assistant = period_text_is(role, len, "assistant");
	int click = sqlite3_value_type(v[M_CLICK_TYPE]) != SQLITE_NULL;
	int nu = sqlite3_value_int64(v[M_NU]) == 1;
	const char *agent;
	int rc = 0;

	m->user += user;
	m->assistant += assistant;
	m->agent += period_text_is(role, len, "agent");
	m->understood += user && !click && sqlite3_value_int64(v[M_NU]) == 0;
	m->not_understood += user && nu;
	m->clicks += user && click;
	m->fallbacks += assistant && sqlite3_value_int64(v[M_FALLBACK]) == 1;
	m->up += assistant && period_text_is(fb, fblen, "up");
	m->down += assistant && period_text_is(fb, fblen, "down");
	m->none += assistant && fb == NULL;
	period_extend(&ps->p->msg_min, &ps->p->msg_max, ts);
	if (ps->needs & PERIOD_QUARTERS)
		rc = quarter_add(ps, ts / QUARTER_MS, user, 1);
	if (rc == 0 && user && click && (ps->needs & PERIOD_CLICKS))
		rc = add_click(ps, v + M_CLICK_TYPE);
	agent = period_text(v[M_AGENT], &len);
	if (rc == 0 && assistant && agent != NULL && len > 0 &&
	    (ps->needs & PERIOD_AGENTS))
		rc = add_agent(ps, v[M_AGENT], v[M_FEEDBACK]);
	if (rc == 0 && user && nu && (ps->needs & PERIOD_NOT_UNDERSTOOD))
		rc = add_not_understood(ps, v[M_TEXT]);
	return rc;
}

int
period_read_straddling(struct pass *ps)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (ps->n_straddle == 0)
		return 0;
	if ((rc = period_prepare(ps, &s, sql_straddle)) != 0)
		return rc;
	sqlite3_bind_int64(s, 3, ps->q->since);
	sqlite3_bind_int64(s, 4, ps->q->until);
	for (i = 0; rc == 0 && i < ps->n_straddle; i++) {
		sqlite3_bind_int64(s, 2, ps->straddle[i]);
		rc = period_drain(ps, s);
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

int
period_index_row(struct pass *ps, int kind, sqlite3_value **v)
{
	int64_t id = sqlite3_value_int64(v[0]);

	if ((period_cls_get(ps, id) & CLS_MASK) != CLS_WHOLE)
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
	if ((rc = period_prepare(ps, &s, sql)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->whole_lo);
	sqlite3_bind_int64(s, 3, ps->whole_hi);
	rc = period_drain(ps, s);
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

int
period_lead_row(struct pass *ps, sqlite3_value **v)
{
	int64_t id = sqlite3_value_int64(v[0]);
	int rc;

	if (period_cls_get(ps, id) == CLS_UNKNOWN &&
	    (rc = period_fetch(ps, id)) != 0)
		return rc;
	ps->p->n[ACC_LEADS] += (period_cls_get(ps, id) & CLS_PASSES) != 0;
	return 0;
}

int
period_read_leads(struct pass *ps)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = period_prepare(ps, &s, sql_leads)) != 0)
		return rc;
	sqlite3_bind_int64(s, 2, ps->q->since);
	sqlite3_bind_int64(s, 3, ps->q->until);
	rc = period_drain(ps, s);
	sqlite3_finalize(s);
	return rc;
}

int
period_read_indexes(struct pass *ps)
{
	int rc;

	if ((rc = read_index(ps, PERIOD_CLICKS, sql_clicks)) == 0 &&
	    (rc = read_index(ps, PERIOD_AGENTS, sql_agents)) == 0)
		rc = read_index(ps, PERIOD_NOT_UNDERSTOOD, sql_not_understood);
	return rc;
}
