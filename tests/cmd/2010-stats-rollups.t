#!/bin/sh
# convo-stats reads the rollups of the conversations (schema version 4),
# not the messages of the period: the messages of a conversation that
# straddles an end of the period count only on their own side of it;
# one that started outside the period counts its messages in it, not
# itself; --period all reads the rows in their order and gets the same
# figures when a user's conversations were stored out of start order.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# Times in UTC.  r2 comes first in the file, before r1 of the same user
# that started a day earlier.
#   r2 ra web_widget  11-11 08:00 U "hello"  08:00:05 A
#   r1 ra web_widget  11-10 09:00 U "Where is my parcel?"
#                     09:00:05 A parcel-flow up  09:30 U click Track
#                     11-11 00:00:10 A* (fallback)  00:01 U "where is my
#                     parcel"  00:01:05 A* (so 00:01 is not understood)
#   r3 rb whatsapp    stated start 11-09 23:00; 11-10 10:00 U "Hi"
#                     10:00:05 A
#   r4 rc api         stated start 11-12 12:00; 11-10 12:00 U "early"
#                     12:00:05 A
cat >r.json <<'JSON'
[
 {"id": "r2", "source": "web_widget", "user": "ra", "messages": [
   {"ts": "2026-11-11T08:00:00Z", "role": "user", "text": "hello"},
   {"ts": "2026-11-11T08:00:05Z", "role": "assistant", "text": "Hi!"}]},
 {"id": "r1", "source": "web_widget", "user": "ra", "messages": [
   {"ts": "2026-11-10T09:00:00Z", "role": "user",
    "text": "Where is my parcel?"},
   {"ts": "2026-11-10T09:00:05Z", "role": "assistant",
    "text": "Let me look.", "agent": "parcel-flow", "feedback": "up"},
   {"ts": "2026-11-10T09:30:00Z", "role": "user",
    "click": {"type": "quick_reply", "title": "Track", "target": "track"}},
   {"ts": "2026-11-11T00:00:10Z", "role": "assistant", "text": "Sorry?",
    "fallback": true},
   {"ts": "2026-11-11T00:01:00Z", "role": "user",
    "text": "where is my parcel"},
   {"ts": "2026-11-11T00:01:05Z", "role": "assistant", "text": "Sorry?",
    "fallback": true}]},
 {"id": "r3", "source": "whatsapp", "user": "rb",
  "started_at": "2026-11-09T23:00:00Z", "messages": [
   {"ts": "2026-11-10T10:00:00Z", "role": "user", "text": "Hi"},
   {"ts": "2026-11-10T10:00:05Z", "role": "assistant", "text": "Hello"}]},
 {"id": "r4", "source": "api", "user": "rc",
  "started_at": "2026-11-12T12:00:00Z", "messages": [
   {"ts": "2026-11-10T12:00:00Z", "role": "user", "text": "early"},
   {"ts": "2026-11-10T12:00:05Z", "role": "assistant", "text": "ok"}]}
]
JSON
convo-import -q r.json
is "$?" 0 "the test data imports"

# figures NAME...: those rows of the last run's CSV, without the CRs.
figures() {
	pattern=$(echo "$@" | tr ' ' '|')
	grep -E "^($pattern)," "$tmp/out" | tr -d '\r'
}

# 11-10: r1 started in it; its first three messages are in it, the rest
# on 11-11; r3 and r4 started outside it, their messages are in it.
run convo-stats --since 2026-11-10 --until 2026-11-11 --no-compare --csv
status_is 0 "11-10: exit 0"
figures conversations users messages user_messages assistant_messages \
    understood not_understood button_clicks fallback_rate feedback_up \
    responses avg_messages >got
same got "11-10: r1's messages of the day, r3's and r4's" <<'EOF'
conversations,1,,
users,1,,
messages,7,,
user_messages,4,,
assistant_messages,3,,
avg_messages,6,,
understood,3,,
not_understood,0,,
button_clicks,1,,
fallback_rate,0,,
responses,3,,
feedback_up,1,,
EOF
run convo-stats --since 2026-11-10 --until 2026-11-11 --no-compare \
    --show traffic,trend,clicks,agents,top_questions,top_not_understood \
    --json
{ tr -d ' \n' <"$tmp/out" | sed 's/.*"breakdowns"://' |
    sed 's/"h[0-9][0-9]":0,\{0,1\}//g'; echo; } >got
same got "11-10: the breakdowns of those messages" <<'EOF'
{"traffic":[{"weekday":"Mon",},{"weekday":"Tue","h09":2,"h10":1,"h12":1,},{"weekday":"Wed",},{"weekday":"Thu",},{"weekday":"Fri",},{"weekday":"Sat",},{"weekday":"Sun",}],"trend":[{"day":"2026-11-10","conversations":1,"users":1,"messages":7}],"clicks":[{"type":"quick_reply","title":"Track","target":"track","clicks":1}],"agents":[{"agent":"(none)","views":2,"thumbs_up":0,"thumbs_down":0},{"agent":"parcel-flow","views":1,"thumbs_up":1,"thumbs_down":0}],"top_questions":[{"question":"whereismyparcel","conversations":1}],"top_not_understood":[]}}
EOF

# 11-11: r2, and r1's last three messages, one not understood.
run convo-stats --since 2026-11-11 --until 2026-11-12 --no-compare --csv \
    --show top_not_understood
figures conversations messages user_messages not_understood fallback_rate \
    >got
same got "11-11: r2 and the rest of r1" <<'EOF'
conversations,1,,
messages,5,,
user_messages,2,,
not_understood,1,,
fallback_rate,0.666666666667,,
EOF
grep -A 2 '^# top_not_understood' "$tmp/out" | tr -d '\r' >got
same got "11-11: r1's message that got a fallback" <<'EOF'
# top_not_understood
message,count
where is my parcel,1
EOF

# All time: r1 (contained) is reopened by r2, the same user's next
# conversation, 8 hours after r1's last message, although r2 is stored
# first; the others are not.  The trend runs from r3's start to r4's.
run convo-stats --period all --csv
figures conversations users messages reopen_rate >got
same got "all: r1 reopened by r2, stored before it" <<'EOF'
conversations,4,,
users,3,,
messages,12,,
reopen_rate,0.25,,
EOF
run convo-stats --period all --show trend --json
{ tr -d ' \n' <"$tmp/out" | sed 's/.*"breakdowns"://'; echo; } >got
same got "all: the trend from the first start to the last" <<'EOF'
{"trend":[{"day":"2026-11-09","conversations":1,"users":1,"messages":0},{"day":"2026-11-10","conversations":1,"users":1,"messages":7},{"day":"2026-11-11","conversations":1,"users":1,"messages":5},{"day":"2026-11-12","conversations":1,"users":1,"messages":0}]}}
EOF
run convo-stats --period all --explain reopen_rate
out_is "all: --explain lists r1" <<'EOF'
r1
EOF

done_testing
