#!/bin/sh
# What every command shares, on convo-import: --help, --version, usage
# errors, choosing the database (-d, CONVO_DB, ./convo.db) and refusing a
# database that is newer, foreign or not a database at all.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1
cp "$td/json/good-object.json" object.json	# 1 conversation, 2 messages

# The usage synopsis printed with usage errors.  (Expectations are
# written to files: out_is and err_is must not run in a pipeline's
# subshell, where their TAP count would be lost.)
cat >usage <<'EOF'
usage: convo-import [-hq] [-d db] [--agent name] [--assistant name] [--date date]
                    [--date-order order] [--dry-run] [--format name]
                    [--handover-action name] [--progress] [--redact] [--rules file]
                    [--session-gap duration] [--skip-bad] [--tz zone] [--version]
                    [file ...]
EOF
# want_usage MESSAGE: the diagnostic, the synopsis and the hint.
want_usage() {
	{ echo "$1"; cat usage; echo "try 'convo-import --help'"; } >want.usage
}

# -h, --help: the usage and every option on stdout, exit 0.
for opt in -h --help; do
	run convo-import $opt
	status_is 0 "$opt exits 0"
	{ cat usage; cat <<'EOF'

  -d, --db file          the database (default $CONVO_DB, else ./convo.db)
      --agent name       this author is a human agent (repeatable)
      --assistant name   this author is the assistant (repeatable)
      --date date        the day of a transcript without one (YYYY-MM-DD)
      --date-order order dmy, mdy or ymd: how to read dates like 03/04/25
      --dry-run          parse and count, store nothing
      --format name      json, events, csv, text, whatsapp, rasa, botframework,
                         llm or chatwoot (default: detected)
      --handover-action name
                         this Rasa action hands over (repeatable)
  -h, --help             print this help and exit
      --progress         show progress even when stderr is not a terminal
  -q, --quiet            print no summary and no progress
      --redact           replace e-mail addresses, phone and card numbers in text
      --rules file       derive signals with these rules instead of the defaults
      --session-gap duration
                         cut threads at gaps above this (default 24h)
      --skip-bad         store the good records of a bad file
      --tz zone          the zone of times without an offset (default $TZ)
      --version          print the version and exit

With no file, or with '-', standard input is read.
EOF
	} >want.help
	out_is "$opt prints the usage and the options on stdout" <want.help
	err_is "$opt prints nothing on stderr" </dev/null
done

run convo-import --version
status_is 0 "--version exits 0"
out_is "--version prints name and version" <<'EOF'
convo-import 0.1.0
EOF
err_is "--version prints nothing on stderr" </dev/null

# Usage errors: exit 64, nothing on stdout, the synopsis and a hint on
# stderr, and no database created.
run convo-import --bogus object.json
status_is 64 "an unknown long option exits 64"
out_is "an unknown long option prints nothing on stdout" </dev/null
want_usage "convo-import: unrecognized option '--bogus'"
err_is "an unknown long option: the synopsis and a hint on stderr" <want.usage

run convo-import -x object.json
status_is 64 "an unknown short option exits 64"
out_is "an unknown short option prints nothing on stdout" </dev/null
want_usage "convo-import: invalid option -- 'x'"
err_is "an unknown short option: the synopsis and a hint on stderr" <want.usage

run convo-import object.json --db
status_is 64 "an option without its argument exits 64"
want_usage "convo-import: option '--db' requires an argument"
err_is "an option without its argument: the synopsis and a hint" <want.usage

run convo-import --format xml object.json
status_is 64 "--format xml exits 64"
out_is "--format xml prints nothing on stdout" </dev/null
err_is "--format xml names the formats" <<'EOF'
convo-import: unknown format 'xml' (json, events, csv, text, whatsapp, rasa, botframework, llm, chatwoot)
try 'convo-import --help'
EOF

# "auto" is the library's name for detection, not a format.
run convo-import --format auto object.json
status_is 64 "--format auto exits 64"
err_is "--format auto is not a format" <<'EOF'
convo-import: unknown format 'auto' (json, events, csv, text, whatsapp, rasa, botframework, llm, chatwoot)
try 'convo-import --help'
EOF

run convo-import --tz Mars/Olympus_Mons object.json
status_is 64 "--tz with an unknown zone exits 64"
out_is "--tz with an unknown zone prints nothing on stdout" </dev/null
err_is "--tz with an unknown zone says so" <<'EOF'
convo-import: unknown time zone 'Mars/Olympus_Mons'
try 'convo-import --help'
EOF

run convo-import --tz ../../etc/passwd object.json
status_is 64 "--tz outside the zone database exits 64"
err_is "--tz outside the zone database is unknown" <<'EOF'
convo-import: unknown time zone '../../etc/passwd'
try 'convo-import --help'
EOF

for d in 2026-13-01 2026-02-30 20261120 yesterday; do
	run convo-import --date "$d" object.json
	status_is 64 "--date $d exits 64"
	out_is "--date $d prints nothing on stdout" </dev/null
	err_is "--date $d: invalid date" <<EOF
convo-import: invalid date '$d' (expected YYYY-MM-DD)
try 'convo-import --help'
EOF
done

for g in 5x -1h h; do
	run convo-import --session-gap "$g" object.json
	status_is 64 "--session-gap $g exits 64"
	out_is "--session-gap $g prints nothing on stdout" </dev/null
	err_is "--session-gap $g: invalid duration" <<EOF
convo-import: invalid session gap '$g' (expected a number with s, m, h or d)
try 'convo-import --help'
EOF
done

test ! -e "$CONVO_DB"
ok $? "usage errors create no database"

# -d, --db, CONVO_DB and ./convo.db choose the database.
run convo-import -q -d a.db object.json
status_is 0 "-d FILE imports"
out_is "-q: nothing on stdout" </dev/null
err_is "-d FILE: nothing on stderr" </dev/null
is "$(sqlite3 a.db 'SELECT ext_id FROM conversation')" "p-1" \
	"-d FILE stores in FILE"
test ! -e "$CONVO_DB"
ok $? "-d FILE leaves \$CONVO_DB alone"

run convo-import -q --db=b.db object.json
status_is 0 "--db=FILE imports"
is "$(sqlite3 b.db 'SELECT count(*) FROM message')" "2" \
	"--db=FILE stores in FILE"

run env CONVO_DB=c.db convo-import -q object.json
status_is 0 "CONVO_DB imports"
is "$(sqlite3 c.db 'SELECT count(*) FROM conversation')" "1" \
	"CONVO_DB names the database"

run env CONVO_DB=c.db convo-import -q -d d.db object.json
status_is 0 "-d with CONVO_DB imports"
is "$(sqlite3 d.db 'SELECT count(*) FROM import')" "1" "-d wins over CONVO_DB"
is "$(sqlite3 c.db 'SELECT count(*) FROM import')" "1" \
	"-d with CONVO_DB leaves CONVO_DB's database alone"

mkdir here
(unset CONVO_DB; cd here && convo-import -q ../object.json) >out 2>err
is "$?:$(cat out err)" "0:" "without -d or CONVO_DB: exit 0, no output"
is "$(sqlite3 here/convo.db 'SELECT file FROM import')" "../object.json" \
	"without -d or CONVO_DB, ./convo.db is used"
rm -f here/convo.db*
(cd here && CONVO_DB= convo-import -q ../object.json) >out 2>err
is "$?:$(cat out err)" "0:" "with an empty CONVO_DB: exit 0, no output"
test -e here/convo.db
ok $? "an empty CONVO_DB means ./convo.db"

# The schema version this convo writes, as its databases have it.
version=$(sqlite3 a.db 'PRAGMA user_version')

# A database from a newer convo is refused, and left as it was: not even
# switched to WAL mode (bytes 18 and 19 of the header) before the check.
sqlite3 newer.db 'PRAGMA user_version = 99'
cp newer.db newer.orig
run convo-import -d newer.db object.json
status_is 73 "a newer schema exits 73"
out_is "a newer schema: nothing on stdout" </dev/null
err_is "a newer schema says which and what to do" <<EOF
convo-import: newer.db: database schema version 99 is newer than this convo's ($version): upgrade convo
EOF
is "$(sqlite3 newer.db 'SELECT count(*) FROM sqlite_schema')" "0" \
	"a newer schema: no table added"
cmp -s newer.db newer.orig
ok $? "a newer schema: the file is unchanged, byte for byte"

# A SQLite database of some other program is refused and left alone,
# byte for byte: its journal mode is its own business.
sqlite3 foreign.db "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
	INSERT INTO notes (body) VALUES ('keep me')"
cp foreign.db foreign.orig
run convo-import -d foreign.db object.json
status_is 73 "a foreign database exits 73"
out_is "a foreign database: nothing on stdout" </dev/null
err_is "a foreign database is not a convo database" <<'EOF'
convo-import: foreign.db: not a convo database: it has tables but no convo schema version
EOF
is "$(sqlite3 foreign.db 'SELECT group_concat(name) FROM sqlite_schema')" \
	"notes" "a foreign database: no table added"
cmp -s foreign.db foreign.orig
ok $? "a foreign database: the file is unchanged, byte for byte"

# A file that is not a database at all.
printf 'Dear team,\nthe chat logs are attached.\n' >notes.txt
cp notes.txt notes.orig
run convo-import -d notes.txt object.json
status_is 73 "a file that is not a database exits 73"
out_is "not a database: nothing on stdout" </dev/null
err_is "not a database: SQLite's reason" <<'EOF'
convo-import: notes.txt: file is not a database
EOF
cmp -s notes.txt notes.orig
ok $? "not a database: the file is unchanged"

# A database that cannot be created.
run convo-import -d nosuchdir/x.db object.json
status_is 73 "a database in a missing directory exits 73"
out_is "a database in a missing directory: nothing on stdout" </dev/null
err_is "a database in a missing directory: SQLite's reason" <<'EOF'
convo-import: nosuchdir/x.db: cannot create: no such directory
EOF

done_testing
