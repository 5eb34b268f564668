/*
 * parse_botframework.c: Bot Framework activities (convo-formats(5)):
 * .transcript files (a JSON array of Activities, as the Emulator and the
 * transcript stores write them; JSON Lines of activities too) and
 * Copilot Studio conversationtranscript records from Dataverse (one
 * record, an array of them, or the {"value":[...]} of the Web API), whose
 * "content" is a JSON string holding {"activities":[...]}.
 *
 * Only message activities are messages.  What the others say (handoffs,
 * the SessionInfo trace, reactions, the end) becomes handover, feedback,
 * conversation and end records.  Buttons and suggested actions of a bot
 * message are remembered until the next user message of the conversation,
 * which is a click when it sends what one of them sends.
 *
 * A .transcript is streamed activity by activity (json_stream()), so state
 * is kept per conversation id.  A Copilot record is one session: all of
 * it is checked before any of it is handed on.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

/* A button or suggested action of the last bot message. */
struct action {
	char *title;
	char *sends;		/* the text it sends, or NULL */
	cJSON *value;		/* the value it posts back, or NULL */
};

/* What is known of one conversation so far in this file. */
struct bconv {
	char *id;
	char *source;		/* decided when first seen */
	int user_set;		/* a CONV record named the user */
	int bot_set;		/* and the assistant */
	int handover;		/* a handover was handed on */
	int asked;		/* a user message carries one */
	int turn_handover;	/* one since the user's last message */
	int64_t last_ts;
	struct action *act;	/* pending buttons */
	size_t n_act;
	const char *click_type;	/* "button" or "quick_reply" */
	uint64_t *bot_ids;	/* assistant message ids, in order */
	size_t n_bot, cap_bot;
};

struct bf {
	struct parser *p;
	struct strmap conv;	/* struct bconv by conversation id */
	struct idset seen;	/* (conversation, activity id) handed on */
	/* A Copilot record being read; NULL in a .transcript. */
	const char *rec_id;	/* the conversation id for the record */
	const char *rec_source;
	const char *assistant;
	int emit;		/* 0: only check the record */
};

/* One activity, decoded and checked. */
struct act {
	const cJSON *obj;
	const char *type;
	const char *id;
	const char *conv_id;
	const char *channel;
	const char *name;
	const char *value_type;
	const char *text;
	const char *from_id;
	int64_t ts;		/* or CONVO_TIME_NONE */
	enum convo_role role;	/* messages only */
	const cJSON *value;
};

static void
actions_clear(struct bconv *bc)
{
	size_t i;

	for (i = 0; i < bc->n_act; i++) {
		free(bc->act[i].title);
		free(bc->act[i].sends);
		cJSON_Delete(bc->act[i].value);
	}
	free(bc->act);
	bc->act = NULL;
	bc->n_act = 0;
}

static void
bconv_free(void *v)
{
	struct bconv *bc = v;

	actions_clear(bc);
	free(bc->id);
	free(bc->source);
	free(bc->bot_ids);
	free(bc);
}

static void
bf_release(struct bf *b)
{
	strmap_release(&b->conv, bconv_free);
	idset_release(&b->seen);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/*
 * The conversation's state, created at first sight with its source;
 * *is_new says whether it was.
 */
static int
conv_get(struct bconv **out, int *is_new, struct bf *b, const char *id,
    const char *source)
{
	struct bconv *bc;

	*is_new = 0;
	if ((*out = strmap_get(&b->conv, id)) != NULL)
		return 0;
	if ((bc = calloc(1, sizeof(*bc))) == NULL)
		return CONVO_ENOMEM;
	bc->last_ts = CONVO_TIME_NONE;
	if ((bc->id = strdup(id)) == NULL ||
	    (source != NULL && (bc->source = strdup(source)) == NULL) ||
	    strmap_put(&b->conv, id, bc) != 0) {
		bconv_free(bc);
		return CONVO_ENOMEM;
	}
	*out = bc;
	*is_new = 1;
	return 0;
}

/* Channels that are a developer testing the bot, not a visitor. */
static int
is_test_channel(const char *ch)
{
	return ch != NULL && (strcmp(ch, "pva-studio") == 0 ||
	    strcmp(ch, "emulator") == 0 || strcmp(ch, "test") == 0);
}

static const char *
channel_source(const char *ch)
{
	return is_test_channel(ch) ? "test_chat" : ch;
}

/*
 * Decoding an activity.
 */

static const cJSON *
object_member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsObject(v) ? v : NULL;
}

static const char *
string_member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A role: "user"/"bot" (and the model's names), or Copilot's 1/0. */
static enum convo_role
role_of(const cJSON *acct)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(acct, "role");

	if (cJSON_IsNumber(r))
		return r->valuedouble == 1 ? CONVO_ROLE_USER :
		    r->valuedouble == 0 ? CONVO_ROLE_ASSISTANT : CONVO_ROLE_NONE;
	if (!cJSON_IsString(r))
		return CONVO_ROLE_NONE;
	if (strcmp(r->valuestring, "skill") == 0)
		return CONVO_ROLE_ASSISTANT;
	return role_from_name(r->valuestring);
}

/* Who sent a message: from.role, else the opposite of recipient.role. */
static int
message_role(const struct json_ctx *c, struct act *a)
{
	const cJSON *from = object_member(a->obj, "from");
	enum convo_role to;

	if ((a->role = role_of(from)) == CONVO_ROLE_USER ||
	    a->role == CONVO_ROLE_ASSISTANT)
		return 0;
	to = role_of(object_member(a->obj, "recipient"));
	if (to == CONVO_ROLE_USER || to == CONVO_ROLE_ASSISTANT) {
		a->role = to == CONVO_ROLE_USER ? CONVO_ROLE_ASSISTANT :
		    CONVO_ROLE_USER;
		return 0;
	}
	return json_fail(c, "'%sfrom.role' missing or not user or bot",
	    c->prefix);
}

/* SessionInfo's start and end, which may be left out. */
static int
session_times(const struct json_ctx *c, const struct act *a, int64_t *start,
    int64_t *end)
{
	struct json_ctx vc = *c;
	char prefix[80];
	int64_t t;

	snprintf(prefix, sizeof(prefix), "%svalue.", c->prefix);
	vc.prefix = prefix;
	if (!cJSON_IsObject(a->value))
		return 0;
	return json_time(&vc, a->value, "startTimeUtc", start ? start : &t) ||
	    json_time(&vc, a->value, "endTimeUtc", end ? end : &t) ?
	    CONVO_EDATA : 0;
}

static int
decode(const struct json_ctx *c, struct act *a, const cJSON *obj)
{
	const cJSON *conv, *from;

	memset(a, 0, sizeof(*a));
	a->obj = obj;
	a->role = CONVO_ROLE_NONE;
	if (!cJSON_IsObject(obj))
		return json_fail(c, "'%s' is %s, expected an activity object",
		    *c->prefix ? c->prefix : "activity", json_type_name(obj));
	conv = object_member(obj, "conversation");
	from = object_member(obj, "from");
	if (json_text(c, obj, "type", &a->type, NULL) != 0 ||
	    json_text(c, obj, "id", &a->id, NULL) != 0 ||
	    json_time(c, obj, "timestamp", &a->ts) != 0 ||
	    json_text(c, obj, "text", &a->text, NULL) != 0)
		return CONVO_EDATA;
	if (a->type == NULL)
		return json_fail(c, "'%stype' missing", c->prefix);
	a->conv_id = string_member(conv, "id");
	a->channel = string_member(obj, "channelId");
	a->name = string_member(obj, "name");
	a->value_type = string_member(obj, "valueType");
	a->from_id = string_member(from, "id");
	a->value = cJSON_GetObjectItemCaseSensitive(obj, "value");
	if (a->text != NULL && *a->text == '\0')
		a->text = NULL;
	/* A SessionInfo on a message (hand-edited or fuzzed) is both. */
	if (a->value_type != NULL && strcmp(a->value_type, "SessionInfo") == 0
	    && session_times(c, a, NULL, NULL) != 0)
		return CONVO_EDATA;
	if (strcmp(a->type, "message") != 0)
		return 0;
	if (a->ts == CONVO_TIME_NONE)
		return json_fail(c, "'%stimestamp' missing on a message",
		    c->prefix);
	return message_role(c, a);
}

/*
 * Cards and buttons.
 */

/* The text a card shows, when the message has none of its own. */
static const char *
card_text(const cJSON *att)
{
	const cJSON *content = object_member(att, "content"), *body, *el;
	const char *ct = string_member(att, "contentType"), *s;

	if (content == NULL || ct == NULL)
		return NULL;
	if (strcmp(ct, "application/vnd.microsoft.card.adaptive") != 0) {
		s = string_member(content, "title");
		return s != NULL && *s ? s : string_member(content, "text");
	}
	body = cJSON_GetObjectItemCaseSensitive(content, "body");
	cJSON_ArrayForEach(el, body) {
		s = string_member(el, "type");
		if (s != NULL && strcmp(s, "TextBlock") == 0 &&
		    (s = string_member(el, "text")) != NULL && *s)
			return s;
	}
	return NULL;
}

/* The first card text of a message's attachments, or NULL. */
static const char *
cards_text(const cJSON *act)
{
	const cJSON *att;
	const char *s;

	cJSON_ArrayForEach(att, cJSON_GetObjectItemCaseSensitive(act,
	    "attachments"))
		if ((s = card_text(att)) != NULL)
			return s;
	return NULL;
}

/* A medium: any attachment that is not a card. */
static void
media_of(struct convo_msg_fields *m, const cJSON *atts)
{
	const cJSON *att;
	const char *ct;

	cJSON_ArrayForEach(att, atts) {
		ct = string_member(att, "contentType");
		if (ct == NULL ||
		    strncmp(ct, "application/vnd.microsoft.", 26) == 0)
			continue;
		m->media_type = strncmp(ct, "image/", 6) == 0 ? "image" :
		    strncmp(ct, "audio/", 6) == 0 ? "audio" :
		    strncmp(ct, "video/", 6) == 0 ? "video" : "document";
		m->media_name = string_member(att, "name");
		m->media_url = string_member(att, "contentUrl");
		return;
	}
}

static int
action_add(struct bconv *bc, const cJSON *a, size_t *cap)
{
	struct action *x, *grown;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "value");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(a, "data");
	const char *title = string_member(a, "title");

	if (title == NULL)
		return 0;
	if (bc->n_act == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		if ((grown = realloc(bc->act, *cap * sizeof(*x))) == NULL)
			return CONVO_ENOMEM;
		bc->act = grown;
	}
	x = &bc->act[bc->n_act];
	memset(x, 0, sizeof(*x));
	if (v == NULL)
		v = data;	/* an Adaptive Card's Action.Submit */
	x->title = strdup(title);
	x->sends = dup_or_null(string_member(a, "text"));
	if (cJSON_IsString(v) && x->sends == NULL)
		x->sends = strdup(v->valuestring);
	x->value = v != NULL ? cJSON_Duplicate(v, 1) : NULL;
	bc->n_act++;
	if (x->title == NULL || (v != NULL && x->value == NULL))
		return CONVO_ENOMEM;
	return 0;
}

static int
actions_add(struct bconv *bc, const cJSON *list, size_t *cap)
{
	const cJSON *a;
	int rc;

	cJSON_ArrayForEach(a, list)
		if ((rc = action_add(bc, a, cap)) != 0)
			return rc;
	return 0;
}

/* Remembers the buttons of a bot message, if it has any. */
static int
remember_actions(struct bconv *bc, const struct act *a)
{
	const cJSON *sug, *att, *content;
	size_t cap = 0;
	int rc = 0;

	sug = object_member(a->obj, "suggestedActions");
	if (sug != NULL && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    sug, "actions")) > 0) {
		actions_clear(bc);
		bc->click_type = "quick_reply";
		return actions_add(bc,
		    cJSON_GetObjectItemCaseSensitive(sug, "actions"), &cap);
	}
	cJSON_ArrayForEach(att,
	    cJSON_GetObjectItemCaseSensitive(a->obj, "attachments")) {
		if ((content = object_member(att, "content")) == NULL)
			continue;
		if (cap == 0 && (cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(content, "buttons")) > 0 ||
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		    content, "actions")) > 0)) {
			actions_clear(bc);
			bc->click_type = "button";
		}
		if ((rc = actions_add(bc, cJSON_GetObjectItemCaseSensitive(
		    content, "buttons"), &cap)) != 0 ||
		    (rc = actions_add(bc, cJSON_GetObjectItemCaseSensitive(
		    content, "actions"), &cap)) != 0)
			return rc;
	}
	return 0;
}

/* The pending button that a user message is the click of, or NULL. */
static const struct action *
clicked(const struct bconv *bc, const struct act *a)
{
	size_t i;

	for (i = 0; i < bc->n_act; i++) {
		const struct action *x = &bc->act[i];

		if (a->text != NULL && ((x->sends != NULL &&
		    strcmp(x->sends, a->text) == 0) ||
		    strcmp(x->title, a->text) == 0))
			return x;
		if (a->text == NULL && a->value != NULL && x->value != NULL &&
		    cJSON_Compare(x->value, a->value, 1))
			return x;
	}
	return NULL;
}

/*
 * Handing records on.
 */

static void
rec_for(const struct bconv *bc, struct convo_rec *rec,
    enum convo_rec_kind kind, long line, int64_t ts)
{
	rec_init(rec, kind);
	rec->line = line;
	rec->conv_id = bc->id;
	rec->source = bc->source;
	rec->ts = ts;
}

static int
emit_conv_start(struct bf *b, struct bconv *bc, long line)
{
	struct convo_rec rec;

	rec_for(bc, &rec, CONVO_REC_CONV, line, CONVO_TIME_NONE);
	rec.conv.assistant = b->assistant;
	return parse_emit(b->p, &rec);
}

/*
 * The user is the sender of the first user message; in a .transcript the
 * assistant is the name of the first bot message's sender.
 */
static int
emit_who(struct bf *b, struct bconv *bc, const struct act *a, long line)
{
	const char *name = string_member(object_member(a->obj, "from"), "name");
	struct convo_rec rec;

	rec_for(bc, &rec, CONVO_REC_CONV, line, CONVO_TIME_NONE);
	if (a->role == CONVO_ROLE_USER && !bc->user_set && a->from_id != NULL &&
	    *a->from_id != '\0') {
		bc->user_set = 1;
		rec.conv.user = a->from_id;
		return parse_emit(b->p, &rec);
	}
	if (a->role == CONVO_ROLE_ASSISTANT && !bc->bot_set &&
	    b->rec_id == NULL && name != NULL && *name != '\0') {
		bc->bot_set = 1;
		rec.conv.assistant = name;
		return parse_emit(b->p, &rec);
	}
	return 0;
}

static int
bot_id_add(struct bconv *bc, const char *id)
{
	uint64_t *grown;
	size_t cap;

	if (bc->n_bot == bc->cap_bot) {
		cap = bc->cap_bot ? bc->cap_bot * 2 : 16;
		if ((grown = realloc(bc->bot_ids, cap * sizeof(*grown))) == NULL)
			return CONVO_ENOMEM;
		bc->bot_ids = grown;
		bc->cap_bot = cap;
	}
	bc->bot_ids[bc->n_bot++] = id != NULL ?
	    hash64(HASH64_INIT, id, strlen(id)) : 0;
	return 0;
}

static int
message(struct bf *b, struct bconv *bc, const struct act *a, long line)
{
	const struct action *x = NULL;
	struct convo_rec rec;
	int rc;

	rec_for(bc, &rec, CONVO_REC_MSG, line, a->ts);
	rec.msg.ts = a->ts;
	rec.msg.role = a->role;
	rec.msg.text = a->text;
	media_of(&rec.msg, cJSON_GetObjectItemCaseSensitive(a->obj,
	    "attachments"));
	if ((rc = emit_who(b, bc, a, line)) != 0)
		return rc;
	if (a->role == CONVO_ROLE_USER) {
		if ((x = clicked(bc, a)) != NULL) {
			rec.msg.click_type = bc->click_type;
			rec.msg.click_title = x->title;
			rec.msg.click_target = x->sends;
		}
		if (rec.msg.text == NULL && x == NULL &&
		    rec.msg.media_type == NULL)
			return 0;	/* a postback of nothing shown */
	} else if (rec.msg.text == NULL)
		rec.msg.text = cards_text(a->obj);
	if (rec.msg.text != NULL)
		rec.msg.text_len = strlen(rec.msg.text);
	if ((rc = parse_emit(b->p, &rec)) != 0)
		return rc;
	if (a->role == CONVO_ROLE_USER) {
		/* The rules' handover is the turn's: a handoff adds none. */
		bc->turn_handover = rules_handover_of(b->p->opt->rules,
		    &rec.msg) != CONVO_HANDOVER_NONE;
		bc->asked |= bc->turn_handover;
		actions_clear(bc);
		return 0;
	}
	if ((rc = bot_id_add(bc, a->id)) != 0)
		return rc;
	return remember_actions(bc, a);
}

static int
handover(struct bf *b, struct bconv *bc, int64_t ts, long line)
{
	struct convo_rec rec;

	bc->handover = bc->turn_handover = 1;
	rec_for(bc, &rec, CONVO_REC_HANDOVER, line, ts);
	rec.handover = CONVO_HANDOVER_DIRECT;
	return parse_emit(b->p, &rec);
}

/* The time of an activity that may have none: the last one seen. */
static int64_t
when(const struct bconv *bc, const struct act *a)
{
	return a->ts != CONVO_TIME_NONE ? a->ts : bc->last_ts;
}

static const char *
lower_outcome(char *buf, size_t n, const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || strcmp(s, "None") == 0)
		return NULL;
	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
	buf[i] = '\0';
	return buf;
}

/*
 * Copilot's SessionInfo trace: the session's times, and how it ended
 * (a transcript is written once the session is over).
 */
static int
session_info(struct bf *b, struct bconv *bc, const struct act *a, long line,
    const struct json_ctx *c)
{
	struct convo_rec rec;
	const char *outcome = string_member(a->value, "outcome");
	char buf[64];
	int rc;

	rec_for(bc, &rec, CONVO_REC_CONV, line, CONVO_TIME_NONE);
	if ((rc = session_times(c, a, &rec.conv.started_at,
	    &rec.conv.ended_at)) != 0)
		return rc;
	if (rec.conv.ended_at == CONVO_TIME_NONE)
		rec.conv.ended_at = when(bc, a);
	rec.conv.status = "ended";
	rec.conv.end_reason = lower_outcome(buf, sizeof(buf), outcome);
	if ((rc = parse_emit(b->p, &rec)) != 0)
		return rc;
	if (outcome != NULL && (strcmp(outcome, "Escalated") == 0 ||
	    strcmp(outcome, "HandOff") == 0) && !bc->handover && !bc->asked &&
	    rec.conv.ended_at != CONVO_TIME_NONE)
		return handover(b, bc, rec.conv.ended_at, line);
	return 0;
}

/* A reaction on a bot message: invoke feedback, or messageReaction. */
static int
feedback(struct bf *b, struct bconv *bc, const struct act *a, long line,
    const char *reaction)
{
	const char *to = string_member(a->obj, "replyToId");
	struct convo_rec rec;
	uint64_t h;
	size_t i;

	if (reaction == NULL || when(bc, a) == CONVO_TIME_NONE)
		return 0;
	rec_for(bc, &rec, CONVO_REC_FEEDBACK, line, when(bc, a));
	rec.feedback = strcmp(reaction, "like") == 0 ? CONVO_FEEDBACK_UP :
	    strcmp(reaction, "dislike") == 0 ? CONVO_FEEDBACK_DOWN :
	    CONVO_FEEDBACK_NONE;
	if (rec.feedback == CONVO_FEEDBACK_NONE)
		return 0;
	if (to != NULL) {
		h = hash64(HASH64_INIT, to, strlen(to));
		for (i = 0; i < bc->n_bot; i++)
			if (bc->bot_ids[i] == h && h != 0)
				rec.feedback_index = (long)i;
	}
	return parse_emit(b->p, &rec);
}

static const char *
reaction_of(const struct act *a)
{
	const cJSON *av, *added;
	const char *name = string_member(a->value, "actionName");

	if (strcmp(a->type, "messageReaction") == 0) {
		added = cJSON_GetObjectItemCaseSensitive(a->obj,
		    "reactionsAdded");
		return string_member(cJSON_GetArrayItem(added, 0), "type");
	}
	if (strcmp(a->type, "invoke") != 0 || a->name == NULL ||
	    strcmp(a->name, "message/submitAction") != 0 || name == NULL ||
	    strcmp(name, "feedback") != 0)
		return NULL;
	av = object_member(a->value, "actionValue");
	return string_member(av, "reaction");
}

static int
end(struct bf *b, struct bconv *bc, const struct act *a, long line)
{
	struct convo_rec rec;

	if (when(bc, a) == CONVO_TIME_NONE)
		return 0;
	rec_for(bc, &rec, CONVO_REC_END, line, when(bc, a));
	rec.end_reason = string_member(a->value, "code");
	return parse_emit(b->p, &rec);
}

/* Whether this activity asks for a human. */
static int
is_handoff(const struct act *a)
{
	if (strcmp(a->type, "handoff") == 0)
		return 1;
	if (strcmp(a->type, "event") == 0 && a->name != NULL &&
	    strcmp(a->name, "handoff.initiate") == 0)
		return 1;
	return strcmp(a->type, "trace") == 0 && a->value_type != NULL &&
	    (strcmp(a->value_type, "HandOff") == 0 ||
	    strcmp(a->value_type, "EscalationRequested") == 0);
}

/* Hands on what one decoded activity says. */
static int
apply(struct bf *b, struct bconv *bc, const struct act *a, long line,
    const struct json_ctx *c)
{
	if (a->ts != CONVO_TIME_NONE)
		bc->last_ts = a->ts;
	if (strcmp(a->type, "message") == 0)
		return message(b, bc, a, line);
	if (is_handoff(a))
		return bc->turn_handover || when(bc, a) == CONVO_TIME_NONE ? 0 :
		    handover(b, bc, when(bc, a), line);
	if (strcmp(a->type, "trace") == 0 && a->value_type != NULL &&
	    strcmp(a->value_type, "SessionInfo") == 0)
		return session_info(b, bc, a, line, c);
	if (strcmp(a->type, "endOfConversation") == 0)
		return end(b, bc, a, line);
	return feedback(b, bc, a, line, reaction_of(a));
}

/* Whether the activity was handed on already (a repeated id). */
static int
repeated(struct bf *b, const struct bconv *bc, const struct act *a)
{
	uint64_t h;

	if (a->id == NULL || *a->id == '\0')
		return 0;
	h = hash64(HASH64_INIT, bc->id, strlen(bc->id) + 1);
	h = hash64(h, a->id, strlen(a->id));
	return idset_add(&b->seen, h);
}

/*
 * One activity of a .transcript, or of a Copilot record when b->rec_id is
 * set (then the record decides the conversation and its source).
 */
static int
activity(struct bf *b, const cJSON *obj, const struct json_ctx *c)
{
	struct bconv *bc;
	struct act a;
	const char *id;
	int rc, is_new;

	if ((rc = decode(c, &a, obj)) != 0 || !b->emit)
		return rc;
	id = b->rec_id != NULL ? b->rec_id : a.conv_id;
	if (id == NULL || *id == '\0')
		return json_fail(c, "'%sconversation.id' missing", c->prefix);
	rc = conv_get(&bc, &is_new, b, id, b->rec_id != NULL ? b->rec_source :
	    channel_source(a.channel));
	if (rc == 0 && is_new)
		rc = emit_conv_start(b, bc, c->line);
	if (rc != 0)
		return rc;
	if ((rc = repeated(b, bc, &a)) < 0)
		return rc;
	if (rc == 0 && a.id != NULL && *a.id != '\0')
		return 0;
	return apply(b, bc, &a, c->line, c);
}

/*
 * Copilot Studio records.
 */

/* The source of a session: test_chat when made in the studio's canvas. */
static const char *
session_source(const cJSON *acts)
{
	const cJSON *a, *v;
	const char *ch = NULL, *s;

	cJSON_ArrayForEach(a, acts) {
		s = string_member(a, "valueType");
		v = object_member(a, "value");
		if (s != NULL && strcmp(s, "ConversationInfo") == 0 &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
		    "isDesignMode")))
			return "test_chat";
		s = string_member(a, "channelId");
		if (is_test_channel(s))
			return "test_chat";
		if (ch == NULL)
			ch = s;
	}
	return ch;
}

/* The conversation id: the activities', else the record's name or id. */
static const char *
session_id(const cJSON *rec, const cJSON *acts, char *buf, size_t n)
{
	const cJSON *a;
	const char *s, *us;

	cJSON_ArrayForEach(a, acts)
		if ((s = string_member(object_member(a, "conversation"),
		    "id")) != NULL && *s)
			return s;
	if ((s = string_member(rec, "name")) != NULL && *s) {
		/* "{conversation}_{bot}" */
		us = strchr(s, '_');
		if (us == NULL || (size_t)(us - s) >= n)
			return s;
		memcpy(buf, s, (size_t)(us - s));
		buf[us - s] = '\0';
		return buf;
	}
	return string_member(rec, "conversationtranscriptid");
}

static int
activities(struct bf *b, const cJSON *acts, struct json_ctx *c,
    const char *in)
{
	char prefix[128];
	const char *base = c->prefix;
	const cJSON *a;
	int i = 0, rc;

	cJSON_ArrayForEach(a, acts) {
		snprintf(prefix, sizeof(prefix), "%s%sactivities[%d].", base,
		    in, i++);
		c->prefix = prefix;
		if ((rc = activity(b, a, c)) != 0)
			return rc;
	}
	c->prefix = base;
	return 0;
}

/* The bot's name from the record's metadata, a JSON string. */
static char *
bot_name(const cJSON *rec)
{
	const char *meta = string_member(rec, "metadata");
	const char *name;
	cJSON *m;
	char *out;

	if (meta == NULL || (m = cJSON_Parse(meta)) == NULL)
		return NULL;
	name = string_member(m, "BotName");
	out = dup_or_null(name);
	cJSON_Delete(m);
	return out;
}

/* Checks all of a session, then hands it on. */
static int
session(struct bf *b, const cJSON *rec, const cJSON *content,
    struct json_ctx *c)
{
	const cJSON *acts = cJSON_GetObjectItemCaseSensitive(content,
	    "activities");
	char idbuf[128], *name;
	int rc;

	const char *in = rec != NULL ? "content." : "";

	if (!cJSON_IsArray(acts))
		return json_fail(c, "'%s%sactivities' missing or not an array",
		    c->prefix, in);
	b->rec_id = session_id(rec, acts, idbuf, sizeof(idbuf));
	if (b->rec_id == NULL || *b->rec_id == '\0')
		return json_fail(c, "no conversation id in the activities, "
		    "'name' or 'conversationtranscriptid'");
	b->rec_source = session_source(acts);
	b->emit = 0;
	name = NULL;
	if ((rc = activities(b, acts, c, in)) == 0) {
		b->emit = 1;
		name = bot_name(rec);
		b->assistant = name;
		rc = activities(b, acts, c, in);
	}
	/* They point into this record's tree: never past it. */
	free(name);
	b->assistant = NULL;
	b->rec_id = NULL;
	b->rec_source = NULL;
	return rc;
}

/* A conversationtranscript record: "content" holds the activities. */
static int
record(struct bf *b, const cJSON *rec, struct json_ctx *c)
{
	const char *text = string_member(rec, "content");
	struct json_error err;
	cJSON *content;
	int rc;

	if (text == NULL)
		return json_fail(c, "'%scontent' missing or not a string",
		    c->prefix);
	if ((content = json_parse(&err, text, strlen(text), "content")) ==
	    NULL)
		return json_fail(c, "'%scontent' is not JSON: %s at character "
		    "%zu", c->prefix, err.msg, err.off + 1);
	rc = session(b, rec, content, c);
	cJSON_Delete(content);
	return rc;
}

/* The records of a Web API answer, {"value":[...]}. */
static int
record_list(struct bf *b, const cJSON *list, struct json_ctx *c)
{
	char prefix[64];
	const cJSON *r;
	int i = 0, rc;

	cJSON_ArrayForEach(r, list) {
		snprintf(prefix, sizeof(prefix), "value[%d].", i++);
		c->prefix = prefix;
		if (!cJSON_IsObject(r))
			return json_fail(c, "'value[%d]' is %s, expected a "
			    "transcript record", i - 1, json_type_name(r));
		rc = record(b, r, c);
		if (rc == CONVO_EDATA && b->p->skip_bad)
			continue;	/* reported and counted */
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
element(void *ctx, struct json_ctx *c, const cJSON *v, const char *text,
    size_t len)
{
	struct bf *b = ctx;

	(void)text;
	(void)len;
	b->emit = 1;
	if (cJSON_IsObject(v) && cJSON_IsArray(
	    cJSON_GetObjectItemCaseSensitive(v, "value")))
		return record_list(b, cJSON_GetObjectItemCaseSensitive(v,
		    "value"), c);
	if (cJSON_IsObject(v) && cJSON_GetObjectItemCaseSensitive(v,
	    "content") != NULL)
		return record(b, v, c);
	if (cJSON_IsObject(v) && cJSON_GetObjectItemCaseSensitive(v,
	    "activities") != NULL)
		return session(b, NULL, v, c);
	return activity(b, v, c);
}

int
parse_botframework(struct parser *p)
{
	struct bf b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.p = p;
	strmap_init(&b.conv);
	idset_init(&b.seen);
	rc = json_stream(p, "activity", element, &b);
	bf_release(&b);
	return rc;
}

/*
 * Sure signs, within the first 64 KiB: an activity's "type" of message
 * with a "from" and a "conversation" or "channelId" (no other format has
 * those three), or a Copilot record's "conversationtranscriptid" or
 * schematype "powervirtualagents".
 */
int
parse_botframework_sniff(const char *head, size_t len)
{
	static const char *const sure[] = {
		"\"conversationtranscriptid\"", "\"powervirtualagents\"",
		"\\\"activities\\\"", NULL
	};
	const char *const *s;
	char *text;
	int yes = 0;

	if (*head != '[' && *head != '{')
		return 0;
	if ((text = malloc(len + 1)) == NULL)
		return 0;
	memcpy(text, head, len);
	text[len] = '\0';
	for (s = sure; *s != NULL && !yes; s++)
		yes = strstr(text, *s) != NULL;
	if (!yes && *head == '{')
		yes = strstr(text, "\"activities\"") != NULL &&
		    strstr(text, "\"valueType\"") != NULL;
	if (!yes)
		yes = strstr(text, "\"type\"") != NULL &&
		    strstr(text, "\"from\"") != NULL &&
		    (strstr(text, "\"channelId\"") != NULL ||
		    strstr(text, "\"recipient\"") != NULL) &&
		    strstr(text, "\"conversation\"") != NULL;
	free(text);
	return yes;
}
