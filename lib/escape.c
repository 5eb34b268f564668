/*
 * escape.c: text made safe for the place it lands.  Stored text is UTF-8
 * by construction, but a database may have been written by other tools:
 * every escaper replaces invalid UTF-8, NUL and the other control
 * characters except tab and newline with U+FFFD, so that nothing a reader
 * or a terminal could trip over is passed on.
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

/* Appends valid UTF-8 s[0..n), replacing controls, escaping for HTML. */
static int
add_valid(struct buf *b, const char *s, size_t n, int html)
{
	const char *ent;
	size_t i, from = 0;
	int rc;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f && !(html && html_entity(c)))
			continue;
		if (c == '\n' || c == '\t')
			continue;
		if ((rc = buf_add(b, s + from, i - from)) != 0)
			return rc;
		ent = html ? html_entity(c) : NULL;
		if ((rc = buf_adds(b, ent ? ent : REPLACEMENT)) != 0)
			return rc;
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
