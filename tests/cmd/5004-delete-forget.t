#!/bin/sh
# convo-delete --forget-forever: without it a re-import of the old export
# brings a deleted conversation back; with it the conversation stays
# deleted, whether its records name their source or not, and only hashes
# of its source and id are kept.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

conversations=$td/list/conversations.json	# L1-L7
events=$td/list/events.jsonl			# L8, only its start names a source

fresh() {
	rm -f "$CONVO_DB" "$CONVO_DB-wal" "$CONVO_DB-shm"
	convo-import -q "$conversations" "$events"
}

# The summary of an import, without its time.
import() {
	run convo-import "$@"
	sed 's/, [0-9.]* s$//' "$tmp/out"
}

# The database's content without the import log and forgotten, to compare.
content() {
	sql "SELECT c.ext_id, c.source, u.token, c.status, c.started_at,
	    c.last_activity_at, c.n_user, c.n_assistant, c.n_agent, c.n_leads,
	    c.n_handovers, c.csat, (SELECT group_concat(m.ts || m.role || m.text)
	    FROM message m WHERE m.conversation_id = c.id)
	    FROM conversation c JOIN user u ON u.id = c.user_id ORDER BY 1"
	sql "SELECT token, first_seen FROM user ORDER BY 1"
}

# Without --forget-forever a re-import restores the conversation.
fresh
content >original.txt
run convo-delete L2
out_is "delete L2" <<'EOF'
deleted 1 conversation, 5 messages and 1 user
EOF
is "$(import "$conversations")" \
	"imported 1 file: 1 new and 0 updated conversations, 5 new messages, 0 skipped records" \
	"without --forget-forever: the re-import brings it back"
content >restored.txt
same restored.txt "without --forget-forever: as it was" <original.txt
is "$(sql "SELECT count(*) FROM forgotten")" 0 "nothing is forgotten"

# --dry-run --forget-forever forgets nothing.
run convo-delete --dry-run --forget-forever L2
is "$(tail -n 1 "$tmp/out")" \
	"dry run, nothing deleted: would delete 1 conversation, 5 messages and 1 user, and forget 1 conversation forever" \
	"--dry-run --forget-forever: the summary"
is "$(sql "SELECT count(*) FROM forgotten")" 0 "--dry-run forgets nothing"

# With --forget-forever it stays deleted.
run convo-delete --forget-forever --now 2026-11-20 L2
status_is 0 "--forget-forever: exit 0"
out_is "--forget-forever: the summary" <<'EOF'
deleted 1 conversation, 5 messages and 1 user, and forgot 1 conversation forever
EOF
is "$(sql "SELECT key, id_key, at FROM forgotten")" \
	"505658fb1ac554f5207276f4b2031964438da16e6aea800229ba30086b48fb59|d76354d8457898445bb69e0dc0dc95fb74cc3cf334f8c1859162a16ad0041f8d|1795132800000" \
	"forgotten: SHA-256 of 'web_widget' NUL 'L2', and of 'L2'"
is "$(sql "SELECT selector, conversations_deleted, conversations_forgotten
	FROM import WHERE kind = 'delete' ORDER BY id DESC LIMIT 1")" \
	"id|1|1" "the log row counts the forgotten"
dump >db.sql
grep -c -e L2 -e v-ben db.sql >n.out
is "$(cat n.out)" 0 "nothing of it is left in the database"
content >before.txt
is "$(import "$conversations")" \
	"imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records" \
	"--forget-forever: the re-import brings nothing back"
status_is 0 "the re-import: exit 0"
err_is "the re-import: its records are dropped silently" </dev/null
content >after.txt
same after.txt "--forget-forever: the database is as before the re-import" \
	<before.txt

# A record that names no source: any conversation of that id was
# forgotten, so it is dropped too.
cat >nosource.json <<'EOF'
{"id": "L2", "user": "v-ben", "started_at": "2026-11-03T14:00:00Z",
 "messages": [{"ts": "2026-11-03T14:00:00Z", "role": "user", "text": "again"}]}
EOF
is "$(import nosource.json)" \
	"imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records" \
	"a record without a source of a forgotten id is dropped"
# Another source's conversation of that id is a different conversation.
sed 's/"L2"/"L2", "source": "whatsapp"/' nosource.json >whatsapp.json
is "$(import whatsapp.json)" \
	"imported 1 file: 1 new and 0 updated conversations, 1 new messages, 0 skipped records" \
	"the same id in another source is imported"
run convo-delete --source whatsapp L2
status_is 0 "and deleted without forgetting"

# An event stream: only the start event names the source; every event of
# the conversation is dropped.
run convo-delete --forget-forever L8
status_is 0 "--forget-forever L8: exit 0"
is "$(counts)" "6 21 4 0 1 0" "L8's events and variable are gone"
is "$(import "$events")" \
	"imported 1 file: 0 new and 0 updated conversations, 0 new messages, 0 skipped records" \
	"a re-import of the event stream brings nothing back"
is "$(counts)" "6 21 4 0 1 0" "not even its events"
is "$(sql "SELECT count(*) FROM conversation WHERE ext_id = 'L8'")" 0 \
	"no conversation L8 in any source"

# --user --forget-forever: all of the visitor's conversations.
run convo-delete --forget-forever --user +4915112345678
out_is "--user --forget-forever: the summary" <<'EOF'
deleted 2 conversations, 9 messages and 1 user, and forgot 2 conversations forever
EOF
is "$(sql "SELECT count(*) FROM forgotten")" 4 "four conversations forgotten"
import "$conversations" "$events" >/dev/null
is "$(sql "SELECT group_concat(ext_id, ' ') FROM
	(SELECT ext_id FROM conversation ORDER BY 1)")" "L1 L5 L6 L7" \
	"a re-import of everything brings back none of them"

# An import that mixes forgotten and new conversations keeps the new.
sed 's/"L1"/"L9"/' "$conversations" >mixed.json
is "$(import mixed.json)" \
	"imported 1 file: 1 new and 0 updated conversations, 3 new messages, 0 skipped records" \
	"a new conversation beside forgotten ones is imported"

# Without --forget-forever the forgotten table does not matter for others.
run convo-delete L9
status_is 0 "delete L9 without forgetting"
is "$(import mixed.json)" \
	"imported 1 file: 1 new and 0 updated conversations, 3 new messages, 0 skipped records" \
	"and a re-import brings it back"

# Forgetting is undone by deleting the row, as convo(7) says.
sql "DELETE FROM forgotten WHERE key = '505658fb1ac554f5207276f4b2031964438da16e6aea800229ba30086b48fb59'"
is "$(import "$conversations")" \
	"imported 1 file: 1 new and 0 updated conversations, 5 new messages, 0 skipped records" \
	"without its forgotten row L2 can be imported again"

done_testing
