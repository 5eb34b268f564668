/*
 * fuzz.h: what the parser fuzz harnesses share.  fuzz_parse() runs a
 * parser over the input twice -- stopping at the first error, then with
 * skip_bad, a dated file name, a short session gap and the default rules
 * (which the adapters ask about handovers) -- into a sink that
 * reads every string it is handed and aborts when a record breaks what
 * records promise, so a dangling pointer or a bad record shows at once.
 * Included once by each tests/fuzz/fuzz_<parser>.c.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
fuzz_touch(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

static int
fuzz_sink(void *ctx, const struct convo_rec *r)
{
	size_t *n = ctx;

	if (r->conv_id == NULL || *r->conv_id == '\0')
		abort();
	if (r->kind == CONVO_REC_MSG && (r->msg.role == CONVO_ROLE_NONE ||
	    r->msg.ts < CONVO_TIME_MIN || r->msg.ts >= CONVO_TIME_MAX ||
	    (r->msg.text != NULL && strlen(r->msg.text) != r->msg.text_len)))
		abort();
	if (r->kind == CONVO_REC_CSAT && (r->csat < 1 || r->csat > 5))
		abort();
	*n += fuzz_touch(r->conv_id) + fuzz_touch(r->source) +
	    fuzz_touch(r->conv.user) + fuzz_touch(r->conv.country) +
	    fuzz_touch(r->conv.status) + fuzz_touch(r->msg.text) +
	    fuzz_touch(r->msg.click_title) + fuzz_touch(r->msg.media_url) +
	    fuzz_touch(r->lead_email) + fuzz_touch(r->lead_phone) +
	    fuzz_touch(r->var_name) + fuzz_touch(r->var_value) +
	    fuzz_touch(r->var_source) + fuzz_touch(r->end_reason);
	return 0;
}

static void
fuzz_diag(void *ctx, const struct convo_diag *d)
{
	size_t *n = ctx;

	if (d->message == NULL || *d->message == '\0' || d->line < 0)
		abort();
	*n += strlen(d->message);
}

/* The default rules, compiled once; NULL if they do not compile. */
static const struct convo_rules *
fuzz_rules(void)
{
	static struct convo_rules *rules;
	static int tried;
	const char *text;

	if (!tried) {
		tried = 1;
		text = convo_rules_default_text();
		if (convo_rules_new(&rules, text, strlen(text), "default",
		    NULL, NULL) != 0)
			rules = NULL;
	}
	return rules;
}

static void
fuzz_run(const uint8_t *data, size_t size, int (*parse)(struct parser *),
    int skip_bad)
{
	struct reader *rd;
	struct convo_import_options opt = CONVO_IMPORT_OPTIONS_INIT;
	struct parser p;
	size_t n = 0;
	FILE *fp;

	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return;
	opt.rules = skip_bad ? fuzz_rules() : NULL;
	if (reader_new(&rd, fp) == 0) {
		memset(&p, 0, sizeof(p));
		p.rd = rd;
		p.file = "fuzz";
		p.path_hint = skip_bad ? "2026-11-20-fuzz.txt" : NULL;
		p.skip_bad = skip_bad;
		p.date = CONVO_TIME_NONE;
		/* A short gap on the second run, so threads are cut. */
		p.session_gap_ms = skip_bad ? 30 * 60 * 1000 : 0;
		p.opt = &opt;
		p.sink = fuzz_sink;
		p.sink_ctx = &n;
		p.diag = fuzz_diag;
		p.diag_ctx = &n;
		/* Without skip_bad, success means no record was bad. */
		if (parse(&p) == 0 && p.n_bad > 0 && !skip_bad)
			abort();
		reader_free(rd);
	}
	fclose(fp);
}

/* Runs the sniffer, then the parser twice. */
static int
fuzz_parse(const uint8_t *data, size_t size, int (*parse)(struct parser *),
    int (*sniff)(const char *, size_t))
{
	size_t i = 0;

	/* fmemopen() refuses an empty buffer. */
	if (size == 0)
		return 0;
	while (i < size && strchr(" \t\r\n", data[i]) != NULL && data[i] != 0)
		i++;
	if (sniff != NULL && i < size)
		sniff((const char *)data + i, size - i);
	fuzz_run(data, size, parse, 0);
	fuzz_run(data, size, parse, 1);
	return 0;
}

#endif /* FUZZ_H */
