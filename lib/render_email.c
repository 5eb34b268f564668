/*
 * render_email.c: transcripts as one e-mail, ready for sendmail -t: an
 * RFC 5322 header (From, To, Subject, Date, Message-ID, MIME-Version)
 * and a multipart/alternative body (RFC 2046) whose parts are the text
 * and the HTML rendering, UTF-8, quoted-printable.  Every line ends in
 * CRLF and is at most 78 octets (998 is the limit).
 *
 * Safety: no header value can hold a CR, LF or NUL.  Addresses given by
 * the caller are checked (convo_mail_address_check) and the lead's
 * e-mail address is used only when it is a plain address; display names
 * and the subject are cleaned (mime_clean) and, unless short printable
 * ASCII, RFC 2047 encoded-words.  The boundary cannot occur in a
 * quoted-printable body, which never has "=_".
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

#define DEFAULT_FROM "convo@localhost"

/* Whether c may be in an address as this renderer writes one. */
static int
addr_char(char c)
{
	return c > ' ' && c < 0x7f && strchr("<>()[]\\,;:\"", c) == NULL;
}

/* Checks the addr-spec s[0..n): "local@domain", plain ASCII. */
static const char *
addr_check(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i;

	if (n == 0)
		return "an empty address";
	if (n > 254)
		return "an address over 254 characters";
	for (i = 0; i < n; i++)
		if (!addr_char(s[i]))
			return "an address with a space, a control, non-ASCII "
			    "or one of <>()[]\\,;:\"";
	if (at == NULL || at == s || at + 1 == s + n ||
	    memchr(at + 1, '@', (size_t)(s + n - at - 1)) != NULL)
		return "an address without one '@' between two parts";
	return NULL;
}

/* Checks one "addr" or "Name <addr>" of a list. */
static const char *
element_check(const char *s, size_t n)
{
	const char *lt = memchr(s, '<', n);
	size_t i;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	while (n > 0 && *s == ' ')
		s++, n--;
	if (lt == NULL)
		return addr_check(s, n);
	if (s[n - 1] != '>')
		return "text after '>'";
	if (lt - s > 200)
		return "a name over 200 bytes";
	for (i = 0; s + i < lt; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '"')
			return "a name with a control character or a quote";
	if (utf8_check(s, (size_t)(lt - s)) != 0)
		return "a name that is not UTF-8";
	return addr_check(lt + 1, (size_t)(s + n - lt - 2));
}

const char *
convo_mail_address_check(const char *list)
{
	const char *why, *comma;
	size_t n;

	for (;;) {
		comma = strchr(list, ',');
		n = comma ? (size_t)(comma - list) : strlen(list);
		if ((why = element_check(list, n)) != NULL)
			return why;
		if (comma == NULL)
			return NULL;
		list = comma + 1;
	}
}

/* Appends one checked element: the name encoded, the address as is. */
static int
element(struct buf *b, const char *s, size_t n, size_t used)
{
	const char *lt = memchr(s, '<', n);
	size_t name;
	int rc;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	while (n > 0 && *s == ' ')
		s++, n--;
	if (lt == NULL)
		return buf_add(b, s, n);
	for (name = (size_t)(lt - s); name > 0 && s[name - 1] == ' '; name--)
		;
	if (name > 0 && ((rc = mime_header_phrase(b, s, name, used)) != 0 ||
	    (rc = buf_addc(b, ' ')) != 0))
		return rc;
	return buf_add(b, lt, (size_t)(s + n - lt));
}

/* "Name: a, b" with each address on a line of its own. */
static int
addresses(struct buf *b, const char *name, const char *list)
{
	const char *comma;
	size_t n;
	int rc;

	if ((rc = buf_printf(b, "%s: ", name)) != 0)
		return rc;
	for (;;) {
		comma = strchr(list, ',');
		n = comma ? (size_t)(comma - list) : strlen(list);
		if ((rc = element(b, list, n, strlen(name) + 2)) != 0)
			return rc;
		if (comma == NULL)
			return buf_adds(b, "\r\n");
		if ((rc = buf_adds(b, ",\r\n ")) != 0)
			return rc;
		list = comma + 1;
	}
}

/*
 * The name for address among the leads: the first lead with that
 * address and a name (a lead derived from the visitor's text has none,
 * a stated one of the same visitor often has), or NULL.
 */
static const char *
lead_name(const struct convo_transcript *const *t, size_t n,
    const char *address)
{
	const struct convo_transcript_lead *l;
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < t[i]->n_leads; k++) {
			l = &t[i]->leads[k];
			if (l->email != NULL && l->name != NULL &&
			    *l->name != '\0' && strcasecmp(l->email,
			    address) == 0)
				return l->name;
		}
	return NULL;
}

/* The first lead with a plain e-mail address, as "Name <address>". */
static int
lead_to(struct buf *b, const struct convo_transcript *const *t, size_t n)
{
	const struct convo_transcript_lead *l;
	const char *name;
	size_t i, k;
	int rc;

	for (i = 0; i < n; i++)
		for (k = 0; k < t[i]->n_leads; k++) {
			l = &t[i]->leads[k];
			if (l->email == NULL ||
			    addr_check(l->email, strlen(l->email)) != NULL)
				continue;
			name = lead_name(t, n, l->email);
			if ((rc = buf_adds(b, "To: ")) != 0 || (name != NULL &&
			    ((rc = mime_header_phrase(b, name, strlen(name),
			    4)) != 0 || (rc = buf_addc(b, ' ')) != 0)))
				return rc;
			return buf_printf(b, "<%s>\r\n", l->email);
		}
	/* An empty group: valid, and no one gets it by accident. */
	return buf_adds(b, "To: undisclosed-recipients:;\r\n");
}

static int
from(struct buf *b, const struct convo_transcript_options *o)
{
	int rc;

	if (o->from != NULL)
		return addresses(b, "From", o->from);
	if (o->brand == NULL)
		return buf_adds(b, "From: " DEFAULT_FROM "\r\n");
	if ((rc = buf_adds(b, "From: ")) != 0 ||
	    (rc = mime_header_phrase(b, o->brand, strlen(o->brand), 6)) != 0)
		return rc;
	return buf_adds(b, " <" DEFAULT_FROM ">\r\n");
}

static int
subject(struct buf *b, const struct convo_transcript *const *t, size_t n,
    const struct convo_transcript_options *o)
{
	char day[TR_TIMESZ];
	struct buf s;
	int rc;

	if ((rc = buf_adds(b, "Subject: ")) != 0)
		return rc;
	if (o->subject != NULL)
		rc = mime_header_text(b, o->subject, strlen(o->subject), 9);
	else {
		buf_init(&s, b->max);
		tr_date(day, n > 0 ? t[0]->started_at : o->now);
		rc = buf_printf(&s, "Your conversation%s%s%s on %s",
		    n > 1 ? "s" : "", o->brand ? " with " : "",
		    o->brand ? o->brand : "", day);
		if (rc == 0)
			rc = mime_header_text(b, s.data, s.len, 9);
		buf_release(&s);
	}
	return rc == 0 ? buf_adds(b, "\r\n") : rc;
}

/* RFC 5322 3.3: "Sun, 22 Nov 2026 02:26:33 +0000", in local time. */
static int
date(struct buf *b, int64_t ms)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	long off;

	if (localtime_r(&s, &tm) == NULL)
		return CONVO_EINTERNAL;
	off = tm.tm_gmtoff / 60;
	return buf_printf(b, "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d "
	    "%c%02ld%02ld\r\n", days + 3 * tm.tm_wday, tm.tm_mday,
	    months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

/* The domain of the From address for the Message-ID, or localhost. */
static void
domain(char *out, size_t size, const struct convo_transcript_options *o)
{
	const char *at = o->from ? strrchr(o->from, '@') : NULL;
	size_t i = 0;

	if (at != NULL)
		for (at++; i + 1 < size && ((*at >= 'a' && *at <= 'z') ||
		    (*at >= 'A' && *at <= 'Z') || (*at >= '0' && *at <= '9') ||
		    *at == '.' || *at == '-'); at++)
			out[i++] = *at;
	out[i] = '\0';
	if (i == 0)
		snprintf(out, size, "localhost");
}

/* The same transcripts at the same time give the same Message-ID. */
static uint64_t
identity(const struct convo_transcript *const *t, size_t n, int64_t now)
{
	uint64_t h = hash64(HASH64_INIT, &now, sizeof(now));
	size_t i;

	for (i = 0; i < n; i++) {
		h = hash64(h, t[i]->source ? t[i]->source : "", strlen(
		    t[i]->source ? t[i]->source : "") + 1);
		h = hash64(h, t[i]->id, strlen(t[i]->id) + 1);
	}
	return h;
}

static int
header(struct buf *b, const struct convo_transcript *const *t, size_t n,
    const struct convo_transcript_options *o, uint64_t id)
{
	char dom[256], stamp[TR_TIMESZ];
	int rc;

	domain(dom, sizeof(dom), o);
	tr_date(stamp, o->now);
	if ((rc = from(b, o)) != 0 ||
	    (rc = o->to ? addresses(b, "To", o->to) : lead_to(b, t, n)) != 0 ||
	    (rc = subject(b, t, n, o)) != 0 || (rc = date(b, o->now)) != 0)
		return rc;
	return buf_printf(b, "Message-ID: <transcript.%.4s%.2s%.2s.%016llx@%s>"
	    "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"=_convo_%016llx\"\r\n\r\n"
	    "This is a message in MIME format: the same transcript as text "
	    "and as HTML.\r\n", stamp, stamp + 5, stamp + 8,
	    (unsigned long long)id, dom, (unsigned long long)id);
}

/* One part: its header, then body quoted-printable. */
static int
part(struct buf *b, uint64_t id, const char *type, const char *body,
    size_t len)
{
	int rc;

	if ((rc = buf_printf(b, "\r\n--=_convo_%016llx\r\n"
	    "Content-Type: text/%s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	    (unsigned long long)id, type)) != 0)
		return rc;
	return mime_qp(b, body, len);
}

int
render_email(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	struct buf text, html;
	uint64_t id = identity(t, n, o->now);
	int rc;

	if ((o->from != NULL && convo_mail_address_check(o->from) != NULL) ||
	    (o->to != NULL && convo_mail_address_check(o->to) != NULL))
		return CONVO_EUSAGE;
	buf_init(&text, b->max);
	buf_init(&html, b->max);
	if ((rc = render_text(&text, t, n, o)) == 0 &&
	    (rc = render_html(&html, t, n, o)) == 0 &&
	    (rc = header(b, t, n, o, id)) == 0 &&
	    (rc = part(b, id, "plain", text.data ? text.data : "",
	    text.len)) == 0 &&
	    (rc = part(b, id, "html", html.data, html.len)) == 0)
		rc = buf_printf(b, "\r\n--=_convo_%016llx--\r\n",
		    (unsigned long long)id);
	buf_release(&text);
	buf_release(&html);
	return rc;
}
