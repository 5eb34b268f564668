/*
 * escape.c: text made safe for the place it lands.  Stored text is UTF-8
 * by construction, but a database may have been written by other tools:
 * every escaper replaces invalid UTF-8, NUL and the other control
 * characters except tab and newline, C1 controls included, with U+FFFD,
 * so that nothing a reader or a terminal could trip over is passed on;
 * and so the characters that reorder text on screen (see utf8_disguise()).
 */
#include <string.h>

#include "internal.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/* What one ASCII byte becomes in HTML, or NULL when it stays as it is. */
static const char *
html_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	}
	return NULL;
}

/*
 * C1 controls, U+2028, U+2029, the bidi embeddings, overrides and
 * isolates.  A visitor's RLO would show "gnp.exe" to staff as "exe.png";
 * no chat needs them, the bidi algorithm orders right-to-left text
 * without them.  The marks LRM, RLM and ALM reorder only neutral
 * characters, and right-to-left text uses them: they stay.
 */
size_t
utf8_disguise(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;

	if (s[0] == 0xc2)
		return n >= 2 && s[1] < 0xa0 ? 2 : 0;
	if (s[0] != 0xe2 || n < 3)
		return 0;
	if (s[1] == 0x80 && s[2] >= 0xa8 && s[2] <= 0xae)
		return 3;
	return s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9 ? 3 : 0;
}

/* Appends valid UTF-8 s[0..n), replacing controls, escaping for HTML. */
static int
add_valid(struct buf *b, const char *s, size_t n, int html)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *ent;
	size_t i, from = 0, len;
	int rc;

	for (i = 0; i < n; i++) {
		len = 1;
		if (u[i] >= 0x80 && (len = utf8_disguise(s + i, n - i)) == 0)
			continue;
		if (u[i] < 0x80 && u[i] >= 0x20 && u[i] != 0x7f &&
		    !(html && html_entity(u[i])))
			continue;
		if (u[i] == '\n' || u[i] == '\t')
			continue;
		if ((rc = buf_add(b, s + from, i - from)) != 0)
			return rc;
		ent = html && len == 1 ? html_entity(u[i]) : NULL;
		if ((rc = buf_adds(b, ent ? ent : REPLACEMENT)) != 0)
			return rc;
		i += len - 1;
		from = i + 1;
	}
	return buf_add(b, s + from, n - from);
}

static int
add(struct buf *b, const char *s, size_t n, int html)
{
	size_t bad;
	int rc;

	if (s == NULL)
		return 0;
	while ((bad = utf8_check(s, n)) != 0) {
		if ((rc = add_valid(b, s, bad - 1, html)) != 0 ||
		    (rc = buf_adds(b, REPLACEMENT)) != 0)
			return rc;
		s += bad;
		n -= bad;
	}
	return add_valid(b, s, n, html);
}

int
esc_text(struct buf *b, const char *s, size_t n)
{
	return add(b, s, n, 0);
}

int
esc_html(struct buf *b, const char *s, size_t n)
{
	return add(b, s, n, 1);
}

/*
 * JSON: the content of a string literal (RFC 8259), without the quotes.
 * Bad UTF-8 and NUL are replaced first, as everywhere; the remaining
 * controls (tab, line end) get their short escapes.
 */
int
esc_json(struct buf *b, const char *s, size_t n)
{
	struct buf clean;
	size_t i;
	int rc;

	buf_init(&clean, b->max);
	if ((rc = esc_text(&clean, s, n)) != 0) {
		buf_release(&clean);
		return rc;
	}
	for (i = 0; i < clean.len && rc == 0; i++) {
		char c = clean.data[i];

		rc = c == '"' ? buf_adds(b, "\\\"") : c == '\\' ?
		    buf_adds(b, "\\\\") : c == '\n' ? buf_adds(b, "\\n") :
		    c == '\t' ? buf_adds(b, "\\t") : buf_addc(b, c);
	}
	buf_release(&clean);
	return rc;
}

/*
 * Markdown (CommonMark): & < > as entities, so that no raw HTML passes
 * through a Markdown renderer, and the characters that start emphasis,
 * links, code, tables or headings behind a backslash, so that they show
 * as typed.  Quotes need nothing: without '<' there is no tag to break.
 */
int
esc_markdown(struct buf *b, const char *s, size_t n)
{
	struct buf clean;
	size_t i;
	int rc;

	buf_init(&clean, b->max);
	if ((rc = esc_text(&clean, s, n)) != 0) {
		buf_release(&clean);
		return rc;
	}
	for (i = 0; i < clean.len && rc == 0; i++) {
		char c = clean.data[i];

		if (c == '&' || c == '<' || c == '>')
			rc = buf_adds(b, html_entity((unsigned char)c));
		else if (strchr("\\`*_[]#|~", c) != NULL &&
		    (rc = buf_addc(b, '\\')) != 0)
			break;
		else
			rc = buf_addc(b, c);
	}
	buf_release(&clean);
	return rc;
}

static const char hexdigits[] = "0123456789ABCDEF";

/* Appends "=XX" for byte c. */
static int
qp_byte(struct buf *b, unsigned char c)
{
	char e[3] = { '=', hexdigits[c >> 4], hexdigits[c & 15] };

	return buf_add(b, e, 3);
}

/*
 * Whether byte i of the line p[0..n) must be encoded: not printable
 * ASCII, '=', white space at the end of the line, and a '.' or the F of
 * "From " at its start (a lone "." ends a message for sendmail without
 * -i, and mbox files quote "From ").
 */
static int
qp_must(const char *p, size_t n, size_t i)
{
	unsigned char c = (unsigned char)p[i];

	if (c == '=' || c > 126 || (c < 32 && c != ' ' && c != '\t'))
		return 1;
	if ((c == ' ' || c == '\t') && i + 1 == n)
		return 1;
	return i == 0 && (c == '.' || (n >= 5 && memcmp(p, "From ", 5) == 0));
}

/* One line of text (no line end) as quoted-printable lines of <= 76. */
static int
qp_line(struct buf *b, const char *p, size_t n)
{
	size_t i, col = 0, w;
	int rc = 0, enc;

	for (i = 0; i < n && rc == 0; i++) {
		enc = qp_must(p, n, i);
		w = enc ? 3 : 1;
		/* Room for the soft break's '=' unless this ends the line. */
		if (col + w > (i + 1 == n ? 76 : 75)) {
			if ((rc = buf_adds(b, "=\r\n")) != 0)
				return rc;
			col = 0;
			/* Nor may "From " start the line the break begins. */
			if (n - i >= 5 && memcmp(p + i, "From ", 5) == 0) {
				enc = 1;
				w = 3;
			}
		}
		rc = enc ? qp_byte(b, (unsigned char)p[i]) :
		    buf_addc(b, p[i]);
		col += w;
	}
	return rc;
}

int
mime_qp(struct buf *b, const char *s, size_t n)
{
	const char *nl;
	size_t len;
	int rc;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		len = nl ? (size_t)(nl - s) : n;
		if ((rc = qp_line(b, s, len)) != 0)
			return rc;
		if (nl == NULL)
			break;
		if ((rc = buf_adds(b, "\r\n")) != 0)
			return rc;
		s += len + 1;
		n -= len + 1;
	}
	return 0;
}

int
mime_base64(struct buf *b, const void *data, size_t n, size_t line)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i, col = 0;
	char q[4];
	int rc;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 |
		    (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);

		q[0] = a[v >> 18];
		q[1] = a[v >> 12 & 63];
		q[2] = i + 1 < n ? a[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? a[v & 63] : '=';
		if (line > 0 && col + 4 > line) {
			if ((rc = buf_adds(b, "\r\n")) != 0)
				return rc;
			col = 0;
		}
		if ((rc = buf_add(b, q, 4)) != 0)
			return rc;
		col += 4;
	}
	return 0;
}

/*
 * Text that stays on one line: bad UTF-8, NUL, CR and the other controls
 * replaced (esc_text), then tab and LF made spaces, so that no value
 * can end its line -- a header's, a table row's, a diagnostic's -- or
 * start another.
 */
int
esc_line(struct buf *b, const char *s, size_t n)
{
	size_t i, from = b->len;
	int rc;

	if ((rc = esc_text(b, s, n)) != 0)
		return rc;
	for (i = from; i < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20)
			b->data[i] = ' ';
	return 0;
}

int
mime_clean(struct buf *b, const char *s, size_t n)
{
	return esc_line(b, s, n);
}

/* Whether s can go into a header as it is: printable ASCII, no "=?". */
static int
plain_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ||
		    (s[i] == '=' && i + 1 < n && s[i + 1] == '?'))
			return 0;
	return 1;
}

/*
 * RFC 2047 "B" encoded-words, each on a line of at most 76 characters
 * (the first after used columns), separated by a folding CRLF SP; a
 * word never cuts a UTF-8 sequence, so each decodes alone.
 */
static int
encoded_words(struct buf *b, const char *s, size_t n, size_t used)
{
	size_t take, room;
	int rc;

	while (n > 0) {
		/*
		 * 12 for "=?UTF-8?B??=", 4 base64 characters per 3 bytes; a
		 * word is at most 75 characters even on a line of its own.
		 */
		room = used + 12 + 8 < 76 ? (76 - (used > 0 ? used : 1) - 12) /
		    4 * 3 : 6;
		used = 1;
		take = n < room ? n : room;
		while (take < n && take > 1 &&
		    ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		if ((rc = buf_adds(b, "=?UTF-8?B?")) != 0 ||
		    (rc = mime_base64(b, s, take, 0)) != 0 ||
		    (rc = buf_adds(b, "?=")) != 0)
			return rc;
		s += take;
		n -= take;
		if (n > 0 && (rc = buf_adds(b, "\r\n ")) != 0)
			return rc;
	}
	return 0;
}

/* Whether s is made of atext and spaces (RFC 5322 3.2.3): a phrase. */
static int
plain_phrase(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr(" !#$%&'*+-/=?^_`{|}~", s[i]) != NULL) ||
		    s[i] == '\0')
			return 0;
	return plain_ascii(s, n);
}

static int
header_words(struct buf *b, const char *s, size_t n, size_t used,
    int phrase)
{
	struct buf clean;
	int rc;

	buf_init(&clean, b->max);
	if ((rc = mime_clean(&clean, s, n)) == 0 && clean.len > 0) {
		/* Short printable ASCII stays readable; the rest is encoded. */
		if ((phrase ? plain_phrase(clean.data, clean.len) :
		    plain_ascii(clean.data, clean.len)) &&
		    used + clean.len <= 78)
			rc = buf_add(b, clean.data, clean.len);
		else
			rc = encoded_words(b, clean.data, clean.len, used);
	}
	buf_release(&clean);
	return rc;
}

int
mime_header_text(struct buf *b, const char *s, size_t n, size_t used)
{
	return header_words(b, s, n, used, 0);
}

int
mime_header_phrase(struct buf *b, const char *s, size_t n, size_t used)
{
	return header_words(b, s, n, used, 1);
}
