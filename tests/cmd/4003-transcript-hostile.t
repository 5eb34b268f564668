#!/bin/sh
# Hostile stored text comes out inert in every format: <script>,
# "><img onerror=...>, javascript: and data: URLs, Markdown syntax, CR and
# LF in names and the subject, and -- written into the database with
# sqlite3, as another tool could -- NUL bytes, invalid UTF-8 and terminal
# escapes.  The HTML passes the strict checker (tests/html_check.py: no
# script, no on* attribute, no javascript: link, balanced tags); the
# e-mail reads back with no header added; text and JSON carry no control
# character; goldens in tests/expect/4003-transcript/ show the escaping.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
exp=$top/tests/expect/4003-transcript
convo-import -q "$td/transcript/hostile.json"
is "$?" 0 "the hostile test data imports"
H='H1"><script>alert(1)</script>'

# Bytes no importer lets in, written directly: in the last message a
# NUL, a bad byte, an ANSI escape and CR LF; CR LF and a NUL in the user
# token, the assistant and the lead's name (whose address is good).
sql "UPDATE message SET text = CAST(X'3C623E00FF1B5B33316D7265640D0A0A6F6B' AS TEXT)
	WHERE ts = 1795168804000;
    UPDATE user SET token = CAST(X'6576650D0A4263633A20782E6F726700' AS TEXT)
	WHERE token LIKE '<img%';
    UPDATE conversation SET assistant = CAST(X'626F740D0A0D0A3C68313E' AS TEXT);
    UPDATE lead SET email = 'eve@example.com',
	name = CAST(X'4576650D0A4263633A2076696374696D406578616D706C652E6F7267' AS TEXT);"
is "$?" 0 "the raw bytes are written"

for f in text markdown html json email; do
	convo-transcript --format $f --include-system --now 2026-11-22T09:00:00Z \
	    --subject "$(printf 'Hi\r\nBcc: x@example.org')" "$H" >out.$f
	is "$?" 0 "$f: renders"
done

same out.text "text: as the golden" <"$exp/text"
same out.html "html: as the golden" <"$exp/html"
same out.email "email: as the golden" <"$exp/email"

run python3 "$top/tests/html_check.py" out.html
status_is 0 "html: well-formed, no script, no on* attribute, no javascript:"
out_is "html: the checker finds nothing" </dev/null
grep -ci '<script\|<img\|javascript:[^<]*"' out.html >n
is "$(cat n)" 0 "html: no <script, no <img, no javascript: in an attribute"
grep -o '<a href="[^"]*"' out.html >links
same links "html: the one link is the https URL, cut at the quote" <<'EOF'
<a href="https://ok.example.com/"
EOF

# Python checks what grep cannot: every byte of the outputs.  The U+FFFD
# count: 3 in the text (NUL, the bad byte, ESC), 1 for its CR, 2 in the
# token (CR, NUL), 2 in the assistant (CR, CR), 1 in the lead's name
# (CR); line ends stay.  The e-mail is all ASCII.
cat >bytes.py <<'EOF'
import json, sys
for name in sys.argv[1:]:
    data = open(name, "rb").read()
    text = data.decode("utf-8")          # valid UTF-8, or this fails
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t\r") or
           ord(c) == 127]
    if name.endswith("email"):
        bad = [c for c in text.replace("\r\n", "") if ord(c) < 32]
    print(name, "controls:", len(bad), "U+FFFD:", text.count("\ufffd"))
    if name.endswith("json"):
        doc = json.loads(text)
        print(name, "text:", repr(doc[0]["messages"][4]["text"]))
        print(name, "user:", repr(doc[0]["user"]))
EOF
run python3 bytes.py out.text out.markdown out.html out.json out.email
out_is "no control character anywhere; NUL and bad bytes are U+FFFD" <<'EOF'
out.text controls: 0 U+FFFD: 9
out.markdown controls: 0 U+FFFD: 9
out.html controls: 0 U+FFFD: 9
out.json controls: 0 U+FFFD: 9
out.json text: '<b>���[31mred�\n\nok'
out.json user: 'eve�\nBcc: x.org�'
out.email controls: 0 U+FFFD: 0
EOF

convo-transcript --format text --include-system "$H" >want.txt
convo-transcript --format html --include-system "$H" >want.html
convo-transcript --format email --include-system --now 2026-11-22T09:00:00Z \
    --subject "$(printf 'Hi\r\nBcc: x@example.org')" "$H" >mail.eml
run python3 "$top/tests/mime_check.py" mail.eml want.txt want.html
status_is 0 "email: reads back, both parts equal the renderings"
out_is "email: CR LF in the name and subject add no header" <<'EOF'
From: convo@localhost
To: "Eve� Bcc: victim@example.org" <eve@example.com>
Subject: Hi� Bcc: x@example.org
Date: Sun, 22 Nov 2026 09:00:00 +0000
Message-ID: <transcript.20261122.05ed26fd266e5224@localhost>
MIME-Version: 1.0
parts: multipart/alternative text/plain text/html
EOF
sed '/^\r$/q' mail.eml | grep -c '^Bcc' >n
is "$(cat n)" 0 "email: no Bcc header"

# Markdown: every '<' is an autolink's; no raw HTML.
grep -o '<[^h]' out.markdown >n
is "$(wc -l <n | tr -d ' ')" 0 "markdown: no '<' but autolinks"

done_testing
