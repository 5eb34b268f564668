#!/bin/sh
# Which conversations convo-transcript renders: ids as arguments or on
# standard input ('-', as convo-list --ids prints them), --user, --last;
# an id in two sources; an unknown id (exit 1, the others still
# render); --split file names; usage errors, a missing database, --help
# and --version.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
convo-import -q "$td/transcript/conversations.json" "$td/transcript/more.json"
is "$?" 0 "the test data imports"

# The conversations in the last output, as "id source" lines.
shown() {
	awk '/^Conversation: / { id = $2 } /^Source: / { print id, $2 }' \
	    "$tmp/out" >shown
}

run convo-transcript T2 NOPE T3
status_is 1 "an unknown id: exit 1"
err_is "an unknown id: named on stderr" <<'EOF'
convo-transcript: no conversation 'NOPE'
EOF
shown
same shown "an unknown id: the others still render, in the order given" <<'EOF'
T2 whatsapp
T3 api
EOF

run convo-transcript NOPE
status_is 1 "only unknown ids: exit 1"
out_is "only unknown ids: nothing on stdout" </dev/null

printf 'T3\n\nT2\r\n' >ids
run convo-transcript - <ids
status_is 0 "'-': ids on stdin: exit 0"
shown
same shown "'-': one a line, empty lines and CRs skipped" <<'EOF'
T3 api
T2 whatsapp
EOF

convo-list --ids --source whatsapp | convo-transcript - >"$tmp/out"
is "$?" 0 "convo-list --ids | convo-transcript -: exit 0"
shown
same shown "convo-list --ids | convo-transcript -" <<'EOF'
T2 whatsapp
EOF
convo-list --ids --source api | xargs convo-transcript >"$tmp/out"
is "$?" 0 "convo-list --ids | xargs convo-transcript: exit 0"
shown
same shown "  with xargs: newest first as listed, T1 of web_widget too" <<'EOF'
T3 api
T1 api
T1 web_widget
EOF

run convo-transcript T1
shown
same shown "an id in two sources: both, oldest first" <<'EOF'
T1 api
T1 web_widget
EOF

run convo-transcript --user v-lena
status_is 0 "--user: exit 0"
shown
same shown "--user: the user's conversations, oldest first" <<'EOF'
T1 web_widget
T3 api
EOF
run convo-transcript --user nobody
status_is 1 "--user nobody: exit 1"
err_is "--user nobody: says so" <<'EOF'
convo-transcript: no conversation of user 'nobody'
EOF

run convo-transcript --last 2
status_is 0 "--last 2: exit 0"
shown
same shown "--last 2: the latest two by activity, shown by start" <<'EOF'
T2 whatsapp
T3 api
EOF

run convo-transcript --split split --format markdown T1 T3
status_is 0 "--split: exit 0"
out_is "--split: one file each, the same id numbered" <<'EOF'
split/T1.md
split/T1-2.md
split/T3.md
EOF
head -n 1 split/T1-2.md >first
is "$(cat first)" "## Conversation T1" "--split: each file is one conversation"
grep -c 'web\\_widget' split/T1-2.md >n
is "$(cat n)" 1 "  T1-2.md is the later T1, of web_widget"
: >afile
run convo-transcript --split afile/x T3
status_is 73 "--split into what cannot be a directory: exit 73"

# Usage errors: exit 64, a one-line reason and the hint.
usage() {
	want=$1
	shift
	run convo-transcript "$@"
	status_is 64 "$*: exit 64"
	printf '%s\n' "convo-transcript: $want" "try 'convo-transcript --help'" \
	    >want.err
	err_is "$*: $want" <want.err
}
usage "give ids, '-', --user or --last (one of them)"
usage "give ids, '-', --user or --last (one of them)" --user v-lena T1
usage "unknown format 'pdf' (text, markdown, html, json, email)" \
    --format pdf T1
usage "unknown time zone 'Mars/Base'" --tz Mars/Base T1
usage "too many labels 'd' (user, assistant, agent)" --labels a,b,c,d T1
usage "invalid --now time 'soon': not a timestamp" --now soon T1

# A bad number says what is wrong on one line, as in every command.
run convo-transcript --last 0
status_is 64 "--last 0: exit 64"
err_is "--last 0: the range" <<'EOF'
convo-transcript: invalid --last '0' (expected a whole number from 1 to 2147483647)
EOF

run convo-transcript -d missing.db T1
status_is 66 "a missing database: exit 66"

run convo-transcript --help
status_is 0 "--help: exit 0"
head -n 1 "$tmp/out" >first
is "$(cat first)" "usage: convo-transcript [-h] [-d db] [--brand name] [--contact text]" \
    "--help: the usage on stdout"
run convo-transcript --version
out_is "--version" <<'EOF'
convo-transcript 0.1.0
EOF

done_testing
