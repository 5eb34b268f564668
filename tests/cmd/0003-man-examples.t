#!/bin/sh
# The examples of the command pages (man/*.1) run, and do what they show.
#
# The convention, in the EXAMPLES section of a page:
#   - In a .Bd -literal block, a line that starts with "$ " is a command.
#     The lines after it continue it for as long as it is incomplete shell
#     (an open quote, a "do" without its "done"); the lines after that,
#     up to the next "$ " line, are its output as shown.  Lines before the
#     first "$ " (a crontab entry, say) are not run.
#   - Each command runs in sh, in a scratch directory per page that holds
#     the fixtures below (copies of testdata/) and testdata/ itself, with
#     ./convo.db as the database, TZ=UTC and cmd/ first in PATH.  The
#     installed /usr/local/share/convo/default.rules is read from
#     lib/default.rules.
#   - It must exit 0, except that the last command of a block may exit N
#     when the line before the .Bd is the comment
#         .\" test: exit N
#   - When output is shown, standard output and standard error together
#     must be exactly that, but for the time of a summary line.
#   - Comments before a .Bd of the form
#         .\" test: setup COMMAND
#     run COMMAND first (it must exit 0; its output is not shown), to give
#     the block what it needs: a database, say, from testdata/sample/.
#   - A block is not run when a comment before its .Bd is
#         .\" test: skip REASON
#     for an example that needs what no test can give it.
# Commands run in the order of the page, so the database grows with them.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

unset CONVO_DB
w=$tmp		# the test's own files; the examples run in $tmp/PAGE

# Fixtures: the files the examples name.
fixtures() {
	ln -s "$td" testdata
	mkdir exports incoming done rejected
	cp "$td"/json/good-*.json exports/		# 6 conversations
	gzip -c "$td/events/good-stream.jsonl" >events.jsonl.gz
	cp "$td/csv/good-support.csv" incoming/web.csv
	cp "$td/csv/good-tabs.csv" incoming/api.csv
	cp "$td/csv/bad-values.csv" incoming/broken.csv
	cp "$td/csv/bad-values.csv" crm-export.csv
	cp "$td/text/2026-11-20-support.txt" .
}

# skip NAME REASON: a TAP test skipped.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# The blocks of the EXAMPLES section of page $1 as lines "B exit skip"
# at a block's start, "S command" for each setup command, "L text" for
# each of its lines with the mdoc escapes undone, and "E" at its end.
blocks() {
	awk '
	function unescape(s) {
		gsub(/\\e/, "\001", s)
		gsub(/\\&/, "", s)
		gsub(/\\-/, "-", s)
		gsub(/\\\(aq/, "\047", s)
		gsub(/\\\(dq/, "\"", s)
		gsub(/\\\(ga/, "`", s)
		gsub(/\001/, "\\", s)
		return s
	}
	/^\.Sh / { on = $0 == ".Sh EXAMPLES"; next }
	!on { next }
	/^\.\\" test: exit [0-9]+/ { want = $4; next }
	/^\.\\" test: skip/ { sub(/^\.\\" test: skip */, ""); skip = $0
		if (skip == "") skip = "marked skip"; next }
	/^\.\\" test: setup / { sub(/^\.\\" test: setup /, "")
		setup[++n_setup] = unescape($0); next }
	/^\.Bd -literal/ { inb = 1; print "B " (want == "" ? 0 : want) \
		" " skip
		for (i = 1; i <= n_setup; i++)
			print "S " setup[i]
		want = ""; skip = ""; n_setup = 0; next }
	/^\.Ed/ { if (inb) print "E"; inb = 0; next }
	!inb { if ($0 !~ /^\.\\"/) { want = ""; skip = ""; n_setup = 0 }
		next }
	/^\.\\"/ { next }
	{
		s = unescape($0)
		print "L " s
	}' "$1"
}

# Whether the text of file $1 is complete shell.
complete() { sh -n "$1" 2>/dev/null; }

# Runs the command gathered in $w/cmd.sh; checks its status against $1
# and its output against $w/want.out when that is not empty.
finish() {
	[ -s "$w/cmd.sh" ] || return 0
	name="$page: \$ $(head -n 1 "$w/cmd.sh")"
	if [ -n "$skipping" ]; then
		skip "$name" "$skipping"
		: >"$w/cmd.sh"
		: >"$w/want.out"
		return 0
	fi
	sed "s|/usr/local/share/convo/default.rules|$top/lib/default.rules|g" \
	    "$w/cmd.sh" >"$w/run.sh"
	sh "$w/run.sh" >"$w/got.out" 2>&1 </dev/null
	st=$?
	n_run=$((n_run + 1))
	if [ "$st" -ne "$1" ]; then
		ok 1 "$name"
		echo "#   exit status $st, expected $1"
		sed 's/^/#   /' "$w/got.out"
	elif [ -s "$w/want.out" ]; then
		time='s/, [0-9][0-9]*\.[0-9][0-9] s$/, T s/'
		sed "$time" "$w/want.out" >"$w/want.t"
		sed "$time" "$w/got.out" >"$w/got.t"
		if diff -u "$w/want.t" "$w/got.t" >"$w/diff.out"; then
			ok 0 "$name"
		else
			ok 1 "$name"
			sed 's/^/# /' "$w/diff.out"
		fi
	else
		ok 0 "$name"
	fi
	: >"$w/cmd.sh"
	: >"$w/want.out"
}

for man in "$top"/man/*.1; do
	page=$(basename "$man")
	dir=$tmp/$page
	mkdir "$dir" && cd "$dir" || exit 1
	fixtures
	blocks "$man" >"$w/blocks"
	n_run=0
	: >"$w/cmd.sh"
	: >"$w/want.out"
	while IFS= read -r line; do
		case $line in
		B\ *)
			rest=${line#B }
			want_exit=${rest%% *}
			skipping=${rest#* }
			mode=none
			;;
		S\ *)
			[ -n "$skipping" ] && continue
			printf '%s\n' "${line#S }" >"$w/setup.sh"
			if ! sh "$w/setup.sh" >"$w/setup.out" 2>&1 </dev/null; then
				ok 1 "$page: setup \$ ${line#S }"
				sed 's/^/#   /' "$w/setup.out"
			fi
			;;
		E)
			# The last command of the block may exit want_exit.
			finish "$want_exit"
			mode=none
			;;
		L\ \$\ *)
			finish 0
			printf '%s\n' "${line#L \$ }" >"$w/cmd.sh"
			if complete "$w/cmd.sh"; then mode=out; else mode=cont; fi
			;;
		L\ *)
			text=${line#L }
			case $mode in
			cont)
				printf '%s\n' "$text" >>"$w/cmd.sh"
				complete "$w/cmd.sh" && mode=out
				;;
			out)
				printf '%s\n' "$text" >>"$w/want.out"
				;;
			esac
			;;
		esac
	done <"$w/blocks"
	if [ "$page" = convo-import.1 ]; then
		[ "$n_run" -ge 5 ]
		ok $? "$page: its examples ran ($n_run commands)"
	fi
	cd "$tmp" || exit 1
done

done_testing
