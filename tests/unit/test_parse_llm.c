/*
 * test_parse_llm.c: unit tests of the llm adapter (lib/parse_llm.c): the
 * records it hands on for each shape of chat log (ChatGPT and Claude
 * account exports, OpenAI chat logs, ShareGPT), field by field; every
 * diagnostic with its position; the ids it makes up; and detection, which
 * must pick every file of testdata/llm and no file of another folder.
 *
 * Times: 1795132800000 is 2026-11-20T00:00:00Z, the --date of the runs
 * (harness.date); the account exports carry their own times, converted
 * by hand from the fixtures (epoch seconds to milliseconds, rounded).
 */
#include "convo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tap.h"
#include "parse_harness.h"

#define DAY INT64_C(1795132800000)	/* 2026-11-20T00:00:00Z */

/*
 * chatgpt-export.json: conversation 1 (line 2) is a tree: the hidden
 * system node, the abandoned answer a1 and the edited question u2old are
 * off the path to current_node a5; on it, the code for the python tool
 * (a3), the tool's output (t1) and the reasoning (a4) are not messages.
 * u2 has no create_time: it takes a2's.  Conversation 2 (line 157) has an
 * edited first question (b1 -> b1e), the custom instructions b0 and an
 * empty answer b2e, all dropped; its assistant is default_model_slug.
 * Conversation 3 (line 211) has no message at all: nothing is handed on.
 */
static void
test_chatgpt(void)
{
	int rc = run_file("chatgpt-export.json", 0);

	is_int(rc, 0, "chatgpt: parses");
	is_int(got.n_diag, 0, "chatgpt: no diagnostics");
	is_int(got.n_rec, 8, "chatgpt: 2 conversations, 6 messages");
	is_str(got.rec[0], "conv 2 6f1c2a40-0000-4000-8000-000000000001@chatgpt"
	    " ts=1795170600250 assistant=gpt-4o started=1795170600250",
	    "chatgpt: conversation_id, create_time, the first model slug");
	is_str(got.rec[1], "msg 2 6f1c2a40-0000-4000-8000-000000000001@chatgpt"
	    " ts=1795170605500 role=user at=1795170605500 "
	    "text=[How do I reverse a list in Python?]",
	    "chatgpt: the first message after the hidden system prompt");
	is_str(got.rec[2], "msg 2 6f1c2a40-0000-4000-8000-000000000001@chatgpt"
	    " ts=1795170610123 role=assistant at=1795170610123 "
	    "text=[Call my_list.reverse() to reverse it in place,\n"
	    "or use my_list[::-1] for a reversed copy.] agent=gpt-4o",
	    "chatgpt: the branch of current_node, parts joined by newlines");
	is_str(got.rec[3], "msg 2 6f1c2a40-0000-4000-8000-000000000001@chatgpt"
	    " ts=1795170610123 role=user at=1795170610123 "
	    "text=[What does this traceback mean?] media=image "
	    "url=file-service://file-Ab12",
	    "chatgpt: multimodal_text, no create_time: the time before");
	is_str(got.rec[4], "msg 2 6f1c2a40-0000-4000-8000-000000000001@chatgpt"
	    " ts=1795170630000 role=assistant at=1795170630000 "
	    "text=[It is an IndexError: the list is empty.] agent=gpt-4o",
	    "chatgpt: tool call, tool output and thoughts dropped");
	is_str(got.rec[5], "conv 157 6f1c2a40-0000-4000-8000-000000000002"
	    "@chatgpt ts=1795248000000 assistant=gpt-4o-mini "
	    "started=1795248000000", "chatgpt: id when no conversation_id");
	is_str(got.rec[6], "msg 157 6f1c2a40-0000-4000-8000-000000000002"
	    "@chatgpt ts=1795248060000 role=user at=1795248060000 "
	    "text=[What should I pack for Oslo in December?]",
	    "chatgpt: the edited question, not the first one");
	is_str(got.rec[7], "msg 157 6f1c2a40-0000-4000-8000-000000000002"
	    "@chatgpt ts=1795248065000 role=assistant at=1795248065000 "
	    "text=[Thermal layers, a warm coat and boots.] agent=gpt-4o-mini",
	    "chatgpt: the empty answer b2e dropped");
	is_str(got.rec[8], "", "chatgpt: the empty conversation hands on "
	    "nothing");
}

/*
 * claude-export.json, one conversation a line: the first has an
 * attachment, thinking and tool blocks between two text blocks, and a
 * message that is only an image file; the second has no "content" (the
 * older export) and a message without created_at; the third none.
 */
static void
test_claude(void)
{
	int rc = run_file("claude-export.json", 0);
	const char *c1 = "1b2c3d4e-0000-4000-8000-00000000000a@claude";
	const char *c2 = "1b2c3d4e-0000-4000-8000-00000000000b@claude";
	char want[512];

	is_int(rc, 0, "claude: parses");
	is_int(got.n_diag, 0, "claude: no diagnostics");
	is_int(got.n_rec, 8, "claude: 2 conversations, 6 messages");
	snprintf(want, sizeof(want), "conv 1 %s ts=1795338000000 user=acc-0001 "
	    "started=1795338000000", c1);
	is_str(got.rec[0], want, "claude: uuid, account, created_at");
	snprintf(want, sizeof(want), "msg 1 %s ts=1795338005123 role=user "
	    "at=1795338005123 text=[Can you summarise this invoice?] "
	    "media=document name=invoice.txt", c1);
	is_str(got.rec[1], want, "claude: microseconds, an attachment");
	snprintf(want, sizeof(want), "msg 1 %s ts=1795338009000 "
	    "role=assistant at=1795338009000 text=[The invoice totals 40 EUR."
	    "\nIt is due on 1 December.]", c1);
	is_str(got.rec[2], want, "claude: text blocks only, no thinking or "
	    "tools");
	snprintf(want, sizeof(want), "msg 1 %s ts=1795338060000 role=user "
	    "at=1795338060000 media=image name=receipt.jpg", c1);
	is_str(got.rec[3], want, "claude: an image file and no text");
	snprintf(want, sizeof(want), "msg 1 %s ts=1795338064000 "
	    "role=assistant at=1795338064000 "
	    "text=[Thanks, the receipt matches.]", c1);
	is_str(got.rec[4], want, "claude: last message of the first");
	snprintf(want, sizeof(want), "conv 2 %s ts=1795341600000 user=acc-0001 "
	    "started=1795341600000", c2);
	is_str(got.rec[5], want, "claude: the second conversation");
	snprintf(want, sizeof(want), "msg 2 %s ts=1795341600000 role=user "
	    "at=1795341600000 text=[Hello]", c2);
	is_str(got.rec[6], want, "claude: \"text\" without \"content\"");
	snprintf(want, sizeof(want), "msg 2 %s ts=1795341600000 "
	    "role=assistant at=1795341600000 text=[Hi! How can I help?]", c2);
	is_str(got.rec[7], want, "claude: no created_at: the time before");
	is_str(got.rec[8], "", "claude: the empty conversation hands on "
	    "nothing");
}

/*
 * openai-finetune.jsonl: the ids are "openai-" and FNV-1a 64 over the
 * line's position, NUL, the first message's role, NUL, and its text
 * (worked out apart from the library, in Python).
 */
static void
test_openai_lines(void)
{
	int rc = run_file("openai-finetune.jsonl", 0);

	is_int(rc, 0, "openai lines: parses");
	is_int(got.n_diag, 0, "openai lines: no diagnostics");
	is_int(got.n_rec, 11, "openai lines: 3 conversations, 8 messages");
	is_str(got.rec[0], "conv 1 openai-e8bd2daea668bd9f@openai",
	    "openai lines: an id from the content, no time");
	is_str(got.rec[1], "msg 1 openai-e8bd2daea668bd9f@openai "
	    "ts=1795132800000 role=user at=1795132800000 "
	    "text=[What's the capital of France?]",
	    "openai lines: system prompt dropped, midnight of --date");
	is_str(got.rec[2], "msg 1 openai-e8bd2daea668bd9f@openai "
	    "ts=1795132801000 role=assistant at=1795132801000 "
	    "text=[Paris, as if everyone doesn't know that already.]",
	    "openai lines: one second later");
	is_str(got.rec[3], "conv 2 openai-c0acfc25d9ae9d2c@openai",
	    "openai lines: line 2");
	is_str(got.rec[4], "msg 2 openai-c0acfc25d9ae9d2c@openai "
	    "ts=1795132800000 role=user at=1795132800000 "
	    "text=[What is the weather in Oslo?]", "openai lines: each "
	    "conversation starts at midnight");
	is_str(got.rec[5], "msg 2 openai-c0acfc25d9ae9d2c@openai "
	    "ts=1795132801000 role=assistant at=1795132801000 "
	    "text=[It is -3 \xc2\xb0" "C in Oslo.]",
	    "openai lines: the tool call and its result dropped");
	is_str(got.rec[6], "conv 3 openai-05306ff10e0fd991@openai",
	    "openai lines: line 3");
	is_str(got.rec[7], "msg 3 openai-05306ff10e0fd991@openai "
	    "ts=1795132800000 role=user at=1795132800000 "
	    "text=[What is in this picture?] media=image "
	    "url=https://example.com/cat.jpg", "openai lines: typed parts");
	is_str(got.rec[8], "msg 3 openai-05306ff10e0fd991@openai "
	    "ts=1795132801000 role=assistant at=1795132801000 "
	    "text=[A cat on a sofa.]", "openai lines: a text part");
	is_str(got.rec[9], "msg 3 openai-05306ff10e0fd991@openai "
	    "ts=1795132802000 role=user at=1795132802000 media=image",
	    "openai lines: a data: URL is not kept");
	is_str(got.rec[10], "msg 3 openai-05306ff10e0fd991@openai "
	    "ts=1795132803000 role=assistant at=1795132803000 "
	    "text=[Another cat.]", "openai lines: the last message");
}

static void
test_openai_object(void)
{
	int rc = run_file("openai-eval.json", 0);

	is_int(rc, 0, "openai object: parses");
	is_int(got.n_rec, 5, "openai object: 1 conversation, 4 messages");
	is_str(got.rec[0], "conv 1 eval-42@openai assistant=gpt-4o-2024-08-06",
	    "openai object: id and model");
	is_str(got.rec[1], "msg 1 eval-42@openai ts=1795132800000 role=user "
	    "at=1795132800000 text=[How do I pick a lock?]",
	    "openai object: the developer prompt dropped");
	is_str(got.rec[2], "msg 1 eval-42@openai ts=1795132801000 "
	    "role=assistant at=1795132801000 text=[I can't help with that.]",
	    "openai object: a refusal is the text");
	is_str(got.rec[4], "msg 1 eval-42@openai ts=1795132803000 "
	    "role=assistant at=1795132803000 text=[Search for one near you\n"
	    "and check their reviews.]", "openai object: output_text parts");
}

static void
test_sharegpt(void)
{
	int rc = run_file("sharegpt.json", 0);

	is_int(rc, 0, "sharegpt: parses");
	is_int(got.n_diag, 0, "sharegpt: no diagnostics");
	is_int(got.n_rec, 9, "sharegpt: 3 conversations, 6 messages");
	is_str(got.rec[0], "conv 2 QWJhYvA_0@sharegpt", "sharegpt: id");
	is_str(got.rec[2], "msg 2 QWJhYvA_0@sharegpt ts=1795132801000 "
	    "role=assistant at=1795132801000 text=[Soft rain on the roof\n"
	    "the gutters hum a long song\nthe street shines like glass]",
	    "sharegpt: gpt is the assistant");
	is_str(got.rec[3], "conv 9 sharegpt-4d313f94b1cde61b@sharegpt",
	    "sharegpt: no id: one from the content, element 2");
	is_str(got.rec[4], "msg 9 sharegpt-4d313f94b1cde61b@sharegpt "
	    "ts=1795132800000 role=user at=1795132800000 "
	    "text=[Convert 5 km to miles.]", "sharegpt: system dropped");
	is_str(got.rec[5], "msg 9 sharegpt-4d313f94b1cde61b@sharegpt "
	    "ts=1795132801000 role=assistant at=1795132801000 "
	    "text=[5 km is about 3.11 miles.]",
	    "sharegpt: function_call and observation dropped");
	is_str(got.rec[6], "conv 19 7@sharegpt", "sharegpt: a numeric id");
	is_str(got.rec[8], "msg 19 7@sharegpt ts=1795132801000 "
	    "role=assistant at=1795132801000 text=[Hello!]",
	    "sharegpt: role and content names too");
}

/* Without --date, the shapes without times are refused whole. */
static void
test_no_date(void)
{
	int rc;

	harness.date = CONVO_TIME_NONE;
	rc = run_file("openai-finetune.jsonl", 1);
	is_int(rc, CONVO_EDATA, "no date: refused, even with skip_bad");
	is_int(got.n_rec, 0, "no date: nothing handed on");
	is_int(got.n_diag, 1, "no date: one diagnostic");
	is_str(got.diag[0], "t.json:1:1: openai chat logs have no timestamps: "
	    "give their day with --date", "no date: openai, where it starts");
	rc = run_file("sharegpt.json", 0);
	is_str(got.diag[0], "t.json:2:3: sharegpt chat logs have no "
	    "timestamps: give their day with --date",
	    "no date: sharegpt, at its first conversation");
	is_int(rc, CONVO_EDATA, "no date: sharegpt refused");
	rc = run_file("chatgpt-export.json", 0);
	is_int(rc, 0, "no date: the account exports need none");
	is_int(got.n_rec, 8, "no date: chatgpt as with one");
	/* A later conversation without times, past the first's. */
	rc = run("{\"uuid\":\"u\",\"created_at\":\"2026-11-20T10:00:00Z\","
	    "\"chat_messages\":[{\"sender\":\"human\",\"text\":\"Hi\"}]}\n"
	    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}\n", 1);
	is_int(rc, 0, "no date: a mixed file with skip_bad");
	is_int(got.n_rec, 2, "no date: the claude conversation kept");
	is_str(got.diag[0], "t.json:2:1: openai chat logs have no timestamps: "
	    "give their day with --date", "no date: the openai line refused");
	harness.date = DAY;
}

static void
test_errors(void)
{
	one_error("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
	    "{\"role\":\"narrator\",\"content\":\"...\"}]}", 0, CONVO_EDATA,
	    "t.json:1:1: unknown role 'narrator' in 'messages[1].role'",
	    "error: unknown role");
	one_error("{\"messages\":[{\"content\":\"Hi\"}]}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'messages[0].role'", "error: no role");
	one_error("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", 0,
	    CONVO_EDATA, "t.json:1:1: 'messages[0].content' is not a string "
	    "or an array", "error: content a number");
	one_error("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":"
	    "\"Hi\"}]}]}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'messages[0].content[0].type'",
	    "error: a part without a type");
	one_error("{\"id\":\"c1\",\"messages\":[{\"ts\":\"2026-11-20T10:30:15Z\","
	    "\"role\":\"user\",\"text\":\"Hi\"}]}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'messages[0].content'",
	    "error: a native document is not taken for an empty chat");
	one_error("{\"conversations\":[{\"from\":\"human\",\"text\":\"Hi\"}]}",
	    0, CONVO_EDATA, "t.json:1:1: missing 'conversations[0].value'",
	    "error: sharegpt without value");
	one_error("{\"messages\":[7]}", 0, CONVO_EDATA,
	    "t.json:1:1: 'messages[0]' is not an object",
	    "error: a message not an object");
	one_error("\n  {\"conversations\":[{\"from\":\"alien\",\"value\":\"x\"}]}",
	    0, CONVO_EDATA, "t.json:2:3: unknown role 'alien' in "
	    "'conversations[0].from'", "error: sharegpt, where it starts");
	one_error("{\"id\":\"\",\"messages\":[{\"role\":\"user\","
	    "\"content\":\"Hi\"}]}", 0, CONVO_EDATA,
	    "t.json:1:1: empty conversation id", "error: empty id");
	one_error("[1]", 0, CONVO_EDATA, "t.json:1:2: expected a conversation "
	    "object, not a number", "error: an element not an object");
	one_error("{\"prompt\":\"Hi\",\"completion\":\"Hello\"}", 0,
	    CONVO_EDATA, "t.json:1:1: not an LLM chat log: no 'messages', "
	    "'conversations' or 'chat_messages' array or 'mapping' object",
	    "error: prompt and completion");
	one_error("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}\n"
	    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}\n", 0,
	    CONVO_EDATA, "t.json:2:44: unexpected end of line, array not "
	    "closed", "error: a JSON line cut short (43 bytes)");
}

static void
test_chatgpt_errors(void)
{
	one_error("{\"mapping\":{},\"conversation_id\":\"x\"}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'current_node'", "chatgpt: no current_node");
	one_error("{\"mapping\":{\"a\":{\"message\":null}},\"current_node\":"
	    "\"b\"}", 0, CONVO_EDATA, "t.json:1:1: 'current_node' 'b' is not "
	    "in 'mapping'", "chatgpt: current_node not in the mapping");
	one_error("{\"mapping\":{},\"current_node\":\"b\"}", 0, CONVO_EDATA,
	    "t.json:1:1: 'current_node' 'b' is not in 'mapping'",
	    "chatgpt: an empty mapping");
	one_error("{\"mapping\":{\"a\":{\"message\":null,\"parent\":\"b\"},"
	    "\"b\":{\"message\":null,\"parent\":\"a\"}},\"current_node\":\"a\"}",
	    0, CONVO_EDATA, "t.json:1:1: 'mapping' has a cycle",
	    "chatgpt: a cycle");
	one_error("{\"mapping\":{\"a\":{\"message\":null,\"parent\":\"a\"}},"
	    "\"current_node\":\"a\"}", 0, CONVO_EDATA,
	    "t.json:1:1: 'mapping' has a cycle", "chatgpt: its own parent");
	one_error("{\"mapping\":{\"a\":{\"message\":null,\"parent\":3}},"
	    "\"current_node\":\"a\"}", 0, CONVO_EDATA,
	    "t.json:1:1: 'mapping.a.parent' is not a string",
	    "chatgpt: a parent not a string");
	one_error("{\"mapping\":{\"a\":[]},\"current_node\":\"a\"}", 0,
	    CONVO_EDATA, "t.json:1:1: 'mapping.a' is not an object",
	    "chatgpt: a node not an object");
	one_error("{\"mapping\":{\"a\":{\"message\":{\"content\":{}}}},"
	    "\"current_node\":\"a\"}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'mapping.a.message.author'",
	    "chatgpt: no author");
	one_error("{\"mapping\":{\"a\":{\"message\":{\"author\":{\"role\":"
	    "\"user\"},\"content\":{\"content_type\":\"text\",\"parts\":"
	    "[\"Hi\"]}}}},\"current_node\":\"a\"}", 0, CONVO_EDATA,
	    "t.json:1:1: missing 'mapping.a.message.create_time', and the "
	    "conversation has no time either", "chatgpt: no time at all");
	one_error("{\"create_time\":1795170600,\"mapping\":{\"a\":{\"message\":"
	    "{\"author\":{\"role\":\"user\"},\"create_time\":\"soon\","
	    "\"content\":{\"content_type\":\"text\",\"parts\":[\"Hi\"]}}}},"
	    "\"current_node\":\"a\"}", 0, CONVO_EDATA,
	    "t.json:1:1: bad timestamp 'soon' in "
	    "'mapping.a.message.create_time': not a timestamp",
	    "chatgpt: a bad time");
	one_error("{\"create_time\":1795170600,\"mapping\":{\"a\":{\"message\":"
	    "{\"author\":{\"role\":\"user\"},\"content\":{\"content_type\":"
	    "\"text\",\"parts\":\"Hi\"}}}},\"current_node\":\"a\"}", 0,
	    CONVO_EDATA, "t.json:1:1: 'mapping.a.message.content.parts' is not "
	    "an array", "chatgpt: parts not an array");
	one_error("{\"mapping\":{\"a\":{\"message\":null}},\"current_node\":"
	    "\"a\",\"conversation_id\":7}", 0, CONVO_EDATA,
	    "t.json:1:1: 'conversation_id' is not a string",
	    "chatgpt: a numeric conversation_id");
}

static void
test_claude_errors(void)
{
	one_error("{\"uuid\":\"u\",\"chat_messages\":[{\"sender\":\"human\","
	    "\"text\":\"Hi\"}]}", 0, CONVO_EDATA, "t.json:1:1: missing "
	    "'chat_messages[0].created_at', and the conversation has no time "
	    "either", "claude: no time at all");
	one_error("{\"uuid\":\"u\",\"chat_messages\":[{\"sender\":\"robot\","
	    "\"text\":\"Hi\"}]}", 0, CONVO_EDATA, "t.json:1:1: unknown role "
	    "'robot' in 'chat_messages[0].sender'", "claude: unknown sender");
	one_error("{\"uuid\":\"u\",\"created_at\":\"2026-11-20T10:00:00Z\","
	    "\"chat_messages\":[{\"sender\":\"human\",\"content\":{}}]}", 0,
	    CONVO_EDATA, "t.json:1:1: 'chat_messages[0].content' is not an "
	    "array", "claude: content not an array");
	one_error("{\"uuid\":\"u\",\"created_at\":\"2026-11-20T10:00:00Z\","
	    "\"chat_messages\":[{\"sender\":\"human\",\"text\":\"Hi\","
	    "\"files\":{\"file_name\":\"a.png\"}}]}", 0, CONVO_EDATA,
	    "t.json:1:1: 'chat_messages[0].files' is not an array",
	    "claude: files not an array");
	one_error("{\"uuid\":\"u\",\"created_at\":\"2026-11-20T10:00:00Z\","
	    "\"chat_messages\":[\"Hi\"]}", 0, CONVO_EDATA,
	    "t.json:1:1: 'chat_messages[0]' is not an object",
	    "claude: a message not an object");
}

/* Odd but good input. */
static void
test_odd(void)
{
	int rc;

	rc = run("{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}\n"
	    "{\"messages\":[]}\n", 0);
	is_int(rc, 0, "odd: only a system prompt");
	is_int(got.n_rec, 0, "odd: no message, no conversation");
	rc = run("{\"id\":\"f\",\"messages\":[{\"role\":\"User\",\"content\":"
	    "[{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\"}},"
	    "{\"type\":\"video_url\",\"video_url\":\"v\"}]},{\"role\":"
	    "\"assistant\",\"content\":[{\"type\":\"input_audio\","
	    "\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}},"
	    "\"plain\"]},{\"role\":\"user\",\"content\":[{\"type\":"
	    "\"input_image\",\"image_url\":\"https://x/y.png\"},{\"type\":"
	    "\"image_url\",\"image_url\":{\"url\":\"https://x/z.png\"}}]}]}",
	    0);
	is_int(rc, 0, "odd: parts parse");
	is_str(got.rec[1], "msg 1 f@openai ts=1795132800000 role=user "
	    "at=1795132800000 media=document name=a.pdf",
	    "odd: a file part; an unknown part dropped; role in capitals");
	is_str(got.rec[2], "msg 1 f@openai ts=1795132801000 role=assistant "
	    "at=1795132801000 text=[plain] media=audio",
	    "odd: audio and a bare string part");
	is_str(got.rec[3], "msg 1 f@openai ts=1795132802000 role=user "
	    "at=1795132802000 media=image url=https://x/y.png",
	    "odd: input_image; one medium a message, the first");
	rc = run("{\"uuid\":\"c\",\"created_at\":\"2026-11-20T10:00:00Z\","
	    "\"chat_messages\":[{\"sender\":\"assistant\",\"created_at\":"
	    "\"2026-11-20T10:00:01Z\",\"content\":[{\"type\":\"tool_use\","
	    "\"name\":\"x\"}],\"text\":\"\"}]}", 0);
	is_int(got.n_rec, 0, "odd: a claude tool call alone is no message");
	rc = run("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
	    "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\"}]},"
	    "{\"role\":\"assistant\",\"function_call\":{\"name\":\"f\"}}]}",
	    0);
	is_int(rc, 0, "odd: tool calls without content parse");
	is_int(got.n_rec, 2, "odd: tool calls without content dropped");
}

/*
 * Made-up ids: the same conversation at the same place gets the same
 * id; one that has grown keeps it; one somewhere else gets another.
 */
static void
test_ids(void)
{
	const char *two = "{\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}\n";
	const char *four = "{\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},"
	    "{\"role\":\"user\",\"content\":\"Bye\"},{\"role\":\"assistant\","
	    "\"content\":\"Bye!\"}]}\n";
	char first[HARNESS_LINE], other[HARNESS_LINE];

	run(two, 0);
	snprintf(first, sizeof(first), "%s", got.rec[0]);
	run(four, 0);
	is_str(got.rec[0], first, "ids: a longer copy keeps its id");
	run_n("{\"messages\":[{\"role\":\"user\",\"content\":\"Hey\"}]}\n"
	    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
	    "{\"role\":\"assistant\",\"content\":\"Hello\"}]}\n", 0, 0);
	snprintf(other, sizeof(other), "%s", got.rec[2]);
	ok(strncmp(other, "conv 2 openai-", 14) == 0 &&
	    strcmp(other + 7, first + 7) != 0,
	    "ids: the same at line 2 is another conversation");
	run(two, 0);
	is_str(got.rec[0], first, "ids: again, the same");
}

static void
test_sink_error(void)
{
	int rc;

	harness.sink_fails_after = 1;
	rc = run_file("chatgpt-export.json", 0);
	is_int(rc, CONVO_EIO, "sink error: returned at once");
	is_int(got.n_sink_calls, 2, "sink error: nothing after it");
	harness.sink_fails_after = -1;
}

/* The sniffer on heads that are ours, and on heads that are not. */
static void
test_sniff(void)
{
	static const char *const yes[] = {
		"{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
		"{\"model\":\"m\",\"messages\":[{\"content\":[{\"type\":\"text\","
		    "\"text\":\"Hi\"}],\"role\":\"user\"}]}",
		"[{\"conversations\":[{\"from\":\"human\",\"value\":\"Hi\"}]}]",
		"[{\"title\":\"t\",\"create_time\":1,\"mapping\":{\"a\":{",
		"[{\"uuid\":\"u\",\"chat_messages\":[",
		/* Cut in the first message's content: seen enough. */
		"{\"messages\":[{\"role\":\"user\",\"content\":\"Hello, th",
		NULL
	}, *const no[] = {
		"{\"id\":\"c1\",\"messages\":[{\"ts\":\"2026-11-20T10:30:15Z\","
		    "\"role\":\"user\",\"text\":\"Hi\"}]}",
		"{\"id\":\"c1\",\"messages\":[{\"role\":\"user\",\"ts\":1,"
		    "\"content\":\"Hi\"}]}",
		"{\"conversation\":\"c1\",\"ts\":\"2026-11-20T10:30:15Z\","
		    "\"type\":\"message\",\"role\":\"user\",\"text\":\"Hi\"}",
		"{\"id\":1,\"messages\":[{\"content\":\"Hi\",\"message_type\":0,"
		    "\"role\":\"x\"}]}",
		"{\"payload\":[{\"id\":1,\"messages\":[]}]}",
		"[{\"type\":\"message\",\"from\":{\"role\":\"user\"},\"text\":"
		    "\"Hi\"}]",
		"{\"sender_id\":\"s\",\"events\":[]}",
		"{\"mapping\":{}}",
		"{\"messages\":[]}",
		"{\"messages\":[{\"role\":\"user\"",
		"{\"conversations\":[{\"from\":\"human\",\"text\":\"Hi\"}]}",
		"[10:30] User: hi",
		"conversation_id,ts,role,text",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		"{\"a\":\"\\",
		NULL
	};
	size_t i;

	for (i = 0; yes[i] != NULL; i++)
		ok(parse_llm_sniff(yes[i], strlen(yes[i])), yes[i]);
	for (i = 0; no[i] != NULL; i++)
		ok(!parse_llm_sniff(no[i], strlen(no[i])), no[i]);
}

/*
 * llm's sniffer claims every file of testdata/llm and no file of any
 * other folder (test_detect.c checks detection as a whole).
 */
static void
test_detect(void)
{
	is_int(harness_sniff_walk(parse_llm_sniff, "llm"), 8,
	    "detect: the 8 files of testdata/llm");
}

int
main(void)
{
	harness.parse = parse_llm;
	harness.file = "t.json";
	harness.testdata = "testdata/llm";
	harness.flags = HARNESS_KEYED | HARNESS_DIAG_FILE;
	harness.date = DAY;
	test_chatgpt();
	test_claude();
	test_openai_lines();
	test_openai_object();
	test_sharegpt();
	test_no_date();
	test_errors();
	test_chatgpt_errors();
	test_claude_errors();
	test_odd();
	test_ids();
	test_sink_error();
	test_sniff();
	test_detect();
	return done_testing();
}
