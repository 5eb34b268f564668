/*
 * test_escape.c: unit tests of lib/escape.c: HTML entities, and invalid
 * UTF-8, NUL and control characters replaced in both escapers.
 */
#include "convo.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"

/* Escapes n bytes of s (strlen when n is 0) and returns the result. */
static const char *
esc(int (*fn)(struct buf *, const char *, size_t), const char *s, size_t n)
{
	static char out[256];
	struct buf b;

	buf_init(&b, 200);
	if (fn(&b, s, n ? n : strlen(s)) != 0)
		snprintf(out, sizeof(out), "(error)");
	else
		snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

int
main(void)
{
	struct buf b;

	is_str(esc(esc_html, "<script>alert('x')</script>", 0),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
	    "html: tags and quotes become entities");
	is_str(esc(esc_html, "\"><img onerror=x>&amp;", 0),
	    "&quot;&gt;&lt;img onerror=x&gt;&amp;amp;",
	    "html: an attribute cannot be closed, & is escaped once more");
	is_str(esc(esc_text, "<b>&", 0), "<b>&", "text: markup stays");
	is_str(esc(esc_html, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c",
	    0), "caf\xc3\xa9 \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c",
	    "html: accents, emoji and Hebrew pass");
	is_str(esc(esc_html, "a\tb\nc", 0), "a\tb\nc",
	    "tab and newline pass");
	is_str(esc(esc_text, "a\0b", 3), "a" FFFD "b", "NUL is replaced");
	is_str(esc(esc_text, "a\rb\x1b[31m\x7f", 0),
	    "a" FFFD "b" FFFD "[31m" FFFD, "CR, ESC and DEL are replaced");
	is_str(esc(esc_html, "a\xff<\xc3", 0), "a" FFFD "&lt;" FFFD,
	    "a bad byte and a cut sequence are replaced");
	is_str(esc(esc_text, "\xc0\xaf/\xed\xa0\x80", 0),
	    FFFD FFFD "/" FFFD FFFD FFFD,
	    "an overlong form and a surrogate: each byte replaced");
	is_str(esc(esc_html, "", 0), "", "empty");

	buf_init(&b, 200);
	is_int(esc_html(&b, NULL, 5), 0, "NULL appends nothing");
	ok(b.len == 0, "  and leaves the buffer empty");
	buf_release(&b);
	buf_init(&b, 8);
	is_int(esc_html(&b, "<<<", 3), CONVO_EDATA,
	    "the ceiling holds: 12 bytes do not fit in 8");
	buf_release(&b);
	return done_testing();
}
