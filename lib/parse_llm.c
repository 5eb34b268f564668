/*
 * parse_llm.c: the llm adapter (convo-formats(5)): chat logs of large
 * language models, in four shapes, told apart for each conversation by
 * the member that holds its messages:
 *
 *	"mapping"	the ChatGPT account export (conversations.json): a
 *			tree of nodes; the thread is the path from the root
 *			to "current_node"
 *	"chat_messages"	the Claude account export (conversations.json)
 *	"conversations"	ShareGPT: [{"from": "human", "value": ...}, ...]
 *	"messages"	OpenAI chat logs, fine-tuning and eval files:
 *			[{"role": "user", "content": ...}, ...]
 *
 * The file is read by json_stream(), as conversation documents are:
 * one array of conversations (the account exports), objects one after
 * another, or JSON Lines (fine-tuning files).  A conversation is read
 * whole into a list of messages before any of its records is handed on,
 * so that one with an error hands on nothing.
 *
 * Only what a person saw in the chat is a message: system and developer
 * prompts, hidden messages, tool calls and tool results are dropped.  The
 * OpenAI and ShareGPT shapes have no times at all: their messages are put
 * one second apart from local midnight of --date, and without --date the
 * file is refused rather than stored with times made up silently.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

enum kind { K_CHATGPT, K_CLAUDE, K_SHAREGPT, K_OPENAI, K_NONE };

/* The source of each shape's conversations, and its messages' member. */
static const struct {
	const char *source;
	const char *list;
} kinds[] = {
	[K_CHATGPT] = { "chatgpt", "mapping" },
	[K_CLAUDE] = { "claude", "chat_messages" },
	[K_SHAREGPT] = { "sharegpt", "conversations" },
	[K_OPENAI] = { "openai", "messages" }
};

/* A role that is not a message: prompts, tool calls and results. */
#define ROLE_SKIP (-1)

/* The speakers' names in the four shapes, matched ignoring case. */
static const struct {
	const char *name;
	int role;
} roles[] = {
	{ "user", CONVO_ROLE_USER }, { "human", CONVO_ROLE_USER },
	{ "assistant", CONVO_ROLE_ASSISTANT }, { "gpt", CONVO_ROLE_ASSISTANT },
	{ "chatgpt", CONVO_ROLE_ASSISTANT }, { "model", CONVO_ROLE_ASSISTANT },
	{ "bing", CONVO_ROLE_ASSISTANT }, { "bard", CONVO_ROLE_ASSISTANT },
	{ "claude", CONVO_ROLE_ASSISTANT },
	{ "system", ROLE_SKIP }, { "developer", ROLE_SKIP },
	{ "tool", ROLE_SKIP }, { "function", ROLE_SKIP },
	{ "function_call", ROLE_SKIP }, { "observation", ROLE_SKIP },
	{ "ipython", ROLE_SKIP }
};

/* One message, its text kept in the conversation's buffer. */
struct lmsg {
	enum convo_role role;
	int64_t ts;
	size_t off;		/* text at text.data + off, NUL-terminated */
	size_t len;		/* 0: no text */
	const char *agent;	/* the model, when stated */
	const char *media_type;
	const char *media_name;
	const char *media_url;
};

/* A mapping node of a ChatGPT export, by id. */
struct node {
	const char *id;
	const cJSON *v;
};

/* The conversation being read; kept from one to the next for its memory. */
struct conv {
	struct json_ctx c;	/* position, id and source */
	enum kind kind;
	long index;		/* its position in the file, from 1 */
	char id[48];		/* an id made up from the content */
	const char *user;
	const char *assistant;
	int64_t started;
	int64_t last_ts;	/* the time of the message before */
	struct lmsg cur;	/* the message being read */
	struct lmsg *m;
	size_t n, cap;
	struct buf text;
	struct node *nodes;	/* ChatGPT: the mapping, sorted */
	size_t n_nodes, cap_nodes;
	const cJSON **path;	/* ChatGPT: current_node back to the root */
};

/* The member name of obj, or NULL when it is missing or null. */
static const cJSON *
get(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNull(v) ? NULL : v;
}

static int
is_true(const cJSON *obj, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/* Sets up a sub-context whose diagnostics name members path.name. */
static void
sub_ctx(struct json_ctx *sub, const struct json_ctx *c, char *path,
    size_t size, const char *fmt, ...) CONVO_PRINTF(5, 6);
static void
sub_ctx(struct json_ctx *sub, const struct json_ctx *c, char *path,
    size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, size, fmt, ap);
	va_end(ap);
	*sub = *c;
	sub->prefix = path;
}

static int
fail_type(const struct json_ctx *c, const char *name, const char *what)
{
	return json_fail(c, "'%s%s' is not %s", c->prefix, name, what);
}

/* The role of a speaker's name: a convo_role, ROLE_SKIP, or 0. */
static int
role_of(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcasecmp(s, roles[i].name) == 0)
			return roles[i].role;
	return 0;
}

/* Reads the speaker of member name; *role is 0 when it is not a message. */
static int
read_role(const struct json_ctx *c, const cJSON *obj, const char *name,
    int *role)
{
	const char *s;

	if (json_text(c, obj, name, &s, NULL) != 0)
		return CONVO_EDATA;
	if (s == NULL)
		return json_fail(c, "missing '%s%s'", c->prefix, name);
	if ((*role = role_of(s)) == 0)
		return json_fail(c, "unknown role '%.*s' in '%s%s'",
		    json_clip(s), s, c->prefix, name);
	if (*role == ROLE_SKIP)
		*role = 0;
	return 0;
}

/*
 * Building the list of messages.
 */

static void
msg_begin(struct conv *cv, enum convo_role role, int64_t ts)
{
	memset(&cv->cur, 0, sizeof(cv->cur));
	cv->cur.role = role;
	cv->cur.ts = ts;
	cv->cur.off = cv->text.len;
}

/* Adds a piece of text; pieces are joined by a newline. */
static int
msg_text(struct conv *cv, const char *s)
{
	int rc;

	if (s == NULL || *s == '\0')
		return 0;
	if (cv->cur.len > 0 && (rc = buf_addc(&cv->text, '\n')) != 0)
		return rc;
	if ((rc = buf_adds(&cv->text, s)) != 0)
		return rc;
	cv->cur.len = cv->text.len - cv->cur.off;
	return 0;
}

/* Sets the message's medium unless it has one: one medium a message. */
static void
msg_media(struct conv *cv, const char *type, const char *name,
    const char *url)
{
	if (cv->cur.media_type != NULL)
		return;
	cv->cur.media_type = type;
	cv->cur.media_name = name;
	/* An inline data: URL is the file itself, not where it is. */
	if (url != NULL && strncmp(url, "data:", 5) != 0)
		cv->cur.media_url = url;
}

/* Ends the message: kept when it has text or a medium. */
static int
msg_end(struct conv *cv)
{
	struct lmsg *m;
	size_t cap;
	int rc;

	if (cv->cur.len == 0 && cv->cur.media_type == NULL) {
		cv->text.len = cv->cur.off;	/* nothing to show: drop it */
		return 0;
	}
	if ((rc = buf_addc(&cv->text, '\0')) != 0)
		return rc;
	if (cv->n == cv->cap) {
		cap = cv->cap ? cv->cap * 2 : 64;
		if ((m = realloc(cv->m, cap * sizeof(*m))) == NULL)
			return CONVO_ENOMEM;
		cv->m = m;
		cv->cap = cap;
	}
	cv->m[cv->n++] = cv->cur;
	if (cv->cur.ts != CONVO_TIME_NONE)
		cv->last_ts = cv->cur.ts;
	return 0;
}

/* The kind of medium a MIME type or file name stands for. */
static const char *
media_kind(const char *mime, const char *name)
{
	static const char *const images[] = { ".png", ".jpg", ".jpeg",
		".gif", ".webp", ".heic", NULL };
	static const char *const audio[] = { ".mp3", ".wav", ".m4a", ".ogg",
		".webm", NULL };
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t i;

	if (mime != NULL && strncmp(mime, "image/", 6) == 0)
		return "image";
	if (mime != NULL && strncmp(mime, "audio/", 6) == 0)
		return "audio";
	for (i = 0; mime == NULL && dot != NULL && images[i] != NULL; i++)
		if (strcasecmp(dot, images[i]) == 0)
			return "image";
	for (i = 0; mime == NULL && dot != NULL && audio[i] != NULL; i++)
		if (strcasecmp(dot, audio[i]) == 0)
			return "audio";
	return "document";
}

/*
 * OpenAI content and ShareGPT values: a string, or an array of typed
 * parts ({"type": "text", "text": ...}, images, audio, files).
 */

/* The URL of an image part: "image_url": {"url": ...} or a string. */
static int
part_image(struct conv *cv, const struct json_ctx *c, const cJSON *part)
{
	const cJSON *iu = get(part, "image_url");
	struct json_ctx sub;
	const char *url = NULL;
	char path[96];

	if (cJSON_IsObject(iu)) {
		sub_ctx(&sub, c, path, sizeof(path), "%simage_url.", c->prefix);
		if (json_text(&sub, iu, "url", &url, NULL) != 0)
			return CONVO_EDATA;
	} else if (json_text(c, part, "image_url", &url, NULL) != 0)
		return CONVO_EDATA;
	msg_media(cv, "image", NULL, url);
	return 0;
}

/* The name of a file part: "file": {"filename": ...} or "filename". */
static int
part_file(struct conv *cv, const struct json_ctx *c, const cJSON *part)
{
	const cJSON *f = get(part, "file");
	struct json_ctx sub;
	const char *name = NULL;
	char path[96];

	if (cJSON_IsObject(f)) {
		sub_ctx(&sub, c, path, sizeof(path), "%sfile.", c->prefix);
		if (json_text(&sub, f, "filename", &name, NULL) != 0)
			return CONVO_EDATA;
	} else if (json_text(c, part, "filename", &name, NULL) != 0)
		return CONVO_EDATA;
	msg_media(cv, media_kind(NULL, name), name, NULL);
	return 0;
}

/* One typed part; types not listed are dropped. */
static int
part(struct conv *cv, const struct json_ctx *c, const cJSON *part)
{
	const char *type, *s;

	if (json_text(c, part, "type", &type, NULL) != 0)
		return CONVO_EDATA;
	if (type == NULL)
		return json_fail(c, "missing '%stype'", c->prefix);
	if (strcmp(type, "text") == 0 || strcmp(type, "input_text") == 0 ||
	    strcmp(type, "output_text") == 0 || strcmp(type, "refusal") == 0) {
		if (json_text(c, part, *type == 'r' ? "refusal" : "text", &s,
		    NULL) != 0)
			return CONVO_EDATA;
		return msg_text(cv, s);
	}
	if (strcmp(type, "image_url") == 0 || strcmp(type, "input_image") == 0 ||
	    strcmp(type, "image") == 0)
		return part_image(cv, c, part);
	if (strcmp(type, "input_audio") == 0 || strcmp(type, "audio") == 0)
		msg_media(cv, "audio", NULL, NULL);
	else if (strcmp(type, "file") == 0 || strcmp(type, "input_file") == 0)
		return part_file(cv, c, part);
	return 0;
}

static int
content(struct conv *cv, const struct json_ctx *c, const cJSON *obj,
    const char *name)
{
	const cJSON *v = get(obj, name), *p;
	struct json_ctx sub;
	char path[96];
	int i = 0, rc;

	if (v == NULL)
		return 0;
	if (cJSON_IsString(v))
		return msg_text(cv, v->valuestring);
	if (!cJSON_IsArray(v))
		return fail_type(c, name, "a string or an array");
	cJSON_ArrayForEach(p, v) {
		sub_ctx(&sub, c, path, sizeof(path), "%s%s[%d].", c->prefix,
		    name, i);
		if (cJSON_IsString(p))
			rc = msg_text(cv, p->valuestring);
		else if (cJSON_IsObject(p))
			rc = part(cv, &sub, p);
		else
			rc = json_fail(c, "'%s%s[%d]' is not an object",
			    c->prefix, name, i);
		if (rc != 0)
			return rc;
		i++;
	}
	return 0;
}

/*
 * OpenAI and ShareGPT: a list of {role, content} or {from, value}.  A
 * ShareGPT list may use the OpenAI names too.
 */
static int
plain_msg(struct conv *cv, const struct json_ctx *c, const cJSON *o)
{
	int sharegpt = cv->kind == K_SHAREGPT, role, rc;
	const char *who = "role", *what = "content", *s;

	if (sharegpt && cJSON_GetObjectItemCaseSensitive(o, "from") != NULL)
		who = "from";
	if (sharegpt && (*who == 'f' ||
	    cJSON_GetObjectItemCaseSensitive(o, "value") != NULL))
		what = "value";
	if (read_role(c, o, who, &role) != 0)
		return CONVO_EDATA;
	msg_begin(cv, (enum convo_role)role, CONVO_TIME_NONE);
	if (role == 0)
		return 0;	/* a prompt or a tool's: not a message */
	/* Null is a tool call's content; missing is another format's. */
	if (cJSON_GetObjectItemCaseSensitive(o, what) == NULL &&
	    get(o, "tool_calls") == NULL && get(o, "function_call") == NULL)
		return json_fail(c, "missing '%s%s'", c->prefix, what);
	/* An assistant's tool call has no content: it is dropped then. */
	if ((rc = content(cv, c, o, what)) != 0)
		return rc;
	if (cv->cur.len == 0 && cv->cur.media_type == NULL) {
		if (json_text(c, o, "refusal", &s, NULL) != 0)
			return CONVO_EDATA;
		if ((rc = msg_text(cv, s)) != 0)
			return rc;
	}
	return msg_end(cv);
}

static int
plain(struct conv *cv, const cJSON *obj)
{
	const char *list = kinds[cv->kind].list;
	const cJSON *msgs = get(obj, list), *o;
	struct json_ctx sub;
	char path[48];
	int i = 0, rc;

	if (json_text(&cv->c, obj, "id", &cv->c.conv_id, cv->c.id_num) != 0 ||
	    json_text(&cv->c, obj, "model", &cv->assistant, NULL) != 0)
		return CONVO_EDATA;
	cJSON_ArrayForEach(o, msgs) {
		sub_ctx(&sub, &cv->c, path, sizeof(path), "%s[%d].", list, i);
		if (!cJSON_IsObject(o))
			return json_fail(&cv->c, "'%s[%d]' is not an object",
			    list, i);
		if ((rc = plain_msg(cv, &sub, o)) != 0)
			return rc;
		i++;
	}
	return 0;
}

/*
 * The Claude export: {uuid, name, created_at, account: {uuid},
 * chat_messages: [{sender, text, content: [{type, text}], created_at,
 * attachments, files}]}.
 */

/* The first attachment or file, as the message's medium. */
static int
claude_files(struct conv *cv, const struct json_ctx *c, const cJSON *o)
{
	static const char *const lists[] = { "attachments", "files",
		"files_v2" };
	const cJSON *a;
	const char *name, *type = NULL;
	struct json_ctx sub;
	char path[96];
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		a = get(o, lists[i]);
		if (a != NULL && !cJSON_IsArray(a))
			return fail_type(c, lists[i], "an array");
		if ((a = cJSON_GetArrayItem(a, 0)) == NULL)
			continue;
		if (!cJSON_IsObject(a))
			return json_fail(c, "'%s%s[0]' is not an object",
			    c->prefix, lists[i]);
		sub_ctx(&sub, c, path, sizeof(path), "%s%s[0].", c->prefix,
		    lists[i]);
		if (json_text(&sub, a, "file_name", &name, NULL) != 0 ||
		    (i == 0 && json_text(&sub, a, "file_type", &type,
		    NULL) != 0))
			return CONVO_EDATA;
		msg_media(cv, media_kind(type, name), name, NULL);
		return 0;
	}
	return 0;
}

/* The text blocks of "content" (not thinking or tools), else "text". */
static int
claude_text(struct conv *cv, const struct json_ctx *c, const cJSON *o)
{
	const cJSON *blocks = get(o, "content"), *b;
	const char *type, *s;
	struct json_ctx sub;
	char path[96];
	int i = 0, rc;

	if (blocks != NULL && !cJSON_IsArray(blocks))
		return fail_type(c, "content", "an array");
	cJSON_ArrayForEach(b, blocks) {
		sub_ctx(&sub, c, path, sizeof(path), "%scontent[%d].",
		    c->prefix, i++);
		if (!cJSON_IsObject(b))
			return json_fail(c, "'%.*s' is not an object",
			    (int)strlen(path) - 1, path);
		if (json_text(&sub, b, "type", &type, NULL) != 0)
			return CONVO_EDATA;
		if (type == NULL || strcmp(type, "text") != 0)
			continue;
		if (json_text(&sub, b, "text", &s, NULL) != 0)
			return CONVO_EDATA;
		if ((rc = msg_text(cv, s)) != 0)
			return rc;
	}
	if (cv->cur.len > 0)
		return 0;
	if (json_text(c, o, "text", &s, NULL) != 0)
		return CONVO_EDATA;
	return msg_text(cv, s);
}

/* A message without a time takes the one before's, or the start. */
static int
need_time(struct conv *cv, const struct json_ctx *c, int64_t *ts,
    const char *name)
{
	if (*ts != CONVO_TIME_NONE)
		return 0;
	*ts = cv->n > 0 ? cv->last_ts : cv->started;
	if (*ts != CONVO_TIME_NONE)
		return 0;
	return json_fail(c, "missing '%s%s', and the conversation has no "
	    "time either", c->prefix, name);
}

static int
claude_msg(struct conv *cv, const struct json_ctx *c, const cJSON *o)
{
	int64_t ts;
	int role, rc;

	if (read_role(c, o, "sender", &role) != 0 ||
	    json_time(c, o, "created_at", &ts) != 0)
		return CONVO_EDATA;
	if (role == 0)
		return 0;
	if (need_time(cv, c, &ts, "created_at") != 0)
		return CONVO_EDATA;
	msg_begin(cv, (enum convo_role)role, ts);
	if ((rc = claude_text(cv, c, o)) != 0 ||
	    (rc = claude_files(cv, c, o)) != 0)
		return rc;
	return msg_end(cv);
}

static int
claude(struct conv *cv, const cJSON *obj)
{
	const cJSON *msgs = get(obj, "chat_messages"), *o;
	const cJSON *account = get(obj, "account");
	struct json_ctx sub;
	char path[48];
	int i = 0, rc;

	if (json_text(&cv->c, obj, "uuid", &cv->c.conv_id, NULL) != 0 ||
	    json_time(&cv->c, obj, "created_at", &cv->started) != 0 ||
	    json_text(&cv->c, obj, "model", &cv->assistant, NULL) != 0)
		return CONVO_EDATA;
	if (cJSON_IsObject(account)) {
		sub_ctx(&sub, &cv->c, path, sizeof(path), "account.");
		if (json_text(&sub, account, "uuid", &cv->user, NULL) != 0)
			return CONVO_EDATA;
	}
	cJSON_ArrayForEach(o, msgs) {
		sub_ctx(&sub, &cv->c, path, sizeof(path), "chat_messages[%d].",
		    i);
		if (!cJSON_IsObject(o))
			return json_fail(&cv->c,
			    "'chat_messages[%d]' is not an object", i);
		if ((rc = claude_msg(cv, &sub, o)) != 0)
			return rc;
		i++;
	}
	return 0;
}

/*
 * The ChatGPT export: {title, create_time, mapping: {node id: {message,
 * parent, children}}, current_node, conversation_id}.  Regenerated
 * answers and edited questions are branches of the tree; the thread the
 * user last saw is the path from the root to current_node.
 */

static int
node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->id,
	    ((const struct node *)b)->id);
}

static const cJSON *
node_find(const struct conv *cv, const char *id)
{
	struct node key = { id, NULL }, *n;

	if (cv->n_nodes == 0)
		return NULL;
	n = bsearch(&key, cv->nodes, cv->n_nodes, sizeof(key), node_cmp);
	return n != NULL ? n->v : NULL;
}

/* Sorts the nodes by id, for finding parents in a long thread quickly. */
static int
node_index(struct conv *cv, const cJSON *mapping)
{
	const cJSON *v;
	size_t n = (size_t)cJSON_GetArraySize(mapping), i = 0;
	void *p;

	if (n > cv->cap_nodes) {
		if ((p = realloc(cv->nodes, n * sizeof(*cv->nodes))) == NULL)
			return CONVO_ENOMEM;
		cv->nodes = p;
		if ((p = realloc(cv->path, n * sizeof(*cv->path))) == NULL)
			return CONVO_ENOMEM;
		cv->path = p;
		cv->cap_nodes = n;
	}
	cJSON_ArrayForEach(v, mapping) {
		if (!cJSON_IsObject(v))
			return json_fail(&cv->c, "'mapping.%.*s' is not an "
			    "object", json_clip(v->string), v->string);
		cv->nodes[i].id = v->string;
		cv->nodes[i++].v = v;
	}
	cv->n_nodes = i;
	if (i > 1)
		qsort(cv->nodes, i, sizeof(*cv->nodes), node_cmp);
	return 0;
}

/* Fills cv->path from current_node back to the root; returns its length. */
static int
node_path(size_t *len, struct conv *cv, const char *id)
{
	const cJSON *node, *parent;
	const char *child = NULL;

	for (*len = 0; id != NULL; (*len)++) {
		if ((node = node_find(cv, id)) == NULL && child == NULL)
			return json_fail(&cv->c, "'current_node' '%.*s' is not "
			    "in 'mapping'", json_clip(id), id);
		if (node == NULL)
			return json_fail(&cv->c, "parent '%.*s' of node '%.*s' "
			    "is not in 'mapping'", json_clip(id), id,
			    json_clip(child), child);
		if (*len == cv->n_nodes)
			return json_fail(&cv->c, "'mapping' has a cycle");
		cv->path[*len] = node;
		parent = get(node, "parent");
		if (parent != NULL && !cJSON_IsString(parent))
			return json_fail(&cv->c, "'mapping.%.*s.parent' is not "
			    "a string", json_clip(id), id);
		child = id;
		id = parent != NULL ? parent->valuestring : NULL;
	}
	return 0;
}

/* The parts of multimodal_text: text, transcripts, images and audio. */
static int
chatgpt_parts(struct conv *cv, const struct json_ctx *c, const cJSON *parts)
{
	const cJSON *p;
	const char *type, *s;

	int rc = 0;

	cJSON_ArrayForEach(p, parts) {
		if (cJSON_IsString(p))
			rc = msg_text(cv, p->valuestring);
		else if (!cJSON_IsObject(p))
			continue;
		else if (json_text(c, p, "content_type", &type, NULL) != 0)
			return CONVO_EDATA;
		else if (type == NULL)
			continue;
		else if (strcmp(type, "audio_transcription") == 0)
			rc = json_text(c, p, "text", &s, NULL) != 0 ?
			    CONVO_EDATA : msg_text(cv, s);
		else if (strcmp(type, "image_asset_pointer") == 0) {
			if (json_text(c, p, "asset_pointer", &s, NULL) != 0)
				return CONVO_EDATA;
			msg_media(cv, "image", NULL, s);
		} else if (strcmp(type, "audio_asset_pointer") == 0)
			msg_media(cv, "audio", NULL, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Text from "parts" (text, multimodal_text) or "text" (code). */
static int
chatgpt_content(struct conv *cv, const struct json_ctx *c, const cJSON *msg,
    int *shown)
{
	const cJSON *ct = get(msg, "content"), *parts;
	struct json_ctx sub;
	const char *type, *s;
	char path[96];

	*shown = 0;
	if (ct == NULL)
		return 0;
	if (!cJSON_IsObject(ct))
		return fail_type(c, "content", "an object");
	sub_ctx(&sub, c, path, sizeof(path), "%scontent.", c->prefix);
	if (json_text(&sub, ct, "content_type", &type, NULL) != 0)
		return CONVO_EDATA;
	parts = get(ct, "parts");
	if (parts != NULL && !cJSON_IsArray(parts))
		return fail_type(&sub, "parts", "an array");
	*shown = 1;
	if (type != NULL && (strcmp(type, "text") == 0 ||
	    strcmp(type, "multimodal_text") == 0))
		return chatgpt_parts(cv, &sub, parts);
	if (type != NULL && strcmp(type, "code") == 0) {
		if (json_text(&sub, ct, "text", &s, NULL) != 0)
			return CONVO_EDATA;
		return msg_text(cv, s);
	}
	/* thoughts, browsing results, execution output, context, ... */
	*shown = 0;
	return 0;
}

/* An upload named in metadata.attachments, if no part showed one. */
static int
chatgpt_attachment(struct conv *cv, const struct json_ctx *c,
    const cJSON *meta)
{
	const cJSON *list = get(meta, "attachments"), *a;
	const char *name, *mime;

	a = cJSON_IsArray(list) ? cJSON_GetArrayItem(list, 0) : NULL;
	if (!cJSON_IsObject(a))
		return 0;
	if (json_text(c, a, "name", &name, NULL) != 0 ||
	    json_text(c, a, "mime_type", &mime, NULL) != 0)
		return CONVO_EDATA;
	msg_media(cv, media_kind(mime, name), name, NULL);
	return 0;
}

/*
 * Whether a ChatGPT message is a message: a user's or the assistant's,
 * not hidden, and for the assistant addressed to the user ("all"), not
 * to a tool.
 */
static int
chatgpt_shown(const struct json_ctx *c, const cJSON *msg, int *role)
{
	const cJSON *author = get(msg, "author"), *meta = get(msg, "metadata");
	struct json_ctx sub;
	const char *to;
	char path[96];

	if (!cJSON_IsObject(author))
		return json_fail(c, "missing '%sauthor'", c->prefix);
	sub_ctx(&sub, c, path, sizeof(path), "%sauthor.", c->prefix);
	if (read_role(&sub, author, "role", role) != 0 ||
	    json_text(c, msg, "recipient", &to, NULL) != 0)
		return CONVO_EDATA;
	if (to != NULL && strcmp(to, "all") != 0)
		*role = 0;
	if (is_true(meta, "is_visually_hidden_from_conversation") ||
	    is_true(meta, "is_user_system_message"))
		*role = 0;
	return 0;
}

static int
chatgpt_msg(struct conv *cv, const cJSON *node)
{
	const cJSON *msg = get(node, "message"), *meta;
	struct json_ctx c;
	const char *slug;
	char path[96];
	int64_t ts;
	int role, shown, rc;

	if (msg == NULL)
		return 0;	/* the root often has none */
	sub_ctx(&c, &cv->c, path, sizeof(path), "mapping.%.*s.message.",
	    json_clip(node->string), node->string);
	if (!cJSON_IsObject(msg))
		return json_fail(&cv->c, "'%.*s' is not an object",
		    (int)strlen(path) - 1, path);
	if (chatgpt_shown(&c, msg, &role) != 0)
		return CONVO_EDATA;
	if (role == 0)
		return 0;
	meta = get(msg, "metadata");
	if (json_time(&c, msg, "create_time", &ts) != 0 ||
	    need_time(cv, &c, &ts, "create_time") != 0 ||
	    json_text(&c, meta, "model_slug", &slug, NULL) != 0)
		return CONVO_EDATA;
	msg_begin(cv, (enum convo_role)role, ts);
	if ((rc = chatgpt_content(cv, &c, msg, &shown)) != 0)
		return rc;
	if (!shown) {
		cv->text.len = cv->cur.off;
		return 0;
	}
	if (chatgpt_attachment(cv, &c, meta) != 0)
		return CONVO_EDATA;
	cv->cur.agent = role == CONVO_ROLE_ASSISTANT ? slug : NULL;
	if (cv->assistant == NULL)
		cv->assistant = cv->cur.agent;
	return msg_end(cv);
}

static int
chatgpt(struct conv *cv, const cJSON *obj)
{
	const char *cur;
	size_t len, i;
	int rc;

	if (json_text(&cv->c, obj, "conversation_id", &cv->c.conv_id,
	    NULL) != 0 || (cv->c.conv_id == NULL &&
	    json_text(&cv->c, obj, "id", &cv->c.conv_id, NULL) != 0) ||
	    json_time(&cv->c, obj, "create_time", &cv->started) != 0 ||
	    json_text(&cv->c, obj, "default_model_slug", &cv->assistant,
	    NULL) != 0 ||
	    json_text(&cv->c, obj, "current_node", &cur, NULL) != 0)
		return CONVO_EDATA;
	if (cur == NULL)
		return json_fail(&cv->c, "missing 'current_node'");
	if ((rc = node_index(cv, get(obj, "mapping"))) != 0 ||
	    (rc = node_path(&len, cv, cur)) != 0)
		return rc;
	for (i = len; i > 0; i--)
		if ((rc = chatgpt_msg(cv, cv->path[i - 1])) != 0)
			return rc;
	return 0;
}

/*
 * A conversation.
 */

/* Which shape obj is, by the member that holds its messages. */
static enum kind
kind_of(const cJSON *obj)
{
	if (cJSON_IsObject(get(obj, "mapping")))
		return K_CHATGPT;
	if (cJSON_IsArray(get(obj, "chat_messages")))
		return K_CLAUDE;
	if (cJSON_IsArray(get(obj, "conversations")))
		return K_SHAREGPT;
	if (cJSON_IsArray(get(obj, "messages")))
		return K_OPENAI;
	return K_NONE;
}

/*
 * An id for a conversation whose export has none: its source, then a
 * hash of its position in the file and its first message, so that
 * importing the file again, or a longer copy of it, finds it again.
 */
static void
make_id(struct conv *cv)
{
	const struct lmsg *m = &cv->m[0];
	const char *role = role_name(m->role);
	char num[24];
	uint64_t h;

	snprintf(num, sizeof(num), "%ld", cv->index);
	h = hash64(HASH64_INIT, num, strlen(num) + 1);
	h = hash64(h, role, strlen(role) + 1);
	if (m->len > 0)
		h = hash64(h, cv->text.data + m->off, m->len);
	if (m->media_name != NULL)
		h = hash64(h, m->media_name, strlen(m->media_name));
	snprintf(cv->id, sizeof(cv->id), "%s-%016llx",
	    kinds[cv->kind].source, (unsigned long long)h);
	cv->c.conv_id = cv->id;
}

static const char *const no_date =
    "%s chat logs have no timestamps: give their day with --date";

/* OpenAI and ShareGPT: one second apart from --date. */
static int
date_times(struct conv *cv, int64_t date)
{
	size_t i;

	if (date == CONVO_TIME_NONE)
		return json_fail(&cv->c, no_date, kinds[cv->kind].source);

	for (i = 0; i < cv->n; i++) {
		cv->m[i].ts = date + (int64_t)i * 1000;
		if (cv->m[i].ts >= CONVO_TIME_MAX)
			return json_fail(&cv->c, "message %zu would be dated "
			    "after 2099", i + 1);
	}
	return 0;
}

static int
emit(struct conv *cv)
{
	struct convo_rec rec;
	const struct lmsg *m;
	size_t i;
	int rc;

	json_rec_init(&cv->c, &rec, CONVO_REC_CONV);
	rec.conv.user = cv->user;
	rec.conv.assistant = cv->assistant;
	rec.conv.started_at = cv->started;
	rec.ts = cv->started;
	if ((rc = parse_emit(cv->c.p, &rec)) != 0)
		return rc;
	for (i = 0; i < cv->n; i++) {
		m = &cv->m[i];
		json_rec_init(&cv->c, &rec, CONVO_REC_MSG);
		rec.ts = rec.msg.ts = m->ts;
		rec.msg.role = m->role;
		rec.msg.text = m->len > 0 ? cv->text.data + m->off : NULL;
		rec.msg.text_len = m->len;
		rec.msg.agent = m->agent;
		rec.msg.media_type = m->media_type;
		rec.msg.media_name = m->media_name;
		rec.msg.media_url = m->media_url;
		if ((rc = parse_emit(cv->c.p, &rec)) != 0)
			return rc;
	}
	return 0;
}

static void
conv_reset(struct conv *cv, const struct json_ctx *c)
{
	cv->c = *c;
	cv->index++;
	cv->user = cv->assistant = NULL;
	cv->started = cv->last_ts = CONVO_TIME_NONE;
	cv->n = 0;
	buf_reset(&cv->text);
}

static int
read_conv(struct conv *cv, const cJSON *v)
{
	if (!cJSON_IsObject(v))
		return json_fail(&cv->c, "expected a conversation object, not "
		    "%s", json_type_name(v));
	switch (cv->kind = kind_of(v)) {
	case K_CHATGPT:
		return chatgpt(cv, v);
	case K_CLAUDE:
		return claude(cv, v);
	case K_SHAREGPT:
	case K_OPENAI:
		return plain(cv, v);
	case K_NONE:
		break;
	}
	return json_fail(&cv->c, "not an LLM chat log: no 'messages', "
	    "'conversations' or 'chat_messages' array or 'mapping' object");
}

/* Takes one value of the file's top level (json_stream()). */
static int
one(void *ctx, struct json_ctx *c, const cJSON *v, const char *text,
    size_t len)
{
	struct conv *cv = ctx;
	struct parser *p = c->p;
	int rc;

	(void)text;
	(void)len;
	conv_reset(cv, c);
	if ((rc = read_conv(cv, v)) != 0)
		return rc;
	if (cv->n == 0)
		return 0;	/* nothing anyone saw: no conversation */
	cv->c.source = kinds[cv->kind].source;
	if (cv->c.conv_id != NULL && *cv->c.conv_id == '\0')
		return json_fail(&cv->c, "empty conversation id");
	if (cv->c.conv_id == NULL)
		make_id(cv);
	if ((cv->kind == K_OPENAI || cv->kind == K_SHAREGPT) &&
	    (rc = date_times(cv, p->date)) != 0)
		return rc;
	return emit(cv);
}

/*
 * Detection.  The first 64 KiB are skimmed -- strings and brackets only,
 * nothing parsed -- for the member names of the first conversation and
 * of its first message.  The head may end anywhere: what was seen by then
 * decides.
 */

/* Member names that tell the shapes apart. */
enum {
	N_MAPPING = 1 << 0,	/* conversation: "mapping": { */
	N_CHAT_MESSAGES = 1 << 1,	/* "chat_messages": [ */
	N_CONVERSATIONS = 1 << 2,	/* "conversations": [ */
	N_MESSAGES = 1 << 3,	/* "messages": [ */
	N_CHATGPT = 1 << 4,	/* "title", "create_time", "current_node" */
	N_ROLE = 1 << 8,	/* first message: "role" */
	N_CONTENT = 1 << 9,	/* "content" */
	N_FROM = 1 << 10,	/* "from" */
	N_VALUE = 1 << 11,	/* "value" */
	N_NATIVE = 1 << 12	/* "ts", "text", "message_type": not ours */
};

static const struct {
	const char *name;
	unsigned bit;
	char opens;		/* the value must open with this, or 0 */
} conv_names[] = {
	{ "mapping", N_MAPPING, '{' },
	{ "chat_messages", N_CHAT_MESSAGES, '[' },
	{ "conversations", N_CONVERSATIONS, '[' },
	{ "messages", N_MESSAGES, '[' },
	{ "title", N_CHATGPT, 0 },
	{ "create_time", N_CHATGPT, 0 },
	{ "current_node", N_CHATGPT, 0 },
	{ "conversation_id", N_CHATGPT, 0 }
}, msg_names[] = {
	{ "role", N_ROLE, 0 },
	{ "content", N_CONTENT, 0 },
	{ "from", N_FROM, 0 },
	{ "value", N_VALUE, 0 },
	{ "ts", N_NATIVE, 0 },
	{ "text", N_NATIVE, 0 },
	{ "message_type", N_NATIVE, 0 }
};

struct skim {
	const char *s;
	size_t n, i;
	unsigned seen;		/* N_* */
	int depth;
};

#define SKIM_DEPTH 64

static void
sk_space(struct skim *k)
{
	while (k->i < k->n && (unsigned char)k->s[k->i] <= ' ')
		k->i++;
}

/* The next byte after white space, or -1 at the end. */
static int
sk_peek(struct skim *k)
{
	sk_space(k);
	return k->i < k->n ? (unsigned char)k->s[k->i] : -1;
}

/* A string, escapes left as they are; -1 when the head ends in it. */
static int
sk_string(struct skim *k, const char **s, size_t *len)
{
	size_t start;

	if (sk_peek(k) != '"')
		return -1;
	start = ++k->i;
	while (k->i < k->n && k->s[k->i] != '"')
		k->i += k->s[k->i] == '\\' ? 2 : 1;
	if (k->i >= k->n)
		return -1;
	*s = k->s + start;
	*len = k->i++ - start;
	return 0;
}

static int sk_skip(struct skim *k);

/* The rest of an array after its first element: ", value" ... "]". */
static int
sk_rest(struct skim *k)
{
	int c;

	while ((c = sk_peek(k)) == ',') {
		k->i++;
		if (sk_skip(k) != 0)
			return -1;
	}
	if (c != ']')
		return -1;
	k->i++;
	return 0;
}

enum { AT_ANY, AT_CONV, AT_MSG };

static int sk_object(struct skim *k, int at);

/* Skims any value; objects in it are not looked into. */
static int
sk_skip(struct skim *k)
{
	const char *s;
	size_t len;
	int c = sk_peek(k);

	if (c == '{')
		return sk_object(k, AT_ANY);
	if (c == '"')
		return sk_string(k, &s, &len);
	if (c == '[') {
		if (++k->depth > SKIM_DEPTH)
			return -1;
		k->i++;
		if (sk_peek(k) == ']') {
			k->i++;
			k->depth--;
			return 0;
		}
		if (sk_skip(k) != 0 || sk_rest(k) != 0)
			return -1;
		k->depth--;
		return 0;
	}
	if (c < 0 || strchr(",:]}", c) != NULL)
		return -1;
	while (k->i < k->n && (unsigned char)k->s[k->i] > ' ' &&
	    strchr(",:]}", k->s[k->i]) == NULL)
		k->i++;
	return 0;
}

/* A list of messages: its first element is looked into. */
static int
sk_list(struct skim *k)
{
	int c;

	k->i++;
	if ((c = sk_peek(k)) == ']') {
		k->i++;
		return 0;
	}
	if ((c == '{' ? sk_object(k, AT_MSG) : sk_skip(k)) != 0)
		return -1;
	return sk_rest(k);
}

/* The value of member name (len bytes) of an object skimmed at at. */
static int
sk_member(struct skim *k, int at, const char *name, size_t len)
{
	size_t i, n = at == AT_CONV ? sizeof(conv_names) /
	    sizeof(conv_names[0]) : sizeof(msg_names) / sizeof(msg_names[0]);
	int c = sk_peek(k);

	for (i = 0; at != AT_ANY && i < n; i++) {
		const char *want = at == AT_CONV ? conv_names[i].name :
		    msg_names[i].name;
		char opens = at == AT_CONV ? conv_names[i].opens : 0;

		if (strlen(want) != len || memcmp(want, name, len) != 0 ||
		    (opens != 0 && c != opens))
			continue;
		k->seen |= at == AT_CONV ? conv_names[i].bit :
		    msg_names[i].bit;
		if (at == AT_CONV && (conv_names[i].bit &
		    (N_MESSAGES | N_CONVERSATIONS)) != 0)
			return sk_list(k);
	}
	return sk_skip(k);
}

static int
sk_object(struct skim *k, int at)
{
	const char *name;
	size_t len;
	int c;

	if (++k->depth > SKIM_DEPTH)
		return -1;
	k->i++;
	if ((c = sk_peek(k)) == '}') {
		k->i++;
		k->depth--;
		return 0;
	}
	for (;;) {
		if (sk_string(k, &name, &len) != 0 || sk_peek(k) != ':')
			return -1;
		k->i++;
		if (sk_member(k, at, name, len) != 0)
			return -1;
		if ((c = sk_peek(k)) == '}')
			break;
		if (c != ',')
			return -1;
		k->i++;
	}
	k->i++;
	k->depth--;
	return 0;
}

/*
 * Skims the first conversation of head; returns its shape, or K_NONE.
 * *off is set to where it starts.
 */
static enum kind
skim(const char *head, size_t len, size_t *off)
{
	struct skim k;
	unsigned n;

	memset(&k, 0, sizeof(k));
	k.s = head;
	k.n = len;
	if (sk_peek(&k) == '[') {
		k.i++;
		sk_peek(&k);
	}
	*off = k.i;
	if (k.i >= len || head[k.i] != '{')
		return K_NONE;
	sk_object(&k, AT_CONV);
	n = k.seen;
	if ((n & N_MAPPING) && (n & N_CHATGPT))
		return K_CHATGPT;
	if (n & N_CHAT_MESSAGES)
		return K_CLAUDE;
	if (n & N_NATIVE)
		return K_NONE;
	if ((n & N_CONVERSATIONS) && (((n & N_FROM) && (n & N_VALUE)) ||
	    ((n & N_ROLE) && (n & N_CONTENT))))
		return K_SHAREGPT;
	if ((n & N_MESSAGES) && (n & N_ROLE) && (n & N_CONTENT))
		return K_OPENAI;
	return K_NONE;
}

int
parse_llm_sniff(const char *head, size_t len)
{
	size_t off;

	return skim(head, len, &off) != K_NONE;
}

/*
 * A file without times and without --date is refused at once, with one
 * diagnostic where its first conversation starts, rather than once for
 * each of its conversations.
 */
static int
dateless(struct parser *p)
{
	const char *head;
	size_t len, off, bom, i;
	long line = 1, col = 1;
	enum kind k;
	int rc;

	if ((rc = reader_peek(p->rd, &head, &len, 64u << 10)) != 0)
		return rc;
	bom = len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	k = skim(head + bom, len - bom, &off);
	if (k != K_OPENAI && k != K_SHAREGPT)
		return 0;
	for (i = bom; i < bom + off; i++, col++)
		if (head[i] == '\n') {
			line++;
			col = 0;
		}
	return parse_error(p, line, col, no_date, kinds[k].source);
}

int
parse_llm(struct parser *p)
{
	struct conv cv;
	int rc;

	if (p->date == CONVO_TIME_NONE && (rc = dateless(p)) != 0)
		return rc;
	memset(&cv, 0, sizeof(cv));
	buf_init(&cv.text, 2 * (size_t)CONVO_MAX_RECORD);
	rc = json_stream(p, "conversation", one, &cv);
	buf_release(&cv.text);
	free(cv.m);
	free(cv.nodes);
	free(cv.path);
	return rc;
}
