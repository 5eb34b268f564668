#!/bin/sh
# convo-stats --explain: the ids of the conversations behind a figure's
# numerator, oldest first, one a line, with the period and filters
# applied; figures that count no conversations are usage errors.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
now=2026-11-20T12:00:00Z

run convo-stats --now $now --explain conversations
status_is 0 "conversations: exit 0"
out_is "conversations: those of the period, oldest first" <<'EOF'
c3
c1
c2
c4
c5
c6
EOF
err_is "nothing on stderr" </dev/null

# explain FIGURE WANT...: the ids behind FIGURE, on one line.
explain() {
	figure=$1
	shift
	run convo-stats --now $now --explain "$figure"
	is "$status $(tr '\n' ' ' <"$tmp/out")" "0 $* " "$figure: $*"
}
explain handover_rate c3 c2 c6
explain handover_operator_button c3
explain abandoned_rate c4
explain reopen_rate c4
explain csat_votes c1 c2
explain csat_satisfied c1
explain csat_response_rate c1 c2
explain conversion_rate c3 c5
explain chats_mixed_even c5
explain active c5 c6

# As many lines as the count it explains.
run convo-stats --now $now --csv
want=$(grep '^chats_with_handover,' "$tmp/out" | cut -d, -f2)
is "$(convo-stats --now $now --explain chats_with_handover | wc -l |
    tr -d ' ')" "$want" "as many ids as chats_with_handover counts"

run convo-stats --now $now --explain handover_rate --source whatsapp
out_is "with a filter" <<'EOF'
c3
EOF
run convo-stats --now $now --explain handover_rate --period last-month
status_is 0 "nothing behind it: exit 0"
out_is "nothing behind it: no output" </dev/null
run convo-stats --now $now --explain ended --include-test
out_is "with test traffic: c7 too" <<'EOF'
c3
c1
c2
c7
c4
EOF

run convo-stats --explain messages
status_is 64 "a figure of messages: exit 64"
err_is "says what --explain takes" <<'EOF'
convo-stats: --explain takes a figure that counts conversations, not 'messages'
try 'convo-stats --help'
EOF
run convo-stats --explain duration_median
status_is 64 "a median: exit 64"
run convo-stats --explain handover_ratio
status_is 64 "an unknown figure: exit 64"
err_is "is named" <<'EOF'
convo-stats: unknown figure 'handover_ratio' for --explain
try 'convo-stats --help'
EOF

done_testing
