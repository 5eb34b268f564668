/*
 * stats.c: the arithmetic behind the figures: sorting a sample,
 * percentiles by linear interpolation (the median among them), Wilson
 * score intervals for rates, and changes in percent.  No SQL: the store
 * hands over numbers.
 */
#include <math.h>
#include <stdlib.h>

#include "convo.h"

/* z for a two-sided 95% interval. */
#define Z95 1.959964

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
convo_stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

/*
 * Type 7 of Hyndman and Fan (1996): rank h = (n - 1) p counted from 0,
 * so p = 0 is the minimum, p = 1 the maximum and no value outside the
 * sample is ever returned.
 */
double
convo_stats_percentile(const double *v, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0 || isnan(p))
		return NAN;
	if (p <= 0)
		return v[0];
	if (p >= 1)
		return v[n - 1];
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

double
convo_stats_median(const double *v, size_t n)
{
	return convo_stats_percentile(v, n, 0.5);
}

/*
 * Wilson (1927): the centre p + z^2/2n and the half-width
 * z sqrt(p(1-p)/n + z^2/4n^2), both over 1 + z^2/n.  Unlike p +- z se
 * it stays within [0, 1] and is not empty at 0 of n or n of n, which is
 * what keeps a gate on a small sample from flapping.
 */
void
convo_stats_wilson(double *low, double *high, double num, double den)
{
	double p, z2, centre, half, scale;

	if (!(den > 0) || isnan(num)) {
		*low = *high = NAN;
		return;
	}
	p = num / den;
	z2 = Z95 * Z95;
	scale = 1 + z2 / den;
	centre = p + z2 / (2 * den);
	half = Z95 * sqrt(p * (1 - p) / den + z2 / (4 * den * den));
	*low = fmax(0, (centre - half) / scale);
	*high = fmin(1, (centre + half) / scale);
}

double
convo_stats_change(double cur, double prev)
{
	if (isnan(cur) || isnan(prev) || prev == 0)
		return NAN;
	return (cur - prev) / fabs(prev) * 100;
}
