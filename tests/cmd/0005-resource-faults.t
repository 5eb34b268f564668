#!/bin/sh
# Resource faults, for the commands that write (convo-import,
# convo-end-stale, convo-delete) and one that reads (convo-stats): a file
# size limit, a full disk, a directory that cannot be written, a database
# file that cannot be written, a file that is not a database, a database
# of a newer schema.  Each gives one diagnostic naming the database, the
# exit status of commands.md (73 cannot open or create, 74 cannot
# write), and leaves the database as it was.  Making a directory or file
# read-only takes chmod for other users, and a read-only bind mount in a
# private mount namespace for root (chmod does not stop root); a full
# disk takes a small tmpfs, so root: without a way, those cases are
# skipped, each with a TAP comment.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
CONVO_DB=convo.db	# relative, as the messages show it
NOW=--now=2027-01-01T00:00:00Z

# 450 generated conversations: 300 in the database (125 of them active),
# 150 more in the file to import.
"$top/tests/gen/gen" 450 5 . >/dev/null || exit 1
head -n 300 gen.jsonl >base.jsonl
sed 1,300d gen.jsonl >big.jsonl
convo-import -q base.jsonl || exit 1
cp convo.db base.db
dump >base.sql
convo-stats --json --period all "$NOW" >base.json

restore() {
	rm -f convo.db convo.db-wal convo.db-shm
	cp base.db convo.db
}

# unchanged NAME [DB]: the database holds what it held, and is intact.
unchanged() {
	sqlite3 -batch "${2:-convo.db}" .dump >after.sql
	same after.sql "$1: the database is as it was" <base.sql
	is "$(sqlite3 -batch "${2:-convo.db}" 'PRAGMA integrity_check')" ok \
	    "$1: the database is intact"
}

# The writing commands, each with a name for the messages and the
# summary it prints when all is well.
WRITERS="import end-stale delete"
cmd_of() {
	case $1 in
	import)		echo "convo-import -q big.jsonl" ;;
	end-stale)	echo "convo-end-stale -q $NOW" ;;
	delete)		echo "convo-delete -q --older-than 1 $NOW" ;;
	stats)		echo "convo-stats --json --period all $NOW" ;;
	esac
}
# The file named before the database in an import's message.
input_of() { [ "$1" = import ] && echo "big.jsonl: "; }

# A file-size limit (ulimit -f, in blocks of 512 bytes in sh): 32 KiB,
# room for the -shm file but not for the changes.  The write fails with
# EFBIG instead of the command dying of SIGXFSZ, the transaction is
# rolled back, and the next run with room does the work.
limited() { (ulimit -f 64 && exec "$@"); }
for w in $WRITERS; do
	restore
	run limited $(cmd_of $w)
	status_is 74 "$w past a file-size limit: exit 74"
	err_is "$w past a file-size limit: one diagnostic" <<EOF
convo-$w: $(input_of $w)convo.db: database error: disk I/O error
EOF
	unchanged "$w past a file-size limit"
	run $(cmd_of $w)
	is "$status:$(cat "$tmp/err")" 0: "$w with room again: exit 0"
done
restore
run limited convo-import big.jsonl
out_timeless "import past a file-size limit: the summary counts a failed file" <<'EOF'
imported 0 files (1 failed): 0 new and 0 updated conversations, 0 new messages, 0 skipped records, T s
EOF
run limited $(cmd_of stats)
status_is 0 "stats reads under a file-size limit"
same "$tmp/out" "stats under a file-size limit: the figures" <base.json

# How to make a path read-only: chmod for other users; a read-only bind
# mount in a private mount namespace for root, where chmod does nothing.
mkdir probe
chmod a-w probe
if ! touch probe/f 2>/dev/null; then
	ro_how=chmod why="Permission denied"
elif unshare -m sh -c 'mount --bind -o ro probe probe && ! touch probe/f' \
    2>/dev/null; then
	ro_how=mount why="Read-only file system"
else
	ro_how=
fi
chmod u+w probe
# read_only PATH CMD...: runs CMD with PATH read-only.
read_only() {
	if [ "$ro_how" = chmod ]; then
		chmod a-w "$1"
		(shift && "$@")
		set -- $? "$1"
		chmod u+w "$2"
		return "$1"
	fi
	unshare -m sh -c 'mount --bind -o ro "$1" "$1" && shift && exec "$@"' \
	    sh "$@"
}

# A directory that cannot be written: no new database in it, and no -wal
# and -shm files beside one that is there, so not even a reader gets in.
if [ -n "$ro_how" ]; then
	mkdir dir
	cp base.db dir/convo.db
	run read_only dir convo-import -d dir/new.db big.jsonl
	status_is 73 "a new database in a read-only directory: exit 73"
	err_is "a new database in a read-only directory: why" <<EOF
convo-import: dir/new.db: cannot create: its directory cannot be written ($why)
EOF
	test ! -e dir/new.db
	ok $? "a new database in a read-only directory: none is made"
	for w in $WRITERS stats; do
		run read_only dir $(cmd_of $w) -d dir/convo.db
		status_is 73 "$w in a read-only directory: exit 73"
		err_is "$w in a read-only directory: why" <<EOF
convo-$w: dir/convo.db: cannot open: its directory cannot be written ($why)
EOF
		cmp -s dir/convo.db base.db
		ok $? "$w in a read-only directory: the file is unchanged"
	done
else
	echo "# skip: no way to make a directory read-only (root without" \
	    "mount namespaces)"
fi

# A database file that cannot be written, in a directory that can: the
# writers fail when they write, and a reader reads.
if [ -n "$ro_how" ]; then
	for w in $WRITERS; do
		restore
		run read_only convo.db $(cmd_of $w)
		status_is 74 "$w on a read-only database: exit 74"
		err_is "$w on a read-only database: one diagnostic" <<EOF
convo-$w: $(input_of $w)convo.db: database error: attempt to write a readonly database
EOF
		unchanged "$w on a read-only database"
	done
	restore
	run read_only convo.db $(cmd_of stats)
	status_is 0 "stats reads a read-only database"
	same "$tmp/out" "stats on a read-only database: the figures" <base.json
else
	echo "# skip: no way to make a file read-only (root without mount" \
	    "namespaces)"
fi

# A full disk: a tmpfs of 2 MiB with the database and a file filling all
# but 48 KiB.  Run in a private mount namespace by disk.sh CMD...: it
# leaves the exit status, stdout, stderr, the dump and integrity check
# after, and the exit status of a second run once the filler is gone.
cat >disk.sh <<'EOF'
mount -t tmpfs -o size=2m convo disk || exit 1
cp base.db disk/convo.db
dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null
truncate -s -48K disk/fill
"$@" -d disk/convo.db >out 2>err
echo $? >status
sqlite3 -batch disk/convo.db .dump >after.sql
sqlite3 -batch disk/convo.db 'PRAGMA integrity_check' >integrity
rm disk/fill
"$@" -d disk/convo.db >/dev/null 2>&1
echo $? >status2
EOF
mkdir disk
if unshare -m sh -c 'mount -t tmpfs -o size=2m convo disk' 2>/dev/null; then
	for w in $WRITERS; do
		unshare -m sh disk.sh $(cmd_of $w)
		is "$(cat status)" 74 "$w on a full disk: exit 74"
		same err "$w on a full disk: one diagnostic" <<EOF
convo-$w: $(input_of $w)disk/convo.db: database error: database or disk is full
EOF
		same after.sql "$w on a full disk: the database is as it was" \
		    <base.sql
		is "$(cat integrity)" ok "$w on a full disk: the database is intact"
		is "$(cat status2)" 0 "$w with room again: exit 0"
	done
else
	echo "# skip: no full disk (cannot mount a tmpfs)"
fi

# A file that is not a database, and a database of a newer schema: every
# command refuses it, exit 73, and leaves it alone byte for byte.
printf 'Dear team,\nthe chat logs are attached.\n' >notes.txt
cp notes.txt notes.orig
restore
sqlite3 convo.db 'PRAGMA user_version = 99'
cp convo.db newer.orig
version=$(sqlite3 base.db 'PRAGMA user_version')
for w in $WRITERS stats; do
	run $(cmd_of $w) -d notes.txt
	status_is 73 "$w on a file that is not a database: exit 73"
	err_is "$w on a file that is not a database: why" <<EOF
convo-$w: notes.txt: file is not a database
EOF
	cmp -s notes.txt notes.orig
	ok $? "$w on a file that is not a database: unchanged"
	run $(cmd_of $w)
	status_is 73 "$w on a newer database: exit 73"
	err_is "$w on a newer database: why" <<EOF
convo-$w: convo.db: database schema version 99 is newer than this convo's ($version): upgrade convo
EOF
	cmp -s convo.db newer.orig
	ok $? "$w on a newer database: unchanged, byte for byte"
done

done_testing
