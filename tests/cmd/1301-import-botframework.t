#!/bin/sh
# convo-import of Bot Framework activities: .transcript files, JSON Lines
# of activities and Copilot Studio conversationtranscript records, with
# figures worked out by hand from testdata/botframework; re-import and a
# longer later export add nothing twice; bad input names file and line,
# exits 65 and stores nothing; detection tells the format from others.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td" || exit 1

good="botframework/webchat.transcript botframework/copilot-record.json
botframework/copilot-list.json botframework/emulator.jsonl"

# Conversations: conv-1, 8a1c, 9f00 and 7b2d, em-1 and em-2 = 6.
# Messages: webchat 7 (typing is not one; a8 comes twice, kept once);
# the record 6; the list 3 + 3; the Emulator 6: 25.  Users u-42, aad-7
# (twice), u1, u2: 4.  Events: webchat feedback, handover, end; the
# list's like; the Emulator's handoff: 5.  The record's Escalated outcome
# adds no handover: its user typed "talk to a human please" after a
# fallback, which the rules read as the request (after_fallback), and one
# request is one handover.
run convo-import $good
status_is 0 "good files: exit 0"
out_timeless "good files: summary" <<'OUT'
imported 4 files: 6 new and 0 updated conversations, 25 new messages, 0 skipped records, T s
OUT
err_is "good files: no diagnostics" </dev/null
is "$(counts)" "6 25 4 5 0 0" "good files: counts per table"
is "$(sql "SELECT DISTINCT format FROM import")" "botframework" \
    "good files: each detected as botframework"
sql "SELECT ext_id, source, status, coalesce(end_reason, '-'),
    datetime(started_at / 1000, 'unixepoch'),
    coalesce(datetime(ended_at / 1000, 'unixepoch'), '-'), assistant
    FROM conversation ORDER BY id" >"$tmp/out"
out_is "conversations: sources, SessionInfo times and outcome" <<'OUT'
conv-1|webchat|ended|completedSuccessfully|2026-11-20 10:30:01|2026-11-20 10:32:00|Shop Bot
8a1c|msteams|ended|escalated|2026-11-20 10:40:00|2026-11-20 10:41:00|cr123_helpdesk
9f00|test_chat|ended|-|2026-11-20 11:40:00|2026-11-20 11:40:07|cr123_helpdesk
7b2d|msteams|ended|resolved|2026-11-20 12:40:00|2026-11-20 12:40:10|cr123_helpdesk
em-1|test_chat|active|-|2026-11-20 09:00:00|-|Echo
em-2|test_chat|active|-|2026-11-20 09:00:00|-|Echo
OUT
# Fallbacks by the rules: "Sorry, I didn't understand that." and "I'm
# sorry, I'm not sure how to help with that."; never the UnknownIntent
# trace, which is followed by a good answer the first time.
sql "SELECT text FROM message WHERE fallback = 1 ORDER BY ts" >"$tmp/out"
out_is "fallbacks: from the replies, by the rules" <<'OUT'
Sorry, I didn't understand that.
I'm sorry, I'm not sure how to help with that. Can you try rephrasing?
OUT
sql "SELECT click_type, click_title, coalesce(text, '-') FROM message
    WHERE click_type IS NOT NULL ORDER BY ts" >"$tmp/out"
out_is "clicks: buttons and suggested actions" <<'OUT'
quick_reply|Red|red
button|Track my order|track order
quick_reply|Another|-
quick_reply|Leave balance|How many days of leave do I have?
OUT
sql "SELECT media_type, media_name FROM message WHERE media_type IS NOT NULL" \
    >"$tmp/out"
out_is "media: the attachment" <<'OUT'
image|receipt.png
OUT
sql "SELECT c.ext_id, e.type, coalesce(e.value, '-') FROM event e
    JOIN conversation c ON c.id = e.conversation_id ORDER BY e.ts" \
    >"$tmp/out"
out_is "events: handovers, feedback, end" <<'OUT'
em-1|handover|direct
conv-1|feedback|down
conv-1|handover|direct
conv-1|end|completedSuccessfully
7b2d|feedback|up
OUT
# Handovers per conversation, by kind: one each where one was asked for.
sql "SELECT ext_id, n_handovers, n_handover_direct, n_handover_after_fallback,
    datetime(first_handover_at / 1000, 'unixepoch') FROM conversation
    WHERE n_handovers > 0 ORDER BY id" >"$tmp/out"
out_is "handovers: one request is one handover" <<'OUT'
conv-1|1|1|0|2026-11-20 10:31:00
8a1c|1|0|1|2026-11-20 10:40:50
em-1|1|1|0|2026-11-20 09:00:04
OUT

# Again: nothing new, nothing updated.
dump >"$tmp/before"
run convo-import $good
status_is 0 "again: exit 0"
out_timeless "again: nothing new" <<'OUT'
imported 4 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
OUT
is "$(counts)" "6 25 4 5 0 0" "again: the same counts"

# A shorter, earlier export of conv-1 into a fresh database, then the
# whole one: only its 5 later messages are new.
export CONVO_DB="$tmp/longer.db"
cat >"$tmp/part.transcript" <<'IN'
[{"type":"message","id":"a1","timestamp":"2026-11-20T10:30:01.000Z",
  "channelId":"webchat","from":{"id":"shopbot","name":"Shop Bot","role":"bot"},
  "conversation":{"id":"conv-1"},"attachments":[{"contentType":
  "application/vnd.microsoft.card.hero","content":{"title":
  "What can I do for you?","buttons":[{"type":"imBack","title":
  "Track my order","value":"track order"}]}}]},
 {"type":"message","id":"a2","timestamp":"2026-11-20T10:30:05.000Z",
  "channelId":"webchat","from":{"id":"u-42","role":"user"},
  "conversation":{"id":"conv-1"},"text":"track order"}]
IN
run convo-import "$tmp/part.transcript"
status_is 0 "shorter export: exit 0"
out_timeless "shorter export: two messages" <<'OUT'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 0 skipped records, T s
OUT
run convo-import botframework/webchat.transcript
out_timeless "longer export: the 5 later messages only" <<'OUT'
imported 1 file: 0 new and 1 updated conversations, 5 new messages, 0 skipped records, T s
OUT
is "$(sql "SELECT count(*) FROM message")" "7" "longer export: 7 in all"

# Bad input: file, line and column; exit 65; nothing stored.
dump >"$tmp/before"
run convo-import botframework/bad-role.transcript
status_is 65 "bad role: exit 65"
err_is "bad role: the activity's line" <<'OUT'
convo-import: botframework/bad-role.transcript:2:3: 'from.role' missing or not user or bot
OUT
printf '{"conversationtranscriptid":"r9",\n "content":"{\\"activities\\":[{\\"type\\":"}\n' \
    >"$tmp/bad-content.json"
run convo-import "$tmp/bad-content.json"
status_is 65 "content not JSON: exit 65"
err_is "content not JSON: the record's line and where in content" <<OUT
convo-import: $tmp/bad-content.json:1:1: 'content' is not JSON: unexpected end of content, object not closed at character 24
OUT
run convo-import --format botframework json/good-object.json
status_is 65 "a native document forced as botframework: exit 65"
err_is "a native document forced: no activity type" <<'OUT'
convo-import: json/good-object.json:1:1: 'type' missing
OUT
dump >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "bad input: the database is unchanged"

# Other formats are never taken for Bot Framework.
export CONVO_DB="$tmp/others.db"
imports_as_folder json/good-array.json json/good-lines.json \
    json/good-object.json events/good-stream.jsonl csv/good-support.csv \
    text/good-multi.txt sample/shop-assistant.json \
    sample/live-events.jsonl chatwoot/conversation.json \
    chatwoot/webhooks.jsonl

done_testing
