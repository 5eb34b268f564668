/*
 * parse_events.c: the event stream (model.md, format 2): JSON Lines with
 * one event per line, the events of many conversations interleaved.
 * Every event has "conversation", "ts" and "type"; each becomes one
 * record, except "start", which is read like a conversation document
 * (json_conversation()).  Blank lines are skipped.
 *
 * "source" names the conversation's channel on every event except
 * "variable", where it is the variable's source ("prechat", ...).
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

struct event_type {
	const char *name;
	enum convo_rec_kind kind;
	/* Fills in rec from the event and hands it on; NULL for start. */
	int (*fn)(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev);
};

static int
ev_message(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	/* The event's "ts" is the message's. */
	if (json_msg(c, &rec->msg, ev) != 0)
		return CONVO_EDATA;
	return parse_emit(c->p, rec);
}

/* A request for a human not tied to a message; "direct" by default. */
static int
ev_handover(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	if (json_handover(c, ev, "kind", &rec->handover) != 0)
		return CONVO_EDATA;
	if (rec->handover == CONVO_HANDOVER_NONE)
		rec->handover = CONVO_HANDOVER_DIRECT;
	return parse_emit(c->p, rec);
}

static int
ev_feedback(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	int64_t index;

	if (json_feedback(c, ev, "value", &rec->feedback) != 0 ||
	    json_count(c, ev, "message", &index) != 0)
		return CONVO_EDATA;
	if (rec->feedback == CONVO_FEEDBACK_NONE)
		return json_fail(c, "missing 'value'");
	rec->feedback_index = index == CONVO_NUM_NONE ? -1 : (long)index;
	return parse_emit(c->p, rec);
}

static int
ev_csat(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	if (json_csat(c, ev, "score", &rec->csat) != 0)
		return CONVO_EDATA;
	if (rec->csat == 0)
		return json_fail(c, "missing 'score'");
	return parse_emit(c->p, rec);
}

/*
 * "survey": the CSAT survey was offered to the user.  It carries no
 * fields; a survey without a later "csat" is an unanswered one.
 */
static int
ev_survey(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	(void)ev;
	return parse_emit(c->p, rec);
}

static int
ev_lead(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	if (json_lead(c, rec, ev) != 0)
		return CONVO_EDATA;
	return parse_emit(c->p, rec);
}

static int
ev_variable(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	char *owned;
	int rc;

	if (json_text(c, ev, "name", &rec->var_name, NULL) != 0 ||
	    json_text(c, ev, "source", &rec->var_source, NULL) != 0)
		return CONVO_EDATA;
	if (rec->var_name == NULL)
		return json_fail(c, "missing 'name'");
	if (*rec->var_name == '\0')
		return json_fail(c, "empty 'name'");
	rc = json_var_text(c, rec, cJSON_GetObjectItemCaseSensitive(ev,
	    "value"), &owned);
	if (rc == 0)
		rc = parse_emit(c->p, rec);
	cJSON_free(owned);
	return rc;
}

static int
ev_end(struct json_ctx *c, struct convo_rec *rec, const cJSON *ev)
{
	if (json_text(c, ev, "reason", &rec->end_reason, NULL) != 0)
		return CONVO_EDATA;
	return parse_emit(c->p, rec);
}

static const struct event_type types[] = {
	{ "start", CONVO_REC_CONV, NULL },
	{ "message", CONVO_REC_MSG, ev_message },
	{ "handover", CONVO_REC_HANDOVER, ev_handover },
	{ "feedback", CONVO_REC_FEEDBACK, ev_feedback },
	{ "csat", CONVO_REC_CSAT, ev_csat },
	{ "survey", CONVO_REC_SURVEY, ev_survey },
	{ "lead", CONVO_REC_LEAD, ev_lead },
	{ "variable", CONVO_REC_VARIABLE, ev_variable },
	{ "end", CONVO_REC_END, ev_end }
};

/* Reads the members every event has; *out is its type. */
static int
common(struct json_ctx *c, const cJSON *ev, const struct event_type **out)
{
	const char *type;
	size_t i;

	if (json_text(c, ev, "conversation", &c->conv_id, c->id_num) != 0)
		return CONVO_EDATA;
	if (c->conv_id == NULL)
		return json_fail(c, "missing 'conversation'");
	if (*c->conv_id == '\0')
		return json_fail(c, "empty 'conversation'");
	if (json_time(c, ev, "ts", &c->ts) != 0)
		return CONVO_EDATA;
	if (c->ts == CONVO_TIME_NONE)
		return json_fail(c, "missing 'ts'");
	if (json_text(c, ev, "type", &type, NULL) != 0)
		return CONVO_EDATA;
	if (type == NULL)
		return json_fail(c, "missing 'type'");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(type, types[i].name) == 0) {
			*out = &types[i];
			return 0;
		}
	}
	return json_fail(c, "unknown event type '%.*s'", json_clip(type), type);
}

static int
event(struct json_ctx *c, const cJSON *ev)
{
	const struct event_type *t = NULL;
	struct convo_rec rec;

	if (!cJSON_IsObject(ev))
		return json_fail(c, "expected an event object, found %s",
		    json_type_name(ev));
	if (common(c, ev, &t) != 0)
		return CONVO_EDATA;
	if (t->fn == NULL)
		return json_conversation(c, ev);
	if (t->kind != CONVO_REC_VARIABLE &&
	    json_text(c, ev, "source", &c->source, NULL) != 0)
		return CONVO_EDATA;
	json_rec_init(c, &rec, t->kind);
	rec.ts = c->ts;
	return t->fn(c, &rec, ev);
}

static int
event_line(struct parser *p, const char *line, size_t len)
{
	struct json_error err;
	struct json_ctx c;
	cJSON *ev;
	long lineno = reader_lineno(p->rd);
	size_t i;
	int rc;

	for (i = 0; i < len && (unsigned char)line[i] <= ' '; i++)
		;
	if (i == len)
		return 0;
	if ((ev = json_parse(&err, line + i, len - i, "line")) == NULL)
		return parse_error(p, lineno, (long)(i + err.off) + 1, "%s",
		    err.msg);
	json_ctx_init(&c, p, lineno, (long)i + 1);
	rc = event(&c, ev);
	cJSON_Delete(ev);
	return rc;
}

int
parse_events(struct parser *p)
{
	const char *line = NULL, *why = NULL;
	size_t len = 0;
	long col = 0;
	int rc;

	while ((rc = reader_line(p->rd, &line, &len, &why, &col)) != 0) {
		if (rc == CONVO_EDATA)
			rc = parse_error(p, reader_lineno(p->rd), col, "%s",
			    why);
		else if (rc > 0)
			rc = event_line(p, line, len);
		if (rc == CONVO_EDATA && p->skip_bad)
			continue;
		if (rc != 0)
			return rc;
	}
	return 0;
}
