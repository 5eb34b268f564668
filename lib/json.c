/*
 * json.c: what the two JSON parsers share: parsing one JSON text with
 * cJSON and, when that fails, finding what was wrong and where; and
 * converting cJSON conversation, message, lead and variable objects to
 * records (model.md).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json.h"

/*
 * Syntax diagnosis.  cJSON says only where it stopped, and for some
 * errors that is a byte or two off, so a failed text is scanned again by
 * the small state machine below, which knows what the grammar allows next
 * and so can say "expected ',' or '}'".  It does not look inside strings,
 * numbers or literals; cJSON's position is used for those.
 */

/* What the grammar allows next. */
enum expect {
	X_VALUE,		/* a value */
	X_VALUE_OR_CLOSE,	/* a value or ']', after '[' */
	X_KEY,			/* a member name, after ',' in an object */
	X_KEY_OR_CLOSE,		/* a member name or '}', after '{' */
	X_COLON,		/* ':', after a member name */
	X_AFTER			/* ',' or a bracket; nothing at the top */
};

struct scan {
	char open[CJSON_NESTING_LIMIT];	/* brackets, innermost last */
	size_t depth;
	enum expect expect;
	int in_str;		/* inside a string */
	int esc;		/* after a backslash in a string */
	int key;		/* the string is a member name */
	int in_lit;		/* inside a number, true, false or null */
};

static int
wants_value(const struct scan *s)
{
	return s->expect == X_VALUE || s->expect == X_VALUE_OR_CLOSE;
}

static int
is_lit(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* What the grammar wanted where the scan found something else. */
static const char *
expected(const struct scan *s)
{
	switch (s->expect) {
	case X_VALUE:
		return "expected a value";
	case X_VALUE_OR_CLOSE:
		return "expected a value or ']'";
	case X_KEY:
		return "expected a member name";
	case X_KEY_OR_CLOSE:
		return "expected a member name or '}'";
	case X_COLON:
		return "expected ':'";
	case X_AFTER:
		break;
	}
	if (s->depth == 0)
		return "unexpected text after the JSON value";
	if (s->open[s->depth - 1] == '{')
		return "expected ',' or '}'";
	return "expected ',' or ']'";
}

static const char *
scan_open(struct scan *s, unsigned char c)
{
	if (!wants_value(s))
		return expected(s);
	/* cJSON refuses deeper nesting. */
	if (s->depth == CJSON_NESTING_LIMIT)
		return "nested too deeply";
	s->open[s->depth++] = (char)c;
	s->expect = c == '{' ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
	return NULL;
}

static const char *
scan_close(struct scan *s, unsigned char c)
{
	char opener = c == '}' ? '{' : '[';

	if (s->expect == (c == '}' ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE) ||
	    (s->expect == X_AFTER && s->depth > 0 &&
	    s->open[s->depth - 1] == opener)) {
		s->depth--;
		s->expect = X_AFTER;
		return NULL;
	}
	return expected(s);
}

static const char *
scan_punct(struct scan *s, unsigned char c)
{
	if (c == ':') {
		if (s->expect != X_COLON)
			return expected(s);
		s->expect = X_VALUE;
	} else if (c == ',') {
		if (s->expect != X_AFTER || s->depth == 0)
			return expected(s);
		s->expect = s->open[s->depth - 1] == '{' ? X_KEY : X_VALUE;
	} else {
		if (s->expect == X_KEY || s->expect == X_KEY_OR_CLOSE)
			s->key = 1;
		else if (wants_value(s))
			s->key = 0;
		else
			return expected(s);
		s->in_str = 1;
	}
	return NULL;
}

/* Takes one byte; returns NULL, or what is wrong with it. */
static const char *
scan_step(struct scan *s, unsigned char c)
{
	if (s->in_str) {
		if (s->esc)
			s->esc = 0;
		else if (c == '\\')
			s->esc = 1;
		else if (c == '"') {
			s->in_str = 0;
			s->expect = s->key ? X_COLON : X_AFTER;
		}
		return NULL;
	}
	if (s->in_lit && is_lit(c))
		return NULL;
	s->in_lit = 0;
	if (c <= ' ')		/* what cJSON skips as white space */
		return NULL;
	if (c == '{' || c == '[')
		return scan_open(s, c);
	if (c == '}' || c == ']')
		return scan_close(s, c);
	if (c == ':' || c == ',' || c == '"')
		return scan_punct(s, c);
	if (!wants_value(s) || strchr("-0123456789tfn", c) == NULL)
		return expected(s);
	s->in_lit = 1;
	s->expect = X_AFTER;
	return NULL;
}

/* What is wrong at offset e, where cJSON stopped, if the scan can tell. */
static const char *
scan_blame(const struct scan *s, const char *text, size_t len, size_t e)
{
	unsigned char c = (unsigned char)text[e];

	if (s->in_str)
		return c == '\\' && !s->esc && e + 1 < len ?
		    "invalid escape in string" : NULL;
	if (s->in_lit && is_lit(c))
		return expected(s);	/* a number went on too long */
	if (!wants_value(s))
		return NULL;
	if (c == 't' || c == 'f' || c == 'n')
		return "invalid literal";
	if (c == '-' || (c >= '0' && c <= '9'))
		return "invalid number";
	return NULL;
}

static int
incomplete(const struct scan *s)
{
	return s->in_str || s->depth > 0 || s->expect != X_AFTER;
}

static void
set_error(struct json_error *err, size_t off, const char *msg)
{
	err->off = off;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static void
set_end(struct json_error *err, const struct scan *s, size_t len,
    const char *end_name)
{
	const char *what = NULL;

	if (s->in_str)
		what = "string";
	else if (s->depth > 0)
		what = s->open[s->depth - 1] == '{' ? "object" : "array";
	err->off = len;
	if (what == NULL)
		snprintf(err->msg, sizeof(err->msg), "unexpected end of %s",
		    end_name);
	else
		snprintf(err->msg, sizeof(err->msg),
		    "unexpected end of %s, %s not closed", end_name, what);
}

static void
diagnose(struct json_error *err, const char *text, size_t len, size_t e,
    const char *end_name)
{
	struct scan s;
	const char *blame = NULL, *bad = NULL;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.expect = X_VALUE;
	for (i = 0; i < len; i++) {
		if (i == e)
			blame = scan_blame(&s, text, len, e);
		if ((bad = scan_step(&s, (unsigned char)text[i])) != NULL)
			break;
	}
	/*
	 * cJSON reports running out of text as an error on the last byte;
	 * say that the text ended too soon instead.
	 */
	if (bad == NULL && incomplete(&s) && e + 1 >= len)
		set_end(err, &s, len, end_name);
	else if (blame != NULL && e <= i)
		set_error(err, e, blame);
	else if (bad != NULL)
		set_error(err, i, bad);
	else if (incomplete(&s))
		set_end(err, &s, len, end_name);
	else
		set_error(err, e < len ? e : 0, "malformed JSON");
}

cJSON *
json_parse(struct json_error *err, const char *text, size_t len,
    const char *end_name)
{
	const char *end = NULL;
	cJSON *v;
	size_t i;

	set_error(err, 0, "malformed JSON");
	v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (v == NULL) {
		diagnose(err, text, len, end != NULL ? (size_t)(end - text) : 0,
		    end_name);
		return NULL;
	}
	for (i = (size_t)(end - text); i < len; i++)
		if ((unsigned char)text[i] > ' ')
			break;
	if (i == len)
		return v;
	cJSON_Delete(v);
	set_error(err, i, "unexpected text after the JSON value");
	return NULL;
}

void
json_position(long *line, long *col, const char *text, size_t off,
    long line0, long col0)
{
	size_t i, bol = 0;

	*line = line0;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	}
	*col = (long)(off - bol) + (*line == line0 ? col0 : 1);
}

const char *
json_type_name(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	return "null";
}

/*
 * Converting objects to records.
 */

/* A string member stored in a const char * field of a struct. */
struct str_field {
	const char *name;
	size_t off;
};

static const struct str_field conv_strings[] = {
	{ "assistant", offsetof(struct convo_conv_fields, assistant) },
	{ "device", offsetof(struct convo_conv_fields, device) },
	{ "browser", offsetof(struct convo_conv_fields, browser) },
	{ "end_reason", offsetof(struct convo_conv_fields, end_reason) },
	{ NULL, 0 }
};

static const struct str_field location_fields[] = {
	{ "country", offsetof(struct convo_conv_fields, country) },
	{ "region", offsetof(struct convo_conv_fields, region) },
	{ "city", offsetof(struct convo_conv_fields, city) },
	{ NULL, 0 }
};

static const struct str_field msg_strings[] = {
	{ "text", offsetof(struct convo_msg_fields, text) },
	{ "intent", offsetof(struct convo_msg_fields, intent) },
	{ "agent", offsetof(struct convo_msg_fields, agent) },
	{ NULL, 0 }
};

static const struct str_field click_fields[] = {
	{ "type", offsetof(struct convo_msg_fields, click_type) },
	{ "title", offsetof(struct convo_msg_fields, click_title) },
	{ "target", offsetof(struct convo_msg_fields, click_target) },
	{ NULL, 0 }
};

static const struct str_field media_fields[] = {
	{ "type", offsetof(struct convo_msg_fields, media_type) },
	{ "name", offsetof(struct convo_msg_fields, media_name) },
	{ "url", offsetof(struct convo_msg_fields, media_url) },
	{ NULL, 0 }
};

void
json_ctx_init(struct json_ctx *c, struct parser *p, long line, long col)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->line = line;
	c->col = col;
	c->emit = 1;
	c->prefix = "";
	c->ts = CONVO_TIME_NONE;
}

void
json_rec_init(const struct json_ctx *c, struct convo_rec *rec,
    enum convo_rec_kind kind)
{
	rec_init(rec, kind);
	rec->line = c->line;
	rec->conv_id = c->conv_id;
	rec->source = c->source;
}

int
json_fail(const struct json_ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return parse_error(c->p, c->line, c->col, "%s", msg);
}

int
json_clip(const char *s)
{
	size_t n = strnlen(s, JSON_CLIP + 1);

	if (n <= JSON_CLIP)
		return (int)n;
	/* Cut before the character that s[JSON_CLIP] is part of. */
	n = JSON_CLIP;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

static int
fail_type(const struct json_ctx *c, const char *name, const char *what)
{
	return json_fail(c, "'%s%s' is not %s", c->prefix, name, what);
}

static int
fail_value(const struct json_ctx *c, const char *what, const char *name,
    const char *value)
{
	if (*c->prefix == '\0')
		return json_fail(c, "unknown %s '%.*s'", what,
		    json_clip(value), value);
	return json_fail(c, "unknown %s '%.*s' in '%s%s'", what,
	    json_clip(value), value, c->prefix, name);
}

/* The member name of obj, or NULL when it is missing or null. */
static const cJSON *
member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNull(v) ? NULL : v;
}

/* Whether d is an integer that a double holds exactly. */
int
json_is_integer(double d)
{
	return d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
	    d == (double)(int64_t)d;
}

int
json_text(const struct json_ctx *c, const cJSON *obj, const char *name,
    const char **out, char *numbuf)
{
	const cJSON *v = member(obj, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (cJSON_IsString(v)) {
		*out = v->valuestring;
		return 0;
	}
	if (numbuf == NULL)
		return fail_type(c, name, "a string");
	/* Bigger numbers have lost digits already: an id must be exact. */
	if (!cJSON_IsNumber(v) || !json_is_integer(v->valuedouble))
		return fail_type(c, name, "a string or an integer");
	snprintf(numbuf, JSON_NUMBUF, "%lld", (long long)v->valuedouble);
	*out = numbuf;
	return 0;
}

static int
read_strings(const struct json_ctx *c, const cJSON *obj,
    const struct str_field *f, void *base)
{
	const char *s;

	for (; f->name != NULL; f++) {
		if (json_text(c, obj, f->name, &s, NULL) != 0)
			return CONVO_EDATA;
		*(const char **)(void *)((char *)base + f->off) = s;
	}
	return 0;
}

/* Reads the string members of the object member name, if there is one. */
static int
read_object(const struct json_ctx *c, const cJSON *obj, const char *name,
    const struct str_field *f, void *base)
{
	const cJSON *v = member(obj, name);
	struct json_ctx sub = *c;
	char path[96];

	if (v == NULL)
		return 0;
	if (!cJSON_IsObject(v))
		return fail_type(c, name, "an object");
	snprintf(path, sizeof(path), "%s%s.", c->prefix, name);
	sub.prefix = path;
	return read_strings(&sub, v, f, base);
}

static int
read_number(const struct json_ctx *c, const cJSON *obj, const char *name,
    double *out, int *has)
{
	const cJSON *v = member(obj, name);

	*has = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return fail_type(c, name, "a number");
	*out = v->valuedouble;
	*has = 1;
	return 0;
}

static int
read_bool(const struct json_ctx *c, const cJSON *obj, const char *name,
    int *out)
{
	const cJSON *v = member(obj, name);

	*out = CONVO_BOOL_NONE;
	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v))
		return fail_type(c, name, "true or false");
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

int
json_count(const struct json_ctx *c, const cJSON *obj, const char *name,
    int64_t *out)
{
	const cJSON *v = member(obj, name);

	*out = CONVO_NUM_NONE;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || !json_is_integer(v->valuedouble))
		return fail_type(c, name, "an integer");
	if (v->valuedouble < 0)
		return json_fail(c, "'%s%s' is negative", c->prefix, name);
	*out = (int64_t)v->valuedouble;
	return 0;
}

int
json_csat(const struct json_ctx *c, const cJSON *obj, const char *name,
    int *out)
{
	const cJSON *v = member(obj, name);
	double d;

	*out = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || !json_is_integer(v->valuedouble))
		return fail_type(c, name, "an integer");
	d = v->valuedouble;
	if (d < 1 || d > 5)
		return json_fail(c,
		    "'%s%s' out of range: %lld (expected 1 to 5)", c->prefix,
		    name, (long long)d);
	*out = (int)d;
	return 0;
}

int
json_time(const struct json_ctx *c, const cJSON *obj, const char *name,
    int64_t *out)
{
	const cJSON *v = member(obj, name);
	const char *why = "out of range";
	int rc = CONVO_EDATA;

	*out = CONVO_TIME_NONE;
	if (v == NULL)
		return 0;
	if (cJSON_IsString(v))
		rc = convo_time_parse(out, &why, v->valuestring);
	else if (!cJSON_IsNumber(v))
		return fail_type(c, name, "a string or a number");
	else if (isfinite(v->valuedouble))
		rc = convo_time_from_epoch(out, &why, v->valuedouble);
	if (rc == 0)
		return 0;
	*out = CONVO_TIME_NONE;
	if (cJSON_IsString(v))
		return json_fail(c, "bad timestamp '%.*s' in '%s%s': %s",
		    json_clip(v->valuestring), v->valuestring, c->prefix, name,
		    why);
	return json_fail(c, "bad timestamp %.15g in '%s%s': %s",
	    v->valuedouble, c->prefix, name, why);
}

int
json_handover(const struct json_ctx *c, const cJSON *obj, const char *name,
    enum convo_handover *out)
{
	const char *s;

	*out = CONVO_HANDOVER_NONE;
	if (json_text(c, obj, name, &s, NULL) != 0)
		return CONVO_EDATA;
	if (s != NULL && (*out = handover_from_name(s)) == CONVO_HANDOVER_NONE)
		return fail_value(c, "handover", name, s);
	return 0;
}

int
json_feedback(const struct json_ctx *c, const cJSON *obj, const char *name,
    enum convo_feedback *out)
{
	const char *s;

	*out = CONVO_FEEDBACK_NONE;
	if (json_text(c, obj, name, &s, NULL) != 0)
		return CONVO_EDATA;
	if (s != NULL && (*out = feedback_from_name(s)) == CONVO_FEEDBACK_NONE)
		return fail_value(c, "feedback", name, s);
	return 0;
}

static int
read_role(const struct json_ctx *c, const cJSON *obj, enum convo_role *out)
{
	const char *s;

	if (json_text(c, obj, "role", &s, NULL) != 0)
		return CONVO_EDATA;
	if (s == NULL)
		return json_fail(c, "missing '%srole'", c->prefix);
	if ((*out = role_from_name(s)) != CONVO_ROLE_NONE)
		return 0;
	return fail_value(c, "role", "role", s);
}

static int
read_usage(const struct json_ctx *c, const cJSON *obj, struct convo_usage *u)
{
	const cJSON *v = member(obj, "usage");
	struct json_ctx sub = *c;
	char path[96];

	if (v == NULL)
		return 0;
	if (!cJSON_IsObject(v))
		return fail_type(c, "usage", "an object");
	snprintf(path, sizeof(path), "%susage.", c->prefix);
	sub.prefix = path;
	if (json_count(&sub, v, "input_tokens", &u->input_tokens) != 0 ||
	    json_count(&sub, v, "output_tokens", &u->output_tokens) != 0 ||
	    read_number(&sub, v, "cost", &u->cost, &u->has_cost) != 0)
		return CONVO_EDATA;
	if (u->has_cost && u->cost < 0)
		return json_fail(c, "'%scost' is negative", path);
	return 0;
}

/*
 * Whether a message object has no member but those most messages have
 * (and those of the event it may be part of), so that looking up the
 * others, a dozen strcmp() walks over its members, can be skipped.
 */
static int
plain_message(const cJSON *obj)
{
	const cJSON *v;
	const char *k;

	cJSON_ArrayForEach(v, obj) {
		if ((k = v->string) == NULL)
			return 0;
		switch (k[0]) {
		case 't':
			if (strcmp(k, "ts") && strcmp(k, "text") &&
			    strcmp(k, "type"))
				return 0;
			break;
		case 'r':
			if (strcmp(k, "role"))
				return 0;
			break;
		case 'c':
			if (strcmp(k, "conversation"))
				return 0;
			break;
		case 's':
			if (strcmp(k, "source"))
				return 0;
			break;
		default:
			return 0;
		}
	}
	return 1;
}

int
json_msg(const struct json_ctx *c, struct convo_msg_fields *m,
    const cJSON *obj)
{
	if (json_time(c, obj, "ts", &m->ts) != 0)
		return CONVO_EDATA;
	if (m->ts == CONVO_TIME_NONE)
		return json_fail(c, "missing '%sts'", c->prefix);
	if (read_role(c, obj, &m->role) != 0)
		return CONVO_EDATA;
	if (plain_message(obj)) {
		if (json_text(c, obj, "text", &m->text, NULL) != 0)
			return CONVO_EDATA;
		if (m->text != NULL)
			m->text_len = strlen(m->text);
		return 0;
	}
	if (read_strings(c, obj, msg_strings, m) != 0 ||
	    read_object(c, obj, "click", click_fields, m) != 0 ||
	    read_object(c, obj, "media", media_fields, m) != 0 ||
	    read_bool(c, obj, "fallback", &m->fallback) != 0 ||
	    read_number(c, obj, "confidence", &m->confidence,
	    &m->has_confidence) != 0 ||
	    json_feedback(c, obj, "feedback", &m->feedback) != 0 ||
	    json_handover(c, obj, "handover", &m->handover) != 0 ||
	    read_usage(c, obj, &m->usage) != 0)
		return CONVO_EDATA;
	if (m->text != NULL)
		m->text_len = strlen(m->text);
	return 0;
}

int
json_lead(struct json_ctx *c, struct convo_rec *rec, const cJSON *obj)
{
	size_t n = strlen(c->prefix);

	if (json_text(c, obj, "name", &rec->lead_name, NULL) != 0 ||
	    json_text(c, obj, "email", &rec->lead_email, NULL) != 0 ||
	    json_text(c, obj, "phone", &rec->lead_phone, c->phone_num) != 0)
		return CONVO_EDATA;
	/* An empty lead would count in the lead rate with nothing to show. */
	if (rec->lead_name != NULL || rec->lead_email != NULL ||
	    rec->lead_phone != NULL)
		return 0;
	if (n == 0)
		return json_fail(c, "lead has no name, email or phone");
	return json_fail(c, "'%.*s' has no name, email or phone",
	    (int)n - 1, c->prefix);
}

int
json_var_text(const struct json_ctx *c, struct convo_rec *rec,
    const cJSON *v, char **owned)
{
	*owned = NULL;
	rec->var_value = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		rec->var_value = v->valuestring;
		return 0;
	}
	if (!c->emit)
		return 0;
	if ((*owned = cJSON_PrintUnformatted(v)) == NULL)
		return CONVO_ENOMEM;
	rec->var_value = *owned;
	return 0;
}

static int
read_status(const struct json_ctx *c, const cJSON *obj, const char **out)
{
	const char *s;

	if (json_text(c, obj, "status", &s, NULL) != 0)
		return CONVO_EDATA;
	if (s == NULL)
		*out = NULL;
	else if (strcasecmp(s, "active") == 0)
		*out = "active";
	else if (strcasecmp(s, "ended") == 0)
		*out = "ended";
	else
		return fail_value(c, "status", "status", s);
	return 0;
}

static int
conv_fields(struct json_ctx *c, struct convo_conv_fields *f,
    const cJSON *obj)
{
	if (json_text(c, obj, "user", &f->user, c->user_num) != 0 ||
	    read_strings(c, obj, conv_strings, f) != 0 ||
	    read_object(c, obj, "location", location_fields, f) != 0 ||
	    read_status(c, obj, &f->status) != 0 ||
	    json_time(c, obj, "started_at", &f->started_at) != 0 ||
	    json_time(c, obj, "ended_at", &f->ended_at) != 0 ||
	    json_csat(c, obj, "csat", &f->csat) != 0 ||
	    read_usage(c, obj, &f->usage) != 0)
		return CONVO_EDATA;
	return 0;
}

/* The CONV record, which also settles the id and source of the rest. */
static int
conv_record(struct json_ctx *c, const cJSON *obj)
{
	struct convo_rec rec;

	if (c->conv_id == NULL) {
		if (json_text(c, obj, "id", &c->conv_id, c->id_num) != 0)
			return CONVO_EDATA;
		if (c->conv_id == NULL)
			return json_fail(c, "missing 'id'");
		if (*c->conv_id == '\0')
			return json_fail(c, "empty 'id'");
	}
	if (json_text(c, obj, "source", &c->source, NULL) != 0)
		return CONVO_EDATA;
	json_rec_init(c, &rec, CONVO_REC_CONV);
	if (conv_fields(c, &rec.conv, obj) != 0)
		return CONVO_EDATA;
	rec.ts = c->ts;
	if (rec.conv.started_at == CONVO_TIME_NONE)
		rec.conv.started_at = c->ts;
	return c->emit ? parse_emit(c->p, &rec) : 0;
}

/* The array member name of obj in *out, NULL when there is none. */
static int
read_array(const struct json_ctx *c, const cJSON *obj, const char *name,
    const cJSON **out)
{
	*out = member(obj, name);
	if (*out != NULL && !cJSON_IsArray(*out))
		return fail_type(c, name, "an array");
	return 0;
}

/*
 * Writes "name[i]." into path (32 bytes), the prefix of what diagnostics
 * name inside an array element.  (Once per message: snprintf() took as
 * long as reading the message's fields.)
 */
static void
element_path(char path[32], const char *name, int i)
{
	char digits[12];
	size_t n = strlen(name), d = 0;

	do
		digits[d++] = (char)('0' + i % 10);
	while ((i /= 10) > 0 && d < sizeof(digits));
	memcpy(path, name, n);
	path[n++] = '[';
	while (d > 0)
		path[n++] = digits[--d];
	memcpy(path + n, "].", 3);
}

static int
walk_messages(struct json_ctx *c, const cJSON *obj)
{
	const cJSON *msgs, *m;
	struct convo_rec rec;
	char path[32];
	int i = 0, rc;

	if (read_array(c, obj, "messages", &msgs) != 0)
		return CONVO_EDATA;
	cJSON_ArrayForEach(m, msgs) {
		if (!cJSON_IsObject(m))
			return json_fail(c, "'messages[%d]' is not an object",
			    i);
		element_path(path, "messages", i++);
		c->prefix = path;
		json_rec_init(c, &rec, CONVO_REC_MSG);
		rc = json_msg(c, &rec.msg, m);
		c->prefix = "";
		if (rc != 0)
			return rc;
		rec.ts = rec.msg.ts;
		if (c->emit && (rc = parse_emit(c->p, &rec)) != 0)
			return rc;
	}
	return 0;
}

static int
walk_leads(struct json_ctx *c, const cJSON *obj)
{
	const cJSON *leads, *l;
	struct convo_rec rec;
	char path[32];
	int i = 0, rc;

	if (read_array(c, obj, "leads", &leads) != 0)
		return CONVO_EDATA;
	cJSON_ArrayForEach(l, leads) {
		if (!cJSON_IsObject(l))
			return json_fail(c, "'leads[%d]' is not an object", i);
		element_path(path, "leads", i++);
		c->prefix = path;
		json_rec_init(c, &rec, CONVO_REC_LEAD);
		rc = json_lead(c, &rec, l);
		if (rc == 0)
			rc = json_time(c, l, "created_at", &rec.ts);
		c->prefix = "";
		if (rc != 0)
			return rc;
		if (c->emit && (rc = parse_emit(c->p, &rec)) != 0)
			return rc;
	}
	return 0;
}

/* One member of "variables": a value, or {"value": .., "source": ..}. */
static int
variable(struct json_ctx *c, const cJSON *v)
{
	struct convo_rec rec;
	struct json_ctx sub = *c;
	const cJSON *value = v;
	char path[96], *owned;
	int rc;

	json_rec_init(c, &rec, CONVO_REC_VARIABLE);
	rec.ts = c->ts;
	rec.var_name = v->string;
	if (*v->string == '\0')
		return json_fail(c, "empty variable name in 'variables'");
	if (cJSON_IsObject(v) &&
	    cJSON_GetObjectItemCaseSensitive(v, "value") != NULL) {
		snprintf(path, sizeof(path), "variables.%.*s.",
		    json_clip(v->string), v->string);
		sub.prefix = path;
		if (json_text(&sub, v, "source", &rec.var_source, NULL) != 0)
			return CONVO_EDATA;
		value = cJSON_GetObjectItemCaseSensitive(v, "value");
	}
	if ((rc = json_var_text(c, &rec, value, &owned)) != 0)
		return rc;
	if (c->emit)
		rc = parse_emit(c->p, &rec);
	cJSON_free(owned);
	return rc;
}

static int
walk_variables(struct json_ctx *c, const cJSON *obj)
{
	const cJSON *vars = member(obj, "variables"), *v;
	int rc;

	if (vars == NULL)
		return 0;
	if (!cJSON_IsObject(vars))
		return fail_type(c, "variables", "an object");
	cJSON_ArrayForEach(v, vars)
		if ((rc = variable(c, v)) != 0)
			return rc;
	return 0;
}

static int
walk(struct json_ctx *c, const cJSON *obj)
{
	int rc;

	if ((rc = conv_record(c, obj)) != 0 ||
	    (rc = walk_messages(c, obj)) != 0 ||
	    (rc = walk_leads(c, obj)) != 0 ||
	    (rc = walk_variables(c, obj)) != 0)
		return rc;
	return 0;
}

int
json_conversation(struct json_ctx *c, const cJSON *obj)
{
	int rc;

	if (!cJSON_IsObject(obj))
		return json_fail(c, "expected a conversation object, found %s",
		    json_type_name(obj));
	/*
	 * With skip_bad, everything is checked first: a bad conversation
	 * hands on nothing.  Without, its first error ends the import and
	 * undoes what it handed on, so one walk does.
	 */
	if (c->p->skip_bad) {
		c->emit = 0;
		if ((rc = walk(c, obj)) != 0)
			return rc;
	}
	c->emit = 1;
	return walk(c, obj);
}
