/*
 * store_list.c: the conversation list (convo-list, and what convo-delete
 * shows): one statement with bound parameters, newest first, each row
 * handed to a callback.  A --text pattern is matched by the SQL function
 * convo_match(), which gets the compiled pattern as a bound pointer.
 */
#include <string.h>

#include "store.h"

/* What a row shows; the preview is the last non-system message. */
#define LIST_SELECT \
	"SELECT c.ext_id, nullif(c.source, ''),"			\
	" CASE WHEN u.anonymous THEN NULL ELSE u.token END,"		\
	" c.assistant, c.status, c.started_at, c.last_activity_at,"	\
	" c.n_user + c.n_assistant + c.n_agent,"			\
	" (SELECT coalesce(m.text, m.click_title, m.media_name)"	\
	"   FROM message m WHERE m.conversation_id = c.id"		\
	"   AND m.role <> 'system' ORDER BY m.ts DESC, m.id DESC LIMIT 1)" \
	" FROM conversation c JOIN user u ON u.id = c.user_id"

#define LIST_ORDER \
	" ORDER BY c.last_activity_at DESC, c.started_at DESC, c.id DESC"

/*
 * The filters of struct convo_list_options.  Feedback kinds are those of
 * enum convo_list_feedback: 1 only positive, 2 more positive, 3 more
 * negative, 4 only negative.
 */
static const char sql_list[] =
	LIST_SELECT " WHERE" STORE_CONV_IN_PERIOD
	" AND (:handover = 0 OR c.n_handovers > 0)"
	" AND (:lead = 0 OR c.n_leads > 0)"
	" AND (:fallback = 0 OR c.n_fallbacks > 0)"
	" AND CASE :feedback"
	"  WHEN 1 THEN c.n_feedback_up > 0 AND c.n_feedback_down = 0"
	"  WHEN 2 THEN c.n_feedback_down > 0"
	"   AND c.n_feedback_up > c.n_feedback_down"
	"  WHEN 3 THEN c.n_feedback_up > 0"
	"   AND c.n_feedback_down > c.n_feedback_up"
	"  WHEN 4 THEN c.n_feedback_down > 0 AND c.n_feedback_up = 0"
	"  ELSE 1 END"
	" AND (:csat_below = 0 OR c.csat < :csat_below)"
	" AND (:has_text = 0 OR EXISTS (SELECT 1 FROM message m"
	"   WHERE m.conversation_id = c.id AND m.role <> 'system'"
	"   AND convo_match(:text, m.text)))"
	LIST_ORDER " LIMIT :limit";

/* The conversations a deletion selected (store_delete.c). */
static const char sql_doomed[] =
	LIST_SELECT " WHERE c.id IN (SELECT id FROM temp.doomed)" LIST_ORDER;

/* The --feedback kinds, in the order of enum convo_list_feedback. */
static const char *const feedback_names[] = {
	"any", "only-positive", "more-positive", "more-negative",
	"only-negative"
};

/* The pointer type of convo_match()'s first argument. */
static const char pattern_type[] = "convo_pattern";

/* convo_match(pattern, text): whether the bound pattern matches text. */
static void
match_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct convo_pattern *p;
	const char *text;

	(void)argc;
	p = sqlite3_value_pointer(argv[0], pattern_type);
	text = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, p != NULL && text != NULL &&
	    convo_pattern_match(p, text, (size_t)sqlite3_value_bytes(argv[1])));
}

/* The preview on one line: runs of white space become one space. */
static int
one_line(struct buf *b, const char *s)
{
	int space = 0, rc = 0;

	buf_reset(b);
	for (; s != NULL && *s && rc == 0; s++) {
		if (strchr(" \t\r\n\v\f", *s) != NULL) {
			space = b->len > 0;
			continue;
		}
		if (space)
			rc = buf_addc(b, ' ');
		space = 0;
		if (rc == 0)
			rc = buf_addc(b, *s);
	}
	return rc;
}

/* Hands each row of s to fn; counts them in *n. */
static int
each_row(size_t *n, struct convo_store *st, sqlite3_stmt *s, convo_list_fn fn,
    void *ctx)
{
	struct convo_list_item it;
	struct buf preview;
	const char *text;
	int rc;

	buf_init(&preview, CONVO_MAX_RECORD);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		it.id = (const char *)sqlite3_column_text(s, 0);
		it.source = (const char *)sqlite3_column_text(s, 1);
		it.user = (const char *)sqlite3_column_text(s, 2);
		it.assistant = (const char *)sqlite3_column_text(s, 3);
		it.status = (const char *)sqlite3_column_text(s, 4);
		it.started_at = sqlite3_column_int64(s, 5);
		it.last_activity_at = sqlite3_column_int64(s, 6);
		it.n_messages = (long)sqlite3_column_int64(s, 7);
		text = (const char *)sqlite3_column_text(s, 8);
		if ((rc = one_line(&preview, text)) != 0)
			break;
		it.preview = text == NULL ? NULL : preview.data ? preview.data :
		    "";
		(*n)++;
		if ((rc = fn(ctx, &it)) != 0)
			break;
	}
	buf_release(&preview);
	if (rc == SQLITE_DONE)
		return 0;
	return rc < 0 ? rc : store_fail(st, rc, "cannot list conversations");
}

static void
bind_named(sqlite3_stmt *s, const char *name, int64_t v)
{
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, name), v);
}

static void
bind_options(sqlite3_stmt *s, const struct convo_list_options *opt)
{
	struct convo_query all = CONVO_QUERY_INIT;

	all.include_test = 1;
	store_bind_query(s, opt->query ? opt->query : &all);
	bind_named(s, ":handover", opt->handover != 0);
	bind_named(s, ":lead", opt->lead != 0);
	bind_named(s, ":fallback", opt->fallback != 0);
	bind_named(s, ":feedback", opt->feedback);
	bind_named(s, ":csat_below", opt->csat_below > 0 ? opt->csat_below : 0);
	bind_named(s, ":has_text", opt->text != NULL);
	sqlite3_bind_pointer(s, sqlite3_bind_parameter_index(s, ":text"),
	    (void *)opt->text, pattern_type, NULL);
	bind_named(s, ":limit", opt->limit > 0 ? opt->limit : -1);
}

int
convo_list_feedback_from_name(const char *name)
{
	size_t i;

	for (i = 1; i < sizeof(feedback_names) / sizeof(feedback_names[0]); i++)
		if (strcmp(name, feedback_names[i]) == 0)
			return (int)i;
	return -1;
}

int
convo_store_list(size_t *n_out, struct convo_store *st,
    const struct convo_list_options *opt, convo_list_fn fn, void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	*n_out = 0;
	rc = sqlite3_create_function_v2(st->db, "convo_match", 2, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, NULL, match_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot register convo_match");
	if ((rc = store_prepare(st, &s, sql_list)) != 0)
		return rc;
	bind_options(s, opt);
	rc = each_row(n_out, st, s, fn, ctx);
	sqlite3_finalize(s);
	return rc;
}

int
store_list_doomed(size_t *n_out, struct convo_store *st, convo_list_fn fn,
    void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	*n_out = 0;
	if ((rc = store_prepare(st, &s, sql_doomed)) != 0)
		return rc;
	rc = each_row(n_out, st, s, fn, ctx);
	sqlite3_finalize(s);
	return rc;
}
