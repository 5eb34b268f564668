#!/bin/sh
# convo-stats as a CI gate: --check passing and failing (every failure
# printed, exit 1), bad and unknown checks (exit 64, never a pass),
# --min-sample, --baseline with --tolerance and each figure's direction,
# and baselines that are missing or not reports.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
now=2026-11-20T12:00:00Z
convo-stats --now $now >report.txt

# The period of 2001-stats-figures.t: handover_rate 3 of 6, 6
# conversations, csat_response_rate 2 of 3.
run convo-stats --now $now --check 'handover_rate <= 0.6' \
    --check 'conversations>=5' --check 'csat_response_rate > 50%'
status_is 0 "checks that hold: exit 0"
same "$tmp/out" "the report is printed as usual" <report.txt
err_is "checks that hold say nothing" </dev/null

run convo-stats --now $now --check 'handover_rate <= 15%' \
    --check 'conversations >= 5' --check 'csat_avg>=4' \
    --check 'duration_median < 60'
status_is 1 "a failed check: exit 1"
err_is "every failed check, with its numbers" <<'EOF'
convo-stats: check failed: handover_rate <= 0.15 (is 0.5, 3 of 6)
convo-stats: check failed: csat_avg >= 4 (is 3.5, 7 / 2)
convo-stats: check failed: duration_median < 60 (is 125, from 5 values)
EOF
same "$tmp/out" "the report is printed all the same" <report.txt

run convo-stats --now $now --check 'responses == 8' --check 'leads != 2'
status_is 1 "== and !=: exit 1"
err_is "== holds, != fails" <<'EOF'
convo-stats: check failed: leads != 2 (is 2)
EOF

# A figure without a value fails: there is nothing to hold the line.
run convo-stats --now $now --period last-month \
    --check 'handover_rate <= 0.15'
status_is 1 "a null figure: exit 1"
err_is "a null figure fails" <<'EOF'
convo-stats: check failed: handover_rate <= 0.15 (is null, 0 of 0)
EOF

# --min-sample: too few cases pass, and say so.
run convo-stats --now $now --min-sample 10 --check 'handover_rate <= 0.15' \
    --check 'conversations >= 10'
status_is 1 "--min-sample: counts are still checked"
err_is "--min-sample: a rate of 6 cases passes with a note" <<'EOF'
convo-stats: check passed: handover_rate <= 0.15: not enough data (is 0.5, 3 of 6; minimum sample 10)
convo-stats: check failed: conversations >= 10 (is 6)
EOF
run convo-stats --now $now --period last-month --min-sample 1 \
    --check 'handover_rate <= 0.15'
status_is 0 "--min-sample 1: an empty period passes"

# Bad checks are usage errors, found before any work.
run convo-stats --now $now --check 'handover_ratio < 0.2'
status_is 64 "an unknown figure: exit 64"
err_is "an unknown figure is named" <<'EOF'
convo-stats: unknown figure 'handover_ratio' in check 'handover_ratio < 0.2'
try 'convo-stats --help'
EOF
is "$(wc -c <"$tmp/out")" 0 "an unknown figure: no report"
for bad in 'handover_rate = 0.2' 'handover_rate <= ' '<= 0.2' \
    'handover_rate <= 0.2x' 'handover_rate <=> 0.2' ''; do
	run convo-stats --now $now --check "$bad"
	status_is 64 "a malformed check '$bad': exit 64"
done
err_is "a malformed check says what is expected" <<'EOF'
convo-stats: invalid check '' (expected FIGURE OP NUMBER, OP one of < <= > >= == !=)
try 'convo-stats --help'
EOF

# --baseline: the report of the week before, saved by --json, against
# this week.  Higher is better for feedback_ratio, csat_avg,
# csat_satisfied, conversion_rate, engaged_rate, contained_rate and
# csat_response_rate; lower for handover_rate, handover_user_rate,
# fallback_rate, first_response_median, agent_pickup_median,
# cost_per_conversation, abandoned_rate and reopen_rate; the rest are
# not checked.  From a baseline of 0 any worsening fails; a null on
# either side (agent_pickup_median, csat_response_rate) is not checked.
convo-stats --now 2026-11-13T12:00:00Z --json >week46.json
run convo-stats --now $now --baseline week46.json
status_is 1 "worse than the baseline: exit 1"
err_is "each figure that moved the wrong way" <<'EOF'
convo-stats: baseline failed: handover_rate rose from 0 to 0.5 (is 0.5, 3 of 6; lower is better, tolerance 5%)
convo-stats: baseline failed: handover_user_rate rose from 0 to 0.6 (is 0.6, 3 of 5; lower is better, tolerance 5%)
convo-stats: baseline failed: fallback_rate rose from 0 to 0.25 (is 0.25, 2 of 8; lower is better, tolerance 5%)
convo-stats: baseline failed: feedback_ratio fell from 1 to 0.6667 (is 0.667, 4 of 6; higher is better, tolerance 5%)
convo-stats: baseline failed: csat_avg fell from 4 to 3.5 (is 3.5, 7 / 2; higher is better, tolerance 5%)
convo-stats: baseline failed: csat_satisfied fell from 1 to 0.5 (is 0.5, 1 of 2; higher is better, tolerance 5%)
convo-stats: baseline failed: first_response_median rose from 4 to 30 (is 30, from 5 values; lower is better, tolerance 5%)
convo-stats: baseline failed: cost_per_conversation rose from 0 to 0.25 (is 0.25, 1.5 / 6; lower is better, tolerance 5%)
convo-stats: baseline failed: contained_rate fell from 1 to 0.5 (is 0.5, 3 of 6; higher is better, tolerance 5%)
convo-stats: baseline failed: reopen_rate rose from 0 to 0.3333 (is 0.333, 1 of 3; lower is better, tolerance 5%)
EOF
# csat_avg fell 12.5%: within a tolerance of 15%; --min-sample 3 excuses
# the figures of 2 votes.
run convo-stats --now $now --baseline week46.json --tolerance 15% \
    --min-sample 3
grep -c '^convo-stats: baseline failed: csat_avg' "$tmp/err" >got
same got "--tolerance 15%: csat_avg's fall of 12.5% passes" <<'EOF'
0
EOF
grep 'not enough data' "$tmp/err" >got
same got "--min-sample 3: the CSAT figures have 2 votes" <<'EOF'
convo-stats: baseline passed: csat_avg: not enough data (is 3.5, 7 / 2; minimum sample 3)
convo-stats: baseline passed: csat_satisfied: not enough data (is 0.5, 1 of 2; minimum sample 3)
EOF

# Against itself a report passes; 0.15 as a tolerance is 15% too.
convo-stats --now $now --json >week47.json
run convo-stats --now $now --baseline week47.json --tolerance 0.15
status_is 0 "against its own report: exit 0"
err_is "and nothing to say" </dev/null

run convo-stats --now $now --baseline missing.json
status_is 66 "a missing baseline: exit 66"
err_is "a missing baseline is named" <<'EOF'
convo-stats: missing.json: No such file or directory
EOF
echo '{"figures": [1, 2' >broken.json
run convo-stats --now $now --baseline broken.json
status_is 65 "a baseline that is not JSON: exit 65"
echo '{"period": {}}' >other.json
run convo-stats --now $now --baseline other.json
status_is 65 "a JSON file that is no report: exit 65"
err_is "says why" <<'EOF'
convo-stats: other.json: not a convo-stats --json report: no "figures" object
EOF
run convo-stats --now $now --tolerance much
status_is 64 "a bad --tolerance: exit 64"
run convo-stats --now $now --min-sample -1
status_is 64 "a bad --min-sample: exit 64"

done_testing
