/*
 * fuzz_csv.c: libFuzzer harness for the CSV parser and its sniffer.  The
 * parser runs over the input twice, stopping at the first error and with
 * skip_bad, into a sink that checks what every record must hold.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(void *ctx, const struct convo_rec *rec)
{
	(void)ctx;
	if (rec->conv_id == NULL || *rec->conv_id == '\0')
		abort();
	if (rec->kind == CONVO_REC_MSG && (rec->msg.ts == CONVO_TIME_NONE ||
	    rec->msg.role == CONVO_ROLE_NONE || (rec->msg.text != NULL &&
	    strlen(rec->msg.text) != rec->msg.text_len)))
		abort();
	return 0;
}

static void
diag(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	if (d->message == NULL || *d->message == '\0' || d->line < 0)
		abort();
}

static void
run(const uint8_t *data, size_t size, int skip_bad)
{
	struct reader *rd;
	struct parser p;
	FILE *fp;

	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		return;
	if (reader_new(&rd, fp) == 0) {
		memset(&p, 0, sizeof(p));
		p.rd = rd;
		p.file = "fuzz.csv";
		p.path_hint = "fuzz.csv";
		p.skip_bad = skip_bad;
		p.date = CONVO_TIME_NONE;
		p.sink = sink;
		p.diag = diag;
		parse_csv(&p);
		reader_free(rd);
	}
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen() refuses an empty buffer. */
	if (size == 0)
		return 0;
	parse_csv_sniff((const char *)data, size);
	run(data, size, 0);
	run(data, size, 1);
	return 0;
}
