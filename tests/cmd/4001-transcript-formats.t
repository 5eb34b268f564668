#!/bin/sh
# convo-transcript's renderings, each against its golden file in
# tests/expect/4001-transcript/: text (the default), Markdown, HTML, JSON
# and e-mail, over hand-made conversations with multi-line messages,
# emoji, Hebrew and Arabic, links, lists, every role (system lines only
# with --include-system), a click, an attachment, leads, variables and
# two days; --labels, --brand, --contact and --tz.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
exp=$top/tests/expect/4001-transcript
convo-import -q "$td/transcript/conversations.json"
is "$?" 0 "the test data imports"

# golden NAME ARGS...: runs convo-transcript ARGS, exit 0, nothing on
# standard error, standard output exactly as in $exp/NAME.
golden() {
	name=$1
	shift
	run convo-transcript "$@"
	status_is 0 "$name: exit 0"
	err_is "$name: nothing on stderr" </dev/null
	same "$tmp/out" "$name: as $name" <"$exp/$name"
}

golden text T1 T2
golden text-system --include-system --labels Visitor,Bot,Operator T1
golden text-berlin --tz Europe/Berlin --brand 'Shop GmbH' \
    --contact 'Call +49 30 123456' T1
golden text-new-york --tz America/New_York T1
golden markdown --format markdown --brand 'Shop' \
    --contact 'help@shop.example.com
https://shop.example.com/help' T1 T2
golden html --format html --brand 'Café Müller' \
    --contact 'Call +49 30 123456
https://shop.example.com/help' --include-system T1 T2
golden json --format json T1 T2
golden email --format email --brand 'Café Müller' --from 'Café Müller <shop@example.com>' \
    --now 2026-11-22T09:00:00Z --contact 'Call +49 30 123456' T1

# The page is well-formed and safe by a parser's reading.
run python3 "$top/tests/html_check.py" "$exp/html"
status_is 0 "html: tests/html_check.py finds nothing wrong"
out_is "html: no fault printed" </dev/null
# Each line of a message takes its own direction: the Arabic line reads
# right to left, the English one under it left to right (one element for
# both made the English line RTL too, with its '?' in front).
grep -c -e '^<div class="para"><div dir="auto">مرحبا</div>$' \
    -e '^<div dir="auto">opening hours?</div></div>$' "$exp/html" >n
is "$(cat n)" 2 "html: a line of Arabic and one of English, each its own dir"

# System lines only with --include-system, in every format for people.
for f in text markdown html; do
	convo-transcript --format $f T1 >plain.$f
	convo-transcript --format $f --include-system T1 >system.$f
	is "$(grep -c 'Visitor joined\|Transferring' plain.$f)" 0 \
	    "$f: no system line without --include-system"
	is "$(grep -c 'Visitor joined\|Transferring' system.$f)" 2 \
	    "$f: both with it"
done
is "$(grep -c 'class="msg system"' system.html)" 2 \
    "html: the system lines as system bubbles"

if command -v jq >/dev/null 2>&1; then
	jq -r '.[].messages | length' "$exp/json" >n
	same n "json: jq reads it, every message of each" <<'EOF'
8
4
EOF
fi

# One day only, New York time: the midnight UTC crossing is not a new day.
run convo-transcript --tz America/New_York T1
is "$(grep -c '^--- ' "$tmp/out")" 1 "--tz: one day line in New York"
run convo-transcript T1
is "$(grep -c '^--- ' "$tmp/out")" 2 "two day lines in UTC"

# The JSON imports again, as the native format, and renders the same.
convo-transcript --format json T1 T2 >again.json
convo-import -q -d again.db again.json
is "$?" 0 "the JSON output imports"
run convo-transcript -d again.db T1 T2
same "$tmp/out" "re-imported, it renders as before" <"$exp/text"

done_testing
