/*
 * store_delete.c: deleting conversations (convo-delete).  The selection
 * (by id, user or age) goes into temp.doomed; then, in one transaction,
 * the conversations go with their events, leads, variables and messages,
 * users left without conversations go too (store_rollup), and the import
 * log gets a row with the counts and the kind of selector only.  With
 * forget, hashes of the conversations' identities are kept in the table
 * forgotten, which the importer checks before it creates a conversation.
 */
#include <stdio.h>
#include <string.h>

#include "store.h"

static const char sql_doomed_table[] =
	"CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY);"
	"DELETE FROM temp.doomed";

static const char sql_id_count[] =
	"SELECT count(*) FROM conversation WHERE ext_id = ?1"
	" AND (?2 IS NULL OR source = ?2)";

static const char sql_id_select[] =
	"INSERT OR IGNORE INTO temp.doomed (id) SELECT id FROM conversation"
	" WHERE ext_id = ?1 AND (?2 IS NULL OR source = ?2)";

/* A user is named by the token an export gave (as convo-list --user). */
static const char sql_user_select[] =
	"INSERT INTO temp.doomed (id) SELECT id FROM conversation"
	" WHERE user_id IN (SELECT id FROM user WHERE token = ?1"
	" AND anonymous = 0)";

static const char sql_older_select[] =
	"INSERT INTO temp.doomed (id) SELECT id FROM conversation"
	" WHERE last_activity_at < ?1";

static const char sql_messages[] =
	"SELECT count(*) FROM message"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed)";

static const char sql_forget_rows[] =
	"SELECT ext_id, source FROM conversation"
	" WHERE id IN (SELECT id FROM temp.doomed)";

static const char sql_forget[] =
	"INSERT OR IGNORE INTO forgotten (key, id_key, at) VALUES (?1, ?2, ?3)";

/*
 * Children first, events before messages, so that deleting a message
 * finds no event to update (ON DELETE SET NULL).  The users are noted
 * for store_rollup(), which removes those left without conversations.
 */
static const char sql_remove[] =
	"INSERT OR IGNORE INTO temp.touched_user (id) SELECT user_id"
	" FROM conversation WHERE id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM event"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM lead"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM variable"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM activity"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM message"
	" WHERE conversation_id IN (SELECT id FROM temp.doomed);"
	"DELETE FROM conversation WHERE id IN (SELECT id FROM temp.doomed)";

static const char sql_users_gone[] =
	"SELECT count(*) FROM temp.touched_user"
	" WHERE id NOT IN (SELECT id FROM user)";

static const char sql_log[] =
	"INSERT INTO import (kind, at, selector, conversations_deleted,"
	" messages_deleted, users_deleted, conversations_forgotten)"
	" VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6)";

void
store_forget_keys(char key[65], char id_key[65], const char *source,
    const char *id)
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, source, strlen(source) + 1);
	sha256_update(&h, id, strlen(id));
	sha256_final_hex(&h, key);
	sha256_init(&h);
	sha256_update(&h, id, strlen(id));
	sha256_final_hex(&h, id_key);
}

/* Runs a query with one integer result. */
static int
count(struct convo_store *st, sqlite3_stmt *s, long *out)
{
	int rc;

	*out = 0;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "cannot count");
	return 0;
}

static int
count_sql(struct convo_store *st, const char *sql, long *out)
{
	int64_t n;
	int rc;

	rc = store_query_int(st, sql, &n);
	*out = rc == 0 ? (long)n : 0;
	return rc;
}

static void
warn(const struct convo_delete_options *opt, const char *id)
{
	struct convo_diag d = { NULL, 0, 0, CONVO_SEV_WARNING, NULL };
	struct buf b;

	if (opt->diag == NULL)
		return;
	buf_init(&b, 2 * CONVO_MAX_RECORD);
	if (opt->source != NULL)
		buf_printf(&b, "no conversation '%s' in source '%s'", id,
		    opt->source);
	else
		buf_printf(&b, "no conversation '%s'", id);
	d.message = b.data ? b.data : "no conversation";
	opt->diag(opt->diag_ctx, &d);
	buf_release(&b);
}

/* Selects one id; an id in several sources needs opt->source. */
static int
select_id(struct convo_store *st, sqlite3_stmt *n, sqlite3_stmt *ins,
    const struct convo_delete_options *opt, const char *id)
{
	long found;
	int rc;

	store_bind_text(n, 1, id);
	store_bind_text(n, 2, opt->source);
	if ((rc = count(st, n, &found)) != 0)
		return rc;
	if (found == 0) {
		warn(opt, id);
		return 0;
	}
	if (found > 1) {
		snprintf(st->errmsg, sizeof(st->errmsg), "conversation "
		    "'%.200s' is in %ld sources: choose one with --source", id,
		    found);
		return CONVO_EUSAGE;
	}
	store_bind_text(ins, 1, id);
	store_bind_text(ins, 2, opt->source);
	return store_step_done(st, ins);
}

static int
select_ids(struct convo_store *st, const struct convo_delete_options *opt)
{
	sqlite3_stmt *n = NULL, *ins = NULL;
	size_t i;
	int rc;

	if ((rc = store_prepare(st, &n, sql_id_count)) == 0)
		rc = store_prepare(st, &ins, sql_id_select);
	for (i = 0; rc == 0 && i < opt->n_ids; i++)
		rc = select_id(st, n, ins, opt, opt->ids[i]);
	sqlite3_finalize(n);
	sqlite3_finalize(ins);
	return rc;
}

/* Fills temp.doomed with what opt selects. */
static int
select_doomed(struct convo_store *st, const struct convo_delete_options *opt)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_exec(st, sql_doomed_table)) != 0)
		return rc;
	if (opt->by == CONVO_DELETE_IDS)
		return select_ids(st, opt);
	if ((rc = store_prepare(st, &s, opt->by == CONVO_DELETE_USER ?
	    sql_user_select : sql_older_select)) != 0)
		return rc;
	if (opt->by == CONVO_DELETE_USER)
		store_bind_text(s, 1, opt->user);
	else
		sqlite3_bind_int64(s, 1,
		    opt->now - opt->days * INT64_C(86400000));
	rc = store_step_done(st, s);
	sqlite3_finalize(s);
	return rc;
}

/* Remembers the identities of the doomed conversations. */
static int
forget(long *n, struct convo_store *st, int64_t now)
{
	sqlite3_stmt *rows = NULL, *ins = NULL;
	char key[65], id_key[65];
	int rc;

	*n = 0;
	if ((rc = store_prepare(st, &rows, sql_forget_rows)) == 0)
		rc = store_prepare(st, &ins, sql_forget);
	while (rc == 0 && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
		store_forget_keys(key, id_key,
		    (const char *)sqlite3_column_text(rows, 1),
		    (const char *)sqlite3_column_text(rows, 0));
		store_bind_text(ins, 1, key);
		store_bind_text(ins, 2, id_key);
		sqlite3_bind_int64(ins, 3, now);
		if ((rc = store_step_done(st, ins)) == 0)
			*n += sqlite3_changes(st->db);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc, "cannot forget");
	sqlite3_finalize(rows);
	sqlite3_finalize(ins);
	return rc;
}

/* The import log row: counts and the kind of selector, nothing else. */
static int
log_row(struct convo_store *st, const struct convo_delete_options *opt,
    const struct convo_delete_result *res)
{
	static const char *const kinds[] = { "id", "user", "older-than" };
	char selector[64];
	sqlite3_stmt *s;
	int rc;

	if (opt->by == CONVO_DELETE_OLDER_THAN)
		snprintf(selector, sizeof(selector), "older-than %ld",
		    opt->days);
	else
		snprintf(selector, sizeof(selector), "%s", kinds[opt->by]);
	if ((rc = store_prepare(st, &s, sql_log)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, opt->now);
	store_bind_text(s, 2, selector);
	sqlite3_bind_int64(s, 3, res->conversations);
	sqlite3_bind_int64(s, 4, res->messages);
	sqlite3_bind_int64(s, 5, res->users);
	sqlite3_bind_int64(s, 6, res->forgotten);
	rc = store_step_done(st, s);
	sqlite3_finalize(s);
	return rc;
}

static int
skip(void *ctx, const struct convo_list_item *item)
{
	(void)ctx;
	(void)item;
	return 0;
}

/* Everything inside the transaction. */
static int
run(struct convo_delete_result *out, struct convo_store *st,
    const struct convo_delete_options *opt)
{
	size_t n;
	int rc;

	if ((rc = store_touch_reset(st)) != 0 ||
	    (rc = select_doomed(st, opt)) != 0)
		return rc;
	if ((rc = store_list_doomed(&n, st, opt->each ? opt->each : skip,
	    opt->each_ctx)) != 0)
		return rc;
	if (n == 0)
		return CONVO_ENOTFOUND;
	out->conversations = (long)n;
	if ((rc = count_sql(st, sql_messages, &out->messages)) != 0)
		return rc;
	if (opt->forget && (rc = forget(&out->forgotten, st, opt->now)) != 0)
		return rc;
	if ((rc = store_exec(st, sql_remove)) != 0 ||
	    (rc = store_rollup(st)) != 0 ||
	    (rc = count_sql(st, sql_users_gone, &out->users)) != 0)
		return rc;
	return log_row(st, opt, out);
}

static int
check(const struct convo_delete_options *opt)
{
	if (opt->now == CONVO_TIME_NONE)
		return CONVO_EUSAGE;
	switch (opt->by) {
	case CONVO_DELETE_IDS:
		return opt->n_ids > 0 ? 0 : CONVO_EUSAGE;
	case CONVO_DELETE_USER:
		return opt->user != NULL ? 0 : CONVO_EUSAGE;
	case CONVO_DELETE_OLDER_THAN:
		return opt->days > 0 ? 0 : CONVO_EUSAGE;
	default:
		return CONVO_EUSAGE;
	}
}

int
convo_store_delete(struct convo_delete_result *out, struct convo_store *st,
    const struct convo_delete_options *opt)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check(opt)) != 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "bad delete options");
		return rc;
	}
	/* Deleted text is overwritten in the file, not just unlinked. */
	if ((rc = store_exec(st, "PRAGMA secure_delete = ON")) != 0 ||
	    (rc = store_begin(st)) != 0)
		return rc;
	rc = run(out, st, opt);
	if (rc == 0 && !opt->dry_run)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
