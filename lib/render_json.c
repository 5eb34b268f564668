/*
 * render_json.c: transcripts as stored, as a JSON array of conversation
 * documents in the shape of model.md (the native import format), so
 * that the output imports again: every message, system lines included,
 * times in UTC, members that are not set left out, and leads derived
 * from the text too, since an import derives them again.  Strings go through
 * esc_json(): invalid UTF-8 and NUL become U+FFFD.
 */
#include <string.h>

#include "internal.h"

/* A member "name": "value" after sep; nothing when value is NULL. */
static int
member(struct buf *b, const char **sep, const char *name, const char *value)
{
	int rc;

	if (value == NULL)
		return 0;
	if ((rc = buf_printf(b, "%s\"%s\": \"", *sep, name)) != 0 ||
	    (rc = esc_json(b, value, strlen(value))) != 0)
		return rc;
	*sep = ", ";
	return buf_addc(b, '"');
}

static int
time_member(struct buf *b, const char **sep, const char *name, int64_t ms)
{
	char t[CONVO_TIME_BUFSZ];

	if (ms == CONVO_TIME_NONE)
		return 0;
	return member(b, sep, name, convo_time_format_utc(t, ms));
}

/* A nested object of up to three members, left out when all are NULL. */
static int
object3(struct buf *b, const char **sep, const char *name,
    const char *const k[3], const char *const v[3])
{
	const char *inner = "";
	size_t i;
	int rc;

	if (v[0] == NULL && v[1] == NULL && v[2] == NULL)
		return 0;
	if ((rc = buf_printf(b, "%s\"%s\": {", *sep, name)) != 0)
		return rc;
	for (i = 0; i < 3; i++)
		if ((rc = member(b, &inner, k[i], v[i])) != 0)
			return rc;
	*sep = ", ";
	return buf_addc(b, '}');
}

/* JSON has no NaN or infinity: such a confidence is left out. */
static int
finite(const struct convo_transcript_msg *m)
{
	return m->has_confidence && m->confidence >= -1e300 &&
	    m->confidence <= 1e300;
}

static int
message(struct buf *b, const struct convo_transcript_msg *m)
{
	static const char *const click[3] = { "type", "title", "target" };
	static const char *const media[3] = { "type", "name", "url" };
	const char *sep = "";
	int rc;

	if ((rc = buf_adds(b, "    {")) != 0 ||
	    (rc = time_member(b, &sep, "ts", m->ts)) != 0 ||
	    (rc = member(b, &sep, "role", m->role)) != 0 ||
	    (rc = member(b, &sep, "text", m->text)) != 0 ||
	    (rc = object3(b, &sep, "click", click, (const char *[3]){
	    m->click_type, m->click_title, m->click_target })) != 0 ||
	    (rc = object3(b, &sep, "media", media, (const char *[3]){
	    m->media_type, m->media_name, m->media_url })) != 0 ||
	    (m->fallback && (rc = buf_adds(b, ", \"fallback\": true")) != 0) ||
	    (rc = member(b, &sep, "intent", m->intent)) != 0 ||
	    (finite(m) && (rc = buf_printf(b, ", \"confidence\": %.15g",
	    m->confidence)) != 0) ||
	    (rc = member(b, &sep, "agent", m->agent)) != 0 ||
	    (rc = member(b, &sep, "feedback", m->feedback)) != 0 ||
	    (rc = member(b, &sep, "handover", m->handover)) != 0)
		return rc;
	return buf_addc(b, '}');
}

static int
leads(struct buf *b, const struct convo_transcript *t)
{
	const struct convo_transcript_lead *l;
	const char *sep;
	size_t i;
	int first, rc;

	if ((rc = buf_adds(b, ",\n  \"leads\": [")) != 0)
		return rc;
	for (i = 0, first = 1; i < t->n_leads; i++) {
		l = &t->leads[i];
		sep = "";
		/* An import derives these again from the messages. */
		if (l->derived)
			continue;
		if ((rc = buf_adds(b, first ? "{" : ", {")) != 0 ||
		    (rc = member(b, &sep, "name", l->name)) != 0 ||
		    (rc = member(b, &sep, "email", l->email)) != 0 ||
		    (rc = member(b, &sep, "phone", l->phone)) != 0 ||
		    (rc = time_member(b, &sep, "created_at", l->created_at)) ||
		    (rc = buf_addc(b, '}')) != 0)
			return rc;
		first = 0;
	}
	return buf_addc(b, ']');
}

static int
variables(struct buf *b, const struct convo_transcript *t)
{
	const char *sep;
	size_t i;
	int rc;

	if ((rc = buf_adds(b, ",\n  \"variables\": {")) != 0)
		return rc;
	for (i = 0; i < t->n_vars; i++) {
		sep = "";
		if ((rc = buf_adds(b, i ? ", \"" : "\"")) != 0 ||
		    (rc = esc_json(b, t->vars[i].name,
		    strlen(t->vars[i].name))) != 0 ||
		    (rc = buf_adds(b, "\": {")) != 0 ||
		    (rc = member(b, &sep, "value", t->vars[i].value)) != 0 ||
		    (rc = member(b, &sep, "source", t->vars[i].source)) != 0 ||
		    (rc = buf_addc(b, '}')) != 0)
			return rc;
	}
	return buf_addc(b, '}');
}

static int
fields(struct buf *b, const struct convo_transcript *t)
{
	static const char *const location[3] = { "country", "region", "city" };
	const char *sep = "";
	int rc;

	if ((rc = buf_adds(b, "{\n  ")) != 0 ||
	    (rc = member(b, &sep, "id", t->id)) != 0 ||
	    (rc = member(b, &sep, "source", t->source)) != 0 ||
	    (rc = member(b, &sep, "user", t->user)) != 0 ||
	    (rc = member(b, &sep, "assistant", t->assistant)) != 0 ||
	    (rc = member(b, &sep, "device", t->device)) != 0 ||
	    (rc = member(b, &sep, "browser", t->browser)) != 0 ||
	    (rc = object3(b, &sep, "location", location, (const char *[3]){
	    t->country, t->region, t->city })) != 0 ||
	    (rc = member(b, &sep, "status", t->status)) != 0 ||
	    (rc = time_member(b, &sep, "started_at", t->started_at)) != 0 ||
	    (rc = time_member(b, &sep, "ended_at", t->ended_at)) != 0 ||
	    (rc = member(b, &sep, "end_reason", t->end_reason)) != 0)
		return rc;
	if (t->csat > 0)
		return buf_printf(b, ", \"csat\": %d", t->csat);
	return 0;
}

static int
conversation(struct buf *b, const struct convo_transcript *t)
{
	size_t i;
	int rc;

	if ((rc = fields(b, t)) != 0 || (rc = variables(b, t)) != 0 ||
	    (rc = leads(b, t)) != 0 ||
	    (rc = buf_adds(b, ",\n  \"messages\": [")) != 0)
		return rc;
	for (i = 0; i < t->n_all; i++)
		if ((rc = buf_adds(b, i ? ",\n" : "\n")) != 0 ||
		    (rc = message(b, &t->messages[i])) != 0)
			return rc;
	return buf_adds(b, t->n_all ? "\n  ]\n}" : "]\n}");
}

int
render_json(struct buf *b, const struct convo_transcript *const *t,
    size_t n, const struct convo_transcript_options *o)
{
	size_t i;
	int rc;

	(void)o;
	if ((rc = buf_addc(b, '[')) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = buf_adds(b, i ? ",\n" : "\n")) != 0 ||
		    (rc = conversation(b, t[i])) != 0)
			return rc;
	return buf_adds(b, n ? "\n]\n" : "]\n");
}
