/*
 * store_lifecycle.c: the end of a conversation's life: ending the active
 * conversations that have been idle too long (convo-end-stale), and the
 * status breakdown of the database.
 *
 * A run is one transaction.  A real run takes the write lock first
 * (BEGIN IMMEDIATE, waiting out the busy timeout), so that no import can
 * commit between what it counts, what it lists and what it ends; the
 * UPDATE then checks staleness itself, so a conversation is ended only
 * if it is stale at the moment it is written.  Killed at any point, the
 * run leaves all of its changes or none.
 */
#include <stdio.h>

#include "store.h"

/* Active conversations, and how many of them are stale: ?1 is the cutoff. */
static const char sql_count[] =
	"SELECT count(*), count(*) FILTER (WHERE last_activity_at < ?1)"
	" FROM conversation WHERE status = 'active'";

/* The stale ones, oldest activity first; a generated user shows as NULL. */
static const char sql_list[] =
	"SELECT c.ext_id, c.source,"
	" CASE WHEN u.anonymous THEN NULL ELSE u.token END, c.last_activity_at"
	" FROM conversation c JOIN user u ON u.id = c.user_id"
	" WHERE c.status = 'active' AND c.last_activity_at < ?1"
	" ORDER BY c.last_activity_at, c.id";

/*
 * The check and the change in one statement: ?1 cutoff, ?2 now.  The
 * stale conversations are found through the (status, last_activity_at)
 * index, but changed in the order of their ids, which is that of the
 * table's pages (the IN list is a sorted b-tree): each page is read and
 * written once, where the index's order would visit the pages of a
 * large database at random, again and again.  That halves the time of
 * ending many conversations at once.
 */
static const char sql_end[] =
	"UPDATE conversation SET status = 'ended', ended_at = ?2,"
	" end_reason = 'stale' WHERE id IN (SELECT id FROM conversation"
	" WHERE status = 'active' AND last_activity_at < ?1)";

/*
 * The breakdown in one pass over the (status, last_activity_at) index:
 * ?1, ?2, ?3 are now minus 1 hour, 24 hours and 7 days.
 */
static const char sql_breakdown[] =
	"SELECT count(*) FILTER (WHERE status = 'active'),"
	" count(*) FILTER (WHERE status = 'ended'),"
	" count(*) FILTER (WHERE status = 'active' AND last_activity_at < ?1),"
	" count(*) FILTER (WHERE status = 'active' AND last_activity_at < ?2),"
	" count(*) FILTER (WHERE status = 'active' AND last_activity_at < ?3)"
	" FROM conversation";

#define HOUR_MS INT64_C(3600000)

/* Runs sql_count: *n_active and *n_stale. */
static int
count_active(struct convo_store *st, int64_t cutoff, long *n_active,
    long *n_stale)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(st, &s, sql_count)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, cutoff);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*n_active = (long)sqlite3_column_int64(s, 0);
		*n_stale = (long)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, "cannot count");
}

/* Hands each stale conversation to opt->each; stops at its first error. */
static int
list_stale(struct convo_store *st, int64_t cutoff,
    const struct convo_stale_options *opt)
{
	struct convo_stale_conversation c;
	sqlite3_stmt *s;
	int rc, cb = 0;

	if ((rc = store_prepare(st, &s, sql_list)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, cutoff);
	while (cb == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		c.ext_id = (const char *)sqlite3_column_text(s, 0);
		c.source = (const char *)sqlite3_column_text(s, 1);
		c.user = (const char *)sqlite3_column_text(s, 2);
		c.last_activity_at = sqlite3_column_int64(s, 3);
		cb = opt->each(opt->each_ctx, &c);
	}
	sqlite3_finalize(s);
	if (cb != 0)
		return cb < 0 ? cb : CONVO_EINTERNAL;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "cannot list");
}

/* Ends the stale ones; exactly n_stale must change. */
static int
end_stale(struct convo_store *st, int64_t cutoff, int64_t now, long n_stale)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(st, &s, sql_end)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, cutoff);
	sqlite3_bind_int64(s, 2, now);
	rc = store_step_done(st, s);
	sqlite3_finalize(s);
	if (rc == 0 && sqlite3_changes64(st->db) != n_stale) {
		/* Cannot happen while the write lock is held. */
		snprintf(st->errmsg, sizeof(st->errmsg), "ended %lld "
		    "conversations, counted %ld", (long long)
		    sqlite3_changes64(st->db), n_stale);
		rc = CONVO_EINTERNAL;
	}
	return rc;
}

int
convo_stale_end(struct convo_stale_result *out, struct convo_store *st,
    const struct convo_stale_options *opt)
{
	long n_active = 0, n_stale = 0;
	int64_t cutoff;
	int rc;

	out->cutoff = CONVO_TIME_NONE;
	out->ended = out->active = 0;
	if (opt->idle_ms < 0 || opt->now == CONVO_TIME_NONE)
		return CONVO_EUSAGE;
	cutoff = opt->now - opt->idle_ms;
	/* A dry run only reads, in one snapshot, and never blocks imports. */
	if ((rc = store_exec(st, opt->dry_run ? "BEGIN" :
	    "BEGIN IMMEDIATE")) != 0)
		return rc;
	rc = count_active(st, cutoff, &n_active, &n_stale);
	if (rc == 0 && opt->each != NULL)
		rc = list_stale(st, cutoff, opt);
	if (rc == 0 && !opt->dry_run)
		rc = end_stale(st, cutoff, opt->now, n_stale);
	if (rc == 0)
		rc = store_exec(st, "COMMIT");
	if (rc != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	out->cutoff = cutoff;
	out->ended = n_stale;
	out->active = n_active - n_stale;
	return 0;
}

int
convo_status_breakdown(struct convo_status_breakdown *out,
    struct convo_store *st, int64_t now)
{
	static const int64_t idle[] = { HOUR_MS, 24 * HOUR_MS, 168 * HOUR_MS };
	long *field[] = { &out->active, &out->ended, &out->idle_1h,
	    &out->idle_24h, &out->idle_7d };
	sqlite3_stmt *s;
	int i, rc;

	for (i = 0; i < 5; i++)
		*field[i] = 0;
	if ((rc = store_prepare(st, &s, sql_breakdown)) != 0)
		return rc;
	for (i = 0; i < 3; i++)
		sqlite3_bind_int64(s, i + 1, now - idle[i]);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < 5; i++)
			*field[i] = (long)sqlite3_column_int64(s, i);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, "cannot count");
}
