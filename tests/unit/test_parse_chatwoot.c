/*
 * test_parse_chatwoot.c: unit tests of the Chatwoot adapter
 * (lib/parse_chatwoot.c): conversations, the messages payload, webhook
 * events, every diagnostic, and the sniffer against every other format's
 * files.
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

static void
test_conversation(void)
{
	is_int(run_file("conversation.json", 0), 0, "conversation: parses");
	is_int(got.n_diag, 0, "conversation: no diagnostics");
	is_int(got.n_rec, 15, "conversation: records");
	is_str(got.rec[0], "conv 1 42/web_widget @- user=chatwoot:7 "
	    "device=macOS browser=Chrome country=DE city=Berlin status=ended "
	    "started=2026-11-20T10:30:00Z ended=2026-11-20T10:32:31Z",
	    "fields: channel, contact, browser (device Unknown: the "
	    "platform), location, resolved at the last activity");
	is_str(got.rec[1], "lead 1 42/web_widget @2026-11-20T10:30:00Z "
	    "Ana Silva|ana@example.com|+4917012345678", "the contact's lead");
	is_str(got.rec[2], "conv 1 42/web_widget @- user=chatwoot:7",
	    "the sender of the first incoming message");
	is_str(got.rec[3], "msg 1 42/web_widget @2026-11-20T10:30:15Z user "
	    "'Hi, my order has not arrived'", "incoming: the user");
	is_str(got.rec[4], "conv 1 42/web_widget @- assistant=Shopbot",
	    "the agent bot names the assistant");
	is_str(got.rec[5], "msg 1 42/web_widget @2026-11-20T10:30:16Z "
	    "assistant 'Sorry, I didn't understand that.' agent=Shopbot",
	    "outgoing from an AgentBot: the assistant");
	is_str(got.rec[7], "msg 1 42/web_widget @2026-11-20T10:30:31Z system "
	    "'Conversation was assigned to Bob'", "activity: system");
	is_str(got.rec[8], "handover 1 42/web_widget @2026-11-20T10:31:00Z "
	    "kind=direct", "the first agent message after the bot");
	is_str(got.rec[9], "msg 1 42/web_widget @2026-11-20T10:31:00Z agent "
	    "'Hi Ana, Bob here. Let me check.'",
	    "outgoing from a User: an agent; the private note is gone");
	is_str(got.rec[10], "msg 1 42/web_widget @2026-11-20T10:31:30Z user "
	    "media=image||https://chat.example.com/rails/active_storage/"
	    "blobs/receipt.jpg", "an attachment without text");
	is_str(got.rec[11], "msg 1 42/web_widget @2026-11-20T10:32:00Z agent "
	    "'Found it, it ships tomorrow.'", "a second agent message: no "
	    "second handover");
	is_str(got.rec[12], "survey 1 42/web_widget @2026-11-20T10:32:30Z",
	    "input_csat: the survey, not a message");
	is_str(got.rec[13], "csat 1 42/web_widget @2026-11-20T10:32:30Z "
	    "score=4", "and its rating");
	is_str(got.rec[14], "msg 1 42/web_widget @2026-11-20T10:32:31Z system "
	    "'Conversation was marked resolved by Bob'", "the last line");
	is_str(got.rec[15], "", "nothing more");
}

static void
test_payload(void)
{
	is_int(run_file("messages-payload.json", 0), 0, "payload: parses");
	is_int(got.n_rec, 6, "payload: records");
	is_str(got.rec[0], "conv 1 43 @- user=chatwoot:8",
	    "no channel in the messages payload: no source");
	is_str(got.rec[5], "msg 1 43 @2026-11-20T11:30:06Z assistant "
	    "'You're welcome!'", "outgoing without a sender: the assistant");
}

static void
test_webhooks(void)
{
	is_int(run_file("webhooks.jsonl", 0), 0, "webhooks: parses");
	is_int(got.n_diag, 0, "webhooks: no diagnostics");
	is_int(got.n_rec, 18, "webhooks: records");
	is_str(got.rec[0], "conv 1 44/api @- user=chatwoot:9 country=FR "
	    "city=Lyon started=2026-11-20T11:30:00Z",
	    "the event's conversation");
	is_str(got.rec[1], "lead 1 44/api @2026-11-20T11:30:00Z "
	    "Lea||+33612345678", "a phone without an e-mail is a lead");
	is_str(got.rec[3], "msg 1 44/api @2026-11-20T11:30:15Z user "
	    "'Bonjour, je voudrais un remboursement'",
	    "string message_type, \"... UTC\" time");
	is_str(got.rec[7], "msg 2 44/api @2026-11-20T11:30:17Z assistant "
	    "'I can help with refunds. What is your order number?' "
	    "agent=Shopbot", "agent_bot sender type");
	is_str(got.rec[10], "conv 5 44/api @- user=chatwoot:9 country=FR "
	    "city=Lyon started=2026-11-20T11:30:00Z",
	    "the repeated message (line 3) and the contact event (line 4) "
	    "hand on nothing");
	is_str(got.rec[12], "handover 5 44/api @2026-11-20T11:31:00Z "
	    "kind=direct", "handover");
	is_str(got.rec[13], "msg 5 44/api @2026-11-20T11:31:00Z agent "
	    "'Bonjour Lea, je m'en occupe.'", "the agent");
	is_str(got.rec[17], "csat 6 44/api @2026-11-20T11:31:30Z score=5",
	    "message_updated with the answered survey");
}

static void
test_errors(void)
{
	is_int(run_file("bad-list.json", 0), CONVO_EDATA, "bad list: stops");
	is_int(got.n_rec, 0, "bad list: nothing handed on");
	is_str(got.diag[0], "1:1: 'data.payload[0].messages[1].message_type' "
	    "missing or not one of 0-3, incoming, outgoing, activity, "
	    "template", "bad list: the path to the bad member");
	is_int(run_file("bad-list.json", 1), 0, "bad list: skip_bad");
	is_int(got.n_bad, 1, "bad list: one bad conversation");
	is_int(got.n_rec, 3, "bad list: the good conversation's records");
	is_str(got.rec[0], "conv 1 51/whatsapp @- started=2026-11-20T12:35:00Z",
	    "bad list: pending is not ended");
	is_str(got.rec[2], "msg 1 51/whatsapp @2026-11-20T12:35:01Z assistant "
	    "'Hi! I am the bot.'", "bad list: the bot without a name");
	one_error("{\"id\":1,\"messages\":[{\"message_type\":0,"
	    "\"content\":\"hi\"}]}", 0, CONVO_EDATA,
	    "1:1: 'messages[0].created_at' missing", "no time");
	one_error("{\"id\":1,\"messages\":[{\"message_type\":0,"
	    "\"created_at\":\"2026-13-01 10:00:00 UTC\"}]}", 0, CONVO_EDATA,
	    "1:1: bad timestamp '2026-13-01 10:00:00 UTC' in "
	    "'messages[0].created_at': month out of range", "bad UTC time");
	one_error("{\"messages\":[]}", 0, CONVO_EDATA,
	    "1:1: 'id' missing or not a string or an integer", "no id");
	one_error("{\"id\":1,\"messages\":{}}", 0, CONVO_EDATA,
	    "1:1: 'messages' is an object, expected an array",
	    "messages not an array");
	one_error("{\"message_type\":1,\"created_at\":1795170615}", 0,
	    CONVO_EDATA, "1:1: 'conversation_id' missing",
	    "a lone message without its conversation");
	one_error("[{\"name\":\"x\"}]", 0, CONVO_EDATA,
	    "1:2: 'element' is not a Chatwoot conversation or message",
	    "an unknown object");
	one_error("[\"x\"]", 0, CONVO_EDATA,
	    "1:2: a string is not a Chatwoot conversation or message",
	    "not an object");
	is_int(run("{\"event\":\"webwidget_triggered\",\"id\":3}\n", 0), 0,
	    "another event: ignored");
	is_int(got.n_rec, 0, "  and hands on nothing");
}

/* The sniffer claims its own files and no other format's. */
/*
 * One request for a human is one handover: with the import's rules, a
 * user message in which they find the request carries it, and the first
 * agent message after the bot adds none.
 */
static void
test_one_request(void)
{
	struct convo_rules *rules = NULL;
	const char *text = convo_rules_default_text();

	if (convo_rules_new(&rules, text, strlen(text), "default",
	    NULL, NULL) != 0) {
		ok(0, "the default rules compile");
		return;
	}
	harness.opt.rules = rules;
	is_int(run_file("conversation.json", 0), 0, "rules: conversation");
	is_int(got.n_rec, 14, "  one record less: 'talk to a human' was "
	    "the request");
	is_str(got.rec[8], "msg 1 42/web_widget @2026-11-20T10:31:00Z agent "
	    "'Hi Ana, Bob here. Let me check.'", "  the agent's first "
	    "message, no handover before it");
	is_int(run_file("webhooks.jsonl", 0), 0, "rules: webhooks");
	is_int(got.n_rec, 18, "  no request typed: the agent's first "
	    "message is the handover");
	harness.opt.rules = NULL;
	convo_rules_free(rules);
}

static void
test_detect(void)
{
	static const char *const foreign[] = {
		"{\"sender_id\":\"u1\",\"events\":[{\"event\":\"user\","
		"\"text\":\"hi\",\"timestamp\":1.0}]}",
		"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
		"{\"id\":\"c1\",\"messages\":[{\"ts\":\"2026-11-20T10:30:15Z\","
		"\"role\":\"user\",\"text\":\"hi\",\"content_type\":\"x\"}]}",
		"[{\"type\":\"message\",\"from\":{\"role\":\"user\"},"
		"\"conversation\":{\"id\":\"c\"},\"channelId\":\"webchat\"}]",
		NULL
	};
	size_t i;

	is_int(harness_sniff_walk(parse_chatwoot_sniff, "chatwoot"), 4,
	    "detect: every file of testdata/chatwoot");
	for (i = 0; foreign[i] != NULL; i++)
		is_int(parse_chatwoot_sniff(foreign[i], strlen(foreign[i])), 0,
		    "detect: another format is not ours");
}

int
main(void)
{
	harness.parse = parse_chatwoot;
	harness.testdata = "testdata/chatwoot";
	test_conversation();
	test_payload();
	test_webhooks();
	test_errors();
	test_one_request();
	test_detect();
	return done_testing();
}
