#!/bin/sh
# convo-stats --html in a real browser: headless Chromium loads the page
# with the network cut off, logs no console message and asks for nothing
# but the file, and the DOM it builds holds the charts' elements: 7 x 24
# heat map cells, 3 lines of 30 points, 16 bars, 16 cards.  Then a
# screenshot at desktop and at phone width.  Chromium is required:
# tests/deps.sh installs it, and a missing one fails this test.
# CONVO_SCREENSHOT=FILE keeps the desktop screenshot (README's picture).
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
if ! command -v chromium >/dev/null 2>&1; then
	ok 1 "chromium is missing: install it with tests/deps.sh" \
	    "(apt-get install chromium)"
	done_testing
	exit 1
fi
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
convo-stats --now 2026-11-20T12:00:00Z --html >report.html
is "$?" 0 "convo-stats --html: exit 0"

# browser ARGS...: headless Chromium on its own profile, without the
# network (every host name fails to resolve) or background requests.
browser() {
	HOME=$tmp timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$tmp/profile" --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-default-apps --disable-extensions \
	    --host-resolver-rules='MAP * ~NOTFOUND' \
	    --enable-logging=stderr --v=0 "$@"
}

# Requests for anything but files, less Chromium's own calls home (which
# the flags above cannot all stop), from a net log.
requests() {
	grep -o '"url":"[^"]*"' "$1" | sed 's/^"url":"//; s/"$//' |
	    grep -v '^file:' | grep -vE '^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com)/' |
	    sort -u
}

# The checks of the console and the network must catch a bad page.
cat >bad.html <<'EOF'
<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">
<script>console.error("boom")</script></body></html>
EOF
browser --log-net-log="$tmp/bad.net" --dump-dom "file://$tmp/bad.html" \
    >bad.dom 2>bad.log
grep -c ':CONSOLE' bad.log >got
echo 1 >expected
same got "a page with a console error: caught" <expected
requests bad.net >got
echo https://example.invalid/x.png >expected
same got \
    "a page loading an image from elsewhere: caught" <expected

browser --log-net-log="$tmp/net.json" --dump-dom "file://$tmp/report.html" \
    >dom.html 2>browser.log
is "$?" 0 "chromium --dump-dom: exit 0"
grep ':CONSOLE' browser.log >got
same got "the report: no console message" </dev/null
requests net.json >got
same got "the report: no request but the file" </dev/null
grep -c '^</body></html>$' dom.html >got
echo 1 >expected
same got "the report: the page loaded to its end" <expected
python3 "$top/tests/report_check.py" dom.html svg rect.cell circle.pt \
    polyline.line span.bar div.card section.panel h1 p.nodata >got
same got "the DOM: well formed, every chart with its elements" <<'EOF'
svg 2
rect.cell 168
circle.pt 90
polyline.line 3
span.bar 16
div.card 16
section.panel 13
h1 1
p.nodata 0
EOF

# The empty period in the browser: no chart, only "no data".
convo-stats --now 2026-11-20T12:00:00Z --html --since 2020-01-01 \
    --until 2020-01-08 >empty.html
browser --dump-dom "file://$tmp/empty.html" >empty.dom 2>empty.log
grep ':CONSOLE' empty.log >got
same got "an empty period: no console message" </dev/null
python3 "$top/tests/report_check.py" empty.dom svg p.nodata >got
same got "an empty period: no chart, 14 times no data" <<'EOF'
svg 0
p.nodata 14
EOF

# Screenshots: a PNG of the size asked for, at desktop and phone width.
for size in 1200,2300 390,5200; do
	rm -f shot.png
	browser --hide-scrollbars --window-size=$size \
	    --screenshot="$tmp/shot.png" "file://$tmp/report.html" \
	    >/dev/null 2>shot.log
	python3 - shot.png >got <<'EOF'
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
ok = head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
print("%s %dx%d" % ("png" if ok else "not a png", *struct.unpack(">II", head[16:24])))
EOF
	echo "png ${size%,*}x${size#*,}" >expected
	same got "a screenshot at $size" <expected
	if [ "$size" = 1200,2300 ] && [ -n "$CONVO_SCREENSHOT" ]; then
		cp shot.png "$CONVO_SCREENSHOT"
	fi
done

done_testing
