/*
 * fuzz_gate.c: libFuzzer harness for the gates of convo-stats (lib/gate.c):
 * --check expressions, the shares --tolerance and --check take, and the
 * verdicts on figures and a baseline.
 *
 * The input: check expressions separated by ';' up to the first NUL;
 * after it, bytes read as doubles (8 at a time, then zeros): the
 * minimum sample, the tolerance, a byte that sets the message size, then
 * for each figure a flags byte (bit 0 null now, bit 1 null in the
 * baseline) and its value, numerator and denominator now and in the
 * baseline.  NaN and infinities are allowed: a saved report can hold
 * 1e999.
 *
 * Checked:
 *   - convo_share_parse: a number read is finite and reads back the
 *     same from "%.17g" (unless subnormal);
 *   - convo_check_parse: a check read names a figure by its own name
 *     and reads back the same from "NAME OP %.17g"; a bad one says why
 *     in err, cut to its size and quoting the expression;
 *   - convo_check_eval: a verdict, a message that fits msglen and says
 *     something unless the check passed; with data, the opposite
 *     operator gives the opposite verdict;
 *   - convo_baseline_eval: neutral figures and nulls pass;
 *   - convo_gates_run: its count is the failures it reported.
 */
#include "convo.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CHECKS 8

/* The bytes after the expressions, read in order. */
struct tail {
	const uint8_t *p, *end;
};

static double
next_double(struct tail *t)
{
	double v = 0;

	if (t->end - t->p >= (ptrdiff_t)sizeof(v)) {
		memcpy(&v, t->p, sizeof(v));
		t->p += sizeof(v);
	} else
		t->p = t->end;
	return v;
}

static unsigned
next_byte(struct tail *t)
{
	return t->p < t->end ? *t->p++ : 0;
}

/* The message a verdict leaves: within msglen, empty when it passed. */
static void
check_msg(const char *msg, size_t msglen, enum convo_verdict v)
{
	size_t n = strnlen(msg, msglen);

	if (n == msglen)
		abort();
	if (v != CONVO_VERDICT_PASS && v != CONVO_VERDICT_FAIL &&
	    v != CONVO_VERDICT_NO_DATA)
		abort();
	if ((v == CONVO_VERDICT_PASS) != (n == 0) && msglen > 1)
		abort();
}

/*
 * Whether "%.17g" of v reads back: not when it is subnormal, which
 * strtod flags as a range error and the parser refuses.
 */
static int
prints_back(double v)
{
	return v == 0 || fabs(v) >= DBL_MIN;
}

static void
check_share(const char *s)
{
	char text[64];
	double v, back;

	if (convo_share_parse(&v, s) != 0)
		return;
	if (!isfinite(v))
		abort();
	if (!prints_back(v))
		return;
	snprintf(text, sizeof(text), " %.17g ", v);
	if (convo_share_parse(&back, text) != 0 || back != v)
		abort();
}

/* Parses one expression; returns whether it was a check. */
static int
check_parse(struct convo_check *c, const char *expr, size_t errlen)
{
	static const char *const ops[] = { "<", "<=", ">", ">=", "==", "!=" };
	struct convo_check back;
	char err[512], text[160];
	const struct convo_kpi *k;
	size_t n;

	memset(err, 'x', sizeof(err));
	if (convo_check_parse(c, err, errlen, expr) != 0) {
		n = strnlen(err, errlen);
		if (n == errlen || (errlen > 16 && n == 0))
			abort();
		/* The reason quotes the check, unless it had to be cut. */
		if (n + 1 < errlen && strstr(err, expr) == NULL)
			abort();
		return 0;
	}
	if ((k = convo_kpi_at(c->kpi)) == NULL || !isfinite(c->value) ||
	    (unsigned)c->op > CONVO_CHECK_NE)
		abort();
	if (!prints_back(c->value))
		return 1;
	snprintf(text, sizeof(text), "%s%s%.17g", k->name, ops[c->op],
	    c->value);
	if (convo_check_parse(&back, err, sizeof(err), text) != 0 ||
	    back.kpi != c->kpi || back.op != c->op || back.value != c->value)
		abort();
	return 1;
}

/* The operator that holds exactly when op does not. */
static enum convo_check_op
opposite(enum convo_check_op op)
{
	static const enum convo_check_op opp[] = { CONVO_CHECK_GE,
	    CONVO_CHECK_GT, CONVO_CHECK_LE, CONVO_CHECK_LT, CONVO_CHECK_NE,
	    CONVO_CHECK_EQ };

	return opp[op];
}

static void
check_eval(const struct convo_check *c, const struct convo_figure *f,
    double min_sample, size_t msglen)
{
	struct convo_check o = *c;
	enum convo_verdict v, w;
	char msg[600];

	memset(msg, 'x', sizeof(msg));
	v = convo_check_eval(msg, msglen, c, f, min_sample);
	check_msg(msg, msglen, v);
	o.op = opposite(c->op);
	w = convo_check_eval(msg, sizeof(msg), &o, f, min_sample);
	check_msg(msg, sizeof(msg), w);
	if (v == CONVO_VERDICT_NO_DATA) {
		if (w != CONVO_VERDICT_NO_DATA)
			abort();
	} else if (f->is_null || isnan(f->value)) {
		if (v != CONVO_VERDICT_FAIL || w != CONVO_VERDICT_FAIL)
			abort();
	} else if (isfinite(f->value) && (v == CONVO_VERDICT_PASS) ==
	    (w == CONVO_VERDICT_PASS))
		abort();
}

/* Counts what convo_gates_run reports. */
static void
count_gate(void *ctx, const char *what, enum convo_verdict v,
    const char *msg)
{
	size_t *failed = ctx;

	if (strcmp(what, "check") != 0 && strcmp(what, "baseline") != 0)
		abort();
	if (v == CONVO_VERDICT_PASS || msg == NULL || *msg == '\0')
		abort();
	*failed += v == CONVO_VERDICT_FAIL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convo_check checks[MAX_CHECKS], *c;
	struct convo_figure *cur, *base;
	struct convo_gates g;
	struct tail t;
	const struct convo_kpi *k;
	char *text, *expr, *semi, msg[600];
	size_t i, n = convo_kpi_count(), n_checks = 0, msglen, failed = 0;
	const uint8_t *nul;
	unsigned flags;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nul = memchr(data, '\0', size);
	t.p = nul != NULL ? nul + 1 : data + size;
	t.end = data + size;
	g.min_sample = next_double(&t);
	g.tolerance = next_double(&t);
	msglen = 1 + next_byte(&t) * 2;
	cur = calloc(n, sizeof(*cur));
	base = calloc(n, sizeof(*base));
	if (cur == NULL || base == NULL)
		abort();
	for (i = 0; i < n; i++) {
		flags = next_byte(&t);
		cur[i].is_null = flags & 1;
		cur[i].value = next_double(&t);
		cur[i].num = next_double(&t);
		cur[i].den = next_double(&t);
		cur[i].low = cur[i].high = NAN;
		base[i].is_null = flags >> 1 & 1;
		base[i].value = next_double(&t);
		base[i].num = base[i].den = NAN;
		base[i].low = base[i].high = NAN;
	}
	for (expr = text; expr != NULL; expr = semi) {
		if ((semi = strchr(expr, ';')) != NULL)
			*semi++ = '\0';
		check_share(expr);
		if (n_checks < MAX_CHECKS && check_parse(&checks[n_checks],
		    expr, msglen)) {
			c = &checks[n_checks++];
			check_eval(c, &cur[c->kpi], g.min_sample, msglen);
		}
	}
	for (i = 0; i < n; i++) {
		enum convo_verdict v;

		k = convo_kpi_at(i);
		memset(msg, 'x', sizeof(msg));
		v = convo_baseline_eval(msg, msglen, i, &cur[i], &base[i],
		    g.tolerance, g.min_sample);
		check_msg(msg, msglen, v);
		if ((k->direction == CONVO_DIR_NEUTRAL || cur[i].is_null ||
		    base[i].is_null) && v != CONVO_VERDICT_PASS)
			abort();
	}
	g.checks = checks;
	g.n_checks = n_checks;
	g.baseline = base;
	if (convo_gates_run(&g, cur, count_gate, &failed) != failed)
		abort();
	free(cur);
	free(base);
	free(text);
	return 0;
}
