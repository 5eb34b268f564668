/*
 * render_text.c: transcripts as plain text for a terminal or the text
 * part of an e-mail: a header of the conversation's facts, then one
 * "[10:30:15] User: text" line per message, continuation lines indented
 * under the text, and a date line whenever the local day changes.  All
 * stored text goes through esc_text(), so no control character reaches
 * a terminal.
 */
#include <string.h>

#include "internal.h"

/* Under "[10:30:15] ": where continuation lines start. */
#define INDENT "           "
/* Under "Conversation: ": where a fact's further lines start. */
#define FACT_INDENT "              "

/* Lines of s after the first are indented by indent. */
static int
indented(struct buf *b, const char *s, const char *indent)
{
	const char *nl;
	int rc;

	while ((nl = strchr(s, '\n')) != NULL) {
		if ((rc = esc_text(b, s, (size_t)(nl - s))) != 0 ||
		    (rc = buf_addc(b, '\n')) != 0)
			return rc;
		/* An empty line stays empty: no white space at its end. */
		if (nl[1] != '\n' && nl[1] != '\0' &&
		    (rc = buf_adds(b, indent)) != 0)
			return rc;
		s = nl + 1;
	}
	return esc_text(b, s, strlen(s));
}

/* "Name:  value" with value escaped; nothing when value is NULL. */
static int
fact(struct buf *b, const char *name, const char *value)
{
	int rc;

	if (value == NULL)
		return 0;
	if ((rc = buf_printf(b, "%-14s", name)) != 0 ||
	    (rc = indented(b, value, FACT_INDENT)) != 0)
		return rc;
	return buf_addc(b, '\n');
}

/* One line per lead: "Ana Lima <ana@example.com> +49 ..." */
static int
leads(struct buf *b, const struct convo_transcript *t)
{
	const struct convo_transcript_lead *l;
	struct buf line;
	size_t i;
	int rc = 0;

	buf_init(&line, b->max);
	for (i = 0; i < t->n_leads && rc == 0; i++) {
		l = &t->leads[i];
		buf_reset(&line);
		rc = buf_printf(&line, "%s%s%s%s%s%s%s", l->name ? l->name : "",
		    l->name && l->email ? " " : "", l->email ? "<" : "",
		    l->email ? l->email : "", l->email ? ">" : "",
		    (l->name || l->email) && l->phone ? " " : "",
		    l->phone ? l->phone : "");
		if (rc == 0)
			rc = fact(b, i == 0 ? "Leads:" : "", line.data);
	}
	buf_release(&line);
	return rc;
}

static int
variables(struct buf *b, const struct convo_transcript *t)
{
	struct buf line;
	size_t i;
	int rc = 0;

	buf_init(&line, b->max);
	for (i = 0; i < t->n_vars && rc == 0; i++) {
		buf_reset(&line);
		rc = buf_printf(&line, "%s = %s", t->vars[i].name,
		    t->vars[i].value ? t->vars[i].value : "");
		if (rc == 0)
			rc = fact(b, i == 0 ? "Variables:" : "", line.data);
	}
	buf_release(&line);
	return rc;
}

static int
header(struct buf *b, const struct convo_transcript *t)
{
	char started[TR_TIMESZ], ended[TR_TIMESZ], count[32], status[64];
	int rc;

	snprintf(count, sizeof(count), "%ld", t->n_messages);
	tr_status(status, sizeof(status), t);
	tr_datetime(started, t->started_at);
	if (t->ended_at != CONVO_TIME_NONE)
		tr_datetime(ended, t->ended_at);
	if ((rc = fact(b, "Conversation:", t->id)) != 0 ||
	    (rc = fact(b, "User:", t->user)) != 0 ||
	    (rc = fact(b, "Source:", t->source)) != 0 ||
	    (rc = fact(b, "Assistant:", t->assistant)) != 0 ||
	    (rc = fact(b, "Status:", status)) != 0 ||
	    (rc = fact(b, "Started:", started)) != 0 ||
	    (rc = fact(b, "Ended:", t->ended_at != CONVO_TIME_NONE ? ended :
	    NULL)) != 0 ||
	    (rc = fact(b, "Messages:", count)) != 0 ||
	    (rc = leads(b, t)) != 0)
		return rc;
	return variables(b, t);
}

/* "[10:30:15] User: text", the click or attachment on lines of its own. */
static int
message(struct buf *b, const struct convo_transcript_options *o,
    const struct convo_transcript_msg *m, struct buf *extra)
{
	char clock[TR_TIMESZ];
	int rc;

	if ((rc = tr_extra(extra, m)) != 0 ||
	    (rc = buf_printf(b, "[%s] ", tr_clock(clock, m->ts))) != 0 ||
	    (rc = indented(b, tr_label(o, m), INDENT)) != 0 ||
	    (rc = buf_adds(b, ": ")) != 0)
		return rc;
	if (m->text != NULL && (rc = indented(b, m->text, INDENT)) != 0)
		return rc;
	if (extra->len > 0) {
		if (m->text != NULL && (rc = buf_printf(b, "\n%s",
		    INDENT)) != 0)
			return rc;
		if ((rc = indented(b, extra->data, INDENT)) != 0)
			return rc;
	}
	return buf_addc(b, '\n');
}

static int
conversation(struct buf *b, const struct convo_transcript *t,
    const struct convo_transcript_options *o)
{
	int rc;

	if ((rc = header(b, t)) != 0)
		return rc;
	return tr_thread(b, t, o, "\n--- %s ---\n", message);
}

int
render_text(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	size_t i;
	int rc;

	if (o->brand != NULL && n > 0 &&
	    ((rc = esc_text(b, o->brand, strlen(o->brand))) != 0 ||
	    (rc = buf_adds(b, "\n\n")) != 0))
		return rc;
	for (i = 0; i < n; i++) {
		if (i > 0 && (rc = buf_addc(b, '\n')) != 0)
			return rc;
		if ((rc = conversation(b, t[i], o)) != 0)
			return rc;
	}
	if (o->contact != NULL && n > 0) {
		if ((rc = buf_adds(b, "\n-- \n")) != 0 ||
		    (rc = esc_text(b, o->contact, strlen(o->contact))) != 0)
			return rc;
		return buf_addc(b, '\n');
	}
	return 0;
}
