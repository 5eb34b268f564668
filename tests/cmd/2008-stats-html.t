#!/bin/sh
# convo-stats --html: the dashboard for the data of 2001-stats-figures.t,
# byte for byte against a golden page, its figures checked by hand, well
# formed, every text escaped, nothing loaded from elsewhere; an empty
# period says "no data" in place of every chart; options that make no
# sense with it are usage errors.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td"/stats/current.json "$td"/stats/previous.json \
    "$td"/stats/surveys.jsonl
is "$?" 0 "the test data imports"
now=2026-11-20T12:00:00Z
check="python3 $top/tests/report_check.py"

run convo-stats --now $now --html
status_is 0 "--html: exit 0"
err_is "--html: nothing on standard error" </dev/null
cp "$tmp/out" report.html
same report.html "--html: the golden page" \
    <"$top/tests/expect/2008-stats-html/report.html"
$check report.html rect.cell circle.pt polyline.line span.bar div.card \
    p.nodata >got
same got "well formed; 7 x 24 cells, 30 days x 3 points, 16 bars, 16 cards" <<'EOF'
rect.cell 168
circle.pt 90
polyline.line 3
span.bar 16
div.card 16
p.nodata 0
EOF

# The cards, figured by hand in 2001-stats-figures.t: 6 conversations
# after 2 (neither good nor bad news); CSAT 3.5 after 4 is worse (red);
# abandoned 25% after 50% is better (green) although it went down; a
# change from 0 has no percentage, only its arrow: leads (neither good
# nor bad), the handover rate 50% after 0% (red).
sed -n '/id="kpi-conversations"/,/<\/div>/p;/id="kpi-csat_avg"/,/<\/div>/p
    /id="kpi-abandoned_rate"/,/<\/div>/p;/id="kpi-leads"/,/<\/div>/p
    /id="kpi-handover_rate"/,/<\/div>/p' \
    report.html >got
same got "the cards: value, previous, change coloured by good news" <<'EOF'
<div class="card" id="kpi-conversations"><h3>Conversations</h3>
<p class="value">6</p>
<p class="prev">previous 2 <span class="same" title="no better or worse">▲ +200.0%</span></p></div>
<div class="card" id="kpi-handover_rate"><h3>Handover rate</h3>
<p class="value">50.0%</p>
<p class="prev">previous 0.0% <span class="bad" title="worse">▲</span></p></div>
<div class="card" id="kpi-csat_avg"><h3>CSAT (1 to 5)</h3>
<p class="value">3.50</p>
<p class="prev">previous 4.00 <span class="bad" title="worse">▼ -12.5%</span></p></div>
<div class="card" id="kpi-abandoned_rate"><h3>Abandoned</h3>
<p class="value">25.0%</p>
<p class="prev">previous 50.0% <span class="good" title="better">▼ -50.0%</span></p></div>
<div class="card" id="kpi-leads"><h3>Leads</h3>
<p class="value">2</p>
<p class="prev">previous 0 <span class="same" title="no better or worse">▲</span></p></div>
EOF
grep -E '^<div><dt>|^<li><span class="key"' report.html >got
same got "period, zone, generation time, filters; the legends" <<'EOF'
<div><dt>Period</dt><dd>2026-11-13 00:00 until 2026-11-20 00:00</dd></div>
<div><dt>Previous</dt><dd>2026-11-06 00:00 until 2026-11-13 00:00</dd></div>
<div><dt>Time zone</dt><dd>UTC</dd></div>
<div><dt>Generated</dt><dd>2026-11-20 12:00</dd></div>
<div><dt>Filters</dt><dd>none</dd></div>
<li><span class="key" style="background:#2563eb"></span>conversations: 8 in 30 days</li>
<li><span class="key" style="background:#d97706"></span>users: 7 in 30 days</li>
<li><span class="key" style="background:#059669"></span>messages: 27 in 30 days</li>
<li><span class="key" style="background:#eef2f6"></span>0</li>
<li><span class="key" style="background:#6baed6"></span>1</li>
<li><span class="key" style="background:#2171b5"></span>2</li>
<li><span class="key" style="background:#08306b"></span>3</li>
EOF
# Saturday 10:00 holds c1's three user messages (2026-11-14 is a
# Saturday): the busiest hour, so the darkest colour.
grep -c '<rect class="cell" [^>]*fill="#08306b"><title>Sat 10:00: 3 messages' \
    report.html >got
echo 1 >expected
same got "the heat map: Sat 10:00 has 3 messages, the most" <expected
grep -o '<li><span class="name" title="[^"]*">[^<]*</span>.*</li>' \
    report.html | sed 's/<[^>]*>/ /g; s/  */ /g; s/^ //; s/ $//' >got
same got "the bars: status, handovers, places, with shares" <<'EOF'
ended 4 (66.7%)
active 2 (33.3%)
with handover 3 (50.0%)
without handover 3 (50.0%)
asked directly 1
after a fallback 1
operator button 1
(unknown) 4 (66.7%)
AT 1 (16.7%)
DE 1 (16.7%)
(unknown) 4 (66.7%)
Bavaria 1 (16.7%)
Vienna 1 (16.7%)
(unknown) 4 (66.7%)
Munich 1 (16.7%)
Vienna 1 (16.7%)
EOF
grep -ciE 'nan|inf[^o]|<script|https?:|url\(' report.html >got
echo 0 >expected
same got "no NaN, no script, nothing from elsewhere" <expected

# The trend reaches 30 days back: 2026-10-21 to 2026-11-19; the period,
# from 2026-11-13 (the 24th of 30 points), is shaded from half a step
# before it: 44 + 660 * 23 / 29 - 660 / 29 / 2 = 556.1.
grep -o '<text x="[0-9.]*" y="232" text-anchor="[a-z]*">[0-9-]*' \
    report.html | sed 's/.*>//' >got
same got "the trend: the first, middle and last day" <<'EOF'
2026-10-21
2026-11-05
2026-11-19
EOF
grep -c '<rect class="period" x="556.1"' report.html >got
echo 1 >expected
same got "the trend: the period's 7 days shaded" <expected

# Text from the data and the command line is escaped.
cat >evil.json <<'EOF'
[{"id": "e1", "source": "web_widget", "user": "u9",
  "location": {"country": "<b>X</b>", "city": "A&B \"q\""},
  "messages": [{"ts": "2026-11-18T08:00:00Z", "role": "user",
    "text": "<script>alert(1)</script>"}]}]
EOF
convo-import -q evil.json
is "$?" 0 "a conversation with markup imports"
run convo-stats --now $now --html --title '<i>Q4</i> & "more"' \
    --assistant "</dd><script>"
status_is 0 "--title and a filter with markup: exit 0"
grep -E '<h1>|<title>[^<]*Q4|<dt>Filters' "$tmp/out" >got
same got "the title and the filters, escaped" <<'EOF'
<title>&lt;i&gt;Q4&lt;/i&gt; &amp; &quot;more&quot;</title>
<h1>&lt;i&gt;Q4&lt;/i&gt; &amp; &quot;more&quot;</h1>
<div><dt>Filters</dt><dd>assistant &lt;/dd&gt;&lt;script&gt;</dd></div>
EOF
run convo-stats --now $now --html
$check "$tmp/out" >got
same got "data with markup: still well formed, no script" </dev/null
grep -c '<td>script&gt;alert(1)&lt;/script</td>' "$tmp/out" >got
echo 1 >expected
same got "a question with markup (normalized) is shown as text" <expected
grep -c 'title="A&amp;B &quot;q&quot;">A&amp;B &quot;q&quot;</span>' \
    "$tmp/out" >got
echo 1 >expected
same got "a city with quotes is escaped in the text and the title" <expected

# An empty period: every chart says "no data", nothing is drawn.
run convo-stats --now $now --html --since 2020-01-01 --until 2020-01-08
status_is 0 "an empty period: exit 0"
cp "$tmp/out" empty.html
$check empty.html p.nodata rect.cell circle.pt span.bar svg >got
same got "an empty period: 14 times no data, no chart" <<'EOF'
p.nodata 14
rect.cell 0
circle.pt 0
span.bar 0
svg 0
EOF
sed -n '/id="kpi-handover_rate"/,/<\/div>/p' empty.html >got
same got "an empty period: a rate without a value is a dash" <<'EOF'
<div class="card" id="kpi-handover_rate"><h3>Handover rate</h3>
<p class="value">-</p>
<p class="prev">previous -</p></div>
EOF
grep -ciE 'nan|inf[^o]' empty.html >got
echo 0 >expected
same got "an empty period: no NaN" <expected
run convo-stats --now $now --html --period all
grep -c '<div><dt>Previous</dt><dd>none</dd></div>' "$tmp/out" >got
echo 1 >expected
same got "--period all: no previous period" <expected
grep -c 'no previous period' "$tmp/out" >got
echo 16 >expected
same got "--period all: every card says so" <expected

for opt in --json --csv --tsv "--by source" "--explain users" \
    "--show trend" --all; do
	run convo-stats --html $opt
	status_is 64 "--html $opt: usage error"
	err_is "--html $opt: the message" <<EOF
convo-stats: --html cannot be combined with ${opt%% *}
try 'convo-stats --help'
EOF
done
run convo-stats --title x
status_is 64 "--title without --html: usage error"
err_is "--title without --html: the message" <<'EOF'
convo-stats: --title is for --html only
try 'convo-stats --help'
EOF

done_testing
