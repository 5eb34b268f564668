/*
 * table.c: a table of text cells, built row by row and printed as an
 * aligned table for people, as CSV (RFC 4180) or TSV, or as a JSON array
 * of objects keyed by the column names.  Every command's tabular output
 * goes through here, so the formats carry the same cells.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct convo_table {
	size_t n_cols;
	char **names;		/* column names */
	int *kinds;		/* enum convo_cell_kind per column */
	char **cells;		/* n_rows * n_cols, NULL for null */
	size_t n_rows;
	size_t cap_rows;
};

int
convo_table_new(struct convo_table **out, size_t n_cols,
    const char *const *names)
{
	struct convo_table *t;
	size_t i;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return CONVO_ENOMEM;
	t->n_cols = n_cols;
	t->names = calloc(n_cols ? n_cols : 1, sizeof(*t->names));
	t->kinds = calloc(n_cols ? n_cols : 1, sizeof(*t->kinds));
	if (t->names == NULL || t->kinds == NULL) {
		convo_table_free(t);
		return CONVO_ENOMEM;
	}
	for (i = 0; i < n_cols; i++)
		if ((t->names[i] = strdup(names[i])) == NULL) {
			convo_table_free(t);
			return CONVO_ENOMEM;
		}
	*out = t;
	return 0;
}

void
convo_table_free(struct convo_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->names != NULL && i < t->n_cols; i++)
		free(t->names[i]);
	for (i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->names);
	free(t->kinds);
	free(t->cells);
	free(t);
}

void
convo_table_set_kind(struct convo_table *t, size_t col,
    enum convo_cell_kind kind)
{
	if (col < t->n_cols)
		t->kinds[col] = kind;
}

size_t
convo_table_cols(const struct convo_table *t)
{
	return t->n_cols;
}

const char *
convo_table_name(const struct convo_table *t, size_t col)
{
	return col < t->n_cols ? t->names[col] : NULL;
}

enum convo_cell_kind
convo_table_kind(const struct convo_table *t, size_t col)
{
	return col < t->n_cols ? (enum convo_cell_kind)t->kinds[col] :
	    CONVO_CELL_TEXT;
}

size_t
convo_table_rows(const struct convo_table *t)
{
	return t->n_rows;
}

const char *
convo_table_cell(const struct convo_table *t, size_t row, size_t col)
{
	if (row >= t->n_rows || col >= t->n_cols)
		return NULL;
	return t->cells[row * t->n_cols + col];
}

int
convo_table_add_row(struct convo_table *t)
{
	size_t cap;
	char **p;

	if (t->n_rows == t->cap_rows) {
		cap = t->cap_rows ? t->cap_rows * 2 : 16;
		p = realloc(t->cells, cap * (t->n_cols ? t->n_cols : 1) *
		    sizeof(*p));
		if (p == NULL)
			return CONVO_ENOMEM;
		t->cells = p;
		t->cap_rows = cap;
	}
	memset(t->cells + t->n_rows * t->n_cols, 0,
	    t->n_cols * sizeof(*t->cells));
	t->n_rows++;
	return 0;
}

int
convo_table_set(struct convo_table *t, size_t col, const char *text)
{
	char **cell;

	if (t->n_rows == 0 || col >= t->n_cols)
		return CONVO_EUSAGE;
	cell = &t->cells[(t->n_rows - 1) * t->n_cols + col];
	free(*cell);
	*cell = NULL;
	if (text != NULL && (*cell = strdup(text)) == NULL)
		return CONVO_ENOMEM;
	return 0;
}

int
convo_table_setf(struct convo_table *t, size_t col, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, CONVO_MAX_RECORD);
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = convo_table_set(t, col, b.data ? b.data : "");
	buf_release(&b);
	return rc;
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; s != NULL && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Prints s cut to at most w columns, with "..." when cut. */
static void
put_cut(FILE *fp, const char *s, size_t w)
{
	size_t n = 0;
	const char *p;

	if (width(s) <= w) {
		fputs(s, fp);
		return;
	}
	for (p = s; *p && n + 3 < w; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
		if (n + 3 > w)
			break;
		fputc(*p, fp);
		while (((unsigned char)p[1] & 0xc0) == 0x80)
			fputc(*++p, fp);
	}
	fputs(w >= 3 ? "..." : "", fp);
}

/*
 * A cell for people, on one line: tabs and line ends are spaces, other
 * controls, characters that reorder text and bad bytes U+FFFD (esc_line).
 */
static const char *
flat(const char *s, struct buf *b)
{
	buf_reset(b);
	if (esc_line(b, s, strlen(s)) != 0)
		return s;
	return b->data ? b->data : "";
}

/* The narrowest a text column is cut to: the last one, the others. */
#define MIN_LAST 10
#define MIN_OTHER 8

/*
 * Too wide for the terminal: text columns give way, the last one (a
 * preview, a note) first down to MIN_LAST, then the widest of the others
 * a column at a time down to MIN_OTHER.  Numbers and fixed columns are
 * never cut, so a table of many may still be wider than max_width.
 */
static void
fit(const struct convo_table *t, size_t *w, size_t total, size_t max_width)
{
	size_t c, widest, give, over, last = t->n_cols - 1;

	if (max_width == 0 || total <= max_width || t->n_cols == 0)
		return;
	over = total - max_width;
	if (t->kinds[last] == CONVO_CELL_TEXT && w[last] > MIN_LAST) {
		give = w[last] - MIN_LAST < over ? w[last] - MIN_LAST : over;
		w[last] -= give;
		over -= give;
	}
	while (over > 0) {
		widest = last;
		for (c = 0; c < last; c++)
			if (t->kinds[c] == CONVO_CELL_TEXT &&
			    w[c] > MIN_OTHER && (widest == last ||
			    w[c] > w[widest]))
				widest = c;
		if (widest == last)
			break;
		w[widest]--;
		over--;
	}
}

static void
print_text(FILE *fp, const struct convo_table *t, size_t max_width)
{
	size_t *w, r, c, total = 0;
	struct buf b;
	const char *s;

	if ((w = calloc(t->n_cols ? t->n_cols : 1, sizeof(*w))) == NULL)
		return;
	buf_init(&b, CONVO_MAX_RECORD);
	for (c = 0; c < t->n_cols; c++) {
		w[c] = width(flat(t->names[c], &b));
		for (r = 0; r < t->n_rows; r++) {
			s = convo_table_cell(t, r, c);
			s = flat(s ? s : "-", &b);
			if (width(s) > w[c])
				w[c] = width(s);
		}
		total += w[c] + (c > 0 ? 2 : 0);
	}
	fit(t, w, total, max_width);
	for (r = 0; r <= t->n_rows; r++) {
		for (c = 0; c < t->n_cols; c++) {
			s = r == 0 ? t->names[c] : convo_table_cell(t, r - 1, c);
			s = flat(s ? s : "-", &b);
			if (c > 0)
				fputs("  ", fp);
			if (t->kinds[c] == CONVO_CELL_NUMBER && r > 0)
				fprintf(fp, "%*s", (int)(w[c] - width(s) +
				    strlen(s)), s);
			else if (c + 1 == t->n_cols)
				put_cut(fp, s, w[c]);
			else {
				put_cut(fp, s, w[c]);
				fprintf(fp, "%*s", (int)(w[c] - (width(s) <
				    w[c] ? width(s) : w[c])), "");
			}
		}
		fputc('\n', fp);
	}
	buf_release(&b);
	free(w);
}

/*
 * RFC 4180: quoted when it holds the separator, a quote or a line end.
 * Cleaned first as text for people is (esc_text), line ends kept.
 */
static void
put_csv(FILE *fp, const char *s, int sep, struct buf *b)
{
	buf_reset(b);
	if (esc_text(b, s, strlen(s)) == 0)
		s = b->data ? b->data : "";
	if (strchr(s, sep) == NULL && strpbrk(s, "\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* TSV cannot quote: a cell is kept on its line as for people. */
static void
put_tsv(FILE *fp, const char *s, struct buf *b)
{
	fputs(flat(s, b), fp);
}

static void
print_sv(FILE *fp, const struct convo_table *t, int sep)
{
	size_t r, c;
	const char *s;
	struct buf b;

	buf_init(&b, CONVO_MAX_RECORD);
	for (r = 0; r <= t->n_rows; r++) {
		for (c = 0; c < t->n_cols; c++) {
			s = r == 0 ? t->names[c] : convo_table_cell(t, r - 1, c);
			if (c > 0)
				fputc(sep, fp);
			/*
			 * A lone empty field would make a blank line, which
			 * CSV readers skip: it is quoted, as Python's csv
			 * module does.
			 */
			if (sep == ',' && t->n_cols == 1 && (s == NULL ||
			    *s == '\0'))
				fputs("\"\"", fp);
			if (s == NULL)
				continue;
			if (sep == ',')
				put_csv(fp, s, sep, &b);
			else
				put_tsv(fp, s, &b);
		}
		fputc(sep == ',' ? '\r' : '\n', fp);
		if (sep == ',')
			fputc('\n', fp);
	}
	buf_release(&b);
}

/*
 * Valid UTF-8 p[0..n) inside a JSON string: controls, DEL and the
 * characters that reorder text (utf8_disguise()) as escapes, so that the
 * text stays whole and the output shows none of them raw.
 */
static void
json_valid(FILE *fp, const unsigned char *p, size_t n)
{
	size_t i, len;
	unsigned long cp;

	for (i = 0; i < n; i += len) {
		len = p[i] < 0x80 ? 1 : utf8_disguise((const char *)p + i,
		    n - i);
		if (len == 0) {
			/* Any other character, or a byte of one. */
			fputc(p[i], fp);
			len = 1;
			continue;
		}
		cp = len == 1 ? p[i] : len == 2 ? (p[i] & 0x1fUL) << 6 |
		    (p[i + 1] & 0x3f) : (p[i] & 0x0fUL) << 12 |
		    (p[i + 1] & 0x3fUL) << 6 | (p[i + 2] & 0x3f);
		if (cp == '"' || cp == '\\')
			fprintf(fp, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", fp);
		else if (cp == '\t')
			fputs("\\t", fp);
		else if (cp == '\r')
			fputs("\\r", fp);
		else if (cp < 0x20 || cp >= 0x7f)
			fprintf(fp, "\\u%04lx", cp);
		else
			fputc(p[i], fp);
	}
}

/* Bad bytes, which JSON cannot say, are U+FFFD. */
void
convo_json_string(FILE *fp, const char *s)
{
	size_t n = strlen(s), bad;

	fputc('"', fp);
	while ((bad = utf8_check(s, n)) != 0) {
		json_valid(fp, (const unsigned char *)s, bad - 1);
		fputs("\xef\xbf\xbd", fp);
		s += bad;
		n -= bad;
	}
	json_valid(fp, (const unsigned char *)s, n);
	fputc('"', fp);
}

static void
print_json(FILE *fp, const struct convo_table *t)
{
	size_t r, c;
	const char *s;

	fputc('[', fp);
	for (r = 0; r < t->n_rows; r++) {
		fputs(r ? ",\n  {" : "\n  {", fp);
		for (c = 0; c < t->n_cols; c++) {
			if (c > 0)
				fputs(", ", fp);
			convo_json_string(fp, t->names[c]);
			fputs(": ", fp);
			s = convo_table_cell(t, r, c);
			if (s == NULL)
				fputs("null", fp);
			else if (t->kinds[c] == CONVO_CELL_NUMBER)
				fputs(s, fp);
			else
				convo_json_string(fp, s);
		}
		fputc('}', fp);
	}
	fputs(t->n_rows ? "\n]\n" : "]\n", fp);
}

void
convo_table_print(FILE *fp, const struct convo_table *t,
    enum convo_output how, size_t max_width)
{
	switch (how) {
	case CONVO_OUT_TABLE:
		print_text(fp, t, max_width);
		break;
	case CONVO_OUT_CSV:
		print_sv(fp, t, ',');
		break;
	case CONVO_OUT_TSV:
		print_sv(fp, t, '\t');
		break;
	case CONVO_OUT_JSON:
		print_json(fp, t);
		break;
	}
}
