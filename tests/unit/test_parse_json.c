/*
 * test_parse_json.c: unit tests of the conversation-document parser
 * (lib/parse_json.c, lib/json.c): the records it hands on, in order and
 * field by field, and every diagnostic with its line and column.
 */
#include "convo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tap.h"

#define MAX_GOT 64

/* What a parse handed on, each record and diagnostic as one line. */
static struct {
	int n_rec;
	char rec[MAX_GOT][512];
	int n_diag;
	char diag[MAX_GOT][300];
} got;

static const char *const kinds[] = {
	"conv", "msg", "handover", "feedback", "csat", "survey", "lead",
	"var", "end"
};

static void
add(char *out, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + n, 512 - n, fmt, ap);
	va_end(ap);
}

static void
add_str(char *out, const char *name, const char *s)
{
	if (s != NULL)
		add(out, " %s=%s", name, s);
}

static void
add_usage(char *out, const struct convo_usage *u)
{
	if (u->input_tokens != CONVO_NUM_NONE)
		add(out, " in=%lld", (long long)u->input_tokens);
	if (u->output_tokens != CONVO_NUM_NONE)
		add(out, " out=%lld", (long long)u->output_tokens);
	if (u->has_cost)
		add(out, " cost=%g", u->cost);
}

static void
add_time(char *out, const char *name, int64_t t)
{
	if (t != CONVO_TIME_NONE)
		add(out, " %s=%lld", name, (long long)t);
}

static void
add_conv(char *out, const struct convo_conv_fields *f)
{
	add_str(out, "user", f->user);
	add_str(out, "assistant", f->assistant);
	add_str(out, "device", f->device);
	add_str(out, "browser", f->browser);
	add_str(out, "country", f->country);
	add_str(out, "region", f->region);
	add_str(out, "city", f->city);
	add_str(out, "status", f->status);
	add_time(out, "started", f->started_at);
	add_time(out, "ended", f->ended_at);
	add_str(out, "reason", f->end_reason);
	if (f->csat != 0)
		add(out, " csat=%d", f->csat);
	add_usage(out, &f->usage);
}

static void
add_msg(char *out, const struct convo_msg_fields *m)
{
	add(out, " role=%s", role_name(m->role));
	add_time(out, "at", m->ts);
	if (m->text != NULL)
		add(out, " text=[%.*s]", (int)m->text_len, m->text);
	add_str(out, "click", m->click_type);
	add_str(out, "title", m->click_title);
	add_str(out, "target", m->click_target);
	if (m->fallback != CONVO_BOOL_NONE)
		add(out, " fallback=%d", m->fallback);
	add_str(out, "intent", m->intent);
	if (m->has_confidence)
		add(out, " conf=%g", m->confidence);
	add_str(out, "agent", m->agent);
	if (m->feedback != CONVO_FEEDBACK_NONE)
		add(out, " feedback=%s", feedback_name(m->feedback));
	if (m->handover != CONVO_HANDOVER_NONE)
		add(out, " handover=%s", handover_name(m->handover));
	add_str(out, "media", m->media_type);
	add_str(out, "name", m->media_name);
	add_str(out, "url", m->media_url);
	add_usage(out, &m->usage);
}

static void
add_event(char *out, const struct convo_rec *r)
{
	if (r->kind == CONVO_REC_HANDOVER)
		add(out, " kind=%s", handover_name(r->handover));
	if (r->kind == CONVO_REC_FEEDBACK)
		add(out, " value=%s index=%ld", feedback_name(r->feedback),
		    r->feedback_index);
	if (r->kind == CONVO_REC_CSAT)
		add(out, " score=%d", r->csat);
	add_str(out, "name", r->lead_name);
	add_str(out, "email", r->lead_email);
	add_str(out, "phone", r->lead_phone);
	add_str(out, "var", r->var_name);
	add_str(out, "value", r->var_value);
	add_str(out, "from", r->var_source);
	add_str(out, "reason", r->end_reason);
}

static int
sink(void *ctx, const struct convo_rec *r)
{
	char *out;

	(void)ctx;
	if (got.n_rec == MAX_GOT)
		return CONVO_EINTERNAL;
	out = got.rec[got.n_rec++];
	snprintf(out, 512, "%s %ld %s", kinds[r->kind], r->line, r->conv_id);
	if (r->source != NULL)
		add(out, "@%s", r->source);
	add_time(out, "ts", r->ts);
	if (r->kind == CONVO_REC_CONV)
		add_conv(out, &r->conv);
	if (r->kind == CONVO_REC_MSG)
		add_msg(out, &r->msg);
	add_event(out, r);
	return 0;
}

static void
diag(void *ctx, const struct convo_diag *d)
{
	(void)ctx;
	if (got.n_diag < MAX_GOT)
		snprintf(got.diag[got.n_diag++], 300, "%s:%ld:%ld: %s%s",
		    d->file, d->line, d->col,
		    d->severity == CONVO_SEV_WARNING ? "warning: " : "",
		    d->message);
}

static int
run_fp(FILE *fp, int skip_bad)
{
	struct reader *rd;
	struct parser p;
	int rc;

	memset(&got, 0, sizeof(got));
	if (reader_new(&rd, fp) != 0)
		return CONVO_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.rd = rd;
	p.file = "t.json";
	p.skip_bad = skip_bad;
	p.date = CONVO_TIME_NONE;
	p.sink = sink;
	p.diag = diag;
	rc = parse_json(&p);
	if (p.n_records != got.n_rec)
		rc = CONVO_EINTERNAL;
	reader_free(rd);
	return rc;
}

/* Parses text (n bytes, or strlen when n is 0). */
static int
run_n(const char *text, size_t n, int skip_bad)
{
	FILE *fp;
	int rc;

	if (n == 0)
		n = strlen(text);
	if ((fp = fmemopen((void *)(uintptr_t)text, n, "r")) == NULL)
		return CONVO_EIO;
	rc = run_fp(fp, skip_bad);
	fclose(fp);
	return rc;
}

static int
run(const char *text, int skip_bad)
{
	return run_n(text, 0, skip_bad);
}

static int
run_file(const char *name, int skip_bad)
{
	char path[256];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "testdata/json/%s", name);
	if ((fp = fopen(path, "r")) == NULL) {
		memset(&got, 0, sizeof(got));
		return CONVO_ENOENT;
	}
	rc = run_fp(fp, skip_bad);
	fclose(fp);
	return rc;
}

/* One conversation with one message: the text of a JSON element. */
#define MSG1(id) "{\"id\":\"" id "\",\"messages\":[{\"ts\":" \
	"\"2026-11-20T10:30:15Z\",\"role\":\"user\",\"text\":\"Hi\"}]}"
#define CONV1(id, line) "conv " #line " " id
#define MSG1_REC(id, line) "msg " #line " " id \
	" ts=1795170615000 role=user at=1795170615000 text=[Hi]"

/* Runs text and checks it returned rc and gave one diagnostic, want. */
static void
one_error(const char *text, int skip_bad, int want_rc, const char *want,
    const char *name)
{
	int rc = run(text, skip_bad);

	is_int(rc, want_rc, name);
	is_int(got.n_diag, 1, name);
	is_str(got.diag[0], want, name);
}

static void
test_array(void)
{
	int rc = run_file("good-array.json", 0);

	is_int(rc, 0, "array: parses");
	is_int(got.n_diag, 0, "array: no diagnostics");
	is_int(got.n_rec, 13, "array: 13 records");
	is_str(got.rec[0], "conv 2 c-1001@web_widget user=v-77 "
	    "assistant=support-bot device=mobile browser=Safari country=DE "
	    "region=Bavaria city=Munich status=ended started=1795170615000 "
	    "ended=1795171500000 reason=user csat=4 in=1200 out=340 cost=0.75",
	    "array: conversation fields");
	is_str(got.rec[1], "msg 2 c-1001@web_widget ts=1795170615000 "
	    "role=user at=1795170615000 text=[Hi, I need help with my invoice]",
	    "array: first message");
	is_str(got.rec[2], "msg 2 c-1001@web_widget ts=1795170620000 "
	    "role=assistant at=1795170620000 text=[Sure! Could you give me the "
	    "invoice number?\nIt starts with INV.] agent=billing-flow "
	    "feedback=up in=600 out=170 cost=0.375",
	    "array: multi-line text, agent, feedback, usage");
	is_str(got.rec[3], "msg 2 c-1001@web_widget ts=1795170660000 "
	    "role=user at=1795170660000 click=quick_reply "
	    "title=Talk to a human target=handover intent=handover conf=0.93 "
	    "handover=operator_button", "array: click, intent, handover");
	is_str(got.rec[4], "msg 2 c-1001@web_widget ts=1795170665000 "
	    "role=system at=1795170665000 text=[Maria joined the chat]",
	    "array: system message");
	is_str(got.rec[5], "msg 2 c-1001@web_widget ts=1795170690000 "
	    "role=agent at=1795170690000 text=[Hello Ana, Maria here.] "
	    "media=image name=invoice.png url=https://example.com/i.png",
	    "array: media");
	is_str(got.rec[6], "lead 2 c-1001@web_widget ts=1795170660000 "
	    "name=Ana Lopez email=ana@example.com phone=+49 170 1234567",
	    "array: lead");
	is_str(got.rec[7], "var 2 c-1001@web_widget var=plan value=pro",
	    "array: string variable");
	is_str(got.rec[8], "var 2 c-1001@web_widget var=seats value=12",
	    "array: number variable as JSON text");
	is_str(got.rec[9], "var 2 c-1001@web_widget var=name value=Ana "
	    "from=prechat", "array: variable with a source");
	is_str(got.rec[10], "conv 39 1002@whatsapp user=4915112345678 "
	    "status=active", "array: numeric id and user");
	is_str(got.rec[11], "msg 39 1002@whatsapp ts=1795171500000 role=user "
	    "at=1795171500000 text=[Do you ship to Austria?]",
	    "array: epoch seconds, role alias customer");
	is_str(got.rec[12], "msg 39 1002@whatsapp ts=1795171502000 "
	    "role=assistant at=1795171502000 "
	    "text=[Sorry, I didn't understand.] fallback=1",
	    "array: epoch milliseconds, role alias bot, fallback");
	is_str(got.rec[13], "", "array: nothing more");
}

static void
test_lines_and_object(void)
{
	int rc = run_file("good-lines.json", 0);

	is_int(rc, 0, "lines: parses");
	is_int(got.n_diag, 0, "lines: no diagnostics");
	is_int(got.n_rec, 6, "lines: 6 records");
	is_str(got.rec[0], "conv 1 l-1@api", "lines: first conversation");
	is_str(got.rec[2], "msg 1 l-1@api ts=1795170616000 role=assistant "
	    "at=1795170616000 text=[Hi! How can I help?]", "lines: message");
	is_str(got.rec[3], "conv 2 l-2@api ended=1795172400000 csat=5",
	    "lines: second line");
	is_str(got.rec[5], "conv 4 l-3@test_chat",
	    "lines: blank line skipped, empty messages");

	rc = run_file("good-object.json", 0);
	is_int(rc, 0, "object: parses");
	is_int(got.n_rec, 3, "object: 3 records");
	is_str(got.rec[0], "conv 1 p-1@voice started=1795170615000",
	    "object: local time read in TZ");
	is_str(got.rec[2], "msg 1 p-1@voice ts=1795167018000 role=assistant "
	    "at=1795167018000 text=[For which day?]", "object: offset");

	rc = run("  " MSG1("a") "  " MSG1("b") "\n", 0);
	is_int(rc, 0, "two objects on a line");
	is_int(got.n_rec, 4, "two objects on a line: both");
	is_str(got.rec[2], CONV1("b", 1), "two objects on a line: columns");
}

static void
test_empty(void)
{
	is_int(run_file("good-empty-array.json", 0), 0, "empty array");
	is_int(got.n_rec + got.n_diag, 0, "empty array: nothing");
	is_int(run("[]", 0), 0, "[] without newline");
	is_int(run("\n\n  \n", 0), 0, "only white space");
	is_int(got.n_rec + got.n_diag, 0, "only white space: nothing");
}

static void
test_bad_files(void)
{
	const char *why = NULL;
	int64_t t;
	char want[300];

	is_int(run_file("bad-truncated.json", 0), CONVO_EDATA, "truncated");
	is_int(got.n_rec, 2, "truncated: the first conversation is handed on");
	is_str(got.diag[0], "t.json:3:89: unexpected end of file, "
	    "string not closed", "truncated: where the file ends");
	is_int(run_file("bad-truncated.json", 1), CONVO_EDATA,
	    "truncated: fails with skip_bad too");

	is_int(run_file("bad-unclosed-array.json", 1), CONVO_EDATA,
	    "unclosed array");
	is_int(got.n_rec, 4, "unclosed array: both conversations");
	is_str(got.diag[0], "t.json:3:95: unexpected end of file, "
	    "array not closed", "unclosed array: at the last line");

	is_int(run_file("bad-missing-comma.json", 0), CONVO_EDATA,
	    "missing comma");
	is_int(got.n_rec, 0, "missing comma: nothing handed on");
	is_str(got.diag[0], "t.json:5:53: expected ',' or '}'",
	    "missing comma: line and column inside the element");
	is_int(run_file("bad-missing-comma.json", 1), 0,
	    "missing comma: skip_bad");
	is_int(got.n_rec, 2, "missing comma: the next one is handed on");
	is_str(got.rec[0], "conv 8 m-2", "missing comma: m-2");

	is_int(run_file("bad-trailing.json", 1), CONVO_EDATA, "trailing");
	is_int(got.n_rec, 2, "trailing: the array's conversation");
	is_str(got.diag[0], "t.json:4:1: unexpected text after the array",
	    "trailing: garbage after the array");

	is_int(run_file("bad-scalar.json", 1), CONVO_EDATA, "scalar");
	is_int(got.n_rec, 0, "scalar: nothing");
	is_str(got.diag[0], "t.json:1:1: expected a JSON array or object",
	    "scalar: at the top level");

	is_int(run_file("bad-lines.json", 0), CONVO_EDATA, "lines: bad line");
	is_int(got.n_rec, 2, "lines: the line before is handed on");
	is_str(got.diag[0], "t.json:2:83: unexpected end of line, "
	    "string not closed", "lines: unclosed object");
	is_int(run_file("bad-lines.json", 1), 0, "lines: skip_bad");
	is_int(got.n_rec, 4, "lines: the line after too");

	is_int(run_file("bad-fields.json", 0), CONVO_EDATA, "fields");
	is_int(got.n_rec + got.n_diag, 1, "fields: stops at the first");
	is_int(run_file("bad-fields.json", 1), 0, "fields: skip_bad");
	is_int(got.n_diag, 7, "fields: seven bad conversations");
	is_str(got.diag[0], "t.json:2:3: missing 'messages[0].ts'",
	    "fields: missing ts");
	is_str(got.diag[1], "t.json:3:3: missing 'messages[0].role'",
	    "fields: missing role");
	is_str(got.diag[2], "t.json:4:3: unknown role 'robot' in "
	    "'messages[0].role'", "fields: unknown role");
	is_str(got.diag[3], "t.json:5:3: 'csat' out of range: 7 "
	    "(expected 1 to 5)", "fields: csat out of range");
	convo_time_parse(&t, &why, "1970-01-01T00:00:00Z");
	snprintf(want, sizeof(want), "t.json:6:3: bad timestamp "
	    "'1970-01-01T00:00:00Z' in 'messages[0].ts': %s", why);
	is_str(got.diag[4], want, "fields: absurd timestamp");
	is_str(got.diag[5], "t.json:7:3: missing 'id'", "fields: missing id");
	is_str(got.diag[6], "t.json:8:3: 'messages[0].fallback' is not "
	    "true or false", "fields: wrong type");
	is_int(got.n_rec, 2, "fields: the good one is handed on");
	is_str(got.rec[1], "msg 9 f-8@web_widget ts=1795170615000 role=user "
	    "at=1795170615000 text=[good one]", "fields: f-8");
}

/* Malformed JSON inside an element: the message and its column. */
static void
test_syntax(void)
{
	one_error("[{\"id\":\"a\",}]", 0, CONVO_EDATA,
	    "t.json:1:12: expected a member name",
	    "trailing comma in an object");
	is_int(run("[{\"id\":\"a\"]", 1), CONVO_EDATA, "']' closing an object");
	is_int(got.n_rec, 0, "']' closing an object: nothing");
	is_str(got.diag[0], "t.json:1:11: expected ',' or '}'",
	    "']' closing an object: where");
	is_str(got.diag[1], "t.json:1:12: unexpected end of file, "
	    "array not closed", "']' closing an object: then the array");
	one_error("[{\"id\":\"a\",\"x\":tru}]", 0,
	    CONVO_EDATA, "t.json:1:16: invalid literal", "invalid literal");
	one_error("[{\"id\":\"a\\q\"}]", 0,
	    CONVO_EDATA, "t.json:1:10: invalid escape in string",
	    "invalid escape");
	one_error("[{\"id\" \"a\"}]", 0, CONVO_EDATA,
	    "t.json:1:8: expected ':'",
	    "missing colon");
	one_error("[{\"id\":\"a\",\"csat\":1.2.3}]", 0,
	    CONVO_EDATA, "t.json:1:22: expected ',' or '}'", "bad number");
	one_error("[{\"id\":-}]", 0, CONVO_EDATA,
	    "t.json:1:8: invalid number",
	    "lone minus");
	one_error("[{\"id\":\"a\"},]", 1, CONVO_EDATA,
	    "t.json:1:13: expected a value",
	    "trailing comma in the array");
	one_error("[,]", 1, CONVO_EDATA,
	    "t.json:1:2: expected a value or ']'",
	    "comma first");
	one_error("[" MSG1("a") " " MSG1("b") "]", 1,
	    CONVO_EDATA, "t.json:1:82: expected ',' or ']'",
	    "missing comma between elements");
	is_int(got.n_rec, 2, "missing comma between elements: the first");
	one_error("{\"id\":\"a\"}\n}\n", 1, 0,
	    "t.json:2:1: expected a conversation object", "stray '}' in lines");
	is_int(got.n_rec, 1, "stray '}' in lines: the object before");
	one_error("{\n\"id\":\"a\"}\n}\n", 1, CONVO_EDATA,
	    "t.json:3:1: expected a conversation object", "stray '}'");
	is_int(run("{\"id\":\"a\"}}\n", 0), CONVO_EDATA, "extra '}'");
	is_str(got.diag[0], "t.json:1:11: expected a conversation object",
	    "extra '}': column");
}

static void
test_deep(void)
{
	static char text[4096];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text, sizeof(text), "[{\"id\":\"a\",\"x\":");
	for (i = 0; i < 1000; i++)
		text[n++] = '[';
	for (i = 0; i < 1000; i++)
		text[n++] = ']';
	snprintf(text + n, sizeof(text) - n, "}]");
	one_error(text, 0, CONVO_EDATA, "t.json:1:1015: nested too deeply",
	    "nesting");
	text[15] = ' ';
	text[15 + 1999] = ' ';
	is_int(run(text, 0), 0, "nesting: 1000 levels are fine");
}

/* A conversation "{"id":"a", <members>}" must fail with want. */
static void
bad_member(const char *members, const char *want)
{
	char text[1024], full[300];

	snprintf(text, sizeof(text), "[{\"id\":\"a\",%s}]", members);
	snprintf(full, sizeof(full), "t.json:1:2: %s", want);
	one_error(text, 0, CONVO_EDATA, full, want);
	is_int(got.n_rec, 0, "  and hands on nothing");
}

#define TS "\"ts\":\"2026-11-20T10:30:15Z\""

static void
test_fields(void)
{
	const char *why = NULL;
	int64_t t;
	char want[300];

	one_error("[{\"id\":1.5}]", 0, CONVO_EDATA,
	    "t.json:1:2: 'id' is not a string or an integer", "id 1.5");
	one_error("[{\"id\":1e20}]", 0, CONVO_EDATA,
	    "t.json:1:2: 'id' is not a string or an integer", "id too big");
	one_error("[{\"id\":\"\"}]", 0, CONVO_EDATA, "t.json:1:2: empty 'id'",
	    "empty id");
	one_error("[{\"id\":null}]", 0, CONVO_EDATA,
	    "t.json:1:2: missing 'id'", "null id");
	one_error("[true]", 0, CONVO_EDATA, "t.json:1:2: expected a "
	    "conversation object, found a boolean", "element not an object");
	bad_member("\"source\":7", "'source' is not a string");
	bad_member("\"status\":\"open\"", "unknown status 'open'");
	bad_member("\"location\":\"Berlin\"", "'location' is not an object");
	bad_member("\"location\":{\"city\":1}",
	    "'location.city' is not a string");
	bad_member("\"csat\":4.5", "'csat' is not an integer");
	bad_member("\"csat\":\"5\"", "'csat' is not an integer");
	bad_member("\"csat\":0", "'csat' out of range: 0 (expected 1 to 5)");
	bad_member("\"usage\":{\"input_tokens\":-1}",
	    "'usage.input_tokens' is negative");
	bad_member("\"usage\":[]", "'usage' is not an object");
	bad_member("\"started_at\":true",
	    "'started_at' is not a string or a number");
	convo_time_from_epoch(&t, &why, 1e20);
	snprintf(want, sizeof(want), "bad timestamp 1e+20 in 'ended_at': %s",
	    why);
	bad_member("\"ended_at\":1e20", want);
	convo_time_parse(&t, &why, "yesterday");
	snprintf(want, sizeof(want), "bad timestamp 'yesterday' in "
	    "'started_at': %s", why);
	bad_member("\"started_at\":\"yesterday\"", want);
	bad_member("\"messages\":{}", "'messages' is not an array");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\"},3]",
	    "'messages[1]' is not an object");
	bad_member("\"messages\":[{" TS ",\"role\":7}]",
	    "'messages[0].role' is not a string");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\",\"text\":[]}]",
	    "'messages[0].text' is not a string");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\",\"click\":"
	    "{\"title\":false}}]", "'messages[0].click.title' is not a string");
	bad_member("\"messages\":[{" TS ",\"role\":\"assistant\",\"feedback\":"
	    "\"meh\"}]", "unknown feedback 'meh' in 'messages[0].feedback'");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\",\"handover\":"
	    "\"maybe\"}]",
	    "unknown handover 'maybe' in 'messages[0].handover'");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\",\"confidence\":"
	    "\"high\"}]", "'messages[0].confidence' is not a number");
	bad_member("\"messages\":[{" TS ",\"role\":\"user\",\"usage\":"
	    "{\"cost\":\"1\"}}]", "'messages[0].usage.cost' is not a number");
	bad_member("\"messages\":[{" TS ",\"role\":\"a-very-long-role-name-"
	    "that-goes-on-and-on-and-on\"}]", "unknown role 'a-very-long-role-"
	    "name-that-goes-on-and-o' in 'messages[0].role'");
	bad_member("\"messages\":[{" TS ",\"role\":\"a\u00e9\u00e9\u00e9\u00e9"
	    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
	    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\"}]", "unknown role "
	    "'a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9' in 'messages[0].role'");
	bad_member("\"leads\":{}", "'leads' is not an array");
	bad_member("\"leads\":[{\"email\":\"a@b.c\"},{}]",
	    "'leads[1]' has no name, email or phone");
	bad_member("\"leads\":[{\"phone\":1.5}]",
	    "'leads[0].phone' is not a string or an integer");
	bad_member("\"leads\":[\"a@b.c\"]", "'leads[0]' is not an object");
	bad_member("\"variables\":[]", "'variables' is not an object");
	bad_member("\"variables\":{\"\":1}",
	    "empty variable name in 'variables'");
	bad_member("\"variables\":{\"x\":{\"value\":1,\"source\":2}}",
	    "'variables.x.source' is not a string");
}

/* A bad part anywhere rejects the whole conversation, before any record. */
static void
test_all_or_nothing(void)
{
	is_int(run("[{\"id\":\"a\",\"messages\":[{" TS ",\"role\":\"user\"},{"
	    TS ",\"role\":\"user\"}],\"leads\":[{}]}," MSG1("b") "]", 1), 0,
	    "bad lead after good messages");
	is_int(got.n_diag, 1, "bad lead: one diagnostic");
	is_int(got.n_rec, 2, "bad lead: only the next conversation");
	is_str(got.rec[0], CONV1("b", 1), "bad lead: b");
}

static void
test_variables(void)
{
	is_int(run("{\"id\":\"v\",\"variables\":{\"a\":null,\"b\":true,"
	    "\"c\":[1,\"x\"],\"d\":{\"k\":1},\"e\":{\"value\":{\"k\":2}},"
	    "\"f\":{\"value\":null,\"source\":\"post\"},\"g\":0.5}}", 0), 0,
	    "variables");
	is_int(got.n_rec, 8, "variables: all of them");
	is_str(got.rec[1], "var 1 v var=a", "variables: null");
	is_str(got.rec[2], "var 1 v var=b value=true", "variables: true");
	is_str(got.rec[3], "var 1 v var=c value=[1,\"x\"]", "variables: array");
	is_str(got.rec[4], "var 1 v var=d value={\"k\":1}",
	    "variables: object without value");
	is_str(got.rec[5], "var 1 v var=e value={\"k\":2}",
	    "variables: object value");
	is_str(got.rec[6], "var 1 v var=f from=post",
	    "variables: null value with a source");
	is_str(got.rec[7], "var 1 v var=g value=0.5", "variables: number");
}

/* An element over CONVO_MAX_RECORD, spread over lines under the limit. */
static void
test_big(void)
{
	size_t line = 1u << 20, n = 0, i;
	char *text = malloc(10 * (line + 8) + 512);

	if (text == NULL)
		return;
	n += (size_t)snprintf(text, 64, "[\n{\"id\":\"big\",\"pad\":[\n");
	for (i = 0; i < 9; i++) {
		text[n++] = '"';
		memset(text + n, 'a', line);
		n += line;
		memcpy(text + n, "\",\n", 3);
		n += 3;
	}
	n += (size_t)snprintf(text + n, 512, "0]},\n" MSG1("ok") "\n]\n");
	is_int(run_n(text, n, 0), CONVO_EDATA, "big element");
	is_str(got.diag[0], "t.json:2:1: conversation larger than 8 MiB",
	    "big element: where it starts");
	is_int(run_n(text, n, 1), 0, "big element: skip_bad");
	is_int(got.n_diag, 1, "big element: one diagnostic");
	is_int(got.n_rec, 2, "big element: the next is handed on");
	is_str(got.rec[0], CONV1("ok", 13), "big element: line of the next");
	free(text);
}

/* Lines the reader refuses. */
static void
test_reader_errors(void)
{
	static const char lines[] = MSG1("a") "\n{\"id\":\"\xff\"}\n"
	    MSG1("b") "\n";
	static const char array[] = "[\n" MSG1("a") ",\n{\"id\":\"\xff\"}\n]\n";

	is_int(run(lines, 1), 0, "bad UTF-8 in JSON Lines: skip_bad");
	is_int(got.n_rec, 4, "bad UTF-8 in JSON Lines: the others");
	is_str(got.diag[0], "t.json:2:8: invalid UTF-8",
	    "bad UTF-8 in JSON Lines: where");
	is_int(run(array, 1), CONVO_EDATA, "bad UTF-8 in an array");
	is_int(got.n_rec, 2, "bad UTF-8 in an array: the one before");
	is_int(got.n_diag, 1, "bad UTF-8 in an array: stops");
}

static int fail_after = -1;

static int
failing_sink(void *ctx, const struct convo_rec *r)
{
	if (got.n_rec == fail_after)
		return CONVO_EIO;
	return sink(ctx, r);
}

/* A sink error ends the parse at once and is returned as it is. */
static void
test_sink_error(void)
{
	struct reader *rd;
	struct parser p;
	static const char text[] = "[" MSG1("a") "," MSG1("b") "]";
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");

	memset(&got, 0, sizeof(got));
	memset(&p, 0, sizeof(p));
	if (fp == NULL || reader_new(&rd, fp) != 0)
		return;
	p.rd = rd;
	p.file = "t.json";
	p.sink = failing_sink;
	p.diag = diag;
	fail_after = 1;
	is_int(parse_json(&p), CONVO_EIO, "sink error: returned");
	is_int(got.n_rec, 1, "sink error: no more records");
	is_int(got.n_diag, 0, "sink error: no diagnostic");
	reader_free(rd);
	fclose(fp);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_array();
	test_lines_and_object();
	test_empty();
	test_bad_files();
	test_syntax();
	test_deep();
	test_fields();
	test_all_or_nothing();
	test_variables();
	test_big();
	test_reader_errors();
	test_sink_error();
	return done_testing();
}
