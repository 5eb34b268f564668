/*
 * fuzz_escape.c: libFuzzer harness for the escapers one at a time
 * (lib/escape.c, convo_json_string in lib/table.c, utf8_check and
 * utf8_tail in lib/reader.c, convo_mail_address_check in
 * lib/render_email.c), each output decoded back and compared with what
 * went in.
 *
 * The input: a byte of options (the columns a header has used, the
 * base64 line length), then the text, raw: any bytes, NUL included.
 *
 * Checked:
 *   - utf8_check agrees with a validator written here from RFC 3629's
 *     table, and utf8_tail cuts valid text only before a whole sequence;
 *   - esc_text: valid UTF-8, no control but tab and line end, unchanged
 *     when it was clean, the same when run again (the "clean" text);
 *   - esc_html: none of < > " ', every & an entity, the entities decode
 *     to the clean text;
 *   - esc_json: cJSON reads "OUT" as the clean text;
 *   - esc_markdown: no < or >, every backslash before a character it
 *     escapes, decodes to the clean text;
 *   - mime_qp: lines of printable ASCII up to 76 characters, no white
 *     space before a line end, no line "." alone or starting "From ",
 *     decodes to the raw input with CRLF for LF;
 *   - mime_base64: lines as long as asked, decodes to the raw input;
 *   - mime_clean: the clean text with tab and LF made spaces;
 *   - mime_header_text and mime_header_phrase: no CR or LF but the folds
 *     "CRLF SP", lines within 78 columns (the first after those used),
 *     encoded-words of at most 75 characters, each valid UTF-8 alone;
 *     unfolded and decoded, the cleaned header value again; plain text
 *     only when it is printable ASCII (atext and spaces for a phrase);
 *   - convo_json_string: cJSON reads back the input up to its first NUL;
 *   - convo_mail_address_check: an accepted list has no control
 *     character, no quote and no space in an address.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

#include "hexval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (1u << 24)

/*
 * The 1-based offset of the first byte that does not start a well-formed
 * sequence (RFC 3629, section 4), or 0.
 */
static size_t
validate(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = s[i];

		lo = 0x80;
		hi = 0xbf;
		if (c <= 0x7f)
			len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return i + 1;
		if (len > n - i)
			return i + 1;
		for (k = 1; k < len; k++)
			if (s[i + k] < (k == 1 ? lo : 0x80) ||
			    s[i + k] > (k == 1 ? hi : 0xbf))
				return i + 1;
		i += len;
	}
	return 0;
}

/* The length of the sequence valid UTF-8 byte c starts. */
static size_t
seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static void
check_utf8(const char *s, size_t n)
{
	size_t i, tail, start;

	if (utf8_check(s, n) != validate((const unsigned char *)s, n))
		abort();
	if (validate((const unsigned char *)s, n) != 0)
		return;
	/* Cut anywhere, valid text holds back just the cut sequence. */
	for (i = 0, start = 0; i <= n && i < 64; i++) {
		while (start < n && start + seq_len((unsigned char)s[start])
		    <= i)
			start += seq_len((unsigned char)s[start]);
		tail = utf8_tail(s, i);
		if (tail != i - start)
			abort();
	}
}

/* Clean text: valid UTF-8, no controls but tab and line end. */
static void
check_clean(const char *s, size_t n)
{
	size_t i;

	if (validate((const unsigned char *)s, n) != 0)
		abort();
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\n') || s[i] == 0x7f)
			abort();
}

static int
same(const struct buf *b, const char *s, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

/* Decodes HTML's five entities; every & must start one. */
static void
check_html(const struct buf *b, const struct buf *clean)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&#39;" };
	static const char chars[] = "&<>\"'";
	struct buf d;
	size_t i, k;

	buf_init(&d, MAX_OUT);
	for (i = 0; i < b->len; i++) {
		if (strchr("<>\"'", b->data[i]) != NULL)
			abort();
		if (b->data[i] != '&') {
			buf_addc(&d, b->data[i]);
			continue;
		}
		for (k = 0; k < 5; k++)
			if (strncmp(b->data + i, ent[k], strlen(ent[k])) == 0)
				break;
		if (k == 5)
			abort();
		buf_addc(&d, chars[k]);
		i += strlen(ent[k]) - 1;
	}
	if (!same(&d, clean->data, clean->len))
		abort();
	buf_release(&d);
}

static void
check_json(const struct buf *b, const struct buf *clean)
{
	struct buf q;
	cJSON *v;

	buf_init(&q, MAX_OUT);
	buf_addc(&q, '"');
	buf_add(&q, b->data, b->len);
	buf_addc(&q, '"');
	if ((v = cJSON_ParseWithOpts(q.data, NULL, 1)) == NULL ||
	    !cJSON_IsString(v))
		abort();
	if (strlen(v->valuestring) != clean->len || (clean->len > 0 &&
	    memcmp(v->valuestring, clean->data, clean->len) != 0))
		abort();
	cJSON_Delete(v);
	buf_release(&q);
}

static void
check_markdown(const struct buf *b, const struct buf *clean)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;" };
	struct buf d;
	size_t i, k;

	buf_init(&d, MAX_OUT);
	for (i = 0; i < b->len; i++) {
		char c = b->data[i];

		if (c == '<' || c == '>')
			abort();
		if (c == '\\') {
			if (i + 1 == b->len || strchr("\\`*_[]#|~",
			    b->data[i + 1]) == NULL || b->data[i + 1] == '\0')
				abort();
			buf_addc(&d, b->data[++i]);
		} else if (c == '&') {
			for (k = 0; k < 3; k++)
				if (strncmp(b->data + i, ent[k],
				    strlen(ent[k])) == 0)
					break;
			if (k == 3)
				abort();
			buf_addc(&d, "&<>"[k]);
			i += strlen(ent[k]) - 1;
		} else
			buf_addc(&d, c);
	}
	if (!same(&d, clean->data, clean->len))
		abort();
	buf_release(&d);
}

/* Quoted-printable: the lines, then the decoding. */
static void
check_qp(const struct buf *b, const char *s, size_t n)
{
	struct buf d;
	size_t i, start = 0, len;
	int hi, lo;

	buf_init(&d, MAX_OUT);
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->data[i] != '\r')
			continue;
		if (i < b->len && (i + 1 == b->len || b->data[i + 1] != '\n'))
			abort();
		len = i - start;
		if (len > 76)
			abort();
		if (len > 0 && (b->data[i - 1] == ' ' ||
		    b->data[i - 1] == '\t'))
			abort();
		/* A lone "." ends a message for sendmail without -i. */
		if (len == 1 && b->data[start] == '.')
			abort();
		if (len >= 5 && memcmp(b->data + start, "From ", 5) == 0)
			abort();
		i++;
		start = i + 1;
	}
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\r') {
			buf_addc(&d, '\n');
			i++;
		} else if (c == '=') {
			if (i + 2 < b->len && b->data[i + 1] == '\r' &&
			    b->data[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 >= b->len ||
			    (hi = hexval(b->data[i + 1])) < 0 ||
			    (lo = hexval(b->data[i + 2])) < 0)
				abort();
			buf_addc(&d, hi << 4 | lo);
			i += 2;
		} else if ((c < 0x20 && c != '\t') || c > 0x7e)
			abort();
		else
			buf_addc(&d, (char)c);
	}
	if (!same(&d, s, n))
		abort();
	buf_release(&d);
}

static int
b64val(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* Decodes base64 of len characters (no line ends) onto d. */
static void
b64_decode(struct buf *d, const char *s, size_t len)
{
	size_t i, k;
	int v[4];

	if (len % 4 != 0)
		abort();
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
			if (v[k] < 0 || (s[i + k] == '=' && (i + 4 < len ||
			    k < 2)))
				abort();
		}
		buf_addc(d, v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			buf_addc(d, (v[1] & 15) << 4 | v[2] >> 2);
		else if (s[i + 3] != '=')
			abort();
		if (s[i + 3] != '=')
			buf_addc(d, (v[2] & 3) << 6 | v[3]);
	}
}

static void
check_base64(const struct buf *b, const char *s, size_t n, size_t line)
{
	struct buf d;
	size_t i, start = 0;

	buf_init(&d, MAX_OUT);
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->data[i] != '\r')
			continue;
		if (i < b->len && (i + 1 == b->len ||
		    b->data[i + 1] != '\n' || i == start))
			abort();
		if (line > 0 ? i - start > line : i < b->len)
			abort();
		b64_decode(&d, b->data + start, i - start);
		i++;
		start = i + 1;
	}
	if (!same(&d, s, n))
		abort();
	buf_release(&d);
}

/* Whether the header value is the plain kind: printable ASCII, no "=?". */
static int
plain(const char *s, size_t n, int phrase)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || (c == '=' && i + 1 < n &&
		    s[i + 1] == '?'))
			return 0;
		if (phrase && !((c >= 'a' && c <= 'z') || (c >= 'A' &&
		    c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(" !#$%&'*+-/=?^_`{|}~", c) != NULL))
			return 0;
	}
	return 1;
}

/*
 * A header value: folded lines within 78 columns, the first after used,
 * then either the plain value or encoded-words that decode to it.
 */
static void
check_header(const struct buf *b, const struct buf *want, size_t used,
    int phrase)
{
	struct buf d;
	size_t i, start = 0, col = used, k;
	const char *w, *end;

	if (b->len == 0) {
		if (want->len != 0)
			abort();
		return;
	}
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->data[i] != '\r' && b->data[i] != '\n')
			continue;
		if (i < b->len && strncmp(b->data + i, "\r\n ", 3) != 0)
			abort();
		/* A header starts at most at column 56 in practice. */
		if (col + i - start > 78 && (start > 0 || used <= 56))
			abort();
		col = 0;
		i += 2;
		start = i;
	}
	if (memchr(b->data, '\0', b->len) != NULL)
		abort();
	if (b->len < 10 || strncmp(b->data, "=?UTF-8?B?", 10) != 0) {
		/* Plain: only what may go plain, cut to no line. */
		if (!same(b, want->data, want->len) ||
		    !plain(b->data, b->len, phrase) || used + b->len > 78)
			abort();
		return;
	}
	buf_init(&d, MAX_OUT);
	for (w = b->data, end = b->data + b->len; w < end; ) {
		size_t before = d.len;

		if (end - w < 12 || strncmp(w, "=?UTF-8?B?", 10) != 0)
			abort();
		for (k = 10; w + k < end && w[k] != '?'; k++)
			;
		if (w + k + 1 >= end || w[k + 1] != '=' || k + 2 > 75)
			abort();
		b64_decode(&d, w + 10, k - 10);
		if (validate((unsigned char *)d.data + before, d.len - before))
			abort();
		w += k + 2;
		if (w < end && (end - w < 3 || strncmp(w, "\r\n ", 3) != 0))
			abort();
		if (w < end)
			w += 3;
	}
	if (!same(&d, want->data, want->len))
		abort();
	buf_release(&d);
}

/*
 * A JSON string reads back as the text, each bad UTF-8 sequence U+FFFD
 * (the controls escaped, so kept).
 */
static void
check_json_string(const char *s)
{
	struct buf want;
	char *out = NULL;
	const char *p = s;
	size_t len, n = strlen(s), bad;
	cJSON *v;
	FILE *fp;

	buf_init(&want, MAX_OUT);
	while ((bad = utf8_check(p, n)) != 0) {
		if (buf_add(&want, p, bad - 1) != 0 ||
		    buf_adds(&want, "\xef\xbf\xbd") != 0)
			abort();
		p += bad;
		n -= bad;
	}
	if (buf_add(&want, p, n) != 0 || buf_adds(&want, "") != 0)
		abort();
	if ((fp = open_memstream(&out, &len)) == NULL)
		abort();
	convo_json_string(fp, s);
	if (fclose(fp) != 0)
		abort();
	if ((v = cJSON_ParseWithOpts(out, NULL, 1)) == NULL ||
	    !cJSON_IsString(v) ||
	    strcmp(v->valuestring, want.data ? want.data : "") != 0)
		abort();
	cJSON_Delete(v);
	free(out);
	buf_release(&want);
}

/* An accepted address list cannot break a header line or an address. */
static void
check_addresses(const char *s)
{
	const char *p, *lt;

	if (convo_mail_address_check(s) != NULL)
		return;
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			abort();
	for (p = s; (lt = strchr(p, '<')) != NULL; p = lt + 1) {
		const char *gt = strchr(lt, '>');

		if (gt == NULL || memchr(lt, ' ', (size_t)(gt - lt)) != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf clean, again, b, want;
	const char *s;
	char *str;
	size_t n, used, line, i;

	if (size < 1 || size > (1u << 16))
		return 0;
	used = data[0] % 64;
	line = data[0] & 64 ? 76 : data[0] & 128 ? 4 * (1 + data[0] % 8) : 0;
	s = (const char *)data + 1;
	n = size - 1;
	buf_init(&clean, MAX_OUT);
	buf_init(&again, MAX_OUT);
	buf_init(&b, MAX_OUT);
	buf_init(&want, MAX_OUT);

	check_utf8(s, n);
	if (esc_text(&clean, s, n) != 0)
		abort();
	check_clean(clean.data, clean.len);
	check_utf8(clean.data, clean.len);
	if (esc_text(&again, clean.data, clean.len) != 0 ||
	    !same(&again, clean.data, clean.len))
		abort();
	if (validate((const unsigned char *)s, n) == 0) {
		/* Text without controls or disguises stays as it is. */
		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
			    s[i] != '\n') || s[i] == 0x7f ||
			    utf8_disguise(s + i, n - i) != 0)
				break;
		if (i == n && !same(&clean, s, n))
			abort();
	}

	if (esc_html(&b, s, n) != 0)
		abort();
	check_html(&b, &clean);
	buf_reset(&b);
	if (esc_json(&b, s, n) != 0)
		abort();
	check_json(&b, &clean);
	buf_reset(&b);
	if (esc_markdown(&b, s, n) != 0)
		abort();
	check_markdown(&b, &clean);
	buf_reset(&b);
	if (mime_qp(&b, s, n) != 0)
		abort();
	check_qp(&b, s, n);
	buf_reset(&b);
	if (mime_base64(&b, s, n, line) != 0)
		abort();
	check_base64(&b, s, n, line);
	buf_reset(&b);

	if (mime_clean(&want, s, n) != 0)
		abort();
	for (i = 0; i < clean.len; i++)
		if (clean.data[i] == '\t' || clean.data[i] == '\n')
			clean.data[i] = ' ';
	if (!same(&want, clean.data, clean.len))
		abort();
	if (mime_header_text(&b, s, n, used) != 0)
		abort();
	check_header(&b, &want, used, 0);
	buf_reset(&b);
	if (mime_header_phrase(&b, s, n, used) != 0)
		abort();
	check_header(&b, &want, used, 1);

	if ((str = malloc(n + 1)) == NULL)
		abort();
	memcpy(str, s, n);
	str[n] = '\0';
	check_json_string(str);
	check_addresses(str);
	free(str);
	buf_release(&clean);
	buf_release(&again);
	buf_release(&b);
	buf_release(&want);
	return 0;
}
