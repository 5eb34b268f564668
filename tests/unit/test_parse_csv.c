/*
 * test_parse_csv.c: unit tests of the CSV parser and its sniffer: the
 * records it hands on and the diagnostics it reports, exactly.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"
#include "parse_harness.h"

static void
test_basic(void)
{
	int rc = run("conversation_id,timestamp,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,Hi\n"
	    "c1,2026-11-20T10:30:17Z,assistant,\"Hello, how can I help?\"\n"
	    "c2,2026-11-20T11:00:00Z,user,\n", 0);

	is_int(rc, 0, "basic: status");
	is_int(got.n_rec, 5, "basic: records");
	is_int(got.n_diag, 0, "basic: no diagnostics");
	is_str(got.rec[0], "conv 2 c1 @2026-11-20T10:30:15Z", "basic: conv");
	is_str(got.rec[1], "msg 2 c1 @2026-11-20T10:30:15Z user 'Hi'",
	    "basic: first message");
	is_str(got.rec[2], "msg 3 c1 @2026-11-20T10:30:17Z assistant "
	    "'Hello, how can I help?'", "basic: quoted comma");
	is_str(got.rec[3], "conv 4 c2 @2026-11-20T11:00:00Z",
	    "basic: a new id makes a conversation");
	is_str(got.rec[4], "msg 4 c2 @2026-11-20T11:00:00Z user",
	    "basic: an empty text is not stated");
}

static void
test_aliases(void)
{
	int rc = run("Session ID;Created_At;Sender;Message\n"
	    "s1;2026-11-20T10:30:15Z;Visitor;hallo\n"
	    "s1;2026-11-20T10:30:16Z;BOT;grüß dich\n"
	    "s1;2026-11-20T10:30:17Z;customer;a\n"
	    "s1;2026-11-20T10:30:18Z;operator;b\n"
	    "s1;2026-11-20T10:30:19Z;AI;c\n"
	    "s1;2026-11-20T10:30:20Z;System;d\n"
	    "s1;2026-11-20T10:30:21Z;Agent;e\n", 0);

	is_int(rc, 0, "aliases: status");
	is_int(got.n_diag, 0, "aliases: no diagnostics");
	is_int(got.n_rec, 8, "aliases: records");
	is_str(got.rec[1], "msg 2 s1 @2026-11-20T10:30:15Z user 'hallo'",
	    "aliases: ';' delimiter, visitor is user");
	is_str(got.rec[2], "msg 3 s1 @2026-11-20T10:30:16Z assistant "
	    "'grüß dich'", "aliases: bot is assistant");
	is_str(got.rec[3], "msg 4 s1 @2026-11-20T10:30:17Z user 'a'",
	    "aliases: customer is user");
	is_str(got.rec[4], "msg 5 s1 @2026-11-20T10:30:18Z agent 'b'",
	    "aliases: operator is agent");
	is_str(got.rec[5], "msg 6 s1 @2026-11-20T10:30:19Z assistant 'c'",
	    "aliases: ai is assistant");
	is_str(got.rec[6], "msg 7 s1 @2026-11-20T10:30:20Z system 'd'",
	    "aliases: system");
	is_str(got.rec[7], "msg 8 s1 @2026-11-20T10:30:21Z agent 'e'",
	    "aliases: agent");

	rc = run("chat_id\tts\tauthor\tbody\n"
	    "x\t1795170615\tuser\tepoch seconds, with a comma\n"
	    "x\t1795170615123\tuser\tepoch ms\n", 0);
	is_int(rc, 0, "tab: status");
	is_str(got.rec[1], "msg 2 x @2026-11-20T10:30:15Z user "
	    "'epoch seconds, with a comma'", "tab: delimiter, epoch seconds");
	is_str(got.rec[2], "msg 3 x @2026-11-20T10:30:15.123Z user 'epoch ms'",
	    "tab: epoch milliseconds");

	rc = run("conversation,time,role,content\n"
	    "y,2026-11-20T10:30:15Z,AI,x\n", 0);
	is_int(rc, 0, "conversation/time/content aliases");
	is_str(got.rec[1], "msg 2 y @2026-11-20T10:30:15Z assistant 'x'",
	    "conversation/time/content: message, AI is assistant");
}

static void
test_flattened(void)
{
	int rc = run("conversation_id,ts,role,text,user,source,assistant,"
	    "device,browser,location.country,Region,location_city,status,"
	    "started_at,ended_at,end_reason,csat\n"
	    "c1,2026-11-20T10:30:15Z,user,Hi,u-17,web_widget,Sales bot,"
	    "mobile,Firefox,DE,Bavaria,Munich,ENDED,2026-11-20T10:30:00Z,"
	    "2026-11-20T10:45:00Z,user,4\n"
	    "c1,2026-11-20T10:30:20Z,user,again,,web_widget,,,,,,,,,,,\n"
	    "c1,2026-11-20T10:30:25Z,user,more,,,,,,,,,,,,,\n", 0);

	is_int(rc, 0, "flattened conversation fields: status");
	is_int(got.n_rec, 5, "flattened conversation fields: records");
	is_str(got.rec[0], "conv 2 c1/web_widget @2026-11-20T10:30:15Z "
	    "user=u-17 assistant=Sales bot device=mobile browser=Firefox "
	    "country=DE region=Bavaria city=Munich status=ended "
	    "started=2026-11-20T10:30:00Z ended=2026-11-20T10:45:00Z "
	    "end_reason=user csat=4", "flattened conversation fields");
	is_str(got.rec[2], "conv 3 c1/web_widget @2026-11-20T10:30:20Z",
	    "a stated source repeats the conversation record");
	is_str(got.rec[4], "msg 4 c1/web_widget @2026-11-20T10:30:25Z user "
	    "'more'", "an empty source continues the conversation above");

	rc = run("conversation_id,ts,role,text,click.type,click_title,"
	    "Click Target,fallback,intent,confidence,agent,feedback,handover,"
	    "media.type,media_name,media-url,usage_input_tokens,"
	    "usage.output_tokens,usage_cost\n"
	    "c1,2026-11-20T10:30:15Z,user,,quick_reply,Talk to a human,"
	    "/handover,,,,,,operator_button,,,,,,\n"
	    "c1,2026-11-20T10:30:16Z,assistant,Sorry?,,,,TRUE,,,faq-agent,"
	    "down,,image,a.png,https://x.test/a.png,120,40,0.25\n"
	    "c1,2026-11-20T10:30:17Z,user,ok,,,,no,greet,0.75,,up,"
	    "after_fallback,,,,,,\n", 0);
	is_int(rc, 0, "flattened message fields: status");
	is_int(got.n_diag, 0, "flattened message fields: no diagnostics");
	is_str(got.rec[1], "msg 2 c1 @2026-11-20T10:30:15Z user "
	    "click=quick_reply|Talk to a human|/handover "
	    "handover=operator_button", "click fields");
	is_str(got.rec[2], "msg 3 c1 @2026-11-20T10:30:16Z assistant 'Sorry?' "
	    "fallback=1 agent=faq-agent feedback=down "
	    "media=image|a.png|https://x.test/a.png in=120 out=40 cost=0.25",
	    "media and usage fields");
	is_str(got.rec[3], "msg 4 c1 @2026-11-20T10:30:17Z user 'ok' "
	    "fallback=0 intent=greet confidence=0.75 feedback=up "
	    "handover=after_fallback", "signals");
}

static void
test_variables(void)
{
	int rc = run("conversation_id,ts,role,text,plan,variables.topic,"
	    "lead_email\n"
	    "c1,2026-11-20T10:30:15Z,user,a,pro,,\n"
	    "c1,2026-11-20T10:30:16Z,user,b,pro,billing,x@y.test\n"
	    "c1,2026-11-20T10:30:17Z,user,c,basic,billing,x@y.test\n"
	    "c2,2026-11-20T10:30:18Z,user,d,basic,,\n", 0);

	is_int(rc, 0, "variables: status");
	is_int(got.n_diag, 1, "variables: one warning");
	is_str(got.diag[0], "1:0: warning: unknown column 'plan' kept as a "
	    "variable", "variables: warning at line 1");
	is_int(got.n_rec, 11, "variables: records");
	is_str(got.rec[1], "var 2 c1 @2026-11-20T10:30:15Z plan=pro (csv)",
	    "variables: unknown column");
	is_str(got.rec[2], "msg 2 c1 @2026-11-20T10:30:15Z user 'a'",
	    "variables: then the message");
	is_str(got.rec[3], "var 3 c1 @2026-11-20T10:30:16Z topic=billing (csv)",
	    "variables: same value not repeated, variables.NAME");
	is_str(got.rec[4], "lead 3 c1 @2026-11-20T10:30:16Z |x@y.test|",
	    "variables: lead");
	is_str(got.rec[6], "var 4 c1 @2026-11-20T10:30:17Z plan=basic (csv)",
	    "variables: a changed value");
	is_str(got.rec[7], "msg 4 c1 @2026-11-20T10:30:17Z user 'c'",
	    "variables: the same lead is not repeated");
	is_str(got.rec[8], "conv 5 c2 @2026-11-20T10:30:18Z",
	    "variables: next conversation");
	is_str(got.rec[9], "var 5 c2 @2026-11-20T10:30:18Z plan=basic (csv)",
	    "variables: emitted again for another conversation");

	rc = run("conversation_id,ts,role,,role\n"
	    "c1,2026-11-20T10:30:15Z,user,x,bot\n", 0);
	is_int(rc, 0, "odd columns: status");
	is_int(got.n_diag, 2, "odd columns: two warnings");
	is_str(got.diag[0], "1:0: warning: unnamed column 'column_4' kept as a "
	    "variable", "odd columns: unnamed");
	is_str(got.diag[1], "1:0: warning: duplicate column 'role' kept as a "
	    "variable", "odd columns: duplicate");
	is_str(got.rec[1], "var 2 c1 @2026-11-20T10:30:15Z column_4=x (csv)",
	    "odd columns: unnamed kept");
	is_str(got.rec[2], "var 2 c1 @2026-11-20T10:30:15Z role=bot (csv)",
	    "odd columns: duplicate kept");
}

static void
test_multiline(void)
{
	int rc = run("conversation_id,ts,role,text\n"
	    "\n"
	    "c1,2026-11-20T10:30:15Z,assistant,\"line one\n"
	    "\n"
	    "line \"\"three\"\"\"\n"
	    "   \n"
	    "c1,2026-11-20T10:30:16Z,user,x,extra\n"
	    "c1,2026-11-20T10:30:17Z,user,He said \"hi\"\n", 1);

	is_int(rc, CONVO_EDATA, "multi-line: status with a bad row");
	is_int(got.n_rec, 3, "multi-line: records");
	is_str(got.rec[1], "msg 3 c1 @2026-11-20T10:30:15Z assistant "
	    "'line one\n\nline \"three\"'", "multi-line: quoted field");
	is_int(got.n_diag, 1, "multi-line: one error");
	is_str(got.diag[0], "7:0: row has 5 fields, header has 4",
	    "multi-line: the bad row's line counts the lines of a field");
	is_str(got.rec[2], "msg 8 c1 @2026-11-20T10:30:17Z user "
	    "'He said \"hi\"'", "multi-line: a bare quote is literal");
	is_int(got.n_bad, 1, "multi-line: one bad record");
}

static void
test_field_count(void)
{
	int rc = run("conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,a\n"
	    "c1,2026-11-20T10:30:16Z,user\n"
	    "c1,2026-11-20T10:30:17Z,user,c\n", 0);

	is_int(rc, CONVO_EDATA, "field count: status");
	is_int(got.n_rec, 2, "field count: stops at the bad row");
	is_int(got.n_diag, 1, "field count: one error");
	is_str(got.diag[0], "3:0: row has 3 fields, header has 4",
	    "field count: message");

	rc = run("conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,a\n"
	    "c1,2026-11-20T10:30:16Z,user\n"
	    "c1,2026-11-20T10:30:17Z,user,c,d,e\n"
	    "c1,2026-11-20T10:30:18Z,user,d\n", 1);
	is_int(rc, CONVO_EDATA, "skip-bad: status");
	is_int(got.n_bad, 2, "skip-bad: two bad rows");
	is_int(got.n_rec, 3, "skip-bad: good rows kept");
	is_str(got.diag[1], "4:0: row has 6 fields, header has 4",
	    "skip-bad: each bad row reported");
	is_str(got.rec[2], "msg 5 c1 @2026-11-20T10:30:18Z user 'd'",
	    "skip-bad: the row after");
}

static void
test_header(void)
{
	int rc = run("conversation_id,text\nc1,x\n", 1);

	is_int(rc, CONVO_EDATA, "missing columns: status even with skip-bad");
	is_int(got.n_rec, 0, "missing columns: nothing");
	is_int(got.n_diag, 2, "missing columns: two errors");
	is_str(got.diag[0], "1:0: missing column 'timestamp'",
	    "missing column: timestamp");
	is_str(got.diag[1], "1:0: missing column 'role'", "missing column: role");

	rc = run("ts,role,text\n2026-11-20T10:30:15Z,user,x\n", 0);
	is_str(got.diag[0], "1:0: missing column 'conversation_id'",
	    "missing column: conversation_id");

	rc = run_n("\n\n", 2, 0);
	is_int(rc, 0, "blank input: nothing to do");
	is_int(got.n_rec + got.n_diag, 0, "blank input: nothing reported");
	rc = run("conversation_id,ts,role\n", 0);
	is_int(rc, 0, "header only");
}

static void
test_bad_cells(void)
{
	static const struct {
		const char *row;
		const char *diag;
	} cases[] = {
		{ "c1,2026-11-20T10:30:15Z,user,maybe,,,,,",
		  "2:0: bad boolean 'maybe' in column 'fallback' "
		  "(expected true, false, yes, no, 1 or 0)" },
		{ "c1,2026-11-20T10:30:15Z,robot,,,,,,",
		  "2:0: unknown role 'robot' in column 'role' "
		  "(expected user, assistant, agent or system)" },
		{ "c1,2026-11-20T10:30:15Z,user,,meh,,,,",
		  "2:0: unknown feedback 'meh' in column 'feedback' "
		  "(expected up or down)" },
		{ "c1,2026-11-20T10:30:15Z,user,,,human,,,",
		  "2:0: unknown handover 'human' in column 'handover' "
		  "(expected direct, after_fallback or operator_button)" },
		{ "c1,2026-11-20T10:30:15Z,user,,,,6,,",
		  "2:0: bad csat '6' in column 'csat' (expected 1 to 5)" },
		{ "c1,2026-11-20T10:30:15Z,user,,,,,over,",
		  "2:0: unknown status 'over' in column 'status' "
		  "(expected active or ended)" },
		{ "c1,2026-11-20T10:30:15Z,user,,,,,,-3",
		  "2:0: bad number '-3' in column 'usage_input_tokens' "
		  "(expected a whole number)" },
		{ ",2026-11-20T10:30:15Z,user,,,,,,",
		  "2:0: missing value in column 'conversation_id'" },
		{ "c1,,user,,,,,,", "2:0: missing value in column 'ts'" },
		{ "c1,2026-11-20T10:30:15Z,,,,,,,",
		  "2:0: missing value in column 'role'" }
	};
	char input[512];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(input, sizeof(input), "conversation_id,ts,role,"
		    "fallback,feedback,handover,csat,status,"
		    "usage_input_tokens\n%s\n", cases[i].row);
		rc = run(input, 0);
		is_int(rc, CONVO_EDATA, "bad cell: status");
		is_int(got.n_rec, 0, "bad cell: a bad row emits nothing");
		is_str(got.n_diag ? got.diag[0] : NULL, cases[i].diag, cases[i].diag);
	}
}

static void
test_bad_time(void)
{
	char want[256];
	const char *why = NULL;
	int64_t ms;
	int rc;

	convo_time_parse(&ms, &why, "20.11.2026 10:30");
	snprintf(want, sizeof(want), "3:0: bad timestamp '20.11.2026 10:30' "
	    "in column 'timestamp': %s", why);
	rc = run("conversation_id,timestamp,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,a\n"
	    "c1,20.11.2026 10:30,user,b\n", 0);
	is_int(rc, CONVO_EDATA, "bad timestamp: status");
	is_str(got.n_diag ? got.diag[0] : NULL, want, "bad timestamp: message");

	convo_time_from_epoch(&ms, &why, 12);
	snprintf(want, sizeof(want), "2:0: bad timestamp '12' in column "
	    "'timestamp': %s", why);
	rc = run("conversation_id,timestamp,role,text\nc1,12,user,b\n", 0);
	is_str(got.n_diag ? got.diag[0] : NULL, want, "bad epoch: message");

	convo_time_parse(&ms, &why, "soon");
	snprintf(want, sizeof(want), "2:0: bad timestamp 'soon' in column "
	    "'ended_at': %s", why);
	rc = run("conversation_id,timestamp,role,ended_at\n"
	    "c1,2026-11-20T10:30:15Z,user,soon\n", 0);
	is_str(got.n_diag ? got.diag[0] : NULL, want, "bad ended_at: message");
	is_int(got.n_rec, 0, "bad ended_at: nothing emitted");
}

static void
test_local_time(void)
{
	int rc;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	rc = run("conversation_id,ts,role\n"
	    "c1,2026-11-20 10:30:15,user\n"
	    "c1,2026-07-01T10:30:15,user\n"
	    "c1,2026-07-01T10:30:15+02:00,user\n", 0);
	is_int(rc, 0, "local times: status");
	is_str(got.rec[1], "msg 2 c1 @2026-11-20T09:30:15Z user",
	    "local time in winter");
	is_str(got.rec[2], "msg 3 c1 @2026-07-01T08:30:15Z user",
	    "local time in summer (DST)");
	is_str(got.rec[3], "msg 4 c1 @2026-07-01T08:30:15Z user",
	    "explicit offset");
}

static void
test_quotes(void)
{
	int rc = run("conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,\"ok\"\n"
	    "c1,2026-11-20T10:30:16Z,user,\"never\n"
	    "closed\n", 0);

	is_int(rc, CONVO_EDATA, "unterminated quote: status");
	is_int(got.n_rec, 2, "unterminated quote: rows before kept");
	is_str(got.n_diag ? got.diag[0] : NULL, "3:0: unterminated quoted field",
	    "unterminated quote: at the line where the row started");

	rc = run("conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,\"ok\" then,x\n"
	    "c1,2026-11-20T10:30:16Z,user,fine\n", 1);
	is_int(rc, CONVO_EDATA, "text after quote: status");
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "2:35: unexpected text after closing quote",
	    "text after quote: line and column");
	is_int(got.n_rec, 2, "text after quote: next row read");
	is_str(got.rec[1], "msg 3 c1 @2026-11-20T10:30:16Z user 'fine'",
	    "text after quote: the parser starts over on the next line");

	rc = run("conversation_id,ts,role,text\r\n"
	    "c1,2026-11-20T10:30:15Z,user,\"a\r\nb\"\r\n", 0);
	is_int(rc, 0, "CRLF: status");
	is_str(got.rec[1], "msg 2 c1 @2026-11-20T10:30:15Z user 'a\nb'",
	    "CRLF: line ends inside a field become LF");
}

static void
test_reader_errors(void)
{
	int rc = run("conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,\"bad \xff\"\n"
	    "c1,2026-11-20T10:30:16Z,user,good\n", 1);

	is_int(rc, CONVO_EDATA, "invalid UTF-8: status");
	is_int(got.n_diag, 1, "invalid UTF-8: one error");
	is_str(got.diag[0], "2:35: invalid UTF-8", "invalid UTF-8: position");
	is_int(got.n_rec, 2, "invalid UTF-8: the next row is kept");

	rc = run("conversation_id,ts,\xff\n", 1);
	is_int(rc, CONVO_EDATA, "bad header line: status");
	is_int(got.n_rec, 0, "bad header line: nothing");
}

/* Rows and headers past the ceilings fail instead of eating memory. */
static void
test_limits(void)
{
	static const char head[] = "conversation_id,ts,role,text\n"
	    "c1,2026-11-20T10:30:15Z,user,\"";
	static const char tail[] = "\"\nc1,2026-11-20T10:30:16Z,user,ok\n";
	size_t line = 1u << 20, n = 0, i;
	char *big;
	int rc;

	big = malloc(sizeof(head) + 9 * (line + 1) + sizeof(tail));
	memcpy(big, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (i = 0; i < 9; i++) {
		memset(big + n, 'a', line);
		big[n + line] = '\n';
		n += line + 1;
	}
	memcpy(big + n, tail, sizeof(tail));
	rc = run_n(big, n + sizeof(tail) - 1, 1);
	is_int(rc, CONVO_EDATA, "long row: status");
	is_str(got.n_diag ? got.diag[0] : NULL, "2:0: row longer than 8 MiB",
	    "long row: at its first line");
	is_int(got.n_diag, 1, "long row: its other lines are no rows");
	is_int(got.n_bad, 1, "long row: one bad record");
	is_str(got.n_rec ? got.rec[got.n_rec - 1] : NULL,
	    "msg 12 c1 @2026-11-20T10:30:16Z user 'ok'",
	    "long row: the next row is read");
	free(big);

	big = malloc(5000 * 3 + 1);
	for (i = 0; i < 5000; i++)
		memcpy(big + 3 * i, "ab,", 3);
	big[5000 * 3 - 1] = '\n';
	rc = run_n(big, 5000 * 3, 0);
	is_int(rc, CONVO_EDATA, "wide header: status");
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:0: header has more than 4096 columns", "wide header: message");
	free(big);
}

/*
 * A diagnostic quotes the input, but is one line of clean text: a
 * terminal escape, a bell, RLO or a line end in a quoted cell cannot
 * reach the terminal or forge a line; a header name is cut as a cell is.
 */
static void
test_hostile_diag(void)
{
	char *big;
	size_t n, i;
	int rc;

	rc = run("conversation_id,ts,role,text,x\x1b[2J\xe2\x80\xae\n"
	    "c1,2026-11-20T10:30:15Z,\"us\x1b]0;pwn\x07\nconvo-import: x\","
	    "hi,1\n", 0);
	is_int(rc, CONVO_EDATA, "hostile diagnostic: status");
	is_int(got.n_diag, 2, "hostile diagnostic: a warning and an error");
	is_str(got.diag[0], "1:0: warning: unknown column 'x" FFFD "[2J" FFFD
	    "' kept as a variable", "  ESC and RLO in a header name are U+FFFD");
	is_str(got.diag[1], "2:0: unknown role 'us" FFFD "]0;pwn" FFFD
	    " convo-import: x' in column 'role' (expected user, assistant, "
	    "agent or system)", "  ESC, BEL, LF in a cell: U+FFFD and a space");

	big = malloc(3 * 300 + 64);
	n = (size_t)snprintf(big, 64, "conversation_id,ts,role,text,");
	for (i = 0; i < 300; i++, n += 2)
		memcpy(big + n, "\xc3\xa9", 2);
	snprintf(big + n, 64, "\nc1,2026-11-20T10:30:15Z,user,hi,\n");
	rc = run(big, 0);
	is_int(rc, 0, "long header name: status");
	is_str(got.n_diag ? got.diag[0] : NULL, "1:0: warning: unknown column "
	    "'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9...' kept as a variable",
	    "  a long header name is cut after 60 bytes, at a character");
	free(big);

	/* An id that no command line or pipe could pass: refused. */
	rc = run("conversation_id,ts,role,text\n"
	    "c1\r,2026-11-20T10:30:15Z,user,a\n"
	    "\"c2\nc3\",2026-11-20T10:30:16Z,user,b\n"
	    "c4\xc2\x9b,2026-11-20T10:30:17Z,user,c\n"
	    "c5\xe2\x80\xae,2026-11-20T10:30:18Z,user,d\n", 1);
	is_int(rc, CONVO_EDATA, "control in an id: skipped with skip_bad");
	is_int(got.n_bad, 3, "control in an id: three bad rows");
	is_int(got.n_diag, 3, "control in an id: three diagnostics");
	is_str(got.diag[0], "2:0: control character in the conversation id "
	    "'c1" FFFD "'", "  CR, at the row");
	is_str(got.diag[1], "3:0: control character in the conversation id "
	    "'c2 c3'", "  a line end, at the row's first line");
	is_str(got.diag[2], "5:0: control character in the conversation id "
	    "'c4" FFFD "'", "  a C1 control");
	is_int(got.n_rec, 2, "control in an id: only the RLO one stored");
	is_str(got.rec[1], "msg 6 c5\xe2\x80\xae @2026-11-20T10:30:18Z user 'd'",
	    "  RLO is no control: the renderers show it as U+FFFD");
}

static void
test_sink_error(void)
{
	int rc;

	harness.sink_fails_after = 0;
	rc = run("conversation_id,ts,role\nc1,2026-11-20T10:30:15Z,user\n", 1);
	harness.sink_fails_after = -1;
	is_int(rc, CONVO_EIO, "a sink error ends the parse");
}

static void
test_sniff(void)
{
	static const char *const yes[] = {
		"conversation_id,timestamp,role,text\nc1,",
		"\"Session ID\";\"Created At\";\"Sender\"\n",
		"chat_id\tts\n",
		"CONVERSATION,TIME"
	};
	static const char *const no[] = {
		"conversation_id\n",
		"conversation_id,role,text\n",
		"id,ts,role\n",
		"[10:30:15] User: hi\n",
		"a;b;c\n"
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		is_int(parse_csv_sniff(yes[i], strlen(yes[i])), 1,
		    "sniff: a CSV header");
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		is_int(parse_csv_sniff(no[i], strlen(no[i])), 0,
		    "sniff: not a CSV header");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	harness.parse = parse_csv;
	harness.file = harness.path_hint = "t.csv";
	test_basic();
	test_aliases();
	test_flattened();
	test_variables();
	test_multiline();
	test_field_count();
	test_header();
	test_bad_cells();
	test_bad_time();
	test_quotes();
	test_reader_errors();
	test_limits();
	test_hostile_diag();
	test_sink_error();
	test_sniff();
	test_local_time();
	return done_testing();
}
