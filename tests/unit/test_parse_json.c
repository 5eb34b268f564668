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

/* Runs text and checks it gave exactly one diagnostic, want. */
static void
one_error(const char *text, int skip_bad, const char *want,
    const char *name)
{
	int rc = run(text, skip_bad);

	is_int(rc, skip_bad ? 0 : CONVO_EDATA, name);
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

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_array();
	test_lines_and_object();
	test_empty();
	return done_testing();
}
