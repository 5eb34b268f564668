/*
 * parse_report.c: reads back a report that convo-stats --json wrote, for
 * --baseline: the "figures" object (name -> number or null) and the
 * numerators and denominators of its "detail".  Figures the report
 * lacks (it was written by an older version) are null, and names this
 * version does not know are ignored: names only ever grow.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"

/* A baseline is a page of numbers; more than this is not one. */
#define REPORT_MAX (64u << 20)

/* Reads all of fp into a new buffer; *len is its size. */
static int
slurp(char **out, size_t *len, FILE *fp)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	*out = NULL;
	buf_init(&b, REPORT_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&b, chunk, n) != 0) {
			buf_release(&b);
			return CONVO_EDATA;
		}
	if (ferror(fp)) {
		buf_release(&b);
		return CONVO_EIO;
	}
	*len = b.len;
	*out = buf_detach(&b);
	if (*out == NULL && (*out = calloc(1, 1)) == NULL)
		return CONVO_ENOMEM;
	return 0;
}

static double
number(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Fills out from the "figures" and "detail" objects of root. */
static void
figures(struct convo_figure *out, const cJSON *root)
{
	const cJSON *figs = cJSON_GetObjectItemCaseSensitive(root, "figures");
	const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	const cJSON *d;
	const char *name;
	size_t i;

	for (i = 0; i < convo_kpi_count(); i++) {
		name = convo_kpi_at(i)->name;
		out[i].value = number(figs, name);
		out[i].is_null = isnan(out[i].value);
		out[i].num = out[i].value;
		out[i].den = out[i].low = out[i].high = NAN;
		d = cJSON_GetObjectItemCaseSensitive(detail, name);
		if (cJSON_IsObject(d)) {
			out[i].num = number(d, "num");
			out[i].den = number(d, "den");
			out[i].low = number(d, "low");
			out[i].high = number(d, "high");
		}
	}
}

int
convo_report_read(struct convo_figure *out, char *err, size_t errlen,
    FILE *fp)
{
	struct json_error je;
	cJSON *root;
	size_t len;
	long line, col;
	char *text;
	int rc;

	if ((rc = slurp(&text, &len, fp)) != 0) {
		snprintf(err, errlen, rc == CONVO_EDATA ? "larger than 64 MiB" :
		    rc == CONVO_EIO ? "cannot read it" : "out of memory");
		return rc;
	}
	root = json_parse(&je, text, len, "report");
	if (root == NULL) {
		json_position(&line, &col, text, je.off, 1, 1);
		snprintf(err, errlen, "%ld:%ld: %s", line, col, je.msg);
		free(text);
		return CONVO_EDATA;
	}
	free(text);
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root,
	    "figures"))) {
		snprintf(err, errlen, "not a convo-stats --json report: no "
		    "\"figures\" object");
		cJSON_Delete(root);
		return CONVO_EDATA;
	}
	figures(out, root);
	cJSON_Delete(root);
	return 0;
}
