/*
 * render_html_report.c: the convo-stats report as one HTML page that
 * needs nothing else: inline CSS (wrapping on a phone, plain on paper),
 * inline SVG charts with titles and labels for screen readers, no
 * script and no external request.  KPI cards with the previous period,
 * the daily trend, the weekday x hour heat map, status and handover
 * bars, geography as ranked bars, and the top tables.  The figures are
 * the report's: nothing is counted here.  A chart with nothing to draw
 * says "no data", so no NaN or empty axis reaches the page.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A page bigger than this is a bug, not a report. */
#define PAGE_MAX (64u << 20)
/* Width of the SVG drawings, in their own units (they scale to fit). */
#define WIDE 720

/* The page being built; after the first error every write is skipped. */
struct page {
	struct buf b;
	int rc;
};

static void out(struct page *p, const char *fmt, ...) CONVO_PRINTF(2, 3);

static void
out(struct page *p, const char *fmt, ...)
{
	va_list ap;

	if (p->rc != 0)
		return;
	va_start(ap, fmt);
	p->rc = buf_vprintf(&p->b, fmt, ap);
	va_end(ap);
}

static void
lit(struct page *p, const char *s)
{
	if (p->rc == 0)
		p->rc = buf_adds(&p->b, s);
}

/* Text from the data or the command line: always through esc_html(). */
static void
esc(struct page *p, const char *s)
{
	if (p->rc == 0 && s != NULL)
		p->rc = esc_html(&p->b, s, strlen(s));
}

static const char style[] =
    ":root{--fg:#1f2933;--muted:#52606d;--bg:#f5f7fa;--card:#fff;"
    "--line:#d9e2ec;--good:#1a7f37;--bad:#c62828}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
    "header,main,footer{max-width:72rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.6rem;margin:0 0 .5rem}\n"
    "h2{font-size:1.1rem;margin:0 0 .75rem}\n"
    "h3{font-size:.8rem;font-weight:600;text-transform:uppercase;"
    "letter-spacing:.03em;color:var(--muted);margin:0}\n"
    ".meta{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:0;"
    "color:var(--muted)}\n"
    ".meta div{display:flex;gap:.4rem}\n"
    ".meta dt{font-weight:600}\n"
    ".meta dd{margin:0}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(10.5rem,1fr));gap:.75rem;margin-bottom:1rem}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(19rem,1fr));gap:.75rem;margin-bottom:1rem}\n"
    ".card,.panel{background:var(--card);border:1px solid var(--line);"
    "border-radius:.5rem;padding:.75rem 1rem;min-width:0}\n"
    ".wide{grid-column:1/-1}\n"
    ".value{font-size:1.6rem;font-weight:700;margin:.2rem 0}\n"
    ".prev{font-size:.85rem;color:var(--muted);margin:0}\n"
    ".good{color:var(--good)}\n.bad{color:var(--bad)}\n"
    ".same{color:var(--muted)}\n"
    "svg{display:block;width:100%;height:auto}\n"
    "svg text{font:11px system-ui,sans-serif;fill:var(--muted)}\n"
    "svg .label{fill:var(--fg)}\n"
    ".axis{stroke:var(--line);stroke-width:1}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem;"
    "color:var(--muted);margin:.5rem 0 0;padding:0;list-style:none}\n"
    ".key{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;"
    "vertical-align:-.1rem;margin-right:.3rem}\n"
    ".bars{margin:0 0 .5rem;padding:0;list-style:none}\n"
    ".bars li{display:grid;grid-template-columns:minmax(4rem,9rem) 1fr "
    "auto;gap:.5rem;align-items:center;font-size:.85rem;padding:.1rem 0}\n"
    ".name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
    ".track{background:#eef2f6;border-radius:2px;height:.9rem}\n"
    ".bar{display:block;height:100%;min-width:2px;background:#2563eb;"
    "border-radius:2px}\n"
    ".period{fill:#eef4ff}\n"
    ".nodata{color:var(--muted);font-style:italic;text-align:center;"
    "padding:1.5rem 0;margin:0}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid "
    "var(--line);vertical-align:top;overflow-wrap:break-word}\n"
    "th{font-weight:600;color:var(--muted)}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "footer{color:var(--muted);font-size:.8rem}\n"
    "@media (max-width:30rem){body{font-size:14px}"
    "header,main,footer{padding:.5rem}.value{font-size:1.3rem}}\n"
    "@media print{body{background:#fff;font-size:10pt}"
    "header,main,footer{max-width:none;padding:0 0 .5rem}"
    ".card,.panel{break-inside:avoid;border-color:#999}"
    ".cards{grid-template-columns:repeat(4,1fr)}"
    ".grid{grid-template-columns:1fr 1fr}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* The three lines of the trend and their colours. */
static const char *const line_colors[] = { "#2563eb", "#d97706", "#059669" };
/* The heat map's colours: none, then four steps up to the maximum. */
static const char *const heat_colors[] = {
	"#eef2f6", "#c6dbef", "#6baed6", "#2171b5", "#08306b"
};

/* The KPI cards: the figures people look at first, with their labels. */
static const struct {
	const char *kpi, *label;
} cards[] = {
	{ "conversations", "Conversations" },
	{ "users", "Users" },
	{ "new_users", "New users" },
	{ "returning_users", "Returning users" },
	{ "messages", "Messages" },
	{ "avg_messages", "Messages per conversation" },
	{ "handover_rate", "Handover rate" },
	{ "fallback_rate", "Fallback rate" },
	{ "csat_avg", "CSAT (1 to 5)" },
	{ "conversion_rate", "Conversion rate" },
	{ "feedback_ratio", "Thumbs up" },
	{ "contained_rate", "Contained by the bot" },
	{ "abandoned_rate", "Abandoned" },
	{ "first_response_median", "First response (median)" },
	{ "duration_median", "Duration (median)" },
	{ "leads", "Leads" },
};

/* The value of a figure, NAN when it has none. */
static double
figure(const struct convo_figure *f, const char *name)
{
	int i = convo_kpi_find(name);

	if (f == NULL || i < 0 || f[i].is_null)
		return NAN;
	return f[i].value;
}

/* A cell as a number; 0 for null or text. */
static double
number(const struct convo_table *t, size_t row, size_t col)
{
	const char *s = convo_table_cell(t, row, col);
	double v = s ? strtod(s, NULL) : 0;

	return isfinite(v) ? v : 0;
}

/* The breakdown called name in the report, or NULL. */
static const struct convo_table *
breakdown(const struct convo_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_breakdowns; i++)
		if (strcmp(r->breakdown_names[i], name) == 0)
			return r->breakdowns[i];
	return NULL;
}

/* "2026-11-20 10:30", local. */
static char *
local_minute(char *buf, int64_t t)
{
	convo_time_format_local(buf, t);
	buf[10] = ' ';
	buf[16] = '\0';
	return buf;
}

/* The smallest 1, 2 or 5 times a power of ten at or above v (v > 0). */
static double
nice_ceil(double v)
{
	double p = pow(10, floor(log10(v))), m;

	m = v / p <= 1 ? 1 : v / p <= 2 ? 2 : v / p <= 5 ? 5 : 10;
	return m * p;
}

static void
no_data(struct page *p)
{
	lit(p, "<p class=\"nodata\">no data</p>\n");
}

/* Opens an SVG drawing with its accessible name. */
static void
svg_open(struct page *p, const char *cls, int w, int h, const char *label)
{
	out(p, "<svg class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"", cls, w, h);
	esc(p, label);
	lit(p, "\"><title>");
	esc(p, label);
	lit(p, "</title>\n");
}

static void
head(struct page *p, const char *title)
{
	lit(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"convo-stats "
	    CONVO_VERSION "\">\n<title>");
	esc(p, title);
	lit(p, "</title>\n<style>\n");
	lit(p, style);
	lit(p, "</style>\n</head>\n<body>\n");
}

static void
meta_item(struct page *p, const char *what, const char *value)
{
	out(p, "<div><dt>%s</dt><dd>", what);
	esc(p, value);
	lit(p, "</dd></div>\n");
}

/* "2026-11-13 00:00 until 2026-11-20 00:00", or open ends. */
static char *
span_text(char *buf, size_t size, int64_t since, int64_t until)
{
	char a[CONVO_TIME_BUFSZ], b[CONVO_TIME_BUFSZ];

	if (since == CONVO_TIME_MIN && until == CONVO_TIME_MAX)
		snprintf(buf, size, "all");
	else if (since == CONVO_TIME_MIN)
		snprintf(buf, size, "until %s", local_minute(b, until));
	else
		snprintf(buf, size, "%s until %s", local_minute(a, since),
		    local_minute(b, until));
	return buf;
}

/* The filters of q, as people would have typed them. */
static void
filters_text(struct buf *b, const struct convo_query *q)
{
	if (q != NULL && q->source != NULL)
		buf_printf(b, "source %s, ", q->source);
	if (q != NULL && q->assistant != NULL)
		buf_printf(b, "assistant %s, ", q->assistant);
	if (q != NULL && q->status != NULL)
		buf_printf(b, "status %s, ", q->status);
	if (q != NULL && q->user != NULL)
		buf_printf(b, "user %s, ", q->user);
	if (q != NULL && q->include_test)
		buf_adds(b, "test traffic included, ");
	if (b->len >= 2)
		b->data[b->len -= 2] = '\0';
	else
		buf_adds(b, "none");
}

static void
header(struct page *p, const struct convo_report *r,
    const struct convo_html_options *o, const char *title)
{
	char buf[2 * CONVO_TIME_BUFSZ + 16], t[CONVO_TIME_BUFSZ];
	struct buf f;

	lit(p, "<header>\n<h1>");
	esc(p, title);
	lit(p, "</h1>\n<dl class=\"meta\">\n");
	meta_item(p, "Period", span_text(buf, sizeof(buf), r->period.since,
	    r->period.until));
	meta_item(p, "Previous", r->previous == NULL ? "none" :
	    span_text(buf, sizeof(buf), r->period.prev_since,
	    r->period.prev_until));
	meta_item(p, "Time zone", o->tz ? o->tz : "localtime");
	meta_item(p, "Generated", local_minute(t, o->generated));
	buf_init(&f, 64 * 1024);
	filters_text(&f, o->query);
	meta_item(p, "Filters", f.data ? f.data : "none");
	buf_release(&f);
	lit(p, "</dl>\n</header>\n<main>\n");
}

/*
 * "▲ +12.5%" in the colour of good or bad news; from 0, where there is
 * no percentage, the arrow alone; nothing without a value.
 */
static void
card_change(struct page *p, size_t kpi, double cur, double prev)
{
	enum convo_direction d = convo_kpi_at(kpi)->direction;
	double c = convo_stats_change(cur, prev);
	const char *cls = "same", *why = "no better or worse";
	char text[40];

	if (isnan(c) && !isnan(cur) && prev == 0 && cur != 0)
		c = cur;	/* its sign, for the arrow */
	if (isnan(c))
		return;
	text[0] = '\0';
	if (prev != 0)
		snprintf(text, sizeof(text), " %+.1f%%", c);
	if (strcmp(text, " +0.0%") == 0 || strcmp(text, " -0.0%") == 0) {
		out(p, " <span class=\"same\" title=\"unchanged\">= 0.0%%"
		    "</span>");
		return;
	}
	if (d != CONVO_DIR_NEUTRAL) {
		cls = (c > 0) == (d == CONVO_DIR_HIGHER) ? "good" : "bad";
		why = *cls == 'g' ? "better" : "worse";
	}
	out(p, " <span class=\"%s\" title=\"%s\">%s%s</span>", cls, why,
	    c > 0 ? "\u25b2" : "\u25bc", text);
}

static void
card(struct page *p, const struct convo_report *r, const char *name,
    const char *label)
{
	int i = convo_kpi_find(name);
	enum convo_unit u;
	char v[40];

	if (i < 0)
		return;
	u = convo_kpi_at((size_t)i)->unit;
	out(p, "<div class=\"card\" id=\"kpi-%s\"><h3>%s</h3>\n"
	    "<p class=\"value\">%s</p>\n<p class=\"prev\">", name, label,
	    convo_figure_format(v, sizeof(v), &r->figures[i], u));
	if (r->previous == NULL) {
		lit(p, "no previous period</p></div>\n");
		return;
	}
	out(p, "previous %s", convo_figure_format(v, sizeof(v),
	    &r->previous[i], u));
	card_change(p, (size_t)i, figure(r->figures, name),
	    figure(r->previous, name));
	lit(p, "</p></div>\n");
}

static void
kpi_cards(struct page *p, const struct convo_report *r)
{
	size_t i;

	lit(p, "<section class=\"cards\" aria-label=\"Key figures\">\n");
	for (i = 0; i < sizeof(cards) / sizeof(cards[0]); i++)
		card(p, r, cards[i].kpi, cards[i].label);
	lit(p, "</section>\n");
}

/* The trend's plot area. */
#define T_LEFT 44
#define T_TOP 12
#define T_W (WIDE - T_LEFT - 16)
#define T_H 200

static double
trend_x(size_t i, size_t n)
{
	return T_LEFT + (n < 2 ? T_W / 2.0 : (double)T_W * (double)i /
	    (double)(n - 1));
}

static double
trend_y(double v, double top)
{
	return T_TOP + T_H - v / top * T_H;
}

/* The axes, three grid lines with their values, and three dates. */
static void
trend_axes(struct page *p, const struct convo_table *t, double top)
{
	size_t n = convo_table_rows(t), k, at[3] = { 0, n / 2, n - 1 };
	static const char *const anchor[3] = { "start", "middle", "end" };

	for (k = 0; k < 3; k++)
		out(p, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">%g</text>\n", T_LEFT, T_LEFT + T_W,
		    trend_y(top * (double)k / 2, top),
		    trend_y(top * (double)k / 2, top), T_LEFT - 6,
		    trend_y(top * (double)k / 2, top) + 4, top * (double)k / 2);
	for (k = 0; k < (n < 3 ? n : 3); k++) {
		out(p, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">",
		    trend_x(at[k], n), T_TOP + T_H + 20, n < 2 ? "middle" :
		    anchor[k]);
		esc(p, convo_table_cell(t, at[k], 0));
		lit(p, "</text>\n");
	}
}

/* One series: its line, then a point per day with its value. */
static void
trend_line(struct page *p, const struct convo_table *t, size_t col,
    double top)
{
	size_t i, n = convo_table_rows(t);
	const char *what = convo_table_name(t, col);

	out(p, "<polyline class=\"line\" fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"2\" points=\"", line_colors[col - 1]);
	for (i = 0; i < n; i++)
		out(p, "%s%.1f,%.1f", i ? " " : "", trend_x(i, n),
		    trend_y(number(t, i, col), top));
	lit(p, "\"/>\n");
	for (i = 0; i < n; i++) {
		out(p, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		    "fill=\"%s\"><title>", trend_x(i, n),
		    trend_y(number(t, i, col), top), line_colors[col - 1]);
		esc(p, convo_table_cell(t, i, 0));
		out(p, ": %.0f ", number(t, i, col));
		esc(p, what);
		lit(p, "</title></circle>\n");
	}
}

/*
 * When the trend reaches back before the period (the 30 days beside a
 * week's figures), shades the period's days.  Day labels compare as
 * strings; weeks are not shaded.
 */
static void
trend_period(struct page *p, const struct convo_table *t, int64_t since)
{
	size_t i, n = convo_table_rows(t);
	const char *s;
	char day[32];
	double x;

	if (since == CONVO_TIME_MIN || n < 2)
		return;
	convo_period_label(day, sizeof(day), since, CONVO_PERIOD_DAY);
	for (i = 0; i < n; i++)
		if ((s = convo_table_cell(t, i, 0)) == NULL ||
		    strlen(s) != 10 || strcmp(s, day) >= 0)
			break;
	if (i == 0 || i == n || convo_table_cell(t, i, 0) == NULL ||
	    strlen(convo_table_cell(t, i, 0)) != 10)
		return;
	x = trend_x(i, n) - (double)T_W / (double)(n - 1) / 2;
	out(p, "<rect class=\"period\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
	    "height=\"%d\"><title>the period</title></rect>\n<text "
	    "x=\"%.1f\" y=\"%d\">period</text>\n", x, T_TOP,
	    T_LEFT + T_W - x, T_H, x + 4, T_TOP + 10);
}

static void
trend(struct page *p, const struct convo_table *t, int64_t since)
{
	size_t i, c, n = convo_table_rows(t);
	double max = 0, sum[4] = { 0 };

	lit(p, "<section class=\"panel wide\" id=\"trend\">\n<h2>Trend per "
	    "day</h2>\n");
	for (i = 0; i < n; i++)
		for (c = 1; c < 4 && c < convo_table_cols(t); c++) {
			sum[c] += number(t, i, c);
			max = fmax(max, number(t, i, c));
		}
	if (n == 0 || max <= 0 || convo_table_cols(t) < 4) {
		no_data(p);
		lit(p, "</section>\n");
		return;
	}
	svg_open(p, "chart trend", WIDE, T_TOP + T_H + 28, "Conversations, "
	    "users and messages per day");
	trend_period(p, t, since);
	trend_axes(p, t, nice_ceil(max));
	for (c = 1; c < 4; c++)
		trend_line(p, t, c, nice_ceil(max));
	lit(p, "</svg>\n<ul class=\"legend\">\n");
	for (c = 1; c < 4; c++) {
		out(p, "<li><span class=\"key\" style=\"background:%s\">"
		    "</span>", line_colors[c - 1]);
		esc(p, convo_table_name(t, c));
		out(p, ": %.0f in %zu %s</li>\n", sum[c], n, n == 1 ? "day" :
		    "days");
	}
	lit(p, "</ul>\n</section>\n");
}

/* The heat map's cells. */
#define H_LEFT 36
#define H_TOP 18
#define H_STEP 28
#define H_ROW 24

static int
heat_level(double v, double max)
{
	return v <= 0 ? 0 : (int)fmin(4, ceil(v / max * 4));
}

static void
heat_cells(struct page *p, const struct convo_table *t, double max)
{
	size_t d, h;
	double v;

	for (h = 0; h < 24; h += 3)
		out(p, "<text x=\"%d\" y=\"%d\">%02zu</text>\n",
		    H_LEFT + (int)h * H_STEP, H_TOP - 6, h);
	for (d = 0; d < 7; d++) {
		out(p, "<text class=\"label\" x=\"0\" y=\"%d\">",
		    H_TOP + (int)d * H_ROW + 15);
		esc(p, convo_table_cell(t, d, 0));
		lit(p, "</text>\n");
		for (h = 0; h < 24; h++) {
			v = number(t, d, h + 1);
			out(p, "<rect class=\"cell\" x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\">"
			    "<title>", H_LEFT + (int)h * H_STEP,
			    H_TOP + (int)d * H_ROW, H_STEP - 2, H_ROW - 2,
			    heat_colors[heat_level(v, max)]);
			esc(p, convo_table_cell(t, d, 0));
			out(p, " %02zu:00: %.0f %s</title></rect>\n", h, v,
			    v == 1 ? "message" : "messages");
		}
	}
}

/*
 * The colours and the counts they stand for: step k holds the counts
 * above (k - 1) / 4 and up to k / 4 of the maximum; a step that holds
 * no whole count is left out.
 */
static void
heat_legend(struct page *p, double max)
{
	double lo, hi;
	int k;

	out(p, "<ul class=\"legend\" aria-label=\"Legend: user messages in "
	    "an hour\">\n<li><span class=\"key\" style=\"background:%s\">"
	    "</span>0</li>\n", heat_colors[0]);
	for (k = 1; k < 5; k++) {
		lo = floor(max * (k - 1) / 4) + 1;
		hi = floor(max * k / 4);
		if (lo > hi)
			continue;
		out(p, "<li><span class=\"key\" style=\"background:%s\">"
		    "</span>%.0f", heat_colors[k], lo);
		if (hi > lo)
			out(p, "\u2013%.0f", hi);
		lit(p, "</li>\n");
	}
	lit(p, "<li>messages in an hour</li>\n</ul>\n");
}

static void
traffic(struct page *p, const struct convo_table *t)
{
	size_t d, h;
	double max = 0;

	lit(p, "<section class=\"panel wide\" id=\"traffic\">\n<h2>User "
	    "messages by weekday and hour</h2>\n");
	if (convo_table_rows(t) == 7 && convo_table_cols(t) == 25)
		for (d = 0; d < 7; d++)
			for (h = 1; h < 25; h++)
				max = fmax(max, number(t, d, h));
	if (max <= 0) {
		no_data(p);
		lit(p, "</section>\n");
		return;
	}
	svg_open(p, "chart heatmap", H_LEFT + 24 * H_STEP, H_TOP + 7 * H_ROW,
	    "User messages by local weekday and hour");
	heat_cells(p, t, max);
	lit(p, "</svg>\n");
	heat_legend(p, max);
	lit(p, "</section>\n");
}

/*
 * Ranked bars, as an HTML list rather than SVG: the labels keep their
 * size in a narrow column and wrap on a phone, and a screen reader
 * reads each row as text.  Widths are against the largest value.
 */
static void
bars(struct page *p, const char *label, const char *const *names,
    const double *values, size_t n, double total)
{
	double max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		max = fmax(max, values[i]);
	if (n == 0 || max <= 0) {
		no_data(p);
		return;
	}
	lit(p, "<ul class=\"bars\" aria-label=\"");
	esc(p, label);
	lit(p, "\">\n");
	for (i = 0; i < n; i++) {
		lit(p, "<li><span class=\"name\" title=\"");
		esc(p, names[i]);
		lit(p, "\">");
		esc(p, names[i]);
		out(p, "</span><span class=\"track\" aria-hidden=\"true\">"
		    "<span class=\"bar\" style=\"width:%.1f%%\"></span>"
		    "</span><span class=\"n\">%.0f", values[i] / max * 100,
		    values[i]);
		if (total > 0)
			out(p, " (%.1f%%)", values[i] / total * 100);
		lit(p, "</span></li>\n");
	}
	lit(p, "</ul>\n");
}

/* Bars from a breakdown's first column and the column col. */
static void
table_bars(struct page *p, const char *label, const struct convo_table *t,
    size_t col, double total)
{
	size_t i, n = t ? convo_table_rows(t) : 0;
	const char **names = calloc(n + 1, sizeof(*names));
	double *values = calloc(n + 1, sizeof(*values));

	if (names == NULL || values == NULL) {
		p->rc = p->rc ? p->rc : CONVO_ENOMEM;
		free(names);
		free(values);
		return;
	}
	for (i = 0; i < n; i++) {
		names[i] = convo_table_cell(t, i, 0);
		names[i] = names[i] ? names[i] : "(unknown)";
		values[i] = number(t, i, col);
	}
	bars(p, label, names, values, n, total);
	free(names);
	free(values);
}

/* A panel with a heading, around bars drawn by the caller. */
static void
panel_open(struct page *p, const char *id, const char *heading)
{
	out(p, "<section class=\"panel\" id=\"%s\">\n<h2>%s</h2>\n", id,
	    heading);
}

static void
status_and_handover(struct page *p, const struct convo_report *r)
{
	static const char *const handed[] = { "with handover",
		"without handover" };
	static const char *const kinds[] = { "asked directly",
		"after a fallback", "operator button" };
	const struct convo_table *st = breakdown(r, "status");
	double conv = figure(r->figures, "conversations"), v[3];
	size_t k;

	conv = isnan(conv) ? 0 : conv;
	lit(p, "<div class=\"grid\">\n");
	if (st != NULL) {
		panel_open(p, "status", "Status");
		table_bars(p, "Conversations by status", st, 1, conv);
		lit(p, "</section>\n");
	}
	panel_open(p, "handover", "Handover to a human");
	v[0] = figure(r->figures, "chats_with_handover");
	v[1] = figure(r->figures, "chats_without_handover");
	v[0] = isnan(v[0]) ? 0 : v[0];
	v[1] = isnan(v[1]) ? 0 : v[1];
	bars(p, "Conversations with and without a handover", handed, v, 2,
	    conv);
	lit(p, "<h3>Requests by kind</h3>\n");
	v[0] = figure(r->figures, "handover_direct");
	v[1] = figure(r->figures, "handover_after_fallback");
	v[2] = figure(r->figures, "handover_operator_button");
	for (k = 0; k < 3; k++)
		v[k] = isnan(v[k]) ? 0 : v[k];
	bars(p, "Handover requests by kind", kinds, v, 3, 0);
	lit(p, "</section>\n</div>\n");
}

static void
geography(struct page *p, const struct convo_report *r)
{
	static const char *const names[][2] = {
		{ "countries", "Countries" }, { "regions", "Regions" },
		{ "cities", "Cities" }
	};
	const struct convo_table *t;
	double conv = figure(r->figures, "conversations");
	size_t i;

	if (breakdown(r, "countries") == NULL && breakdown(r, "regions") ==
	    NULL && breakdown(r, "cities") == NULL)
		return;
	lit(p, "<h2>Conversations by place</h2>\n<div class=\"grid\">\n");
	for (i = 0; i < 3; i++) {
		if ((t = breakdown(r, names[i][0])) == NULL)
			continue;
		panel_open(p, names[i][0], names[i][1]);
		table_bars(p, names[i][1], t, 1, isnan(conv) ? 0 : conv);
		lit(p, "</section>\n");
	}
	lit(p, "</div>\n");
}

/* A column name for people: "thumbs_up" is "thumbs up". */
static void
column_name(struct page *p, const char *name)
{
	char buf[64];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", name);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
	esc(p, buf);
}

static void
table(struct page *p, const char *id, const char *heading,
    const struct convo_table *t)
{
	size_t r, c, cols = convo_table_cols(t);
	const char *cell;
	int num;

	panel_open(p, id, heading);
	if (convo_table_rows(t) == 0) {
		no_data(p);
		lit(p, "</section>\n");
		return;
	}
	lit(p, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (c = 0; c < cols; c++) {
		num = convo_table_kind(t, c) == CONVO_CELL_NUMBER;
		lit(p, num ? "<th class=\"n\">" : "<th>");
		column_name(p, convo_table_name(t, c));
		lit(p, "</th>");
	}
	lit(p, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < convo_table_rows(t); r++) {
		lit(p, "<tr>");
		for (c = 0; c < cols; c++) {
			num = convo_table_kind(t, c) == CONVO_CELL_NUMBER;
			cell = convo_table_cell(t, r, c);
			lit(p, num ? "<td class=\"n\">" : "<td>");
			esc(p, cell ? cell : "-");
			lit(p, "</td>");
		}
		lit(p, "</tr>\n");
	}
	lit(p, "</tbody></table></div>\n</section>\n");
}

static void
tables(struct page *p, const struct convo_report *r)
{
	static const char *const list[][2] = {
		{ "clicks", "Top clicks" },
		{ "agents", "Agents and workflows" },
		{ "top_questions", "Top questions" },
		{ "top_not_understood", "Top messages not understood" },
		{ "sources", "Sources" },
		{ "assistants", "Assistants" },
	};
	const struct convo_table *t;
	size_t i;

	lit(p, "<div class=\"grid\">\n");
	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if ((t = breakdown(r, list[i][0])) != NULL)
			table(p, list[i][0], list[i][1], t);
	lit(p, "</div>\n");
}

static void
body(struct page *p, const struct convo_report *r,
    const struct convo_html_options *o)
{
	const char *title = o->title ? o->title : "Conversations report";
	const struct convo_table *t;

	head(p, title);
	header(p, r, o, title);
	kpi_cards(p, r);
	lit(p, "<div class=\"grid\">\n");
	if ((t = breakdown(r, "trend")) != NULL)
		trend(p, t, r->period.since);
	if ((t = breakdown(r, "traffic")) != NULL)
		traffic(p, t);
	lit(p, "</div>\n");
	status_and_handover(p, r);
	geography(p, r);
	tables(p, r);
	lit(p, "</main>\n<footer>\n<p>Made by convo-stats " CONVO_VERSION
	    ". Shares are of the period's conversations; a dash is a figure "
	    "without a value (nothing to divide by).</p>\n</footer>\n"
	    "</body>\n</html>\n");
}

int
convo_report_print_html(FILE *fp, const struct convo_report *r,
    const struct convo_html_options *o)
{
	struct page p = { .rc = 0 };
	int rc;

	buf_init(&p.b, PAGE_MAX);
	body(&p, r, o);
	if ((rc = p.rc) == 0 && fwrite(p.b.data, 1, p.b.len, fp) != p.b.len)
		rc = CONVO_EIO;
	buf_release(&p.b);
	return rc;
}
