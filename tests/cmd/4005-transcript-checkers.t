#!/bin/sh
# The checkers that the transcript tests rely on catch what they claim
# to: tests/html_check.py on a page with every fault it looks for, and
# tests/mime_check.py on e-mails broken in the ways it looks for.  A
# checker that passed everything would make 4002 and 4003 worthless.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

printf '%s' '<!DOCTYPE html><p onclick="x()"><b>x</p><a href=" JaVa	script:alert(1)">y</a><img src=http://x/y.png><script>a</script> 1 < 2 <br></br><style>a{background:url(http://x/y)}</style><i>' >bad.html
run python3 "$top/tests/html_check.py" bad.html
status_is 1 "html_check: a bad page fails"
out_is "html_check: every fault, with its position" <<'EOF'
bad.html:1:16: <p> has an event attribute onclick
bad.html:1:37: </p> closes <b> of 1:33
bad.html:1:41: <a href> has a JaVascript URL
bad.html:1:78: <img src> has an unquoted value
bad.html:1:78: <img src> loads a resource
bad.html:1:102: <script> is not allowed
bad.html:1:123: a raw '<' in text
bad.html:1:131: </br>: a void element has no end tag
bad.html:1:143: CSS that loads a resource or runs code
bad.html:1:180: <i> is never closed
EOF
printf '<p>no doctype</p>' >frag.html
run python3 "$top/tests/html_check.py" frag.html
status_is 1 "html_check: a page needs its doctype"
run python3 "$top/tests/html_check.py" --fragment frag.html
status_is 0 "html_check --fragment: a fragment passes"

convo-import -q "$td/transcript/conversations.json"
convo-transcript T2 >want.txt
convo-transcript --format html T2 >want.html
convo-transcript --format email --now 2026-11-22T09:00:00Z T2 >good.eml
run python3 "$top/tests/mime_check.py" good.eml want.txt want.html
status_is 0 "mime_check: the good message passes"

# broken NAME SED-SCRIPT WANT: the message edited fails with WANT.
broken() {
	sed "$2" good.eml >bad.eml
	run python3 "$top/tests/mime_check.py" bad.eml want.txt want.html
	status_is 1 "mime_check: $1 fails"
	grep -c -F "$3" "$tmp/out" >n
	is "$(cat n)" 1 "mime_check: $1: '$3'"
}
broken "an added header" '1s/^/Bcc: x@example.org\r\n/' \
    "unexpected header Bcc"
broken "a second Subject" '1s/^/Subject: x\r\n/' "Subject appears 2 times"
broken "a LF line end" '1s/\r$//' "lone CR or LF"
broken "a changed body" 's/shop-bot/shop-bat/' "text/plain differs"
broken "no Date" '/^Date: /d' "Date appears 0 times"

done_testing
