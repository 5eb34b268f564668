/*
 * gate.c: convo-stats as a CI gate.  Reads checks ("handover_rate <=
 * 15%"), evaluates them on the figures, and compares figures with a
 * baseline report in the direction each figure should move
 * (store_kpi.c).  --min-sample lets a figure whose denominator is too
 * small pass with a note instead of failing on noise.  No SQL.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convo.h"

static const struct {
	const char *text;
	enum convo_check_op op;
} ops[] = {
	/* Two-character operators first, so "<=" is not read as "<". */
	{ "<=", CONVO_CHECK_LE }, { ">=", CONVO_CHECK_GE },
	{ "==", CONVO_CHECK_EQ }, { "!=", CONVO_CHECK_NE },
	{ "<", CONVO_CHECK_LT }, { ">", CONVO_CHECK_GT }
};

#define N_OPS (sizeof(ops) / sizeof(ops[0]))

static const char *
op_text(enum convo_check_op op)
{
	size_t i;

	for (i = 0; i < N_OPS; i++)
		if (ops[i].op == op)
			return ops[i].text;
	return "?";
}

int
convo_share_parse(double *out, const char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(*out))
		return -1;
	if (*end == '%') {
		*out /= 100;
		end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' ? 0 : -1;
}

int
convo_check_parse(struct convo_check *out, char *err, size_t errlen,
    const char *expr)
{
	const char *p = expr, *name;
	char figure[64];
	size_t len, i;
	int kpi;

	while (isspace((unsigned char)*p))
		p++;
	for (name = p; isalnum((unsigned char)*p) || *p == '_'; p++)
		;
	len = (size_t)(p - name);
	while (isspace((unsigned char)*p))
		p++;
	for (i = 0; i < N_OPS; i++)
		if (strncmp(p, ops[i].text, strlen(ops[i].text)) == 0)
			break;
	if (len == 0 || len >= sizeof(figure) || i == N_OPS ||
	    convo_share_parse(&out->value, p + strlen(ops[i].text)) != 0) {
		snprintf(err, errlen, "invalid check '%s' (expected FIGURE OP "
		    "NUMBER, OP one of < <= > >= == !=)", expr);
		return CONVO_EUSAGE;
	}
	memcpy(figure, name, len);
	figure[len] = '\0';
	if ((kpi = convo_kpi_find(figure)) < 0) {
		snprintf(err, errlen, "unknown figure '%s' in check '%s'",
		    figure, expr);
		return CONVO_EUSAGE;
	}
	out->kpi = (size_t)kpi;
	out->op = ops[i].op;
	return 0;
}

/*
 * Compares to 9 significant digits, so that a rate computed as 27/127
 * equals the 0.212598425 written in a check or a saved report.
 */
static int
compare(double a, enum convo_check_op op, double b)
{
	double eps = 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
	int eq = fabs(a - b) <= eps;

	switch (op) {
	case CONVO_CHECK_LT:
		return a < b && !eq;
	case CONVO_CHECK_LE:
		return a < b || eq;
	case CONVO_CHECK_GT:
		return a > b && !eq;
	case CONVO_CHECK_GE:
		return a > b || eq;
	case CONVO_CHECK_EQ:
		return eq;
	default:
		return !eq;
	}
}

/* Whether f rests on fewer than min_sample cases. */
static int
too_small(const struct convo_figure *f, double min_sample)
{
	return !isnan(f->den) && f->den < min_sample;
}

/*
 * "is 0.213, 27 of 127" (a share), "is 3.5, 7 / 2" (another quotient),
 * "is 30, from 5 values" (a median), "is 42", "is null, 0 of 0".
 */
static void
is_text(char *buf, size_t size, const struct convo_figure *f, size_t kpi)
{
	enum convo_unit u = convo_kpi_at(kpi)->unit;
	char v[40];

	if (f->is_null || isnan(f->value))
		snprintf(v, sizeof(v), "null");
	else if (u == CONVO_UNIT_COUNT || fabs(f->value) >= 1000)
		snprintf(v, sizeof(v), "%.0f", f->value);
	else
		snprintf(v, sizeof(v), "%.3g", f->value);
	if (isnan(f->den))
		snprintf(buf, size, "is %s", v);
	else if (isnan(f->num))
		snprintf(buf, size, "is %s, from %.15g values", v, f->den);
	else
		snprintf(buf, size, "is %s, %.15g %s %.15g", v, f->num,
		    u == CONVO_UNIT_SHARE ? "of" : "/", f->den);
}

enum convo_verdict
convo_check_eval(char *msg, size_t msglen, const struct convo_check *c,
    const struct convo_figure *f, double min_sample)
{
	const char *name = convo_kpi_at(c->kpi)->name;
	char is[96];

	msg[0] = '\0';
	is_text(is, sizeof(is), f, c->kpi);
	if (too_small(f, min_sample)) {
		snprintf(msg, msglen, "%s %s %.10g: not enough data (%s; "
		    "minimum sample %.15g)", name, op_text(c->op), c->value, is,
		    min_sample);
		return CONVO_VERDICT_NO_DATA;
	}
	if (!f->is_null && !isnan(f->value) &&
	    compare(f->value, c->op, c->value))
		return CONVO_VERDICT_PASS;
	snprintf(msg, msglen, "%s %s %.10g (%s)", name, op_text(c->op),
	    c->value, is);
	return CONVO_VERDICT_FAIL;
}

enum convo_verdict
convo_baseline_eval(char *msg, size_t msglen, size_t kpi,
    const struct convo_figure *cur, const struct convo_figure *base,
    double tolerance, double min_sample)
{
	const struct convo_kpi *k = convo_kpi_at(kpi);
	double now = cur->value, was = base->value, worse;
	char is[96];

	msg[0] = '\0';
	if (k->direction == CONVO_DIR_NEUTRAL || cur->is_null ||
	    base->is_null || isnan(now) || isnan(was))
		return CONVO_VERDICT_PASS;
	is_text(is, sizeof(is), cur, kpi);
	if (too_small(cur, min_sample)) {
		snprintf(msg, msglen, "%s: not enough data (%s; minimum "
		    "sample %.15g)", k->name, is, min_sample);
		return CONVO_VERDICT_NO_DATA;
	}
	/* How far it moved the wrong way, as a share of the baseline. */
	worse = k->direction == CONVO_DIR_HIGHER ? was - now : now - was;
	if (compare(worse, CONVO_CHECK_LE, 0) ||
	    (was != 0 && compare(worse / fabs(was), CONVO_CHECK_LE,
	    tolerance)))
		return CONVO_VERDICT_PASS;
	snprintf(msg, msglen, "%s %s from %.4g to %.4g (%s; %s is better, "
	    "tolerance %.10g%%)", k->name, now > was ? "rose" : "fell", was,
	    now, is, k->direction == CONVO_DIR_HIGHER ? "higher" : "lower",
	    tolerance * 100);
	return CONVO_VERDICT_FAIL;
}

size_t
convo_gates_run(const struct convo_gates *g, const struct convo_figure *f,
    convo_gate_fn fn, void *ctx)
{
	enum convo_verdict v;
	size_t i, failed = 0;
	char msg[512];

	for (i = 0; i < g->n_checks; i++) {
		v = convo_check_eval(msg, sizeof(msg), &g->checks[i],
		    &f[g->checks[i].kpi], g->min_sample);
		if (v != CONVO_VERDICT_PASS)
			fn(ctx, "check", v, msg);
		failed += v == CONVO_VERDICT_FAIL;
	}
	for (i = 0; g->baseline != NULL && i < convo_kpi_count(); i++) {
		v = convo_baseline_eval(msg, sizeof(msg), i, &f[i],
		    &g->baseline[i], g->tolerance, g->min_sample);
		if (v != CONVO_VERDICT_PASS)
			fn(ctx, "baseline", v, msg);
		failed += v == CONVO_VERDICT_FAIL;
	}
	return failed;
}
