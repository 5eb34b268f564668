#!/bin/sh
# convo-import of LLM chat logs (the llm adapter).  Expected figures
# worked out by hand from testdata/llm (the records themselves are in
# tests/unit/test_parse_llm.c):
#   chatgpt-export.json: 3 conversations, the third without a message (not
#     stored): 6f1c...0001 with 4 messages on the path to current_node
#     (user 10:30:05.500, assistant 10:30:10.123, user with an image and no
#     create_time, so 10:30:10.123 too, assistant 10:30:30), assistant
#     gpt-4o, started 10:30:00.250 on 2026-11-20; 6f1c...0002 with 2
#     (the edited question 08:01:00, the answer 08:01:05 on 2026-11-21),
#     assistant gpt-4o-mini.
#   claude-export.json: 2 conversations with messages, both of account
#     acc-0001 (one user): 4 messages from 2026-11-22 09:00:05.123 and 2
#     at 10:00:00 (the second has no created_at).
#   openai-eval.json: eval-42, 4 messages; openai-finetune.jsonl: 3
#     conversations with 2, 2 and 4 messages; sharegpt.json: 3 with 2
#     each; all without times: from 2026-11-20 00:00:00 (--date, TZ=UTC),
#     one second apart.
# So 2 + 2 + 1 + 3 + 3 = 11 conversations, 6 + 6 + 4 + 8 + 6 = 30
# messages, 2 + 1 + 1 + 3 + 3 = 10 users.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$td/llm" || exit 1
good="chatgpt-export.json claude-export.json openai-eval.json
openai-finetune.jsonl sharegpt.json"

# Every table but the import log, as SQL text.
content() {
	sqlite3 -batch "$CONVO_DB" \
	    ".dump conversation message user event lead variable"
}

# Without --date, the files without times are refused whole.
run convo-import openai-finetune.jsonl
status_is 65 "no --date: exit 65"
err_is "no --date: says why, where the first conversation starts" <<'EOF'
convo-import: openai-finetune.jsonl:1:1: openai chat logs have no timestamps: give their day with --date
EOF
run convo-import --skip-bad sharegpt.json
status_is 65 "no --date, --skip-bad: still exit 65"
err_is "no --date, --skip-bad: one diagnostic" <<'EOF'
convo-import: sharegpt.json:2:3: sharegpt chat logs have no timestamps: give their day with --date
convo-import: sharegpt.json: 1 bad records skipped
EOF
is "$(counts)" "0 0 0 0 0 0" "no --date: nothing stored"

run convo-import --date 2026-11-20 $good
status_is 0 "good logs: exit 0"
out_timeless "good logs: summary" <<'EOF'
imported 5 files: 11 new and 0 updated conversations, 30 new messages, 0 skipped records, T s
EOF
err_is "good logs: nothing on stderr" </dev/null
# No lead, variable or event: no user typed an address or a number.
is "$(counts)" "11 30 10 0 0 0" "good logs: counts per table"
# The import log: the run with --skip-bad above, then the five.
is "$(sql "SELECT group_concat(format, ' ') FROM import")" \
	"llm llm llm llm llm llm" "good logs: each detected as llm"

sql "SELECT ext_id, source, (SELECT token FROM user WHERE id = user_id),
    quote(assistant), strftime('%Y-%m-%d %H:%M:%f', started_at / 1000.0,
    'unixepoch') FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good logs: conversations" <<'EOF'
6f1c2a40-0000-4000-8000-000000000001|chatgpt|chatgpt/6f1c2a40-0000-4000-8000-000000000001|'gpt-4o'|2026-11-20 10:30:00.250
6f1c2a40-0000-4000-8000-000000000002|chatgpt|chatgpt/6f1c2a40-0000-4000-8000-000000000002|'gpt-4o-mini'|2026-11-21 08:00:00.000
1b2c3d4e-0000-4000-8000-00000000000a|claude|acc-0001|NULL|2026-11-22 09:00:00.000
1b2c3d4e-0000-4000-8000-00000000000b|claude|acc-0001|NULL|2026-11-22 10:00:00.000
eval-42|openai|openai/eval-42|'gpt-4o-2024-08-06'|2026-11-20 00:00:00.000
openai-e8bd2daea668bd9f|openai|openai/openai-e8bd2daea668bd9f|NULL|2026-11-20 00:00:00.000
openai-c0acfc25d9ae9d2c|openai|openai/openai-c0acfc25d9ae9d2c|NULL|2026-11-20 00:00:00.000
openai-05306ff10e0fd991|openai|openai/openai-05306ff10e0fd991|NULL|2026-11-20 00:00:00.000
QWJhYvA_0|sharegpt|sharegpt/QWJhYvA_0|NULL|2026-11-20 00:00:00.000
sharegpt-4d313f94b1cde61b|sharegpt|sharegpt/sharegpt-4d313f94b1cde61b|NULL|2026-11-20 00:00:00.000
7|sharegpt|sharegpt/7|NULL|2026-11-20 00:00:00.000
EOF

# The ChatGPT conversation's messages: only the branch of current_node;
# the model slug names the agent of each answer.
sql "SELECT strftime('%H:%M:%f', ts / 1000.0, 'unixepoch'), role,
    quote(agent), quote(media_type), quote(media_url), text FROM message
    WHERE conversation_id = 1 ORDER BY ts, id" >"$tmp/got"
same "$tmp/got" "chatgpt: the messages of the current branch" <<'EOF'
10:30:05.500|user|NULL|NULL|NULL|How do I reverse a list in Python?
10:30:10.123|assistant|'gpt-4o'|NULL|NULL|Call my_list.reverse() to reverse it in place,
or use my_list[::-1] for a reversed copy.
10:30:10.123|user|NULL|'image'|'file-service://file-Ab12'|What does this traceback mean?
10:30:30.000|assistant|'gpt-4o'|NULL|NULL|It is an IndexError: the list is empty.
EOF

# Rollups.  First responses: chatgpt 1, 10:30:05.500 -> 10:30:10.123 =
# 4623 ms; chatgpt 2, 08:01:00 -> 08:01:05 = 5000; claude a, 09:00:05.123
# -> 09:00:09 = 3877; claude b, both at 10:00:00 = 0; the rest one
# second apart: 1000.  No reply is a fallback by the default rules.
sql "SELECT ext_id, n_user, n_assistant, n_fallbacks, first_response_ms,
    last_role FROM conversation ORDER BY id" >"$tmp/got"
same "$tmp/got" "good logs: rollups" <<'EOF'
6f1c2a40-0000-4000-8000-000000000001|2|2|0|4623|assistant
6f1c2a40-0000-4000-8000-000000000002|1|1|0|5000|assistant
1b2c3d4e-0000-4000-8000-00000000000a|2|2|0|3877|assistant
1b2c3d4e-0000-4000-8000-00000000000b|1|1|0|0|assistant
eval-42|2|2|0|1000|assistant
openai-e8bd2daea668bd9f|1|1|0|1000|assistant
openai-c0acfc25d9ae9d2c|1|1|0|1000|assistant
openai-05306ff10e0fd991|2|2|0|1000|assistant
QWJhYvA_0|1|1|0|1000|assistant
sharegpt-4d313f94b1cde61b|1|1|0|1000|assistant
7|1|1|0|1000|assistant
EOF

# Importing again changes no row.
content >"$tmp/first"
run convo-import --date 2026-11-20 $good
status_is 0 "again: exit 0"
out_timeless "again: nothing new" <<'EOF'
imported 5 files: 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
content >"$tmp/second"
cmp -s "$tmp/first" "$tmp/second"
ok $? "again: no row of any table changed"

# A longer, later copy of the fine-tuning file: line 1 has two more
# messages (00:00:02 and 00:00:03), line 4 is new.  Its first message and
# place are the same, so its id is; only the new messages are added.
{
	sed -n 1p openai-finetune.jsonl | sed 's/}]}$/}, {"role": "user", "content": "And of Spain?"}, {"role": "assistant", "content": "Madrid. Shocking, I know."}]}/'
	sed -n 2,3p openai-finetune.jsonl
	echo '{"messages": [{"role": "user", "content": "One more?"}, {"role": "assistant", "content": "Fine."}]}'
} >"$tmp/longer.jsonl"
run convo-import --date 2026-11-20 "$tmp/longer.jsonl"
status_is 0 "a longer copy: exit 0"
out_timeless "a longer copy: 1 new conversation, 4 new messages" <<'EOF'
imported 1 file: 1 new and 1 updated conversations, 4 new messages, 0 skipped records, T s
EOF
sql "SELECT time(ts / 1000, 'unixepoch'), role, text FROM message
    WHERE conversation_id = (SELECT id FROM conversation
    WHERE ext_id = 'openai-e8bd2daea668bd9f') ORDER BY ts" >"$tmp/got"
same "$tmp/got" "a longer copy: the conversation grew in place" <<'EOF'
00:00:00|user|What's the capital of France?
00:00:01|assistant|Paris, as if everyone doesn't know that already.
00:00:02|user|And of Spain?
00:00:03|assistant|Madrid. Shocking, I know.
EOF

# A later ChatGPT export: conversation 2 went on (current_node moved on to
# a new node b4e, 08:02:00): one new message, nothing duplicated.
sed 's/"current_node": "b3e"/"current_node": "b4e"/
s/"b3e": {/"b4e": {"id": "b4e", "message": {"id": "b4e", "author": {"role": "user"}, "create_time": 1795248120, "content": {"content_type": "text", "parts": ["Thanks!"]}, "metadata": {}}, "parent": "b3e", "children": []},\
      "b3e": {/' chatgpt-export.json >"$tmp/later.json"
run convo-import "$tmp/later.json"
status_is 0 "a later chatgpt export: exit 0"
out_timeless "a later chatgpt export: one new message" <<'EOF'
imported 1 file: 0 new and 1 updated conversations, 1 new messages, 0 skipped records, T s
EOF
is "$(counts)" "12 35 11 0 0 0" "after the later copies: counts per table"

# Bad input: one diagnostic with file, line and column, exit 65, the
# database unchanged.
content >"$tmp/before"
rejected() {
	cat >"$tmp/want.err"
	run convo-import --date 2026-11-20 "$1"
	status_is 65 "$1: exit 65"
	err_is "$1: the diagnostic" <"$tmp/want.err"
	content >"$tmp/after"
	cmp -s "$tmp/before" "$tmp/after"
	ok $? "$1: the database is unchanged"
}
# Line 1 is good, line 2 has a role no chat log uses.
rejected bad-role.jsonl <<'EOF'
convo-import: bad-role.jsonl:2:1: unknown role 'narrator' in 'messages[1].role'
EOF
# The conversation starts at line 2, column 3.
rejected bad-parent.json <<'EOF'
convo-import: bad-parent.json:2:3: parent 'n0' of node 'n1' is not in 'mapping'
EOF
# One line of 126 bytes, cut inside a string.
rejected bad-truncated.json <<'EOF'
convo-import: bad-truncated.json:1:127: unexpected end of file, string not closed
EOF
# Forced onto native documents, with or without --date: the first has
# "messages" but with "text", not "content"; the second no list at all.
run convo-import --format llm "$td/json/good-object.json"
status_is 65 "--format llm on a native document: exit 65"
err_is "--format llm on a native document: the diagnostic" <<EOF
convo-import: $td/json/good-object.json:1:1: missing 'messages[0].content'
EOF
run convo-import --format llm --date 2026-11-20 "$td/events/good-stream.jsonl"
status_is 65 "--format llm on an event stream: exit 65"
err_is "--format llm on an event stream: the diagnostic" <<EOF
convo-import: $td/events/good-stream.jsonl:1:1: not an LLM chat log: no 'messages', 'conversations' or 'chat_messages' array or 'mapping' object
EOF
content >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "--format llm on native files: the database is unchanged"

# --skip-bad keeps line 1 of bad-role.jsonl (a new conversation, 2
# messages) and reports line 2.
run convo-import --date 2026-11-20 --skip-bad bad-role.jsonl
status_is 65 "--skip-bad: exit 65"
out_timeless "--skip-bad: the good line stored" <<'EOF'
imported 1 file: 1 new and 0 updated conversations, 2 new messages, 1 skipped records, T s
EOF
is "$(counts)" "13 37 12 0 0 0" "--skip-bad: counts per table"

# No file of another folder is taken for an LLM chat log.
for f in "$td"/*/*; do
	case $f in "$td"/llm/*) continue ;; esac
	CONVO_DB=$tmp/other.db convo-import -q --date 2026-11-20 "$f" \
	    >/dev/null 2>"$tmp/other.err"
	grep -h 'chat log' "$tmp/other.err"
done >"$tmp/got"
same "$tmp/got" "other folders: no llm diagnostic" </dev/null
is "$(CONVO_DB=$tmp/other.db sql "SELECT count(*) FROM import
    WHERE format = 'llm'")" 0 "other folders: none detected as llm"

done_testing
