/*
 * render_report.c: prints a convo-stats report: an aligned table for
 * people (values by unit, the previous period and the change, colour and
 * sparklines when asked), the JSON object of kpis.md "Machine-readable
 * output", or CSV/TSV rows figure,value,previous,change.  Machines get
 * the numbers unrounded (12 significant digits); people get them
 * rounded by unit.  Breakdown tables print through table.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convo.h"
#include "internal.h"

#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RED "\033[31m"
#define RESET "\033[0m"
/* Width of a full bar, in block characters. */
#define BAR_WIDTH 20
/* What a group without a value is called (as in the breakdowns). */
#define NO_VALUE "(unknown)"

/* A number for machines: integers exactly, others to 12 digits. */
static char *
machine(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.12g", v);
	return buf;
}

/* "42s", "1m 05s", "2h 03m", "3d 04h". */
static void
duration(char *buf, size_t size, double secs)
{
	long s = lround(secs);

	if (s < 60)
		snprintf(buf, size, "%lds", s);
	else if (s < 3600)
		snprintf(buf, size, "%ldm %02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%ldh %02ldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%ldd %02ldh", s / 86400, s / 3600 % 24);
}

char *
convo_figure_format(char *buf, size_t size, const struct convo_figure *f,
    enum convo_unit unit)
{
	if (f == NULL || f->is_null || isnan(f->value)) {
		snprintf(buf, size, "-");
		return buf;
	}
	switch (unit) {
	case CONVO_UNIT_SHARE:
		snprintf(buf, size, "%.1f%%", f->value * 100);
		break;
	case CONVO_UNIT_MEAN:
	case CONVO_UNIT_MONEY:
		snprintf(buf, size, "%.2f", f->value);
		break;
	case CONVO_UNIT_SECONDS:
		duration(buf, size, f->value);
		break;
	default:
		snprintf(buf, size, "%.0f", f->value);
	}
	return buf;
}

/* The value of f, NAN when null. */
static double
value(const struct convo_figure *f)
{
	return f == NULL || f->is_null ? NAN : f->value;
}

/* The change from the previous period, in percent; NAN when none. */
static double
change(const struct convo_report *r, size_t i)
{
	if (r->previous == NULL)
		return NAN;
	return convo_stats_change(value(&r->figures[i]),
	    value(&r->previous[i]));
}

/* "+12.5%", "-3.0%", "0.0%", or "-" when there is no change to give. */
static char *
change_text(char *buf, size_t size, double c)
{
	if (isnan(c))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%+.1f%%", c);
	if (strcmp(buf, "+0.0%") == 0 || strcmp(buf, "-0.0%") == 0)
		snprintf(buf, size, "0.0%%");
	return buf;
}

/* A time for people: "2026-11-20 00:00" in the local zone. */
static char *
local_time(char *buf, int64_t t)
{
	convo_time_format_local(buf, t);
	buf[10] = ' ';
	buf[16] = '\0';
	return buf;
}

static void
print_period(FILE *fp, const char *what, int64_t since, int64_t until,
    const char *tz)
{
	char a[CONVO_TIME_BUFSZ], b[CONVO_TIME_BUFSZ];

	if (since == CONVO_TIME_MIN && until == CONVO_TIME_MAX)
		fprintf(fp, "%-9s all\n", what);
	else if (since == CONVO_TIME_MIN)
		fprintf(fp, "%-9s until %s %s\n", what, local_time(b, until), tz);
	else
		fprintf(fp, "%-9s %s until %s %s\n", what, local_time(a, since),
		    local_time(b, until), tz);
}

/* Colour of a change: green when better, red when worse, else none. */
static const char *
change_color(size_t i, double c)
{
	enum convo_direction d = convo_kpi_at(i)->direction;

	if (isnan(c) || c == 0 || d == CONVO_DIR_NEUTRAL)
		return NULL;
	return (c > 0) == (d == CONVO_DIR_HIGHER) ? GREEN : RED;
}

/* The cells of figure i for people: name, value, previous, change. */
static void
cells(char c[4][40], const struct convo_report *r, size_t i)
{
	enum convo_unit u = convo_kpi_at(i)->unit;

	snprintf(c[0], 40, "%s", convo_kpi_at(i)->name);
	convo_figure_format(c[1], 40, &r->figures[i], u);
	convo_figure_format(c[2], 40, r->previous ? &r->previous[i] : NULL,
	    u);
	change_text(c[3], 40, change(r, i));
}

/* The figures, aligned; the change coloured by direction. */
static void
print_figures(FILE *fp, const struct convo_report *r, int color)
{
	static const char *const head[4] = {
		"figure", "value", "previous", "change"
	};
	size_t w[4] = { 6, 5, 8, 6 }, i, k, n = convo_kpi_count();
	size_t cols = r->previous ? 4 : 2;
	const char *col;
	char c[4][40];

	for (i = 0; i < n; i++) {
		cells(c, r, i);
		for (k = 0; k < cols; k++)
			if (strlen(c[k]) > w[k])
				w[k] = strlen(c[k]);
	}
	fprintf(fp, "%-*s", (int)w[0], head[0]);
	for (k = 1; k < cols; k++)
		fprintf(fp, "  %*s", (int)w[k], head[k]);
	fputc('\n', fp);
	for (i = 0; i < n; i++) {
		cells(c, r, i);
		fprintf(fp, "%-*s", (int)w[0], c[0]);
		for (k = 1; k < cols; k++) {
			col = k == 3 && color ? change_color(i, change(r, i)) :
			    NULL;
			fprintf(fp, "  %s%*s%s", col ? col : "", (int)w[k], c[k],
			    col ? RESET : "");
		}
		fputc('\n', fp);
	}
}

/*
 * Prints s, text from the report, padded to pad bytes and kept on its
 * line: controls and bad bytes as esc_line shows them.
 */
static void
put_clean(FILE *fp, const char *s, int pad)
{
	struct buf b;

	buf_init(&b, 4096);
	if (s != NULL && esc_line(&b, s, strlen(s)) == 0 && b.data != NULL)
		fprintf(fp, "%-*s", pad, b.data);
	else
		fprintf(fp, "%-*s", pad, "");
	buf_release(&b);
}

/* "▁▂▃▄▅▆▇█": one block per row, scaled from 0 to the column's maximum. */
static void
sparkline(FILE *fp, const struct convo_table *t, size_t col, size_t pad)
{
	static const char *const blocks[] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588"
	};
	size_t r, n = convo_table_rows(t);
	double max = 0, v;
	const char *s;

	for (r = 0; r < n; r++)
		if ((s = convo_table_cell(t, r, col)) != NULL && atof(s) > max)
			max = atof(s);
	put_clean(fp, convo_table_name(t, col), (int)pad);
	fputc(' ', fp);
	for (r = 0; r < n; r++) {
		s = convo_table_cell(t, r, col);
		v = s != NULL && max > 0 ? atof(s) / max : 0;
		fputs(blocks[(int)lround(v * 7)], fp);
	}
	fputc('\n', fp);
}

/* A share 0..1 as a bar of eighths, BAR_WIDTH blocks when full. */
static char *
bar(char *buf, size_t size, double share)
{
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589"
	};
	long n = lround(fmin(fmax(share, 0), 1) * BAR_WIDTH * 8), i;
	size_t len = 0;

	buf[0] = '\0';
	for (i = 0; i < n / 8 && len + 4 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "\u2588");
	if (len + 4 < size)
		snprintf(buf + len, size - len, "%s", eighths[n % 8]);
	return buf;
}

/* A copy of t with a bar after its column "share" (-1: none). */
static struct convo_table *
with_bars(const struct convo_table *t)
{
	const char *names[64], *s;
	struct convo_table *b;
	size_t c, k, r, n = convo_table_cols(t), share = n;
	char buf[BAR_WIDTH * 3 + 8];

	for (c = 0; c < n && c < 63; c++)
		if (strcmp(convo_table_name(t, c), "share") == 0)
			share = c;
	if (share == n || n >= 63)
		return NULL;
	for (c = 0, k = 0; c < n; c++) {
		names[k++] = convo_table_name(t, c);
		if (c == share)
			names[k++] = "";
	}
	if (convo_table_new(&b, n + 1, names) != 0)
		return NULL;
	for (c = 0; c < n; c++)
		convo_table_set_kind(b, c + (c > share), convo_table_kind(t, c));
	for (r = 0; r < convo_table_rows(t); r++) {
		convo_table_add_row(b);
		for (c = 0; c < n; c++)
			convo_table_set(b, c + (c > share),
			    convo_table_cell(t, r, c));
		s = convo_table_cell(t, r, share);
		convo_table_set(b, share + 1, s ? bar(buf, sizeof(buf),
		    atof(s)) : NULL);
	}
	return b;
}

/* The shade of a count: none, then four steps up to the maximum. */
static int
shade(double v, double max)
{
	return v <= 0 ? 0 : (int)fmin(4, ceil(v / max * 4));
}

/*
 * The shades and the counts they stand for, as in the HTML report: step
 * k holds the counts above (k - 1) / 4 and up to k / 4 of the maximum;
 * a step without a whole count is left out.
 */
static void
shade_legend(FILE *fp, double max)
{
	static const char *const shades[] = {
		"\u00b7", "\u2591", "\u2592", "\u2593", "\u2588"
	};
	double lo, hi;
	int k;

	fprintf(fp, "     %s 0", shades[0]);
	for (k = 1; k < 5; k++) {
		lo = floor(max * (k - 1) / 4) + 1;
		hi = floor(max * k / 4);
		if (lo > hi)
			continue;
		fprintf(fp, "  %s %.0f", shades[k], lo);
		if (hi > lo)
			fprintf(fp, "-%.0f", hi);
	}
	fputs(" messages an hour\n", fp);
}

/*
 * The traffic grid in shades (░▒▓█), two columns an hour; 0 when there
 * is nothing to draw (not the 7 x 24 table, or no message at all).
 */
static int
heat_grid(FILE *fp, const struct convo_table *t)
{
	static const char *const shades[] = {
		"\u00b7 ", "\u2591\u2591", "\u2592\u2592", "\u2593\u2593",
		"\u2588\u2588"
	};
	size_t d, h;
	double max = 0;
	const char *s;

	if (convo_table_rows(t) != 7 || convo_table_cols(t) != 25)
		return 0;
	for (d = 0; d < 7; d++)
		for (h = 1; h < 25; h++)
			if ((s = convo_table_cell(t, d, h)) != NULL)
				max = fmax(max, atof(s));
	if (max <= 0)
		return 0;
	fputs("    ", fp);
	for (h = 0; h < 24; h += 3)
		fprintf(fp, h < 21 ? " %02zu   " : " %02zu\n", h);
	for (d = 0; d < 7; d++) {
		/* The day's name, on its line whatever the table holds. */
		put_clean(fp, convo_table_cell(t, d, 0), 4);
		fputc(' ', fp);
		for (h = 1; h < 25; h++) {
			s = convo_table_cell(t, d, h);
			fputs(shades[shade(s ? atof(s) : 0, max)], fp);
		}
		fputc('\n', fp);
	}
	shade_legend(fp, max);
	return 1;
}

/* A breakdown for people: its name, its table, and its graphics. */
static void
print_breakdown(FILE *fp, const char *name, const struct convo_table *t,
    const struct convo_render_options *o)
{
	struct convo_table *b = o->graphics ? with_bars(t) : NULL;
	size_t c;

	fprintf(fp, "\n%s%s%s\n", o->color ? BOLD : "", name,
	    o->color ? RESET : "");
	/* On a terminal the 24 columns of numbers give way to shades. */
	if (o->graphics && strcmp(name, "traffic") == 0 && heat_grid(fp, t))
		return;
	convo_table_print(fp, b ? b : t, CONVO_OUT_TABLE, 0);
	convo_table_free(b);
	if (!o->graphics || strcmp(name, "trend") != 0 ||
	    convo_table_rows(t) < 2)
		return;
	fputc('\n', fp);
	for (c = 1; c < convo_table_cols(t); c++)
		if (convo_table_kind(t, c) == CONVO_CELL_NUMBER)
			sparkline(fp, t, c, 13);
}

/* --by: one column per group, one row per figure, for people or not. */
static struct convo_table *
groups_table(const struct convo_report *r, int people)
{
	const char **names;
	struct convo_table *t = NULL;
	size_t g, i;
	char buf[40];

	if ((names = calloc(r->n_groups + 1, sizeof(*names))) == NULL)
		return NULL;
	names[0] = "figure";
	for (g = 0; g < r->n_groups; g++)
		names[g + 1] = *r->groups[g].value ? r->groups[g].value :
		    NO_VALUE;
	if (convo_table_new(&t, r->n_groups + 1, names) == 0) {
		for (g = 0; g < r->n_groups; g++)
			convo_table_set_kind(t, g + 1, CONVO_CELL_NUMBER);
		for (i = 0; i < convo_kpi_count(); i++) {
			convo_table_add_row(t);
			convo_table_set(t, 0, convo_kpi_at(i)->name);
			for (g = 0; g < r->n_groups; g++) {
				if (people)
					convo_figure_format(buf, sizeof(buf),
					    &r->groups[g].figures[i],
					    convo_kpi_at(i)->unit);
				else
					machine(buf, sizeof(buf),
					    value(&r->groups[g].figures[i]));
				convo_table_set(t, g + 1, strcmp(buf, "null") ?
				    buf : NULL);
			}
		}
	}
	free(names);
	return t;
}

static void
print_text(FILE *fp, const struct convo_report *r,
    const struct convo_render_options *o)
{
	struct convo_table *t;
	size_t i;

	print_period(fp, "period", r->period.since, r->period.until, o->tz);
	if (r->previous != NULL && r->by == NULL)
		print_period(fp, "previous", r->period.prev_since,
		    r->period.prev_until, o->tz);
	fputc('\n', fp);
	if (r->by != NULL) {
		fputs("by ", fp);
		put_clean(fp, r->by, 0);
		fputc('\n', fp);
		if ((t = groups_table(r, 1)) != NULL)
			convo_table_print(fp, t, CONVO_OUT_TABLE, 0);
		convo_table_free(t);
	} else
		print_figures(fp, r, o->color);
	for (i = 0; i < r->n_breakdowns; i++)
		print_breakdown(fp, r->breakdown_names[i], r->breakdowns[i], o);
}

/* CSV/TSV: figure,value,previous,change; the change in percent. */
static void
print_sv(FILE *fp, const struct convo_report *r, enum convo_output how)
{
	static const char *const names[] = {
		"figure", "value", "previous", "change"
	};
	struct convo_table *t;
	char buf[40];
	size_t i;

	if (r->by != NULL)
		t = groups_table(r, 0);
	else if (convo_table_new(&t, 4, names) == 0) {
		for (i = 0; i < convo_kpi_count(); i++) {
			convo_table_add_row(t);
			convo_table_set(t, 0, convo_kpi_at(i)->name);
			machine(buf, sizeof(buf), value(&r->figures[i]));
			convo_table_set(t, 1, strcmp(buf, "null") ? buf : NULL);
			machine(buf, sizeof(buf), r->previous ?
			    value(&r->previous[i]) : NAN);
			convo_table_set(t, 2, strcmp(buf, "null") ? buf : NULL);
			if (!isnan(change(r, i)))
				convo_table_setf(t, 3, "%.1f", change(r, i));
		}
	}
	if (t != NULL)
		convo_table_print(fp, t, how, 0);
	convo_table_free(t);
	for (i = 0; i < r->n_breakdowns; i++) {
		fprintf(fp, how == CONVO_OUT_CSV ? "\r\n# %s\r\n" : "\n# %s\n",
		    r->breakdown_names[i]);
		convo_table_print(fp, r->breakdowns[i], how, 0);
	}
}

static void
json_time(FILE *fp, int64_t t, int64_t open)
{
	char buf[CONVO_TIME_BUFSZ];

	if (t == open)
		fputs("null", fp);
	else
		convo_json_string(fp, convo_time_format_local(buf, t));
}

static void
json_period(FILE *fp, const char *key, int64_t since, int64_t until,
    const char *tz)
{
	fprintf(fp, "  \"%s\": {\"since\": ", key);
	json_time(fp, since, CONVO_TIME_MIN);
	fputs(", \"until\": ", fp);
	json_time(fp, until, CONVO_TIME_MAX);
	fputs(", \"tz\": ", fp);
	convo_json_string(fp, tz);
	fputs("},\n", fp);
}

/* "name": value, ... for every figure, indented by indent. */
static void
json_figures(FILE *fp, const struct convo_figure *f, const char *indent)
{
	char buf[40];
	size_t i;

	fputc('{', fp);
	for (i = 0; i < convo_kpi_count(); i++)
		fprintf(fp, "%s\n%s  \"%s\": %s", i ? "," : "", indent,
		    convo_kpi_at(i)->name, machine(buf, sizeof(buf),
		    value(&f[i])));
	fprintf(fp, "\n%s}", indent);
}

/* "detail": every share with its numerator, denominator and interval. */
static void
json_detail(FILE *fp, const struct convo_figure *f)
{
	char v[40], n[40], d[40], lo[40], hi[40];
	size_t i;
	int first = 1;

	fputs("  \"detail\": {", fp);
	for (i = 0; i < convo_kpi_count(); i++) {
		if (convo_kpi_at(i)->unit != CONVO_UNIT_SHARE)
			continue;
		fprintf(fp, "%s\n    \"%s\": {\"value\": %s, \"num\": %s, "
		    "\"den\": %s, \"low\": %s, \"high\": %s}", first ? "" : ",",
		    convo_kpi_at(i)->name, machine(v, 40, value(&f[i])),
		    machine(n, 40, f[i].num), machine(d, 40, f[i].den),
		    machine(lo, 40, f[i].low), machine(hi, 40, f[i].high));
		first = 0;
	}
	fputs("\n  }", fp);
}

static void
json_groups(FILE *fp, const struct convo_report *r)
{
	const struct convo_report_group *g;
	size_t i;

	fputs(",\n  \"groups\": [", fp);
	for (i = 0; i < r->n_groups; i++) {
		g = &r->groups[i];
		fputs(i ? ",\n    {\"value\": " : "\n    {\"value\": ", fp);
		convo_json_string(fp, *g->value ? g->value : NO_VALUE);
		if (g->since != CONVO_TIME_NONE) {
			fputs(", \"since\": ", fp);
			json_time(fp, g->since, CONVO_TIME_MIN);
			fputs(", \"until\": ", fp);
			json_time(fp, g->until, CONVO_TIME_MAX);
		}
		fputs(", \"figures\": ", fp);
		json_figures(fp, g->figures, "    ");
		fputc('}', fp);
	}
	fputs(r->n_groups ? "\n  ]" : "]", fp);
}

/* A breakdown as a JSON array, indented to sit in "breakdowns". */
static void
json_table(FILE *fp, const struct convo_table *t)
{
	char *text = NULL, *p;
	size_t len = 0;
	FILE *mem;

	if ((mem = open_memstream(&text, &len)) == NULL) {
		convo_table_print(fp, t, CONVO_OUT_JSON, 0);
		return;
	}
	convo_table_print(mem, t, CONVO_OUT_JSON, 0);
	fclose(mem);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	for (p = text; *p; p++) {
		fputc(*p, fp);
		if (*p == '\n')
			fputs("    ", fp);
	}
	free(text);
}

static void
print_json(FILE *fp, const struct convo_report *r, const char *tz)
{
	size_t i;

	fputs("{\n", fp);
	json_period(fp, "period", r->period.since, r->period.until, tz);
	if (r->previous != NULL)
		json_period(fp, "previous", r->period.prev_since,
		    r->period.prev_until, tz);
	fputs("  \"figures\": ", fp);
	json_figures(fp, r->figures, "  ");
	if (r->previous != NULL) {
		fputs(",\n  \"previous_figures\": ", fp);
		json_figures(fp, r->previous, "  ");
	}
	fputs(",\n", fp);
	json_detail(fp, r->figures);
	if (r->n_breakdowns > 0) {
		fputs(",\n  \"breakdowns\": {", fp);
		for (i = 0; i < r->n_breakdowns; i++) {
			fprintf(fp, "%s\n    ", i ? "," : "");
			convo_json_string(fp, r->breakdown_names[i]);
			fputs(": ", fp);
			json_table(fp, r->breakdowns[i]);
		}
		fputs("\n  }", fp);
	}
	if (r->by != NULL)
		json_groups(fp, r);
	fputs("\n}\n", fp);
}

void
convo_report_print(FILE *fp, const struct convo_report *r,
    const struct convo_render_options *o)
{
	switch (o->how) {
	case CONVO_OUT_JSON:
		print_json(fp, r, o->tz);
		break;
	case CONVO_OUT_CSV:
	case CONVO_OUT_TSV:
		print_sv(fp, r, o->how);
		break;
	default:
		print_text(fp, r, o);
	}
}
