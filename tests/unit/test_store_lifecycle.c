/*
 * test_store_lifecycle.c: ending stale conversations and the status
 * breakdown: the strict boundary, dry runs, the listing callback and its
 * order, rolling back when the callback fails, bad options, a database
 * locked by another writer, and the breakdown's figures.
 */
#include "convo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define NOW INT64_C(1795348800000)	/* 2026-11-22T12:00:00Z */
#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)

static char dbpath[256];

static int64_t
q(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	sqlite3_open(dbpath, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	} else
		printf("# %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return v;
}

/*
 * Five conversations: a1 idle exactly 24 h, a2 24 h and 1 ms, a3 8 days
 * with an anonymous user, a4 30 minutes, e1 ended long ago.
 */
static void
setup(void)
{
	struct convo_store *st;
	char err[256], sql[1024];
	sqlite3 *db;

	unlink(dbpath);
	if (convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_WRITE,
	    100) != 0)
		printf("# %s\n", err);
	convo_store_close(st);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO user (id, token, anonymous) VALUES (1, 'u1', 0),"
	    " (2, 'web/a3', 1);"
	    "INSERT INTO conversation (ext_id, source, user_id, started_at,"
	    " last_activity_at, status) VALUES"
	    " ('a1', 'web', 1, 0, %lld, 'active'),"
	    " ('a2', 'web', 1, 0, %lld, 'active'),"
	    " ('a3', '', 2, 0, %lld, 'active'),"
	    " ('a4', 'api', 1, 0, %lld, 'active'),"
	    " ('e1', 'web', 1, 0, %lld, 'ended')",
	    (long long)(NOW - DAY), (long long)(NOW - DAY - 1),
	    (long long)(NOW - 8 * DAY), (long long)(NOW - HOUR / 2),
	    (long long)(NOW - 30 * DAY));
	sqlite3_open(dbpath, &db);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		printf("# %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* What the callback saw, and when it should fail. */
struct seen {
	char ids[64];
	int n;
	int fail_at;		/* fail on this call (1-based); 0 never */
	int anonymous_null;	/* a3's user was NULL */
};

static int
each(void *ctx, const struct convo_stale_conversation *c)
{
	struct seen *s = ctx;

	if (++s->n == s->fail_at)
		return CONVO_ENOMEM;
	strncat(s->ids, c->ext_id, sizeof(s->ids) - strlen(s->ids) - 2);
	strncat(s->ids, " ", sizeof(s->ids) - strlen(s->ids) - 1);
	if (strcmp(c->ext_id, "a3") == 0 && c->user == NULL &&
	    strcmp(c->source, "") == 0)
		s->anonymous_null = 1;
	return 0;
}

static void
test_options(struct convo_store *st)
{
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_stale_result r;

	is_int(convo_stale_end(&r, st, &opt), CONVO_EUSAGE,
	    "now not set: CONVO_EUSAGE");
	ok(r.cutoff == CONVO_TIME_NONE && r.ended == 0 && r.active == 0,
	    "on failure the result is empty");
	opt.now = NOW;
	opt.idle_ms = -1;
	is_int(convo_stale_end(&r, st, &opt), CONVO_EUSAGE,
	    "a negative idle time: CONVO_EUSAGE");
}

static void
test_dry_run(struct convo_store *st)
{
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_stale_result r;
	struct seen s = { "", 0, 0, 0 };

	opt.now = NOW;
	opt.dry_run = 1;
	opt.each = each;
	opt.each_ctx = &s;
	is_int(convo_stale_end(&r, st, &opt), 0, "a dry run succeeds");
	is_str(s.ids, "a3 a2 ", "it lists the stale ones, oldest first; "
	    "exactly 24 h idle is not stale");
	ok(s.anonymous_null, "an anonymous user and no source: NULL and \"\"");
	is_int(r.ended, 2, "would end 2");
	is_int(r.active, 2, "2 would stay active");
	ok(r.cutoff == NOW - DAY, "the cutoff is now - 24 h");
	is_int(q("SELECT count(*) FROM conversation WHERE status = 'ended'"),
	    1, "a dry run changes nothing");
}

static void
test_rollback(struct convo_store *st)
{
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_stale_result r;
	struct seen s = { "", 0, 2, 0 };

	opt.now = NOW;
	opt.each = each;
	opt.each_ctx = &s;
	is_int(convo_stale_end(&r, st, &opt), CONVO_ENOMEM,
	    "a failing callback: its status is returned");
	is_int(q("SELECT count(*) FROM conversation WHERE status = 'ended'"),
	    1, "a failing callback: nothing is ended");
}

static void
test_locked(struct convo_store *st)
{
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_stale_result r;
	sqlite3 *db;

	opt.now = NOW;
	sqlite3_open(dbpath, &db);
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	opt.dry_run = 1;
	is_int(convo_stale_end(&r, st, &opt), 0,
	    "a dry run reads while another writer holds the lock");
	opt.dry_run = 0;
	is_int(convo_stale_end(&r, st, &opt), CONVO_EBUSY,
	    "a run gives up with CONVO_EBUSY after the busy timeout");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	is_int(q("SELECT count(*) FROM conversation WHERE status = 'ended'"),
	    1, "a locked-out run changes nothing");
}

static void
test_end(struct convo_store *st)
{
	struct convo_stale_options opt = CONVO_STALE_OPTIONS_INIT;
	struct convo_status_breakdown b;
	struct convo_stale_result r;

	is_int(convo_status_breakdown(&b, st, NOW), 0, "the breakdown");
	ok(b.active == 4 && b.ended == 1, "before: 4 active, 1 ended");
	ok(b.idle_1h == 3 && b.idle_24h == 2 && b.idle_7d == 1,
	    "before: idle past 1 h 3, 24 h 2, 7 d 1");
	opt.now = NOW;
	is_int(convo_stale_end(&r, st, &opt), 0, "a run succeeds");
	ok(r.ended == 2 && r.active == 2, "it ended 2, 2 stay active");
	is_int(q("SELECT count(*) FROM conversation WHERE status = 'ended'"
	    " AND end_reason = 'stale' AND ended_at = 1795348800000"
	    " AND ext_id IN ('a2', 'a3')"), 2,
	    "a2 and a3 are ended at now, as stale");
	is_int(convo_stale_end(&r, st, &opt), 0, "a second run succeeds");
	ok(r.ended == 0 && r.active == 2, "and ends nothing");
	is_int(convo_status_breakdown(&b, st, NOW), 0, "the breakdown after");
	ok(b.active == 2 && b.ended == 3 && b.idle_1h == 1 &&
	    b.idle_24h == 0 && b.idle_7d == 0,
	    "after: 2 active, 3 ended, 1 idle past 1 h");
	opt.idle_ms = HOUR / 2 - 1;
	is_int(convo_stale_end(&r, st, &opt), 0, "a run with 30 min - 1 ms");
	ok(r.ended == 2 && r.active == 0, "ends the last two");
}

int
main(void)
{
	struct convo_store *st;
	char err[256];

	snprintf(dbpath, sizeof(dbpath), "tests/tmp/test_lifecycle.%ld.db",
	    (long)getpid());
	setup();
	if (convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_READ,
	    200) != 0) {
		printf("# %s\n", err);
		return 1;
	}
	test_options(st);
	test_dry_run(st);
	test_rollback(st);
	test_locked(st);
	test_end(st);
	convo_store_close(st);
	unlink(dbpath);
	return done_testing();
}
