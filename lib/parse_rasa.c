/*
 * parse_rasa.c: the rasa adapter (convo-formats(5)).  Three inputs carry
 * the same Rasa events:
 *
 *   - trackers (GET /conversations/{id}/tracker): {"sender_id":...,
 *     "events":[...]}, one, several one after another, an array of them,
 *     or one a line;
 *   - the event stream of `rasa export` (and of the file event broker):
 *     JSON Lines, each event with its "sender_id";
 *   - the SQL tracker store's events table exported as CSV, with the
 *     columns sender_id and data (the event as JSON), and optionally
 *     type_name and timestamp (used when data lacks them).
 *
 * Events are taken in the order of the input, never sorted by time: the
 * times of a tracker's events are not monotonic (an action is logged
 * after the bot messages it sent are timed).  Each sender's events run
 * through one state machine: session_started begins a conversation;
 * user and bot events are messages; the rest marks fallbacks, clicks,
 * handovers, variables and leads.  Senders may be interleaved.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

/* Rasa's own slots, not the bot's variables. */
static const char *const internal_slots[] = {
	"requested_slot", "session_started_metadata", "dialogue_stack",
	"flow_hashes", "return_value", NULL
};

/*
 * Actions and responses that mean the bot did not understand: the
 * default fallback, the two-stage fallback and its questions, and the
 * responses they send.
 */
static const char *const fallback_names[] = {
	"action_default_fallback", "action_two_stage_fallback",
	"action_default_ask_affirmation", "action_default_ask_rephrase",
	"utter_default", "utter_ask_rephrase", NULL
};

static const char *const default_handovers[] = {
	"action_handoff", "action_human_handoff", "pattern_human_handoff"
};

/* A button or quick reply offered by the bot's last turn. */
struct button {
	char *title;
	char *payload;
	int quick;		/* a quick reply, not a button */
};

/* What is known of one sender: its current session, and the turn. */
struct sender {
	char *id;
	char *conv_id;		/* the session's conversation */
	char *source;		/* its channel, once a user message says */
	int conv_emitted;	/* its CONV record was handed on */
	int64_t started;	/* session_started's time, or NONE */
	int64_t floor;		/* the latest time handed on in the session */
	int seen_user;		/* the session has had a user message */
	int nlu_fallback;	/* the last user message was not understood */
	int fallback_action;	/* the last action was a fallback */
	int last_bot_fallback;	/* the last bot message was a fallback */
	int handover_turn;	/* a handover since the last user message */
	int turn_click;		/* the user's last message was a click */
	int turn_derived;	/* the rules find a handover in it */
	struct button *buttons;
	size_t n_buttons;
	char *said;		/* the session's last user text */
};

struct rasa {
	struct parser *p;
	struct strmap senders;	/* struct sender of streams, by id */
	/* CSV: the columns, -1 when absent */
	size_t n_cols;
	int col_sender, col_data, col_type, col_ts;
};

/*
 * Names.
 */

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
is_handover(const struct rasa *r, const char *name)
{
	const struct convo_import_options *o = r->p->opt;
	const char *const *list = o->handover_actions;
	size_t i, n = o->n_handover_actions;

	if (list == NULL) {
		list = default_handovers;
		n = sizeof(default_handovers) / sizeof(default_handovers[0]);
	}
	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Whether text is what a button sends: "/intent", then optionally
 * "@confidence" and "{entities}" (Rasa's intent shortcut).
 */
static int
is_payload(const char *s)
{
	size_t n;

	if (*s++ != '/')
		return 0;
	n = strcspn(s, "{@/ \t\r\n");
	if (n == 0)
		return 0;
	s += n;
	if (*s == '@') {
		n = strspn(++s, "0123456789.");
		if (n == 0)
			return 0;
		s += n;
	}
	if (*s == '{')
		return s[strlen(s) - 1] == '}';
	return *s == '\0';
}

/*
 * The sender's state.
 */

static void
buttons_clear(struct sender *s)
{
	size_t i;

	for (i = 0; i < s->n_buttons; i++) {
		free(s->buttons[i].title);
		free(s->buttons[i].payload);
	}
	free(s->buttons);
	s->buttons = NULL;
	s->n_buttons = 0;
}

/* Forgets the session: what follows belongs to a new one. */
static void
session_clear(struct sender *s)
{
	buttons_clear(s);
	free(s->conv_id);
	free(s->source);
	free(s->said);
	s->conv_id = NULL;
	s->source = NULL;
	s->said = NULL;
	s->conv_emitted = 0;
	s->started = CONVO_TIME_NONE;
	s->floor = CONVO_TIME_NONE;
	s->seen_user = 0;
	s->nlu_fallback = 0;
	s->fallback_action = 0;
	s->last_bot_fallback = 0;
	s->handover_turn = 0;
	s->turn_click = 0;
	s->turn_derived = 0;
}

/* Sets s up for sender id, in the session before any session_started. */
static int
sender_init(struct sender *s, const char *id)
{
	memset(s, 0, sizeof(*s));
	session_clear(s);
	s->id = strdup(id);
	s->conv_id = strdup(id);
	return s->id != NULL && s->conv_id != NULL ? 0 : CONVO_ENOMEM;
}

static void
sender_free(struct sender *s)
{
	session_clear(s);
	free(s->id);
}

static void
sender_destroy(void *v)
{
	sender_free(v);
	free(v);
}

/* The state of sender id in a stream, created when new. */
static int
sender_get(struct sender **out, struct rasa *r, const char *id)
{
	struct sender *s;
	int rc;

	if ((*out = strmap_get(&r->senders, id)) != NULL)
		return 0;
	if ((s = malloc(sizeof(*s))) == NULL)
		return CONVO_ENOMEM;
	if ((rc = sender_init(s, id)) != 0 ||
	    (rc = strmap_put(&r->senders, id, s)) != 0) {
		sender_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

/*
 * Records.
 */

/*
 * The time of a record: its event's, or, when that is earlier than the
 * last one handed on in the session, that one, so that the stored order
 * is the export's.
 */
static int64_t
clamp(struct sender *s, int64_t ts)
{
	if (s->floor != CONVO_TIME_NONE && ts < s->floor)
		ts = s->floor;
	s->floor = ts;
	return ts;
}

/* Names rec's place: its line, the session's conversation and source. */
static void
rec_place(struct convo_rec *rec, const struct json_ctx *c,
    const struct sender *s)
{
	rec->line = c->line;
	rec->conv_id = s->conv_id;
	rec->source = s->source;
}

static void
rec_for(struct convo_rec *rec, enum convo_rec_kind kind,
    const struct json_ctx *c, const struct sender *s)
{
	rec_init(rec, kind);
	rec->line = c->line;
	rec->conv_id = s->conv_id;
	rec->source = s->source;
}

/* Hands on the session's conversation record before its first other. */
static int
conv_begin(struct rasa *r, struct sender *s, const struct json_ctx *c)
{
	struct convo_rec rec;

	if (s->conv_emitted)
		return 0;
	s->conv_emitted = 1;
	rec_for(&rec, CONVO_REC_CONV, c, s);
	rec.ts = s->started;
	rec.conv.user = s->id;
	rec.conv.started_at = s->started;
	return parse_emit(r->p, &rec);
}

/*
 * A handover, at most one a user turn: none when the rules already find
 * one in the user's message (one request is one handover); else
 * operator_button after a click, after_fallback after a fallback, or
 * direct.
 */
static int
handover(struct rasa *r, struct sender *s, const struct json_ctx *c,
    int64_t ts)
{
	struct convo_rec rec;
	int rc;

	if (s->handover_turn || s->turn_derived)
		return 0;
	s->handover_turn = 1;
	if ((rc = conv_begin(r, s, c)) != 0)
		return rc;
	rec_for(&rec, CONVO_REC_HANDOVER, c, s);
	rec.ts = clamp(s, ts);
	rec.handover = s->turn_click ? CONVO_HANDOVER_OPERATOR_BUTTON :
	    s->last_bot_fallback ? CONVO_HANDOVER_AFTER_FALLBACK :
	    CONVO_HANDOVER_DIRECT;
	return parse_emit(r->p, &rec);
}

/*
 * Reading members.  Each getter reports a member of the wrong type, with
 * its path from the event (c->prefix).
 */

/* The object member name of obj, or NULL; *bad when it is not one. */
static int
get_object(const struct json_ctx *c, const cJSON *obj, const char *name,
    const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return json_fail(c, "'%s%s' is not an object", c->prefix, name);
	*out = v;
	return 0;
}

/* A sub-context for member name of c's object: its path grows. */
static void
sub_ctx(struct json_ctx *sub, char *path, size_t size,
    const struct json_ctx *c, const char *name)
{
	*sub = *c;
	snprintf(path, size, "%s%s.", c->prefix, name);
	sub->prefix = path;
}

/*
 * User messages.
 */

/* The button of the bot's last turn whose payload is text, or NULL. */
static const struct button *
find_button(const struct sender *s, const char *text)
{
	size_t i;

	for (i = 0; i < s->n_buttons; i++)
		if (s->buttons[i].payload != NULL &&
		    strcmp(s->buttons[i].payload, text) == 0)
			return &s->buttons[i];
	return NULL;
}

/* parse_data.intent: the NLU's intent and confidence. */
static int
read_intent(const struct json_ctx *c, const cJSON *ev,
    struct convo_msg_fields *m)
{
	struct json_ctx pc, ic;
	char ppath[256], ipath[256];
	const cJSON *pd, *intent, *conf;

	if (get_object(c, ev, "parse_data", &pd) != 0)
		return CONVO_EDATA;
	if (pd == NULL)
		return 0;
	sub_ctx(&pc, ppath, sizeof(ppath), c, "parse_data");
	if (get_object(&pc, pd, "intent", &intent) != 0)
		return CONVO_EDATA;
	if (intent == NULL)
		return 0;
	sub_ctx(&ic, ipath, sizeof(ipath), &pc, "intent");
	if (json_text(&ic, intent, "name", &m->intent, NULL) != 0)
		return CONVO_EDATA;
	conf = cJSON_GetObjectItemCaseSensitive(intent, "confidence");
	if (cJSON_IsNumber(conf) && isfinite(conf->valuedouble)) {
		m->confidence = conf->valuedouble;
		m->has_confidence = 1;
	}
	return 0;
}

/* A click: the text is a payload, titled by the bot's button. */
static void
take_click(struct convo_msg_fields *m, const struct sender *s)
{
	const struct button *b = find_button(s, m->text);

	m->click_type = b != NULL && b->quick ? "quick_reply" : "button";
	m->click_title = b != NULL ? b->title : NULL;
	m->click_target = m->text;
	m->text = NULL;
	m->text_len = 0;
}

/* The session's channel: the first user message's, else "rasa". */
static int
take_source(struct sender *s, const char *channel)
{
	if (s->seen_user)
		return 0;
	s->seen_user = 1;
	s->source = strdup(channel != NULL && *channel ? channel : "rasa");
	return s->source != NULL ? 0 : CONVO_ENOMEM;
}

static int
ev_user(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	struct convo_rec rec;
	const char *text, *channel;
	int rc;

	rec_init(&rec, CONVO_REC_MSG);
	if (json_text(c, ev, "text", &text, NULL) != 0 ||
	    json_text(c, ev, "input_channel", &channel, NULL) != 0 ||
	    read_intent(c, ev, &rec.msg) != 0)
		return CONVO_EDATA;
	s->nlu_fallback = rec.msg.intent != NULL &&
	    strcmp(rec.msg.intent, "nlu_fallback") == 0;
	s->handover_turn = 0;
	s->turn_click = 0;
	s->turn_derived = 0;
	/* Intents triggered through the API are not the user's words. */
	if (text == NULL || *text == '\0' ||
	    strncmp(text, "EXTERNAL: ", 10) == 0)
		return 0;
	if ((rc = take_source(s, channel)) != 0 ||
	    (rc = conv_begin(r, s, c)) != 0)
		return rc;
	rec_place(&rec, c, s);
	rec.ts = rec.msg.ts = clamp(s, ts);
	rec.msg.role = CONVO_ROLE_USER;
	rec.msg.text = text;
	rec.msg.text_len = strlen(text);
	free(s->said);
	if ((s->said = strdup(text)) == NULL)
		return CONVO_ENOMEM;
	if (is_payload(text))
		take_click(&rec.msg, s);
	s->turn_click = rec.msg.click_type != NULL;
	s->turn_derived = rules_handover_of(r->p->opt->rules, &rec.msg) !=
	    CONVO_HANDOVER_NONE;
	rc = parse_emit(r->p, &rec);
	buttons_clear(s);
	return rc;
}

/*
 * Bot messages.
 */

/* Remembers the buttons (or quick replies) of data.name. */
static int
take_buttons(struct sender *s, const cJSON *data, const char *name,
    int quick)
{
	const cJSON *list, *b, *title, *payload;
	struct button *nb;

	list = cJSON_GetObjectItemCaseSensitive(data, name);
	if (!cJSON_IsArray(list))
		return 0;
	cJSON_ArrayForEach(b, list) {
		title = cJSON_GetObjectItemCaseSensitive(b, "title");
		payload = cJSON_GetObjectItemCaseSensitive(b, "payload");
		if (!cJSON_IsString(payload))
			continue;
		nb = realloc(s->buttons, (s->n_buttons + 1) * sizeof(*nb));
		if (nb == NULL)
			return CONVO_ENOMEM;
		s->buttons = nb;
		nb += s->n_buttons++;
		nb->quick = quick;
		nb->payload = strdup(payload->valuestring);
		nb->title = cJSON_IsString(title) ?
		    strdup(title->valuestring) : NULL;
		if (nb->payload == NULL ||
		    (cJSON_IsString(title) && nb->title == NULL))
			return CONVO_ENOMEM;
	}
	return 0;
}

/*
 * data.image (a URL) is an image; data.attachment a document, or, as
 * Messenger writes it, {"type":"image|audio|...","payload":{"url":...}}.
 */
static void
take_media(struct convo_msg_fields *m, const cJSON *data)
{
	const cJSON *img, *att, *type, *url;

	img = cJSON_GetObjectItemCaseSensitive(data, "image");
	att = cJSON_GetObjectItemCaseSensitive(data, "attachment");
	if (cJSON_IsString(img) && *img->valuestring) {
		m->media_type = "image";
		m->media_url = img->valuestring;
	} else if (cJSON_IsString(att) && *att->valuestring) {
		m->media_type = "document";
		m->media_url = att->valuestring;
	} else if (cJSON_IsObject(att)) {
		type = cJSON_GetObjectItemCaseSensitive(att, "type");
		url = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(att, "payload"), "url");
		m->media_type = cJSON_IsString(type) &&
		    (strcmp(type->valuestring, "image") == 0 ||
		    strcmp(type->valuestring, "audio") == 0) ?
		    type->valuestring : "document";
		m->media_url = cJSON_IsString(url) ? url->valuestring : NULL;
	}
}

/* Whether the bot message is a fallback: by its turn or its response. */
static int
bot_fallback(const struct json_ctx *c, const struct sender *s,
    const cJSON *ev, int *out)
{
	struct json_ctx mc;
	char path[256];
	const cJSON *meta;
	const char *utter;

	*out = s->nlu_fallback || s->fallback_action;
	if (get_object(c, ev, "metadata", &meta) != 0)
		return CONVO_EDATA;
	if (meta == NULL)
		return 0;
	sub_ctx(&mc, path, sizeof(path), c, "metadata");
	if (json_text(&mc, meta, "utter_action", &utter, NULL) != 0)
		return CONVO_EDATA;
	*out |= utter != NULL && in_list(fallback_names, utter);
	return 0;
}

static int
ev_bot(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	struct convo_rec rec;
	const cJSON *data;
	const char *text;
	int rc, fallback;

	rec_init(&rec, CONVO_REC_MSG);
	if (json_text(c, ev, "text", &text, NULL) != 0 ||
	    get_object(c, ev, "data", &data) != 0 ||
	    bot_fallback(c, s, ev, &fallback) != 0)
		return CONVO_EDATA;
	if ((rc = take_buttons(s, data, "buttons", 0)) != 0 ||
	    (rc = take_buttons(s, data, "quick_replies", 1)) != 0)
		return rc;
	take_media(&rec.msg, data);
	if ((text == NULL || *text == '\0') && rec.msg.media_type == NULL)
		return 0;
	if ((rc = conv_begin(r, s, c)) != 0)
		return rc;
	rec_place(&rec, c, s);
	rec.ts = rec.msg.ts = clamp(s, ts);
	rec.msg.role = CONVO_ROLE_ASSISTANT;
	rec.msg.text = text != NULL && *text ? text : NULL;
	rec.msg.text_len = rec.msg.text ? strlen(text) : 0;
	rec.msg.fallback = fallback;
	s->last_bot_fallback = fallback;
	return parse_emit(r->p, &rec);
}

/*
 * Slots: variables, and leads.
 */

static int
has_word(const char *name, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = name; *p != '\0'; p++)
		if (strncasecmp(p, word, n) == 0)
			return 1;
	return 0;
}

static size_t
count_digits(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s >= '0' && *s <= '9';
	return n;
}

/*
 * A slot named like an e-mail address or phone number, set after the
 * session's first user message to a value that looks like one, is a
 * lead.  (Slots set before it are carried over from an earlier session.)
 * A value that the user's last message holds is left to the rules,
 * which find it there, so that one address is not two leads.
 */
static int
slot_lead(struct rasa *r, struct sender *s, const struct convo_rec *var)
{
	struct convo_rec rec;
	const char *name = var->var_name, *v = var->var_value;

	if (!s->seen_user || v == NULL || *v == '\0' ||
	    (s->said != NULL && strstr(s->said, v) != NULL))
		return 0;
	rec = *var;
	rec.kind = CONVO_REC_LEAD;
	rec.var_name = rec.var_value = rec.var_source = NULL;
	if (has_word(name, "mail") && strchr(v, '@') != NULL)
		rec.lead_email = v;
	else if ((has_word(name, "phone") || has_word(name, "mobile")) &&
	    count_digits(v) >= 5)
		rec.lead_phone = v;
	else
		return 0;
	return parse_emit(r->p, &rec);
}

static int
ev_slot(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	struct convo_rec rec;
	const char *name;
	char *owned;
	int rc;

	if (json_text(c, ev, "name", &name, NULL) != 0)
		return CONVO_EDATA;
	if (name == NULL || *name == '\0')
		return json_fail(c, "missing '%sname'", c->prefix);
	if (in_list(internal_slots, name))
		return 0;
	rec_init(&rec, CONVO_REC_VARIABLE);
	if ((rc = json_var_text(c, &rec, cJSON_GetObjectItemCaseSensitive(ev,
	    "value"), &owned)) != 0)
		return rc;
	if ((rc = conv_begin(r, s, c)) == 0) {
		rec_place(&rec, c, s);
		rec.ts = clamp(s, ts);
		rec.var_name = name;
		rec.var_source = "slot";
		if ((rc = parse_emit(r->p, &rec)) == 0)
			rc = slot_lead(r, s, &rec);
	}
	cJSON_free(owned);
	return rc;
}

/*
 * The other events.
 */

/* session_started: a new conversation, named by its start time. */
static int
ev_session(struct sender *s, int64_t ts)
{
	char t[CONVO_TIME_BUFSZ];
	struct buf id;

	session_clear(s);
	s->started = s->floor = ts;
	buf_init(&id, CONVO_MAX_RECORD);
	if (buf_printf(&id, "%s#%s", s->id, convo_time_format_utc(t, ts)) != 0) {
		buf_release(&id);
		return CONVO_ENOMEM;
	}
	s->conv_id = buf_detach(&id);
	return 0;
}

/* action: fallbacks and handovers by name. */
static int
ev_action(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	const char *name;

	if (json_text(c, ev, "name", &name, NULL) != 0)
		return CONVO_EDATA;
	if (name == NULL)
		return json_fail(c, "missing '%sname'", c->prefix);
	s->fallback_action = in_list(fallback_names, name);
	return is_handover(r, name) ? handover(r, s, c, ts) : 0;
}

/* flow_started (CALM): pattern_human_handoff and the like. */
static int
ev_flow(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	const char *flow;

	if (json_text(c, ev, "flow_id", &flow, NULL) != 0)
		return CONVO_EDATA;
	return flow != NULL && is_handover(r, flow) ? handover(r, s, c, ts) : 0;
}

/* restart: the user ended the conversation (/restart). */
static int
ev_restart(struct rasa *r, struct sender *s, const struct json_ctx *c,
    int64_t ts)
{
	struct convo_rec rec;

	if (!s->conv_emitted)
		return 0;
	rec_for(&rec, CONVO_REC_END, c, s);
	rec.ts = clamp(s, ts);
	rec.end_reason = "restart";
	return parse_emit(r->p, &rec);
}

/* The events that matter; the others (featurization, forms, ...) not. */
static const char *const known[] = {
	"session_started", "user", "bot", "action", "slot", "pause",
	"restart", "flow_started", NULL
};

/*
 * One event of sender s.  ts is the time to use when the event has none
 * (a CSV row's timestamp column), or NONE.
 */
static int
event(struct rasa *r, struct sender *s, const struct json_ctx *c,
    const cJSON *ev, int64_t ts)
{
	const char *type;
	int64_t t;

	if (!cJSON_IsObject(ev))
		return json_fail(c, "expected an event object, found %s",
		    json_type_name(ev));
	if (json_text(c, ev, "event", &type, NULL) != 0)
		return CONVO_EDATA;
	if (type == NULL)
		return json_fail(c, "missing '%sevent'", c->prefix);
	if (!in_list(known, type))
		return 0;
	if (json_time(c, ev, "timestamp", &t) != 0)
		return CONVO_EDATA;
	if ((t = t != CONVO_TIME_NONE ? t : ts) == CONVO_TIME_NONE)
		return json_fail(c, "missing '%stimestamp'", c->prefix);
	if (strcmp(type, "session_started") == 0)
		return ev_session(s, t);
	if (strcmp(type, "user") == 0)
		return ev_user(r, s, c, ev, t);
	if (strcmp(type, "bot") == 0)
		return ev_bot(r, s, c, ev, t);
	if (strcmp(type, "action") == 0)
		return ev_action(r, s, c, ev, t);
	if (strcmp(type, "slot") == 0)
		return ev_slot(r, s, c, ev, t);
	if (strcmp(type, "flow_started") == 0)
		return ev_flow(r, s, c, ev, t);
	if (strcmp(type, "restart") == 0)
		return ev_restart(r, s, c, t);
	return handover(r, s, c, t);	/* pause */
}

/*
 * Trackers.
 */

/* Skips the JSON value at t[i] (valid JSON: cJSON read it already). */
static size_t
skip_value(const char *t, size_t len, size_t i)
{
	int in_str = 0, esc = 0;
	size_t depth = 0;

	for (; i < len; i++) {
		if (in_str) {
			if (esc)
				esc = 0;
			else if (t[i] == '\\')
				esc = 1;
			else if (t[i] == '"') {
				in_str = 0;
				if (depth == 0)
					return i + 1;
			}
		} else if (t[i] == '"')
			in_str = 1;
		else if (t[i] == '{' || t[i] == '[')
			depth++;
		else if (t[i] == '}' || t[i] == ']') {
			if (depth <= 1)
				return i + 1;
			depth--;
		} else if (depth == 0 && strchr(", \t\r\n", t[i]) != NULL)
			return i;
	}
	return len;
}

static size_t
skip_space(const char *t, size_t len, size_t i)
{
	while (i < len && strchr(" \t\r\n", t[i]) != NULL && t[i] != '\0')
		i++;
	return i;
}

/*
 * Where the first element of the tracker's "events" array starts in t,
 * so that each event's diagnostics can name its own line; 0 when the
 * array is not found.
 */
static size_t
events_start(const char *t, size_t len)
{
	size_t i = skip_space(t, len, 0), key, k;

	if (i >= len || t[i] != '{')
		return 0;
	for (i++;;) {
		key = skip_space(t, len, i);
		if (key >= len || t[key] != '"')
			return 0;
		k = skip_value(t, len, key);
		i = skip_space(t, len, k);
		if (i >= len || t[i] != ':')
			return 0;
		i = skip_space(t, len, i + 1);
		if (i >= len)
			return 0;
		if (t[i] == '[' && k - key == 8 &&
		    memcmp(t + key, "\"events\"", 8) == 0)
			return i + 1;
		i = skip_space(t, len, skip_value(t, len, i));
		if (i >= len || t[i] != ',')
			return 0;
		i++;
	}
}

/* Moves *at to the next element of the array and positions c there. */
static void
next_event(size_t *at, struct json_ctx *c, const struct json_ctx *tc,
    const char *t, size_t len)
{
	size_t i = skip_space(t, len, *at);

	if (*at == 0 || i >= len)
		return;
	if (t[i] == ',')
		i = skip_space(t, len, i + 1);
	json_position(&c->line, &c->col, t, i, tc->line, tc->col);
	*at = skip_value(t, len, i);
}

static int
tracker(struct rasa *r, struct json_ctx *tc, const cJSON *v, const char *t,
    size_t len)
{
	struct sender s;
	struct json_ctx c;
	const cJSON *events, *ev;
	const char *id;
	char path[48];
	size_t at, i = 0;
	int rc = 0, worst = 0;

	if (json_text(tc, v, "sender_id", &id, NULL) != 0)
		return CONVO_EDATA;
	if (id == NULL || *id == '\0')
		return json_fail(tc, "missing 'sender_id'");
	events = cJSON_GetObjectItemCaseSensitive(v, "events");
	if (!cJSON_IsArray(events))
		return json_fail(tc, events == NULL ? "missing 'events'" :
		    "'events' is not an array");
	if ((rc = sender_init(&s, id)) == 0) {
		at = events_start(t, len);
		cJSON_ArrayForEach(ev, events) {
			c = *tc;
			next_event(&at, &c, tc, t, len);
			snprintf(path, sizeof(path), "events[%zu].", i++);
			c.prefix = path;
			if ((rc = event(r, &s, &c, ev, CONVO_TIME_NONE)) ==
			    CONVO_EDATA && r->p->skip_bad)
				worst = rc;
			else if (rc != 0)
				break;
		}
	}
	sender_free(&s);
	return rc != 0 ? rc : worst;
}

/* One value of a JSON input: a tracker, or an event with its sender. */
static int
json_value(void *ctx, struct json_ctx *c, const cJSON *v, const char *text,
    size_t len)
{
	struct rasa *r = ctx;
	struct sender *s;
	const char *id;
	int rc;

	if (!cJSON_IsObject(v))
		return json_fail(c, "expected a Rasa tracker or event, found %s",
		    json_type_name(v));
	if (cJSON_GetObjectItemCaseSensitive(v, "event") == NULL)
		return tracker(r, c, v, text, len);
	if (json_text(c, v, "sender_id", &id, NULL) != 0)
		return CONVO_EDATA;
	if (id == NULL || *id == '\0')
		return json_fail(c, "missing 'sender_id'");
	if ((rc = sender_get(&s, r, id)) != 0)
		return rc;
	return event(r, s, c, v, CONVO_TIME_NONE);
}

/*
 * The SQL tracker store's events table as CSV.
 */

static int
header(struct rasa *r, long line, const char *const *cells, size_t n)
{
	size_t i;

	r->col_sender = r->col_data = r->col_type = r->col_ts = -1;
	r->n_cols = n;
	for (i = 0; i < n; i++) {
		const char *h = cells[i];

		if (i == 0 && strncmp(h, "\xef\xbb\xbf", 3) == 0)
			h += 3;
		while (*h == ' ')
			h++;
		if (strcasecmp(h, "sender_id") == 0)
			r->col_sender = (int)i;
		else if (strcasecmp(h, "data") == 0)
			r->col_data = (int)i;
		else if (strcasecmp(h, "type_name") == 0)
			r->col_type = (int)i;
		else if (strcasecmp(h, "timestamp") == 0)
			r->col_ts = (int)i;
	}
	if (r->col_sender < 0 || r->col_data < 0)
		return parse_error(r->p, line, 0, "missing column '%s'",
		    r->col_sender < 0 ? "sender_id" : "data");
	return 0;
}

/* The timestamp column: epoch seconds, or NONE when empty. */
static int
row_time(struct rasa *r, long line, const char *s, int64_t *out)
{
	const char *why = "not a number";
	char *end;
	double d;

	*out = CONVO_TIME_NONE;
	if (r->col_ts < 0 || *s == '\0')
		return 0;
	errno = 0;
	d = strtod(s, &end);
	if (end != s && *end == '\0' && errno == 0 &&
	    convo_time_from_epoch(out, &why, d) == 0)
		return 0;
	return parse_error(r->p, line, 0, "bad timestamp '%.*s': %s",
	    json_clip(s), s, why);
}

/* The data column's event, with type_name as "event" when it has none. */
static int
row_event(struct rasa *r, long line, const char *const *cells, cJSON **out)
{
	struct json_error err;
	const char *data = cells[r->col_data];
	cJSON *ev;

	*out = NULL;
	if ((ev = json_parse(&err, data, strlen(data), "field")) == NULL)
		return parse_error(r->p, line, 0, "column 'data': %s", err.msg);
	*out = ev;
	if (!cJSON_IsObject(ev))
		return parse_error(r->p, line, 0,
		    "column 'data': expected an event object, found %s",
		    json_type_name(ev));
	if (r->col_type >= 0 && *cells[r->col_type] != '\0' &&
	    cJSON_GetObjectItemCaseSensitive(ev, "event") == NULL &&
	    cJSON_AddStringToObject(ev, "event", cells[r->col_type]) == NULL)
		return CONVO_ENOMEM;
	return 0;
}

static int
csv_row(void *ctx, long line, const char *const *cells, size_t n)
{
	struct rasa *r = ctx;
	struct json_ctx c;
	struct sender *s;
	cJSON *ev = NULL;
	int64_t ts;
	int rc;

	if (r->n_cols == 0)
		return header(r, line, cells, n);
	if (n != r->n_cols)
		return parse_error(r->p, line, 0,
		    "row has %zu field%s, header has %zu", n, n == 1 ? "" : "s",
		    r->n_cols);
	if (*cells[r->col_sender] == '\0')
		return parse_error(r->p, line, 0, "empty 'sender_id'");
	if ((rc = row_time(r, line, r->col_ts >= 0 ? cells[r->col_ts] : "",
	    &ts)) != 0 || (rc = row_event(r, line, cells, &ev)) != 0 ||
	    (rc = sender_get(&s, r, cells[r->col_sender])) != 0) {
		cJSON_Delete(ev);
		return rc;
	}
	json_ctx_init(&c, r->p, line, 0);
	c.prefix = "data.";
	rc = event(r, s, &c, ev, ts);
	cJSON_Delete(ev);
	return rc;
}

/*
 * Detection.
 */

/* What the first object of a JSON head has as members. */
struct keys {
	int sender_id, events, event, timestamp, tracker_only;
};

static void
note_key(struct keys *k, const char *s, size_t n)
{
#define KEY(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
	k->sender_id |= KEY("sender_id");
	k->events |= KEY("events");
	k->event |= KEY("event");
	k->timestamp |= KEY("timestamp");
	k->tracker_only |= KEY("latest_event_time") ||
	    KEY("latest_message") || KEY("latest_action_name") ||
	    KEY("latest_input_channel");
#undef KEY
}

/* Collects the member names of the object at head[i] ('{'). */
static void
scan_keys(struct keys *k, const char *head, size_t len, size_t i)
{
	size_t depth = 0, start = 0, j;
	int in_str = 0, esc = 0;

	for (; i < len; i++) {
		char ch = head[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"') {
				in_str = 0;
				j = skip_space(head, len, i + 1);
				if (depth == 1 && j < len && head[j] == ':')
					note_key(k, head + start, i - start);
			}
		} else if (ch == '"') {
			in_str = 1;
			start = i + 1;
		} else if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			return;
	}
}

/*
 * A tracker, or an event of the export: the first object has a
 * sender_id and either a tracker's events (or latest_*) or an event's
 * event and timestamp.
 */
static int
sniff_json(const char *head, size_t len)
{
	struct keys k;
	size_t i = 0;

	memset(&k, 0, sizeof(k));
	if (*head == '[')
		i = skip_space(head, len, 1);
	if (i >= len || head[i] != '{')
		return 0;
	scan_keys(&k, head, len, i);
	return k.sender_id && ((k.events && !k.event) || k.tracker_only ||
	    (k.event && k.timestamp));
}

/* Whether the header cell p (n bytes, quoted or not) is name. */
static int
cell_is(const char *p, size_t n, const char *name)
{
	if (n >= 2 && *p == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r'))
		n--;
	return n == strlen(name) && strncasecmp(p, name, n) == 0;
}

/* The SQL store's CSV: a header with sender_id and data columns. */
static int
sniff_csv(const char *head, size_t len)
{
	const char *nl = memchr(head, '\n', len), *p, *end;
	int sender = 0, data = 0;
	size_t n;

	end = nl != NULL ? nl : head + len;
	for (p = head; p < end; p += n + 1) {
		for (n = 0; p + n < end && strchr(",;\t", p[n]) == NULL; n++)
			continue;
		sender |= cell_is(p, n, "sender_id");
		data |= cell_is(p, n, "data");
	}
	return sender && data;
}

int
parse_rasa_sniff(const char *head, size_t len)
{
	if (*head == '{' || *head == '[')
		return sniff_json(head, len);
	return sniff_csv(head, len);
}

/* Whether the input is CSV: its first byte, past a BOM and blanks. */
static int
is_csv(struct reader *rd, int *out)
{
	const char *head;
	size_t len, i;
	int rc;

	if ((rc = reader_peek(rd, &head, &len, 64u << 10)) != 0)
		return rc;
	i = len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < len && isspace((unsigned char)head[i]))
		i++;
	*out = i < len && head[i] != '{' && head[i] != '[';
	return 0;
}

int
parse_rasa(struct parser *p)
{
	struct rasa r;
	int rc, csv;

	memset(&r, 0, sizeof(r));
	r.p = p;
	strmap_init(&r.senders);
	if ((rc = is_csv(p->rd, &csv)) != 0)
		return rc;
	if (csv)
		rc = csv_rows(p, csv_row, &r);
	else
		rc = json_stream(p, "tracker", json_value, &r);
	strmap_release(&r.senders, sender_destroy);
	return rc;
}
