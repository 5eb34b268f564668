/*
 * json.h: helpers private to the two JSON parsers (parse_json.c and
 * parse_events.c): parsing one JSON text into a cJSON tree with a
 * positioned diagnostic, and converting cJSON objects to records.
 *
 * Strings put into records are borrowed from the cJSON tree (or from the
 * json_ctx, for numbers written as text), so a record is valid while both
 * live.  Member names are case-sensitive; unknown members are ignored.
 * JSON null means "not stated" everywhere.
 */
#ifndef CONVO_JSON_H
#define CONVO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "internal.h"

/* Room for an integer written as text: at most 2^53 and a sign. */
#define JSON_NUMBUF 24

/* Why json_parse() failed. */
struct json_error {
	size_t off;		/* byte offset of the error in the text */
	char msg[96];		/* "expected ',' or '}'", ... */
};

/*
 * Parses text (len bytes, need not be NUL-terminated) as exactly one JSON
 * value, white space around it allowed.  Returns the tree, which the
 * caller deletes with cJSON_Delete(), or NULL with *err filled in; an
 * error at the end of the text says "unexpected end of <end_name>".
 * Out of memory also shows as "malformed JSON".
 */
cJSON *json_parse(struct json_error *err, const char *text, size_t len,
    const char *end_name);

/*
 * Maps byte offset off of text, whose first byte is at line0:col0 of the
 * file and which holds '\n' between lines, to a 1-based line and column.
 */
void json_position(long *line, long *col, const char *text, size_t off,
    long line0, long col0);

/* "an object", "a number", ...: the type of a value, for diagnostics. */
const char *json_type_name(const cJSON *v);

/*
 * The state of converting one object to records.  Diagnostics are
 * reported at line:col, and name members by their path from the
 * object: prefix + name ("messages[3].ts").
 */
struct json_ctx {
	struct parser *p;
	long line;		/* where the object starts */
	long col;
	int emit;		/* 1: hand records on; 0: only check */
	const char *prefix;	/* path of the part being read, "" at top */
	const char *conv_id;	/* the conversation's id, once known */
	const char *source;	/* its channel, or NULL */
	int64_t ts;		/* the event's time, or CONVO_TIME_NONE */
	char id_num[JSON_NUMBUF];	/* a numeric id as text */
	char user_num[JSON_NUMBUF];	/* a numeric user as text */
	char phone_num[JSON_NUMBUF];	/* a numeric phone as text */
};

/* Sets c up for an object that starts at line:col. */
void json_ctx_init(struct json_ctx *c, struct parser *p, long line,
    long col);

/*
 * The length of s cut to JSON_CLIP bytes at a character boundary, for
 * quoting input in diagnostics with "%.*s".
 */
#define JSON_CLIP 40
int json_clip(const char *s);

/* Reports an error at the object's position; returns CONVO_EDATA. */
int json_fail(const struct json_ctx *c, const char *fmt, ...)
    CONVO_PRINTF(2, 3);

/* Whether d is an integer that a double holds exactly (|d| <= 2^53). */
int json_is_integer(double d);

/*
 * Member getters.  Each returns 0 or CONVO_EDATA (reported), and sets
 * *out to "not stated" when the member is missing or null.
 *
 * json_text: a string; when numbuf is not NULL an integer is accepted
 * too and written there as decimal text.
 * json_time: a timestamp string or epoch number (convo.h).
 * json_csat: an integer 1..5, 0 when not stated.
 */
int json_text(const struct json_ctx *c, const cJSON *obj, const char *name,
    const char **out, char *numbuf);
int json_time(const struct json_ctx *c, const cJSON *obj, const char *name,
    int64_t *out);
int json_csat(const struct json_ctx *c, const cJSON *obj, const char *name,
    int *out);
/* A non-negative integer, or CONVO_NUM_NONE. */
int json_count(const struct json_ctx *c, const cJSON *obj,
    const char *name, int64_t *out);

/* "direct", "up", ...: a name from the model's list, or NONE. */
int json_handover(const struct json_ctx *c, const cJSON *obj,
    const char *name, enum convo_handover *out);
int json_feedback(const struct json_ctx *c, const cJSON *obj,
    const char *name, enum convo_feedback *out);

/* Fills rec's conv_id, source and line from c. */
void json_rec_init(const struct json_ctx *c, struct convo_rec *rec,
    enum convo_rec_kind kind);

/* Converts a message object; "ts" and "role" are required. */
int json_msg(const struct json_ctx *c, struct convo_msg_fields *m,
    const cJSON *obj);

/* Reads "name", "email" and "phone" into rec's lead fields. */
int json_lead(struct json_ctx *c, struct convo_rec *rec, const cJSON *obj);

/*
 * Sets rec->var_value from v: a string as it is, null as NULL, anything
 * else as its JSON text, which is then malloc'd into *owned for the caller
 * to free with cJSON_free() (only when c->emit; else the text is NULL).
 */
int json_var_text(const struct json_ctx *c, struct convo_rec *rec,
    const cJSON *v, char **owned);

/*
 * Converts a whole conversation object: checks all of it first, then
 * hands on its records, so that a conversation with any error hands on
 * nothing.  The id is read from "id" unless c->conv_id is already set
 * (a "start" event); c->ts, when set, is the records' time and the
 * default start.
 */
int json_conversation(struct json_ctx *c, const cJSON *obj);

/*
 * parse_json.c: the streaming reader of parse_json(), for the adapters
 * that read JSON documents too.  Each top-level value (an element of a
 * top-level array, or an object of a file of objects or of JSON Lines)
 * is parsed on its own and handed to fn with c set up where it starts
 * and its text (len bytes, lines joined by '\n'), so fn can place what
 * is inside it.  fn returns as a parser does: CONVO_EDATA for a bad
 * value (reported), which skip_bad skips.  what names a value in
 * diagnostics ("conversation", "tracker").
 */
typedef int (*json_value_fn)(void *ctx, struct json_ctx *c, const cJSON *v,
    const char *text, size_t len);
int json_stream(struct parser *p, const char *what, json_value_fn fn,
    void *ctx);

#endif /* CONVO_JSON_H */
