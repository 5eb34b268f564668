/*
 * store_rollup.c: the per-conversation rollups (counts by role, first and
 * last activity, handovers, feedback, leads, response times) and the
 * signals that depend on the neighbouring message, computed in C in one
 * pass over a conversation's messages in transcript order, and written
 * with one UPDATE (or, for a conversation its run created, one INSERT:
 * see store_write.c, struct pending); then the first-seen times of the
 * users concerned.
 *
 * The messages come from one of two places.  A conversation that an
 * import creates usually arrives as one run of records (one document, or
 * consecutive events or rows): the run keeps what the rollups need of
 * each message it stores (struct store_rmsg, no text) and rolls the
 * conversation up when the run ends, without reading anything back.
 * Every other conversation the import changed (it existed before, its
 * records were interleaved with others', a message was stored twice or
 * rated one the run had not kept, or the run grew past RUN_MAX) is
 * marked in temp.touched and read back once, at the end, by
 * store_rollup().  temp.touched.changed says which: 0 unchanged, 1 to be
 * read back, 2 rolled up from its run, 3 inserted by its run, its user's
 * first-seen time brought up to date already.
 *
 * The same pass writes the conversation's activity rows (messages per
 * quarter of an hour, store_schema.c version 4) and the key of its
 * opening question (text_key() of that message's text).
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* The longest run kept in memory: 48 bytes a message, 3 MiB. */
#define RUN_MAX 65536

/* The conversations to read back: those the import changed otherwise. */
static const char sql_changed[] =
	"SELECT id FROM temp.touched WHERE changed = 1 ORDER BY id";

/* A conversation's messages in transcript order. */
static const char sql_messages[] =
	"SELECT id, ts, role, click_type IS NOT NULL, fallback, not_understood,"
	" feedback, handover, handover_derived, input_tokens, output_tokens,"
	" cost FROM message WHERE conversation_id = ?1 ORDER BY ts, id";

/* What its events add: handover requests and first and last activity. */
static const char sql_events[] =
	"SELECT sum(type = 'handover' AND value = 'direct'),"
	" sum(type = 'handover' AND value = 'after_fallback'),"
	" sum(type = 'handover' AND value = 'operator_button'),"
	" min(ts) FILTER (WHERE type = 'handover'), min(ts), max(ts)"
	" FROM event WHERE conversation_id = ?1";

static const char sql_leads[] =
	"SELECT count(*) FROM lead WHERE conversation_id = ?1";

/* The activity rows of a conversation read back, before it is counted. */
static const char sql_activity_clear[] =
	"DELETE FROM activity WHERE conversation_id = ?1";

/* One quarter's messages: they come in time order, a run each. */
static const char sql_quarter[] =
	"INSERT INTO activity (quarter, conversation_id, n_user, n_messages)"
	" VALUES (?1, ?2, ?3, ?4)";

/* The opening question's text, for its key. */
static const char sql_opening_text[] =
	"SELECT text FROM message WHERE id = ?1";

/* A neighbour signal that changed. */
static const char sql_message_signals[] =
	"UPDATE message SET not_understood = ?2, handover = ?3 WHERE id = ?1";

/*
 * The rollups.  A conversation ended as stale that gains activity after
 * what it had when it was ended is going on again, and is reopened (SET
 * sees the old last_activity_at).  ?16 and ?17 are the first and last
 * message or event of any kind, NULL when there is none; without them
 * the start stays the ending or the placeholder the import gave it.
 */
static const char sql_update[] =
	"UPDATE conversation SET"
	" status = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND ?17 > last_activity_at THEN 'active' ELSE status END,"
	" ended_at = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND ?17 > last_activity_at THEN NULL ELSE ended_at END,"
	" end_reason = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND ?17 > last_activity_at THEN NULL ELSE end_reason END,"
	" n_user = ?2, n_assistant = ?3, n_agent = ?4, n_system = ?5,"
	" n_typed = ?6, n_clicks = ?7, n_fallbacks = ?8,"
	" n_not_understood = ?9, n_feedback_up = ?10, n_feedback_down = ?11,"
	" n_handover_direct = ?12, n_handover_after_fallback = ?13,"
	" n_handover_operator_button = ?14, n_handovers = ?12 + ?13 + ?14,"
	" n_leads = ?15,"
	" last_activity_at = coalesce(?17, started_at),"
	" started_at = coalesce(stated_started_at, ?16, ended_at, started_at),"
	" first_message_at = ?18, last_message_at = ?19,"
	" first_user_at = ?20, last_user_at = ?21, first_handover_at = ?22,"
	" first_response_ms = ?23, agent_pickup_ms = ?24,"
	" last_role = ?25, last_fallback = ?26, opening_message_id = ?27,"
	" input_tokens = coalesce(stated_input_tokens, ?28, 0),"
	" output_tokens = coalesce(stated_output_tokens, ?29, 0),"
	" cost = coalesce(stated_cost, ?30, 0), opening_key = ?51"
	" WHERE id = ?1";

/*
 * A conversation created by the run, with its stated fields (?36 to ?49,
 * store_bind_stated()) and its rollups (?1 to ?30, as sql_update): what
 * inserting it as stated and then updating it would give.  ?35 is the
 * placeholder start, ?50 whether a survey was offered; ?51 is the
 * opening question's key, as in sql_update.
 */
static const char sql_insert[] =
	"INSERT INTO conversation (id, ext_id, source, user_id, import_id,"
	" assistant, device, browser, country, region, city, status,"
	" stated_started_at, ended_at, end_reason, csat, stated_input_tokens,"
	" stated_output_tokens, stated_cost, started_at, last_activity_at,"
	" n_user, n_assistant, n_agent, n_system, n_typed, n_clicks,"
	" n_fallbacks, n_not_understood, n_feedback_up, n_feedback_down,"
	" n_handover_direct, n_handover_after_fallback,"
	" n_handover_operator_button, n_handovers, n_leads, first_message_at,"
	" last_message_at, first_user_at, last_user_at, first_handover_at,"
	" first_response_ms, agent_pickup_ms, last_role, last_fallback,"
	" opening_message_id, input_tokens, output_tokens, cost, csat_offered,"
	" opening_key)"
	" VALUES (?1, ?31, ?32, ?33, ?34, ?36, ?37, ?38, ?39, ?40, ?41,"
	" CASE WHEN ?42 = 'ended' OR ?44 IS NOT NULL THEN 'ended'"
	" ELSE 'active' END, ?43, ?44, ?45, ?46, ?47, ?48, ?49,"
	" coalesce(?43, ?16, ?44, ?35), coalesce(?17, ?35),"
	" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?12 + ?13 + ?14, ?15, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,"
	" ?27, coalesce(?47, ?28, 0), coalesce(?48, ?29, 0),"
	" coalesce(?49, ?30, 0), ?50, ?51)";

/* A conversation rolled up from its run, unless changed again later. */
static const char sql_done[] =
	"UPDATE temp.touched SET changed = ?2 WHERE id = ?1";

/*
 * A new conversation's user has seen the user since its start, at the
 * latest: nothing else about the user changed.
 */
static const char sql_first_seen[] =
	"UPDATE user SET first_seen = ?2 WHERE id = ?1"
	" AND (first_seen IS NULL OR first_seen > ?2)";

/* Users: first conversation ever; users left without any are removed. */
static const char sql_users[] =
	"INSERT OR IGNORE INTO temp.touched_user (id)"
	" SELECT user_id FROM conversation"
	" WHERE id IN (SELECT id FROM temp.touched WHERE changed IN (1, 2));"
	"UPDATE user SET first_seen = (SELECT min(started_at) FROM conversation"
	" WHERE user_id = user.id) WHERE id IN (SELECT id FROM temp.touched_user);"
	"DELETE FROM user WHERE id IN (SELECT id FROM temp.touched_user)"
	" AND NOT EXISTS (SELECT 1 FROM conversation WHERE user_id = user.id);";

/* The statements, in the order of stmt_sql. */
enum {
	Q_CHANGED, Q_MESSAGES, Q_EVENTS, Q_LEADS, Q_SIGNALS, Q_UPDATE, Q_INSERT,
	Q_DONE, Q_CLEAR, Q_QUARTER, Q_OPENING, Q_FIRST_SEEN, Q_N
};

static const char *const stmt_sql[Q_N] = {
	sql_changed, sql_messages, sql_events, sql_leads, sql_message_signals,
	sql_update, sql_insert, sql_done, sql_activity_clear, sql_quarter,
	sql_opening_text, sql_first_seen
};

#define QUARTER_MS INT64_C(900000)

/* An optional time: the minimum and maximum of what was seen. */
struct span {
	int64_t lo, hi;
	int any;
};

/* A sum that SQL would leave NULL when nothing was stated. */
struct total {
	int64_t n;
	double x;
	int any;
};

/* What a conversation's events and leads give, before its messages. */
struct extra {
	int64_t handovers[CONVO_HANDOVER_OPERATOR_BUTTON + 1];
	struct span handover;	/* handover events */
	struct span any;	/* events of any kind */
	int64_t leads;
	int derived_lead;	/* the derived lead is among them */
};

/* What one conversation's pass gathers. */
struct rollup {
	int64_t n[CONVO_ROLE_SYSTEM + 1];	/* messages by role */
	int64_t typed, fallbacks, not_understood, up, down;
	int64_t handovers[CONVO_HANDOVER_OPERATOR_BUTTON + 1];
	int64_t leads;
	struct span any;	/* messages and events of any kind */
	struct span msg;	/* non-system messages */
	struct span user;	/* user messages */
	struct span ev_handover;	/* handover events */
	struct span msg_handover;	/* messages asking for a human */
	int64_t first_reply;	/* first reply at or after the first user */
				/* message, or -1 */
	int64_t last_reply;	/* the latest reply so far, or -1 */
	int64_t last_agent;	/* the latest agent message so far, or -1 */
	int64_t pickup_ev;	/* first agent message at or after the */
				/* first handover event, or -1 */
	int64_t pickup_msg;	/* ... after the first request in a */
				/* message, or -1 */
	int has_last;		/* last_role and last_fallback are set */
	int last_role, last_fallback;
	int64_t opening;	/* first typed user message, or 0 */
	struct total in, out, cost;
	/* The quarter of an hour being counted, n_messages 0: none yet. */
	int64_t quarter, q_user, q_messages;
	/* The neighbour window: the last non-system message. */
	struct store_rmsg prev;
	int has_prev;
	/* A user message waiting for the message after it. */
	struct store_rmsg pending;
	int handover;		/* its kind, as the window makes it */
	int has_pending;
};

struct store_run {
	struct convo_store *st;
	sqlite3_stmt *q[Q_N];
	int64_t conv;		/* the run's conversation, 0: none */
	int complete;		/* the run holds all the conversation has */
	struct store_rmsg *msgs;
	size_t n, cap;
	struct extra extra;
};

static void
span_add(struct span *s, int64_t t)
{
	if (!s->any || t < s->lo)
		s->lo = t;
	if (!s->any || t > s->hi)
		s->hi = t;
	s->any = 1;
}

static void
rollup_init(struct rollup *r, const struct extra *x)
{
	memset(r, 0, sizeof(*r));
	r->first_reply = r->last_reply = r->last_agent = -1;
	r->pickup_ev = r->pickup_msg = -1;
	memcpy(r->handovers, x->handovers, sizeof(r->handovers));
	r->ev_handover = x->handover;
	r->any = x->any;
	r->leads = x->leads;
}

/* Writes a user message's neighbour signals where they changed. */
static int
set_signals(struct convo_store *st, sqlite3_stmt *s,
    const struct store_rmsg *m, int nu, int ho)
{
	if (nu == m->not_understood && ho == m->handover)
		return 0;
	sqlite3_bind_int64(s, 1, m->id);
	sqlite3_bind_int(s, 2, nu);
	store_bind_text(s, 3, ho ? handover_name(ho) : NULL);
	return store_step_done(st, s);
}

/* A message that asks for a human, of whatever role. */
static void
count_handover(struct rollup *r, int64_t ts, int kind)
{
	if (kind == CONVO_HANDOVER_NONE)
		return;
	r->handovers[kind]++;
	if (r->msg_handover.any)
		return;
	span_add(&r->msg_handover, ts);
	/* An agent message at the same time, sorted first, picks it up. */
	if (r->last_agent == ts)
		r->pickup_msg = ts;
}

/*
 * Counts the pending user message, once what follows it is known: a
 * typed message whose next non-system message is an assistant fallback
 * was not understood (next is NULL at the end).
 */
static int
close_user(struct rollup *r, struct convo_store *st, sqlite3_stmt *s,
    const struct store_rmsg *next)
{
	const struct store_rmsg *m = &r->pending;
	int nu;

	r->has_pending = 0;
	nu = !m->click && next != NULL && next->role == CONVO_ROLE_ASSISTANT &&
	    next->fallback;
	r->not_understood += nu;
	return set_signals(st, s, m, nu, r->handover);
}

/*
 * A handover found by the rules right after an assistant fallback is of
 * kind after_fallback, else direct; a stated one stays as it was.
 */
static int
handover_kind(const struct rollup *r, const struct store_rmsg *m)
{
	if (!m->derived || (m->handover != CONVO_HANDOVER_DIRECT &&
	    m->handover != CONVO_HANDOVER_AFTER_FALLBACK))
		return m->handover;
	return r->has_prev && r->prev.role == CONVO_ROLE_ASSISTANT &&
	    r->prev.fallback ? CONVO_HANDOVER_AFTER_FALLBACK :
	    CONVO_HANDOVER_DIRECT;
}

/*
 * The reply times: the first assistant or agent message at or after the
 * first user message, and the first agent message at or after the first
 * request for a human (an event's, known before the pass, or a
 * message's).  Messages come sorted by time, so "at or after" is "from
 * here on", but for a reply at the same time sorted before: hence
 * last_reply and last_agent.
 */
static void
reply_times(struct rollup *r, const struct store_rmsg *m)
{
	int reply = m->role == CONVO_ROLE_ASSISTANT ||
	    m->role == CONVO_ROLE_AGENT;

	if (m->role == CONVO_ROLE_USER && !r->user.any &&
	    r->last_reply == m->ts)
		r->first_reply = m->ts;
	if (reply && r->user.any && r->first_reply < 0)
		r->first_reply = m->ts;
	if (reply)
		r->last_reply = m->ts;
	if (m->role != CONVO_ROLE_AGENT)
		return;
	r->last_agent = m->ts;
	if (r->pickup_ev < 0 && r->ev_handover.any &&
	    m->ts >= r->ev_handover.lo)
		r->pickup_ev = m->ts;
	if (r->pickup_msg < 0 && r->msg_handover.any)
		r->pickup_msg = m->ts;
}

static int
add_usage(struct rollup *r, const struct store_rmsg *m)
{
	if (m->has_cost) {
		r->cost.any = 1;
		r->cost.x += m->cost;
	}
	if (m->input_tokens != CONVO_NUM_NONE) {
		r->in.any = 1;
		if (__builtin_add_overflow(r->in.n, m->input_tokens, &r->in.n))
			return -1;
	}
	if (m->output_tokens != CONVO_NUM_NONE) {
		r->out.any = 1;
		if (__builtin_add_overflow(r->out.n, m->output_tokens,
		    &r->out.n))
			return -1;
	}
	return 0;
}

/* Writes the activity row of the quarter counted so far, if any. */
static int
flush_quarter(struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv)
{
	sqlite3_stmt *s = q[Q_QUARTER];

	if (r->q_messages == 0)
		return 0;
	sqlite3_bind_int64(s, 1, r->quarter);
	sqlite3_bind_int64(s, 2, conv);
	sqlite3_bind_int64(s, 3, r->q_user);
	sqlite3_bind_int64(s, 4, r->q_messages);
	r->q_user = r->q_messages = 0;
	return store_step_done(st, s);
}

/* Counts a user, assistant or agent message in its quarter of an hour. */
static int
count_quarter(struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv, const struct store_rmsg *m)
{
	int64_t quarter = m->ts / QUARTER_MS;
	int rc;

	if (r->q_messages > 0 && quarter != r->quarter &&
	    (rc = flush_quarter(r, q, st, conv)) != 0)
		return rc;
	r->quarter = quarter;
	r->q_user += m->role == CONVO_ROLE_USER;
	r->q_messages++;
	return 0;
}

/* Takes the next message in transcript order. */
static int
add_message(struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv, const struct store_rmsg *m)
{
	int rc;

	if (add_usage(r, m) != 0)
		return store_fail(st, SQLITE_TOOBIG, "integer overflow");
	r->n[m->role]++;
	span_add(&r->any, m->ts);
	if (m->role == CONVO_ROLE_SYSTEM) {
		r->not_understood += m->not_understood;
		count_handover(r, m->ts, m->handover);
		return 0;
	}
	if (r->has_pending && (rc = close_user(r, st, q[Q_SIGNALS], m)) != 0)
		return rc;
	if ((rc = count_quarter(r, q, st, conv, m)) != 0)
		return rc;
	reply_times(r, m);
	span_add(&r->msg, m->ts);
	r->has_last = 1;
	r->last_role = m->role;
	r->last_fallback = m->fallback;
	if (m->role == CONVO_ROLE_USER) {
		span_add(&r->user, m->ts);
		r->typed += !m->click;
		if (!m->click && r->opening == 0)
			r->opening = m->id;
		r->pending = *m;
		r->handover = handover_kind(r, m);
		r->has_pending = 1;
		count_handover(r, m->ts, r->handover);
	} else {
		r->not_understood += m->not_understood;
		count_handover(r, m->ts, m->handover);
	}
	if (m->role == CONVO_ROLE_ASSISTANT) {
		r->fallbacks += m->fallback;
		r->up += m->feedback == CONVO_FEEDBACK_UP;
		r->down += m->feedback == CONVO_FEEDBACK_DOWN;
	}
	r->prev = *m;
	r->has_prev = 1;
	return 0;
}

/* The end of the messages: the last user message has no reply. */
static int
end_messages(struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv)
{
	int rc;

	if (r->has_pending && (rc = close_user(r, st, q[Q_SIGNALS], NULL)) != 0)
		return rc;
	return flush_quarter(r, q, st, conv);
}

/*
 * The key of the opening question: text_key() of its text, NULL when
 * there is none or it normalizes to nothing (s gets it bound at i).
 */
static int
bind_opening_key(sqlite3_stmt *s, int i, const struct rollup *r,
    sqlite3_stmt **q, struct convo_store *st)
{
	sqlite3_stmt *t = q[Q_OPENING];
	const unsigned char *text;
	uint64_t key = 0;
	int rc;

	sqlite3_bind_null(s, i);
	if (r->opening == 0)
		return 0;
	sqlite3_bind_int64(t, 1, r->opening);
	if ((rc = sqlite3_step(t)) == SQLITE_ROW &&
	    (text = sqlite3_column_text(t, 0)) != NULL)
		key = text_key(text, (size_t)sqlite3_column_bytes(t, 0));
	sqlite3_reset(t);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the opening question");
	if (key != 0)
		sqlite3_bind_int64(s, i, (int64_t)key);
	return 0;
}

static void
bind_span(sqlite3_stmt *s, int i, const struct span *sp, int hi)
{
	if (sp->any)
		sqlite3_bind_int64(s, i, hi ? sp->hi : sp->lo);
	else
		sqlite3_bind_null(s, i);
}

static void
bind_total(sqlite3_stmt *s, int i, const struct total *t, int real)
{
	if (!t->any)
		sqlite3_bind_null(s, i);
	else if (real)
		sqlite3_bind_double(s, i, t->x);
	else
		sqlite3_bind_int64(s, i, t->n);
}

static void
bind_pending(sqlite3_stmt *s, const struct store_pending *p)
{
	store_bind_text(s, 31, p->ext_id);
	store_bind_text(s, 32, p->source);
	sqlite3_bind_int64(s, 33, p->user_id);
	sqlite3_bind_int64(s, 34, p->import_id);
	sqlite3_bind_int64(s, 35, p->start);
	store_bind_stated(s, 36, p->stated);
	sqlite3_bind_int(s, 50, p->csat_offered);
}

/* Updates conv with its rollups, or inserts it with them (p). */
static int
write_rollup(const struct rollup *r, sqlite3_stmt **q,
    struct convo_store *st, int64_t conv, const struct store_pending *p)
{
	sqlite3_stmt *s = q[p != NULL ? Q_INSERT : Q_UPDATE];
	struct span handover = r->ev_handover;
	int64_t pickup = r->pickup_ev;
	int i, rc;

	/* The first request of either kind, and the pickup after it. */
	if (r->msg_handover.any && (!handover.any ||
	    r->msg_handover.lo < handover.lo)) {
		handover = r->msg_handover;
		pickup = r->pickup_msg;
	}
	sqlite3_bind_int64(s, 1, conv);
	for (i = CONVO_ROLE_USER; i <= CONVO_ROLE_SYSTEM; i++)
		sqlite3_bind_int64(s, 1 + i, r->n[i]);
	sqlite3_bind_int64(s, 6, r->typed);
	sqlite3_bind_int64(s, 7, r->n[CONVO_ROLE_USER] - r->typed);
	sqlite3_bind_int64(s, 8, r->fallbacks);
	sqlite3_bind_int64(s, 9, r->not_understood);
	sqlite3_bind_int64(s, 10, r->up);
	sqlite3_bind_int64(s, 11, r->down);
	for (i = CONVO_HANDOVER_DIRECT; i <= CONVO_HANDOVER_OPERATOR_BUTTON; i++)
		sqlite3_bind_int64(s, 11 + i, r->handovers[i]);
	sqlite3_bind_int64(s, 15, r->leads);
	bind_span(s, 16, &r->any, 0);
	bind_span(s, 17, &r->any, 1);
	bind_span(s, 18, &r->msg, 0);
	bind_span(s, 19, &r->msg, 1);
	bind_span(s, 20, &r->user, 0);
	bind_span(s, 21, &r->user, 1);
	bind_span(s, 22, &handover, 0);
	store_bind_int(s, 23, r->first_reply < 0 ? -1 :
	    r->first_reply - r->user.lo, -1);
	store_bind_int(s, 24, pickup < 0 ? -1 : pickup - handover.lo, -1);
	store_bind_text(s, 25, r->has_last ? role_name(r->last_role) : NULL);
	sqlite3_bind_int(s, 26, r->has_last && r->last_fallback);
	store_bind_int(s, 27, r->opening, 0);
	bind_total(s, 28, &r->in, 0);
	bind_total(s, 29, &r->out, 0);
	bind_total(s, 30, &r->cost, 1);
	if ((rc = bind_opening_key(s, 51, r, q, st)) != 0)
		return rc;
	if (p != NULL)
		bind_pending(s, p);
	return store_step_done(st, s);
}

/*
 * Reading back.
 */

static int
role_of(const unsigned char *r)
{
	if (r == NULL)
		return CONVO_ROLE_NONE;
	if (r[0] == 'u')
		return CONVO_ROLE_USER;
	if (r[0] == 's')
		return CONVO_ROLE_SYSTEM;
	return r[1] == 's' ? CONVO_ROLE_ASSISTANT : CONVO_ROLE_AGENT;
}

static int
handover_of(const unsigned char *h)
{
	if (h == NULL)
		return CONVO_HANDOVER_NONE;
	return h[0] == 'd' ? CONVO_HANDOVER_DIRECT : h[0] == 'a' ?
	    CONVO_HANDOVER_AFTER_FALLBACK : CONVO_HANDOVER_OPERATOR_BUTTON;
}

static int64_t
int_or_none(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return CONVO_NUM_NONE;
	return sqlite3_column_int64(s, col);
}

static void
read_message(struct store_rmsg *m, sqlite3_stmt *s)
{
	const unsigned char *fb = sqlite3_column_text(s, 6);

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	m->ts = sqlite3_column_int64(s, 1);
	m->role = (unsigned char)role_of(sqlite3_column_text(s, 2));
	m->click = sqlite3_column_int(s, 3) != 0;
	m->fallback = sqlite3_column_int(s, 4) == 1;
	m->not_understood = sqlite3_column_int(s, 5) != 0;
	m->feedback = fb == NULL ? CONVO_FEEDBACK_NONE : fb[0] == 'u' ?
	    CONVO_FEEDBACK_UP : CONVO_FEEDBACK_DOWN;
	m->handover = (unsigned char)handover_of(sqlite3_column_text(s, 7));
	m->derived = sqlite3_column_int(s, 8) != 0;
	m->input_tokens = int_or_none(s, 9);
	m->output_tokens = int_or_none(s, 10);
	m->has_cost = sqlite3_column_type(s, 11) != SQLITE_NULL;
	m->cost = sqlite3_column_double(s, 11);
}

/* The conversation's messages, in order, through add_message(). */
static int
read_messages(struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv)
{
	sqlite3_stmt *s = q[Q_MESSAGES];
	struct store_rmsg m;
	int rc = 0, step;

	sqlite3_bind_int64(s, 1, conv);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		read_message(&m, s);
		if (m.role != CONVO_ROLE_NONE)
			rc = add_message(r, q, st, conv, &m);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(st, step, "cannot read the messages");
	sqlite3_reset(s);
	return rc != 0 ? rc : end_messages(r, q, st, conv);
}

/* Handover requests, activity and leads from the database. */
static int
read_extra(struct extra *x, sqlite3_stmt **q, struct convo_store *st,
    int64_t conv)
{
	sqlite3_stmt *s = q[Q_EVENTS];
	int rc, kind;

	memset(x, 0, sizeof(*x));
	sqlite3_bind_int64(s, 1, conv);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	    sqlite3_column_type(s, 4) != SQLITE_NULL) {
		for (kind = CONVO_HANDOVER_DIRECT;
		    kind <= CONVO_HANDOVER_OPERATOR_BUTTON; kind++)
			x->handovers[kind] = sqlite3_column_int64(s, kind - 1);
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			span_add(&x->handover, sqlite3_column_int64(s, 3));
		span_add(&x->any, sqlite3_column_int64(s, 4));
		span_add(&x->any, sqlite3_column_int64(s, 5));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "cannot read the events");
	s = q[Q_LEADS];
	sqlite3_bind_int64(s, 1, conv);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		x->leads = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, "cannot read the leads");
}

static int
read_back(sqlite3_stmt **q, struct convo_store *st, int64_t conv)
{
	struct rollup r;
	struct extra x;
	int rc;

	if ((rc = read_extra(&x, q, st, conv)) != 0)
		return rc;
	sqlite3_bind_int64(q[Q_CLEAR], 1, conv);
	if ((rc = store_step_done(st, q[Q_CLEAR])) != 0)
		return rc;
	rollup_init(&r, &x);
	if ((rc = read_messages(&r, q, st, conv)) != 0)
		return rc;
	return write_rollup(&r, q, st, conv, NULL);
}

static int
prepare(sqlite3_stmt **q, struct convo_store *st)
{
	int i, rc = 0;

	memset(q, 0, Q_N * sizeof(*q));
	for (i = 0; rc == 0 && i < Q_N; i++)
		rc = store_prepare(st, &q[i], stmt_sql[i]);
	return rc;
}

static void
finalize(sqlite3_stmt **q)
{
	int i;

	for (i = 0; i < Q_N; i++)
		sqlite3_finalize(q[i]);
}

int
store_rollup(struct convo_store *st)
{
	sqlite3_stmt *q[Q_N], *s;
	int rc, step = SQLITE_DONE;

	if ((rc = prepare(q, st)) == 0) {
		s = q[Q_CHANGED];
		while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
			rc = read_back(q, st, sqlite3_column_int64(s, 0));
		if (rc == 0 && step != SQLITE_DONE)
			rc = store_fail(st, step, "cannot read the conversations");
	}
	finalize(q);
	if (rc == 0)
		rc = store_exec(st, sql_users);
	return rc;
}

/*
 * Runs.
 */

int
store_run_new(struct store_run **out, struct convo_store *st)
{
	struct store_run *run;
	int rc;

	*out = NULL;
	if ((run = calloc(1, sizeof(*run))) == NULL)
		return CONVO_ENOMEM;
	run->st = st;
	if ((rc = prepare(run->q, st)) != 0) {
		store_run_free(run);
		return rc;
	}
	*out = run;
	return 0;
}

void
store_run_free(struct store_run *run)
{
	if (run == NULL)
		return;
	finalize(run->q);
	free(run->msgs);
	free(run);
}

static int
by_time(const void *a, const void *b)
{
	const struct store_rmsg *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The user of the conversation just inserted: its start, as sql_insert
 * computes it, may be the user's first.
 */
static int
first_seen(const struct rollup *r, sqlite3_stmt **q, struct convo_store *st,
    const struct store_pending *p)
{
	sqlite3_stmt *s = q[Q_FIRST_SEEN];
	int64_t start = p->stated->started_at != CONVO_TIME_NONE ?
	    p->stated->started_at : r->any.any ? r->any.lo :
	    p->stated->ended_at != CONVO_TIME_NONE ? p->stated->ended_at :
	    p->start;

	sqlite3_bind_int64(s, 1, p->user_id);
	sqlite3_bind_int64(s, 2, start);
	return store_step_done(st, s);
}

/* Rolls the run's conversation up from what the run kept. */
static int
run_rollup(struct store_run *run, const struct store_pending *p)
{
	sqlite3_stmt *s = run->q[Q_DONE];
	struct rollup r;
	size_t i;
	int rc = 0;

	for (i = 1; i < run->n; i++)
		if (by_time(&run->msgs[i - 1], &run->msgs[i]) > 0)
			break;
	if (i < run->n)
		qsort(run->msgs, run->n, sizeof(*run->msgs), by_time);
	rollup_init(&r, &run->extra);
	for (i = 0; rc == 0 && i < run->n; i++)
		rc = add_message(&r, run->q, run->st, run->conv, &run->msgs[i]);
	if (rc == 0)
		rc = end_messages(&r, run->q, run->st, run->conv);
	if (rc == 0)
		rc = write_rollup(&r, run->q, run->st, run->conv, p);
	if (rc == 0 && p != NULL)
		rc = first_seen(&r, run->q, run->st, p);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 1, run->conv);
	sqlite3_bind_int(s, 2, p != NULL ? 3 : 2);
	return store_step_done(run->st, s);
}

int
store_run_end(struct store_run *run, const struct store_pending *p)
{
	int rc = 0;

	if (run->conv != 0 && run->complete)
		rc = run_rollup(run, p);
	else if (p != NULL)
		rc = CONVO_EINTERNAL;
	run->conv = 0;
	run->complete = 0;
	run->n = 0;
	memset(&run->extra, 0, sizeof(run->extra));
	return rc;
}

void
store_run_start(struct store_run *run, int64_t conv, int complete)
{
	run->conv = conv;
	run->complete = complete;
	run->n = 0;
	memset(&run->extra, 0, sizeof(run->extra));
}

int
store_run_complete(const struct store_run *run)
{
	return run->conv != 0 && run->complete;
}

void
store_run_spoil(struct store_run *run)
{
	run->complete = 0;
}

void
store_run_message(struct store_run *run, const struct store_rmsg *m)
{
	struct store_rmsg *grown;
	size_t cap;

	if (!run->complete)
		return;
	if (run->n == run->cap) {
		cap = run->cap ? run->cap * 2 : 64;
		/* Too long to keep, or no memory: read it back instead. */
		if (cap > RUN_MAX || (grown = realloc(run->msgs,
		    cap * sizeof(*grown))) == NULL) {
			run->complete = 0;
			return;
		}
		run->msgs = grown;
		run->cap = cap;
	}
	run->msgs[run->n++] = *m;
}

void
store_run_event(struct store_run *run, int64_t ts, int handover)
{
	span_add(&run->extra.any, ts);
	if (handover == CONVO_HANDOVER_NONE)
		return;
	run->extra.handovers[handover]++;
	span_add(&run->extra.handover, ts);
}

void
store_run_feedback(struct store_run *run, int64_t msg, int feedback)
{
	size_t i;

	if (!run->complete)
		return;
	/* Thumbs mostly rate a recent message: look from the end. */
	for (i = run->n; i > 0; i--)
		if (run->msgs[i - 1].id == msg) {
			run->msgs[i - 1].feedback = (unsigned char)feedback;
			return;
		}
	run->complete = 0;
}

void
store_run_unlead(struct store_run *run)
{
	if (!run->extra.derived_lead)
		return;
	run->extra.derived_lead = 0;
	run->extra.leads--;
}

void
store_run_lead(struct store_run *run, int derived)
{
	/* There is one derived lead, however often it is completed. */
	if (derived && run->extra.derived_lead)
		return;
	run->extra.derived_lead |= derived;
	run->extra.leads++;
}

/*
 * SQL convo_text_key(text): text_key() of the text as a signed integer,
 * NULL when it is NULL or normalizes to nothing.  The migration to
 * version 4 computes the opening questions' keys with it.
 */
static void
sql_text_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	uint64_t key;

	(void)argc;
	if (s == NULL)
		return;
	key = text_key(s, (size_t)sqlite3_value_bytes(argv[0]));
	if (key != 0)
		sqlite3_result_int64(ctx, (int64_t)key);
}

int
store_functions(struct convo_store *st)
{
	int rc;

	rc = sqlite3_create_function_v2(st->db, "convo_text_key", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
	    sql_text_key, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot register a function");
	return 0;
}
