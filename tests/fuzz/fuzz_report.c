/*
 * fuzz_report.c: libFuzzer harness for the reader of saved reports that
 * --baseline compares with (lib/parse_report.c, convo_report_read).
 *
 * The input is read as a report.  It fails only as bad data, with a
 * reason that is a line and column in the input for malformed JSON.
 * When it is read, every figure is checked against the input parsed
 * apart with cJSON: a figure is its number in "figures", else null, and
 * num, den, low and high come from its object in "detail".
 */
#include "convo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The number called name in obj, or NAN. */
static double
number(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Both NAN, or equal. */
static int
same(double a, double b)
{
	return isnan(a) ? isnan(b) : a == b;
}

/* The figures read must be those of the input. */
static void
check_figures(const struct convo_figure *out, const uint8_t *data,
    size_t size)
{
	const cJSON *figs, *detail, *d;
	const struct convo_kpi *k;
	double v;
	cJSON *root;
	size_t i;

	if ((root = cJSON_ParseWithLength((const char *)data, size)) == NULL)
		abort();
	figs = cJSON_GetObjectItemCaseSensitive(root, "figures");
	detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	if (!cJSON_IsObject(figs))
		abort();
	for (i = 0; i < convo_kpi_count(); i++) {
		if ((k = convo_kpi_at(i)) == NULL || k->name == NULL)
			abort();
		v = number(figs, k->name);
		if (out[i].is_null != isnan(v) || !same(out[i].value, v))
			abort();
		d = cJSON_GetObjectItemCaseSensitive(detail, k->name);
		if (cJSON_IsObject(d)) {
			if (!same(out[i].num, number(d, "num")) ||
			    !same(out[i].den, number(d, "den")) ||
			    !same(out[i].low, number(d, "low")) ||
			    !same(out[i].high, number(d, "high")))
				abort();
		} else if (!same(out[i].num, v) || !isnan(out[i].den) ||
		    !isnan(out[i].low) || !isnan(out[i].high))
			abort();
	}
	cJSON_Delete(root);
}

/* An error says why, and malformed JSON says where: "LINE:COL: ...". */
static void
check_error(const char *err, size_t errlen, const uint8_t *data,
    size_t size)
{
	long line, col, lines = 1;
	size_t i, n;

	n = strnlen(err, errlen);
	if (n == 0 || n == errlen)
		abort();
	if (err[0] < '0' || err[0] > '9')
		return;
	if (sscanf(err, "%ld:%ld: ", &line, &col) != 2)
		abort();
	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (line < 1 || line > lines || col < 1 || col > (long)size + 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convo_figure *out;
	char err[256];
	FILE *fp;
	size_t n = convo_kpi_count();
	int rc;

	/* fmemopen() refuses an empty buffer. */
	if (size == 0)
		return 0;
	if ((out = calloc(n, sizeof(*out))) == NULL)
		return 0;
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL) {
		free(out);
		return 0;
	}
	memset(err, 'x', sizeof(err));
	rc = convo_report_read(out, err, sizeof(err), fp);
	fclose(fp);
	if (rc == 0)
		check_figures(out, data, size);
	else if (rc == CONVO_EDATA)
		check_error(err, sizeof(err), data, size);
	else
		abort();
	free(out);
	return 0;
}
