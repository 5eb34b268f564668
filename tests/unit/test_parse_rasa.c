/*
 * test_parse_rasa.c: unit tests of the Rasa adapter (lib/parse_rasa.c):
 * trackers, the event stream of `rasa export` and the SQL tracker
 * store's CSV, each record worked out by hand from testdata/rasa (see
 * the comments there), every diagnostic with its line and column, and
 * the sniffer against every other format's fixtures.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

#define CONV1 "ana#2026-11-20T10:30:00Z"
#define CONV2 "ana#2026-11-21T10:30:00.250Z"

/*
 * The tracker of ana: two sessions.  Session one (socketio): a click
 * titled by the greeting's button, the e-mail slot that the user typed
 * (left to the rules), the phone slot (a stated lead), an nlu_fallback
 * turn answered by the default fallback, a click on the fallback's
 * button and the handoff action (operator_button, as the request was a
 * click, though the last bot message was a fallback; the pause after it
 * is the same handover); the last bot message is timed 10:30:49, before
 * the handover at 10:30:51, so it takes 10:30:51.  Without rules here:
 * test_rules() has them.  Session two has no
 * input_channel ("rasa"), a carried-over slot (no lead) and a restart.
 */
static void
test_tracker(void)
{
	static const char *const want[] = {
		"conv 34 " CONV1 " @2026-11-20T10:30:00Z user=ana "
		    "started=2026-11-20T10:30:00Z",
		"var 34 " CONV1 " @2026-11-20T10:30:00.100Z plan=pro (slot)",
		"msg 49 " CONV1 "/socketio @2026-11-20T10:30:10Z user 'Hi' "
		    "intent=greet confidence=0.98",
		"msg 82 " CONV1 "/socketio @2026-11-20T10:30:11.200Z "
		    "assistant 'Hello! What do you need?' fallback=0",
		"msg 116 " CONV1 "/socketio @2026-11-20T10:30:20Z user "
		    "click=button|Track my order|/track_order "
		    "intent=track_order confidence=1",
		"msg 149 " CONV1 "/socketio @2026-11-20T10:30:20.900Z "
		    "assistant 'What is your e-mail?' fallback=0",
		"msg 174 " CONV1 "/socketio @2026-11-20T10:30:30Z user "
		    "'ana@example.com' intent=inform confidence=0.91",
		"var 198 " CONV1 "/socketio @2026-11-20T10:30:30.100Z "
		    "email=ana@example.com (slot)",
		"var 204 " CONV1 "/socketio @2026-11-20T10:30:30.200Z "
		    "phone=+49 170 1234567 (slot)",
		"lead 204 " CONV1 "/socketio @2026-11-20T10:30:30.200Z "
		    "||+49 170 1234567",
		"msg 225 " CONV1 "/socketio @2026-11-20T10:30:40Z user "
		    "'where is my parcel?\?' intent=nlu_fallback confidence=0.3",
		"msg 258 " CONV1 "/socketio @2026-11-20T10:30:40.500Z "
		    "assistant 'Sorry, I didn't get that.' fallback=1",
		"msg 288 " CONV1 "/socketio @2026-11-20T10:30:50Z user "
		    "click=button|Talk to a human|/human intent=human "
		    "confidence=1",
		"handover 312 " CONV1 "/socketio @2026-11-20T10:30:51Z "
		    "kind=operator_button",
		"msg 325 " CONV1 "/socketio @2026-11-20T10:30:51Z assistant "
		    "'An agent will be with you shortly.' fallback=0",
		"conv 354 " CONV2 " @2026-11-21T10:30:00.250Z user=ana "
		    "started=2026-11-21T10:30:00.250Z",
		"var 354 " CONV2 " @2026-11-21T10:30:00.300Z "
		    "email=ana@example.com (slot)",
		"msg 369 " CONV2 "/rasa @2026-11-21T10:30:10Z user "
		    "'Hello again' intent=greet confidence=0.99",
		"msg 402 " CONV2 "/rasa @2026-11-21T10:30:11Z assistant "
		    "'Hello! What do you need?' fallback=0",
		"end 436 " CONV2 "/rasa @2026-11-21T10:30:20Z reason=restart"
	};
	size_t i, n = sizeof(want) / sizeof(want[0]);

	is_int(run_file("tracker-ana.json", 0), 0, "tracker: parses");
	is_int(got.n_diag, 0, "tracker: no diagnostics");
	is_int(got.n_rec, (int)n, "tracker: every record");
	for (i = 0; i < n; i++)
		is_str(got.rec[i], want[i], "tracker: record in order");
	is_int(run_file("tracker-ana-early.json", 0), 0, "early tracker");
	is_int(got.n_rec, 7, "early tracker: the first 7 records");
	for (i = 0; i < 7; i++)
		is_str(got.rec[i], want[i], "early tracker: the same records");
}

/*
 * The export stream: bob and carol interleaved.  bob has no
 * session_started (his conversation is "bob"), an API-triggered intent
 * (no message, the quick reply stays), a quick reply titled by the bot,
 * an image, internal slots and featurization ignored, and a payload no
 * button sent (a click without title).  carol: action_handoff and the
 * pause of the same turn are one handover; the flow
 * pattern_human_handoff after her next message another; a slot
 * contact_email she did not type is a lead.
 */
static void
test_stream(void)
{
	static const char *const want[] = {
		"conv 2 bob/rest @- user=bob",
		"msg 2 bob/rest @2026-11-20T11:30:01Z user 'hello' "
		    "intent=greet confidence=0.97",
		"msg 4 bob/rest @2026-11-20T11:30:03Z assistant "
		    "'Hi Bob, pick one' fallback=0",
		"conv 5 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:02Z user=carol "
		    "started=2026-11-20T11:30:02Z",
		"msg 5 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:04Z user 'I need help' intent=help "
		    "confidence=0.8",
		"handover 7 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:06Z kind=direct",
		"msg 9 bob/rest @2026-11-20T11:30:07Z user "
		    "click=quick_reply|Yes please|/affirm intent=affirm "
		    "confidence=1",
		"msg 10 bob/rest @2026-11-20T11:30:08Z assistant fallback=0 "
		    "media=image||https://example.com/map.png",
		"msg 13 bob/rest @2026-11-20T11:30:09Z user "
		    "click=button||/stop{\"reason\": \"bored\"} intent=stop "
		    "confidence=1",
		"msg 15 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:11Z user 'still there?' intent=ask "
		    "confidence=0.6",
		"handover 16 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:12Z kind=direct",
		"var 17 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:13Z contact_email=carol@example.org "
		    "(slot)",
		"lead 17 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:13Z |carol@example.org|",
		"msg 18 carol#2026-11-20T11:30:02Z/telegram "
		    "@2026-11-20T11:30:14Z assistant 'Transferring you now.' "
		    "fallback=0"
	};
	size_t i, n = sizeof(want) / sizeof(want[0]);

	is_int(run_file("export-stream.jsonl", 0), 0, "stream: parses");
	is_int(got.n_diag, 0, "stream: no diagnostics");
	is_int(got.n_rec, (int)n, "stream: every record");
	for (i = 0; i < n; i++)
		is_str(got.rec[i], want[i], "stream: record in order");
}

/*
 * The SQL store's CSV: dave (a session) and erin (none) interleaved by
 * id; erin's nlu_fallback answered by the default fallback; a row whose
 * data lacks "event" (type_name says user), one that lacks "timestamp"
 * (the column says 12:30:30); the phone slot that dave typed is left to
 * the rules; a bot message timed before the action that sent it.
 */
static void
test_csv(void)
{
	static const char *const want[] = {
		"conv 5 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:00.500Z user=dave "
		    "started=2026-11-20T12:30:00.500Z",
		"msg 5 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:10Z user 'hi there' intent=greet "
		    "confidence=0.95",
		"conv 6 erin/facebook @- user=erin",
		"msg 6 erin/facebook @2026-11-20T12:30:11Z user "
		    "'\xc2\xbfhablas espa\xc3\xb1ol?' intent=nlu_fallback "
		    "confidence=0.4",
		"msg 8 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:11.900Z assistant 'Shall we call you?' "
		    "fallback=0",
		"msg 10 erin/facebook @2026-11-20T12:30:12.400Z assistant "
		    "'Sorry, I only speak English.\nCan you rephrase?' "
		    "fallback=1",
		"msg 11 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:20Z user click=quick_reply|Yes|/affirm "
		    "intent=affirm confidence=1",
		"msg 12 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:30Z user 'call me at +1 555 0100' "
		    "intent=inform confidence=0.9",
		"var 13 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:30.100Z phone=+1 555 0100 (slot)",
		"msg 14 dave#2026-11-20T12:30:00.500Z/facebook "
		    "@2026-11-20T12:30:31Z assistant "
		    "'We'll call you, \"Dave\".' fallback=0"
	};
	size_t i, n = sizeof(want) / sizeof(want[0]);

	is_int(run_file("sql-events.csv", 0), 0, "csv: parses");
	is_int(got.n_diag, 0, "csv: no diagnostics");
	is_int(got.n_rec, (int)n, "csv: every record");
	for (i = 0; i < n; i++)
		is_str(got.rec[i], want[i], "csv: record in order");
}

static void
test_bad(void)
{
	harness.flags = HARNESS_DIAG_FILE;
	harness.file = "t";
	is_int(run_file("bad-tracker.json", 0), CONVO_EDATA, "bad tracker");
	is_int(got.n_rec, 2, "bad tracker: the event before");
	is_str(got.diag[0], "t:5:5: missing 'events[1].event'",
	    "bad tracker: the event's own line");
	is_int(run_file("bad-tracker.json", 1), 0, "bad tracker: skip_bad");
	is_int(got.n_bad, 2, "bad tracker: two bad events");
	is_str(got.diag[1], "t:6:5: 'events[2].text' is not a string",
	    "bad tracker: a text that is a number");

	is_int(run_file("bad-stream.jsonl", 0), CONVO_EDATA, "bad stream");
	is_int(got.n_diag, 1, "bad stream: stops at the first");
	is_str(got.diag[0], "t:2:1: missing 'sender_id'", "no sender");
	is_int(run_file("bad-stream.jsonl", 1), 0, "bad stream: skip_bad");
	is_int(got.n_rec, 3, "bad stream: the good lines");
	is_int(got.n_diag, 4, "bad stream: every bad line");
	is_str(got.diag[1], "t:3:1: bad timestamp 'yesterday' in "
	    "'timestamp': not a timestamp", "a timestamp that is not one");
	is_str(got.diag[2], "t:4:80: unexpected end of line, object not "
	    "closed", "a line cut off");
	is_str(got.diag[3], "t:5:1: missing 'name'", "a slot without name");

	is_int(run_file("bad-sql.csv", 0), CONVO_EDATA, "bad csv");
	is_str(got.diag[0], "t:3:0: row has 6 fields, header has 7",
	    "a short row");
	run_file("bad-sql.csv", 1);
	is_int(got.n_rec, 3, "bad csv: skip_bad keeps the good rows");
	is_int(got.n_diag, 4, "bad csv: every bad row");
	is_str(got.diag[1], "t:4:0: column 'data': unexpected end of field, "
	    "object not closed", "data that is not JSON");
	is_str(got.diag[2], "t:5:0: bad timestamp 'soon': not a number",
	    "a timestamp column that is not one");
	is_str(got.diag[3], "t:6:0: empty 'sender_id'", "no sender");

	one_error("id,sender_id,text\n1,a,hi\n", 0, CONVO_EDATA,
	    "t:1:0: missing column 'data'", "csv without data");
	one_error("[1]\n", 0, CONVO_EDATA,
	    "t:1:2: expected a Rasa tracker or event, found a number",
	    "an array of numbers");
	one_error("{\"sender_id\":\"a\",\"events\":{}}\n", 0, CONVO_EDATA,
	    "t:1:1: 'events' is not an array", "events not an array");
	one_error("{\"events\":[]}\n", 0, CONVO_EDATA,
	    "t:1:1: missing 'sender_id'", "a tracker without sender");
	one_error("{\"sender_id\":\"a\",\"events\":[7]}\n", 0, CONVO_EDATA,
	    "t:1:28: expected an event object, found a number",
	    "an event that is a number");
	one_error("{\"sender_id\":\"a\",\"events\":[{\"event\":\"user\","
	    "\"text\":\"hi\"}]}\n", 0, CONVO_EDATA,
	    "t:1:28: missing 'events[0].timestamp'", "no timestamp");
	one_error("{\"sender_id\":\"a\",\"events\":[{\"event\":\"user\","
	    "\"timestamp\":1795170600,\"text\":\"hi\",\"parse_data\":"
	    "{\"intent\":{\"name\":3}}}]}\n", 0, CONVO_EDATA,
	    "t:1:28: 'events[0].parse_data.intent.name' is not a string",
	    "an intent name that is a number");
	harness.flags = 0;
	harness.file = "-";
}

#define EV(sender, rest) "{\"sender_id\":\"" sender "\",\"event\":" rest "}\n"

/* Layouts, handover names, and what the sink says. */
static void
test_misc(void)
{
	static const char *const mine[] = { "action_call_agent" };
	const char *text =
	    "[" "{\"sender_id\":\"s\",\"events\":[]}," "\n"
	    "{\"sender_id\":\"s\",\"event\":\"user\",\"timestamp\":1795170600,"
	    "\"text\":\"/hi@0.9\"}]";

	is_int(run(text, 0), 0, "an array of a tracker and an event");
	is_str(got.rec[1], "msg 2 s/rasa @2026-11-20T10:30:00Z user "
	    "click=button||/hi@0.9", "a payload with a confidence");
	is_int(run(EV("s", "\"user\",\"timestamp\":1795170600,"
	    "\"text\":\"/no way\"") EV("s", "\"action\",\"timestamp\":"
	    "1795170601,\"name\":\"action_handoff\""), 0), 0, "not a payload");
	is_str(got.rec[1], "msg 1 s/rasa @2026-11-20T10:30:00Z user "
	    "'/no way'", "text with a space after '/' is typed text");
	is_str(got.rec[2], "handover 2 s/rasa @2026-11-20T10:30:01Z "
	    "kind=direct", "the default handover action");
	harness.opt.handover_actions = mine;
	harness.opt.n_handover_actions = 1;
	run(EV("s", "\"action\",\"timestamp\":1795170601,\"name\":"
	    "\"action_handoff\"") EV("s", "\"action\",\"timestamp\":"
	    "1795170602,\"name\":\"action_call_agent\""), 0);
	is_int(got.n_rec, 2, "--handover-action replaces the defaults");
	is_str(got.rec[1], "handover 2 s @2026-11-20T10:30:02Z kind=direct",
	    "the named action hands over");
	harness.opt.handover_actions = NULL;
	harness.opt.n_handover_actions = 0;
	harness.sink_fails_after = 1;
	is_int(run_file("tracker-ana.json", 0), CONVO_EIO,
	    "a sink error ends the parse");
	is_int(run_file("sql-events.csv", 0), CONVO_EIO, "csv: the same");
	harness.sink_fails_after = -1;
}

/*
 * With the rules, a user message in which they find a handover is the
 * turn's one handover: the action after it adds none.  Without them,
 * or when they find none, the action is the handover, of the kind the
 * request was.
 */
static void
test_rules(void)
{
	struct convo_rules *rules = NULL;
	const char *human = EV("s", "\"user\",\"timestamp\":1795170600,"
	    "\"text\":\"I want to talk to a human\"")
	    EV("s", "\"action\",\"timestamp\":1795170601,\"name\":"
	    "\"action_handoff\"") EV("s", "\"pause\",\"timestamp\":"
	    "1795170602");
	const char *click = EV("s", "\"bot\",\"timestamp\":1795170600,"
	    "\"text\":\"Sure?\",\"data\":{\"buttons\":[{\"title\":"
	    "\"Yes please\",\"payload\":\"/affirm\"}]}")
	    EV("s", "\"user\",\"timestamp\":1795170601,\"text\":"
	    "\"/affirm\"") EV("s", "\"action\",\"timestamp\":1795170602,"
	    "\"name\":\"action_handoff\"");
	const char *text = convo_rules_default_text();

	is_int(run(human, 0), 0, "no rules: typed request");
	is_int(got.n_rec, 3, "  the message and one handover");
	is_str(got.rec[2], "handover 2 s/rasa @2026-11-20T10:30:01Z "
	    "kind=direct", "  the action is the handover, direct");
	if (convo_rules_new(&rules, text, strlen(text), "default",
	    NULL, NULL) != 0) {
		ok(0, "the default rules compile");
		return;
	}
	harness.opt.rules = rules;
	is_int(run(human, 0), 0, "rules: typed request");
	is_int(got.n_rec, 2, "  the message is the handover, the action "
	    "and the pause add none");
	is_int(run(click, 0), 0, "rules: a click they do not read as one");
	is_int(got.n_rec, 4, "  conv, bot, click, handover");
	is_str(got.rec[3], "handover 3 s/rasa @2026-11-20T10:30:02Z "
	    "kind=operator_button", "  the action is the handover, "
	    "operator_button as the request was a click");
	is_int(run_file("tracker-ana.json", 0), 0, "rules: ana's tracker");
	is_int(got.n_rec, 19, "  one record less: the click titled "
	    "'Talk to a human' is the handover");
	is_str(got.rec[12], "msg 288 " CONV1 "/socketio @2026-11-20T10:30:50Z "
	    "user click=button|Talk to a human|/human intent=human "
	    "confidence=1", "  the click");
	is_str(got.rec[13], "msg 325 " CONV1 "/socketio @2026-11-20T10:30:50Z "
	    "assistant 'An agent will be with you shortly.' fallback=0",
	    "  the reply next, its time raised to the click's");
	harness.opt.rules = NULL;
	convo_rules_free(rules);
}

static void
test_sniff(void)
{
	is_int(harness_sniff_walk(parse_rasa_sniff, "rasa"), 7,
	    "every file of testdata/rasa");
	ok(!parse_rasa_sniff("{\"sender_id\":\"a\",\"text\":\"x\"}", 28),
	    "a sender_id alone is not Rasa");
	ok(!parse_rasa_sniff("{\"x\":{\"sender_id\":1,\"events\":[]}}", 33),
	    "nested keys do not count");
	ok(parse_rasa_sniff("\"sender_id\";\"data\"\n", 19),
	    "a quoted header with semicolons");
}

int
main(void)
{
	harness.parse = parse_rasa;
	harness.testdata = "testdata/rasa";
	test_tracker();
	test_stream();
	test_csv();
	test_bad();
	test_misc();
	test_rules();
	test_sniff();
	return done_testing();
}
