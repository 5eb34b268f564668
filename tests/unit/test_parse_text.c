/*
 * test_parse_text.c: unit tests of the plain-text transcript parser and
 * its sniffer: records and diagnostics, exactly, with local times in
 * Europe/Berlin (a DST day included), and long threads cut at the
 * session gap.
 */
#include "convo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

/* Parses input as a transcript named path (NULL: standard input). */
static int
run_text(const char *input, const char *path, int skip_bad, int64_t date)
{
	harness.file = path ? path : "-";
	harness.path_hint = path;
	harness.date = date;
	return run(input, skip_bad);
}

static void
test_basic(void)
{
	int rc = run_text("Date: 2026-11-20\n"
	    "Conversation: web-123\n"
	    "user: visitor-9\n"
	    "Channel: web_widget\n"
	    "Assistant: Sofia\n"
	    "\n"
	    "[10:30:15] User: Hi, I need help\n"
	    "with my order\n"
	    "\n"
	    "  - order 17\n"
	    "\n"
	    "   \n"
	    "[10:30:20] Sofia: Sure!\n"
	    "[10:31] Anna Schmidt: I'm a human\n"
	    "[10:32:07.25] visitor-9: thanks\n", "x.txt", 0, CONVO_TIME_NONE);

	is_int(rc, 0, "basic: status");
	is_int(got.n_diag, 0, "basic: no diagnostics");
	is_int(got.n_rec, 5, "basic: records");
	is_str(got.rec[0], "conv 7 web-123/web_widget @2026-11-20T09:30:15Z "
	    "user=visitor-9 assistant=Sofia", "basic: conversation header");
	is_str(got.rec[1], "msg 7 web-123/web_widget @2026-11-20T09:30:15Z user "
	    "'Hi, I need help\nwith my order\n\n  - order 17'",
	    "basic: continuation lines, trailing blank lines trimmed");
	is_str(got.rec[2], "msg 13 web-123/web_widget @2026-11-20T09:30:20Z "
	    "assistant 'Sure!'", "basic: the Assistant: name is the bot");
	is_str(got.rec[3], "msg 14 web-123/web_widget @2026-11-20T09:31:00Z "
	    "agent 'I'm a human'", "basic: [HH:MM], another name is an agent");
	is_str(got.rec[4], "msg 15 web-123/web_widget @2026-11-20T09:32:07.250Z "
	    "user 'thanks'", "basic: fractions, the User: name is the user");
}

static void
test_roles(void)
{
	static const struct {
		const char *name;
		const char *role;
	} cases[] = {
		{ "User", "user" }, { "visitor", "user" },
		{ "Customer", "user" }, { "You", "user" },
		{ "AI", "assistant" }, { "Bot", "assistant" },
		{ "assistant", "assistant" }, { "Chatbot", "assistant" },
		{ "System", "system" }, { "Agent", "agent" },
		{ "Operator", "agent" }, { "Max Mustermann", "agent" }
	};
	char input[128], want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(input, sizeof(input),
		    "Date: 2026-11-20\n[10:00] %s: x\n", cases[i].name);
		run_text(input, "r.txt", 0, CONVO_TIME_NONE);
		snprintf(want, sizeof(want),
		    "msg 2 r @2026-11-20T09:00:00Z %s 'x'", cases[i].role);
		is_str(got.n_rec == 2 ? got.rec[1] : NULL, want, cases[i].name);
	}
}

static void
test_times(void)
{
	int rc = run_text("Date: 2026-11-20\n"
	    "[23:59:50] User: still there?\n"
	    "[00:00:10] Bot: yes\n"
	    "[00:00:05] User: a little back: the same day\n"
	    "[12:05 AM] User: a\n"
	    "[12:30:00 PM] User: b\n"
	    "[1:15:00 p.m.] User: c\n", "t.txt", 0, CONVO_TIME_NONE);

	is_int(rc, 0, "times: status");
	is_int(got.n_rec, 7, "times: records");
	is_str(got.rec[1], "msg 2 t @2026-11-20T22:59:50Z user 'still there?'",
	    "times: before midnight");
	is_str(got.rec[2], "msg 3 t @2026-11-20T23:00:10Z assistant 'yes'",
	    "times: midnight rolls the day over");
	is_str(got.rec[3], "msg 4 t @2026-11-20T23:00:05Z user "
	    "'a little back: the same day'", "times: a small step back");
	is_str(got.rec[4], "msg 5 t @2026-11-20T23:05:00Z user 'a'",
	    "times: 12 AM is 0 h");
	is_str(got.rec[5], "msg 6 t @2026-11-21T11:30:00Z user 'b'",
	    "times: 12 PM is noon");
	is_str(got.rec[6], "msg 7 t @2026-11-21T12:15:00Z user 'c'",
	    "times: p.m.");
}

static void
test_dates(void)
{
	int64_t july = convo_time_local(2026, 7, 1, 0, 0, 0, 0);
	char want[128];
	uint64_t h;
	unsigned char be[8];
	int64_t ts;
	int i, rc;

	rc = run_text("Date: 2026-11-20\n[10:00] User: x\n", "2026-03-28-chat.txt",
	    0, july);
	is_str(got.n_rec ? got.rec[1] : NULL, "msg 2 2026-03-28-chat "
	    "@2026-11-20T09:00:00Z user 'x'", "date: the header wins");

	rc = run_text("[10:00] User: x\n", "2026-03-28-chat.txt", 0, july);
	is_str(got.n_rec ? got.rec[1] : NULL, "msg 1 2026-03-28-chat "
	    "@2026-07-01T08:00:00Z user 'x'", "date: --date before the name");

	rc = run_text("\n[01:30] User: x\n[03:30] Bot: y\n",
	    "logs/2026-03-29-support.txt", 0, CONVO_TIME_NONE);
	is_int(rc, 0, "date from the name: status");
	is_str(got.n_rec ? got.rec[0] : NULL,
	    "conv 2 2026-03-29-support @2026-03-29T00:30:00Z",
	    "date from the name: id is the name");
	is_str(got.n_rec ? got.rec[2] : NULL, "msg 3 2026-03-29-support "
	    "@2026-03-29T01:30:00Z assistant 'y'",
	    "date from the name: after the DST change");

	rc = run_text("Chat transcript exported 2026-11-20 by Acme\n"
	    "[10:00] User: x\n", "a.log", 0, CONVO_TIME_NONE);
	is_str(got.n_rec ? got.rec[1] : NULL, "msg 2 a @2026-11-20T09:00:00Z user "
	    "'x'", "date: any line before the messages");

	rc = run_text("[2026-07-01 10:30:15] User: hi\n[2026-07-02T10:00] Bot: b\n"
	    "[11:00] User: c\n", NULL, 0, CONVO_TIME_NONE);
	ts = convo_time_local(2026, 7, 1, 10, 30, 15, 0);
	for (i = 0; i < 8; i++)
		be[i] = (unsigned char)((uint64_t)ts >> (56 - 8 * i));
	h = hash64(hash64(HASH64_INIT, be, 8), "hi", 2);
	snprintf(want, sizeof(want), "conv 1 text-%016" PRIx64
	    " @2026-07-01T08:30:15Z", h);
	is_int(rc, 0, "full dates: status");
	is_str(got.n_rec ? got.rec[0] : NULL, want, "standard input: a hashed id");
	ok(got.n_rec == 4 && strstr(got.rec[2], " @2026-07-02T08:00:00Z ") &&
	    strstr(got.rec[3], " @2026-07-02T09:00:00Z "),
	    "full dates: a line's date holds for the lines after it");

	rc = run_text("[10:00] User: x\n", NULL, 1, CONVO_TIME_NONE);
	is_int(rc, CONVO_EDATA, "no date: status, even with skip-bad");
	is_int(got.n_rec, 0, "no date: nothing");
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:0: no date: add a 'Date:' line or give --date", "no date");
	rc = run_text("\n\n[10:00] User: x\n", "notes.txt", 0, CONVO_TIME_NONE);
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:0: no date: add a 'Date:' line or give --date",
	    "no date in the name either");
}

static void
test_conversations(void)
{
	int rc = run_text("Source: whatsapp\n"
	    "Date: 2026-11-20\n"
	    "Conversation: a\n"
	    "User: +491701\n"
	    "[10:00] User: hi\n"
	    "[10:01] Bot: hello\n"
	    "Conversation: went well\n"
	    "Conversation: b\n"
	    "\n"
	    "[11:00] User: second\n"
	    "Date: 2026-11-21\n"
	    "[09:00] User: third\n", "chats.txt", 0, CONVO_TIME_NONE);

	is_int(rc, 0, "conversations: status");
	is_int(got.n_rec, 7, "conversations: records");
	is_str(got.rec[0], "conv 5 a/whatsapp @2026-11-20T09:00:00Z "
	    "user=+491701", "conversations: first");
	is_str(got.rec[2], "msg 6 a/whatsapp @2026-11-20T09:01:00Z assistant "
	    "'hello\nConversation: went well'",
	    "conversations: a sentence is no header");
	is_str(got.rec[3], "conv 10 b/whatsapp @2026-11-20T10:00:00Z",
	    "conversations: second, source kept, user not");
	is_str(got.rec[5], "conv 12 chats-3/whatsapp @2026-11-21T08:00:00Z",
	    "conversations: a Date: line begins the third");
	is_str(got.rec[6], "msg 12 chats-3/whatsapp @2026-11-21T08:00:00Z user "
	    "'third'", "conversations: third message");

	rc = run_text("Conversation ID: abc\nDATE: 2026-11-20\n[10:00] User: x\n",
	    "k.txt", 0, CONVO_TIME_NONE);
	is_str(got.n_rec ? got.rec[0] : NULL, "conv 3 abc @2026-11-20T09:00:00Z",
	    "keys: Conversation ID:, any case");
	rc = run_text("ID: xyz\nDate: 2026-11-20\n[10:00] User: x\nID: next\n",
	    "k.txt", 0, CONVO_TIME_NONE);
	is_str(got.n_rec > 1 ? got.rec[1] : NULL,
	    "msg 3 xyz @2026-11-20T09:00:00Z user 'x\nID: next'",
	    "keys: ID:, which does not begin a conversation");

	rc = run_text("Date: 2026-11-20\nConversation: x\n", "e.txt", 0,
	    CONVO_TIME_NONE);
	is_int(rc, 0, "no messages: status");
	is_int(got.n_rec, 0, "no messages: nothing");
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:0: warning: header without messages, nothing imported",
	    "no messages: a warning");
}

#define DAY_MS INT64_C(86400000)
#define MIN_MS INT64_C(60000)

/* Cut at a gap just over the default day, not at exactly a day. */
static void
test_gap_day(void)
{
	int rc = run_text("Conversation: support\n"
	    "User: +491701\n"
	    "Source: sms\n"
	    "Assistant: Shop Bot\n"
	    "[2026-11-20 10:30:00] User: hi\n"
	    "where is my order?\n"
	    "[2026-11-20 10:31:00] Shop Bot: checking\n"
	    "[2026-11-21 10:31:00] User: a day later\n"
	    "[2026-11-22 10:31:00.001] User: a day and a moment later\n"
	    "\n"
	    "still waiting\n"
	    "[2026-11-22 10:32:00] Shop Bot: sorry\n", "g.txt", 0,
	    CONVO_TIME_NONE);

	is_int(rc, 0, "gap: status");
	is_int(got.n_diag, 0, "gap: no diagnostics");
	is_int(got.n_rec, 7, "gap: records");
	is_str(got.rec[0], "conv 5 support/sms @2026-11-20T09:30:00Z "
	    "user=+491701 assistant=Shop Bot", "gap: the first piece");
	is_str(got.rec[1], "msg 5 support/sms @2026-11-20T09:30:00Z user "
	    "'hi\nwhere is my order?'", "gap: a continuation line");
	is_str(got.rec[3], "msg 8 support/sms @2026-11-21T09:31:00Z user "
	    "'a day later'", "gap: exactly the gap does not cut");
	is_str(got.rec[4], "conv 9 support@20261122T093100Z/sms "
	    "@2026-11-22T09:31:00.001Z user=+491701 assistant=Shop Bot",
	    "gap: a millisecond more cuts, the headers carry over");
	is_str(got.rec[5], "msg 9 support@20261122T093100Z/sms "
	    "@2026-11-22T09:31:00.001Z user "
	    "'a day and a moment later\n\nstill waiting'",
	    "gap: continuation lines stay with their message");
	is_str(got.rec[6], "msg 12 support@20261122T093100Z/sms "
	    "@2026-11-22T09:32:00Z assistant 'sorry'",
	    "gap: the piece goes on");
}

static const char half_hours[] = "Date: 2026-11-20\n"
    "[09:00] User: a\n"
    "[09:30] Bot: b\n"
    "[10:00:01] User: c\n"
    "[10:10] Bot: d\n"
    "[23:50] User: e\n"
    "[00:10] Bot: f\n";

/* --session-gap 30m, with the file's name as the thread's id. */
static void
test_gap_custom(void)
{
	int rc;

	harness.session_gap_ms = 30 * MIN_MS;
	rc = run_text(half_hours, "sms.txt", 0, CONVO_TIME_NONE);
	is_int(rc, 0, "gap 30m: status");
	is_int(got.n_rec, 9, "gap 30m: records");
	is_str(got.rec[2], "msg 3 sms @2026-11-20T08:30:00Z assistant 'b'",
	    "gap 30m: exactly 30 minutes does not cut");
	is_str(got.rec[3], "conv 4 sms@20261120T090001Z @2026-11-20T09:00:01Z",
	    "gap 30m: a second more cuts");
	is_str(got.rec[5], "msg 5 sms@20261120T090001Z @2026-11-20T09:10:00Z "
	    "assistant 'd'", "gap 30m: the second piece");
	is_str(got.rec[6], "conv 6 sms@20261120T225000Z @2026-11-20T22:50:00Z",
	    "gap 30m: the third piece");
	is_str(got.rec[8], "msg 7 sms@20261120T225000Z @2026-11-20T23:10:00Z "
	    "assistant 'f'", "gap 30m: across midnight, 20 minutes");

	rc = run_text("Date: 2026-11-20\nConversation: a\n[09:00] User: x\n"
	    "Conversation: b\n[11:00] User: y\n", "ab.txt", 0,
	    CONVO_TIME_NONE);
	is_str(got.n_rec == 4 ? got.rec[2] : NULL,
	    "conv 5 b @2026-11-20T10:00:00Z",
	    "gap 30m: a new conversation is not a piece of the one before");

	harness.session_gap_ms = 0;
	rc = run_text(half_hours, "sms.txt", 0, CONVO_TIME_NONE);
	is_int(got.n_rec, 7, "gap 0: never cuts");
	is_str(got.rec[6], "msg 7 sms @2026-11-20T23:10:00Z assistant 'f'",
	    "gap 0: one conversation");
	harness.session_gap_ms = -1;
	rc = run_text(half_hours, "sms.txt", 0, CONVO_TIME_NONE);
	is_int(got.n_rec, 7, "gap below 0: never cuts");
	harness.session_gap_ms = DAY_MS;
}

static void
test_gap_file(void)
{
	int rc;

	harness.file = harness.path_hint = "good-long-thread.txt";
	rc = run_file("good-long-thread.txt", 0);
	is_int(rc, 0, "long thread: status");
	is_int(got.n_rec, 14, "long thread: three pieces");
	is_str(got.rec[4], "msg 9 support/sms @2026-11-20T08:15:44Z "
	    "assistant 'Thanks! It left our warehouse yesterday;\n"
	    "it should be with you tomorrow.'", "long thread: first piece");
	is_str(got.rec[5], "conv 11 support@20261121T093000Z/sms "
	    "@2026-11-21T09:30:00Z user=+491701234567 assistant=Shop Bot",
	    "long thread: second piece");
	is_str(got.rec[9], "msg 14 support@20261121T093000Z/sms "
	    "@2026-11-22T15:02:10Z user 'Got it, thanks!'",
	    "long thread: a day later to the millisecond");
	is_str(got.rec[10], "conv 15 support@20261124T070500Z/sms "
	    "@2026-11-24T07:05:00Z user=+491701234567 assistant=Shop Bot",
	    "long thread: third piece");
	is_str(got.rec[13], "msg 17 support@20261124T070500Z/sms "
	    "@2026-11-24T07:20:31Z agent "
	    "'Hi, Anna here. I have sent you a return label.'",
	    "long thread: the last message");
}

static void
test_errors(void)
{
	int rc = run_text("hello there\nDate: 2026-11-20\n[10:00] User: x\n",
	    "g.txt", 0, CONVO_TIME_NONE);

	is_int(rc, CONVO_EDATA, "garbage: status");
	is_int(got.n_rec, 0, "garbage: nothing");
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:1: expected '[HH:MM:SS] Name: text'", "garbage: message");
	rc = run_text("hello there\nDate: 2026-11-20\n[10:00] User: x\n",
	    "g.txt", 1, CONVO_TIME_NONE);
	is_int(rc, CONVO_EDATA, "garbage, skip-bad: status");
	is_int(got.n_rec, 2, "garbage, skip-bad: the rest is read");

	rc = run_text("Date: 2026-11-20\n[25:00] User: x\nmore of x\n"
	    "[13:00 PM] User: y\n[10:00] User: z\n", "b.txt", 1,
	    CONVO_TIME_NONE);
	is_int(rc, CONVO_EDATA, "bad time: status");
	is_int(got.n_bad, 2, "bad time: two bad messages");
	is_str(got.n_diag > 0 ? got.diag[0] : NULL, "2:2: bad time '25:00'",
	    "bad time: hour");
	is_str(got.n_diag > 1 ? got.diag[1] : NULL, "4:2: bad time '13:00 PM'",
	    "bad time: 12-hour clock");
	is_int(got.n_rec, 2, "bad time: continuation lines go with the message");
	is_str(got.n_rec > 1 ? got.rec[1] : NULL,
	    "msg 5 b @2026-11-20T09:00:00Z user 'z'", "bad time: next message");

	rc = run_text("Date: tomorrow\n[10:00] User: x\n", "d.txt", 0,
	    CONVO_TIME_NONE);
	is_str(got.n_diag ? got.diag[0] : NULL,
	    "1:7: bad date 'tomorrow' (expected YYYY-MM-DD)", "bad Date:");
	rc = run_text("[2026-02-30 10:00] User: x\n", "d.txt", 0, CONVO_TIME_NONE);
	is_str(got.n_diag ? got.diag[0] : NULL, "1:2: bad date '2026-02-30'",
	    "bad date in a message line");

	rc = run_text("Date: 2026-11-20\n[10:00] User: a\nbad \xff byte\n"
	    "[10:01] User: b\n", "u.txt", 1, CONVO_TIME_NONE);
	is_int(rc, CONVO_EDATA, "invalid UTF-8: status");
	is_str(got.n_diag ? got.diag[0] : NULL, "3:5: invalid UTF-8",
	    "invalid UTF-8: position");
	is_int(got.n_rec, 2, "invalid UTF-8: the message it was in is dropped");
	is_str(got.n_rec > 1 ? got.rec[1] : NULL,
	    "msg 4 u @2026-11-20T09:01:00Z user 'b'", "invalid UTF-8: next");

	/* A bad id costs its conversation, not the next one's header. */
	rc = run_text("Date: 2026-11-20\nConversation: a\x1b" "b\n"
	    "[10:00] User: x\n[10:01] User: y\nConversation: ok\n"
	    "[10:02] User: z\n", "i.txt", 1, CONVO_TIME_NONE);
	is_int(rc, CONVO_EDATA, "control in the id: status");
	is_int(got.n_diag, 2, "control in the id: each message reported");
	is_str(got.n_diag ? got.diag[0] : NULL, "3:0: control character in "
	    "the conversation id 'a\xef\xbf\xbd" "b'", "control in the id: message");
	is_int(got.n_rec, 2, "control in the id: the next conversation read");
	is_str(got.n_rec ? got.rec[0] : NULL, "conv 6 ok @2026-11-20T09:02:00Z",
	    "control in the id: under its own id");
}

static void
test_sink_error(void)
{
	int rc;

	harness.sink_fails_after = 0;
	rc = run_text("Date: 2026-11-20\n[10:00] User: a\n", "s.txt", 1,
	    CONVO_TIME_NONE);
	harness.sink_fails_after = -1;
	is_int(rc, CONVO_EIO, "a sink error ends the parse");
}

static void
test_sniff(void)
{
	static const char *const yes[] = {
		"Date: 2026-11-20\n\n[10:30:15] User: hi\n",
		"[10:30] Bot: x",
		"[2026-11-20 10:30:15] User: hi\r\n",
		"[10:30:15 PM] Anna: ok\n"
	};
	static const char *const no[] = {
		"conversation_id,ts,role\n",
		"hello\n",
		"[x] y: z\n",
		"[10:30:15]\n"
	};
	char late[1024];
	size_t i, n = 0;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		is_int(parse_text_sniff(yes[i], strlen(yes[i])), 1,
		    "sniff: a transcript");
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		is_int(parse_text_sniff(no[i], strlen(no[i])), 0,
		    "sniff: not a transcript");
	for (i = 0; i < 50; i++)
		n += (size_t)snprintf(late + n, sizeof(late) - n, "x\n");
	snprintf(late + n, sizeof(late) - n, "[10:30] User: hi\n");
	is_int(parse_text_sniff(late, strlen(late)), 0,
	    "sniff: only the first 50 lines");
}

int
main(void)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	harness.parse = parse_text;
	harness.testdata = "testdata/text";
	harness.session_gap_ms = DAY_MS;	/* as convo-import does */
	test_basic();
	test_roles();
	test_times();
	test_dates();
	test_conversations();
	test_gap_day();
	test_gap_custom();
	test_gap_file();
	test_errors();
	test_sink_error();
	test_sniff();
	return done_testing();
}
