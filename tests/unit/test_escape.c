/*
 * test_escape.c: unit tests of lib/escape.c: HTML entities, and invalid
 * UTF-8, NUL and control characters replaced in every escaper; JSON and
 * Markdown; the MIME helpers: quoted-printable, base64 (RFC 4648's
 * vectors), header cleaning and RFC 2047 encoded-words.
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

/* Runs fn over s into a buffer big enough for the MIME tests. */
static const char *
big(int (*fn)(struct buf *, const char *, size_t), const char *s)
{
	static char out[4096];
	struct buf b;

	buf_init(&b, sizeof(out) - 1);
	if (fn(&b, s, strlen(s)) != 0)
		snprintf(out, sizeof(out), "(error)");
	else
		snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

static const char *
b64(const char *s, size_t line)
{
	static char out[512];
	struct buf b;

	buf_init(&b, sizeof(out) - 1);
	if (mime_base64(&b, s, strlen(s), line) != 0)
		snprintf(out, sizeof(out), "(error)");
	else
		snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

static int
header76(struct buf *b, const char *s, size_t n)
{
	return mime_header_text(b, s, n, 9);
}

static int
header0(struct buf *b, const char *s, size_t n)
{
	return mime_header_text(b, s, n, 0);
}

static int
phrase(struct buf *b, const char *s, size_t n)
{
	return mime_header_phrase(b, s, n, 4);
}

/* The longest line of s, without its CRLF. */
static size_t
longest(const char *s)
{
	size_t n, max = 0;

	for (; *s; s += n + (s[n] == '\r' ? 2 : s[n] != '\0')) {
		n = strcspn(s, "\r\n");
		if (n > max)
			max = n;
	}
	return max;
}

static void
test_json_markdown(void)
{
	is_str(big(esc_json, "a\"b\\c\nd\te"), "a\\\"b\\\\c\\nd\\te",
	    "json: quote, backslash, line end and tab escaped");
	is_str(big(esc_json, "\x01\xff</script>"), FFFD FFFD "</script>",
	    "json: a control and a bad byte are U+FFFD");
	is_str(big(esc_markdown, "*a* _b_ `c` [d](e) #f |g| ~h~ \\"),
	    "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\#f \\|g\\| \\~h\\~ \\\\",
	    "markdown: emphasis, code, links, headings, tables escaped");
	is_str(big(esc_markdown, "<b>&amp; don't \"q\""),
	    "&lt;b&gt;&amp;amp; don't \"q\"",
	    "markdown: no raw HTML, entities not broken by backslashes");
}

static void
test_qp(void)
{
	char line[200];

	is_str(big(mime_qp, "caf\xc3\xa9 = 1\nend"),
	    "caf=C3=A9 =3D 1\r\nend", "qp: UTF-8 and '=' encoded, LF is CRLF");
	is_str(big(mime_qp, "a \nb\t\n"), "a=20\r\nb=09\r\n",
	    "qp: white space at a line's end is encoded");
	is_str(big(mime_qp, ".\nFrom me\nFrog"), "=2E\r\n=46rom me\r\nFrog",
	    "qp: a leading '.' and \"From \" are encoded");
	memset(line, 'x', 100);
	line[100] = '\0';
	is_str(big(mime_qp, line), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\r\nxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "qp: a soft break after 75 characters and '='");
	memset(line, 0xc3, 100);
	ok(longest(big(mime_qp, line)) <= 76, "qp: encoded lines stay <= 76");
	is_str(big(mime_qp, "x\r"), "x=0D", "qp: a lone CR is encoded");
	/* Found by fuzz_escape: the soft break started a "From " line. */
	memset(line, 'x', 75);
	memcpy(line + 75, "From here", sizeof("From here"));
	is_str(big(mime_qp, line), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\r\n=46rom here",
	    "qp: \"From \" after a soft break is encoded");
}

static void
test_base64(void)
{
	is_str(b64("", 0), "", "base64: empty");
	is_str(b64("f", 0), "Zg==", "base64: f");
	is_str(b64("fo", 0), "Zm8=", "base64: fo");
	is_str(b64("foo", 0), "Zm9v", "base64: foo");
	is_str(b64("foob", 0), "Zm9vYg==", "base64: foob");
	is_str(b64("fooba", 0), "Zm9vYmE=", "base64: fooba");
	is_str(b64("foobar", 0), "Zm9vYmFy", "base64: foobar");
	is_str(b64("foobar", 4), "Zm9v\r\nYmFy", "base64: CRLF every line");
	is_str(b64("\xff\xfe\xfd", 0), "//79", "base64: high bytes");
}

static void
test_headers(void)
{
	const char *s;

	is_str(big(mime_clean, "a\r\nBcc: x\x01y\tz"),
	    "a" FFFD " Bcc: x" FFFD "y z",
	    "clean: LF and tab are spaces, CR and controls U+FFFD");
	is_str(big(header76, "Your transcript"), "Your transcript",
	    "header: short ASCII stays");
	is_str(big(header76, "Caf\xc3\xa9"), "=?UTF-8?B?Q2Fmw6k=?=",
	    "header: non-ASCII is an encoded-word");
	is_str(big(header76, "=?UTF-8?B?eA==?="),
	    "=?UTF-8?B?PT9VVEYtOD9CP2VBPT0/PQ==?=",
	    "header: text that looks encoded is encoded");
	is_str(big(header76, "a\nBcc: x"), "a Bcc: x",
	    "header: LF cannot end the line");
	s = big(header76, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa9\xd7\x9c"
	    "\xd7\x95\xd7\x9d \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa9\xd7\x9c"
	    "\xd7\x95\xd7\x9d \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa9\xd7\x9c");
	is_str(s, "=?UTF-8?B?16nXnNeV150g16nXnNeV150g16nXnNeV150g16nXnNeV150g16k=?="
	    "\r\n =?UTF-8?B?15zXldedINep15w=?=",
	    "header: long text folds into words, never cutting a character");
	ok(longest(s) + 9 <= 76, "  each line fits 76 after \"Subject: \"");
	/* Found by fuzz_escape: with no column used, a word was 76 long. */
	s = big(header0, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9");
	ok(strcspn(s, "\r") <= 75, "header: a word alone on its line is at "
	    "most 75 characters");
	is_str(big(phrase, "Ann Lee"), "Ann Lee", "phrase: atoms stay");
	is_str(big(phrase, "Lee, Ann"), "=?UTF-8?B?TGVlLCBBbm4=?=",
	    "phrase: a comma is encoded, not taken as a list");
}

/*
 * Characters that move or hide text: C1 controls, the line and paragraph
 * separators, bidi embeddings, overrides and isolates.  RLO would show
 * "gnp.exe" as "exe.png"; the marks LRM, RLM and ALM, which right-to-left
 * text needs and which reorder nothing but neutrals, stay.
 */
static void
test_disguise(void)
{
	is_str(esc(esc_text, "see \xe2\x80\xaegnp.exe", 0),
	    "see " FFFD "gnp.exe", "text: RLO (U+202E) is U+FFFD");
	is_str(esc(esc_html, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac"
	    "\xe2\x80\xad<", 0), FFFD FFFD FFFD FFFD "&lt;",
	    "html: LRE, RLE, PDF, LRO are U+FFFD");
	is_str(esc(esc_text, "\xe2\x81\xa6" "a\xe2\x81\xa7" "b\xe2\x81\xa8" "c"
	    "\xe2\x81\xa9", 0), FFFD "a" FFFD "b" FFFD "c" FFFD,
	    "text: the isolates U+2066 to U+2069 are U+FFFD");
	is_str(esc(esc_text, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", 0),
	    "a" FFFD "b" FFFD "c", "text: U+2028 and U+2029 are U+FFFD");
	is_str(esc(esc_text, "\xc2\x80\xc2\x85\xc2\x9b" "2J\xc2\x9f", 0),
	    FFFD FFFD FFFD "2J" FFFD, "text: C1 controls (NEL, CSI) are U+FFFD");
	is_str(esc(esc_text, "\xc2\xa0\xc2\xa9\xe2\x80\xa7\xe2\x80\xaf"
	    "\xe2\x81\xa5\xe2\x81\xaa", 0), "\xc2\xa0\xc2\xa9\xe2\x80\xa7"
	    "\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	    "text: their neighbours (NBSP, U+2027, U+202F, U+2065) stay");
	is_str(esc(esc_text, "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xd7\xa9", 0),
	    "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xd7\xa9",
	    "text: LRM, RLM and ALM stay");
	is_str(big(esc_json, "\xe2\x80\xae\xc2\x85"), FFFD FFFD,
	    "json: RLO and NEL are U+FFFD too");
	is_str(big(esc_markdown, "\xe2\x80\xae*"), FFFD "\\*",
	    "markdown: RLO is U+FFFD");
	is_str(big(mime_clean, "Eve\xe2\x80\xae\r\nBcc"), "Eve" FFFD FFFD " Bcc",
	    "clean: RLO and CR are U+FFFD, LF a space");
	is_str(big(esc_line, "a\tb\r\nc\x1b\xe2\x80\xae\xff"),
	    "a b" FFFD " c" FFFD FFFD FFFD,
	    "line: tab and LF are spaces, CR, ESC, RLO and bad bytes U+FFFD");
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
	test_json_markdown();
	test_qp();
	test_base64();
	test_headers();
	test_disguise();
	return done_testing();
}
