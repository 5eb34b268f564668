/*
 * fuzz_import.c: libFuzzer harness for the whole import of one input --
 * format detection, the parser, the default rules and redaction, the
 * store's writes and rollups -- into a private in-memory database, once
 * all-or-nothing and once with skip_bad, then a second time to exercise
 * re-import.  Whatever the input, the import must end with success or
 * CONVO_EDATA, not another status, a crash, a leak or a sanitizer
 * report; an all-or-nothing import that fails leaves no conversation
 * behind; and importing the same export again adds no conversation and
 * no message and leaves every figure (convo_kpi_compute over all) as it
 * was (model.md, "Identity, re-import and updates").
 */
#include "convo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "Now" for the import log and the figures: 2026-11-20T10:30:15Z. */
#define NOW INT64_C(1795170615000)

static void
quiet(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	(void)d;
}

static int
import(struct convo_import_result *res, struct convo_store *st,
    const uint8_t *data, size_t size, const struct convo_rules *rules,
    int skip_bad)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	FILE *fp;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return -1;
	opt.rules = rules;
	opt.skip_bad = skip_bad;
	opt.redact = skip_bad;
	opt.now = NOW;
	opt.session_gap_ms = 30 * 60 * 1000;
	opt.diag = quiet;
	/* Parsing and storing in one thread, then in two. */
	opt.threads = skip_bad;
	rc = convo_import_file(res, st, fp, "2026-11-20-fuzz.txt", &opt);
	fclose(fp);
	/* Bad data is refused with a status; anything else is a bug. */
	if (rc != 0 && rc != CONVO_EDATA)
		abort();
	if (res->conversations_new < 0 || res->messages_new < 0 ||
	    res->conversations_updated < 0 || res->skipped < 0 ||
	    res->records < 0)
		abort();
	return rc;
}

/* Every figure over everything stored, test traffic included. */
static void
figures(struct convo_figure *f, struct convo_store *st)
{
	struct convo_query q = CONVO_QUERY_INIT;

	q.include_test = 1;
	q.now = NOW;
	if (convo_kpi_compute(f, st, &q) != 0)
		abort();
}

static int
same_number(double a, double b)
{
	return isnan(a) ? isnan(b) : a == b;
}

static void
check_same(const struct convo_figure *a, const struct convo_figure *b)
{
	size_t i;

	for (i = 0; i < convo_kpi_count(); i++)
		if (a[i].is_null != b[i].is_null ||
		    !same_number(a[i].value, b[i].value) ||
		    !same_number(a[i].num, b[i].num) ||
		    !same_number(a[i].den, b[i].den))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct convo_rules *rules;
	struct convo_figure *before, *after;
	struct convo_import_result res;
	struct convo_store *st;
	const char *text;
	char err[256];
	int conv;

	/* fmemopen() refuses an empty buffer. */
	if (size == 0)
		return 0;
	if (rules == NULL) {
		text = convo_rules_default_text();
		if (convo_rules_new(&rules, text, strlen(text), "default",
		    quiet, NULL) != 0)
			return 0;
	}
	if (convo_store_open(&st, err, sizeof(err), ":memory:",
	    CONVO_OPEN_MEMORY, 0) != 0)
		return 0;
	before = calloc(convo_kpi_count(), sizeof(*before));
	after = calloc(convo_kpi_count(), sizeof(*after));
	if (before == NULL || after == NULL)
		abort();
	conv = convo_kpi_find("conversations");

	/* All or nothing: refused, it leaves nothing behind. */
	if (import(&res, st, data, size, rules, 0) != 0) {
		figures(after, st);
		if (after[conv].value != 0)
			abort();
	}
	(void)import(&res, st, data, size, rules, 1);
	/* The same export again changes nothing. */
	figures(before, st);
	(void)import(&res, st, data, size, rules, 1);
	if (res.conversations_new != 0 || res.messages_new != 0)
		abort();
	figures(after, st);
	check_same(before, after);
	free(before);
	free(after);
	convo_store_close(st);
	return 0;
}
