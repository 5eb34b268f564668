/*
 * parse_json.c: conversation documents (model.md, format 1): a JSON array
 * of conversation objects, one object (pretty-printed or not), or JSON
 * Lines with one conversation object per line.
 *
 * The input is streamed.  A small scanner that knows only strings and
 * brackets cuts the top level into elements, and cJSON parses each
 * element on its own, so memory stays flat however long the array.  The
 * adapters whose exports are JSON documents too (convo-formats(5)) read
 * them the same way, through parse_json_each() (internal.h).  An
 * element may be at most CONVO_MAX_RECORD bytes.  An array is read in raw
 * chunks, not lines, so that a minified array on one line (JSON.stringify)
 * may be any length; objects are read by lines, each at most
 * CONVO_MAX_RECORD bytes (the reader's limit).
 *
 * When the first object ends on the line where it starts, the file is
 * read as JSON Lines: an object that does not end on its line is bad, and
 * reading goes on with the next line.  Otherwise objects may span lines.
 *
 * A bad conversation is reported and, with skip_bad, skipped.  An error
 * in the top level itself (a missing ',' between elements, text after the
 * array, a file that ends inside the array) leaves no way to find the
 * next element, so it ends the parse with CONVO_EDATA even with skip_bad;
 * what was handed on before stays handed on.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

/* How the top level is laid out, known from its first character. */
enum layout {
	L_NONE,		/* only white space so far */
	L_ARRAY,	/* one array of conversations */
	L_OBJECTS,	/* objects one after another, over lines */
	L_LINES		/* JSON Lines: each object on a line of its own */
};

/* Where the top-level array has got to. */
enum place {
	P_FIRST,	/* after '[': an element or ']' */
	P_AFTER,	/* after an element: ',' or ']' */
	P_NEXT,		/* after ',': an element */
	P_END		/* after ']': only white space */
};

/* The element being cut out, as far as framing needs to know. */
struct frame {
	int open;		/* an element is being read */
	int in_str;		/* inside a string */
	int esc;		/* after a backslash in a string */
	size_t depth;		/* brackets open; 0 in a bare scalar */
};

/*
 * Reading an array raw: what the reader does for lines, done here as the
 * bytes go by.
 */
struct raw {
	long col;		/* column of the next byte */
	int bol;		/* no byte read yet on this line */
	size_t prev_len;	/* length of the line before */
	size_t bom;		/* bytes of a BOM still to skip */
	int cr;			/* a CR held back: dropped before a newline */
	char cut[4];		/* a UTF-8 sequence cut by the chunk's end */
	size_t n_cut;
};

struct doc {
	struct parser *p;
	json_each_fn fn;	/* takes each element */
	void *ctx;
	long index;		/* elements begun so far */
	enum layout layout;
	enum place place;
	struct frame fr;
	struct buf text;	/* the element, lines joined by '\n' */
	int too_big;		/* it passed CONVO_MAX_RECORD: skip it */
	int skip_line;		/* JSON Lines: ignore the rest of the line */
	long line;		/* where the element starts */
	long col;
	long lineno;		/* the line being read */
	size_t line_len;	/* and its length */
	struct raw raw;		/* reading an array raw */
};

static void
frame_begin(struct frame *f, unsigned char c)
{
	f->open = 1;
	f->in_str = c == '"';
	f->esc = 0;
	f->depth = c == '{' || c == '[';
}

/*
 * Scans on through s; returns the bytes that belong to the element and
 * clears f->open where it ends.  A bare scalar ends before the delimiter
 * that follows it.
 */
static size_t
frame_scan(struct frame *f, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (f->in_str) {
			if (f->esc)
				f->esc = 0;
			else if (c == '\\')
				f->esc = 1;
			else if (c == '"') {
				f->in_str = 0;
				if (f->depth == 0)
					break;
			}
		} else if (f->depth == 0) {
			if (c <= ' ' || strchr(",:[]{}\"", c) != NULL) {
				f->open = 0;
				return i;
			}
		} else if (c == '"')
			f->in_str = 1;
		else if (c == '{' || c == '[')
			f->depth++;
		else if ((c == '}' || c == ']') && --f->depth == 0)
			break;
	}
	if (i == n)
		return n;
	f->open = 0;
	return i + 1;
}

/* Whether the object starting at s ends on this line. */
static int
ends_in_line(const char *s, size_t n)
{
	struct frame f;

	frame_begin(&f, (unsigned char)*s);
	frame_scan(&f, s + 1, n - 1);
	return !f.open;
}

/* An error in the top level, which ends the parse. */
static int
fatal(struct doc *d, long col, const char *msg)
{
	return parse_error(d->p, d->lineno, col, "%s", msg);
}

static int
bad(struct doc *d)
{
	return d->p->skip_bad ? 0 : CONVO_EDATA;
}

static int
elem_add(struct doc *d, const char *s, size_t n)
{
	int rc;

	if (d->too_big || n == 0)
		return 0;
	if ((rc = buf_add(&d->text, s, n)) != CONVO_EDATA)
		return rc;
	d->too_big = 1;
	buf_reset(&d->text);
	parse_error(d->p, d->line, d->col, "conversation larger than 8 MiB");
	return bad(d);
}

static int
elem_begin(struct doc *d, const char *s, long col)
{
	frame_begin(&d->fr, (unsigned char)*s);
	d->line = d->lineno;
	d->col = col;
	d->index++;
	d->too_big = 0;
	buf_reset(&d->text);
	return elem_add(d, s, 1);
}

/* Reports why the element's text did not parse. */
static void
report(struct doc *d, const struct json_error *err)
{
	long line, col;

	json_position(&line, &col, d->text.data, err->off, d->line, d->col);
	parse_error(d->p, line, col, "%s", err->msg);
}

static int
elem_end(struct doc *d)
{
	struct json_error err;
	cJSON *v;
	int rc;

	if (d->layout == L_ARRAY)
		d->place = P_AFTER;
	if (d->too_big)
		return 0;
	v = json_parse(&err, d->text.data, d->text.len, "file");
	if (v == NULL) {
		report(d, &err);
		return bad(d);
	}
	rc = d->fn(d->ctx, d->p, v, d->index, d->line, d->col);
	cJSON_Delete(v);
	return rc == CONVO_EDATA ? bad(d) : rc;
}

static int
top_first(struct doc *d, const char *s, size_t n, long col)
{
	if (*s == '[') {
		d->layout = L_ARRAY;
		d->place = P_FIRST;
		return 0;
	}
	if (*s != '{')
		return fatal(d, col, "expected a JSON array or object");
	d->layout = ends_in_line(s, n) ? L_LINES : L_OBJECTS;
	return elem_begin(d, s, col);
}

static int
top_array(struct doc *d, const char *s, long col)
{
	switch (d->place) {
	case P_FIRST:
	case P_NEXT:
		if (*s == ']' && d->place == P_FIRST)
			break;
		if (strchr(",:]}", *s) == NULL)
			return elem_begin(d, s, col);
		return fatal(d, col, d->place == P_FIRST ?
		    "expected a value or ']'" : "expected a value");
	case P_AFTER:
		if (*s == ',') {
			d->place = P_NEXT;
			return 0;
		}
		if (*s == ']')
			break;
		return fatal(d, col, "expected ',' or ']'");
	case P_END:
		return fatal(d, col, "unexpected text after the array");
	}
	d->place = P_END;
	return 0;
}

/* Takes the byte at s (of n left on the line) outside any element. */
static int
top(struct doc *d, const char *s, size_t n, long col)
{
	if (d->layout == L_NONE)
		return top_first(d, s, n, col);
	if (d->layout == L_ARRAY)
		return top_array(d, s, col);
	if (strchr(",:]}", *s) == NULL)
		return elem_begin(d, s, col);
	parse_error(d->p, d->lineno, col, "expected a conversation object");
	if (d->layout == L_OBJECTS)
		return CONVO_EDATA;
	d->skip_line = 1;
	return bad(d);
}

/* Feeds n bytes of the current line, the first at column col1. */
static int
feed(struct doc *d, const char *s, size_t n, long col1)
{
	size_t i = 0, k;
	int rc;

	while (i < n && !d->skip_line) {
		if (d->fr.open) {
			k = frame_scan(&d->fr, s + i, n - i);
			if ((rc = elem_add(d, s + i, k)) != 0)
				return rc;
			i += k;
			if (!d->fr.open && (rc = elem_end(d)) != 0)
				return rc;
		} else if ((unsigned char)s[i] <= ' ') {
			i++;
		} else {
			if ((rc = top(d, s + i, n - i, col1 + (long)i)) != 0)
				return rc;
			i++;
		}
	}
	return 0;
}

/* JSON Lines: an object that does not end on its line is bad. */
static int
line_unclosed(struct doc *d)
{
	struct json_error err;

	d->fr.open = 0;
	if (d->too_big)
		return 0;
	cJSON_Delete(json_parse(&err, d->text.data, d->text.len, "line"));
	report(d, &err);
	return bad(d);
}

static int
feed_line(struct doc *d, const char *line, size_t len)
{
	int rc;

	d->lineno = reader_lineno(d->p->rd);
	d->line_len = len;
	d->skip_line = 0;
	if ((rc = feed(d, line, len, 1)) != 0)
		return rc;
	if (d->layout == L_LINES && d->fr.open &&
	    (d->fr.depth > 0 || d->fr.in_str))
		return line_unclosed(d);
	/* The line break: white space, or part of a multi-line element. */
	return feed(d, "\n", 1, (long)len + 1);
}

/* A line the reader refused (bad UTF-8, a NUL byte, too long). */
static int
bad_line(struct doc *d, const char *why, long col)
{
	parse_error(d->p, reader_lineno(d->p->rd), col, "%s", why);
	/* Only JSON Lines can carry on: elsewhere the framing is lost. */
	if (d->layout == L_LINES && !d->fr.open)
		return bad(d);
	return CONVO_EDATA;
}

/* The file ended inside an element: say where it went wrong. */
static int
unfinished(struct doc *d)
{
	struct json_error err;
	long col = (long)d->line_len + 1;

	while (d->text.len > 0 &&
	    (unsigned char)d->text.data[d->text.len - 1] <= ' ')
		d->text.len--;
	cJSON_Delete(json_parse(&err, d->text.data, d->text.len, "file"));
	if (err.off < d->text.len)
		report(d, &err);
	else
		parse_error(d->p, d->lineno, col, "%s", err.msg);
	return CONVO_EDATA;
}

static int
finish(struct doc *d)
{
	long col = (long)d->line_len + 1;

	if (d->fr.open && !d->too_big)
		return unfinished(d);
	if (d->fr.open && d->layout == L_OBJECTS)
		return fatal(d, col,
		    "unexpected end of file, object not closed");
	if ((d->layout == L_ARRAY && d->place != P_END) || d->fr.open)
		return fatal(d, col,
		    "unexpected end of file, array not closed");
	return 0;
}

/* Reads by lines: objects, and JSON Lines. */
static int
read_lines(struct doc *d)
{
	const char *line = NULL, *why = NULL;
	size_t len = 0;
	long col = 0;
	int rc;

	while ((rc = reader_line(d->p->rd, &line, &len, &why, &col)) != 0) {
		if (rc == CONVO_EDATA)
			rc = bad_line(d, why, col);
		else if (rc > 0)
			rc = feed_line(d, line, len);
		if (rc != 0)
			break;
	}
	return rc;
}

/*
 * Reading an array raw.  What reader_line() does is done here as the
 * bytes go by: lines and columns are counted, a BOM at the start is
 * skipped, a CR before a newline or at the end is dropped, and a NUL byte
 * or invalid UTF-8 ends the parse.  The bytes before such a byte are
 * handled first, so whatever elements end before it are handed on,
 * wherever the chunks happen to be cut.
 */

/* Feeds n bytes of a line; a CR at the end is held back. */
static int
raw_text(struct doc *d, const char *s, size_t n)
{
	struct raw *w = &d->raw;
	int rc;

	if (n == 0)
		return 0;
	w->bol = 0;
	if (w->cr) {
		w->cr = 0;
		if ((rc = feed(d, "\r", 1, w->col++)) != 0)
			return rc;
	}
	if (s[n - 1] == '\r') {
		w->cr = 1;
		n--;
	}
	rc = feed(d, s, n, w->col);
	w->col += (long)n;
	return rc;
}

/* A newline: white space, or part of a multi-line element. */
static int
raw_newline(struct doc *d)
{
	struct raw *w = &d->raw;
	int rc;

	w->cr = 0;
	rc = feed(d, "\n", 1, w->col);
	w->prev_len = (size_t)w->col - 1;
	w->col = 1;
	w->bol = 1;
	d->lineno++;
	return rc;
}

static int
raw_lines(struct doc *d, const char *s, size_t n)
{
	const char *nl;
	size_t k;
	int rc;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		k = nl != NULL ? (size_t)(nl - s) : n;
		if ((rc = raw_text(d, s, k)) != 0 || nl == NULL)
			return rc;
		if ((rc = raw_newline(d)) != 0)
			return rc;
		s += k + 1;
		n -= k + 1;
	}
	return 0;
}

/* A NUL byte or invalid UTF-8 at the next byte. */
static int
raw_bad(struct doc *d, const char *why)
{
	/* A CR held back is inside the line, so it has a column. */
	long col = d->raw.col + d->raw.cr;

	/* As with a bad line in an array (bad_line()), the parse ends. */
	parse_error(d->p, d->lineno, col, "%s", why);
	return CONVO_EDATA;
}

/* Completes, from the start of s, the sequence the last chunk cut. */
static int
raw_uncut(struct doc *d, const char **s, size_t *n)
{
	struct raw *w = &d->raw;
	size_t k;

	while (*n > 0 && utf8_tail(w->cut, w->n_cut) != 0 &&
	    ((unsigned char)**s & 0xc0) == 0x80) {
		w->cut[w->n_cut++] = **s;
		(*s)++;
		(*n)--;
	}
	if (*n == 0 && utf8_tail(w->cut, w->n_cut) != 0)
		return 0;	/* still cut: wait for the next chunk */
	if (utf8_check(w->cut, w->n_cut) != 0)
		return raw_bad(d, "invalid UTF-8");
	k = w->n_cut;
	w->n_cut = 0;
	return raw_text(d, w->cut, k);
}

/*
 * Feeds a chunk up to its first NUL byte or invalid UTF-8.  A sequence
 * cut by the chunk's end is held back until the next chunk completes it.
 */
static int
raw_chunk(struct doc *d, const char *s, size_t n)
{
	struct raw *w = &d->raw;
	const char *nul;
	size_t k, tail, bad;
	int rc;

	k = w->bom < n ? w->bom : n;
	w->bom -= k;
	s += k;
	n -= k;
	if (w->n_cut > 0 &&
	    ((rc = raw_uncut(d, &s, &n)) != 0 || w->n_cut > 0))
		return rc;
	nul = memchr(s, '\0', n);
	k = nul != NULL ? (size_t)(nul - s) : n;
	tail = nul != NULL ? 0 : utf8_tail(s, n);
	bad = utf8_check(s, k - tail);
	if ((rc = raw_lines(d, s, bad != 0 ? bad - 1 : k - tail)) != 0)
		return rc;
	if (bad != 0)
		return raw_bad(d, "invalid UTF-8");
	if (nul != NULL)
		return raw_bad(d, "NUL byte");
	memcpy(w->cut, s + k - tail, tail);
	w->n_cut = tail;
	return 0;
}

/* The end of the input, where reader_line() would have seen it. */
static int
raw_end(struct doc *d)
{
	struct raw *w = &d->raw;

	if (w->n_cut > 0)
		return raw_bad(d, "invalid UTF-8");
	w->cr = 0;
	if (w->bol && d->lineno > 1) {
		/* A newline ended the last line: that one is the last. */
		d->lineno--;
		d->line_len = w->prev_len;
		return 0;
	}
	d->line_len = (size_t)w->col - 1;
	/* feed_line() ends a last line without a newline with one too. */
	return feed(d, "\n", 1, w->col);
}

static int
read_raw(struct doc *d)
{
	const char *s;
	size_t n;
	int rc;

	d->lineno = 1;
	d->raw.col = 1;
	d->raw.bol = 1;
	while ((rc = reader_read(d->p->rd, &s, &n)) > 0) {
		if ((rc = raw_chunk(d, s, n)) != 0)
			return rc;
	}
	return rc < 0 ? rc : raw_end(d);
}

/*
 * Whether the input is an array, to be read raw: its first byte after a
 * BOM and white space is '['.  *bom is set to the length of the BOM.
 * Only the first 64 KiB are looked at; an array after more white space
 * than that is read by lines.
 */
static int
is_array(size_t *bom, struct reader *rd)
{
	const char *head;
	size_t len, i;
	int rc;

	if ((rc = reader_peek(rd, &head, &len, 64u << 10)) != 0)
		return rc;
	*bom = len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (i = *bom; i < len && head[i] != '\0' &&
	    (unsigned char)head[i] <= ' '; i++)
		continue;
	return i < len && head[i] == '[';
}

int
parse_json_each(struct parser *p, json_each_fn fn, void *ctx)
{
	struct doc d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.fn = fn;
	d.ctx = ctx;
	buf_init(&d.text, CONVO_MAX_RECORD);
	if ((rc = is_array(&d.raw.bom, p->rd)) > 0)
		rc = read_raw(&d);
	else if (rc == 0)
		rc = read_lines(&d);
	if (rc == 0)
		rc = finish(&d);
	buf_release(&d.text);
	return rc;
}

/* One conversation document. */
static int
conversation(void *ctx, struct parser *p, const cJSON *v, long index,
    long line, long col)
{
	struct json_ctx c;

	(void)ctx;
	(void)index;
	json_ctx_init(&c, p, line, col);
	return json_conversation(&c, v);
}

int
parse_json(struct parser *p)
{
	return parse_json_each(p, conversation, NULL);
}

int
parse_json_sniff(const char *head, size_t len)
{
	const char *nl;
	const cJSON *id, *type;
	cJSON *v;
	int events;

	if (*head == '[')
		return CONVO_FMT_JSON;
	if (*head != '{')
		return 0;
	/* An event stream's first line is one complete event. */
	nl = memchr(head, '\n', len);
	v = cJSON_ParseWithLength(head, nl != NULL ? (size_t)(nl - head) : len);
	id = cJSON_GetObjectItemCaseSensitive(v, "conversation");
	type = cJSON_GetObjectItemCaseSensitive(v, "type");
	events = (cJSON_IsString(id) || cJSON_IsNumber(id)) &&
	    cJSON_IsString(type);
	cJSON_Delete(v);
	return events ? CONVO_FMT_EVENTS : CONVO_FMT_JSON;
}
