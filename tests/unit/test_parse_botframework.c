/*
 * test_parse_botframework.c: unit tests of the Bot Framework adapter
 * (lib/parse_botframework.c): .transcript activities and Copilot Studio
 * conversationtranscript records, record by record, every diagnostic,
 * and the sniffer against every other format's files.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

static void
test_transcript(void)
{
	is_int(run_file("webchat.transcript", 0), 0, "transcript: parses");
	is_int(got.n_diag, 0, "transcript: no diagnostics");
	is_int(got.n_rec, 13, "transcript: records");
	is_str(got.rec[0], "conv 2 conv-1/webchat @-",
	    "first sight: the conversation, source from channelId");
	is_str(got.rec[1], "conv 12 conv-1/webchat @- assistant=Shop Bot",
	    "the bot's name is the assistant");
	is_str(got.rec[2], "msg 12 conv-1/webchat @2026-11-20T10:30:01Z "
	    "assistant 'What can I do for you?'",
	    "a hero card without text: its title is the text");
	is_str(got.rec[3], "conv 34 conv-1/webchat @- user=u-42",
	    "the first user message names the user");
	is_str(got.rec[4], "msg 34 conv-1/webchat @2026-11-20T10:30:05Z user "
	    "'track order' click=button|Track my order|track order",
	    "imBack of a card button: a button click");
	is_str(got.rec[5], "msg 44 conv-1/webchat @2026-11-20T10:30:06Z "
	    "assistant 'Which order?'", "suggested actions");
	is_str(got.rec[6], "msg 61 conv-1/webchat @2026-11-20T10:30:09Z user "
	    "click=quick_reply|Another|",
	    "postBack of an object value: a quick reply, no text");
	is_str(got.rec[7], "msg 79 conv-1/webchat @2026-11-20T10:30:11Z "
	    "assistant 'Please send a photo of the receipt.'",
	    "typing is not a message");
	is_str(got.rec[8], "msg 89 conv-1/webchat @2026-11-20T10:30:40Z user "
	    "media=image|receipt.png|https://files.example.com/r.png",
	    "an attachment is media");
	is_str(got.rec[9], "msg 101 conv-1/webchat @2026-11-20T10:30:41Z "
	    "assistant 'Sorry, I didn't understand that.'",
	    "no fallback stated: the rules decide; the repeat is dropped");
	is_str(got.rec[10], "feedback 121 conv-1/webchat "
	    "@2026-11-20T10:30:45Z value=down index=3",
	    "messageReaction: on the fourth bot message");
	is_str(got.rec[11], "handover 131 conv-1/webchat "
	    "@2026-11-20T10:31:00Z kind=direct", "handoff.initiate");
	is_str(got.rec[12], "end 141 conv-1/webchat @2026-11-20T10:32:00Z "
	    "reason=completedSuccessfully", "endOfConversation");
}

static void
test_interleaved(void)
{
	is_int(run_file("emulator.jsonl", 0), 0, "JSON Lines: parses");
	is_int(got.n_rec, 13, "JSON Lines: records");
	is_str(got.rec[0], "conv 1 em-1/test_chat @-",
	    "the Emulator is a test chat");
	is_str(got.rec[5], "msg 2 em-2/test_chat @2026-11-20T09:00:00Z user "
	    "'hi'", "the same activity id in another conversation is kept");
	is_str(got.rec[6], "conv 3 em-1/test_chat @- assistant=Echo",
	    "no from.role: the opposite of recipient.role");
	is_str(got.rec[10], "msg 5 em-2/test_chat @2026-11-20T09:00:03Z user "
	    "'red'", "buttons are per conversation: red is not em-2's");
	is_str(got.rec[11], "msg 6 em-1/test_chat @2026-11-20T09:00:04Z user "
	    "'red' click=quick_reply|Red|red", "but em-1's");
	is_str(got.rec[12], "handover 7 em-1/test_chat @2026-11-20T09:00:04Z "
	    "kind=direct", "a handoff without a time: the last one seen");
}

static void
test_copilot_record(void)
{
	is_int(run_file("copilot-record.json", 0), 0, "copilot: parses");
	is_int(got.n_diag, 0, "copilot: no diagnostics");
	is_int(got.n_rec, 10, "copilot: records");
	is_str(got.rec[0], "conv 1 8a1c/msteams @- assistant=cr123_helpdesk",
	    "the conversation id of the activities; BotName of metadata");
	is_str(got.rec[1], "msg 1 8a1c/msteams @2026-11-20T10:40:01Z "
	    "assistant 'Hello, how can I help?'", "role 0 is the bot; epoch s");
	is_str(got.rec[2], "conv 1 8a1c/msteams @- user=aad-7",
	    "role 1 is the user");
	is_str(got.rec[6], "msg 1 8a1c/msteams @2026-11-20T10:40:42Z "
	    "assistant 'I'm sorry, I'm not sure how to help with that. Can "
	    "you try rephrasing?'",
	    "UnknownIntent states no fallback: the rules decide");
	is_str(got.rec[8], "conv 1 8a1c/msteams @- status=ended "
	    "started=2026-11-20T10:40:00Z ended=2026-11-20T10:41:00Z "
	    "end_reason=escalated", "SessionInfo: times, status, end_reason");
	is_str(got.rec[9], "handover 1 8a1c/msteams @2026-11-20T10:41:00Z "
	    "kind=direct", "outcome Escalated: a handover at the end");
}

static void
test_copilot_list(void)
{
	is_int(run_file("copilot-list.json", 0), 0, "copilot list: parses");
	is_int(got.n_rec, 13, "copilot list: records");
	is_str(got.rec[0], "conv 1 9f00/test_chat @- assistant=cr123_helpdesk",
	    "design mode: test_chat");
	is_str(got.rec[5], "conv 1 9f00/test_chat @- status=ended "
	    "started=2026-11-20T11:40:00Z ended=2026-11-20T11:40:07Z",
	    "outcome None: no end_reason");
	is_str(got.rec[9], "msg 1 7b2d/msteams @2026-11-20T12:40:04Z user "
	    "'How many days of leave do I have?' click=quick_reply|"
	    "Leave balance|How many days of leave do I have?",
	    "a suggested action's value sent back: a click");
	is_str(got.rec[11], "feedback 1 7b2d/msteams @2026-11-20T12:40:09Z "
	    "value=up index=1", "Copilot's like, on the reply it names");
	is_str(got.rec[12], "conv 1 7b2d/msteams @- status=ended "
	    "started=2026-11-20T12:40:00Z ended=2026-11-20T12:40:10Z "
	    "end_reason=resolved", "outcome Resolved");
}

/* A Copilot record whose content is the JSON text of content. */
static char *
record_named(const char *id, const char *name, const char *content)
{
	cJSON *r = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(r, "conversationtranscriptid", id);
	cJSON_AddStringToObject(r, "name", name);
	cJSON_AddStringToObject(r, "content", content);
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

static char *
record(const char *content)
{
	return record_named("r1", "abc_bot", content);
}

static void
bad_record(const char *content, const char *want, const char *name)
{
	char *text = record(content);

	one_error(text, 0, CONVO_EDATA, want, name);
	is_int(got.n_rec, 0, "  and hands on nothing of the record");
	free(text);
}

static void
test_errors(void)
{
	char *text, buf[1024];

	is_int(run_file("bad-role.transcript", 0), CONVO_EDATA, "bad: stops");
	is_int(got.n_rec, 0, "bad: nothing before the first bad activity");
	is_str(got.diag[0], "2:3: 'from.role' missing or not user or bot",
	    "bad: no role on either side");
	is_int(run_file("bad-role.transcript", 1), 0, "bad: skip_bad");
	is_int(got.n_diag, 2, "bad: both bad activities reported");
	is_str(got.diag[1], "4:3: bad timestamp 'yesterday' in 'timestamp': "
	    "not a timestamp", "bad: the timestamp");
	is_int(got.n_rec, 3, "bad: the good activity's records");
	one_error("[{\"type\":\"message\",\"from\":{\"role\":\"user\"},"
	    "\"conversation\":{\"id\":\"c\"},\"text\":\"hi\"}]", 0, CONVO_EDATA,
	    "1:2: 'timestamp' missing on a message", "message without time");
	one_error("[{\"type\":\"message\",\"timestamp\":1795170615,"
	    "\"from\":{\"role\":\"user\"},\"text\":\"hi\"}]", 0, CONVO_EDATA,
	    "1:2: 'conversation.id' missing", "no conversation");
	/* Found by fuzz_botframework: an empty id made a conversation. */
	one_error("[{\"type\":\"message\",\"timestamp\":1795170615,"
	    "\"from\":{\"role\":\"user\"},\"conversation\":{\"id\":\"\"},"
	    "\"text\":\"hi\"}]", 0, CONVO_EDATA,
	    "1:2: 'conversation.id' missing", "an empty conversation id");
	is_int(got.n_rec, 0, "  hands on nothing");
	one_error("[{\"id\":\"a\"}]", 0, CONVO_EDATA, "1:2: 'type' missing",
	    "no type");
	one_error("[42]", 0, CONVO_EDATA,
	    "1:2: 'activity' is a number, expected an activity object",
	    "not an object");
	one_error("[{\"type\":\"message\",", 0, CONVO_EDATA,
	    "1:20: unexpected end of file, object not closed", "truncated");
	bad_record("{\"activities\":[{\"type\":\"message\",\"timestamp\":"
	    "1795170615,\"from\":{\"role\":0},\"text\":\"hi\"},{\"type\":"
	    "\"message\",\"timestamp\":1795170616,\"from\":{\"role\":7},"
	    "\"text\":\"?\"}]}", "1:1: 'content.activities[1].from.role' missing or "
	    "not user or bot", "copilot: a bad activity spoils the record");
	bad_record("{\"activities\":[", "1:1: 'content' is not JSON: "
	    "unexpected end of content, array not closed at character 16",
	    "content not JSON");
	text = record_named("", "_bot", "{\"activities\":[{\"type\":"
	    "\"message\",\"timestamp\":1795170615,\"from\":{\"role\":1},"
	    "\"text\":\"hi\"}]}");
	one_error(text, 0, CONVO_EDATA, "1:1: no conversation id in the "
	    "activities, 'name' or 'conversationtranscriptid'",
	    "copilot: an empty id from the name \"_bot\" is none");
	is_int(got.n_rec, 0, "  hands on nothing");
	free(text);
	bad_record("{\"acts\":[]}", "1:1: 'content.activities' missing or "
	    "not an array", "content without activities");
	bad_record("{\"activities\":[{\"type\":\"trace\",\"valueType\":"
	    "\"SessionInfo\",\"value\":{\"endTimeUtc\":\"soon\"}}]}",
	    "1:1: bad timestamp 'soon' in 'content.activities[0].value.endTimeUtc': "
	    "not a timestamp", "SessionInfo: bad end");
	text = record("{\"activities\":[{\"type\":\"message\",\"timestamp\":"
	    "1795170615,\"from\":{\"role\":1},\"text\":\"hi\"}]}");
	is_int(run(text, 0), 0, "copilot: no conversation.id: the name");
	is_str(got.rec[1], "msg 1 abc @2026-11-20T10:30:15Z user 'hi'",
	    "  its part before '_'");
	free(text);
	text = record("{\"activities\":[{\"type\":\"message\",\"timestamp\":"
	    "1795170615,\"from\":{\"role\":5},\"conversation\":{\"id\":"
	    "\"rec\"},\"channelId\":\"msteams\",\"text\":\"hi\"}]}");
	snprintf(buf, sizeof(buf), "[%s,\n{\"type\":\"message\",\"timestamp\":"
	    "1795170700,\"from\":{\"role\":\"user\"},\"conversation\":"
	    "{\"id\":\"act\"},\"text\":\"yo\"}]", text);
	free(text);
	is_int(run(buf, 1), 0, "a bad record, then an activity: skip_bad");
	is_int(got.n_diag, 1, "  the record reported");
	is_str(got.rec[1], "msg 2 act @2026-11-20T10:31:40Z user 'yo'",
	    "  the activity in its own conversation, not the record's");
	one_error("{\"value\":[{\"content\":3}]}", 0, CONVO_EDATA,
	    "1:1: 'value[0].content' missing or not a string",
	    "Dataverse list: content not a string");
}

/* One .transcript activity of conversation h, as a JSON Lines line. */
#define ACT(type, id, sec, rest) "{\"type\":\"" type "\",\"id\":\"" id \
	"\",\"timestamp\":\"2026-11-20T10:30:" sec "Z\",\"channelId\":" \
	"\"webchat\",\"conversation\":{\"id\":\"h\"}" rest "}\n"
#define USER ",\"from\":{\"id\":\"u\",\"role\":\"user\"}"
#define BOT ",\"from\":{\"id\":\"b\",\"role\":\"bot\"}"

/*
 * One request for a human is one handover.  A handoff activity, a
 * HandOff trace and an Escalated SessionInfo after the same user message
 * add one between them; none when the import's rules find the request in
 * that message already (it carries the handover then).
 */
static void
test_one_request(void)
{
	struct convo_rules *rules = NULL;
	const char *plain = ACT("message", "1", "00", USER ",\"text\":\"hi\"")
	    ACT("handoff", "2", "01", BOT) ACT("trace", "3", "02", BOT
	    ",\"valueType\":\"HandOff\"") ACT("message", "4", "03", USER
	    ",\"text\":\"still there?\"") ACT("event", "5", "04", BOT
	    ",\"name\":\"handoff.initiate\"");
	const char *typed = ACT("message", "1", "00", USER
	    ",\"text\":\"I want to talk to a human\"")
	    ACT("handoff", "2", "01", BOT);
	const char *text = convo_rules_default_text();

	is_int(run(plain, 0), 0, "two turns, three handoffs: parses");
	is_int(got.n_rec, 6, "  conv, user, 2 messages, 1 handover each turn");
	is_str(got.rec[3], "handover 2 h/webchat @2026-11-20T10:30:01Z "
	    "kind=direct", "  the handoff of the first turn");
	is_str(got.rec[5], "handover 5 h/webchat @2026-11-20T10:30:04Z "
	    "kind=direct", "  the HandOff trace after it adds none; the "
	    "next turn's handoff.initiate is one");
	is_int(run(typed, 0), 0, "no rules: a typed request, a handoff");
	is_int(got.n_rec, 4, "  the handoff is the handover");
	if (convo_rules_new(&rules, text, strlen(text), "default",
	    NULL, NULL) != 0) {
		ok(0, "the default rules compile");
		return;
	}
	harness.opt.rules = rules;
	is_int(run(typed, 0), 0, "rules: a typed request, a handoff");
	is_int(got.n_rec, 3, "  the message is the handover, the handoff "
	    "adds none");
	is_int(run(plain, 0), 0, "rules: requests they do not read");
	is_int(got.n_rec, 6, "  the handoffs are the handovers");
	is_int(run_file("copilot-record.json", 0), 0, "rules: the record");
	is_int(got.n_rec, 9, "  Escalated adds none: 'talk to a human "
	    "please' was the request");
	is_str(got.rec[8], "conv 1 8a1c/msteams @- status=ended "
	    "started=2026-11-20T10:40:00Z ended=2026-11-20T10:41:00Z "
	    "end_reason=escalated", "  the outcome is still the end reason");
	harness.opt.rules = NULL;
	convo_rules_free(rules);
}

/* The sniffer claims its own files and no other format's. */
static void
test_detect(void)
{
	static const char *const foreign[] = {
		"{\"sender_id\":\"u1\",\"events\":[{\"event\":\"user\","
		"\"text\":\"hi\",\"timestamp\":1.0}]}",
		"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
		"[{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},"
		"{\"from\":\"gpt\",\"value\":\"hello\"}]}]",
		"{\"id\":\"c1\",\"messages\":[{\"ts\":\"2026-11-20T10:30:15Z\","
		"\"role\":\"user\",\"text\":\"hi\",\"from\":\"x\"}]}",
		"[{\"id\":1,\"message_type\":0,\"content_type\":\"text\","
		"\"conversation\":{\"id\":4},\"sender\":{\"type\":\"contact\"}}]",
		NULL
	};
	size_t i;

	is_int(harness_sniff_walk(parse_botframework_sniff, "botframework"), 7,
	    "detect: every file of testdata/botframework");
	for (i = 0; foreign[i] != NULL; i++)
		is_int(parse_botframework_sniff(foreign[i], strlen(foreign[i])),
		    0, "detect: another format is not ours");
}

int
main(void)
{
	harness.parse = parse_botframework;
	harness.testdata = "testdata/botframework";
	test_transcript();
	test_interleaved();
	test_copilot_record();
	test_copilot_list();
	test_errors();
	test_one_request();
	test_detect();
	return done_testing();
}
