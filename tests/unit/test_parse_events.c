/*
 * test_parse_events.c: unit tests of the event-stream parser
 * (lib/parse_events.c): one record per event, in the order of the lines,
 * and every diagnostic with its line and column.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

/* The members every event has, for conversation c at 10:30:15. */
#define EV(c, type) "{\"conversation\":\"" c "\"," \
	"\"ts\":\"2026-11-20T10:30:15Z\",\"type\":\"" type "\""
#define T0 "1795170615000"

/* An event "EV(c1, type), members}" must fail with want at 1:1. */
static void
bad_event(const char *type, const char *members, const char *want)
{
	char text[1024], full[300];

	snprintf(text, sizeof(text), "{\"conversation\":\"c1\","
	    "\"ts\":\"2026-11-20T10:30:15Z\",\"type\":\"%s\"%s}\n", type,
	    members);
	snprintf(full, sizeof(full), "t.jsonl:1:1: %s", want);
	one_error(text, 0, CONVO_EDATA, full, want);
	is_int(run(text, 1), 0, "  skip_bad goes on");
	is_int(got.n_rec, 0, "  and hands on nothing of it");
}

static void
test_stream(void)
{
	int rc = run_file("good-stream.jsonl", 0);

	is_int(rc, 0, "stream: parses");
	is_int(got.n_diag, 0, "stream: no diagnostics");
	is_int(got.n_rec, 13, "stream: one record per event");
	is_str(got.rec[0], "conv 1 c1@web_widget ts=1795170600000 user=v-1 "
	    "country=DE city=Berlin started=1795170600000",
	    "start: conversation fields, started at the event");
	is_str(got.rec[1], "msg 2 c1 ts=1795170615000 role=user "
	    "at=1795170615000 text=[Hi, where is my order?]", "message");
	is_str(got.rec[2], "msg 3 c2@whatsapp ts=1795170616000 role=user "
	    "at=1795170616000 text=[Hello?]", "message with a source");
	is_str(got.rec[3], "msg 4 c1 ts=1795170617000 role=assistant "
	    "at=1795170617000 text=[Sorry, I didn't understand.] fallback=1",
	    "message with fallback");
	is_str(got.rec[4], "handover 6 c1 ts=1795170630000 "
	    "kind=after_fallback", "handover after a blank line");
	is_str(got.rec[5], "feedback 7 c1 ts=1795170640000 value=down index=1",
	    "feedback on message 1");
	is_str(got.rec[6], "feedback 8 c2 ts=1795170660000 value=up index=-1",
	    "feedback on the latest");
	is_str(got.rec[7], "lead 9 c1 ts=1795170720000 name=Ana "
	    "email=ana@example.com phone=4917012345", "lead");
	is_str(got.rec[8], "var 10 c1 ts=1795170730000 var=plan value=pro "
	    "from=prechat", "variable: source is the variable's");
	is_str(got.rec[9], "survey 11 c1 ts=1795170780000", "survey");
	is_str(got.rec[10], "csat 12 c1 ts=1795170800000 score=5", "csat");
	is_str(got.rec[11], "end 13 c1 ts=1795170840000 reason=user", "end");
	is_str(got.rec[12], "handover 14 42 ts=1795170900000 kind=direct",
	    "numeric conversation, epoch ts, direct by default");
}

static void
test_bad_stream(void)
{
	is_int(run_file("bad-stream.jsonl", 0), CONVO_EDATA, "bad stream");
	is_int(got.n_rec, 1, "bad stream: the line before");
	is_int(got.n_diag, 1, "bad stream: stops at the first");
	is_int(run_file("bad-stream.jsonl", 1), 0, "bad stream: skip_bad");
	is_int(got.n_rec, 2, "bad stream: first and last line");
	is_str(got.rec[1], "end 10 c1 ts=1795170623000 reason=user",
	    "bad stream: the last line");
	is_int(got.n_diag, 8, "bad stream: every bad line");
	is_str(got.diag[0], "t.jsonl:2:1: unknown event type 'mesage'",
	    "unknown type");
	is_str(got.diag[1], "t.jsonl:3:1: missing 'ts'", "missing ts");
	is_str(got.diag[2], "t.jsonl:4:1: missing 'role'", "missing role");
	is_str(got.diag[3], "t.jsonl:5:1: 'score' out of range: 9 "
	    "(expected 1 to 5)", "csat out of range");
	is_str(got.diag[4], "t.jsonl:6:1: unknown handover 'sideways'",
	    "unknown handover kind");
	is_str(got.diag[5], "t.jsonl:7:1: 'message' is negative",
	    "negative message index");
	is_str(got.diag[6], "t.jsonl:8:78: unexpected end of line, "
	    "object not closed", "unclosed object");
	is_str(got.diag[7], "t.jsonl:9:1: missing 'conversation'",
	    "missing conversation");
}

static void
test_fields(void)
{
	const char *why = NULL;
	int64_t t;
	char want[300];

	bad_event("message", ",\"role\":\"robot\"", "unknown role 'robot'");
	bad_event("message", ",\"role\":\"user\",\"text\":1",
	    "'text' is not a string");
	bad_event("message", ",\"role\":\"user\",\"click\":[]",
	    "'click' is not an object");
	bad_event("feedback", "", "missing 'value'");
	bad_event("feedback", ",\"value\":\"sideways\"",
	    "unknown feedback 'sideways'");
	bad_event("feedback", ",\"value\":\"up\",\"message\":\"2\"",
	    "'message' is not an integer");
	bad_event("csat", "", "missing 'score'");
	bad_event("csat", ",\"score\":3.5", "'score' is not an integer");
	bad_event("lead", "", "lead has no name, email or phone");
	bad_event("lead", ",\"email\":[]", "'email' is not a string");
	bad_event("variable", ",\"value\":1", "missing 'name'");
	bad_event("variable", ",\"name\":\"\"", "empty 'name'");
	bad_event("variable", ",\"name\":\"x\",\"source\":1",
	    "'source' is not a string");
	bad_event("end", ",\"reason\":{}", "'reason' is not a string");
	bad_event("start", ",\"csat\":6", "'csat' out of range: 6 "
	    "(expected 1 to 5)");
	bad_event("start", ",\"messages\":[{\"role\":\"user\"}]",
	    "missing 'messages[0].ts'");
	bad_event("handover", ",\"source\":[]", "'source' is not a string");
	one_error("{\"conversation\":\"\",\"ts\":1795170615,\"type\":\"end\"}",
	    0, CONVO_EDATA, "t.jsonl:1:1: empty 'conversation'",
	    "empty conversation");
	one_error("{\"conversation\":\"c\",\"ts\":1795170615}", 0, CONVO_EDATA,
	    "t.jsonl:1:1: missing 'type'", "missing type");
	one_error("{\"conversation\":\"c\",\"ts\":1795170615,\"type\":7}", 0,
	    CONVO_EDATA, "t.jsonl:1:1: 'type' is not a string", "type 7");
	one_error("{\"conversation\":[],\"ts\":1795170615,\"type\":\"end\"}", 0,
	    CONVO_EDATA, "t.jsonl:1:1: 'conversation' is not a string or an "
	    "integer", "conversation []");
	convo_time_parse(&t, &why, "2026-13-01T00:00:00Z");
	snprintf(want, sizeof(want), "t.jsonl:1:1: bad timestamp "
	    "'2026-13-01T00:00:00Z' in 'ts': %s", why);
	one_error("{\"conversation\":\"c\",\"ts\":\"2026-13-01T00:00:00Z\","
	    "\"type\":\"end\"}", 0, CONVO_EDATA, want, "bad month");
	convo_time_from_epoch(&t, &why, 12);
	snprintf(want, sizeof(want), "t.jsonl:1:1: bad timestamp 12 in 'ts': "
	    "%s", why);
	one_error("{\"conversation\":\"c\",\"ts\":12,\"type\":\"end\"}", 0,
	    CONVO_EDATA, want, "absurd epoch");
}

static void
test_syntax(void)
{
	one_error("  [1]\n", 0, CONVO_EDATA,
	    "t.jsonl:1:3: expected an event object, found an array", "array");
	one_error(EV("c", "end") "}}\n", 0, CONVO_EDATA,
	    "t.jsonl:1:62: unexpected text after the JSON value", "extra '}'");
	one_error(EV("c", "end") ",}\n", 0, CONVO_EDATA,
	    "t.jsonl:1:62: expected a member name", "trailing comma");
	one_error(EV("c", "end") ",\"reason\":\"a\\x\"}\n", 0, CONVO_EDATA,
	    "t.jsonl:1:73: invalid escape in string", "bad escape");
	one_error("{\"conversation\" 1}\n", 0, CONVO_EDATA,
	    "t.jsonl:1:17: expected ':'", "missing colon");
	one_error("{\"conversation\":nul}\n", 0, CONVO_EDATA,
	    "t.jsonl:1:17: invalid literal", "bad literal");
	one_error("\xef\xbb\xbf" EV("c", "survey") "}\r\n" "\xff\n", 1, 0,
	    "t.jsonl:2:1: invalid UTF-8", "BOM, CRLF and bad UTF-8");
	is_int(got.n_rec, 1, "BOM, CRLF: the event is read");
}

static void
test_skip(void)
{
	is_int(run(EV("a", "survey") "}\n{\n" EV("b", "survey") "}\n\n  \n",
	    1), 0, "skip_bad goes on after a bad line");
	is_int(got.n_rec, 2, "skip_bad: both good events");
	is_str(got.diag[0], "t.jsonl:2:2: unexpected end of line, object "
	    "not closed", "skip_bad: the bad line");
	is_str(got.rec[1], "survey 3 b ts=" T0, "skip_bad: the next event");
	is_int(run("", 0), 0, "empty input");
	is_int(got.n_rec + got.n_diag, 0, "empty input: nothing");
}

static void
test_sniff(void)
{
	static const char ev[] = EV("c", "end") "}\n{";
	static const char num[] = "{\"conversation\":7,\"type\":\"end\"}";
	static const char doc[] = "{\"id\":\"c\",\"messages\":[]}\n";
	static const char pretty[] = "{\n  \"conversation\": \"c\"\n}\n";

	is_int(parse_json_sniff(ev, sizeof(ev) - 1), CONVO_FMT_EVENTS,
	    "sniff: an event");
	is_int(parse_json_sniff(num, sizeof(num) - 1), CONVO_FMT_EVENTS,
	    "sniff: a numeric conversation");
	is_int(parse_json_sniff(doc, sizeof(doc) - 1), CONVO_FMT_JSON,
	    "sniff: a document");
	is_int(parse_json_sniff(pretty, sizeof(pretty) - 1), CONVO_FMT_JSON,
	    "sniff: a pretty-printed object");
	is_int(parse_json_sniff("[{", 2), CONVO_FMT_JSON, "sniff: an array");
	is_int(parse_json_sniff("id,ts\n", 6), 0, "sniff: not JSON");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	harness.parse = parse_events;
	harness.file = "t.jsonl";
	harness.testdata = "testdata/events";
	harness.flags = HARNESS_KEYED | HARNESS_DIAG_FILE;
	test_stream();
	test_bad_stream();
	test_fields();
	test_syntax();
	test_skip();
	test_sniff();
	return done_testing();
}
