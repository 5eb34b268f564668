/*
 * test_import.c: an import parses in one thread and stores in another,
 * or does both in one (opt.threads): each file of testdata/ and a
 * generated export bigger than the queue between the two threads give
 * the same database either way, and the same result counts.
 */
#include "convo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define NOW INT64_C(1795689015000)	/* 2026-11-26T10:30:15Z */

static struct convo_rules *rules;
static char db1[256], db0[256], gen[256];	/* in tests/tmp */

static void
quiet(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	(void)d;
}

/* Imports path into the database at db; returns the status. */
static int
import(const char *db, const char *path, int threads, int skip_bad,
    struct convo_import_result *res)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct convo_store *st;
	char err[512];
	FILE *fp;
	int rc;

	if (convo_store_open(&st, err, sizeof(err), db, CONVO_OPEN_WRITE,
	    1000) != 0)
		return -1;
	if ((fp = fopen(path, "r")) == NULL) {
		convo_store_close(st);
		return -1;
	}
	opt.rules = rules;
	opt.now = NOW;
	opt.diag = quiet;
	opt.skip_bad = skip_bad;
	opt.threads = threads;
	rc = convo_import_file(res, st, fp, path, &opt);
	fclose(fp);
	convo_store_close(st);
	return rc;
}

/* Every table's rows, in order, as text: what must not differ. */
static char *
dump(const char *db)
{
	static const char *const sql[] = {
		"SELECT * FROM conversation ORDER BY id",
		"SELECT * FROM message ORDER BY id",
		"SELECT * FROM user ORDER BY id",
		"SELECT * FROM event ORDER BY id",
		"SELECT * FROM lead ORDER BY id",
		"SELECT * FROM variable ORDER BY conversation_id, name",
		"SELECT * FROM import ORDER BY id"
	};
	sqlite3 *h;
	sqlite3_stmt *s;
	char *out = NULL, *grown;
	size_t len = 0, cap = 0, i, n;
	const unsigned char *v;
	int c;

	if (sqlite3_open(db, &h) != SQLITE_OK)
		return NULL;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (sqlite3_prepare_v2(h, sql[i], -1, &s, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(s) == SQLITE_ROW)
			for (c = 0; c < sqlite3_column_count(s); c++) {
				v = sqlite3_column_text(s, c);
				n = v ? strlen((const char *)v) : 4;
				if (len + n + 2 > cap) {
					cap = 2 * (len + n + 2);
					if ((grown = realloc(out, cap)) == NULL)
						break;
					out = grown;
				}
				memcpy(out + len, v ? (const char *)v : "NULL",
				    n);
				len += n;
				out[len++] = c + 1 < sqlite3_column_count(s) ?
				    '|' : '\n';
				out[len] = '\0';
			}
		sqlite3_finalize(s);
	}
	sqlite3_close(h);
	/* (A database left empty by a failed import dumps as "".) */
	return out != NULL ? out : calloc(1, 1);
}

/* path, imported with and without the second thread, twice each. */
static void
same_both_ways(const char *path, int skip_bad)
{
	struct convo_import_result r1, r0;
	char name[300];
	char *d1, *d0;
	int rc1, rc0, i;

	unlink(db1);
	unlink(db0);
	for (i = 0; i < 2; i++) {
		rc1 = import(db1, path, 1, skip_bad, &r1);
		rc0 = import(db0, path, 0, skip_bad, &r0);
	}
	d1 = dump(db1);
	d0 = dump(db0);
	snprintf(name, sizeof(name), "%s%s: same status, counts and rows",
	    path, skip_bad ? " (skip_bad)" : "");
	/* (-1: the file or the database would not open.) */
	ok(rc1 != -1 && rc1 == rc0 && r1.records == r0.records &&
	    r1.skipped == r0.skipped && r1.messages_new == r0.messages_new &&
	    d1 != NULL && d0 != NULL && strcmp(d1, d0) == 0, name);
	if (rc1 != rc0 || r1.records != r0.records ||
	    r1.skipped != r0.skipped || r1.messages_new != r0.messages_new)
		printf("#   status %d/%d, records %ld/%ld, skipped %ld/%ld,"
		    " new messages %ld/%ld (threaded/not)\n", rc1, rc0,
		    r1.records, r0.records, r1.skipped, r0.skipped,
		    r1.messages_new, r0.messages_new);
	free(d1);
	free(d0);
	unlink(db1);
	unlink(db0);
}

/*
 * Thousands of conversations as JSON Lines, some text long, so that the
 * queue fills up and the parser waits for the store; one message is
 * longer than a batch.
 */
static int
generate(const char *path, int n)
{
	FILE *fp;
	int i, j;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		fprintf(fp, "{\"id\":\"g%d\",\"user\":\"u%d\",\"messages\":[", i,
		    i % 97);
		for (j = 0; j < 6; j++)
			fprintf(fp, "%s{\"ts\":%d,\"role\":\"%s\",\"text\":"
			    "\"%s %d %*s\"}", j ? "," : "",
			    1795689015 + i * 60 + j, j % 2 ? "assistant" :
			    "user", j == 3 ? "Sorry, I didn't understand" :
			    j == 4 ? "talk to a human" : "hello", i,
			    i == 1500 && j == 0 ? 300000 :
			    i % 50 == 0 ? 20000 : 1, "x");
		fprintf(fp, "]}\n");
	}
	return fclose(fp);
}

int
main(void)
{
	static const char *const files[] = {
		"json/good-array.json", "json/good-lines.json",
		"json/bad-fields.json", "json/bad-truncated.json",
		"events/good-stream.jsonl", "events/bad-stream.jsonl",
		"csv/good-support.csv", "csv/bad-values.csv",
		"text/good-multi.txt", "sample/shop-assistant.json",
		"sample/live-events.jsonl", "sample/support-export.csv",
		"sample/2026-11-21-whatsapp-4411.txt"
	};
	char path[512];
	const char *text = convo_rules_default_text();
	size_t i;

	snprintf(db1, sizeof(db1), "tests/tmp/test_import.%ld.1.db",
	    (long)getpid());
	snprintf(db0, sizeof(db0), "tests/tmp/test_import.%ld.0.db",
	    (long)getpid());
	snprintf(gen, sizeof(gen), "tests/tmp/test_import.%ld.jsonl",
	    (long)getpid());
	if (convo_rules_new(&rules, text, strlen(text), "default", quiet,
	    NULL) != 0) {
		printf("Bail out! the default rules do not load\n");
		return 1;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "testdata/%s", files[i]);
		same_both_ways(path, 0);
		same_both_ways(path, 1);
	}
	ok(generate(gen, 3000) == 0, "3,000 generated");
	same_both_ways(gen, 0);
	unlink(gen);
	convo_rules_free(rules);
	return done_testing();
}
