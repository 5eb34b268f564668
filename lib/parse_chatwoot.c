/*
 * parse_chatwoot.c: Chatwoot conversations (convo-formats(5)), as its
 * API and webhooks give them: a conversation object with "messages", a
 * list of them, the {"payload":[...]} of the messages and conversations
 * endpoints (also inside {"data":...}), single message objects, and
 * webhook event payloads, one after another, in an array or as JSON
 * Lines.
 *
 * message_type is 0 incoming (the contact), 1 outgoing (an agent bot,
 * or a human agent when the sender is a User), 2 activity (system lines)
 * or 3 template, as integers or names.  Private notes are not messages.
 * The first human agent message after a bot message is a handover.  A
 * CSAT survey (content_type input_csat) is a survey record and, once
 * answered, a CSAT vote.  A message id seen before in the file (webhook
 * captures repeat messages) is dropped.
 *
 * A conversation object is checked whole before any of it is handed on.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

/* What is known of one conversation so far in this file. */
struct cconv {
	int bot_seen;		/* an assistant message came */
	int handover;		/* a handover was handed on */
	int asked;		/* a user message carries one */
	int bot_named;		/* a CONV record named the assistant */
	int user_named;		/* and the contact */
};

struct cw {
	struct parser *p;
	struct strmap conv;	/* struct cconv by conversation id */
	struct idset seen;
	int emit;		/* 0: only check */
	const char *conv_id;	/* the conversation being read */
	const char *source;
	char id_num[JSON_NUMBUF];
};

/* One message, decoded and checked. */
struct cmsg {
	const cJSON *obj;
	const char *id;
	char id_num[JSON_NUMBUF];
	const char *conv_id;
	char conv_num[JSON_NUMBUF];
	int64_t ts;
	enum convo_role role;	/* NONE: not a message (a private note) */
	const char *content_type;
	const char *sender_name;
	const char *sender_id;
	char sender_num[JSON_NUMBUF];
	int bot;		/* sent by an agent bot */
};

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

static const cJSON *
object_member(const cJSON *obj, const char *name)
{
	const cJSON *v = member(obj, name);

	return cJSON_IsObject(v) ? v : NULL;
}

static const char *
string_member(const cJSON *obj, const char *name)
{
	const cJSON *v = member(obj, name);

	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* The conversation's state, created at first sight. */
static int
conv_get(struct cconv **out, struct cw *w, const char *id)
{
	struct cconv *cc;

	if ((*out = strmap_get(&w->conv, id)) != NULL)
		return 0;
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return CONVO_ENOMEM;
	if (strmap_put(&w->conv, id, cc) != 0) {
		free(cc);
		return CONVO_ENOMEM;
	}
	*out = cc;
	return 0;
}

/*
 * Times: epoch seconds, ISO 8601, or the webhooks' "2020-03-03 13:05:57
 * UTC".
 */
static int
read_time(const struct json_ctx *c, const cJSON *obj, const char *name,
    int64_t *out)
{
	const cJSON *v = member(obj, name);
	const char *why;
	char buf[64];
	size_t n;

	if (!cJSON_IsString(v) || (n = strlen(v->valuestring)) < 5 ||
	    n >= sizeof(buf) || strcmp(v->valuestring + n - 4, " UTC") != 0)
		return json_time(c, obj, name, out);
	memcpy(buf, v->valuestring, n - 4);
	memcpy(buf + n - 4, "Z", 2);
	if (convo_time_parse(out, &why, buf) == 0)
		return 0;
	*out = CONVO_TIME_NONE;
	return json_fail(c, "bad timestamp '%.*s' in '%s%s': %s",
	    json_clip(v->valuestring), v->valuestring, c->prefix, name, why);
}

/* "Channel::WebWidget" is web_widget. */
static const char *
channel_source(char *buf, size_t n, const char *ch)
{
	size_t i = 0;

	if (ch == NULL)
		return NULL;
	if (strncmp(ch, "Channel::", 9) == 0)
		ch += 9;
	for (; *ch != '\0' && i + 2 < n; ch++) {
		if (*ch >= 'A' && *ch <= 'Z') {
			if (i > 0)
				buf[i++] = '_';
			buf[i++] = (char)(*ch - 'A' + 'a');
		} else
			buf[i++] = *ch;
	}
	buf[i] = '\0';
	return i > 0 ? buf : NULL;
}

static const char *id_text(const cJSON *obj, char *numbuf);

/*
 * Decoding a message.
 */

/* message_type as a number or a name: 0..3, or -1. */
static int
message_type(const cJSON *v)
{
	static const char *const names[] = {
		"incoming", "outgoing", "activity", "template"
	};
	int i;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 3 &&
	    v->valuedouble == (int)v->valuedouble)
		return (int)v->valuedouble;
	for (i = 0; cJSON_IsString(v) && i < 4; i++)
		if (strcmp(v->valuestring, names[i]) == 0)
			return i;
	return -1;
}

/* Who sent an outgoing message: "AgentBot", "User", ... or "". */
static const char *
sender_kind(const cJSON *obj)
{
	const char *t = string_member(obj, "sender_type");

	if (t == NULL)
		t = string_member(object_member(obj, "sender"), "type");
	return t != NULL ? t : "";
}

static enum convo_role
role_of(struct cmsg *m, int type)
{
	const char *t = sender_kind(m->obj);

	m->bot = 0;
	switch (type) {
	case 0:
		return CONVO_ROLE_USER;
	case 2:
		return CONVO_ROLE_SYSTEM;
	case 3:
		m->bot = 1;
		return CONVO_ROLE_ASSISTANT;
	default:
		if (strcmp(t, "User") == 0 || strcmp(t, "user") == 0)
			return CONVO_ROLE_AGENT;
		/* A bot, or the inbox's own automation (no sender). */
		m->bot = 1;
		return CONVO_ROLE_ASSISTANT;
	}
}

static int
decode_msg(const struct json_ctx *c, struct cmsg *m, const cJSON *obj)
{
	const cJSON *conv;
	const char *s;
	int type;

	memset(m, 0, sizeof(*m));
	m->obj = obj;
	if (!cJSON_IsObject(obj))
		return json_fail(c, "'%s' is %s, expected a message object",
		    *c->prefix ? c->prefix : "message", json_type_name(obj));
	conv = object_member(obj, "conversation");
	if (json_text(c, obj, "id", &m->id, m->id_num) != 0 ||
	    read_time(c, obj, "created_at", &m->ts) != 0 ||
	    json_text(c, obj, "content_type", &m->content_type, NULL) != 0 ||
	    json_text(c, obj, "conversation_id", &m->conv_id, m->conv_num))
		return CONVO_EDATA;
	if (m->conv_id == NULL && conv != NULL &&
	    json_text(c, conv, "id", &m->conv_id, m->conv_num) != 0)
		return CONVO_EDATA;
	if ((type = message_type(member(obj, "message_type"))) < 0)
		return json_fail(c, "'%smessage_type' missing or not one of "
		    "0-3, incoming, outgoing, activity, template", c->prefix);
	if (m->ts == CONVO_TIME_NONE)
		return json_fail(c, "'%screated_at' missing", c->prefix);
	if (cJSON_IsTrue(member(obj, "private")))
		return 0;	/* a private note: not a message */
	m->role = role_of(m, type);
	s = string_member(object_member(obj, "sender"), "name");
	m->sender_name = s;
	m->sender_id = id_text(object_member(obj, "sender"), m->sender_num);
	return 0;
}

/*
 * Handing records on.
 */

static void
rec_for(const struct cw *w, struct convo_rec *rec, enum convo_rec_kind kind,
    int64_t ts, const struct json_ctx *c)
{
	rec_init(rec, kind);
	rec->line = c->line;
	rec->conv_id = w->conv_id;
	rec->source = w->source;
	rec->ts = ts;
}

static void
media_of(struct convo_msg_fields *f, const cJSON *atts)
{
	const cJSON *a = cJSON_GetArrayItem(atts, 0);
	const char *t = string_member(a, "file_type");

	if (a == NULL)
		return;
	f->media_type = t == NULL ? "document" : strcmp(t, "image") == 0 ?
	    "image" : strcmp(t, "audio") == 0 ? "audio" :
	    strcmp(t, "video") == 0 ? "video" : "document";
	f->media_url = string_member(a, "data_url");
	f->media_name = string_member(a, "file_name");
}

/* The survey, and its rating once the contact answered. */
static int
csat(struct cw *w, const struct cmsg *m, const struct json_ctx *c)
{
	const cJSON *attrs = object_member(m->obj, "content_attributes");
	const cJSON *r = member(object_member(object_member(attrs,
	    "submitted_values"), "csat_survey_response"), "rating");
	struct convo_rec rec;
	int rc;

	rec_for(w, &rec, CONVO_REC_SURVEY, m->ts, c);
	if ((rc = parse_emit(w->p, &rec)) != 0 || !cJSON_IsNumber(r) ||
	    r->valuedouble < 1 || r->valuedouble > 5)
		return rc;
	rec_for(w, &rec, CONVO_REC_CSAT, m->ts, c);
	rec.csat = (int)(r->valuedouble + 0.5);
	return parse_emit(w->p, &rec);
}

/* The first agent message after the bot: a handover, and its name. */
static int
before_msg(struct cw *w, struct cconv *cc, const struct cmsg *m,
    const struct json_ctx *c)
{
	struct convo_rec rec;
	char user[JSON_NUMBUF + 16];

	if (m->role == CONVO_ROLE_USER && !cc->user_named &&
	    m->sender_id != NULL) {
		cc->user_named = 1;
		snprintf(user, sizeof(user), "chatwoot:%s", m->sender_id);
		rec_for(w, &rec, CONVO_REC_CONV, CONVO_TIME_NONE, c);
		rec.conv.user = user;
		return parse_emit(w->p, &rec);
	}
	if (m->role == CONVO_ROLE_ASSISTANT && m->bot && !cc->bot_named &&
	    m->sender_name != NULL) {
		cc->bot_named = 1;
		rec_for(w, &rec, CONVO_REC_CONV, CONVO_TIME_NONE, c);
		rec.conv.assistant = m->sender_name;
		return parse_emit(w->p, &rec);
	}
	if (m->role != CONVO_ROLE_AGENT || !cc->bot_seen || cc->handover)
		return 0;
	cc->handover = 1;
	if (cc->asked)
		return 0;	/* the agent answers that request */
	rec_for(w, &rec, CONVO_REC_HANDOVER, m->ts, c);
	rec.handover = CONVO_HANDOVER_DIRECT;
	return parse_emit(w->p, &rec);
}

/* Whether the message was handed on already in this file. */
static int
repeated(struct cw *w, const struct cmsg *m)
{
	uint64_t h;
	int rc;

	if (m->id == NULL)
		return 0;
	h = hash64(HASH64_INIT, w->conv_id, strlen(w->conv_id) + 1);
	h = hash64(h, m->id, strlen(m->id));
	rc = idset_add(&w->seen, h);
	return rc < 0 ? rc : !rc;
}

static int
message(struct cw *w, const struct cmsg *m, const struct json_ctx *c)
{
	struct convo_rec rec;
	struct cconv *cc;
	const char *text = string_member(m->obj, "content");
	int rc;

	if (m->role == CONVO_ROLE_NONE)
		return 0;
	if ((rc = repeated(w, m)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = conv_get(&cc, w, w->conv_id)) != 0)
		return rc;
	if (m->content_type != NULL && strcmp(m->content_type,
	    "input_csat") == 0)
		return csat(w, m, c);
	if ((rc = before_msg(w, cc, m, c)) != 0)
		return rc;
	rec_for(w, &rec, CONVO_REC_MSG, m->ts, c);
	rec.msg.ts = m->ts;
	rec.msg.role = m->role;
	rec.msg.text = text;
	rec.msg.text_len = text != NULL ? strlen(text) : 0;
	media_of(&rec.msg, member(m->obj, "attachments"));
	if (m->role == CONVO_ROLE_ASSISTANT && m->bot)
		rec.msg.agent = m->sender_name;
	if (text == NULL && rec.msg.media_type == NULL)
		return 0;	/* nothing to show */
	if (m->role == CONVO_ROLE_ASSISTANT)
		cc->bot_seen = 1;
	cc->asked |= rules_handover_of(w->p->opt->rules, &rec.msg) !=
	    CONVO_HANDOVER_NONE;
	return parse_emit(w->p, &rec);
}

/*
 * Conversations.
 */

static const char *
id_text(const cJSON *obj, char *numbuf)
{
	const cJSON *v = member(obj, "id");

	if (cJSON_IsString(v) && *v->valuestring)
		return v->valuestring;
	if (cJSON_IsNumber(v) && json_is_integer(v->valuedouble)) {
		snprintf(numbuf, JSON_NUMBUF, "%lld",
		    (long long)v->valuedouble);
		return numbuf;
	}
	return NULL;
}

/* Browser and device from additional_attributes.browser. */
static void
browser_of(struct convo_conv_fields *f, const cJSON *conv)
{
	const cJSON *b = object_member(object_member(conv,
	    "additional_attributes"), "browser");
	const char *dev = string_member(b, "device_name");

	f->browser = string_member(b, "browser_name");
	if (dev == NULL || strcmp(dev, "Unknown") == 0)
		dev = string_member(b, "platform_name");
	f->device = dev;
}

static int
conv_fields(struct cw *w, const cJSON *conv, const struct json_ctx *c)
{
	const cJSON *contact = object_member(object_member(conv, "meta"),
	    "sender");
	const cJSON *loc = object_member(contact, "additional_attributes");
	const char *status = string_member(conv, "status");
	struct convo_rec rec;
	char user[JSON_NUMBUF + 16], num[JSON_NUMBUF];
	const char *cid = id_text(contact, num);
	int rc;

	rec_for(w, &rec, CONVO_REC_CONV, CONVO_TIME_NONE, c);
	if (cid != NULL) {
		snprintf(user, sizeof(user), "chatwoot:%s", cid);
		rec.conv.user = user;
	}
	browser_of(&rec.conv, conv);
	rec.conv.city = string_member(loc, "city");
	rec.conv.country = string_member(loc, "country_code");
	if (rec.conv.country == NULL)
		rec.conv.country = string_member(loc, "country");
	if ((rc = read_time(c, conv, "created_at", &rec.conv.started_at)))
		return rc;
	if (status != NULL && strcmp(status, "resolved") == 0) {
		rec.conv.status = "ended";
		if ((rc = read_time(c, conv, "last_activity_at",
		    &rec.conv.ended_at)) != 0)
			return rc;
	}
	return w->emit ? parse_emit(w->p, &rec) : 0;
}

static int
lead(struct cw *w, const cJSON *conv, const struct json_ctx *c)
{
	const cJSON *contact = object_member(object_member(conv, "meta"),
	    "sender");
	struct convo_rec rec;
	int64_t ts;

	rec_for(w, &rec, CONVO_REC_LEAD, CONVO_TIME_NONE, c);
	rec.lead_email = string_member(contact, "email");
	rec.lead_phone = string_member(contact, "phone_number");
	if (rec.lead_email == NULL && rec.lead_phone == NULL)
		return 0;
	rec.lead_name = string_member(contact, "name");
	if (read_time(c, conv, "created_at", &ts) == 0)
		rec.ts = ts;
	return parse_emit(w->p, &rec);
}

static int
walk_messages(struct cw *w, const cJSON *msgs, struct json_ctx *c)
{
	const char *base = c->prefix;
	const cJSON *el;
	struct cmsg m;
	char prefix[96];
	int i = 0, rc = 0;

	cJSON_ArrayForEach(el, msgs) {
		snprintf(prefix, sizeof(prefix), "%smessages[%d].", base, i++);
		c->prefix = prefix;
		if ((rc = decode_msg(c, &m, el)) != 0 ||
		    (w->emit && (rc = message(w, &m, c)) != 0))
			break;
	}
	c->prefix = base;
	return rc;
}

/* Sets w->conv_id and w->source from a conversation object. */
static int
conv_identity(struct cw *w, const cJSON *conv, const struct json_ctx *c,
    char *srcbuf, size_t n)
{
	const char *ch = string_member(object_member(conv, "meta"), "channel");

	if (ch == NULL)
		ch = string_member(conv, "channel");
	if ((w->conv_id = id_text(conv, w->id_num)) == NULL)
		return json_fail(c, "'%sid' missing or not a string or an "
		    "integer", c->prefix);
	w->source = channel_source(srcbuf, n, ch);
	return 0;
}

/* A conversation object: checked whole, then handed on. */
static int
conversation(struct cw *w, const cJSON *conv, struct json_ctx *c)
{
	const cJSON *msgs = member(conv, "messages");
	char src[64];
	int rc;

	if (msgs != NULL && !cJSON_IsArray(msgs))
		return json_fail(c, "'%smessages' is %s, expected an array",
		    c->prefix, json_type_name(msgs));
	if ((rc = conv_identity(w, conv, c, src, sizeof(src))) != 0)
		return rc;
	w->emit = 0;
	if ((rc = conv_fields(w, conv, c)) != 0 ||
	    (rc = walk_messages(w, msgs, c)) != 0)
		return rc;
	w->emit = 1;
	if ((rc = conv_fields(w, conv, c)) != 0 ||
	    (rc = lead(w, conv, c)) != 0)
		return rc;
	return walk_messages(w, msgs, c);
}

/* A message on its own (a webhook event, an element of "payload"). */
static int
lone_message(struct cw *w, const cJSON *obj, struct json_ctx *c)
{
	const cJSON *conv = object_member(obj, "conversation");
	struct cmsg m;
	char src[64];
	int rc;

	if ((rc = decode_msg(c, &m, obj)) != 0)
		return rc;
	if (m.conv_id == NULL)
		return json_fail(c, "'%sconversation_id' missing", c->prefix);
	w->conv_id = m.conv_id;
	w->source = NULL;
	if (conv != NULL) {
		if ((rc = conv_identity(w, conv, c, src, sizeof(src))) != 0)
			return rc;
		w->emit = 0;
		if ((rc = conv_fields(w, conv, c)) != 0)
			return rc;
		w->emit = 1;
		if ((rc = conv_fields(w, conv, c)) != 0 ||
		    (rc = lead(w, conv, c)) != 0)
			return rc;
		w->conv_id = m.conv_id;
	}
	return message(w, &m, c);
}

static int item(struct cw *, const cJSON *, struct json_ctx *);

/*
 * The elements of a list.  With skip_bad, a bad one is skipped (it was
 * reported and counted) and the others are read.
 */
static int
items(struct cw *w, const cJSON *list, struct json_ctx *c, const char *name)
{
	const char *base = c->prefix;
	char prefix[96];
	const cJSON *el;
	int i = 0, rc = 0;

	cJSON_ArrayForEach(el, list) {
		snprintf(prefix, sizeof(prefix), "%s%s[%d].", base, name, i++);
		c->prefix = prefix;
		rc = item(w, el, c);
		if (rc == CONVO_EDATA && w->p->skip_bad)
			rc = 0;
		else if (rc != 0)
			break;
	}
	c->prefix = base;
	return rc;
}

/* What an object is: a wrapper, a conversation, a message, an event. */
static int
item(struct cw *w, const cJSON *v, struct json_ctx *c)
{
	const cJSON *data = object_member(v, "data");
	const char *ev = string_member(v, "event");

	w->emit = 1;
	if (cJSON_IsArray(member(v, "payload")))
		return items(w, member(v, "payload"), c, "payload");
	if (data != NULL && cJSON_IsArray(member(data, "payload")))
		return items(w, member(data, "payload"), c, "data.payload");
	if (member(v, "message_type") != NULL)
		return lone_message(w, v, c);
	if (member(v, "messages") != NULL || (ev != NULL &&
	    strncmp(ev, "conversation_", 13) == 0 && member(v, "id")))
		return conversation(w, v, c);
	if (ev != NULL)
		return 0;	/* an event of something else (a contact) */
	return json_fail(c, "'%s' is not a Chatwoot conversation or message",
	    *c->prefix ? c->prefix : "element");
}

static int
element(void *ctx, struct json_ctx *c, const cJSON *v, const char *text,
    size_t len)
{
	struct cw *w = ctx;

	(void)text;
	(void)len;
	if (!cJSON_IsObject(v))
		return json_fail(c, "%s is not a Chatwoot conversation or "
		    "message", json_type_name(v));
	return item(w, v, c);
}

int
parse_chatwoot(struct parser *p)
{
	struct cw w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.p = p;
	strmap_init(&w.conv);
	idset_init(&w.seen);
	rc = json_stream(p, "conversation", element, &w);
	strmap_release(&w.conv, free);
	idset_release(&w.seen);
	return rc;
}

/*
 * Sure signs within the first 64 KiB: "message_type" together with
 * "content_type" or "sender_type" or "inbox_id" (Chatwoot's own names,
 * which no other format here uses), or a channel "Channel::...", Rails'
 * name for Chatwoot's inbox types.
 */
int
parse_chatwoot_sniff(const char *head, size_t len)
{
	char *text;
	int yes;

	if (*head != '[' && *head != '{')
		return 0;
	if ((text = malloc(len + 1)) == NULL)
		return 0;
	memcpy(text, head, len);
	text[len] = '\0';
	yes = (strstr(text, "\"message_type\"") != NULL &&
	    (strstr(text, "\"content_type\"") != NULL ||
	    strstr(text, "\"sender_type\"") != NULL ||
	    strstr(text, "\"inbox_id\"") != NULL)) ||
	    strstr(text, "\"Channel::") != NULL;
	free(text);
	return yes;
}
