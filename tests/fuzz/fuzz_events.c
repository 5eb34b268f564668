/*
 * fuzz_events.c: libFuzzer harness for the event-stream parser
 * (lib/parse_events.c, lib/json.c).  The input is parsed twice, stopping
 * at the first error and with skip_bad, into a sink that reads every
 * string it is given and checks the invariants a record promises, so a
 * dangling pointer or a bad record shows at once.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
touch(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

static int
sink(void *ctx, const struct convo_rec *r)
{
	size_t *n = ctx;

	if (r->conv_id == NULL || *r->conv_id == '\0')
		abort();
	if (r->kind == CONVO_REC_MSG && (r->msg.role == CONVO_ROLE_NONE ||
	    r->msg.ts < CONVO_TIME_MIN || r->msg.ts >= CONVO_TIME_MAX))
		abort();
	if (r->kind == CONVO_REC_CSAT && (r->csat < 1 || r->csat > 5))
		abort();
	*n += touch(r->conv_id) + touch(r->source) + touch(r->conv.user) +
	    touch(r->conv.country) + touch(r->conv.status) +
	    touch(r->msg.text) + touch(r->msg.click_title) +
	    touch(r->msg.media_url) + touch(r->lead_email) +
	    touch(r->lead_phone) + touch(r->var_name) + touch(r->var_value) +
	    touch(r->var_source) + touch(r->end_reason);
	return 0;
}

static void
diag(void *ctx, const struct convo_diag *d)
{
	size_t *n = ctx;

	if (d->message == NULL || *d->message == '\0' || d->line < 0)
		abort();
	*n += strlen(d->message);
}

static void
run(const uint8_t *data, size_t size, int skip_bad)
{
	struct reader *rd;
	struct parser p;
	size_t n = 0;
	FILE *fp;

	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return;
	if (reader_new(&rd, fp) == 0) {
		memset(&p, 0, sizeof(p));
		p.rd = rd;
		p.file = "fuzz";
		p.skip_bad = skip_bad;
		p.date = CONVO_TIME_NONE;
		p.sink = sink;
		p.sink_ctx = &n;
		p.diag = diag;
		p.diag_ctx = &n;
		if (parse_events(&p) == 0 && p.n_bad > 0 && !skip_bad)
			abort();
		reader_free(rd);
	}
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	run(data, size, 0);
	run(data, size, 1);
	return 0;
}
