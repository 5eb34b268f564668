/*
 * reader.c: reads input line by line with line numbers, a ceiling on line
 * length, and checks for NUL bytes and invalid UTF-8, so that every parser
 * gets clean text and every error has a position.  A parser whose records
 * may share one long line (a minified JSON array) reads raw chunks instead
 * and does those checks itself.  The reader hashes what it reads for the
 * import log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHUNK (64u << 10)

struct reader {
	FILE *fp;
	char *in;		/* raw bytes read from fp */
	size_t in_len;		/* bytes in in */
	size_t in_pos;		/* next byte to consume */
	int eof;		/* fp is exhausted */
	int error;		/* a read failed */
	struct buf line;	/* the current line */
	long lineno;		/* number of the current line */
	uint64_t bytes;		/* bytes consumed */
	int unterminated;	/* the last line had no newline */
	int raw;		/* reader_read() was called: no more lines */
	struct sha256 sha;	/* of every byte read from fp */
};

int
reader_new(struct reader **out, FILE *fp)
{
	struct reader *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CONVO_ENOMEM;
	if ((r->in = malloc(CHUNK)) == NULL) {
		free(r);
		return CONVO_ENOMEM;
	}
	r->fp = fp;
	/* One byte over the ceiling, for the CR of a CRLF. */
	buf_init(&r->line, CONVO_MAX_RECORD + 1);
	sha256_init(&r->sha);
	*out = r;
	return 0;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	buf_release(&r->line);
	free(r->in);
	free(r);
}

/* Appends to the raw buffer until it holds want bytes or input ends. */
static void
fill(struct reader *r, size_t want)
{
	size_t n;

	while (!r->eof && !r->error && r->in_len < want) {
		n = fread(r->in + r->in_len, 1, want - r->in_len, r->fp);
		sha256_update(&r->sha, r->in + r->in_len, n);
		r->in_len += n;
		if (n == 0) {
			if (ferror(r->fp))
				r->error = 1;
			else
				r->eof = 1;
		}
	}
}

/* Drops consumed bytes and reads the next chunk. */
static void
refill(struct reader *r)
{
	if (r->in_pos < r->in_len)
		memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
	r->in_len -= r->in_pos;
	r->in_pos = 0;
	fill(r, CHUNK);
}

int
reader_peek(struct reader *r, const char **head, size_t *len, size_t n)
{
	if (n > CHUNK)
		n = CHUNK;
	if (r->in_len - r->in_pos < n) {
		if (r->in_pos > 0) {
			memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
			r->in_len -= r->in_pos;
			r->in_pos = 0;
		}
		fill(r, n);
	}
	if (r->error)
		return CONVO_EIO;
	*head = r->in + r->in_pos;
	*len = r->in_len - r->in_pos;
	return 0;
}

size_t
utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t c;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			c = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			c = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			c = p[i] & 0x07;
		} else
			return i + 1;
		if (len - i <= n)
			return i + 1;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i + 1;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and code points past U+10FFFF. */
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return i + 1;
		i += n + 1;
	}
	return 0;
}

/* The length of the UTF-8 sequence lead byte c starts, 0 if none. */
static size_t
lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

size_t
utf8_tail(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	/* A cut sequence has its lead byte among the last three. */
	for (k = 1; k <= 3 && k <= len; k++) {
		if ((p[len - k] & 0xc0) != 0x80)
			return k < lead_len(p[len - k]) ? k : 0;
	}
	return 0;
}

/* Consumes bytes up to and including the next newline into r->line. */
static int
take_line(struct reader *r, int *toolong)
{
	char *nl;
	size_t n;
	int got = 0, rc;

	for (;;) {
		if (r->in_pos == r->in_len) {
			refill(r);
			if (r->error)
				return CONVO_EIO;
			if (r->in_len == 0) {
				r->unterminated = got;
				return got;
			}
		}
		got = 1;
		nl = memchr(r->in + r->in_pos, '\n', r->in_len - r->in_pos);
		n = (nl ? (size_t)(nl - r->in) : r->in_len) - r->in_pos;
		if (!*toolong) {
			rc = buf_add(&r->line, r->in + r->in_pos, n);
			if (rc == CONVO_EDATA)
				*toolong = 1;
			else if (rc != 0)
				return rc;
		}
		r->in_pos += n + (nl != NULL);
		r->bytes += n + (nl != NULL);
		if (nl != NULL)
			return 1;
	}
}

int
reader_line(struct reader *r, const char **line, size_t *len,
    const char **why, long *col)
{
	size_t bad;
	char *nul;
	int toolong = 0, rc;

	/* The chunks read raw broke the line numbers and the BOM rule. */
	if (r->raw)
		return CONVO_EINTERNAL;
	buf_reset(&r->line);
	r->unterminated = 0;
	if ((rc = take_line(r, &toolong)) <= 0)
		return rc;
	r->lineno++;
	if (!toolong && r->line.len > 0 && r->line.data[r->line.len - 1] == '\r')
		r->line.data[--r->line.len] = '\0';
	if (toolong || r->line.len > CONVO_MAX_RECORD) {
		*why = "line longer than 8 MiB";
		*col = CONVO_MAX_RECORD + 1;
		return CONVO_EDATA;
	}
	if (r->lineno == 1 && r->line.len >= 3 &&
	    memcmp(r->line.data, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->line.data, r->line.data + 3, r->line.len - 2);
		r->line.len -= 3;
	}
	if ((nul = memchr(r->line.data, '\0', r->line.len)) != NULL) {
		*why = "NUL byte";
		*col = (long)(nul - r->line.data) + 1;
		return CONVO_EDATA;
	}
	if ((bad = utf8_check(r->line.data, r->line.len)) != 0) {
		*why = "invalid UTF-8";
		*col = (long)bad;
		return CONVO_EDATA;
	}
	*line = r->line.data;
	*len = r->line.len;
	return 1;
}

int
reader_read(struct reader *r, const char **p, size_t *len)
{
	/* Whole chunks, whatever a peek or a line left in the buffer. */
	if (r->in_len - r->in_pos < CHUNK) {
		refill(r);
		if (r->error)
			return CONVO_EIO;
	}
	if (r->in_pos == r->in_len)
		return 0;
	r->raw = 1;
	*p = r->in + r->in_pos;
	*len = r->in_len - r->in_pos;
	r->bytes += *len;
	r->in_pos = r->in_len;
	return 1;
}

long
reader_lineno(const struct reader *r)
{
	return r->lineno;
}

uint64_t
reader_bytes(const struct reader *r)
{
	return r->bytes;
}

int
reader_last_unterminated(const struct reader *r)
{
	return r->unterminated;
}

void
reader_sha256_hex(struct reader *r, char hex[65])
{
	struct sha256 copy = r->sha;

	sha256_final_hex(&copy, hex);
}
