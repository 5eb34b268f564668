/*
 * fuzz_table.c: libFuzzer harness for the table printer and its escapers
 * (lib/table.c: CSV quoting, TSV, convo_json_string, width cutting).
 *
 * The input: a byte whose bits mark the first eight columns as numbers,
 * a byte that gives a small terminal width, then lines (at '\n') of
 * cells (at '\t').  The first line names the columns (at most 16).  In
 * a cell, \t \n \r and \\ stand for a tab, a line end, a carriage return
 * and a backslash, and a cell that is just \N is null; NUL bytes are
 * dropped.  A number column only takes cells that are JSON numbers; any
 * other cell there is null, as is one over 63 bytes: cJSON cuts longer
 * numbers.
 *
 * The table is printed in all four formats, the table twice (uncut and
 * cut to the small width), and each output is read back: the JSON with
 * cJSON must give the same cells, bad bytes as U+FFFD; the CSV with libcsv
 * the cells as esc_text() cleans them; the TSV the cells as esc_line()
 * does, and the table lines must be as wide as the columns so cleaned
 * say.  Every output is valid UTF-8, whatever came in, and the table and
 * the TSV hold no control character but their tabs and line ends.
 */
#include "convo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <csv.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 16
#define MAX_ROWS 64

/* The cells as the harness set them, to compare the outputs with. */
struct cells {
	size_t n_cols, n_rows;
	char *names[MAX_COLS];
	char *cell[MAX_ROWS][MAX_COLS];	/* NULL for null */
	int number[MAX_COLS];
	int valid;		/* every name and cell is valid UTF-8 */
};

/* s cleaned by fn (esc_text, esc_line, ...), as a new string. */
static char *
cleaned(int (*fn)(struct buf *, const char *, size_t), const char *s)
{
	struct buf b;
	char *out;

	if (s == NULL)
		return NULL;
	buf_init(&b, (size_t)1 << 30);
	if (fn(&b, s, strlen(s)) != 0 || buf_add(&b, "", 0) != 0 ||
	    (out = buf_detach(&b)) == NULL)
		abort();
	return out;
}

/* s with each bad byte U+FFFD and nothing else changed: what JSON says. */
static int
fix_utf8(struct buf *b, const char *s, size_t n)
{
	size_t bad;

	while ((bad = utf8_check(s, n)) != 0) {
		if (buf_add(b, s, bad - 1) != 0 ||
		    buf_adds(b, "\xef\xbf\xbd") != 0)
			return CONVO_ENOMEM;
		s += bad;
		n -= bad;
	}
	return buf_add(b, s, n);
}

/* Whether s[0..len-1] is well-formed UTF-8 (RFC 3629). */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	return utf8_check((const char *)s, len) == 0;
}

/* Code points, as the table counts columns: bytes that do not continue. */
static size_t
width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Whether s is a number by the JSON grammar (RFC 8259). */
static int
json_number(const char *s)
{
	if (strlen(s) > 63)
		return 0;
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/*
 * Reads one cell from p, up to a tab, a line end or end; decodes the
 * escapes.  Returns the cell (malloc'd) and moves *pp past it, leaving
 * it on the separator.  *is_null is set for \N.
 */
static char *
read_cell(const char **pp, const char *end, int *is_null)
{
	const char *p = *pp, *start = *pp;
	char *out, *o;

	while (p < end && *p != '\t' && *p != '\n')
		p++;
	*pp = p;
	*is_null = p - start == 2 && start[0] == '\\' && start[1] == 'N';
	if ((out = malloc((size_t)(p - start) + 1)) == NULL)
		abort();
	for (o = out; start < p; start++) {
		if (*start == '\0')
			continue;
		if (*start == '\\' && start + 1 < p && strchr("tnr\\",
		    start[1]) != NULL && start[1] != '\0') {
			start++;
			*o++ = *start == 't' ? '\t' : *start == 'n' ? '\n' :
			    *start == 'r' ? '\r' : '\\';
		} else
			*o++ = *start;
	}
	*o = '\0';
	return out;
}

static void
cells_free(struct cells *c)
{
	size_t r, k;

	for (k = 0; k < c->n_cols; k++)
		free(c->names[k]);
	for (r = 0; r < c->n_rows; r++)
		for (k = 0; k < c->n_cols; k++)
			free(c->cell[r][k]);
}

/* Splits the input into names and cells. */
static void
cells_read(struct cells *c, const char *p, const char *end,
    unsigned numbers)
{
	char *s;
	size_t k;
	int is_null;

	memset(c, 0, sizeof(*c));
	c->valid = 1;
	/* The names: the first line. */
	for (;;) {
		s = read_cell(&p, end, &is_null);
		if (c->n_cols < MAX_COLS) {
			c->names[c->n_cols] = s;
			c->number[c->n_cols] = c->n_cols < 8 &&
			    (numbers >> c->n_cols & 1);
			c->valid &= utf8_valid((unsigned char *)s, strlen(s));
			c->n_cols++;
		} else
			free(s);
		if (p == end || *p++ == '\n')
			break;
	}
	/* The rows. */
	while (p < end && c->n_rows < MAX_ROWS) {
		k = 0;
		for (;;) {
			s = read_cell(&p, end, &is_null);
			if (k < c->n_cols && !is_null && (!c->number[k] ||
			    json_number(s))) {
				c->cell[c->n_rows][k] = s;
				c->valid &= utf8_valid((unsigned char *)s,
				    strlen(s));
			} else
				free(s);
			k++;
			if (p == end || *p++ == '\n')
				break;
		}
		c->n_rows++;
	}
}

static struct convo_table *
table_make(const struct cells *c)
{
	struct convo_table *t;
	size_t r, k;

	if (convo_table_new(&t, c->n_cols, (const char *const *)c->names)
	    != 0)
		abort();
	for (k = 0; k < c->n_cols; k++)
		if (c->number[k])
			convo_table_set_kind(t, k, CONVO_CELL_NUMBER);
	for (r = 0; r < c->n_rows; r++) {
		if (convo_table_add_row(t) != 0)
			abort();
		/* Numbers go through the printf form, as the commands do. */
		for (k = 0; k < c->n_cols; k++)
			if ((c->number[k] && c->cell[r][k] != NULL ?
			    convo_table_setf(t, k, "%s", c->cell[r][k]) :
			    convo_table_set(t, k, c->cell[r][k])) != 0)
				abort();
	}
	for (k = 0; k < c->n_cols; k++)
		if (strcmp(convo_table_name(t, k), c->names[k]) != 0 ||
		    convo_table_kind(t, k) != (c->number[k] ?
		    CONVO_CELL_NUMBER : CONVO_CELL_TEXT))
			abort();
	if (convo_table_name(t, c->n_cols) != NULL ||
	    convo_table_cell(t, c->n_rows, 0) != NULL ||
	    convo_table_set(t, c->n_cols, "x") != CONVO_EUSAGE)
		abort();
	if (convo_table_rows(t) != c->n_rows || convo_table_cols(t) !=
	    c->n_cols)
		abort();
	for (r = 0; r < c->n_rows; r++)
		for (k = 0; k < c->n_cols; k++) {
			const char *s = convo_table_cell(t, r, k);

			if ((s == NULL) != (c->cell[r][k] == NULL) ||
			    (s != NULL && strcmp(s, c->cell[r][k]) != 0))
				abort();
		}
	return t;
}

/* Prints t as how into a new string of *len bytes. */
static char *
render(size_t *len, const struct convo_table *t, enum convo_output how,
    size_t max_width)
{
	char *out = NULL;
	FILE *fp;

	if ((fp = open_memstream(&out, len)) == NULL)
		abort();
	convo_table_print(fp, t, how, max_width);
	if (fclose(fp) != 0)
		abort();
	return out;
}

/* The JSON must parse back to the same names and cells. */
static void
check_json(const struct cells *c, const char *out)
{
	const cJSON *row, *v;
	cJSON *root;
	size_t r = 0, k;

	if ((root = cJSON_ParseWithOpts(out, NULL, 1)) == NULL ||
	    !cJSON_IsArray(root))
		abort();
	cJSON_ArrayForEach(row, root) {
		if (r >= c->n_rows || !cJSON_IsObject(row))
			abort();
		k = 0;
		cJSON_ArrayForEach(v, row) {
			char *s = k < c->n_cols ? cleaned(fix_utf8,
			    c->cell[r][k]) : NULL;
			char *name = k < c->n_cols ? cleaned(fix_utf8,
			    c->names[k]) : NULL;

			if (k >= c->n_cols || v->string == NULL ||
			    strcmp(v->string, name) != 0)
				abort();
			if (s == NULL) {
				if (!cJSON_IsNull(v))
					abort();
			} else if (c->number[k]) {
				if (!cJSON_IsNumber(v) ||
				    v->valuedouble != strtod(s, NULL))
					abort();
			} else if (!cJSON_IsString(v) ||
			    strcmp(v->valuestring, s) != 0)
				abort();
			free(s);
			free(name);
			k++;
		}
		if (k != c->n_cols)
			abort();
		r++;
	}
	if (r != c->n_rows)
		abort();
	cJSON_Delete(root);
}

/* What libcsv reads back. */
struct csv_back {
	const struct cells *c;
	size_t row, col;
	int bad;
};

static void
csv_field(void *s, size_t len, void *ctx)
{
	struct csv_back *b = ctx;
	const struct cells *c = b->c;
	char *want;

	if (b->row > c->n_rows || b->col >= c->n_cols) {
		b->bad = 1;
		return;
	}
	want = cleaned(esc_text, b->row == 0 ? c->names[b->col] :
	    c->cell[b->row - 1][b->col]);
	if (strlen(want ? want : "") != len || (len > 0 &&
	    memcmp(want, s, len) != 0))
		b->bad = 1;
	free(want);
	b->col++;
}

static void
csv_row(int term, void *ctx)
{
	struct csv_back *b = ctx;

	(void)term;
	if (b->col != b->c->n_cols)
		b->bad = 1;
	b->row++;
	b->col = 0;
}

/* RFC 4180 keeps blanks around a field: libcsv would trim them. */
static int
csv_no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

/* The CSV must parse back to the same names and cells (null is empty). */
static void
check_csv(const struct cells *c, const char *out, size_t len)
{
	struct csv_parser p;
	struct csv_back b = { c, 0, 0, 0 };

	if (len < 2 || out[len - 2] != '\r' || out[len - 1] != '\n')
		abort();
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_space_func(&p, csv_no_space);
	if (csv_parse(&p, out, len, csv_field, csv_row, &b) != len)
		abort();
	if (csv_fini(&p, csv_field, csv_row, &b) != 0)
		abort();
	csv_free(&p);
	if (b.bad || b.row != c->n_rows + 1)
		abort();
}

/* The TSV: a line per row, a field per column, cleaned by esc_line(). */
static void
check_tsv(const struct cells *c, const char *out, size_t len)
{
	const char *p = out, *end = out + len;
	char *want;
	size_t r, k, i;

	for (r = 0; r <= c->n_rows; r++)
		for (k = 0; k < c->n_cols; k++) {
			want = cleaned(esc_line, r == 0 ? c->names[k] :
			    c->cell[r - 1][k]);
			for (i = 0; want != NULL && want[i] != '\0'; i++, p++)
				if (p == end || *p != want[i])
					abort();
			free(want);
			if (p == end || *p++ != (k + 1 < c->n_cols ? '\t' :
			    '\n'))
				abort();
		}
	if (p != end)
		abort();
}

/*
 * The table for people: a line per row and the header; every line at
 * most as wide as the columns, the widest exactly so.  Cut to max_width,
 * text columns give way down to 10 (the last) and 8 (the others)
 * columns; numbers never do.
 */
static void
check_text(const struct cells *c, const char *out, size_t len,
    size_t max_width)
{
	size_t w[MAX_COLS], total = 0, r, k, lw, widest = 0, lines = 0;
	const char *p = out, *end = out + len, *nl, *s;
	char *f;

	for (k = 0; k < c->n_cols; k++) {
		f = cleaned(esc_line, c->names[k]);
		w[k] = width(f, strlen(f));
		free(f);
		for (r = 0; r < c->n_rows; r++) {
			f = cleaned(esc_line, c->cell[r][k] != NULL ?
			    c->cell[r][k] : "-");
			if (width(f, strlen(f)) > w[k])
				w[k] = width(f, strlen(f));
			free(f);
		}
		total += w[k] + (k > 0 ? 2 : 0);
	}
	if (max_width > 0 && total > max_width) {
		size_t floor = 0, min;

		for (k = 0; k < c->n_cols; k++) {
			min = k + 1 == c->n_cols ? 10 : 8;
			floor += (c->number[k] || w[k] < min ? w[k] : min) +
			    (k > 0 ? 2 : 0);
		}
		total = floor > max_width ? floor : max_width;
	}
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			abort();
		/* Control characters are shown as spaces or U+FFFD. */
		for (s = p; s < nl; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f ||
			    utf8_disguise(s, (size_t)(nl - s)) != 0)
				abort();
		lw = width(p, (size_t)(nl - p));
		if (lw > total)
			abort();
		if (lw > widest)
			widest = lw;
		lines++;
		p = nl + 1;
	}
	if (lines != c->n_rows + 1 || widest != total)
		abort();
}

static void
check_utf8(const struct cells *c, const char *out, size_t len)
{
	(void)c;
	if (!utf8_valid((const unsigned char *)out, len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cells c;
	struct convo_table *t;
	size_t len, small;
	char *out;

	if (size < 2)
		return 0;
	cells_read(&c, (const char *)data + 2, (const char *)data + size,
	    data[0]);
	small = 1 + data[1] % 100;
	t = table_make(&c);

	out = render(&len, t, CONVO_OUT_JSON, 0);
	check_utf8(&c, out, len);
	if (strlen(out) != len)
		abort();
	check_json(&c, out);
	free(out);

	out = render(&len, t, CONVO_OUT_CSV, 0);
	check_utf8(&c, out, len);
	check_csv(&c, out, len);
	free(out);

	out = render(&len, t, CONVO_OUT_TSV, 0);
	check_utf8(&c, out, len);
	check_tsv(&c, out, len);
	free(out);

	out = render(&len, t, CONVO_OUT_TABLE, 0);
	check_utf8(&c, out, len);
	check_text(&c, out, len, 0);
	free(out);

	out = render(&len, t, CONVO_OUT_TABLE, small);
	check_utf8(&c, out, len);
	check_text(&c, out, len, small);
	free(out);

	convo_table_free(t);
	cells_free(&c);
	return 0;
}
