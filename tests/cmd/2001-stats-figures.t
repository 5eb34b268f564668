#!/bin/sh
# convo-stats: every figure of kpis.md on a small hand-made export
# (testdata/stats), worked out by hand below, for the default period
# (7d) and its previous period, and test traffic left out or counted.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"

# now = Friday 2026-11-20 12:00 UTC, so 7d is 2026-11-13 00:00 until
# 2026-11-20 00:00 and the previous period 2026-11-06 until 2026-11-13.
#
# In the period: c1 (u1 web ended), c2 (u2 web ended), c3 (u3 whatsapp
# ended, starts 11-13 00:00:00, the first instant), c4 (u4 web ended),
# c5 (u4 web active), c6 (u6 api active, starts 11-19 23:59:59, the last
# second).  Not in it: c7 (test_chat), c10 (starts 11-20 00:00:00), c8
# and c9 (previous period; c9 starts 11-12 23:59:59 and its fallback
# reply is sent 11-13 00:00:04, so that message is in the period).
#
# conversations 6; active 2 (c5 c6), ended 4: shares 2/6 33.3%, 4/6 66.7%
# users 5 (u1 u2 u3 u4 u6); new 4: u2 was first seen 11-08 (c8), so it
#   returns: returning 1, returning_rate 1/5 20%; per user 6/5 1.20
# messages sent in the period, system lines and test traffic left out:
#   c1 6, c2 5 (the "joined" line is a system line), c3 4, c4 1, c5 4,
#   c6 1 (its reply is sent 11-20), c9's fallback 1: 22; user 3+3+2+1+2+1
#   12, assistant 3+1+1+2+1 8, agent c2 c3 2
# avg_messages: c1..c6 have 6 5 4 1 4 2 messages (any time): 22/6 3.67
# durations (2 messages or more; c4 has 1): c1 125 s, c2 300 s, c3 610 s,
#   c5 90 s, c6 31 s: mean 1156/5 231.2 s = 3m 51s, median 125 s = 2m 05s,
#   p90 at rank 3.6 of 0..4: 300 + .6 * 310 = 486 s = 8m 06s
# user messages: c2's first got a fallback (not_understood 1), c1 and c3
#   each have a click (button_clicks 2), the other 9 are understood
# handovers: c2 after_fallback, c3 operator_button, c6 direct: 3 of 6
#   conversations 50%, of 5 users 60%; with 3, without 3
# fallback_rate: c2's and c9's fallbacks of 8 assistant messages 25%
# responses 8: up c1 c1 c3 c5 = 4, down c2 c5 = 2, none c1 c9 = 2;
#   feedback_ratio 4/6 66.7%
# by thumbs: only positive c1 c3, only negative c2, even c5 (1 up, 1 down)
# CSAT: c1 5, c2 2: mean 3.50, 2 votes, satisfied (4 or 5) 1/2 50%
# leads created in the period: c3's stated one, c5's derived from the
#   e-mail address it typed: 2; conversion c3 c5 2/6 33.3%
# first responses: c1 30 s, c2 5, c3 2, c5 40, c6 31 (the reply after
#   midnight counts: it is the conversation's): median 30 s; all under 1m
# agent pickup: c2 180 s, c3 600 s (c6 never got an agent): median 390 s
# tokens: c1's messages 100+200 in, 50+70 out, 0.10+0.15; c6 states 1000,
#   500, 1.25: 1300, 620, cost 1.50, per conversation 0.25
# engaged 6/6 100%; contained (no handover) c1 c4 c5 3/6 50%
# abandoned: of the 4 ended, c4 ends on an unanswered user message with
#   no handover and no lead (c2 ends on one too, but was handed over): 1/4
# reopen: of the contained, c4's user starts c5 11 h after c4's last
#   message: 1/3 33.3%
# csat_response_rate: surveys offered in c1 c2 c4, votes in c1 c2: 2/3
#
# Previous period: c8 (u2 web ended, csat 4), c9 (u9 whatsapp ended):
# conversations 2, ended 2; users 2, both new; messages c8 4 + c9's user
# message 1 = 5 (user 3, assistant 2); avg (4+2)/2 3.00; durations 63 s
# and 5 s: mean and median 34 s, p90 5 + .9 * 58 = 57.2 s; c9's user
# message got a fallback (sent in the current period); responses 2, 1 up:
# ratio 100%; c8 only positive; csat 4; first responses 3 s and 5 s:
# median 4 s; abandoned c9 (its last message is a fallback) 1/2; no
# survey was offered: csat_response_rate null.  Changes are in percent of
# the previous value, "-" where that is 0 or null.
run convo-stats --now 2026-11-20T12:00:00Z
status_is 0 "exit 0"
out_is "every figure, the previous period and the change" <<'EOF'
period    2026-11-13 00:00 until 2026-11-20 00:00 UTC
previous  2026-11-06 00:00 until 2026-11-13 00:00 UTC

figure                     value  previous   change
conversations                  6         2  +200.0%
active                         2         0        -
ended                          4         2  +100.0%
active_share               33.3%      0.0%        -
ended_share                66.7%    100.0%   -33.3%
users                          5         2  +150.0%
new_users                      4         2  +100.0%
returning_users                1         0        -
returning_rate             20.0%      0.0%        -
conversations_per_user      1.20      1.00   +20.0%
messages                      22         5  +340.0%
user_messages                 12         3  +300.0%
assistant_messages             8         2  +300.0%
agent_messages                 2         0        -
avg_messages                3.67      3.00   +22.2%
duration_avg              3m 51s       34s  +580.0%
duration_median           2m 05s       34s  +267.6%
duration_p90              8m 06s       57s  +749.7%
understood                     9         2  +350.0%
not_understood                 1         1     0.0%
button_clicks                  2         0        -
handover_rate              50.0%      0.0%        -
handover_user_rate         60.0%      0.0%        -
chats_with_handover            3         0        -
chats_without_handover         3         2   +50.0%
handover_direct                1         0        -
handover_after_fallback        1         0        -
handover_operator_button       1         0        -
fallback_rate              25.0%      0.0%        -
responses                      8         2  +300.0%
feedback_up                    4         1  +300.0%
feedback_down                  2         0        -
feedback_none                  2         1  +100.0%
feedback_ratio             66.7%    100.0%   -33.3%
chats_only_positive            2         1  +100.0%
chats_more_positive            0         0        -
chats_more_negative            0         0        -
chats_only_negative            1         0        -
chats_mixed_even               1         0        -
csat_avg                    3.50      4.00   -12.5%
csat_votes                     2         1  +100.0%
csat_1                         0         0        -
csat_2                         1         0        -
csat_3                         0         0        -
csat_4                         0         1  -100.0%
csat_5                         1         0        -
csat_satisfied             50.0%    100.0%   -50.0%
leads                          2         0        -
conversion_rate            33.3%      0.0%        -
first_response_median        30s        4s  +650.0%
agent_pickup_median       6m 30s         -        -
input_tokens                1300         0        -
output_tokens                620         0        -
cost                        1.50      0.00        -
cost_per_conversation       0.25      0.00        -
engaged_rate              100.0%    100.0%     0.0%
contained_rate             50.0%    100.0%   -50.0%
abandoned_rate             25.0%     50.0%   -50.0%
reopen_rate                33.3%      0.0%        -
csat_response_rate         66.7%         -        -
response_under_1m              5         2  +150.0%
response_1m_5m                 0         0        -
response_5m_60m                0         0        -
response_1h_24h                0         0        -
response_over_24h              0         0        -
EOF
err_is "nothing on stderr" </dev/null

# --include-test counts c7 (test_chat, user "tester", first seen 11-16,
# 2 messages, 1 s long, answered in 1 s, ended, no handover): the median
# duration of 1 31 90 125 300 610 s is (90 + 125) / 2.
run convo-stats --now 2026-11-20T12:00:00Z --include-test --no-compare \
    --csv
status_is 0 "--include-test: exit 0"
grep -E '^(conversations|users|new_users|messages|handover_rate|duration_median|contained_rate),' \
    "$tmp/out" | tr -d '\r' >got
same got "--include-test: the test conversation counts" <<'EOF'
conversations,7,,
users,6,,
new_users,5,,
messages,24,,
duration_median,107.5,,
handover_rate,0.428571428571,,
contained_rate,0.571428571429,,
EOF

# The filters: --source and --channel are one filter.
run convo-stats --now 2026-11-20T12:00:00Z --channel whatsapp --csv \
    --no-compare
grep -E '^(conversations|messages|leads),' "$tmp/out" | tr -d '\r' >got
# whatsapp: c3 (4 messages, its lead) and c9's fallback sent in the period
same got "--channel whatsapp: c3, and c9's message of the period" <<'EOF'
conversations,1,,
messages,5,,
leads,1,,
EOF
run convo-stats --now 2026-11-20T12:00:00Z --source whatsapp --csv \
    --no-compare
grep -E '^(conversations|messages|leads),' "$tmp/out" | tr -d '\r' >got2
same got2 "--source is the same filter" <got
run convo-stats --now 2026-11-20T12:00:00Z --user u4 --status ended \
    --assistant help-bot --csv --no-compare
grep -E '^(conversations|abandoned_rate),' "$tmp/out" | tr -d '\r' >got
same got "--user, --status and --assistant together: c4 alone" <<'EOF'
conversations,1,,
abandoned_rate,1,,
EOF

# --reopen-window: c5 starts 12 h after c4's last message; a window of
# 11 h leaves it out.
run convo-stats --now 2026-11-20T12:00:00Z --reopen-window 11h --csv \
    --no-compare
grep '^reopen_rate,' "$tmp/out" | tr -d '\r' >got
same got "--reopen-window 11h: no reopening" <<'EOF'
reopen_rate,0,,
EOF

done_testing
