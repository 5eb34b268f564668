/*
 * fuzz_import.c: libFuzzer harness for the whole import of one input --
 * format detection, the parser, the default rules and redaction, the
 * store's writes and rollups -- into a private in-memory database, once
 * all-or-nothing and once with skip_bad, then a second time to exercise
 * re-import.  Whatever the input, the import must end with a status, not
 * a crash, a leak or a sanitizer report.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	(void)d;
}

static void
import(struct convo_store *st, const uint8_t *data, size_t size,
    const struct convo_rules *rules, int skip_bad)
{
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct convo_import_result res;
	FILE *fp;

	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return;
	opt.rules = rules;
	opt.skip_bad = skip_bad;
	opt.redact = skip_bad;
	opt.now = INT64_C(1795170615000);
	opt.session_gap_ms = 30 * 60 * 1000;
	opt.diag = quiet;
	/* Parsing and storing in one thread, then in two. */
	opt.threads = skip_bad;
	convo_import_file(&res, st, fp, "2026-11-20-fuzz.txt", &opt);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct convo_rules *rules;
	struct convo_store *st;
	const char *text;
	char err[256];

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
	import(st, data, size, rules, 0);
	import(st, data, size, rules, 1);
	import(st, data, size, rules, 1);
	convo_store_close(st);
	return 0;
}
