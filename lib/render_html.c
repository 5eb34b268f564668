/*
 * render_html.c: transcripts as one self-contained HTML page (inline
 * CSS, no script, nothing fetched from elsewhere), for a browser or the
 * HTML part of an e-mail: the brand on top, per conversation a thread of
 * bubbles (the visitor right on grey, the assistant left on blue, a
 * human agent left on green, system lines centred) beside a table of
 * its facts, leads and variables, and the contact details at the bottom.
 *
 * Safety: every stored string and every option goes through esc_html()
 * (tr_html_inline() for text with links), which leaves no '<', '>', '&'
 * or quote of the input unescaped; the only links are http and https
 * URLs found in the text, in quoted, escaped href attributes.
 */
#include <string.h>

#include "internal.h"

static const char style[] =
"body{margin:0;background:#f4f5f7;color:#1d2330;"
"font:15px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n"
".brand{background:#1d2330;color:#fff;padding:14px 20px;font-size:20px;"
"font-weight:600}\n"
"main{max-width:1000px;margin:0 auto;padding:16px}\n"
"article{background:#fff;border-radius:8px;padding:16px;margin:0 0 20px;"
"display:flex;flex-wrap:wrap;gap:16px}\n"
"article h2{flex-basis:100%;margin:0;font-size:17px}\n"
".thread{flex:1 1 420px;min-width:0}\n"
"aside{flex:0 1 280px;font-size:13px}\n"
".day{text-align:center;color:#667;font-size:12px;margin:14px 0 6px}\n"
".msg{width:fit-content;max-width:78%;margin:6px 0;padding:8px 12px;"
"border-radius:12px;overflow-wrap:anywhere}\n"
".user{margin-left:auto;background:#e6e7eb}\n"
".assistant{margin-right:auto;background:#dcebff}\n"
".agent{margin-right:auto;background:#e1f5e6;border-left:4px solid #2e9d57}\n"
".system{margin:6px auto;background:none;color:#667;font-size:12px;"
"text-align:center}\n"
".who{font-weight:600;font-size:12px}\n"
"time{color:#667;font-size:12px;margin-left:6px}\n"
".body p,.para{margin:4px 0}\n"
".body ul,.body ol{margin:4px 0;padding-left:22px}\n"
".extra{font-style:italic;color:#445}\n"
"table{border-collapse:collapse;width:100%;margin:0 0 12px}\n"
"caption{text-align:left;font-weight:600;padding:4px 0}\n"
"th,td{text-align:left;vertical-align:top;padding:3px 6px;"
"border-bottom:1px solid #e4e6ea;overflow-wrap:break-word}\n"
"th{font-weight:600;color:#445}\n"
"footer{max-width:1000px;margin:0 auto;padding:4px 16px 24px;color:#445;"
"font-size:13px}\n"
"a{color:#0b57d0}\n";

/* Appends a NUL-terminated string escaped; NULL appends nothing. */
static int
text(struct buf *b, const char *s)
{
	return s != NULL ? esc_html(b, s, strlen(s)) : 0;
}

/* The tag that opens or closes a block of kind k ("" for none). */
static const char *
block(enum tr_line k, int open)
{
	if (k == TR_BULLET)
		return open ? "<ul>\n" : "</ul>\n";
	if (k == TR_NUMBERED)
		return open ? "<ol>\n" : "</ol>\n";
	if (k == TR_PARA)
		return open ? "<div class=\"para\">" : "</div>\n";
	return "";
}

/*
 * The lines of s as paragraphs and lists: "- " and "* " lines a <ul>,
 * "1. " lines an <ol>, other lines a paragraph (a div of lines, so that
 * without CSS they still stack as lines); blank lines end a block.  Each
 * line and item takes its own direction (dir="auto"): Arabic above
 * English reads right to left, then left to right.
 */
static int
lines(struct buf *b, const char *s)
{
	enum tr_line kind, cur = TR_BLANK;
	size_t at, len, skip;
	int rc = 0;

	for (at = 0; rc == 0 && (at == 0 || s[at - 1] != '\0'); at += len + 1) {
		len = strcspn(s + at, "\n");
		kind = tr_line_kind(s + at, len, &skip);
		if (kind != cur || kind == TR_BLANK) {
			if ((rc = buf_adds(b, block(cur, 0))) == 0)
				rc = buf_adds(b, block(kind, 1));
		} else if (kind == TR_PARA)
			rc = buf_adds(b, "\n");
		cur = kind;
		if (rc != 0 || kind == TR_BLANK)
			continue;
		rc = buf_adds(b, kind == TR_PARA ? "<div dir=\"auto\">" :
		    "<li dir=\"auto\">");
		if (rc == 0)
			rc = tr_html_inline(b, s + at + skip, len - skip);
		if (rc == 0)
			rc = buf_adds(b, kind == TR_PARA ? "</div>" : "</li>\n");
	}
	return rc == 0 ? buf_adds(b, block(cur, 0)) : rc;
}

/* A table row: name and value, when the value is not NULL. */
static int
row(struct buf *b, const char *name, const char *value)
{
	int rc;

	if (value == NULL)
		return 0;
	if ((rc = buf_adds(b, "<tr><th>")) != 0 || (rc = text(b, name)) != 0 ||
	    (rc = buf_adds(b, "</th><td dir=\"auto\">")) != 0 ||
	    (rc = text(b, value)) != 0)
		return rc;
	return buf_adds(b, "</td></tr>\n");
}

static int
facts(struct buf *b, const struct convo_transcript *t)
{
	char started[TR_TIMESZ], ended[TR_TIMESZ], count[32], status[64];
	int rc;

	snprintf(count, sizeof(count), "%ld", t->n_messages);
	if ((rc = buf_adds(b, "<table class=\"facts\">\n"
	    "<caption>Conversation</caption>\n")) != 0 ||
	    (rc = row(b, "Id", t->id)) != 0 ||
	    (rc = row(b, "User", t->user)) != 0 ||
	    (rc = row(b, "Source", t->source)) != 0 ||
	    (rc = row(b, "Assistant", t->assistant)) != 0 ||
	    (rc = row(b, "Status", tr_status(status, sizeof(status), t))) != 0 ||
	    (rc = row(b, "Started", tr_datetime(started, t->started_at))) ||
	    (rc = row(b, "Ended", t->ended_at == CONVO_TIME_NONE ? NULL :
	    tr_datetime(ended, t->ended_at))) != 0 ||
	    (rc = row(b, "Messages", count)) != 0)
		return rc;
	return buf_adds(b, "</table>\n");
}

static int
lead_rows(struct buf *b, const struct convo_transcript *t)
{
	const struct convo_transcript_lead *l;
	size_t i;
	int rc;

	if (t->n_leads == 0)
		return 0;
	if ((rc = buf_adds(b, "<table class=\"leads\">\n<caption>Leads"
	    "</caption>\n<tr><th>Name</th><th>E-mail</th><th>Phone</th>"
	    "</tr>\n")) != 0)
		return rc;
	for (i = 0; i < t->n_leads; i++) {
		l = &t->leads[i];
		if ((rc = buf_adds(b, "<tr><td dir=\"auto\">")) != 0 ||
		    (rc = text(b, l->name)) != 0 ||
		    (rc = buf_adds(b, "</td><td>")) != 0 ||
		    (rc = text(b, l->email)) != 0 ||
		    (rc = buf_adds(b, "</td><td>")) != 0 ||
		    (rc = text(b, l->phone)) != 0 ||
		    (rc = buf_adds(b, "</td></tr>\n")) != 0)
			return rc;
	}
	return buf_adds(b, "</table>\n");
}

static int
var_rows(struct buf *b, const struct convo_transcript *t)
{
	size_t i;
	int rc;

	if (t->n_vars == 0)
		return 0;
	if ((rc = buf_adds(b, "<table class=\"variables\">\n"
	    "<caption>Variables</caption>\n")) != 0)
		return rc;
	for (i = 0; i < t->n_vars; i++)
		if ((rc = row(b, t->vars[i].name, t->vars[i].value ?
		    t->vars[i].value : "")) != 0)
			return rc;
	return buf_adds(b, "</table>\n");
}

/* The role as a class name: only the four the schema allows. */
static const char *
role_class(const struct convo_transcript_msg *m)
{
	static const char *const roles[] = { "user", "assistant", "agent" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(m->role, roles[i]) == 0)
			return roles[i];
	return "system";
}

static int
message(struct buf *b, const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m, struct buf *extra)
{
	char clock[TR_TIMESZ], utc[CONVO_TIME_BUFSZ];
	int rc;

	if ((rc = tr_extra(extra, m)) != 0 ||
	    (rc = buf_printf(b, "<div class=\"msg %s\">\n<div class=\"meta\">"
	    "<span class=\"who\">", role_class(m))) != 0 ||
	    (rc = text(b, tr_label(o, m))) != 0 ||
	    (rc = buf_printf(b, "</span><time datetime=\"%s\">%s</time></div>\n"
	    "<div class=\"body\" dir=\"auto\">\n", convo_time_format_utc(utc,
	    m->ts), tr_clock(clock, m->ts))) != 0)
		return rc;
	if (m->text != NULL && (rc = lines(b, m->text)) != 0)
		return rc;
	if (extra->len > 0 &&
	    ((rc = buf_adds(b, "<p class=\"extra\">")) != 0 ||
	    (rc = tr_html_inline(b, extra->data, extra->len)) != 0 ||
	    (rc = buf_adds(b, "</p>\n")) != 0))
		return rc;
	if (m->media_url != NULL && tr_url(m->media_url,
	    strlen(m->media_url), 0) == strlen(m->media_url) &&
	    ((rc = buf_adds(b, "<p class=\"extra\">")) != 0 ||
	    (rc = tr_html_inline(b, m->media_url, strlen(m->media_url))) != 0 ||
	    (rc = buf_adds(b, "</p>\n")) != 0))
		return rc;
	return buf_adds(b, "</div>\n</div>\n");
}

static int
thread(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o)
{
	int rc;

	if ((rc = buf_adds(b, "<div class=\"thread\">\n")) != 0)
		return rc;
	rc = tr_thread(b, t, o, "<p class=\"day\">%s</p>\n", message);
	return rc == 0 ? buf_adds(b, "</div>\n") : rc;
}

static int
conversation(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o)
{
	int rc;

	if ((rc = buf_adds(b, "<article>\n<h2 dir=\"auto\">Conversation "))
	    != 0 || (rc = text(b, t->id)) != 0 ||
	    (rc = buf_adds(b, "</h2>\n")) != 0 ||
	    (rc = thread(b, t, o)) != 0 ||
	    (rc = buf_adds(b, "<aside>\n")) != 0 ||
	    (rc = facts(b, t)) != 0 || (rc = lead_rows(b, t)) != 0 ||
	    (rc = var_rows(b, t)) != 0)
		return rc;
	return buf_adds(b, "</aside>\n</article>\n");
}

static int
head(struct buf *b, const struct convo_transcript_options *o)
{
	int rc;

	if ((rc = buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>")) != 0)
		return rc;
	if (o->brand != NULL && ((rc = text(b, o->brand)) != 0 ||
	    (rc = buf_adds(b, ": ")) != 0))
		return rc;
	if ((rc = buf_adds(b, "Conversation transcript</title>\n<style>\n"))
	    != 0 || (rc = buf_adds(b, style)) != 0 ||
	    (rc = buf_adds(b, "</style>\n</head>\n<body>\n")) != 0)
		return rc;
	if (o->brand != NULL && ((rc = buf_adds(b, "<header class=\"brand\" "
	    "dir=\"auto\">")) != 0 || (rc = text(b, o->brand)) != 0 ||
	    (rc = buf_adds(b, "</header>\n")) != 0))
		return rc;
	return buf_adds(b, "<main>\n");
}

int
render_html(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	size_t i;
	int rc;

	if ((rc = head(b, o)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = conversation(b, t[i], o)) != 0)
			return rc;
	if ((rc = buf_adds(b, "</main>\n")) != 0)
		return rc;
	if (o->contact != NULL && ((rc = buf_adds(b, "<footer dir=\"auto\">\n"))
	    != 0 || (rc = lines(b, o->contact)) != 0 ||
	    (rc = buf_adds(b, "</footer>\n")) != 0))
		return rc;
	return buf_adds(b, "</body>\n</html>\n");
}
