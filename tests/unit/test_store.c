/*
 * test_store.c: the store: opening, schema versions, conversation
 * identity, message de-duplication across imports, events, leads and the
 * rollups, checked against figures worked out by hand.
 */
#include "convo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define T0 INT64_C(1795689015000)	/* 2026-11-26T10:30:15Z */

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
			v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -99 :
			    sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	} else
		printf("# %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return v;
}

static void
qexec(const char *sql)
{
	sqlite3 *db;

	sqlite3_open(dbpath, &db);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

static void
test_open(void)
{
	struct convo_store *st;
	char err[512], want[512];
	FILE *fp;

	is_int(convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_READ,
	    100), CONVO_ENOENT, "read mode: a missing database is ENOENT");
	ok(st == NULL, "on failure *out is NULL");
	is_int(convo_store_open(&st, err, sizeof(err), dbpath,
	    CONVO_OPEN_WRITE, 100), 0, "write mode creates the database");
	convo_store_close(st);
	is_int(q("PRAGMA user_version"), convo_store_schema_version(),
	    "user_version is the schema version");
	is_int(q("SELECT count(*) FROM sqlite_schema WHERE name = 'message'"),
	    1, "the schema is there");
	is_int(convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_READ,
	    100), 0, "read mode opens it");
	convo_store_close(st);

	qexec("PRAGMA user_version = 99");
	is_int(convo_store_open(&st, err, sizeof(err), dbpath,
	    CONVO_OPEN_WRITE, 100), CONVO_ESCHEMA, "a newer schema is refused");
	ok(strstr(err, "version 99 is newer") != NULL, "and says so");
	unlink(dbpath);

	qexec("CREATE TABLE other (x)");
	is_int(convo_store_open(&st, err, sizeof(err), dbpath,
	    CONVO_OPEN_WRITE, 100), CONVO_ESCHEMA, "a foreign database is refused");
	snprintf(want, sizeof(want), "%s: not a convo database: it has "
	    "tables but no convo schema version", dbpath);
	is_str(err, want, "with a reason, after the database's name");
	is_int(q("SELECT count(*) FROM sqlite_schema"), 1,
	    "and left as it was");
	unlink(dbpath);

	fp = fopen(dbpath, "w");
	fputs("this is not a database, just some text that is long enough "
	    "to fill a header of a hundred bytes or so, and then some more "
	    "text.\n", fp);
	fclose(fp);
	is_int(convo_store_open(&st, err, sizeof(err), dbpath,
	    CONVO_OPEN_WRITE, 100), CONVO_ECREATE, "a text file is refused");
	ok(strstr(err, "not a database") != NULL, "as not a database");
	unlink(dbpath);
}

/* One import of the messages msgs[0..n-1] into conversation c1. */
struct msg {
	int64_t ts;
	enum convo_role role;
	const char *text;
	int fallback;
	enum convo_handover handover;
};

static int
import(struct convo_import_result *res, struct convo_store *st,
    const struct msg *msgs, int n)
{
	struct store_import *si;
	struct convo_rec rec;
	struct store_msg sm;
	int64_t conv, id;
	int i, is_new, rc;

	memset(res, 0, sizeof(*res));
	if ((rc = store_begin(st)) != 0)
		return rc;
	if ((rc = store_import_begin(&si, st, "test", T0)) != 0)
		return rc;
	rec_init(&rec, CONVO_REC_CONV);
	rec.conv_id = "c1";
	rec.source = "web_widget";
	rec.conv.user = "u1";
	rc = store_import_conv(&conv, si, &rec);
	for (i = 0; rc == 0 && i < n; i++) {
		rec_init(&rec, CONVO_REC_MSG);
		rec.conv_id = "c1";
		rec.msg.ts = msgs[i].ts;
		rec.msg.role = msgs[i].role;
		rec.msg.text = msgs[i].text;
		rec.msg.text_len = strlen(msgs[i].text);
		memset(&sm, 0, sizeof(sm));
		sm.m = &rec.msg;
		sm.text = rec.msg.text;
		sm.key = hash64(HASH64_INIT, sm.text, rec.msg.text_len);
		sm.fallback = msgs[i].fallback;
		sm.handover = msgs[i].handover;
		sm.handover_derived = msgs[i].handover != 0;
		if ((rc = store_import_conv(&conv, si, &rec)) == 0)
			rc = store_import_msg(&id, &is_new, si, conv, &sm);
	}
	if (rc == 0)
		rc = store_import_finish(res, si, "json", "0");
	store_import_free(si);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

static const struct msg chat[] = {
	{ T0, CONVO_ROLE_USER, "hi", 0, 0 },
	{ T0 + 2000, CONVO_ROLE_ASSISTANT, "Sorry, I didn't understand", 1, 0 },
	{ T0 + 5000, CONVO_ROLE_USER, "talk to a human", 0,
	    CONVO_HANDOVER_DIRECT },
	{ T0 + 65000, CONVO_ROLE_AGENT, "Hi, Anna here", 0, 0 },
	{ T0 + 70000, CONVO_ROLE_SYSTEM, "closed", 0, 0 },
	{ T0 + 80000, CONVO_ROLE_USER, "ok", 0, 0 },
	{ T0 + 80000, CONVO_ROLE_USER, "ok", 0, 0 },
	{ T0 + 80000, CONVO_ROLE_USER, "ok", 0, 0 }
};

static void
test_import(void)
{
	struct convo_import_result res;
	struct convo_store *st;
	char err[512];

	convo_store_open(&st, err, sizeof(err), dbpath, CONVO_OPEN_WRITE, 100);
	is_int(import(&res, st, chat, 7), 0, "first import");
	if (res.messages_new == 0)
		printf("# %s\n", convo_store_errmsg(st));
	is_int(res.conversations_new, 1, "one new conversation");
	is_int(res.messages_new, 7, "seven new messages, both 'ok's kept");
	is_int(q("SELECT n_user || n_assistant || n_agent || n_system"
	    " FROM conversation"), 4111, "counts by role 4/1/1/1");
	is_int(q("SELECT n_typed * 10 + n_clicks FROM conversation"), 40,
	    "typed 4, clicks 0");
	is_int(q("SELECT n_fallbacks FROM conversation"), 1, "one fallback");
	is_int(q("SELECT n_not_understood FROM conversation"), 1,
	    "'hi' was not understood");
	is_int(q("SELECT not_understood FROM message WHERE text = 'hi'"), 1,
	    "flagged on the message");
	is_int(q("SELECT n_handover_after_fallback FROM conversation"), 1,
	    "the derived handover follows a fallback");
	is_int(q("SELECT n_handovers FROM conversation"), 1, "one handover");
	is_int(q("SELECT first_response_ms FROM conversation"), 2000,
	    "first response after 2 s");
	is_int(q("SELECT agent_pickup_ms FROM conversation"), 60000,
	    "agent picked up after 60 s");
	is_int(q("SELECT started_at - 1795689015000 FROM conversation"), 0,
	    "started at the first message");
	is_int(q("SELECT last_message_at - first_message_at FROM conversation"),
	    80000, "last non-system message 80 s later");
	is_int(q("SELECT last_activity_at - 1795689015000 FROM conversation"),
	    80000, "last activity");
	is_int(q("SELECT first_seen - 1795689015000 FROM user"
	    " WHERE token = 'u1'"), 0, "user first seen");

	is_int(import(&res, st, chat, 7), 0, "the same import again");
	is_int(res.conversations_new + res.conversations_updated +
	    res.messages_new, 0, "changes nothing");
	is_int(q("SELECT count(*) FROM message"), 7, "still seven messages");

	is_int(import(&res, st, chat, 8), 0, "a longer export");
	is_int(res.messages_new, 1, "adds the third 'ok' only");
	is_int(res.conversations_updated, 1, "and updates the conversation");
	is_int(q("SELECT n_user FROM conversation"), 5, "five user messages");
	convo_store_close(st);
}

int
main(void)
{
	snprintf(dbpath, sizeof(dbpath), "tests/tmp/test_store.%ld.db",
	    (long)getpid());
	unlink(dbpath);
	test_open();
	test_import();
	unlink(dbpath);
	return done_testing();
}
