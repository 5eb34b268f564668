/*
 * report.c: puts a convo-stats report together: the figures of the
 * period and of the previous one, the figures of each group of --by (a
 * field's values, or the days, weeks or months of the period), and the
 * breakdowns asked for.  The numbers come from store_kpi.c and
 * store_breakdown.c; there is no SQL here.
 */
#include <stdlib.h>
#include <string.h>

#include "convo.h"

/* More groups than this is a mistake (--by day over years). */
#define MAX_GROUPS 1000

static struct convo_figure *
new_figures(void)
{
	return calloc(convo_kpi_count(), sizeof(struct convo_figure));
}

void
convo_report_free(struct convo_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->figures);
	free(r->previous);
	for (i = 0; i < r->n_groups; i++) {
		free(r->groups[i].value);
		free(r->groups[i].figures);
	}
	free(r->groups);
	for (i = 0; i < r->n_breakdowns; i++)
		convo_table_free(r->breakdowns[i]);
	free(r->breakdowns);
	free(r);
}

/* Appends a group with its figures for query q. */
static int
add_group(struct convo_report *r, struct convo_store *st,
    const struct convo_query *q, const char *value, int64_t since,
    int64_t until)
{
	struct convo_report_group *g = &r->groups[r->n_groups];

	g->since = since;
	g->until = until;
	if ((g->value = strdup(value)) == NULL ||
	    (g->figures = new_figures()) == NULL) {
		free(g->value);
		return CONVO_ENOMEM;
	}
	r->n_groups++;
	return convo_kpi_compute(g->figures, st, q);
}

const char *const *
convo_report_fields(void)
{
	static const char *const fields[] = {
		"source", "assistant", "channel", "device", "browser",
		"country", "region", "day", "week", "month", NULL
	};

	return fields;
}

static int
unit_of(enum convo_period_unit *unit, const char *by)
{
	if (strcmp(by, "day") == 0)
		*unit = CONVO_PERIOD_DAY;
	else if (strcmp(by, "week") == 0)
		*unit = CONVO_PERIOD_WEEK;
	else if (strcmp(by, "month") == 0)
		*unit = CONVO_PERIOD_MONTH;
	else
		return -1;
	return 0;
}

/*
 * Time groups: the days (weeks, months) of the period, from the one that
 * holds its first conversation to the one that holds its last, each cut
 * to the period.
 */
static int
time_groups(struct convo_report *r, struct convo_store *st,
    const struct convo_query *q, enum convo_period_unit unit)
{
	struct convo_query g = *q;
	int64_t first, last, t, n = 0;
	char label[32];
	int rc;

	if ((rc = convo_kpi_span(&first, &last, st, q)) != 0 ||
	    first == CONVO_TIME_NONE)
		return rc;
	for (t = convo_period_start(first, unit); t <= last;
	    t = convo_period_next(t, unit))
		n++;
	if (n > MAX_GROUPS)
		return CONVO_EUSAGE;
	if ((r->groups = calloc((size_t)n, sizeof(*r->groups))) == NULL)
		return CONVO_ENOMEM;
	for (t = convo_period_start(first, unit); rc == 0 && t <= last;
	    t = convo_period_next(t, unit)) {
		g.since = t > q->since ? t : q->since;
		g.until = convo_period_next(t, unit) < q->until ?
		    convo_period_next(t, unit) : q->until;
		rc = add_group(r, st, &g, convo_period_label(label,
		    sizeof(label), t, unit), g.since, g.until);
	}
	return rc;
}

/* Points the filter of field in q at value. */
static void
filter(struct convo_query *q, const char *field, const char *value)
{
	if (strcmp(field, "source") == 0 || strcmp(field, "channel") == 0)
		q->source = value;
	else if (strcmp(field, "assistant") == 0)
		q->assistant = value;
	else if (strcmp(field, "device") == 0)
		q->device = value;
	else if (strcmp(field, "browser") == 0)
		q->browser = value;
	else if (strcmp(field, "country") == 0)
		q->country = value;
	else
		q->region = value;
}

/* Field groups: each value the field takes in the period. */
static int
value_groups(struct convo_report *r, struct convo_store *st,
    const struct convo_query *q, const char *field)
{
	struct convo_query g = *q;
	struct convo_table *values;
	const char *v;
	size_t i, n;
	int rc;

	if ((rc = convo_kpi_group_values(&values, st, q, field)) != 0)
		return rc;
	n = convo_table_rows(values);
	if (n > MAX_GROUPS)
		rc = CONVO_EUSAGE;
	else if ((r->groups = calloc(n ? n : 1, sizeof(*r->groups))) == NULL)
		rc = CONVO_ENOMEM;
	for (i = 0; rc == 0 && i < n; i++) {
		v = convo_table_cell(values, i, 0);
		filter(&g, field, v ? v : "");
		rc = add_group(r, st, &g, v ? v : "", CONVO_TIME_NONE,
		    CONVO_TIME_NONE);
	}
	convo_table_free(values);
	return rc;
}

/*
 * The query of the trend: the period, or, with trend_days, at least the
 * trend_days local days up to its end (the dashboard's 30-day line
 * beside a week's figures).  A period with an open end stays as it is:
 * the breakdown narrows it to the data.
 */
static struct convo_query
trend_query(const struct convo_report_options *opt)
{
	struct convo_query q = opt->query;
	int64_t t;
	int i;

	if (opt->trend_days <= 0 || q.since == CONVO_TIME_MIN ||
	    q.until == CONVO_TIME_MAX)
		return q;
	t = convo_period_start(q.until - 1, CONVO_PERIOD_DAY);
	for (i = 1; i < opt->trend_days && t > CONVO_TIME_MIN; i++)
		t = convo_period_start(t - 1, CONVO_PERIOD_DAY);
	if (t < q.since)
		q.since = t;
	return q;
}

static int
breakdowns(struct convo_report *r, struct convo_store *st,
    const struct convo_report_options *opt)
{
	struct convo_query trend = trend_query(opt);
	size_t n = 0;
	int rc = 0;

	while (opt->show != NULL && opt->show[n] != NULL)
		n++;
	if (n == 0)
		return 0;
	if ((r->breakdowns = calloc(n, sizeof(*r->breakdowns))) == NULL)
		return CONVO_ENOMEM;
	r->breakdown_names = (const char **)opt->show;
	for (; rc == 0 && r->n_breakdowns < n; r->n_breakdowns++)
		rc = convo_breakdown(&r->breakdowns[r->n_breakdowns], st,
		    opt->show[r->n_breakdowns],
		    strcmp(opt->show[r->n_breakdowns], "trend") == 0 ?
		    &trend : &opt->query, opt->top);
	return rc;
}

static int
build(struct convo_report *r, struct convo_store *st,
    const struct convo_report_options *opt)
{
	struct convo_query prev = opt->query;
	enum convo_period_unit unit;
	int rc;

	if ((r->figures = new_figures()) == NULL)
		return CONVO_ENOMEM;
	convo_breakdown_expect(st, &opt->query, opt->show);
	if ((rc = convo_kpi_compute(r->figures, st, &opt->query)) != 0)
		return rc;
	if (opt->compare && opt->period.prev_since != CONVO_TIME_NONE) {
		if ((r->previous = new_figures()) == NULL)
			return CONVO_ENOMEM;
		prev.since = opt->period.prev_since;
		prev.until = opt->period.prev_until;
		if ((rc = convo_kpi_compute(r->previous, st, &prev)) != 0)
			return rc;
	} else
		r->period.prev_since = r->period.prev_until = CONVO_TIME_NONE;
	if (opt->by != NULL && unit_of(&unit, opt->by) == 0)
		rc = time_groups(r, st, &opt->query, unit);
	else if (opt->by != NULL)
		rc = value_groups(r, st, &opt->query, opt->by);
	if (rc != 0)
		return rc;
	return breakdowns(r, st, opt);
}

int
convo_report_new(struct convo_report **out, struct convo_store *st,
    const struct convo_report_options *opt)
{
	struct convo_report *r;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CONVO_ENOMEM;
	r->period = opt->period;
	r->by = opt->by;
	if ((rc = build(r, st, opt)) != 0) {
		convo_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
