/*
 * render_markdown.c: transcripts as CommonMark: the brand as a title, a
 * section per conversation with its facts as a list, a heading per day,
 * and each message as "**[10:30:15] User:** text", its lines kept by
 * hard breaks, its "- " and "1. " lines as lists and its URLs as
 * autolinks.  Stored text goes through esc_markdown(): HTML specials as
 * entities, Markdown syntax behind backslashes, so text shows as typed
 * and no raw HTML reaches a Markdown renderer.
 */
#include <string.h>

#include "internal.h"

/* s on one line (line ends made spaces), URLs as autolinks. */
static int
inline_md(struct buf *b, const char *s, size_t n)
{
	size_t i, from = 0, len;
	int rc;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if ((rc = esc_markdown(b, s + from, i - from)) != 0 ||
			    (rc = buf_addc(b, ' ')) != 0)
				return rc;
			from = i + 1;
			continue;
		}
		if ((s[i] != 'h' && s[i] != 'H') ||
		    (len = tr_url(s + i, n - i, i)) == 0)
			continue;
		/* An autolink is literal: no escapes inside, none needed. */
		if ((rc = esc_markdown(b, s + from, i - from)) != 0 ||
		    (rc = buf_addc(b, '<')) != 0 ||
		    (rc = esc_text(b, s + i, len)) != 0 ||
		    (rc = buf_addc(b, '>')) != 0)
			return rc;
		i += len - 1;
		from = i + 1;
	}
	return esc_markdown(b, s + from, n - from);
}

static int
fact(struct buf *b, const char *name, const char *value)
{
	int rc;

	if (value == NULL)
		return 0;
	if ((rc = buf_printf(b, "- **%s:** ", name)) != 0 ||
	    (rc = inline_md(b, value, strlen(value))) != 0)
		return rc;
	return buf_addc(b, '\n');
}

/* Where a paragraph line needs a backslash to stay a paragraph line. */
static int
para_start(struct buf *b, const char *s, size_t n)
{
	if (n > 0 && strchr("-+=>", s[0]) != NULL)
		return buf_addc(b, '\\');
	return 0;
}

/*
 * The lines of s, after a message's heading (which then counts as a
 * paragraph line) or not: hard breaks within paragraphs, a blank line around
 * lists, list items as "- " and "N. ".
 */
static int
body(struct buf *b, const char *s, int heading)
{
	enum tr_line kind, prev = TR_PARA;
	int first = 1;
	size_t len, at, skip;
	int rc = 0;

	for (at = 0; rc == 0 && (at == 0 || s[at - 1] != '\0'); at += len + 1) {
		len = strcspn(s + at, "\n");
		kind = tr_line_kind(s + at, len, &skip);
		if (kind == TR_BLANK) {
			prev = TR_BLANK;
			continue;
		}
		/* The first line: on the heading's line, unless a list. */
		if (first && heading && kind != TR_PARA)
			rc = buf_adds(b, "\n\n");
		else if (!first)
			rc = buf_adds(b, prev == TR_BLANK || (prev ==
			    TR_PARA) != (kind == TR_PARA) ? "\n\n" :
			    kind == TR_PARA ? "\\\n" : "\n");
		first = 0;
		if (rc == 0 && kind != TR_PARA)
			rc = buf_add(b, s + at, skip);
		if (kind == TR_PARA)
			skip = strspn(s + at, " \t");
		if (rc == 0 && kind == TR_PARA)
			rc = para_start(b, s + at + skip, len - skip);
		if (rc == 0)
			rc = inline_md(b, s + at + skip, len - skip);
		prev = kind;
	}
	return rc == 0 ? buf_adds(b, "\n\n") : rc;
}

/* The click or attachment in italics, after the text or on its line. */
static int
message(struct buf *b, const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m, struct buf *extra)
{
	char clock[TR_TIMESZ];
	const char *label = tr_label(o, m);
	int has_text = m->text != NULL && *m->text != '\0', rc;

	if ((rc = tr_extra(extra, m)) != 0 ||
	    (rc = buf_printf(b, "**[%s] ", tr_clock(clock, m->ts))) != 0 ||
	    (rc = inline_md(b, label, strlen(label))) != 0 ||
	    (rc = buf_adds(b, ":**")) != 0)
		return rc;
	if (has_text && ((rc = buf_addc(b, ' ')) != 0 ||
	    (rc = body(b, m->text, 1)) != 0))
		return rc;
	if (extra->len == 0)
		return has_text ? 0 : buf_adds(b, "\n\n");
	if ((rc = buf_adds(b, has_text ? "*" : " *")) != 0 ||
	    (rc = inline_md(b, extra->data, extra->len)) != 0)
		return rc;
	return buf_adds(b, "*\n\n");
}

static int
facts(struct buf *b, const struct convo_transcript *t)
{
	char started[TR_TIMESZ], ended[TR_TIMESZ], count[32], status[64];
	const struct convo_transcript_lead *l;
	size_t i;
	int rc;

	snprintf(count, sizeof(count), "%ld", t->n_messages);
	if ((rc = fact(b, "User", t->user)) != 0 ||
	    (rc = fact(b, "Source", t->source)) != 0 ||
	    (rc = fact(b, "Assistant", t->assistant)) != 0 ||
	    (rc = fact(b, "Status", tr_status(status, sizeof(status), t))) != 0 ||
	    (rc = fact(b, "Started", tr_datetime(started, t->started_at))) ||
	    (rc = fact(b, "Ended", t->ended_at == CONVO_TIME_NONE ? NULL :
	    tr_datetime(ended, t->ended_at))) != 0 ||
	    (rc = fact(b, "Messages", count)) != 0)
		return rc;
	for (i = 0; i < t->n_leads && rc == 0; i++) {
		l = &t->leads[i];
		rc = buf_adds(b, "- **Lead:**");
		if (rc == 0 && l->name != NULL && (rc = buf_addc(b, ' ')) == 0)
			rc = inline_md(b, l->name, strlen(l->name));
		if (rc == 0 && l->email != NULL && (rc = buf_addc(b, ' ')) == 0)
			rc = inline_md(b, l->email, strlen(l->email));
		if (rc == 0 && l->phone != NULL && (rc = buf_addc(b, ' ')) == 0)
			rc = inline_md(b, l->phone, strlen(l->phone));
		if (rc == 0)
			rc = buf_addc(b, '\n');
	}
	for (i = 0; i < t->n_vars && rc == 0; i++) {
		if ((rc = buf_adds(b, "- **Variable** ")) != 0 ||
		    (rc = inline_md(b, t->vars[i].name,
		    strlen(t->vars[i].name))) != 0 ||
		    (rc = buf_adds(b, ": ")) != 0)
			break;
		if (t->vars[i].value != NULL)
			rc = inline_md(b, t->vars[i].value,
			    strlen(t->vars[i].value));
		if (rc == 0)
			rc = buf_addc(b, '\n');
	}
	return rc;
}

static int
conversation(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o)
{
	int rc;

	if ((rc = buf_adds(b, "## Conversation ")) != 0 ||
	    (rc = inline_md(b, t->id, strlen(t->id))) != 0 ||
	    (rc = buf_adds(b, "\n\n")) != 0 || (rc = facts(b, t)) != 0)
		return rc;
	return tr_thread(b, t, o, "\n### %s\n\n", message);
}

int
render_markdown(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	size_t i;
	int rc;

	if (o->brand != NULL && n > 0 &&
	    ((rc = buf_adds(b, "# ")) != 0 ||
	    (rc = inline_md(b, o->brand, strlen(o->brand))) != 0 ||
	    (rc = buf_adds(b, "\n\n")) != 0))
		return rc;
	for (i = 0; i < n; i++) {
		if (i > 0 && (rc = buf_addc(b, '\n')) != 0)
			return rc;
		if ((rc = conversation(b, t[i], o)) != 0)
			return rc;
	}
	if (o->contact == NULL || n == 0)
		return 0;
	if ((rc = buf_adds(b, "---\n\n")) != 0)
		return rc;
	return body(b, o->contact, 0);
}
