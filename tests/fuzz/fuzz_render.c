/*
 * fuzz_render.c: libFuzzer harness for the transcript renderers and the
 * escapers behind them (lib/render_*.c, lib/transcript.c, lib/escape.c).
 *
 * The input: a flags byte (bit 0 --include-system, bit 1 a brand, bit 2
 * a contact, bit 3 a subject, bit 4 a time zone east of UTC, bit 6 the
 * brand field as --from, bit 7 the contact field as --to), then
 * fields separated by 0x1f: the id, user, assistant, brand, contact,
 * subject, lead name, lead e-mail, variable name and value, then one
 * message text per field, the roles taking turns.  NUL bytes become
 * 0x01, as a stored NUL reaches the renderers as U+FFFD anyway.
 *
 * Every format is rendered and checked:
 *   - HTML: valid UTF-8; every '<' opens or closes one of the tags the
 *     renderer writes, every attribute is one it writes, every href is
 *     http or https: so no '<' of the input is raw and no script or
 *     event attribute can appear;
 *   - e-mail: 7-bit, CRLF line ends only, no line over 998 octets, a
 *     header of known fields and continuations only, each required
 *     field once: no CR or LF of the input reaches a header; the subject
 *     and the brand in From as mime_header_text and mime_header_phrase
 *     write them (fuzz_escape decodes those); a text and an HTML part
 *     whose quoted-printable decodes to the text and HTML renderings;
 *     refused (CONVO_EUSAGE) when --from or --to is not an address list
 *     convo_mail_address_check takes;
 *   - text and Markdown: valid UTF-8 without control characters but tab
 *     and line end, C1 controls, U+2028, U+2029 or bidi controls
 *     (utf8_disguise()); in Markdown every '<' starts an autolink;
 *   - JSON: cJSON reads it back, with the id unchanged when it was
 *     clean UTF-8.
 * The escapers are run on the raw bytes too: esc_html() leaves none of
 * < > " ' &-less, quoted-printable lines are printable ASCII of <= 76,
 * RFC 2047 words have no line end but the folds.
 */
#include "convo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "internal.h"

#include "hexval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 24
#define MAX_MSGS (MAX_FIELDS - 10)

static const char *const tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body",
	"header", "main", "article", "h2", "div", "span", "time", "p", "ul",
	"ol", "li", "br", "a", "aside", "table", "caption", "tr", "th", "td",
	"footer", NULL
};
static const char *const attrs[] = {
	"lang", "charset", "name", "content", "class", "dir", "datetime",
	"href", "rel", NULL
};

static int
in(const char *const *set, const char *s, size_t n)
{
	for (; *set; set++)
		if (strlen(*set) == n && strncasecmp(*set, s, n) == 0)
			return 1;
	return 0;
}

/* One tag at p (after '<'): its name and attributes must be ours. */
static const char *
check_tag(const char *p, const char *end)
{
	const char *name;

	if (*p == '/')
		p++;
	for (name = p; p < end && *p != ' ' && *p != '>'; p++)
		;
	if (!in(tags, name, (size_t)(p - name)))
		abort();
	while (p < end && *p == ' ') {
		for (name = ++p; p < end && *p != '=' && *p != ' ' &&
		    *p != '>'; p++)
			;
		/* "<!DOCTYPE html>": html is no attribute, but allowed. */
		if (!in(attrs, name, (size_t)(p - name)) && !(p - name == 4 &&
		    strncmp(name, "html", 4) == 0))
			abort();
		if (p < end && *p == '=') {
			if (*++p != '"')
				abort();
			if (strncmp(name, "href", 4) == 0 && strncasecmp(p + 1,
			    "http://", 7) != 0 && strncasecmp(p + 1, "https://",
			    8) != 0)
				abort();
			p = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (p == NULL)
				abort();
			p++;
		}
	}
	if (p >= end || *p != '>')
		abort();
	return p + 1;
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
check_email(const char *s, size_t n)
{
	static const char *const names[] = { "From: ", "To: ", "Subject: ",
	    "Date: ", "Message-ID: ", "MIME-Version: ", "Content-Type: " };
	size_t i, k, len, count[7] = { 0 };
	int header = 1;

	for (i = 0; i < n; i += len + 2) {
		const char *nl = memchr(s + i, '\n', n - i);

		if (nl == NULL || nl == s + i || nl[-1] != '\r')
			abort();
		len = (size_t)(nl - s - i) - 1;
		if (len > 998 || memchr(s + i, '\r', len) != NULL)
			abort();
		for (k = 0; k < len; k++)
			if ((unsigned char)s[i + k] > 0x7e ||
			    ((unsigned char)s[i + k] < 0x20 && s[i + k] != '\t'))
				abort();
		if (!header)
			continue;
		if (len == 0) {
			header = 0;
			continue;
		}
		if (s[i] == ' ')
			continue;
		for (k = 0; k < 7; k++)
			if (strncmp(s + i, names[k], strlen(names[k])) == 0)
				break;
		if (k == 7)
			abort();
		count[k]++;
	}
	for (k = 0; k < 7; k++)
		if (count[k] != 1)
			abort();
}

/*
 * A quoted-printable body s[0..n) decoded, CRLF read as LF, must be
 * want[0..wlen).
 */
static void
check_qp_body(const char *s, size_t n, const char *want, size_t wlen)
{
	size_t i, k = 0;
	int hi, lo;
	char c;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			c = '\n';
			i++;
		} else if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			i += 2;
			continue;
		} else if (s[i] == '=') {
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				abort();
			c = (char)(hi << 4 | lo);
			i += 2;
		} else
			c = s[i];
		if (k >= wlen || want[k++] != c)
			abort();
	}
	if (k != wlen)
		abort();
}

/*
 * The body: a preamble, a text/plain and a text/html part in
 * quoted-printable, which decode to the text and the HTML renderings,
 * and the closing delimiter; the boundary is in no part.
 */
static void
check_email_body(const char *s, size_t n, const char *text, size_t tlen,
    const char *html, size_t hlen)
{
	static const char *const types[] = { "plain", "html" };
	const char *p, *b, *end = s + n, *body, *next;
	char delim[64], head[160];
	size_t k, dlen;

	if ((p = strstr(s, " boundary=\"")) == NULL)
		abort();
	b = p + 11;
	if ((p = strchr(b, '"')) == NULL || p - b > 40)
		abort();
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%.*s",
	    (int)(p - b), b);
	if ((p = strstr(p, delim)) == NULL)
		abort();
	for (k = 0; k < 2; k++) {
		snprintf(head, sizeof(head), "%s\r\nContent-Type: text/%s; "
		    "charset=UTF-8\r\nContent-Transfer-Encoding: "
		    "quoted-printable\r\n\r\n", delim, types[k]);
		if (strncmp(p, head, strlen(head)) != 0)
			abort();
		body = p + strlen(head);
		if ((next = strstr(body, delim)) == NULL)
			abort();
		if (k == 0)
			check_qp_body(body, (size_t)(next - body), text, tlen);
		else
			check_qp_body(body, (size_t)(next - body), html, hlen);
		p = next;
	}
	if ((size_t)(end - p) != dlen + 4 || strcmp(p + dlen, "--\r\n") != 0)
		abort();
}

/*
 * The header field name: its value must be what fn makes of value for
 * a line that has used name's width, then suffix (fuzz_escape checks
 * that this decodes back to the cleaned value).
 */
static void
check_field(const char *s, const char *name, const char *value,
    int (*fn)(struct buf *, const char *, size_t, size_t),
    const char *suffix)
{
	struct buf want;
	const char *at;

	buf_init(&want, 1u << 24);
	if (buf_adds(&want, "\r\n") != 0 || buf_adds(&want, name) != 0 ||
	    fn(&want, value, strlen(value), strlen(name)) != 0 ||
	    buf_adds(&want, suffix) != 0 || buf_adds(&want, "\r\n") != 0)
		abort();
	/* The field, at the start or after a line end. */
	if (strncmp(s, want.data + 2, want.len - 2) != 0 &&
	    ((at = strstr(s, want.data)) == NULL ||
	    at > strstr(s, "\r\n\r\n")))
		abort();
	buf_release(&want);
}

/* Text and Markdown: UTF-8, no controls but tab and line end. */
static void
check_plain(const char *s, size_t n, int markdown)
{
	size_t i;

	if (utf8_check(s, n) != 0)
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			abort();
		if (c >= 0x80 && utf8_disguise(s + i, n - i) != 0)
			abort();
		if (markdown && c == '<' && strncasecmp(s + i + 1, "http", 4))
			abort();
	}
}

/*
 * Whether s passes the escapers unchanged: UTF-8 (checked by the caller),
 * no controls, no character that reorders text.
 */
static int
clean(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\n') || s[i] == 0x7f ||
		    utf8_disguise(s + i, n - i) != 0)
			return 0;
	return 1;
}

static void
check_json(const char *s, const char *id)
{
	cJSON *root = cJSON_Parse(s), *got;

	if (root == NULL || !cJSON_IsArray(root))
		abort();
	got = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(root, 0),
	    "id");
	if (!cJSON_IsString(got))
		abort();
	if (utf8_check(id, strlen(id)) == 0 && clean(id) &&
	    strcmp(got->valuestring, id) != 0)
		abort();
	cJSON_Delete(root);
}

/* The escapers alone, on the raw field. */
static void
check_escapers(const char *s, size_t n)
{
	struct buf b;
	size_t i, col = 0;

	buf_init(&b, 1u << 24);
	if (esc_html(&b, s, n) != 0 || strpbrk(b.data ? b.data : "",
	    "<>\"'") != NULL)
		abort();
	buf_reset(&b);
	if (mime_qp(&b, s, n) != 0)
		abort();
	for (i = 0; i < b.len; i++, col++) {
		if (b.data[i] == '\r' && b.data[i + 1] == '\n') {
			i++;
			col = (size_t)-1;
		} else if (((unsigned char)b.data[i] < 0x20 &&
		    b.data[i] != '\t') || (unsigned char)b.data[i] > 0x7e ||
		    col >= 76)
			abort();
	}
	buf_reset(&b);
	if (mime_header_text(&b, s, n, 9) != 0)
		abort();
	for (i = 0; i < b.len; i++)
		if ((b.data[i] == '\r' && strncmp(b.data + i, "\r\n ", 3)) ||
		    (b.data[i] == '\n' && (i == 0 || b.data[i - 1] != '\r')) ||
		    (unsigned char)b.data[i] > 0x7e)
			abort();
	buf_release(&b);
}

/* Splits the input into NUL-terminated fields; NUL bytes become 0x01. */
static size_t
split(char **fields, char *copy, const uint8_t *data, size_t size)
{
	size_t i, n = 1;

	fields[0] = copy;
	for (i = 0; i < size; i++) {
		copy[i] = data[i] == 0 ? 1 : (char)data[i];
		if (data[i] == 0x1f && n < MAX_FIELDS) {
			copy[i] = '\0';
			fields[n++] = copy + i + 1;
		}
	}
	copy[size] = '\0';
	return n;
}

static const char *
field(char **f, size_t n, size_t i)
{
	return i < n ? f[i] : NULL;
}

static void
build(struct convo_transcript *t, struct convo_transcript_msg *m,
    struct convo_transcript_lead *l, struct convo_transcript_var *v,
    char **f, size_t n)
{
	static const char *const roles[] = { "user", "assistant", "agent",
	    "system" };
	size_t i;

	memset(t, 0, sizeof(*t));
	t->id = f[0];
	t->user = field(f, n, 1);
	t->assistant = field(f, n, 2);
	t->status = "ended";
	t->end_reason = field(f, n, 2);
	t->started_at = INT64_C(1795168800000);
	t->ended_at = t->started_at + 3600000;
	memset(l, 0, sizeof(*l));
	l->name = field(f, n, 6);
	l->email = field(f, n, 7);
	l->created_at = t->started_at;
	t->leads = l;
	t->n_leads = 1;
	v->name = n > 8 ? f[8] : "v";
	v->value = field(f, n, 9);
	v->source = NULL;
	t->vars = v;
	t->n_vars = 1;
	for (i = 10; i < n; i++) {
		memset(&m[i - 10], 0, sizeof(*m));
		m[i - 10].ts = t->started_at + (int64_t)(i - 10) * 40000000;
		m[i - 10].role = roles[i % 4];
		m[i - 10].text = f[i];
		m[i - 10].click_title = i % 3 == 0 ? f[i] : NULL;
		m[i - 10].media_url = i % 5 == 0 ? f[i] : NULL;
		m[i - 10].media_type = i % 5 == 0 ? "image" : NULL;
	}
	t->messages = m;
	t->n_all = n > 10 ? n - 10 : 0;
	t->n_messages = (long)t->n_all;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct convo_transcript_options o = CONVO_TRANSCRIPT_OPTIONS_INIT;
	struct convo_transcript_msg m[MAX_MSGS];
	struct convo_transcript_lead l;
	struct convo_transcript_var v;
	struct convo_transcript t;
	const struct convo_transcript *tp = &t;
	char *fields[MAX_FIELDS], *copy, *out, *text = NULL, *html = NULL;
	size_t n, len, i, text_len = 0, html_len = 0;
	int f, rc;

	if (size < 1 || size > (1u << 20) || (copy = malloc(size)) == NULL)
		return 0;
	n = split(fields, copy, data + 1, size - 1);
	setenv("TZ", data[0] & 16 ? "Asia/Kolkata" : "UTC", 1);
	tzset();
	build(&t, m, &l, &v, fields, n);
	o.include_system = data[0] & 1;
	o.brand = data[0] & 2 ? field(fields, n, 3) : NULL;
	o.contact = data[0] & 4 ? field(fields, n, 4) : NULL;
	o.subject = data[0] & 8 ? field(fields, n, 5) : NULL;
	o.from = data[0] & 64 ? field(fields, n, 3) : NULL;
	o.to = data[0] & 128 ? field(fields, n, 4) : NULL;
	o.now = t.started_at;
	for (f = CONVO_TRANSCRIPT_TEXT; f <= CONVO_TRANSCRIPT_EMAIL; f++) {
		o.format = (enum convo_transcript_format)f;
		rc = convo_transcript_render(&out, &len, &tp, 1, &o);
		/* Only the e-mail takes addresses, and only good ones. */
		if (f == CONVO_TRANSCRIPT_EMAIL && ((o.from != NULL &&
		    convo_mail_address_check(o.from) != NULL) || (o.to !=
		    NULL && convo_mail_address_check(o.to) != NULL))) {
			if (rc != CONVO_EUSAGE)
				abort();
			continue;
		}
		if (rc != 0 || strlen(out) != len)
			abort();
		if (f == CONVO_TRANSCRIPT_HTML)
			check_html(out, len);
		else if (f == CONVO_TRANSCRIPT_EMAIL) {
			check_email(out, len);
			if (o.subject != NULL)
				check_field(out, "Subject: ", o.subject,
				    mime_header_text, "");
			if (o.from == NULL && o.brand != NULL)
				check_field(out, "From: ", o.brand,
				    mime_header_phrase, " <convo@localhost>");
			check_email_body(out, len, text, text_len, html,
			    html_len);
		} else if (f == CONVO_TRANSCRIPT_JSON)
			check_json(out, t.id);
		else
			check_plain(out, len, f == CONVO_TRANSCRIPT_MARKDOWN);
		if (f == CONVO_TRANSCRIPT_TEXT) {
			text = out;
			text_len = len;
		} else if (f == CONVO_TRANSCRIPT_HTML) {
			html = out;
			html_len = len;
		} else
			free(out);
	}
	free(text);
	free(html);
	for (i = 0; i < n; i++)
		check_escapers(fields[i], strlen(fields[i]));
	free(copy);
	return 0;
}
