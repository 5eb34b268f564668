#!/bin/sh
# convo-transcript --format email, read back by an independent parser
# (tests/mime_check.py: Python's email package): the headers, both
# parts, and the decoded parts equal to the text and HTML renderings; no
# line over 998 octets, CRLF everywhere; non-ASCII headers as RFC 2047
# words that decode to what was given; --to, --from, --subject and their
# defaults; --now and SOURCE_DATE_EPOCH; --split, one message per file.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td/transcript/conversations.json"
is "$?" 0 "the test data imports"

# check NAME ARGS...: renders ARGS as e-mail, text and HTML, and checks
# the e-mail against the other two; keeps what mime_check printed in
# $tmp/out.
check() {
	name=$1
	shift
	convo-transcript --format text "$@" >want.txt &&
	    convo-transcript --format html "$@" >want.html &&
	    convo-transcript --format email "$@" >mail.eml
	is "$?" 0 "$name: renders"
	run python3 "$top/tests/mime_check.py" mail.eml want.txt want.html
	status_is 0 "$name: reads back, both parts equal the renderings"
}

check "defaults" --now 2026-11-22T09:00:00Z T1
# The first lead with an address was derived from Lena's text, without a
# name; the stated lead with the same address gives it.
out_is "defaults: the lead's address and name, the sender, the date in the subject" <<'EOF'
From: convo@localhost
To: Lena Wolf <lena@example.com>
Subject: Your conversation on 2026-11-20
Date: Sun, 22 Nov 2026 09:00:00 +0000
Message-ID: <transcript.20261122.9117c07acf1a4049@localhost>
MIME-Version: 1.0
parts: multipart/alternative text/plain text/html
EOF

check "non-ASCII everywhere" --now 2026-11-22T09:00:00Z --tz Europe/Berlin \
    --brand 'Café Müller 😀' \
    --to 'Léna Wölf <lena@example.com>, ops@example.com' \
    --from 'Ünïcode Shop <shop@example.com>' \
    --subject 'Ihr Gespräch mit uns — שלום — a subject long enough that it must be folded over several lines' T2
out_is "non-ASCII everywhere: every header decodes to what was given" <<'EOF'
From: Ünïcode Shop <shop@example.com>
To: Léna Wölf <lena@example.com>, ops@example.com
Subject: Ihr Gespräch mit uns — שלום — a subject long enough that it must be folded over several lines
Date: Sun, 22 Nov 2026 10:00:00 +0100
Message-ID: <transcript.20261122.aa16bbf2645ff5ff@example.com>
MIME-Version: 1.0
parts: multipart/alternative text/plain text/html
EOF
grep -c '=?UTF-8?B?' mail.eml >count
is "$(cat count)" 5 "the non-ASCII headers are RFC 2047 words"
awk 'length($0) > 77 { n++ } END { print n + 0 }' mail.eml >long
is "$(cat long)" 0 "no line over 76 characters and its CRLF"

check "two conversations, one message" --now 2026-11-22T09:00:00Z \
    --brand Shop --include-system T1 T2
sed -n 3p "$tmp/out" >subject
is "$(cat subject)" "Subject: Your conversations with Shop on 2026-11-20" \
    "two conversations: the subject says so, with the first one's date"

SOURCE_DATE_EPOCH=1795000000 convo-transcript --format email T2 >sde.eml
grep '^Date: ' sde.eml | tr -d '\r' >date
is "$(cat date)" "Date: Wed, 18 Nov 2026 11:06:40 +0000" \
    "SOURCE_DATE_EPOCH fixes the date"
SOURCE_DATE_EPOCH=1795000000 convo-transcript --format email T2 >sde2.eml
cmp -s sde.eml sde2.eml
is "$?" 0 "  and the same run gives the same bytes (Message-ID, boundary)"

run convo-transcript --format email --split mails --now 2026-11-22T09:00:00Z \
    T1 T2
status_is 0 "--split: exit 0"
out_is "--split: the files written, one per conversation" <<'EOF'
mails/T1.eml
mails/T2.eml
EOF
for id in T1 T2; do
	convo-transcript --format text $id >want.txt
	convo-transcript --format html $id >want.html
	run python3 "$top/tests/mime_check.py" mails/$id.eml want.txt want.html
	status_is 0 "--split: $id.eml reads back with its own conversation"
done

run convo-transcript --format email --to 'bob' T1
status_is 64 "--to without '@': exit 64"
err_is "--to without '@': says why" <<'EOF'
convo-transcript: invalid --to address 'bob': an address without one '@' between two parts
try 'convo-transcript --help'
EOF
run convo-transcript --format email --from "$(printf 'a@b.c\r\nBcc: x@y.z')" T1
status_is 64 "--from with CR LF: exit 64, no header can be added"
run convo-transcript --format email --to 'Eve "x" <e@x.org>' T1
status_is 64 "--to with a quoted name: exit 64"

done_testing
