#!/bin/sh
# Leads: one visitor is one lead.  A lead the rules find in a visitor's
# message is left out when the export states a lead with every contact it
# holds (the e-mail address compared without case), whichever comes first
# in the file; one that adds a contact stays.  The conversation's n_leads
# and convo-stats' leads and conversion_rate agree.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# d1: the message, then the stated lead (as JSON documents put them).
# d2: the same e-mail address in other case: still the same lead.
# d3: the visitor also gives a phone number the form does not have.
# d4: no stated lead: the derived one stays.
cat >docs.jsonl <<'EOF2'
{"id":"d1","messages":[{"ts":"2026-11-20T10:00:00Z","role":"user","text":"mail me at ana@example.com"}],"leads":[{"name":"Ana","email":"ana@example.com","created_at":"2026-11-20T10:01:00Z"}]}
{"id":"d2","messages":[{"ts":"2026-11-20T11:00:00Z","role":"user","text":"it is Bo@Example.COM"}],"leads":[{"email":"bo@example.com","created_at":"2026-11-20T11:01:00Z"}]}
{"id":"d3","messages":[{"ts":"2026-11-20T12:00:00Z","role":"user","text":"cy@example.com or +49 30 1234567"}],"leads":[{"email":"cy@example.com","created_at":"2026-11-20T12:01:00Z"}]}
{"id":"d4","messages":[{"ts":"2026-11-20T13:00:00Z","role":"user","text":"dee@example.com"}]}
EOF2
# e1: the stated lead first (an event stream), then the message.
cat >events.jsonl <<'EOF2'
{"conversation":"e1","ts":"2026-11-20T14:00:00Z","type":"lead","email":"eve@example.com"}
{"conversation":"e1","ts":"2026-11-20T14:01:00Z","type":"message","role":"user","text":"eve@example.com"}
EOF2

run convo-import -q docs.jsonl events.jsonl
status_is 0 "import: exit 0"
leads() {
	sql "SELECT c.ext_id || ':' || c.n_leads || ':' ||
	    (SELECT group_concat(coalesce(l.email, '-') || '/' ||
	    coalesce(l.phone, '-') || '/' || l.derived, ' ')
	    FROM (SELECT * FROM lead WHERE conversation_id = c.id
	    ORDER BY derived, id) l) FROM conversation c ORDER BY c.ext_id"
}
leads >got
same got "the leads of each conversation" <<'EOF2'
d1:1:ana@example.com/-/0
d2:1:bo@example.com/-/0
d3:2:cy@example.com/-/0 cy@example.com/+49 30 1234567/1
d4:1:dee@example.com/-/1
e1:1:eve@example.com/-/0
EOF2

# 6 leads in all (d1 1, d2 1, d3 2, d4 1, e1 1); 5 of 5 conversations
# have one.
run convo-stats --json --period all --now 2026-11-21T00:00:00Z
status_is 0 "stats: exit 0"
is "$(jq -c '[.figures.leads, .figures.conversion_rate]' "$tmp/out")" \
    "[6,1]" "stats: 6 leads, conversion 100%"

# Imported again: nothing changes.
dump >before
run convo-import -q docs.jsonl events.jsonl
status_is 0 "again: exit 0"
leads >got
same got "again: the same leads" <<'EOF2'
d1:1:ana@example.com/-/0
d2:1:bo@example.com/-/0
d3:2:cy@example.com/-/0 cy@example.com/+49 30 1234567/1
d4:1:dee@example.com/-/1
e1:1:eve@example.com/-/0
EOF2

# A later export states d4's lead: the derived one goes.
cat >later.jsonl <<'EOF2'
{"id":"d4","messages":[{"ts":"2026-11-20T13:00:00Z","role":"user","text":"dee@example.com"}],"leads":[{"name":"Dee","email":"DEE@example.com"}]}
EOF2
run convo-import -q later.jsonl
status_is 0 "later export: exit 0"
is "$(sql "SELECT n_leads || ' ' || (SELECT count(*) FROM lead
    WHERE conversation_id = c.id) FROM conversation c WHERE ext_id = 'd4'")" \
    "1 1" "later export: d4 keeps the stated lead only"

done_testing
