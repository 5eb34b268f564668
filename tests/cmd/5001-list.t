#!/bin/sh
# convo-list: the order, every filter on testdata/list (eight hand-made
# conversations whose handovers, leads, fallbacks, thumbs, votes, sources
# and times are known), --ids, --limit, nothing found, usage errors.
#
# The conversations, newest activity first:
#   id  source      user         status  started           handover lead fallback up/down csat
#   L8  api         u-dee        ended   2026-11-07 16:00  yes      -    -        0/1     1
#   L6  web_widget  v-ana        active  2026-11-06 07:15  yes      yes  -        0/0     -
#   L3  whatsapp    +49151...    active  2026-11-05 18:30  -        -    -        2/1     -
#   L7  web_widget  v-cy         ended   2026-11-05 10:00  -        -    -        1/1     4
#   L5  test_chat   (anonymous)  ended   2026-11-04 12:00  -        -    -        0/0     -
#   L2  web_widget  v-ben        ended   2026-11-03 14:00  yes      yes  yes      0/1     2
#   L1  web_widget  v-ana        ended   2026-11-02 09:00  -        -    -        2/0     5
#   L4  whatsapp    +49151...    ended   2026-11-01 08:00  -        -    -        1/2     3
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# A missing database: exit 66, and it is not created.
run convo-list
status_is 66 "a missing database exits 66"
out_is "a missing database: nothing on stdout" </dev/null
err_is "a missing database is named" <<EOF
convo-list: $CONVO_DB: No such file or directory
EOF
test ! -e "$CONVO_DB"
ok $? "a missing database is not created"

convo-import -q "$td/list/conversations.json" "$td/list/events.jsonl"
is "$?" 0 "the test data imports"

# ids OPTION...: the ids convo-list --ids lists, on one line.
ids() {
	run convo-list --ids "$@"
	tr '\n' ' ' <"$tmp/out" | sed 's/ $//'
}

run convo-list --ids
status_is 0 "something listed: exit 0"
out_is "newest first, by last activity; test traffic included" <<'EOF'
L8
L6
L3
L7
L5
L2
L1
L4
EOF
err_is "--ids: nothing on stderr" </dev/null

# Ties on last activity are broken by the start, then the latest stored.
sql "UPDATE conversation SET last_activity_at = (SELECT last_activity_at
	FROM conversation WHERE ext_id = 'L3') WHERE ext_id IN ('L7', 'L1')"
is "$(ids)" "L8 L6 L3 L7 L1 L5 L2 L4" "same last activity: newest start first"
sql "UPDATE conversation SET last_activity_at = (SELECT max(ts) FROM message
	WHERE conversation_id = conversation.id) WHERE ext_id IN ('L7', 'L1')"
is "$(ids)" "L8 L6 L3 L7 L5 L2 L1 L4" "the order is back"

is "$(ids --source whatsapp)" "L3 L4" "--source"
is "$(ids --source test_chat)" "L5" "--source test_chat: the test traffic"
is "$(ids --assistant sales-bot)" "L2 L4" "--assistant"
is "$(ids --status active)" "L6 L3" "--status active"
is "$(ids --status ended)" "L8 L7 L5 L2 L1 L4" "--status ended"
is "$(ids --user v-ana)" "L6 L1" "--user"
is "$(ids --user +4915112345678)" "L3 L4" "--user with a phone number"
is "$(ids --user test_chat/L5)" "" "--user does not name anonymous users"
is "$(ids --handover)" "L8 L6 L2" \
	"--handover: in a message, by a button, or as an event"
is "$(ids --lead)" "L6 L2" "--lead"
is "$(ids --fallback)" "L2" "--fallback"
is "$(ids --feedback only-positive)" "L1" "--feedback only-positive: 2 up, 0 down"
is "$(ids --feedback more-positive)" "L3" "--feedback more-positive: 2 up, 1 down"
is "$(ids --feedback more-negative)" "L4" "--feedback more-negative: 1 up, 2 down"
is "$(ids --feedback only-negative)" "L8 L2" \
	"--feedback only-negative: in a message or as an event"
is "$(ids --csat-below 3)" "L8 L2" "--csat-below 3"
is "$(ids --csat-below 5)" "L8 L7 L2 L4" "--csat-below 5: no vote, no match"
is "$(ids --since 2026-11-05)" "L8 L6 L3 L7" "--since a date: local midnight"
is "$(ids --until 2026-11-03)" "L1 L4" "--until a date: exclusive"
is "$(ids --since 2026-11-05 --until 2026-11-06)" "L3 L7" "--since and --until"
is "$(ids --since 2026-11-05T18:30:00Z)" "L8 L6 L3" "--since a timestamp: inclusive"
is "$(ids --until 2026-11-05T18:30:00Z)" "L7 L5 L2 L1 L4" \
	"--until a timestamp: exclusive"
is "$(ids --since 2026-11-05T19:30:00+01:00)" "L8 L6 L3" \
	"--since with an offset"
is "$(ids --tz Europe/Berlin --until 2026-11-05T19:30:00)" \
	"L7 L5 L2 L1 L4" "--until without an offset is in --tz"
is "$(ids --tz Asia/Tokyo --since 2026-11-05 --until 2026-11-06)" \
	"L7" "--since and --until dates are local midnights in --tz"

is "$(ids --text refund)" "L1" "--text: a word in a message"
is "$(ids --text Refund)" "" "--text is case-sensitive"
is "$(ids --text '(?i)REFUND|password')" "L7 L1" "--text (?i) and alternatives"
is "$(ids --text '^no thanks\s+bye$')" "L3" "--text over a multi-line message"
is "$(ids --text 'Maria joined')" "" "--text skips system lines"
is "$(ids --text 'Talk to a human')" "" "--text reads text, not click titles"
is "$(ids --text 'two payments')" "L8" "--text in an event stream's message"

is "$(ids --source web_widget --status ended --feedback only-positive)" "L1" \
	"filters combine"
is "$(ids --handover --lead --fallback --csat-below 3 --user v-ben \
	--assistant sales-bot --text quote --since 2026-11-03 \
	--until 2026-11-04 --source web_widget --status ended \
	--feedback only-negative)" "L2" "every filter at once"

is "$(ids -n 3)" "L8 L6 L3" "-n: the newest"
is "$(ids --limit 1 --source whatsapp)" "L3" "--limit after the filters"
is "$(ids --limit=100)" "L8 L6 L3 L7 L5 L2 L1 L4" "--limit above the count"

# Nothing found: exit 1 and no output at all, whatever the format.
for opt in --ids "" ; do
	run convo-list $opt --source nowhere
	status_is 1 "nothing found${opt:+ with $opt}: exit 1"
	out_is "nothing found${opt:+ with $opt}: nothing on stdout" </dev/null
	err_is "nothing found${opt:+ with $opt}: nothing on stderr" </dev/null
done
run convo-list --feedback more-positive --fallback
status_is 1 "filters that exclude each other: exit 1"

# The usage line, for the usage errors.
cat >usage <<'EOF'
usage: convo-list [-h] [-d db] [-n limit] [--assistant name] [--csat-below n]
                  [--csv] [--fallback] [--feedback kind] [--handover] [--ids]
                  [--json] [--lead] [--since time] [--source name]
                  [--status status] [--text pattern] [--tsv] [--tz zone]
                  [--until time] [--user token] [--version]
EOF

run convo-list --help
status_is 0 "--help exits 0"
sed '/^$/q' "$tmp/out" | sed '$d' >help.usage
same help.usage "--help starts with the usage line" <usage
err_is "--help: nothing on stderr" </dev/null

run convo-list --version
status_is 0 "--version exits 0"
out_is "--version" <<'EOF'
convo-list 0.1.0
EOF

# usage_error MESSAGE ARGS...: exit 64, the message and the hint only.
usage_error() {
	msg=$1
	shift
	run convo-list "$@"
	status_is 64 "$* exits 64"
	out_is "$*: nothing on stdout" </dev/null
	printf '%s\n' "$msg" "try 'convo-list --help'" >want.err
	err_is "$*: says why" <want.err
}
usage_error "convo-list: unknown status 'open' (active, ended)" --status open
usage_error "convo-list: unknown feedback kind 'positive' (only-positive, more-positive, more-negative, only-negative)" \
	--feedback positive
usage_error "convo-list: invalid pattern 'a(b': missing closing parenthesis at column 4" \
	--text 'a(b'
usage_error "convo-list: invalid --since time 'yesterday': not a timestamp" \
	--since yesterday
usage_error "convo-list: invalid --until time '2026-02-30': day out of range" \
	--until 2026-02-30
usage_error "convo-list: unknown time zone 'Mars/Base'" --tz Mars/Base
usage_error "convo-list: choose one of --csv, --ids, --json and --tsv" \
	--csv --json
usage_error "convo-list: unexpected argument 'L1'" L1

# Number errors print no hint: the message says what is expected.
run convo-list --csat-below 6
status_is 64 "--csat-below 6 exits 64"
err_is "--csat-below 6: the range" <<'EOF'
convo-list: invalid CSAT '6' (expected a whole number from 1 to 5)
EOF
run convo-list -n 0
status_is 64 "-n 0 exits 64"
err_is "-n 0: the range" <<'EOF'
convo-list: invalid limit '0' (expected a whole number from 1 to 2147483647)
EOF

run convo-list --bogus
status_is 64 "an unknown option exits 64"
{ echo "convo-list: unrecognized option '--bogus'"; cat usage
  echo "try 'convo-list --help'"; } >want.err
err_is "an unknown option: the usage and a hint" <want.err

done_testing
