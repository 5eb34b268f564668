/*
 * test_parse_json.c: unit tests of the conversation-document parser
 * (lib/parse_json.c, lib/json.c): the records it hands on, in order and
 * field by field, and every diagnostic with its line and column.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

/* One conversation with one message: the text of a JSON element. */
#define MSG1(id) "{\"id\":\"" id "\",\"messages\":[{\"ts\":" \
	"\"2026-11-20T10:30:15Z\",\"role\":\"user\",\"text\":\"Hi\"}]}"
#define CONV1(id, line) "conv " #line " " id
#define MSG1_REC(id, line) "msg " #line " " id \
	" ts=1795170615000 role=user at=1795170615000 text=[Hi]"

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
	is_int(got.n_diag, 1, "fields: stops at the first");
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
	is_int(run(text, 1), 0, "  skip_bad goes on");
	is_int(got.n_rec, 0, "  and hands on nothing of it");
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

/*
 * Arrays are read in raw chunks: a line may be any length, and the checks
 * the reader makes on a line are made as the bytes go by.
 */

static char *
must_malloc(size_t n)
{
	char *p = malloc(n);

	if (p == NULL) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return p;
}

#define LONG_N 30		/* conversations in the long line */
#define LONG_TEXT (300u << 10)	/* the length of the text of each */

/*
 * Writes a minified array of LONG_N conversations on one line into text;
 * returns its length, and *last_col is where the last element starts.
 */
static size_t
long_line(char *text, long *last_col)
{
	size_t n = 0;
	int i;

	text[n++] = '[';
	for (i = 0; i < LONG_N; i++) {
		if (i > 0)
			text[n++] = ',';
		*last_col = (long)n + 1;
		n += (size_t)snprintf(text + n, 128, "{\"id\":\"L%02d\","
		    "\"messages\":[{" TS ",\"role\":\"user\",\"text\":\"", i);
		memset(text + n, 'x', LONG_TEXT);
		n += LONG_TEXT;
		memcpy(text + n, "\"}]}", 4);
		n += 4;
	}
	text[n++] = ']';
	return n;
}

static void
test_long_line(void)
{
	char *text = must_malloc(LONG_N * (LONG_TEXT + 128) + 16);
	char want[300];
	long col;
	size_t n = long_line(text, &col);

	ok(n > CONVO_MAX_RECORD, "one line: longer than 8 MiB");
	is_int(run_n(text, n, 0), 0, "one line: parses");
	is_int(got.n_diag, 0, "one line: no diagnostics");
	is_int(got.n_rec, 2 * LONG_N, "one line: every record");
	is_str(got.rec[2 * LONG_N - 2], CONV1("L29", 1), "one line: the last");

	/* Columns are counted along the whole line. */
	memcpy(text + col + 5, "[1,2]", 5);
	is_int(run_n(text, n, 1), 0, "one line, bad last element: skip_bad");
	is_int(got.n_rec, 2 * LONG_N - 2, "  the others");
	snprintf(want, sizeof(want), "t.json:1:%ld: 'id' is not a string or "
	    "an integer", col);
	is_str(got.diag[0], want, "  its column");
	memcpy(text + col + 5, "\"L29\"", 5);

	text[n - 6] = '\xff';
	is_int(run_n(text, n, 1), CONVO_EDATA, "one line, bad UTF-8 far on");
	is_int(got.n_rec, 2 * LONG_N - 2, "  the elements before");
	snprintf(want, sizeof(want), "t.json:1:%zu: invalid UTF-8", n - 5);
	is_str(got.diag[0], want, "  its column");
	text[n - 6] = '\0';
	is_int(run_n(text, n, 1), CONVO_EDATA, "one line, NUL at the end");
	snprintf(want, sizeof(want), "t.json:1:%zu: NUL byte", n - 5);
	is_str(got.diag[0], want, "  its column");
	free(text);
}

/* An element over CONVO_MAX_RECORD on one line; a JSON Lines line too. */
static void
test_big_one_line(void)
{
	static const char head[] = "[" MSG1("a") ",{\"id\":\"big\",\"pad\":\"";
	static const char tail[] = "\"}," MSG1("b") "]";
	static const char lhead[] = MSG1("a") "\n{\"id\":\"big\",\"pad\":\"";
	static const char ltail[] = "\"}\n" MSG1("b") "\n";
	size_t pad = 10u << 20, n;
	char *text = must_malloc(pad + 512), want[300];

	n = strlen(head);
	memcpy(text, head, n);
	memset(text + n, 'a', pad);
	memcpy(text + n + pad, tail, sizeof(tail));
	n += pad + strlen(tail);
	is_int(run_n(text, n, 0), CONVO_EDATA, "big element on one line");
	is_int(got.n_rec, 2, "  the one before is handed on");
	snprintf(want, sizeof(want), "t.json:1:%zu: conversation larger than "
	    "8 MiB", sizeof("[" MSG1("a") ","));
	is_str(got.diag[0], want, "  where it starts");
	is_int(run_n(text, n, 1), 0, "big element on one line: skip_bad");
	is_int(got.n_diag, 1, "  one diagnostic");
	is_int(got.n_rec, 4, "  the next is handed on");
	is_str(got.rec[2], CONV1("b", 1), "  on line 1");

	/* JSON Lines are still read by lines, and bounded by them. */
	n = strlen(lhead);
	memcpy(text, lhead, n);
	memset(text + n, 'a', pad);
	memcpy(text + n + pad, ltail, sizeof(ltail));
	n += pad + strlen(ltail);
	is_int(run_n(text, n, 1), 0, "long JSON Lines line: skip_bad");
	is_int(got.n_rec, 4, "  the lines around it");
	snprintf(want, sizeof(want), "t.json:2:%ld: line longer than 8 MiB",
	    (long)CONVO_MAX_RECORD + 1);
	is_str(got.diag[0], want, "  where");
	free(text);
}

/* NUL bytes and invalid UTF-8 in an array, and how CRs count. */
static void
test_raw_checks(void)
{
	static const char nul[] = "[" MSG1("a") ",{\"id\":\"x\0\"}," MSG1("b")
	    "]";
	static const char cr_nul[] = "[" MSG1("a") ",\r{\"id\":\"\0\"}]";
	char want[300];

	is_int(run("[" MSG1("a") ",{\"id\":\"x\xffy\"}," MSG1("b") "]", 1),
	    CONVO_EDATA, "bad UTF-8 in a one-line array");
	is_int(got.n_rec, 2, "  the one before is handed on");
	is_int(got.n_diag, 1, "  then it stops");
	snprintf(want, sizeof(want), "t.json:1:%zu: invalid UTF-8",
	    sizeof("[" MSG1("a") ",{\"id\":\"x"));
	is_str(got.diag[0], want, "  where");

	is_int(run_n(nul, sizeof(nul) - 1, 1), CONVO_EDATA,
	    "NUL in a one-line array");
	is_int(got.n_rec, 2, "  the one before is handed on");
	snprintf(want, sizeof(want), "t.json:1:%zu: NUL byte",
	    sizeof("[" MSG1("a") ",{\"id\":\"x"));
	is_str(got.diag[0], want, "  where");

	is_int(run_n(cr_nul, sizeof(cr_nul) - 1, 0), CONVO_EDATA,
	    "NUL after a CR inside a line");
	snprintf(want, sizeof(want), "t.json:1:%zu: NUL byte",
	    sizeof("[" MSG1("a") ",\r{\"id\":\""));
	is_str(got.diag[0], want, "  the CR has a column");

	one_error("\xef\xbb\xbf[\r\n" MSG1("a") ",\r\n  {\"id\":\"\xc3(\"}]"
	    "\r\n", 0, CONVO_EDATA, "t.json:3:10: invalid UTF-8",
	    "bad UTF-8 after a BOM and CRLFs");
	snprintf(want, sizeof(want), "t.json:1:%zu: invalid UTF-8",
	    sizeof("[" MSG1("a") ",{\"id\":\""));
	one_error("[" MSG1("a") ",{\"id\":\"\xe2\x82", 0, CONVO_EDATA, want,
	    "UTF-8 cut by the end of the input");

	one_error("\xef\xbb\xbf[{\"id\":1.5}]", 0, CONVO_EDATA,
	    "t.json:1:2: 'id' is not a string or an integer",
	    "a BOM has no column");
	one_error("[\r\n" MSG1("a") "\r\n,\r\n{\"id\":1.5}\r\n]\r\n", 1, 0,
	    "t.json:4:1: 'id' is not a string or an integer", "CRLF lines");
	is_str(got.rec[0], CONV1("a", 2), "CRLF lines: the line of the first");
	one_error("[{\"id\":\"a\"},\r{\"id\":1.5}]", 0, CONVO_EDATA,
	    "t.json:1:14: 'id' is not a string or an integer",
	    "a CR inside a line has a column");
	one_error("[{\"id\":\"a\"}\r\n", 0, CONVO_EDATA,
	    "t.json:1:12: unexpected end of file, array not closed",
	    "the end after a CRLF: on the last line");
	one_error("[{\"id\":\"a\"}\r", 0, CONVO_EDATA,
	    "t.json:1:12: unexpected end of file, array not closed",
	    "the end after a CR");
	one_error("[\r\n\r", 0, CONVO_EDATA,
	    "t.json:2:1: unexpected end of file, array not closed",
	    "the end after a lone CR on a line");
}

/*
 * A character cut between the reader's 64 KiB chunks: white space in the
 * array moves it to the end of the first chunk, cut after each of its
 * bytes in turn.
 */
static void
test_straddle(void)
{
	static const char *const chars[] = {
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e",
		"\xe2\x82(", "\xf0\x80\x80\xaf"		/* two bad ones */
	};
	static const char head[] = "{\"id\":\"s\",\"messages\":[{" TS
	    ",\"role\":\"user\",\"text\":\"ab";
	size_t chunk = 64u << 10, c, k, len, n;
	char *text = must_malloc(chunk + 256), want[300], name[100];

	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		len = strlen(chars[c]);
		for (k = 1; k < len; k++) {
			/* '[', white space, head, chars[c] at chunk - k. */
			n = chunk - k - strlen(head);
			text[0] = '[';
			memset(text + 1, ' ', n - 1);
			memcpy(text + n, head, strlen(head));
			n += strlen(head);
			n += (size_t)snprintf(text + n, 64, "%scd\"}]}]",
			    chars[c]);
			snprintf(name, sizeof(name), "a %zu-byte character cut "
			    "after %zu", len, k);
			if (c < 3) {
				is_int(run_n(text, n, 0), 0, name);
				snprintf(want, sizeof(want), "msg 1 s "
				    "ts=1795170615000 role=user "
				    "at=1795170615000 text=[ab%scd]", chars[c]);
				is_str(got.rec[1], want, "  whole");
				continue;
			}
			is_int(run_n(text, n, 0), CONVO_EDATA, name);
			snprintf(want, sizeof(want), "t.json:1:%zu: invalid "
			    "UTF-8", chunk - k + 1);
			is_str(got.diag[0], want, "  bad, where it starts");
		}
	}
	free(text);
}

/* A sink error ends the parse at once and is returned as it is. */
static void
test_sink_error(void)
{
	harness.sink_fails_after = 1;
	is_int(run("[" MSG1("a") "," MSG1("b") "]", 0), CONVO_EIO,
	    "sink error: returned");
	harness.sink_fails_after = -1;
	is_int(got.n_rec, 1, "sink error: no more records");
	is_int(got.n_diag, 0, "sink error: no diagnostic");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	harness.parse = parse_json;
	harness.file = "t.json";
	harness.testdata = "testdata/json";
	harness.flags = HARNESS_KEYED | HARNESS_DIAG_FILE;
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
	test_long_line();
	test_big_one_line();
	test_raw_checks();
	test_straddle();
	test_sink_error();
	return done_testing();
}
