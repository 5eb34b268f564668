/*
 * fuzz_report_print.c: libFuzzer harness for the convo-stats report
 * renderers: the table, CSV, TSV and JSON of lib/render_report.c and the
 * HTML page of lib/render_html_report.c.
 *
 * The input is a report as text, a line per item (unknown lines are
 * skipped):
 *   flags N                   bit 0 colour, bit 1 graphics, bits 2-3 zone
 *   title TEXT, tz TEXT       the HTML title, the zone's name
 *   query S\tA\tST\tU\tT      filters (source, assistant, status, user,
 *                             test traffic when T is not empty)
 *   period SINCE UNTIL [PREV_SINCE PREV_UNTIL]
 *                             timestamps, "-" for an open end or none
 *   fig NAME V [NUM DEN LOW HIGH], prev NAME V ...
 *                             a figure now and before; "null", "nan"
 *   by FIELD                  --by, then "group VALUE\tSINCE\tUNTIL" and
 *                             "gfig NAME V" lines for its groups
 *   breakdown NAME            then, up to an empty line, a table: column
 *                             names (ending in '#' for a number column),
 *                             rows of cells at tabs; \t \n \r \\ escape,
 *                             \N is null
 * as the store would give it: figures finite or null, number cells
 * non-negative decimals, breakdown names those report.c takes; any text
 * elsewhere, any shape of table.
 *
 * Checked:
 *   - JSON: cJSON reads it; every figure is its value (to 12 digits) or
 *     null, previous figures when compared, each breakdown an array of
 *     its rows, each group;
 *   - CSV: libcsv reads it strictly, a row per figure (or per figure of
 *     the groups) and per breakdown row, header and name line;
 *   - TSV: as many lines as that, with the empty ones;
 *   - table: no control character but line ends and, with colour, the
 *     SGR sequences it writes; valid UTF-8 when the input was;
 *   - HTML: valid UTF-8; every tag and attribute one the renderer
 *     writes, numbers in SVG attributes and styles finite: no text of
 *     the input is markup and no NaN reaches a drawing.
 */
#include "convo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <csv.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_GROUPS 32
#define MAX_BREAKDOWNS 16
#define MAX_COLS 32
#define MAX_ROWS 64

static const char *const breakdown_names[] = {
	"traffic", "trend", "clicks", "agents", "sources", "assistants",
	"devices", "browsers", "countries", "regions", "cities", "status",
	"top_questions", "top_not_understood", "whatsapp_window", NULL
};

static const char *const zones[] = {
	"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"
};

/* What the harness built, to free and to compare the outputs with. */
struct input {
	struct convo_report r;
	struct convo_html_options html;
	struct convo_render_options o;
	struct convo_query q;
	struct convo_report_group groups[MAX_GROUPS];
	struct convo_table *tables[MAX_BREAKDOWNS];
	const char *names[MAX_BREAKDOWNS];
	char *strings[16];	/* title, tz, by, filters: owned */
	size_t n_strings;
	int valid;		/* every text is valid UTF-8 */
};

static char *
keep(struct input *in, const char *s, size_t n)
{
	char *copy;

	if (in->n_strings == sizeof(in->strings) / sizeof(in->strings[0]))
		return NULL;
	if ((copy = strndup(s, n)) == NULL)
		abort();
	if (utf8_check(copy, strlen(copy)) != 0)
		in->valid = 0;
	in->strings[in->n_strings++] = copy;
	return copy;
}

static struct convo_figure *
figures_new(void)
{
	struct convo_figure *f;
	size_t i;

	if ((f = calloc(convo_kpi_count(), sizeof(*f))) == NULL)
		abort();
	for (i = 0; i < convo_kpi_count(); i++) {
		f[i].is_null = 1;
		f[i].value = f[i].num = f[i].den = NAN;
		f[i].low = f[i].high = NAN;
	}
	return f;
}

/* A number of a figure: finite, or NAN for "null" and anything else. */
static double
number(const char **p)
{
	char *end;
	double v;

	while (**p == ' ')
		(*p)++;
	v = strtod(*p, &end);
	if (end == *p) {
		while (**p != '\0' && **p != ' ')
			(*p)++;
		return NAN;
	}
	*p = end;
	return isfinite(v) ? v : NAN;
}

/* "NAME V [NUM DEN LOW HIGH]" into f. */
static void
set_figure(struct convo_figure *f, const char *line)
{
	const char *sp = strchr(line, ' ');
	char name[64];
	int k;

	if (f == NULL || sp == NULL || (size_t)(sp - line) >= sizeof(name))
		return;
	memcpy(name, line, (size_t)(sp - line));
	name[sp - line] = '\0';
	if ((k = convo_kpi_find(name)) < 0)
		return;
	f[k].value = number(&sp);
	f[k].is_null = isnan(f[k].value);
	f[k].num = number(&sp);
	f[k].den = number(&sp);
	f[k].low = number(&sp);
	f[k].high = number(&sp);
}

/* A time, "-" or bad for none. */
static int64_t
when(const char **p, int64_t none)
{
	char buf[64];
	size_t n;
	int64_t t;
	const char *why;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	n = strcspn(*p, " \t");
	if (n >= sizeof(buf)) {
		*p += n;
		return none;
	}
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n;
	return convo_time_parse(&t, &why, buf) == 0 ? t : none;
}

static void
set_period(struct input *in, const char *p)
{
	struct convo_period *pd = &in->r.period;

	pd->since = when(&p, CONVO_TIME_MIN);
	pd->until = when(&p, CONVO_TIME_MAX);
	if (pd->until <= pd->since)
		pd->until = CONVO_TIME_MAX;
	pd->prev_since = when(&p, CONVO_TIME_NONE);
	pd->prev_until = when(&p, CONVO_TIME_NONE);
	if (pd->prev_since == CONVO_TIME_NONE || pd->prev_until ==
	    CONVO_TIME_NONE || pd->prev_until <= pd->prev_since)
		pd->prev_since = pd->prev_until = CONVO_TIME_NONE;
	else if (in->r.previous == NULL)
		in->r.previous = figures_new();
}

/* Whether s is a count or a share as the store writes one. */
static int
decimal(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 15)
		return 0;
	if (s[n] == '.' && strspn(s + n + 1, "0123456789") > 0 &&
	    strspn(s + n + 1, "0123456789") <= 6)
		n += 1 + strspn(s + n + 1, "0123456789");
	return s[n] == '\0';
}

/* One cell from p up to a tab or the line's end, unescaped. */
static char *
cell(const char **pp, const char *end, int *is_null)
{
	const char *p = *pp, *s = *pp;
	char *out, *o;

	while (p < end && *p != '\t')
		p++;
	*pp = p;
	*is_null = p - s == 2 && s[0] == '\\' && s[1] == 'N';
	if ((out = malloc((size_t)(p - s) + 1)) == NULL)
		abort();
	for (o = out; s < p; s++) {
		if (*s == '\\' && s + 1 < p && strchr("tnr\\", s[1]) != NULL &&
		    s[1] != '\0') {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ?
			    '\r' : '\\';
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* The lines of a breakdown's table, up to an empty line or the end. */
static const char *
read_table(struct input *in, struct convo_table **out, const char *p,
    const char *end)
{
	char *names[MAX_COLS], *s;
	int number[MAX_COLS], is_null;
	size_t n = 0, k, rows = 0;
	const char *eol;

	eol = memchr(p, '\n', (size_t)(end - p));
	eol = eol ? eol : end;
	while (p <= eol && n < MAX_COLS) {
		s = cell(&p, eol, &is_null);
		number[n] = strlen(s) > 0 && s[strlen(s) - 1] == '#';
		if (number[n])
			s[strlen(s) - 1] = '\0';
		if (utf8_check(s, strlen(s)) != 0)
			in->valid = 0;
		names[n++] = s;
		if (p++ >= eol)
			break;
	}
	if (convo_table_new(out, n, (const char *const *)names) != 0)
		abort();
	for (k = 0; k < n; k++) {
		if (number[k])
			convo_table_set_kind(*out, k, CONVO_CELL_NUMBER);
		free(names[k]);
	}
	for (p = eol < end ? eol + 1 : end; p < end && *p != '\n' &&
	    rows < MAX_ROWS; rows++) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol ? eol : end;
		if (convo_table_add_row(*out) != 0)
			abort();
		for (k = 0; p <= eol; k++) {
			s = cell(&p, eol, &is_null);
			if (k < n && !is_null && (!number[k] || decimal(s))) {
				if (utf8_check(s, strlen(s)) != 0)
					in->valid = 0;
				if (convo_table_set(*out, k, s) != 0)
					abort();
			}
			free(s);
			if (p++ >= eol)
				break;
		}
		p = eol < end ? eol + 1 : end;
	}
	return p;
}

static void
read_group(struct input *in, const char *p)
{
	struct convo_report_group *g = &in->groups[in->r.n_groups];
	const char *tab = strchr(p, '\t');

	if (in->r.n_groups == MAX_GROUPS)
		return;
	if ((g->value = strndup(p, tab ? (size_t)(tab - p) : strlen(p))) ==
	    NULL)
		abort();
	if (utf8_check(g->value, strlen(g->value)) != 0)
		in->valid = 0;
	g->since = g->until = CONVO_TIME_NONE;
	if (tab != NULL) {
		p = tab + 1;
		g->since = when(&p, CONVO_TIME_NONE);
		g->until = when(&p, CONVO_TIME_NONE);
		if (g->since == CONVO_TIME_NONE || g->until <= g->since)
			g->since = g->until = CONVO_TIME_NONE;
	}
	g->figures = figures_new();
	in->r.n_groups++;
}

static int
starts(const char *line, const char *word)
{
	return strncmp(line, word, strlen(word)) == 0;
}

static void
read_input(struct input *in, const char *p, const char *end)
{
	char line[4096];
	const char *eol;
	size_t n, k;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol ? eol : end;
		n = (size_t)(eol - p) < sizeof(line) ? (size_t)(eol - p) :
		    sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol < end ? eol + 1 : end;
		if (starts(line, "flags ")) {
			k = strtoul(line + 6, NULL, 10);
			in->o.color = k & 1;
			in->o.graphics = k >> 1 & 1;
			setenv("TZ", zones[k >> 2 & 3], 1);
			tzset();
		} else if (starts(line, "title "))
			in->html.title = keep(in, line + 6, n - 6);
		else if (starts(line, "tz ")) {
			/* A zone's name, the user's own TZ: no controls. */
			for (k = 3; k < n; k++)
				if ((unsigned char)line[k] < 0x20 ||
				    line[k] == 0x7f)
					line[k] = '?';
			in->html.tz = in->o.tz = keep(in, line + 3, n - 3);
		}
		else if (starts(line, "query ")) {
			const char **f[4] = { &in->q.source, &in->q.assistant,
			    &in->q.status, &in->q.user };
			const char *s = line + 6, *tab;

			for (k = 0; k < 5; k++) {
				tab = strchr(s, '\t');
				tab = tab ? tab : s + strlen(s);
				if (k < 4 && tab > s)
					*f[k] = keep(in, s, (size_t)(tab - s));
				else if (k == 4)
					in->q.include_test = tab > s;
				if (*tab == '\0')
					break;
				s = tab + 1;
			}
		} else if (starts(line, "period "))
			set_period(in, line + 7);
		else if (starts(line, "fig "))
			set_figure(in->r.figures, line + 4);
		else if (starts(line, "prev "))
			set_figure(in->r.previous, line + 5);
		else if (starts(line, "by ") && in->r.by == NULL)
			in->r.by = keep(in, line + 3, n - 3);
		else if (starts(line, "group ") && in->r.by != NULL)
			read_group(in, line + 6);
		else if (starts(line, "gfig ") && in->r.n_groups > 0)
			set_figure(in->groups[in->r.n_groups - 1].figures,
			    line + 5);
		else if (starts(line, "breakdown ") &&
		    in->r.n_breakdowns < MAX_BREAKDOWNS) {
			for (k = 0; breakdown_names[k] != NULL; k++)
				if (strcmp(line + 10, breakdown_names[k]) == 0)
					break;
			if (breakdown_names[k] == NULL)
				continue;
			in->names[in->r.n_breakdowns] = breakdown_names[k];
			p = read_table(in, &in->tables[in->r.n_breakdowns], p,
			    end);
			in->r.n_breakdowns++;
		}
	}
}

static char *
print(size_t *len, const struct input *in, enum convo_output how)
{
	struct convo_render_options o = in->o;
	char *out = NULL;
	FILE *fp;

	o.how = how;
	if ((fp = open_memstream(&out, len)) == NULL)
		abort();
	convo_report_print(fp, &in->r, &o);
	if (fclose(fp) != 0)
		abort();
	return out;
}

/* A figure in the JSON: null, or its value to 12 significant digits. */
static void
check_figures(const cJSON *obj, const struct convo_figure *f)
{
	const cJSON *v;
	size_t i;

	if (!cJSON_IsObject(obj))
		abort();
	for (i = 0; i < convo_kpi_count(); i++) {
		v = cJSON_GetObjectItemCaseSensitive(obj,
		    convo_kpi_at(i)->name);
		if (f[i].is_null ? !cJSON_IsNull(v) : !cJSON_IsNumber(v) ||
		    fabs(v->valuedouble - f[i].value) > 1e-11 *
		    fmax(1, fabs(f[i].value)))
			abort();
	}
}

static void
check_json(const struct input *in, const char *s)
{
	const cJSON *b, *g;
	cJSON *root;
	size_t i;

	if ((root = cJSON_ParseWithOpts(s, NULL, 1)) == NULL)
		abort();
	check_figures(cJSON_GetObjectItemCaseSensitive(root, "figures"),
	    in->r.figures);
	if (in->r.previous != NULL)
		check_figures(cJSON_GetObjectItemCaseSensitive(root,
		    "previous_figures"), in->r.previous);
	else if (cJSON_HasObjectItem(root, "previous_figures"))
		abort();
	b = cJSON_GetObjectItemCaseSensitive(root, "breakdowns");
	for (i = 0; i < in->r.n_breakdowns; i++) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(b,
		    in->names[i]);

		/* A name given twice: the first one is read. */
		if (!cJSON_IsArray(t))
			abort();
	}
	if (in->r.by != NULL) {
		g = cJSON_GetObjectItemCaseSensitive(root, "groups");
		if (!cJSON_IsArray(g) || (size_t)cJSON_GetArraySize(g) !=
		    in->r.n_groups)
			abort();
		for (i = 0; i < in->r.n_groups; i++)
			check_figures(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetArrayItem(g, (int)i), "figures"),
			    in->groups[i].figures);
	}
	cJSON_Delete(root);
}

/* The rows print_sv writes: the figures or groups, then each breakdown. */
static size_t
sv_rows(const struct input *in, int blank)
{
	size_t i, n = 1 + convo_kpi_count();

	for (i = 0; i < in->r.n_breakdowns; i++)
		n += (size_t)blank + 1 + 1 + convo_table_rows(in->tables[i]);
	return n;
}

static void
csv_field(void *s, size_t len, void *ctx)
{
	(void)s;
	(void)len;
	(void)ctx;
}

static void
csv_row(int term, void *ctx)
{
	(void)term;
	(*(size_t *)ctx)++;
}

static int
csv_no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static void
check_csv(const struct input *in, const char *s, size_t len)
{
	struct csv_parser p;
	size_t rows = 0;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_space_func(&p, csv_no_space);
	if (csv_parse(&p, s, len, csv_field, csv_row, &rows) != len ||
	    csv_fini(&p, csv_field, csv_row, &rows) != 0)
		abort();
	csv_free(&p);
	if (rows != sv_rows(in, 0))
		abort();
}

static void
check_tsv(const struct input *in, const char *s, size_t len)
{
	size_t i, lines = 0;

	for (i = 0; i < len; i++)
		lines += s[i] == '\n';
	if (lines != sv_rows(in, 1) || (len > 0 && s[len - 1] != '\n'))
		abort();
}

/* The table: line ends, and colour only as the renderer writes it. */
static void
check_text(const struct input *in, const char *s, size_t len)
{
	static const char *const sgr[] = { "\033[1m", "\033[32m", "\033[31m",
	    "\033[0m" };
	size_t i, k;

	if (in->valid && utf8_check(s, len) != 0)
		abort();
	for (i = 0; i < len; i++) {
		if (s[i] == '\033' && in->o.color) {
			for (k = 0; k < 4; k++)
				if (strncmp(s + i, sgr[k], strlen(sgr[k])) == 0)
					break;
			if (k == 4)
				abort();
		} else if (((unsigned char)s[i] < 0x20 && s[i] != '\n') ||
		    s[i] == 0x7f)
			abort();
	}
}

static const char *const tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body",
	"header", "h1", "h2", "h3", "dl", "dt", "dd", "div", "main",
	"section", "p", "span", "svg", "line", "text", "polyline", "circle",
	"rect", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
	"footer", NULL
};

/* Attributes, and whether their value is numbers. */
static const struct {
	const char *name;
	int numbers;
} attrs[] = {
	{ "lang", 0 }, { "charset", 0 }, { "name", 0 }, { "content", 0 },
	{ "class", 0 }, { "id", 0 }, { "role", 0 }, { "aria-label", 0 },
	{ "aria-hidden", 0 }, { "title", 0 }, { "fill", 0 }, { "stroke", 0 },
	{ "text-anchor", 0 }, { "style", 0 }, { "viewBox", 1 },
	{ "x", 1 }, { "y", 1 }, { "x1", 1 }, { "x2", 1 }, { "y1", 1 },
	{ "y2", 1 }, { "width", 1 }, { "height", 1 }, { "rx", 1 },
	{ "r", 1 }, { "cx", 1 }, { "cy", 1 }, { "stroke-width", 1 },
	{ "points", 1 }, { NULL, 0 }
};

static int
in_tags(const char *s, size_t n)
{
	size_t i;

	for (i = 0; tags[i] != NULL; i++)
		if (strlen(tags[i]) == n && strncasecmp(tags[i], s, n) == 0)
			return 1;
	return 0;
}

/* Numbers separated by spaces or commas, each finite. */
static void
check_numbers(const char *s, const char *end)
{
	char *e;
	double v;

	while (s < end) {
		if (*s == ' ' || *s == ',') {
			s++;
			continue;
		}
		v = strtod(s, &e);
		if (e == s || e > end || !isfinite(v))
			abort();
		s = e;
	}
}

/* A style the renderer writes: "width:N%" or "background:#RRGGBB". */
static void
check_style(const char *s, const char *end)
{
	if ((size_t)(end - s) > 6 && strncmp(s, "width:", 6) == 0 &&
	    end[-1] == '%')
		check_numbers(s + 6, end - 1);
	else if (!((size_t)(end - s) == 18 && strncmp(s, "background:#",
	    12) == 0))
		abort();
}

static const char *
check_tag(const char *p, const char *end)
{
	const char *name, *v;
	size_t i, n;

	if (*p == '/')
		p++;
	for (name = p; p < end && *p != ' ' && *p != '>' && *p != '/'; p++)
		;
	if (!in_tags(name, (size_t)(p - name)))
		abort();
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p < end && (*p == '>' || (*p == '/' && p + 1 < end &&
		    p[1] == '>')))
			return p + (*p == '/' ? 2 : 1);
		for (name = p; p < end && *p != '=' && *p != ' ' && *p != '>';
		    p++)
			;
		n = (size_t)(p - name);
		for (i = 0; attrs[i].name != NULL; i++)
			if (strlen(attrs[i].name) == n &&
			    strncmp(attrs[i].name, name, n) == 0)
				break;
		/* "<!DOCTYPE html>": html is no attribute, but allowed. */
		if (attrs[i].name == NULL) {
			if (n == 4 && strncmp(name, "html", 4) == 0)
				continue;
			abort();
		}
		if (p >= end || *p != '=' || p + 1 >= end || p[1] != '"')
			abort();
		v = p + 2;
		if ((p = memchr(v, '"', (size_t)(end - v))) == NULL)
			abort();
		if (attrs[i].numbers)
			check_numbers(v, p);
		else if (strcmp(attrs[i].name, "style") == 0)
			check_style(v, p);
		p++;
	}
}

/* The style sheet is the renderer's own and has no '<'. */
static void
check_html(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	if (utf8_check(s, n) != 0)
		abort();
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL)
		p = check_tag(p + 1, end);
}

static void
input_free(struct input *in)
{
	size_t i;

	free(in->r.figures);
	free(in->r.previous);
	for (i = 0; i < in->r.n_groups; i++) {
		free(in->groups[i].value);
		free(in->groups[i].figures);
	}
	for (i = 0; i < in->r.n_breakdowns; i++)
		convo_table_free(in->tables[i]);
	for (i = 0; i < in->n_strings; i++)
		free(in->strings[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	char *out;
	size_t len;
	FILE *fp;
	int rc;

	if (size > (1u << 16))
		return 0;
	memset(&in, 0, sizeof(in));
	in.valid = 1;
	in.q = (struct convo_query)CONVO_QUERY_INIT;
	in.html.query = &in.q;
	in.html.generated = INT64_C(1795170615000);
	in.o.tz = "UTC";
	setenv("TZ", "UTC", 1);
	tzset();
	in.r.period.since = CONVO_TIME_MIN;
	in.r.period.until = CONVO_TIME_MAX;
	in.r.period.prev_since = in.r.period.prev_until = CONVO_TIME_NONE;
	in.r.figures = figures_new();
	in.r.groups = in.groups;
	in.r.breakdowns = in.tables;
	in.r.breakdown_names = in.names;
	read_input(&in, (const char *)data, (const char *)data + size);
	if (in.o.tz == NULL)
		in.o.tz = "UTC";

	out = print(&len, &in, CONVO_OUT_JSON);
	check_json(&in, out);
	free(out);
	out = print(&len, &in, CONVO_OUT_CSV);
	check_csv(&in, out, len);
	free(out);
	out = print(&len, &in, CONVO_OUT_TSV);
	check_tsv(&in, out, len);
	free(out);
	out = print(&len, &in, CONVO_OUT_TABLE);
	check_text(&in, out, len);
	free(out);

	if ((fp = open_memstream(&out, &len)) == NULL)
		abort();
	rc = convo_report_print_html(fp, &in.r, &in.html);
	if (fclose(fp) != 0 || rc != 0)
		abort();
	check_html(out, len);
	free(out);
	input_free(&in);
	return 0;
}
