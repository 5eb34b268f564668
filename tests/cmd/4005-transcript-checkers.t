#!/bin/sh
# The checkers that the transcript tests rely on catch what they claim
# to: tests/html_check.py on a page with every fault it looks for,
# tests/mime_check.py on e-mails broken in the ways it looks for, and
# tests/inert_check.py on each character and markup it looks for.  A
# checker that passed everything would make 4002, 4003 and 9010
# worthless.
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

# tests/inert_check.py: each character it looks for, where it is, by
# the file's mode; what a mode allows passes.
printf 'ok\ttab\na\033[2Jb\342\200\256c\302\205d\342\200\250\342\201\246\rz\177\n' \
    >bad.txt
printf '<https://x.example/> and <b>x</b>\n' >bad.md
printf '{"a": "\\u202e", "\\u0007": [1]}\n' >bad.json
printf 'a,"b\nc"\r\nd\re\r\n' >bad.csv
printf 'bad \377\n' >notutf8.txt
sed 's/shop-bot/shop=E2=80=AEbot/' good.eml >rlo.eml
printf 'To: x\r\nSubject: caf\303\251\r\n\r\nx\r\n' >raw.eml
run python3 "$top/tests/inert_check.py" bad.txt notutf8.txt --markdown \
    bad.md --json bad.json --json-escaped bad.json --csv bad.csv --email \
    rlo.eml good.eml raw.eml
status_is 1 "inert_check: bad files fail"
out_is "inert_check: every fault, with its position" <<'EOF'
bad.txt:2:2: U+001B control
bad.txt:2:7: U+202E RIGHT-TO-LEFT OVERRIDE
bad.txt:2:9: U+0085 control
bad.txt:2:11: U+2028 LINE SEPARATOR
bad.txt:2:12: U+2066 LEFT-TO-RIGHT ISOLATE
bad.txt: 2 more
notutf8.txt: not UTF-8 at byte 4
bad.md:1:26: raw HTML
bad.md:1:30: raw HTML
bad.json: string '\u202e':1:1: U+202E RIGHT-TO-LEFT OVERRIDE
bad.json: string '\x07':1:1: U+0007 control
bad.csv:3:2: U+000D control
rlo.eml: text/plain:4:19: U+202E RIGHT-TO-LEFT OVERRIDE
rlo.eml: text/html:72:42: U+202E RIGHT-TO-LEFT OVERRIDE
raw.eml: a non-ASCII byte at 19
EOF
run python3 "$top/tests/inert_check.py" --json-escaped bad.json --csv \
    good.eml --email good.eml
status_is 0 "inert_check: escapes in --json-escaped, CRLF in --csv pass"

done_testing
