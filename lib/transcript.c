/*
 * transcript.c: what the transcript renderers (render_text.c,
 * render_markdown.c, render_html.c, render_json.c, render_email.c)
 * share: formats, labels, local times, URLs, and the one entry point
 * convo_transcript_render().
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

/* A rendering may be large, never unbounded. */
#define RENDER_MAX ((size_t)1 << 30)

static const char *const format_names[] = {
	"text", "markdown", "html", "json", "email"
};
static const char *const format_exts[] = {
	"txt", "md", "html", "json", "eml"
};
#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

int
convo_transcript_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < N_FORMATS; i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
convo_transcript_format_ext(enum convo_transcript_format f)
{
	return (size_t)f < N_FORMATS ? format_exts[f] : "txt";
}

int
tr_shown(const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m)
{
	return o->include_system || strcmp(m->role, "system") != 0;
}

int
tr_thread(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o, const char *day_line,
    tr_message_fn fn)
{
	char day[TR_TIMESZ], last[TR_TIMESZ] = "";
	struct buf extra;
	size_t i;
	int rc = 0;

	buf_init(&extra, b->max);
	for (i = 0; i < t->n_all && rc == 0; i++) {
		if (!tr_shown(o, &t->messages[i]))
			continue;
		tr_date(day, t->messages[i].ts);
		if (strcmp(day, last) != 0)
			rc = buf_printf(b, day_line, day);
		memcpy(last, day, sizeof(last));
		if (rc == 0)
			rc = fn(b, o, &t->messages[i], &extra);
	}
	buf_release(&extra);
	return rc;
}

const char *
tr_label(const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m)
{
	static const char *const roles[] = { "user", "assistant", "agent" };
	static const char *const names[] = { "User", "Assistant", "Agent" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(m->role, roles[i]) == 0)
			return o->labels[i] != NULL ? o->labels[i] : names[i];
	return "System";
}

/* ms as local broken-down time; the epoch when it cannot be. */
static void
local(struct tm *tm, int64_t ms)
{
	/* Rounded down; not (ms - 999) / 1000, which overflows. */
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms + 1) / 1000 - 1);

	if (localtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

char *
tr_clock(char *buf, int64_t ms)
{
	struct tm tm;

	local(&tm, ms);
	snprintf(buf, TR_TIMESZ, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	return buf;
}

char *
tr_date(char *buf, int64_t ms)
{
	struct tm tm;

	local(&tm, ms);
	snprintf(buf, TR_TIMESZ, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return buf;
}

char *
tr_datetime(char *buf, int64_t ms)
{
	struct tm tm;
	int off;

	local(&tm, ms);
	/* Offsets are under a day: minutes fit an int. */
	off = (int)(tm.tm_gmtoff / 60 % 1440);
	snprintf(buf, TR_TIMESZ, "%04d-%02d-%02d %02d:%02d:%02d %c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', abs(off) / 60,
	    abs(off) % 60);
	return buf;
}

int
tr_extra(struct buf *b, const struct convo_transcript_msg *m)
{
	int rc = 0;

	buf_reset(b);
	if (m->click_type != NULL || m->click_title != NULL)
		rc = buf_printf(b, "[%s] %s", m->click_type ? m->click_type :
		    "click", m->click_title ? m->click_title :
		    m->click_target ? m->click_target : "");
	if (rc == 0 && (m->media_type != NULL || m->media_name != NULL))
		rc = buf_printf(b, "%s[%s] %s", b->len ? "\n" : "",
		    m->media_type ? m->media_type : "attachment",
		    m->media_name ? m->media_name : m->media_url ?
		    m->media_url : "");
	return rc;
}

/* Whether c ends a URL: white space, a control, or a quote or bracket. */
static int
url_stop(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("<>\"'`", c) != NULL;
}

size_t
tr_url(const char *s, size_t n, size_t at)
{
	size_t len, scheme;
	unsigned char prev = at > 0 ? (unsigned char)s[-1] : ' ';

	if ((prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') ||
	    (prev >= '0' && prev <= '9'))
		return 0;
	if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else
		return 0;
	for (len = scheme; len < n && !url_stop((unsigned char)s[len]); len++)
		;
	/* "See https://x.org/a." : the full stop ends the sentence. */
	while (len > scheme && strchr(".,;:!?)", s[len - 1]) != NULL &&
	    (s[len - 1] != ')' || memchr(s, '(', len) == NULL))
		len--;
	return len > scheme ? len : 0;
}

int
tr_html_inline(struct buf *b, const char *s, size_t n)
{
	size_t i, from = 0, len;
	int rc;

	for (i = 0; i < n; i++) {
		if ((s[i] != 'h' && s[i] != 'H') ||
		    (len = tr_url(s + i, n - i, i)) == 0)
			continue;
		if ((rc = esc_html(b, s + from, i - from)) != 0 ||
		    (rc = buf_adds(b, "<a href=\"")) != 0 ||
		    (rc = esc_html(b, s + i, len)) != 0 ||
		    (rc = buf_adds(b, "\" rel=\"noopener noreferrer\">")) != 0 ||
		    (rc = esc_html(b, s + i, len)) != 0 ||
		    (rc = buf_adds(b, "</a>")) != 0)
			return rc;
		i += len - 1;
		from = i + 1;
	}
	return esc_html(b, s + from, n - from);
}

int
convo_transcript_render(char **out, size_t *len,
    const struct convo_transcript *const *t, size_t n,
    const struct convo_transcript_options *o)
{
	static int (*const render[])(struct buf *,
	    const struct convo_transcript *const *, size_t,
	    const struct convo_transcript_options *) = {
		render_text, render_markdown, render_html, render_json,
		render_email
	};
	struct buf b;
	int rc;

	*out = NULL;
	*len = 0;
	if ((size_t)o->format >= N_FORMATS)
		return CONVO_EUSAGE;
	buf_init(&b, RENDER_MAX);
	if ((rc = render[o->format](&b, t, n, o)) == 0 &&
	    (rc = buf_add(&b, "", 0)) == 0) {
		*len = b.len;
		*out = buf_detach(&b);
		return *out != NULL ? 0 : CONVO_ENOMEM;
	}
	buf_release(&b);
	return rc;
}

char *
convo_transcript_filename(char *buf, size_t size,
    const struct convo_transcript *t, enum convo_transcript_format f)
{
	size_t i, o = 0;
	char c;

	for (i = 0; t->id[i] != '\0' && i < 100 && o + 1 < size; i++) {
		c = t->id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && o > 0)))
			c = '_';
		buf[o++] = c;
	}
	if (o == 0 && size > 1)
		buf[o++] = '_';
	snprintf(buf + o, size - o, ".%s", convo_transcript_format_ext(f));
	return buf;
}

enum tr_line
tr_line_kind(const char *s, size_t n, size_t *content)
{
	size_t i = 0, start;

	*content = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return TR_BLANK;
	if (n - i >= 2 && (s[i] == '-' || s[i] == '*') && s[i + 1] == ' ') {
		*content = i + 2;
		return TR_BULLET;
	}
	/* At most nine digits: CommonMark's limit for a list number. */
	for (start = i; i < n && i - start < 9 && s[i] >= '0' && s[i] <= '9';
	    i++)
		;
	if (i > start && i + 1 < n && s[i] == '.' && s[i + 1] == ' ') {
		*content = i + 2;
		return TR_NUMBERED;
	}
	return TR_PARA;
}

char *
tr_status(char *buf, size_t size, const struct convo_transcript *t)
{
	snprintf(buf, size, t->end_reason ? "%s (%s)" : "%s", t->status,
	    t->end_reason ? t->end_reason : "");
	return buf;
}
