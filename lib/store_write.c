/*
 * store_write.c: what an import writes, inside the one transaction of its
 * file: conversations found or created by id and source, messages stored
 * once however often they are imported, events, leads and variables, and
 * the rollups of every conversation the import changed (store_rollup.c),
 * as its run of records ends or, read back, at the end.
 *
 * Identity: a message is (conversation, ts, key), where key hashes its
 * content and its occurrence among identical messages at the same time in
 * this file, counted in the temporary table "seen".  Re-importing a file,
 * or a longer export of it, so finds every message that is already there.
 * A conversation deleted with --forget-forever is never created again:
 * its records are dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* The statements prepared once per import, in the order of stmt_sql. */
enum {
	S_CONV_FIND,
	S_CONV_FIND_ANY,
	S_CONV_ADOPT,
	S_CONV_INSERT,
	S_CONV_FIELDS,
	S_CONV_OLD_USER,
	S_CONV_USER,
	S_USER_ADD,
	S_USER_ID,
	S_TOUCH,
	S_CHANGED,
	S_SEEN_GET,
	S_SEEN_SET,
	S_MSG_INSERT,
	S_MSG_UPDATE,
	S_MSG_ID,
	S_EVENT,
	S_FEEDBACK_TARGET,
	S_FEEDBACK_LATEST,
	S_FEEDBACK_SET,
	S_CSAT,
	S_SURVEY,
	S_END,
	S_VARIABLE,
	S_LEAD,
	S_LEAD_DERIVED,
	S_LEAD_REDUNDANT,
	S_FORGOTTEN,
	S_FORGOTTEN_ANY,
	S_NEXT_ID,
	S_COUNT
};

/* Conversation ?1's stated leads hold the e-mail address and phone. */
#define STATED_HAS(email, phone) \
	"(" email " IS NULL OR EXISTS (SELECT 1 FROM lead s" \
	" WHERE s.conversation_id = ?1 AND s.derived = 0" \
	" AND s.email = " email " COLLATE NOCASE))" \
	" AND (" phone " IS NULL OR EXISTS (SELECT 1 FROM lead s" \
	" WHERE s.conversation_id = ?1 AND s.derived = 0" \
	" AND s.phone = " phone "))"

static const char *const stmt_sql[S_COUNT] = {
	[S_CONV_FIND] =
	"SELECT id FROM conversation WHERE ext_id = ?1 AND source = ?2",
	/*
	 * A record without a source: '' first, then the first stored, which
	 * stays the first when the same export comes again.
	 */
	[S_CONV_FIND_ANY] =
	"SELECT id FROM conversation WHERE ext_id = ?1"
	" ORDER BY source <> '', id LIMIT 1",
	[S_CONV_ADOPT] =
	"UPDATE conversation SET source = ?2 WHERE id = ?1",
	/*
	 * With the fields a conversation record states, as S_CONV_FIELDS,
	 * and the id the import chose (see struct pending).
	 */
	[S_CONV_INSERT] =
	"INSERT INTO conversation (id, assistant, device, browser, country,"
	" region, city, status, stated_started_at, ended_at, end_reason, csat,"
	" stated_input_tokens, stated_output_tokens, stated_cost, ext_id,"
	" source, user_id, started_at, import_id, csat_offered) VALUES (?1,"
	" ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?8 = 'ended' OR ?10 IS NOT NULL"
	" THEN 'ended' ELSE 'active' END, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?16, ?17, ?18, ?19, ?20, ?21)",
	/*
	 * Stated fields win over what is stored, except that a stated
	 * "active" never reopens an ended conversation: an older export
	 * must not undo an end.  The WHERE clause makes an unchanged record
	 * a no-op, so that sqlite3_changes() tells what changed.
	 */
	[S_CONV_FIELDS] =
	"UPDATE conversation SET"
	" assistant = coalesce(?2, assistant), device = coalesce(?3, device),"
	" browser = coalesce(?4, browser), country = coalesce(?5, country),"
	" region = coalesce(?6, region), city = coalesce(?7, city),"
	" status = CASE WHEN ?8 = 'ended' OR ?10 IS NOT NULL THEN 'ended'"
	"   ELSE status END,"
	" stated_started_at = coalesce(?9, stated_started_at),"
	" ended_at = coalesce(?10, ended_at),"
	" end_reason = coalesce(?11, end_reason), csat = coalesce(?12, csat),"
	" stated_input_tokens = coalesce(?13, stated_input_tokens),"
	" stated_output_tokens = coalesce(?14, stated_output_tokens),"
	" stated_cost = coalesce(?15, stated_cost)"
	" WHERE id = ?1 AND (?2 IS NOT assistant AND ?2 IS NOT NULL"
	" OR ?3 IS NOT device AND ?3 IS NOT NULL"
	" OR ?4 IS NOT browser AND ?4 IS NOT NULL"
	" OR ?5 IS NOT country AND ?5 IS NOT NULL"
	" OR ?6 IS NOT region AND ?6 IS NOT NULL"
	" OR ?7 IS NOT city AND ?7 IS NOT NULL"
	" OR (?8 = 'ended' OR ?10 IS NOT NULL) AND status <> 'ended'"
	" OR ?9 IS NOT stated_started_at AND ?9 IS NOT NULL"
	" OR ?10 IS NOT ended_at AND ?10 IS NOT NULL"
	" OR ?11 IS NOT end_reason AND ?11 IS NOT NULL"
	" OR ?12 IS NOT csat AND ?12 IS NOT NULL"
	" OR ?13 IS NOT stated_input_tokens AND ?13 IS NOT NULL"
	" OR ?14 IS NOT stated_output_tokens AND ?14 IS NOT NULL"
	" OR ?15 IS NOT stated_cost AND ?15 IS NOT NULL)",
	/* The user a conversation leaves may be left with none. */
	[S_CONV_OLD_USER] =
	"INSERT OR IGNORE INTO temp.touched_user (id) SELECT user_id"
	" FROM conversation WHERE id = ?1 AND user_id <> ?2",
	[S_CONV_USER] =
	"UPDATE conversation SET user_id = ?2 WHERE id = ?1 AND user_id <> ?2",
	/* (Not RETURNING: it costs a temporary table per call.) */
	[S_USER_ADD] =
	"INSERT OR IGNORE INTO user (token, anonymous) VALUES (?1, ?2)",
	[S_USER_ID] =
	"SELECT id FROM user WHERE token = ?1 AND anonymous = ?2",
	[S_TOUCH] =
	"INSERT INTO temp.touched (id, is_new, changed) VALUES (?1, ?2, ?2)"
	" ON CONFLICT (id) DO NOTHING",
	/* (From 2, rolled up from its run, too: it must be read back now.) */
	[S_CHANGED] =
	"UPDATE temp.touched SET changed = 1 WHERE id = ?1 AND changed <> 1",
	[S_SEEN_GET] =
	"SELECT n FROM temp.seen WHERE c = ?1 AND t = ?2 AND k = ?3",
	[S_SEEN_SET] =
	"INSERT INTO temp.seen (c, t, k, n) VALUES (?1, ?2, ?3, ?4)"
	" ON CONFLICT (c, t, k) DO UPDATE SET n = excluded.n",
	[S_MSG_INSERT] =
	"INSERT OR IGNORE INTO message (conversation_id, ts, key, role, text,"
	" click_type, click_title, click_target, fallback, fallback_derived,"
	" intent, confidence, agent, feedback, handover, handover_derived,"
	" media_type, media_name, media_url, input_tokens, output_tokens,"
	" cost, import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	" ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
	/*
	 * A message seen before: fields the export states now are filled
	 * in or replace derived ones; stated values are never replaced by
	 * derived ones.  Unchanged, it is a no-op.
	 */
	[S_MSG_UPDATE] =
	"UPDATE message SET"
	" fallback = CASE WHEN ?4 = 0 THEN ?3 ELSE fallback END,"
	" fallback_derived = CASE WHEN ?4 = 0 THEN 0 ELSE fallback_derived END,"
	" intent = coalesce(?5, intent), confidence = coalesce(?6, confidence),"
	" agent = coalesce(?7, agent), feedback = coalesce(?8, feedback),"
	" handover = CASE WHEN ?10 = 0 AND ?9 IS NOT NULL THEN ?9"
	"   ELSE handover END,"
	" handover_derived = CASE WHEN ?10 = 0 AND ?9 IS NOT NULL THEN 0"
	"   ELSE handover_derived END,"
	" input_tokens = coalesce(?11, input_tokens),"
	" output_tokens = coalesce(?12, output_tokens),"
	" cost = coalesce(?13, cost)"
	" WHERE id = ?1 AND (?2 = 'assistant' AND ?4 = 0"
	"   AND (?3 IS NOT fallback OR fallback_derived = 1)"
	" OR ?5 IS NOT intent AND ?5 IS NOT NULL"
	" OR ?6 IS NOT confidence AND ?6 IS NOT NULL"
	" OR ?7 IS NOT agent AND ?7 IS NOT NULL"
	" OR ?8 IS NOT feedback AND ?8 IS NOT NULL"
	" OR ?10 = 0 AND ?9 IS NOT NULL AND (?9 IS NOT handover"
	"   OR handover_derived = 1)"
	" OR ?11 IS NOT input_tokens AND ?11 IS NOT NULL"
	" OR ?12 IS NOT output_tokens AND ?12 IS NOT NULL"
	" OR ?13 IS NOT cost AND ?13 IS NOT NULL)",
	[S_MSG_ID] =
	"SELECT id, import_id = ?4 FROM message WHERE conversation_id = ?1"
	" AND ts = ?2 AND key = ?3",
	[S_EVENT] =
	"INSERT OR IGNORE INTO event (conversation_id, ts, type, value,"
	" message_id, import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* The n-th assistant message: thumbs rate only responses. */
	[S_FEEDBACK_TARGET] =
	"SELECT id FROM message WHERE conversation_id = ?1"
	" AND role = 'assistant' ORDER BY ts, id LIMIT 1 OFFSET ?2",
	[S_FEEDBACK_LATEST] =
	"SELECT id FROM message WHERE conversation_id = ?1"
	" AND role = 'assistant' AND ts <= ?2 ORDER BY ts DESC, id DESC LIMIT 1",
	[S_FEEDBACK_SET] =
	"UPDATE message SET feedback = ?2 WHERE id = ?1"
	" AND feedback IS NOT ?2",
	/* The latest vote wins, whatever order the events come in. */
	[S_CSAT] =
	"UPDATE conversation SET csat = ?2 WHERE id = ?1 AND csat IS NOT ?2"
	" AND NOT EXISTS (SELECT 1 FROM event WHERE conversation_id = ?1"
	" AND type = 'csat' AND ts > ?3)",
	[S_SURVEY] =
	"UPDATE conversation SET csat_offered = 1 WHERE id = ?1"
	" AND csat_offered = 0",
	[S_END] =
	"UPDATE conversation SET status = 'ended', ended_at = ?2,"
	" end_reason = coalesce(?3, end_reason) WHERE id = ?1"
	" AND (status <> 'ended' OR ended_at IS NOT ?2"
	" OR ?3 IS NOT end_reason AND ?3 IS NOT NULL)",
	[S_VARIABLE] =
	"INSERT INTO variable (conversation_id, name, value, source)"
	" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (conversation_id, name)"
	" DO UPDATE SET value = excluded.value,"
	" source = coalesce(excluded.source, source)"
	" WHERE value IS NOT excluded.value"
	" OR excluded.source IS NOT source AND excluded.source IS NOT NULL",
	/* Without a stated time, a lead dates from its conversation's start. */
	[S_LEAD] =
	"INSERT OR IGNORE INTO lead (conversation_id, created_at, name, email,"
	" phone, derived, key) VALUES (?1, coalesce(?2, (SELECT coalesce("
	"stated_started_at, (SELECT min(ts) FROM message WHERE"
	" conversation_id = ?1), started_at) FROM conversation WHERE id = ?1)),"
	" ?3, ?4, ?5, 0, ?6)",
	/*
	 * A derived lead is left out when the export states every contact
	 * it holds already (an e-mail address compared without case): the
	 * visitor who typed the address the form took is one lead.
	 */
	[S_LEAD_DERIVED] =
	"INSERT INTO lead (conversation_id, created_at, email, phone, derived,"
	" key) SELECT ?1, ?2, ?3, ?4, 1, 0 WHERE NOT ("
	STATED_HAS("?3", "?4") ")"
	" ON CONFLICT (conversation_id, key) DO UPDATE SET"
	" email = coalesce(email, excluded.email),"
	" phone = coalesce(phone, excluded.phone),"
	" created_at = min(created_at, excluded.created_at)"
	" WHERE email IS NULL AND excluded.email IS NOT NULL"
	" OR phone IS NULL AND excluded.phone IS NOT NULL"
	" OR excluded.created_at < created_at",
	/*
	 * Conversations deleted with --forget-forever are never created
	 * again: a record with a source is checked against its own key and
	 * that of the same id without a source (which it would adopt), one
	 * without a source against any conversation of that id.
	 */
	/* ... and goes when a stated lead comes to hold them all. */
	[S_LEAD_REDUNDANT] =
	"DELETE FROM lead WHERE conversation_id = ?1 AND derived = 1 AND "
	STATED_HAS("lead.email", "lead.phone"),
	[S_FORGOTTEN] =
	"SELECT 1 FROM forgotten WHERE key = ?1 OR key = ?2",
	[S_FORGOTTEN_ANY] =
	"SELECT 1 FROM forgotten WHERE id_key = ?1",
	[S_NEXT_ID] =
	"SELECT coalesce(max(id), 0) + 1 FROM conversation"
};

/* The conversation id of records that are dropped: it was forgotten. */
#define CONV_FORGOTTEN 0

/*
 * A conversation this import creates is inserted when its run ends, with
 * its rollups, in one statement (store_run_end()), rather than inserted
 * and then updated.  Until then its messages name the id chosen for it
 * (foreign keys are off during an import), and anything that needs its
 * row (a second conversation record, a CSAT vote, an end, a stated lead)
 * inserts it first (materialize()), after which the run updates it.  A
 * conversation is looked up by id and source only after the run before
 * has ended, so a pending one is never missed.
 */
struct pending {
	int64_t id;		/* 0: none pending */
	struct store_pending p;	/* what the INSERT needs */
	struct convo_conv_fields stated;
	struct buf strings;	/* copies of p's and stated's strings */
	char *reason;		/* an end event's reason, copied */
	int64_t csat_ts;	/* the latest CSAT event's time, if any */
	int csat_seen;
};

struct store_import {
	struct convo_store *st;
	sqlite3_stmt *s[S_COUNT];
	struct store_run *run;	/* the records of the current conversation */
	int64_t import_id;
	int64_t now;
	long messages_new;
	/* The last conversation resolved, since records come in runs. */
	char *last_id;
	char *last_source;	/* NULL when the record named none */
	int64_t last_conv;
	int64_t last_changed;	/* the conversation marked changed last */
	int any_forgotten;	/* whether the forgotten table has rows */
	int64_t next_id;	/* the id of the next conversation created */
	struct pending pending;
};

static const char temp_tables[] =
	"CREATE TEMP TABLE IF NOT EXISTS touched (id INTEGER PRIMARY KEY,"
	" is_new INTEGER NOT NULL, changed INTEGER NOT NULL);"
	/*
	 * Keyed by conversation and time first, so that a re-import, which
	 * meets its messages in the order it stored them, appends to it
	 * instead of writing all over it.
	 */
	"CREATE TEMP TABLE IF NOT EXISTS seen (c INTEGER NOT NULL,"
	" t INTEGER NOT NULL, k INTEGER NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (c, t, k)) WITHOUT ROWID;"
	"CREATE TEMP TABLE IF NOT EXISTS touched_user (id INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE IF NOT EXISTS rollup_set (id INTEGER PRIMARY KEY);"
	"DELETE FROM temp.touched; DELETE FROM temp.seen;"
	"DELETE FROM temp.touched_user;";

static const char sql_any_forgotten[] =
	"SELECT EXISTS (SELECT 1 FROM forgotten)";

static const char sql_import_row[] =
	"INSERT INTO import (kind, at, file) VALUES ('import', ?1, ?2)";

int
store_touch_reset(struct convo_store *st)
{
	return store_exec(st, temp_tables);
}

int
store_begin(struct convo_store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

/*
 * An import keeps every reference itself: it creates a conversation before
 * anything of it, takes message ids from the table, and deletes nothing.
 * Checking each message's conversation again costs a tenth of its insert,
 * so foreign keys are off while it writes (the pragma only takes effect
 * outside a transaction).
 */
int
store_begin_import(struct convo_store *st)
{
	int rc;

	if ((rc = store_exec(st, "PRAGMA foreign_keys = OFF")) != 0)
		return rc;
	if ((rc = store_begin(st)) != 0)
		store_end_import(st);
	return rc;
}

void
store_end_import(struct convo_store *st)
{
	store_rollback(st);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

int
store_commit(struct convo_store *st)
{
	return store_exec(st, "COMMIT");
}

void
store_rollback(struct convo_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
add_import_row(struct store_import *si, const char *file)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(si->st, &s, sql_import_row)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, si->now);
	store_bind_text(s, 2, file);
	rc = store_step_done(si->st, s);
	sqlite3_finalize(s);
	si->import_id = sqlite3_last_insert_rowid(si->st->db);
	return rc;
}

/* Whether any conversation was forgotten: most databases have none. */
static int
any_forgotten(struct store_import *si)
{
	int64_t any;
	int rc;

	if ((rc = store_query_int(si->st, sql_any_forgotten, &any)) == 0)
		si->any_forgotten = any != 0;
	return rc;
}

int
store_import_begin(struct store_import **out, struct convo_store *st,
    const char *file, int64_t now)
{
	struct store_import *si;
	int i, rc;

	*out = NULL;
	if ((si = calloc(1, sizeof(*si))) == NULL)
		return CONVO_ENOMEM;
	si->st = st;
	si->now = now;
	rc = store_touch_reset(st);
	for (i = 0; rc == 0 && i < S_COUNT; i++)
		rc = store_prepare(st, &si->s[i], stmt_sql[i]);
	if (rc == 0)
		rc = store_run_new(&si->run, st);
	if (rc == 0)
		rc = any_forgotten(si);
	if (rc == 0)
		rc = store_query_int(st, stmt_sql[S_NEXT_ID], &si->next_id);
	if (rc == 0)
		rc = add_import_row(si, file);
	if (rc != 0) {
		store_import_free(si);
		return rc;
	}
	*out = si;
	return 0;
}

void
store_import_free(struct store_import *si)
{
	int i;

	if (si == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(si->s[i]);
	store_run_free(si->run);
	buf_release(&si->pending.strings);
	free(si->pending.reason);
	free(si->last_id);
	free(si->last_source);
	free(si);
}

/* Steps s expecting at most one row; *out gets column 0 or stays as is. */
static int
step_id(struct store_import *si, sqlite3_stmt *s, int64_t *out, int *found)
{
	int rc;

	*found = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		*found = 1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(si->st, rc, "database error");
	return 0;
}

static int
mark_changed(struct store_import *si, int64_t conv)
{
	int rc;

	/* Records come in runs: mark each run's conversation once. */
	if (conv == si->last_changed)
		return 0;
	sqlite3_bind_int64(si->s[S_CHANGED], 1, conv);
	if ((rc = store_step_done(si->st, si->s[S_CHANGED])) == 0)
		si->last_changed = conv;
	return rc;
}

/* Runs an update statement bound by the caller; marks a change. */
static int
apply(struct store_import *si, sqlite3_stmt *s, int64_t conv)
{
	int rc;

	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	return sqlite3_changes(si->st->db) > 0 ? mark_changed(si, conv) : 0;
}

/* Finds or creates the user row for token. */
static int
user_id(int64_t *out, struct store_import *si, const char *token,
    int anonymous)
{
	sqlite3_stmt *s = si->s[S_USER_ADD];
	int rc, found;

	store_bind_text(s, 1, token);
	sqlite3_bind_int(s, 2, anonymous);
	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) > 0) {
		*out = sqlite3_last_insert_rowid(si->st->db);
		return 0;
	}
	s = si->s[S_USER_ID];
	store_bind_text(s, 1, token);
	sqlite3_bind_int(s, 2, anonymous);
	if ((rc = step_id(si, s, out, &found)) != 0)
		return rc;
	return found ? 0 : store_fail(si->st, SQLITE_ERROR, "no user id");
}

void
store_bind_stated(sqlite3_stmt *s, int first, const struct convo_conv_fields *c)
{
	store_bind_text(s, first, c->assistant);
	store_bind_text(s, first + 1, c->device);
	store_bind_text(s, first + 2, c->browser);
	store_bind_text(s, first + 3, c->country);
	store_bind_text(s, first + 4, c->region);
	store_bind_text(s, first + 5, c->city);
	store_bind_text(s, first + 6, c->status);
	store_bind_int(s, first + 7, c->started_at, CONVO_TIME_NONE);
	store_bind_int(s, first + 8, c->ended_at, CONVO_TIME_NONE);
	store_bind_text(s, first + 9, c->end_reason);
	store_bind_int(s, first + 10, c->csat, 0);
	store_bind_int(s, first + 11, c->usage.input_tokens, CONVO_NUM_NONE);
	store_bind_int(s, first + 12, c->usage.output_tokens, CONVO_NUM_NONE);
	store_bind_double(s, first + 13, c->usage.cost, c->usage.has_cost);
}

/* What a record that is not a conversation record states of one. */
static const struct convo_conv_fields no_fields = {
	.started_at = CONVO_TIME_NONE,
	.ended_at = CONVO_TIME_NONE,
	.usage = { CONVO_NUM_NONE, CONVO_NUM_NONE, 0, 0 }
};

/* Keeps a copy of s in the pending conversation's strings; NULL stays. */
static void
keep_string(struct pending *pd, const char **s, size_t *off)
{
	*off = SIZE_MAX;
	if (*s == NULL)
		return;
	*off = pd->strings.len;
	if (buf_add(&pd->strings, *s, strlen(*s) + 1) != 0)
		*off = SIZE_MAX - 1;
}

/* Points s into the copies once they stop moving. */
static int
find_string(struct pending *pd, const char **s, size_t off)
{
	if (off == SIZE_MAX - 1)
		return CONVO_ENOMEM;
	*s = off == SIZE_MAX ? NULL : pd->strings.data + off;
	return 0;
}

/*
 * The conversation conv, created by rec for user, is pending: its row
 * waits for the end of its run.
 */
static int
pend(struct store_import *si, int64_t conv, const struct convo_rec *rec,
    int64_t user, int64_t start)
{
	struct pending *pd = &si->pending;
	const char **str[] = {
		&pd->p.ext_id, &pd->p.source, &pd->stated.assistant,
		&pd->stated.device, &pd->stated.browser, &pd->stated.country,
		&pd->stated.region, &pd->stated.city, &pd->stated.status,
		&pd->stated.end_reason
	};
	size_t off[sizeof(str) / sizeof(str[0])], i;
	int rc = 0;

	pd->stated = rec->kind == CONVO_REC_CONV ? rec->conv : no_fields;
	pd->stated.user = NULL;
	pd->p.ext_id = rec->conv_id;
	pd->p.source = rec->source ? rec->source : "";
	pd->p.user_id = user;
	pd->p.start = start;
	pd->p.import_id = si->import_id;
	pd->p.stated = &pd->stated;
	pd->p.csat_offered = 0;
	pd->csat_seen = 0;
	free(pd->reason);
	pd->reason = NULL;
	if (pd->strings.max == 0)
		buf_init(&pd->strings, 4 * CONVO_MAX_RECORD);
	buf_reset(&pd->strings);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		keep_string(pd, str[i], &off[i]);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (find_string(pd, str[i], off[i]) != 0)
			rc = CONVO_ENOMEM;
	pd->id = rc == 0 ? conv : 0;
	return rc;
}

/* Inserts the pending conversation conv now: something needs its row. */
static int
materialize(struct store_import *si, int64_t conv)
{
	struct pending *pd = &si->pending;
	sqlite3_stmt *s = si->s[S_CONV_INSERT];

	if (pd->id == 0 || pd->id != conv)
		return 0;
	pd->id = 0;
	sqlite3_bind_int64(s, 1, conv);
	store_bind_stated(s, 2, &pd->stated);
	store_bind_text(s, 16, pd->p.ext_id);
	store_bind_text(s, 17, pd->p.source);
	sqlite3_bind_int64(s, 18, pd->p.user_id);
	sqlite3_bind_int64(s, 19, pd->p.start);
	sqlite3_bind_int64(s, 20, pd->p.import_id);
	sqlite3_bind_int(s, 21, pd->p.csat_offered);
	return store_step_done(si->st, s);
}

/*
 * What the events CSAT, SURVEY and END do to a conversation's row, done
 * to the pending one instead, as their statements would: the latest vote
 * wins, a survey was offered, the end sets the time, the status and any
 * reason.  Returns 1 when conv is pending.
 */
static int
pending_event(int *handled, struct store_import *si, int64_t conv,
    const struct convo_rec *rec)
{
	struct pending *pd = &si->pending;

	*handled = pd->id != 0 && pd->id == conv;
	if (!*handled)
		return 0;
	switch (rec->kind) {
	case CONVO_REC_CSAT:
		if (!pd->csat_seen || rec->ts >= pd->csat_ts)
			pd->stated.csat = rec->csat;
		if (!pd->csat_seen || rec->ts > pd->csat_ts)
			pd->csat_ts = rec->ts;
		pd->csat_seen = 1;
		return 0;
	case CONVO_REC_SURVEY:
		pd->p.csat_offered = 1;
		return 0;
	case CONVO_REC_END:
		pd->stated.ended_at = rec->ts;
		if (rec->end_reason == NULL)
			return 0;
		free(pd->reason);
		if ((pd->reason = strdup(rec->end_reason)) == NULL)
			return CONVO_ENOMEM;
		pd->stated.end_reason = pd->reason;
		return 0;
	default:
		*handled = 0;
		return 0;
	}
}

/*
 * Ends the current run: a pending conversation is inserted with its
 * rollups if the run saw it all, else as it was stated.
 */
static int
end_run(struct store_import *si)
{
	struct pending *pd = &si->pending;
	int rc;

	if (pd->id != 0 && !store_run_complete(si->run) &&
	    (rc = materialize(si, pd->id)) != 0)
		return rc;
	rc = store_run_end(si->run, pd->id != 0 ? &pd->p : NULL);
	pd->id = 0;
	/* Ending a run may mark its conversation: forget the cache. */
	si->last_changed = 0;
	return rc;
}

static int
conv_insert(int64_t *conv, struct store_import *si, const struct convo_rec *rec)
{
	struct buf token;
	int64_t user, start;
	int rc;

	buf_init(&token, 2 * CONVO_MAX_RECORD);
	if (rec->kind == CONVO_REC_CONV && rec->conv.user != NULL)
		rc = user_id(&user, si, rec->conv.user, 0);
	else if ((rc = buf_printf(&token, "%s/%s", rec->source ? rec->source :
	    "", rec->conv_id)) == 0)
		rc = user_id(&user, si, token.data, 1);
	buf_release(&token);
	if (rc != 0)
		return rc;
	/* A placeholder until the rollups know the first message. */
	start = rec->conv.started_at != CONVO_TIME_NONE ? rec->conv.started_at :
	    rec->msg.ts != CONVO_TIME_NONE ? rec->msg.ts :
	    rec->ts != CONVO_TIME_NONE ? rec->ts : si->now;
	*conv = si->next_id++;
	return pend(si, *conv, rec, user, start);
}

/* Remembers the conversation resolved last. */
static int
cache_conv(struct store_import *si, const struct convo_rec *rec, int64_t conv)
{
	free(si->last_id);
	free(si->last_source);
	si->last_id = strdup(rec->conv_id);
	si->last_source = rec->source ? strdup(rec->source) : NULL;
	si->last_conv = conv;
	if (si->last_id == NULL || (rec->source && si->last_source == NULL))
		return CONVO_ENOMEM;
	return 0;
}

static int
cached(const struct store_import *si, const struct convo_rec *rec)
{
	if (si->last_id == NULL || strcmp(si->last_id, rec->conv_id) != 0)
		return 0;
	if (rec->source == NULL || si->last_source == NULL)
		return rec->source == si->last_source;
	return strcmp(rec->source, si->last_source) == 0;
}

/* Whether rec's conversation, about to be created, was forgotten. */
static int
forgotten(int *gone, struct store_import *si, const struct convo_rec *rec)
{
	char key[65], id_key[65], bare[65];
	sqlite3_stmt *s;
	int64_t one;

	*gone = 0;
	if (!si->any_forgotten)
		return 0;
	store_forget_keys(key, id_key, rec->source ? rec->source : "",
	    rec->conv_id);
	if (rec->source == NULL) {
		s = si->s[S_FORGOTTEN_ANY];
		store_bind_text(s, 1, id_key);
	} else {
		store_forget_keys(bare, id_key, "", rec->conv_id);
		s = si->s[S_FORGOTTEN];
		store_bind_text(s, 1, key);
		store_bind_text(s, 2, bare);
	}
	return step_id(si, s, &one, gone);
}

/*
 * Resolves a conversation: by id and source; a record with a source adopts
 * a conversation of that id that had none; a record without one takes the
 * conversation of that id without a source, else the first stored of
 * that id.
 * A conversation that does not exist and was forgotten is not created:
 * *conv is CONV_FORGOTTEN.
 */
static int
conv_resolve(int64_t *conv, int *is_new, struct store_import *si,
    const struct convo_rec *rec)
{
	sqlite3_stmt *s;
	int rc, found;

	*is_new = 0;
	s = si->s[rec->source ? S_CONV_FIND : S_CONV_FIND_ANY];
	store_bind_text(s, 1, rec->conv_id);
	if (rec->source)
		store_bind_text(s, 2, rec->source);
	if ((rc = step_id(si, s, conv, &found)) != 0 || found)
		return rc;
	if (rec->source && *rec->source) {
		s = si->s[S_CONV_FIND];
		store_bind_text(s, 1, rec->conv_id);
		store_bind_text(s, 2, "");
		if ((rc = step_id(si, s, conv, &found)) != 0)
			return rc;
		if (found) {
			s = si->s[S_CONV_ADOPT];
			sqlite3_bind_int64(s, 1, *conv);
			store_bind_text(s, 2, rec->source);
			return store_step_done(si->st, s);
		}
	}
	if ((rc = forgotten(&found, si, rec)) != 0)
		return rc;
	if (found) {
		*conv = CONV_FORGOTTEN;
		return 0;
	}
	*is_new = 1;
	return conv_insert(conv, si, rec);
}

/* Moves the conversation to the stated user, remembering the old one. */
static int
conv_set_user(struct store_import *si, int64_t conv, const char *token)
{
	sqlite3_stmt *s = si->s[S_CONV_OLD_USER];
	int64_t user;
	int rc;

	if ((rc = user_id(&user, si, token, 0)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, user);
	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	s = si->s[S_CONV_USER];
	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, user);
	return apply(si, s, conv);
}

static int
conv_apply(struct store_import *si, int64_t conv, const struct convo_rec *rec)
{
	int rc;

	if ((rc = materialize(si, conv)) != 0)
		return rc;
	if (rec->conv.user != NULL &&
	    (rc = conv_set_user(si, conv, rec->conv.user)) != 0)
		return rc;
	sqlite3_bind_int64(si->s[S_CONV_FIELDS], 1, conv);
	store_bind_stated(si->s[S_CONV_FIELDS], 2, &rec->conv);
	if ((rc = store_step_done(si->st, si->s[S_CONV_FIELDS])) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) > 0)
		return mark_changed(si, conv);
	return 0;
}

int
store_import_conv(int64_t *conv, struct store_import *si,
    const struct convo_rec *rec)
{
	sqlite3_stmt *s = si->s[S_TOUCH];
	int rc, is_new = 0;

	if (cached(si, rec))
		*conv = si->last_conv;
	else {
		if ((rc = end_run(si)) != 0 ||
		    (rc = conv_resolve(conv, &is_new, si, rec)) != 0)
			return rc;
		if (*conv != CONV_FORGOTTEN) {
			sqlite3_bind_int64(s, 1, *conv);
			sqlite3_bind_int(s, 2, is_new);
			if ((rc = store_step_done(si->st, s)) != 0)
				return rc;
		}
		store_run_start(si->run, *conv, is_new);
		if ((rc = cache_conv(si, rec, *conv)) != 0)
			return rc;
	}
	/* The records of a forgotten conversation are dropped silently. */
	if (*conv == CONV_FORGOTTEN)
		return 0;
	/* A conversation created just now has the record's fields. */
	if (rec->kind == CONVO_REC_CONV && !is_new)
		return conv_apply(si, *conv, rec);
	return 0;
}

static void
bind_usage(sqlite3_stmt *s, int i, const struct convo_usage *u)
{
	store_bind_int(s, i, u->input_tokens, CONVO_NUM_NONE);
	store_bind_int(s, i + 1, u->output_tokens, CONVO_NUM_NONE);
	store_bind_double(s, i + 2, u->cost, u->has_cost);
}

static int
msg_insert(struct store_import *si, int64_t conv, int64_t key,
    const struct store_msg *sm)
{
	sqlite3_stmt *s = si->s[S_MSG_INSERT];
	const struct convo_msg_fields *m = sm->m;

	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, m->ts);
	sqlite3_bind_int64(s, 3, key);
	store_bind_text(s, 4, role_name(m->role));
	store_bind_text(s, 5, sm->text);
	store_bind_text(s, 6, m->click_type);
	store_bind_text(s, 7, m->click_title);
	store_bind_text(s, 8, m->click_target);
	sqlite3_bind_int(s, 9, sm->fallback);
	sqlite3_bind_int(s, 10, sm->fallback_derived);
	store_bind_text(s, 11, m->intent);
	store_bind_double(s, 12, m->confidence, m->has_confidence);
	store_bind_text(s, 13, m->agent);
	store_bind_text(s, 14, m->feedback ? feedback_name(m->feedback) : NULL);
	store_bind_text(s, 15, sm->handover ? handover_name(sm->handover) : NULL);
	sqlite3_bind_int(s, 16, sm->handover_derived);
	store_bind_text(s, 17, m->media_type);
	store_bind_text(s, 18, m->media_name);
	store_bind_text(s, 19, m->media_url);
	bind_usage(s, 20, &m->usage);
	sqlite3_bind_int64(s, 23, si->import_id);
	return store_step_done(si->st, s);
}

static int
msg_update(struct store_import *si, int64_t id, const struct store_msg *sm)
{
	sqlite3_stmt *s = si->s[S_MSG_UPDATE];
	const struct convo_msg_fields *m = sm->m;

	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, role_name(m->role));
	sqlite3_bind_int(s, 3, sm->fallback);
	sqlite3_bind_int(s, 4, sm->fallback_derived || m->role !=
	    CONVO_ROLE_ASSISTANT);
	store_bind_text(s, 5, m->intent);
	store_bind_double(s, 6, m->confidence, m->has_confidence);
	store_bind_text(s, 7, m->agent);
	store_bind_text(s, 8, m->feedback ? feedback_name(m->feedback) : NULL);
	store_bind_text(s, 9, sm->handover ? handover_name(sm->handover) : NULL);
	sqlite3_bind_int(s, 10, sm->handover_derived);
	bind_usage(s, 11, &m->usage);
	return store_step_done(si->st, s);
}

/* The identity key of the n-th identical message at the same time. */
static int64_t
nth_key(uint64_t key, int64_t n)
{
	return (int64_t)hash64(key, &n, sizeof(n));
}

/* Looks up a stored message: its id, and whether this import stored it. */
static int
msg_find(int64_t *id, int *ours, struct store_import *si, int64_t conv,
    int64_t ts, int64_t key)
{
	sqlite3_stmt *s = si->s[S_MSG_ID];
	int rc, found;

	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, ts);
	sqlite3_bind_int64(s, 3, key);
	sqlite3_bind_int64(s, 4, si->import_id);
	*ours = 0;
	rc = sqlite3_step(s);
	found = rc == SQLITE_ROW;
	if (found) {
		*id = sqlite3_column_int64(s, 0);
		*ours = sqlite3_column_int(s, 1);
		rc = sqlite3_step(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(si->st, rc, "database error");
	return found ? 0 : store_fail(si->st, SQLITE_ERROR, "message vanished");
}

/*
 * How many identical messages (same conversation, time and content) came
 * before this one in this file.  Only called when the first one's row
 * exists already: then temp.seen counts them, or, before it does, the
 * row tells whether this import stored it (1 before) or an earlier one
 * did (none before).  A fresh import so never touches temp.seen.
 */
static int
occurrence(int64_t *n, struct store_import *si, int64_t conv, int64_t ts,
    uint64_t key, int first_is_ours)
{
	sqlite3_stmt *s = si->s[S_SEEN_GET];
	int rc, found;

	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, ts);
	sqlite3_bind_int64(s, 3, (int64_t)key);
	if ((rc = step_id(si, s, n, &found)) != 0)
		return rc;
	if (!found)
		*n = first_is_ours;
	s = si->s[S_SEEN_SET];
	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, ts);
	sqlite3_bind_int64(s, 3, (int64_t)key);
	sqlite3_bind_int64(s, 4, *n + 1);
	return store_step_done(si->st, s);
}

/* Hands a message just stored to the run, for the rollups. */
static void
run_message(struct store_import *si, int64_t id, const struct store_msg *sm)
{
	const struct convo_msg_fields *m = sm->m;
	struct store_rmsg r;

	r.id = id;
	r.ts = m->ts;
	r.input_tokens = m->usage.input_tokens;
	r.output_tokens = m->usage.output_tokens;
	r.cost = m->usage.cost;
	r.has_cost = m->usage.has_cost != 0;
	r.role = (unsigned char)m->role;
	r.handover = (unsigned char)sm->handover;
	r.feedback = (unsigned char)m->feedback;
	r.click = m->click_type != NULL;
	r.fallback = sm->fallback != 0;
	r.not_understood = 0;
	r.derived = sm->handover_derived != 0;
	store_run_message(si->run, &r);
}

static int
msg_new(int64_t *msg_id, int *is_new, struct store_import *si, int64_t conv,
    const struct store_msg *sm)
{
	*is_new = sqlite3_changes(si->st->db) > 0;
	if (!*is_new)
		return 0;
	*msg_id = sqlite3_last_insert_rowid(si->st->db);
	si->messages_new++;
	run_message(si, *msg_id, sm);
	return mark_changed(si, conv);
}

int
store_import_msg(int64_t *msg_id, int *is_new, struct store_import *si,
    int64_t conv, const struct store_msg *sm)
{
	int64_t n, ts = sm->m->ts;
	int rc, ours;

	*is_new = 0;
	if (conv == CONV_FORGOTTEN) {
		*msg_id = 0;
		return 0;
	}
	if ((rc = msg_insert(si, conv, nth_key(sm->key, 0), sm)) != 0 ||
	    (rc = msg_new(msg_id, is_new, si, conv, sm)) != 0 || *is_new)
		return rc;
	if ((rc = msg_find(msg_id, &ours, si, conv, ts, nth_key(sm->key, 0))) ||
	    (rc = occurrence(&n, si, conv, ts, sm->key, ours)) != 0)
		return rc;
	if (n > 0) {
		if ((rc = msg_insert(si, conv, nth_key(sm->key, n), sm)) != 0 ||
		    (rc = msg_new(msg_id, is_new, si, conv, sm)) != 0 || *is_new)
			return rc;
		rc = msg_find(msg_id, &ours, si, conv, ts, nth_key(sm->key, n));
		if (rc != 0)
			return rc;
	}
	if ((rc = msg_update(si, *msg_id, sm)) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) == 0)
		return 0;
	store_run_spoil(si->run);
	return mark_changed(si, conv);
}

/*
 * Adds the event row; marks the conversation changed when it is new, and
 * says so in *added unless added is NULL.
 */
static int
event_row(struct store_import *si, int64_t conv, int64_t ts, const char *type,
    const char *value, int64_t msg, int handover, int *added)
{
	sqlite3_stmt *s = si->s[S_EVENT];
	int rc;

	if (added != NULL)
		*added = 0;
	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, ts);
	store_bind_text(s, 3, type);
	store_bind_text(s, 4, value);
	store_bind_int(s, 5, msg, 0);
	sqlite3_bind_int64(s, 6, si->import_id);
	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) == 0)
		return 0;
	if (added != NULL)
		*added = 1;
	store_run_event(si->run, ts, handover);
	return mark_changed(si, conv);
}

static int
event_feedback(struct store_import *si, int64_t conv, const struct convo_rec *rec)
{
	sqlite3_stmt *s;
	const char *value = feedback_name(rec->feedback);
	int64_t msg = 0;
	int rc, found, added;

	if (rec->feedback_index >= 0) {
		s = si->s[S_FEEDBACK_TARGET];
		sqlite3_bind_int64(s, 2, rec->feedback_index);
	} else {
		s = si->s[S_FEEDBACK_LATEST];
		sqlite3_bind_int64(s, 2, rec->ts);
	}
	sqlite3_bind_int64(s, 1, conv);
	if ((rc = step_id(si, s, &msg, &found)) != 0)
		return rc;
	/*
	 * A vote already stored is not cast again: the message it found
	 * then stays its message, though a message read after it (an
	 * earlier one sent late) might be the latest now.
	 */
	if ((rc = event_row(si, conv, rec->ts, "feedback", value, msg,
	    CONVO_HANDOVER_NONE, &added)) != 0 || !found || !added)
		return rc;
	s = si->s[S_FEEDBACK_SET];
	sqlite3_bind_int64(s, 1, msg);
	store_bind_text(s, 2, value);
	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) > 0) {
		/* The run has the message: it takes the thumbs. */
		store_run_feedback(si->run, msg, rec->feedback);
		return mark_changed(si, conv);
	}
	return 0;
}

static int
event_csat(struct store_import *si, int64_t conv, const struct convo_rec *rec)
{
	sqlite3_stmt *s = si->s[S_CSAT];
	char score[2] = { (char)('0' + rec->csat), '\0' };
	int rc;

	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int(s, 2, rec->csat);
	sqlite3_bind_int64(s, 3, rec->ts);
	if ((rc = apply(si, s, conv)) != 0)
		return rc;
	return event_row(si, conv, rec->ts, "csat", score, 0,
	    CONVO_HANDOVER_NONE, NULL);
}

static int
event_end(struct store_import *si, int64_t conv, const struct convo_rec *rec)
{
	sqlite3_stmt *s = si->s[S_END];
	int rc;

	sqlite3_bind_int64(s, 1, conv);
	sqlite3_bind_int64(s, 2, rec->ts);
	store_bind_text(s, 3, rec->end_reason);
	if ((rc = apply(si, s, conv)) != 0)
		return rc;
	return event_row(si, conv, rec->ts, "end", rec->end_reason, 0,
	    CONVO_HANDOVER_NONE, NULL);
}

static int
event_variable(struct store_import *si, int64_t conv,
    const struct convo_rec *rec)
{
	sqlite3_stmt *s = si->s[S_VARIABLE];

	sqlite3_bind_int64(s, 1, conv);
	store_bind_text(s, 2, rec->var_name);
	store_bind_text(s, 3, rec->var_value);
	store_bind_text(s, 4, rec->var_source);
	return apply(si, s, conv);
}

int
store_import_event(struct store_import *si, int64_t conv,
    const struct convo_rec *rec)
{
	char score[2] = { (char)('0' + rec->csat), '\0' };
	const char *value;
	sqlite3_stmt *s;
	int rc, pending;

	if (conv == CONV_FORGOTTEN)
		return 0;
	/* These change the conversation's row, or the pending one. */
	if ((rc = pending_event(&pending, si, conv, rec)) != 0)
		return rc;
	if (pending) {
		value = rec->kind == CONVO_REC_CSAT ? score : rec->end_reason;
		return event_row(si, conv, rec->ts, rec->kind == CONVO_REC_CSAT ?
		    "csat" : rec->kind == CONVO_REC_END ? "end" : "survey",
		    rec->kind == CONVO_REC_SURVEY ? NULL : value, 0,
		    CONVO_HANDOVER_NONE, NULL);
	}
	switch (rec->kind) {
	case CONVO_REC_HANDOVER:
		return event_row(si, conv, rec->ts, "handover",
		    handover_name(rec->handover), 0, rec->handover, NULL);
	case CONVO_REC_FEEDBACK:
		return event_feedback(si, conv, rec);
	case CONVO_REC_CSAT:
		return event_csat(si, conv, rec);
	case CONVO_REC_SURVEY:
		s = si->s[S_SURVEY];
		sqlite3_bind_int64(s, 1, conv);
		if ((rc = apply(si, s, conv)) != 0)
			return rc;
		return event_row(si, conv, rec->ts, "survey", NULL, 0,
		    CONVO_HANDOVER_NONE, NULL);
	case CONVO_REC_END:
		return event_end(si, conv, rec);
	case CONVO_REC_VARIABLE:
		return event_variable(si, conv, rec);
	default:
		return CONVO_EINTERNAL;
	}
}

/* Runs a lead statement bound by the caller; counts a lead stored. */
static int
lead_apply(struct store_import *si, sqlite3_stmt *s, int64_t conv,
    int derived)
{
	int rc;

	if ((rc = store_step_done(si->st, s)) != 0)
		return rc;
	if (sqlite3_changes(si->st->db) == 0)
		return 0;
	store_run_lead(si->run, derived);
	return mark_changed(si, conv);
}

int
store_import_lead(struct store_import *si, int64_t conv, int64_t ts,
    const char *name, const char *email, const char *phone, int derived)
{
	sqlite3_stmt *s;
	uint64_t key = HASH64_INIT;
	int rc;

	if (conv == CONV_FORGOTTEN)
		return 0;
	if (derived) {
		s = si->s[S_LEAD_DERIVED];
		sqlite3_bind_int64(s, 1, conv);
		sqlite3_bind_int64(s, 2, ts);
		store_bind_text(s, 3, email);
		store_bind_text(s, 4, phone);
		return lead_apply(si, s, conv, 1);
	}
	/* Stated leads are told apart by their contents (NUL-separated). */
	key = hash64(key, name ? name : "", name ? strlen(name) + 1 : 0);
	key = hash64(key, "\1", 1);
	key = hash64(key, email ? email : "", email ? strlen(email) + 1 : 0);
	key = hash64(key, "\1", 1);
	key = hash64(key, phone ? phone : "", phone ? strlen(phone) + 1 : 0);
	if (key == 0)
		key = 1;	/* 0 is the derived lead's key */
	/* Without a time of its own, a lead reads its conversation's. */
	if ((rc = materialize(si, conv)) != 0)
		return rc;
	s = si->s[S_LEAD];
	sqlite3_bind_int64(s, 1, conv);
	store_bind_int(s, 2, ts, CONVO_TIME_NONE);
	store_bind_text(s, 3, name);
	store_bind_text(s, 4, email);
	store_bind_text(s, 5, phone);
	sqlite3_bind_int64(s, 6, (int64_t)key);
	if ((rc = lead_apply(si, s, conv, 0)) != 0)
		return rc;
	s = si->s[S_LEAD_REDUNDANT];
	sqlite3_bind_int64(s, 1, conv);
	if ((rc = store_step_done(si->st, s)) != 0 ||
	    sqlite3_changes(si->st->db) == 0)
		return rc;
	store_run_unlead(si->run);
	return mark_changed(si, conv);
}

static const char sql_touched_counts[] =
	"SELECT coalesce(sum(is_new), 0), coalesce(sum(changed AND NOT is_new), 0)"
	" FROM temp.touched";

static const char sql_import_done[] =
	"UPDATE import SET size = ?2, sha256 = ?3, format = ?4,"
	" conversations_new = ?5, conversations_updated = ?6,"
	" messages_new = ?7, skipped = ?8 WHERE id = ?1";

int
store_import_finish(struct convo_import_result *res, struct store_import *si,
    const char *format, const char *sha256)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = end_run(si)) != 0 ||
	    (rc = store_rollup(si->st)) != 0)
		return rc;
	if ((rc = store_prepare(si->st, &s, sql_touched_counts)) != 0)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		res->conversations_new = sqlite3_column_int64(s, 0);
		res->conversations_updated = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(si->st, rc, "database error");
	res->messages_new = si->messages_new;
	if ((rc = store_prepare(si->st, &s, sql_import_done)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, si->import_id);
	sqlite3_bind_int64(s, 2, (int64_t)res->bytes);
	store_bind_text(s, 3, sha256);
	store_bind_text(s, 4, format);
	sqlite3_bind_int64(s, 5, res->conversations_new);
	sqlite3_bind_int64(s, 6, res->conversations_updated);
	sqlite3_bind_int64(s, 7, res->messages_new);
	sqlite3_bind_int64(s, 8, res->skipped);
	rc = store_step_done(si->st, s);
	sqlite3_finalize(s);
	return rc;
}
