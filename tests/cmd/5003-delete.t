#!/bin/sh
# convo-delete by each selector (ids, --user, --older-than) on
# testdata/list: the rows of every table before and after, --dry-run
# changing nothing, the import log row (counts and selector, no ids or
# tokens), users left without conversations removed and the first_seen
# of the others recomputed, unknown and ambiguous ids, usage errors.
#
# Rows per conversation: messages (system lines included), events, leads,
# variables; users.
#   L1 3 0 0 0 v-ana   L2 5 0 1 1 v-ben   L3 5 0 0 0 +4915112345678
#   L4 4 0 0 0 +49...  L5 2 0 0 0 (anon)  L6 4 0 1 0 v-ana
#   L7 3 0 0 0 v-cy    L8 2 4 0 1 u-dee
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# A fresh database with the eight conversations.
fresh() {
	rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
	convo-import -q "$td/list/conversations.json" "$td/list/events.jsonl"
}

# The import log's deletion rows.
log() {
	sql "SELECT kind, file IS NULL AND size IS NULL AND sha256 IS NULL
	    AND format IS NULL, selector, conversations_new,
	    conversations_updated, messages_new, skipped,
	    conversations_deleted, messages_deleted, users_deleted,
	    conversations_forgotten, at FROM import WHERE kind = 'delete'"
}

# A missing database: exit 66, and it is not created.
run convo-delete L1
status_is 66 "a missing database exits 66"
err_is "a missing database is named" <<EOF
convo-delete: $CONVO_DB: No such file or directory
EOF
test ! -e "$CONVO_DB"
ok $? "a missing database is not created"

fresh
is "$(counts)" "8 28 6 4 2 2" "before: conversations messages users events leads variables"

# --dry-run: lists what would go, changes nothing.
dump >before.sql
run convo-delete --dry-run L2 L8
status_is 0 "--dry-run: exit 0"
out_is "--dry-run: the conversations and what would go" <<'EOF'
id  source      user   started           last_activity     messages
L8  api         u-dee  2026-11-07 16:00  2026-11-07 16:02         2
L2  web_widget  v-ben  2026-11-03 14:00  2026-11-03 14:02         4
dry run, nothing deleted: would delete 2 conversations, 7 messages and 2 users
EOF
err_is "--dry-run: nothing on stderr" </dev/null
dump >after.sql
same after.sql "--dry-run: the database is unchanged" <before.sql

# By id: the conversation with its messages, events, leads, variables.
run convo-delete --now 2026-11-20T08:00:00Z L2 L8
status_is 0 "by id: exit 0"
out_is "by id: the summary" <<'EOF'
deleted 2 conversations, 7 messages and 2 users
EOF
err_is "by id: nothing on stderr" </dev/null
is "$(counts)" "6 21 4 0 1 0" "by id: their rows are gone from every table"
is "$(sql "SELECT group_concat(ext_id, ' ') FROM conversation")" \
	"L1 L3 L4 L5 L6 L7" "by id: the others stay"
is "$(sql "SELECT group_concat(token, ' ') FROM
	(SELECT token FROM user ORDER BY token)")" \
	"+4915112345678 test_chat/L5 v-ana v-cy" "by id: their users are gone"
is "$(log)" "delete|1|id|0|0|0|0|2|7|2|0|1795161600000" \
	"by id: the log row has the counts, the selector and --now"
is "$(sql "SELECT count(*) FROM import WHERE kind = 'import'")" 2 \
	"the import rows stay"
dump >after.sql
for word in L2 L8 v-ben u-dee; do
	grep -c "$word" after.sql >n.out
	is "$(cat n.out)" 0 "nothing of the deleted is left: no '$word'"
done
run convo-delete L2
status_is 1 "deleting it again: exit 1"
out_is "deleting it again: nothing deleted" <<'EOF'
deleted 0 conversations, 0 messages and 0 users
EOF
err_is "deleting it again: a warning" <<'EOF'
convo-delete: warning: no conversation 'L2'
EOF
is "$(log | wc -l | tr -d ' ')" 1 "nothing deleted: no log row"

# A user's other conversation stays, and first_seen follows it.
is "$(sql "SELECT first_seen FROM user WHERE token = 'v-ana'")" \
	"$(sql "SELECT started_at FROM conversation WHERE ext_id = 'L1'")" \
	"v-ana was first seen in L1"
run convo-delete -q L1
status_is 0 "-q: exit 0"
out_is "-q: no summary" </dev/null
is "$(sql "SELECT first_seen FROM user WHERE token = 'v-ana'")" \
	"$(sql "SELECT started_at FROM conversation WHERE ext_id = 'L6'")" \
	"without L1, v-ana's first_seen is L6's start"
is "$(counts)" "5 18 4 0 1 0" "a user with conversations left stays"

# Unknown ids are reported; the known ones go.
run convo-delete L9 L3 --source whatsapp
status_is 0 "an unknown id among known ones: exit 0"
out_is "an unknown id among known ones: the known one goes" <<'EOF'
deleted 1 conversation, 5 messages and 0 users
EOF
err_is "an unknown id among known ones: a warning" <<'EOF'
convo-delete: warning: no conversation 'L9' in source 'whatsapp'
EOF
run convo-delete --source web_widget L4
status_is 1 "an id of another source: exit 1"
err_is "an id of another source: a warning" <<'EOF'
convo-delete: warning: no conversation 'L4' in source 'web_widget'
EOF

# The same id in two sources needs --source.
cat >twin.json <<'EOF'
{"id": "L4", "source": "api", "user": "v-twin", "started_at": "2026-11-01T09:00:00Z",
 "messages": [{"ts": "2026-11-01T09:00:00Z", "role": "user", "text": "twin"}]}
EOF
convo-import -q twin.json
dump >before.sql
run convo-delete L4
status_is 64 "an ambiguous id: exit 64"
out_is "an ambiguous id: nothing on stdout" </dev/null
err_is "an ambiguous id: asks for --source" <<'EOF'
convo-delete: conversation 'L4' is in 2 sources: choose one with --source
EOF
dump >after.sql
same after.sql "an ambiguous id: nothing deleted" <before.sql
run convo-delete --source api L4
status_is 0 "an ambiguous id with --source: exit 0"
is "$(sql "SELECT source FROM conversation WHERE ext_id = 'L4'")" \
	"whatsapp" "an ambiguous id with --source: only that source's"

# By user: all of one visitor's conversations and the visitor.
fresh
run convo-delete --dry-run --user +4915112345678
out_is "--user --dry-run: the user's conversations" <<'EOF'
id  source    user            started           last_activity     messages
L3  whatsapp  +4915112345678  2026-11-05 18:30  2026-11-05 18:32         5
L4  whatsapp  +4915112345678  2026-11-01 08:00  2026-11-01 08:01         4
dry run, nothing deleted: would delete 2 conversations, 9 messages and 1 user
EOF
is "$(counts)" "8 28 6 4 2 2" "--user --dry-run: nothing changed"
run convo-delete --user +4915112345678 --now 2026-11-20
status_is 0 "--user: exit 0"
out_is "--user: the summary" <<'EOF'
deleted 2 conversations, 9 messages and 1 user
EOF
is "$(counts)" "6 19 5 4 2 2" "--user: the conversations and the user are gone"
is "$(sql "SELECT count(*) FROM user WHERE token = '+4915112345678'")" 0 \
	"--user: the user is gone"
is "$(log)" "delete|1|user|0|0|0|0|2|9|1|0|1795132800000" \
	"--user: the log row, without the token"
run convo-delete --user test_chat/L5
status_is 1 "--user does not name anonymous users: exit 1"
run convo-delete --user nobody
status_is 1 "--user without conversations: exit 1"
out_is "--user without conversations: nothing deleted" <<'EOF'
deleted 0 conversations, 0 messages and 0 users
EOF
err_is "--user without conversations: nothing on stderr" </dev/null

# By age: last activity strictly before now - days.  L7's last activity
# is 2026-11-05T10:00:40Z: one day later it is not older than a day.
fresh
run convo-delete --dry-run --older-than 1 --now 2026-11-06T10:00:40Z
status_is 0 "--older-than: exit 0"
out_is "--older-than: exactly a day old stays" <<'EOF'
id  source      user            started           last_activity     messages
L5  test_chat   -               2026-11-04 12:00  2026-11-04 12:00         2
L2  web_widget  v-ben           2026-11-03 14:00  2026-11-03 14:02         4
L1  web_widget  v-ana           2026-11-02 09:00  2026-11-02 09:01         3
L4  whatsapp    +4915112345678  2026-11-01 08:00  2026-11-01 08:01         4
dry run, nothing deleted: would delete 4 conversations, 14 messages and 2 users
EOF
run convo-delete --dry-run --older-than 1 --now 2026-11-06T10:00:41Z -q
is "$(head -n 1 "$tmp/out" | cut -c1-2)" "id" "-q --dry-run: the list is shown"
is "$(wc -l <"$tmp/out" | tr -d ' ')" 6 "a second more: L7 is older than a day"
run convo-delete --dry-run --older-than 1 --tz Europe/Berlin \
	--now 2026-11-06T11:00:40
is "$(tail -n 1 "$tmp/out")" \
	"dry run, nothing deleted: would delete 4 conversations, 14 messages and 2 users" \
	"--now without an offset is read in --tz"
run convo-delete --older-than 5 --now 2026-11-10
status_is 0 "--older-than 5: exit 0"
out_is "--older-than 5: the summary" <<'EOF'
deleted 4 conversations, 14 messages and 2 users
EOF
is "$(counts)" "4 14 4 4 1 1" "--older-than: the old ones are gone"
is "$(sql "SELECT group_concat(ext_id, ' ') FROM conversation")" \
	"L3 L6 L7 L8" "--older-than: the recent ones stay, active or ended"
is "$(sql "SELECT first_seen FROM user WHERE token = '+4915112345678'")" \
	"$(sql "SELECT started_at FROM conversation WHERE ext_id = 'L3'")" \
	"--older-than: first_seen of a user with a conversation left"
is "$(log)" "delete|1|older-than 5|0|0|0|0|4|14|2|0|1794268800000" \
	"--older-than: the log row names the days"
run convo-delete --older-than 36500
status_is 1 "--older-than with nothing that old: exit 1"

# Usage errors: exit 64, nothing changed.
cat >usage <<'EOF'
usage: convo-delete [-hq] [-d db] [--dry-run] [--forget-forever] [--now time]
                    [--older-than days] [--source name] [--tz zone] [--user token]
                    [--version] [id ...]
EOF
dump >before.sql
usage_error() {
	msg=$1
	shift
	run convo-delete "$@"
	status_is 64 "$* exits 64"
	out_is "$*: nothing on stdout" </dev/null
	printf '%s\n' "$msg" "try 'convo-delete --help'" >want.err
	err_is "$*: says why" <want.err
}
usage_error "convo-delete: nothing to delete: give ids, --user or --older-than"
usage_error "convo-delete: nothing to delete: give ids, --user or --older-than" \
	--dry-run --forget-forever
usage_error "convo-delete: choose one of ids, --user and --older-than" \
	--user v-ana L1
usage_error "convo-delete: choose one of ids, --user and --older-than" \
	--user v-ana --older-than 3
usage_error "convo-delete: --source goes with ids only" \
	--source web_widget --user v-ana
usage_error "convo-delete: invalid --now time 'tomorrow': not a timestamp" \
	--now tomorrow --older-than 3
usage_error "convo-delete: unknown time zone 'Nowhere/Land'" --tz Nowhere/Land L1
run convo-delete --older-than 0
status_is 64 "--older-than 0 exits 64"
err_is "--older-than 0: the range" <<'EOF'
convo-delete: invalid days '0' (expected a whole number from 1 to 36500)
EOF
run convo-delete --bogus L1
status_is 64 "an unknown option exits 64"
{ echo "convo-delete: unrecognized option '--bogus'"; cat usage
  echo "try 'convo-delete --help'"; } >want.err
err_is "an unknown option: the usage and a hint" <want.err
dump >after.sql
same after.sql "usage errors change nothing" <before.sql

run convo-delete --help
status_is 0 "--help exits 0"
sed '/^$/q' "$tmp/out" | sed '$d' >help.usage
same help.usage "--help starts with the usage line" <usage
run convo-delete --version
out_is "--version" <<'EOF'
convo-delete 0.1.0
EOF

done_testing
