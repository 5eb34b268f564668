/*
 * store_rollup.c: recomputes the per-conversation rollups (counts by
 * role, first and last activity, handovers, feedback, leads, response
 * times) of the conversations listed in temp.touched, and the first-seen
 * times of their users.  The counting steps work on temp.rollup_set:
 * first every touched conversation, then again those whose messages'
 * neighbour signals were recomputed.  Each step reads only those conversations'
 * messages, through the (conversation_id, ts) index, so an import costs
 * in proportion to what it touched, not to the database.
 */
#include <string.h>

#include "store.h"

/*
 * SQL convo_text_key(text): text_key() of the text as a signed integer,
 * NULL when it is NULL or normalizes to nothing.
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


/*
 * Signals that depend on the neighbouring message: a typed user message
 * whose next non-system message is an assistant fallback was not
 * understood; a handover found by the rules right after an assistant
 * fallback is of kind after_fallback.
 */
static const char sql_neighbours[] =
	"WITH m AS (SELECT id, role, click_type, handover, handover_derived,"
	"  not_understood,"
	"  lag(role) OVER w AS prev_role, lag(fallback) OVER w AS prev_fb,"
	"  lead(role) OVER w AS next_role, lead(fallback) OVER w AS next_fb"
	" FROM message WHERE role <> 'system'"
	" AND conversation_id IN (SELECT id FROM temp.rollup_set)"
	" WINDOW w AS (PARTITION BY conversation_id ORDER BY ts, id)),"
	" n AS (SELECT id, coalesce(click_type IS NULL AND next_role ="
	"  'assistant' AND next_fb = 1, 0) AS nu,"
	"  CASE WHEN handover_derived = 1"
	"  AND handover IN ('direct', 'after_fallback') THEN"
	"  CASE WHEN prev_role = 'assistant' AND prev_fb = 1"
	"  THEN 'after_fallback' ELSE 'direct' END ELSE handover END AS ho,"
	"  not_understood, handover FROM m WHERE role = 'user')"
	" UPDATE message SET not_understood = n.nu, handover = n.ho"
	" FROM n WHERE message.id = n.id"
	" AND (n.nu <> n.not_understood OR n.ho IS NOT n.handover)";

/*
 * After the neighbour step, only what it changes needs counting again:
 * not-understood messages and the handover kinds.  Like sql_counts, the
 * update is driven by the grouped set (a, one row per conversation in
 * rollup_set, LEFT JOIN so that those without messages count too), so
 * that it seeks the conversations by id instead of scanning them all.
 */
static const char sql_recount[] =
	"UPDATE conversation SET"
	" n_not_understood = coalesce(a.n_not_understood, 0),"
	" n_handover_direct = coalesce(a.h_direct, 0) + coalesce(e.h_direct, 0),"
	" n_handover_after_fallback = coalesce(a.h_after, 0)"
	"   + coalesce(e.h_after, 0)"
	" FROM (SELECT t.id AS cid,"
	"   sum(not_understood) AS n_not_understood,"
	"   sum(handover = 'direct') AS h_direct,"
	"   sum(handover = 'after_fallback') AS h_after"
	"   FROM temp.rollup_set t LEFT JOIN message"
	"   ON message.conversation_id = t.id GROUP BY t.id) a"
	" LEFT JOIN (SELECT conversation_id AS cid,"
	"   sum(type = 'handover' AND value = 'direct') AS h_direct,"
	"   sum(type = 'handover' AND value = 'after_fallback') AS h_after"
	"   FROM event WHERE conversation_id IN (SELECT id FROM temp.rollup_set)"
	"   GROUP BY conversation_id) e ON e.cid = a.cid"
	" WHERE conversation.id = a.cid";

/*
 * Counts and times that one pass over the messages gives.  A conversation
 * ended as stale that gains activity after what it had when it was ended
 * is going on again, and is reopened (SET sees the old last_activity_at).
 */
static const char sql_counts[] =
	"UPDATE conversation SET"
	" status = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND max(coalesce(a.last_any, e.last_at), coalesce(e.last_at,"
	"   a.last_any)) > last_activity_at THEN 'active' ELSE status END,"
	" ended_at = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND max(coalesce(a.last_any, e.last_at), coalesce(e.last_at,"
	"   a.last_any)) > last_activity_at THEN NULL ELSE ended_at END,"
	" end_reason = CASE WHEN status = 'ended' AND end_reason = 'stale'"
	"   AND max(coalesce(a.last_any, e.last_at), coalesce(e.last_at,"
	"   a.last_any)) > last_activity_at THEN NULL ELSE end_reason END,"
	" n_user = coalesce(a.n_user, 0),"
	" n_assistant = coalesce(a.n_assistant, 0),"
	" n_agent = coalesce(a.n_agent, 0),"
	" n_system = coalesce(a.n_system, 0),"
	" n_typed = coalesce(a.n_typed, 0),"
	" n_clicks = coalesce(a.n_user - a.n_typed, 0),"
	" n_fallbacks = coalesce(a.n_fallbacks, 0),"
	" n_not_understood = coalesce(a.n_not_understood, 0),"
	" n_feedback_up = coalesce(a.n_up, 0),"
	" n_feedback_down = coalesce(a.n_down, 0),"
	" n_handover_direct = coalesce(a.h_direct, 0)"
	"   + coalesce(e.h_direct, 0),"
	" n_handover_after_fallback = coalesce(a.h_after, 0)"
	"   + coalesce(e.h_after, 0),"
	" n_handover_operator_button = coalesce(a.h_button, 0)"
	"   + coalesce(e.h_button, 0),"
	" first_message_at = a.first_at, last_message_at = a.last_at,"
	" first_user_at = a.first_user_at, last_user_at = a.last_user_at,"
	" first_handover_at = CASE WHEN a.first_handover_at IS NULL"
	"   THEN e.first_handover_at WHEN e.first_handover_at IS NULL"
	"   THEN a.first_handover_at"
	"   ELSE min(a.first_handover_at, e.first_handover_at) END,"
	" last_activity_at = max(coalesce(a.last_any, e.last_at, started_at),"
	"   coalesce(e.last_at, a.last_any, started_at)),"
	" started_at = coalesce(stated_started_at, min(coalesce(a.first_any,"
	"   e.first_at, ended_at, started_at), coalesce(e.first_at, a.first_any,"
	"   ended_at, started_at))),"
	" input_tokens = coalesce(stated_input_tokens, a.input_tokens, 0),"
	" output_tokens = coalesce(stated_output_tokens, a.output_tokens, 0),"
	" cost = coalesce(stated_cost, a.cost, 0),"
	" n_leads = (SELECT count(*) FROM lead"
	"   WHERE lead.conversation_id = conversation.id)"
	" FROM (SELECT t.id AS cid,"
	"   sum(role = 'user') AS n_user,"
	"   sum(role = 'assistant') AS n_assistant,"
	"   sum(role = 'agent') AS n_agent,"
	"   sum(role = 'system') AS n_system,"
	"   sum(role = 'user' AND click_type IS NULL) AS n_typed,"
	"   sum(role = 'assistant' AND fallback = 1) AS n_fallbacks,"
	"   sum(not_understood) AS n_not_understood,"
	"   sum(role = 'assistant' AND feedback = 'up') AS n_up,"
	"   sum(role = 'assistant' AND feedback = 'down') AS n_down,"
	"   sum(handover = 'direct') AS h_direct,"
	"   sum(handover = 'after_fallback') AS h_after,"
	"   sum(handover = 'operator_button') AS h_button,"
	"   min(ts) FILTER (WHERE handover IS NOT NULL) AS first_handover_at,"
	"   min(ts) FILTER (WHERE role <> 'system') AS first_at,"
	"   max(ts) FILTER (WHERE role <> 'system') AS last_at,"
	"   min(ts) FILTER (WHERE role = 'user') AS first_user_at,"
	"   max(ts) FILTER (WHERE role = 'user') AS last_user_at,"
	"   min(ts) AS first_any, max(ts) AS last_any,"
	"   sum(input_tokens) AS input_tokens,"
	"   sum(output_tokens) AS output_tokens, sum(cost) AS cost"
	"   FROM temp.rollup_set t LEFT JOIN message"
	"   ON message.conversation_id = t.id GROUP BY t.id) a"
	" LEFT JOIN (SELECT conversation_id AS cid,"
	"   sum(type = 'handover' AND value = 'direct') AS h_direct,"
	"   sum(type = 'handover' AND value = 'after_fallback') AS h_after,"
	"   sum(type = 'handover' AND value = 'operator_button') AS h_button,"
	"   min(ts) FILTER (WHERE type = 'handover') AS first_handover_at,"
	"   min(ts) AS first_at, max(ts) AS last_at"
	"   FROM event WHERE conversation_id IN (SELECT id FROM temp.rollup_set)"
	"   GROUP BY conversation_id) e ON e.cid = a.cid"
	" WHERE conversation.id = a.cid";

/*
 * What depends on order: the first reply after the first user message,
 * the first agent message after the first handover request, the last
 * non-system message, the opening question.  Each is one index seek.
 */
static const char sql_order[] =
	"UPDATE conversation SET"
	" n_handovers = n_handover_direct + n_handover_after_fallback"
	"   + n_handover_operator_button,"
	" first_response_ms = (SELECT min(r.ts) FROM message r"
	"   WHERE r.conversation_id = conversation.id"
	"   AND r.role IN ('assistant', 'agent') AND r.ts >= first_user_at)"
	"   - first_user_at,"
	" agent_pickup_ms = (SELECT min(r.ts) FROM message r"
	"   WHERE r.conversation_id = conversation.id AND r.role = 'agent'"
	"   AND r.ts >= first_handover_at) - first_handover_at,"
	/* (The aggregate gives a row, NULL and 0, when there is none.) */
	" (last_role, last_fallback) = (SELECT max(role), coalesce(max(fallback),"
	"   0) FROM (SELECT role, fallback FROM message r"
	"   WHERE r.conversation_id = conversation.id AND r.role <> 'system'"
	"   ORDER BY ts DESC, id DESC LIMIT 1)),"
	" opening_message_id = (SELECT id FROM message r"
	"   WHERE r.conversation_id = conversation.id AND r.role = 'user'"
	"   AND r.click_type IS NULL ORDER BY ts, id LIMIT 1),"
	" opening_key = (SELECT convo_text_key(text) FROM message r"
	"   WHERE r.conversation_id = conversation.id AND r.role = 'user'"
	"   AND r.click_type IS NULL ORDER BY ts, id LIMIT 1)"
	" WHERE id IN (SELECT id FROM temp.touched)";

/*
 * The activity table: per conversation, its user, assistant and agent
 * messages by quarter of an hour (ts / 900000, UTC), a row for each
 * quarter that has any.  The messages come in (conversation_id, ts)
 * order, so a quarter's are a run that convo_activity() counts, without
 * the sort a GROUP BY would take; it writes each run with sql_quarter,
 * which adds to a row that is there already, should the order not hold.
 */
static const char sql_activity_clear[] =
	"DELETE FROM activity WHERE conversation_id IN"
	" (SELECT id FROM temp.touched)";
static const char sql_activity[] =
	"SELECT convo_activity(?1, conversation_id, ts, role = 'user')"
	" FROM message WHERE conversation_id IN (SELECT id FROM temp.touched)"
	" AND role <> 'system' ORDER BY conversation_id, ts";
static const char sql_quarter[] =
	"INSERT INTO activity (quarter, conversation_id, n_user, n_messages)"
	" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (quarter, conversation_id)"
	" DO UPDATE SET n_user = n_user + excluded.n_user,"
	" n_messages = n_messages + excluded.n_messages";

#define QUARTER_MS INT64_C(900000)

/* A run of messages of one conversation in one quarter. */
struct run {
	struct convo_store *st;
	sqlite3_stmt *insert;	/* sql_quarter */
	int64_t conv, quarter, n_user, n_messages;	/* n_messages 0: none */
	int rc;			/* the first failure */
};

static const char run_type[] = "convo_run";

/* Writes the run, if any, and starts an empty one. */
static int
run_flush(struct run *r)
{
	sqlite3_stmt *s = r->insert;
	int rc;

	if (r->n_messages == 0)
		return 0;
	sqlite3_bind_int64(s, 1, r->quarter);
	sqlite3_bind_int64(s, 2, r->conv);
	sqlite3_bind_int64(s, 3, r->n_user);
	sqlite3_bind_int64(s, 4, r->n_messages);
	rc = store_step_done(r->st, s);
	r->n_user = r->n_messages = 0;
	return rc;
}

/* SQL convo_activity(run, conversation_id, ts, is_user): counts one. */
static void
sql_activity_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct run *r = sqlite3_value_pointer(argv[0], run_type);
	int64_t conv, quarter;

	if (r == NULL || argc != 4) {
		sqlite3_result_error(ctx, "convo_activity() misused", -1);
		return;
	}
	conv = sqlite3_value_int64(argv[1]);
	quarter = sqlite3_value_int64(argv[2]) / QUARTER_MS;
	if (r->n_messages > 0 && (conv != r->conv || quarter != r->quarter) &&
	    r->rc == 0)
		r->rc = run_flush(r);
	if (r->rc != 0) {
		sqlite3_result_error_code(ctx, SQLITE_ABORT);
		return;
	}
	r->conv = conv;
	r->quarter = quarter;
	r->n_user += sqlite3_value_int(argv[3]) != 0;
	r->n_messages++;
}

static int
rollup_activity(struct convo_store *st)
{
	struct run r;
	sqlite3_stmt *s = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.st = st;
	if ((rc = store_exec(st, sql_activity_clear)) != 0 ||
	    (rc = store_prepare(st, &r.insert, sql_quarter)) != 0 ||
	    (rc = store_prepare(st, &s, sql_activity)) != 0) {
		sqlite3_finalize(r.insert);
		return rc;
	}
	sqlite3_bind_pointer(s, 1, &r, run_type, NULL);
	rc = store_step_done(st, s);
	if (r.rc != 0)
		rc = r.rc;
	else if (rc == 0)
		rc = run_flush(&r);
	sqlite3_finalize(s);
	sqlite3_finalize(r.insert);
	return rc;
}

/* Users: first conversation ever; users left without any are removed. */
static const char sql_users[] =
	"INSERT OR IGNORE INTO temp.touched_user (id)"
	" SELECT user_id FROM conversation"
	" WHERE id IN (SELECT id FROM temp.touched);"
	"UPDATE user SET first_seen = (SELECT min(started_at) FROM conversation"
	" WHERE user_id = user.id) WHERE id IN (SELECT id FROM temp.touched_user);"
	"DELETE FROM user WHERE id IN (SELECT id FROM temp.touched_user)"
	" AND NOT EXISTS (SELECT 1 FROM conversation WHERE user_id = user.id);";

/* The conversations to count: all that the import touched. */
static const char sql_set_all[] =
	"DELETE FROM temp.rollup_set;"
	"INSERT INTO temp.rollup_set (id) SELECT id FROM temp.touched";

/*
 * Of those, the ones whose neighbour signals can be or have been set: the
 * window over their messages is costly, so it runs for these only.
 */
static const char sql_set_neighbours[] =
	"DELETE FROM temp.rollup_set WHERE id NOT IN (SELECT id"
	" FROM conversation WHERE id IN (SELECT id FROM temp.rollup_set)"
	" AND (n_fallbacks > 0 OR n_not_understood > 0"
	" OR n_handover_after_fallback > 0))";

int
store_rollup(struct convo_store *st)
{
	static const char *const steps[] = {
		sql_set_all, sql_counts, sql_set_neighbours, sql_neighbours,
		sql_recount, sql_order, sql_users
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((rc = store_exec(st, steps[i])) != 0)
			return rc;
	return rollup_activity(st);
}

int
store_functions(struct convo_store *st)
{
	int rc;

	rc = sqlite3_create_function_v2(st->db, "convo_text_key", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
	    sql_text_key, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(st->db, "convo_activity", 4,
		    SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, sql_activity_fn,
		    NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot register a function");
	return 0;
}
