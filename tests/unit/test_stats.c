/*
 * test_stats.c: the arithmetic of lib/stats.c (sorting, percentiles by
 * linear interpolation, medians, Wilson intervals, changes in percent)
 * and the gates of lib/gate.c, against values worked out by hand or with
 * R (quantile(x, type = 7), prop.test without correction's Wilson
 * bounds).
 */
#include "convo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

/* Whether got is want to within 1e-6 (NAN equals NAN). */
#define near(got, want, name) do { \
	double g_ = (got), w_ = (want); \
	if (!tap_ok((isnan(g_) && isnan(w_)) || fabs(g_ - w_) < 1e-6, \
	    __FILE__, __LINE__, (name))) \
		printf("#   got %.9g, want %.9g\n", g_, w_); \
} while (0)

static void
test_percentiles(void)
{
	double v[] = { 610, 31, 300, 90, 125 };
	double even[] = { 63, 5 };
	double one[] = { 42 };
	double ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	convo_stats_sort(v, 5);
	ok(v[0] == 31 && v[1] == 90 && v[2] == 125 && v[3] == 300 &&
	    v[4] == 610, "sort orders ascending");
	near(convo_stats_median(v, 5), 125, "median of an odd sample: the "
	    "middle value");
	/* h = 4 * 0.9 = 3.6: 300 + 0.6 * (610 - 300) */
	near(convo_stats_percentile(v, 5, 0.9), 486, "p90 interpolates "
	    "between ranks 3 and 4");
	near(convo_stats_percentile(v, 5, 0), 31, "p0 is the minimum");
	near(convo_stats_percentile(v, 5, 1), 610, "p100 is the maximum");
	convo_stats_sort(even, 2);
	near(convo_stats_median(even, 2), 34, "median of an even sample: "
	    "the mean of the middle two");
	near(convo_stats_percentile(even, 2, 0.9), 57.2, "p90 of two values");
	near(convo_stats_median(one, 1), 42, "median of one value");
	near(convo_stats_percentile(one, 1, 0.9), 42, "p90 of one value");
	/* R: quantile(1:10, c(.25, .9), type = 7) is 3.25 and 9.1 */
	near(convo_stats_percentile(ten, 10, 0.25), 3.25, "p25 of 1..10 as R");
	near(convo_stats_percentile(ten, 10, 0.9), 9.1, "p90 of 1..10 as R");
	ok(isnan(convo_stats_median(NULL, 0)), "median of nothing is NAN");
	ok(isnan(convo_stats_percentile(NULL, 0, 0.9)),
	    "percentile of nothing is NAN");
}

static void
test_wilson(void)
{
	double lo, hi;

	convo_stats_wilson(&lo, &hi, 27, 127);
	near(lo, 0.150424717, "Wilson 27 of 127: low");
	near(hi, 0.291648150, "Wilson 27 of 127: high");
	convo_stats_wilson(&lo, &hi, 0, 10);
	near(lo, 0, "Wilson 0 of 10: low is 0");
	near(hi, 0.277532803, "Wilson 0 of 10: high is not 0");
	convo_stats_wilson(&lo, &hi, 10, 10);
	near(lo, 0.722467197, "Wilson 10 of 10: low is not 1");
	near(hi, 1, "Wilson 10 of 10: high is 1");
	convo_stats_wilson(&lo, &hi, 1, 2);
	near(lo, 0.094531205, "Wilson 1 of 2: low");
	near(hi, 0.905468795, "Wilson 1 of 2: high");
	convo_stats_wilson(&lo, &hi, 0, 0);
	ok(isnan(lo) && isnan(hi), "Wilson of 0 of 0 is NAN");
}

static void
test_change(void)
{
	near(convo_stats_change(9, 8), 12.5, "8 to 9 is +12.5%");
	near(convo_stats_change(6, 2), 200, "2 to 6 is +200%");
	near(convo_stats_change(0.5, 1), -50, "1 to 0.5 is -50%");
	near(convo_stats_change(-1, -2), 50, "-2 to -1 is +50% of |-2|");
	near(convo_stats_change(4, 4), 0, "no change is 0");
	ok(isnan(convo_stats_change(3, 0)), "from 0 there is no percentage");
	ok(isnan(convo_stats_change(NAN, 3)), "from a null there is none");
	ok(isnan(convo_stats_change(3, NAN)), "to a null there is none");
}

/* A figure num of den, as store_kpi.c sets a share. */
static struct convo_figure
share(double num, double den)
{
	struct convo_figure f = { den == 0, den ? num / den : NAN, num, den,
	    NAN, NAN };

	convo_stats_wilson(&f.low, &f.high, num, den);
	return f;
}

static void
test_check_parse(void)
{
	struct convo_check c;
	char err[256];

	is_int(convo_check_parse(&c, err, sizeof(err), "handover_rate <= 0.15"),
	    0, "a check parses");
	is_str(convo_kpi_at(c.kpi)->name, "handover_rate", "its figure");
	ok(c.op == CONVO_CHECK_LE && c.value == 0.15, "its operator and value");
	is_int(convo_check_parse(&c, err, sizeof(err), "  handover_rate<15% "),
	    0, "without spaces, with a percentage");
	ok(c.op == CONVO_CHECK_LT && fabs(c.value - 0.15) < 1e-12,
	    "15% is 0.15 and < is not <=");
	is_int(convo_check_parse(&c, err, sizeof(err), "conversations>=100"),
	    0, ">= parses");
	ok(c.op == CONVO_CHECK_GE, "as >=");
	is_int(convo_check_parse(&c, err, sizeof(err), "csat_avg != 3"), 0,
	    "!= parses");
	is_int(convo_check_parse(&c, err, sizeof(err), "csat_avg == 3"), 0,
	    "== parses");
	is_int(convo_check_parse(&c, err, sizeof(err), "handover_ratio < 1"),
	    CONVO_EUSAGE, "an unknown figure is a usage error");
	is_str(err, "unknown figure 'handover_ratio' in check "
	    "'handover_ratio < 1'", "and says which");
	is_int(convo_check_parse(&c, err, sizeof(err), "handover_rate = 1"),
	    CONVO_EUSAGE, "= is not an operator");
	is_int(convo_check_parse(&c, err, sizeof(err), "handover_rate <"),
	    CONVO_EUSAGE, "a missing value");
	is_int(convo_check_parse(&c, err, sizeof(err), "handover_rate < 1x"),
	    CONVO_EUSAGE, "junk after the value");
	is_int(convo_check_parse(&c, err, sizeof(err), "< 1"), CONVO_EUSAGE,
	    "a missing figure");
	is_int(convo_check_parse(&c, err, sizeof(err), ""), CONVO_EUSAGE,
	    "an empty check");
	is_str(err, "invalid check '' (expected FIGURE OP NUMBER, OP one of "
	    "< <= > >= == !=)", "malformed checks say what is expected");
}

static void
test_check_eval(void)
{
	struct convo_figure f = share(27, 127), null = share(0, 0);
	struct convo_check c;
	char err[256], msg[512];

	convo_check_parse(&c, err, sizeof(err), "handover_rate <= 0.15");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &f, 0),
	    CONVO_VERDICT_FAIL, "27 of 127 is not <= 0.15");
	is_str(msg, "handover_rate <= 0.15 (is 0.213, 27 of 127)",
	    "the failure names the figure, value, numerator and denominator");
	convo_check_parse(&c, err, sizeof(err), "handover_rate <= 25%");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &f, 0),
	    CONVO_VERDICT_PASS, "27 of 127 is <= 25%");
	is_str(msg, "", "a pass says nothing");
	convo_check_parse(&c, err, sizeof(err), "handover_rate == 0.212598425");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &f, 0),
	    CONVO_VERDICT_PASS, "== holds to 9 digits");
	convo_check_parse(&c, err, sizeof(err), "handover_rate <= 0.15");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &f, 200),
	    CONVO_VERDICT_NO_DATA, "below --min-sample: not enough data");
	is_str(msg, "handover_rate <= 0.15: not enough data (is 0.213, 27 of "
	    "127; minimum sample 200)", "and says so");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &null, 0),
	    CONVO_VERDICT_FAIL, "a null figure fails");
	is_str(msg, "handover_rate <= 0.15 (is null, 0 of 0)", "as null");
	is_int(convo_check_eval(msg, sizeof(msg), &c, &null, 1),
	    CONVO_VERDICT_NO_DATA, "unless --min-sample excuses it");
}

static void
test_baseline(void)
{
	struct convo_figure was = share(20, 100), same = share(20, 100);
	struct convo_figure bit = share(21, 100), lot = share(30, 100);
	struct convo_figure better = share(10, 100), zero = share(0, 100);
	int hr = convo_kpi_find("handover_rate");
	int cr = convo_kpi_find("contained_rate");
	int conv = convo_kpi_find("conversations");
	char msg[512];

	ok(hr >= 0 && cr >= 0 && conv >= 0, "the figures exist");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &same, &was, 0.05, 0),
	    CONVO_VERDICT_PASS, "unchanged passes");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &bit, &was, 0.05, 0),
	    CONVO_VERDICT_PASS, "lower-is-better 0.20 to 0.21 is 5%: passes");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &lot, &was, 0.05, 0),
	    CONVO_VERDICT_FAIL, "0.20 to 0.30 is 50% worse: fails");
	is_str(msg, "handover_rate rose from 0.2 to 0.3 (is 0.3, 30 of 100; "
	    "lower is better, tolerance 5%)", "and says how");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &better, &was, 0.05,
	    0), CONVO_VERDICT_PASS, "moving the right way passes");
	is_int(convo_baseline_eval(msg, sizeof(msg), cr, &better, &was, 0.05,
	    0), CONVO_VERDICT_FAIL, "higher-is-better falling 50% fails");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &bit, &zero, 0.05, 0),
	    CONVO_VERDICT_FAIL, "from a baseline of 0 any worsening fails");
	is_int(convo_baseline_eval(msg, sizeof(msg), conv, &lot, &better, 0.05,
	    0), CONVO_VERDICT_PASS, "neutral figures are never checked");
	is_int(convo_baseline_eval(msg, sizeof(msg), hr, &lot, &was, 0.05,
	    1000), CONVO_VERDICT_NO_DATA, "--min-sample applies");
}

static void
test_kpis(void)
{
	size_t i, j, n = convo_kpi_count();
	int unique = 1;

	ok(n >= 60, "every figure of kpis.md has an entry");
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(convo_kpi_at(i)->name,
			    convo_kpi_at(j)->name) == 0)
				unique = 0;
	ok(unique, "names are unique");
	is_int(convo_kpi_find("conversations"), 0, "conversations comes first");
	is_int(convo_kpi_find("nothing"), -1, "an unknown name is -1");
	ok(convo_kpi_at(n) == NULL, "past the end is NULL");
	ok(convo_kpi_at(convo_kpi_find("fallback_rate"))->direction ==
	    CONVO_DIR_LOWER, "fallback_rate: lower is better");
	ok(convo_kpi_at(convo_kpi_find("csat_avg"))->direction ==
	    CONVO_DIR_HIGHER, "csat_avg: higher is better");
	ok(!convo_kpi_at(convo_kpi_find("messages"))->explainable,
	    "messages are not conversations");
	ok(convo_kpi_at(convo_kpi_find("reopen_rate"))->explainable,
	    "reopen_rate is");
}

int
main(void)
{
	test_percentiles();
	test_wilson();
	test_change();
	test_check_parse();
	test_check_eval();
	test_baseline();
	test_kpis();
	return done_testing();
}
