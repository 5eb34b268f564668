#!/bin/sh
# The man pages: mandoc -Tlint is clean on every page, and the page of
# every command (cmd/convo-X.c, man/convo-X.1) documents the options its
# --help shows, as curl's test 1139 checks:
#   - every long option of --help appears as .Fl -option in the page;
#   - every long option of the page's option list (the .It Fl lines of
#     DESCRIPTION) appears in --help;
#   - the SYNOPSIS names the options of the usage line, in its order;
#   - the option list takes the usage line's options in the same order.
# mdoc writes --option as ".Fl -option" or ".Fl \-option"; both count.
. "${CONVO_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

cd "$tmp" || exit 1

# skip NAME REASON: a TAP test skipped.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# same_list NAME GOT WANT: two files of one item a line, in order.
same_list() {
	if diff -u "$3" "$2" >diff.out; then
		ok 0 "$1"
	else
		ok 1 "$1"
		sed 's/^/# /' diff.out
	fi
}

# The page's source with "\-" as "-", so that both spellings read alike.
page_source() { sed 's/\\-/-/g' "$1"; }

# The lines of section $2 of page $1.
section() {
	page_source "$1" | awk -v sh="$2" '
		/^\.Sh / { on = substr($0, 5) == sh; next }
		on'
}

# Options on standard input, one a line, from .Fl arguments: "Fl -date"
# is --date; "Fl hq" is -h and -q when nothing follows it on an .Op line
# (a flag with an argument, "Fl d Ar db", is one letter).
fl_options() {
	awk '{
		for (i = 1; i < NF; i++) {
			if ($i != "Fl")
				continue
			w = $(i + 1)
			if (w ~ /^-[A-Za-z0-9]/) {
				print "-" w
			} else if (w ~ /^[A-Za-z0-9]+$/) {
				if (length(w) > 1 && $1 == ".Op" && i + 1 == NF)
					for (k = 1; k <= length(w); k++)
						print "-" substr(w, k, 1)
				else
					print "-" w
			}
		}
	}'
}

# The options of a usage line on standard input: the first word of each
# [...] group that starts with '-'; "[-hq]" is -h and -q.
usage_options() {
	tr -s ' \n' '  ' | grep -o '\[-[^]]*\]' | tr -d '[]' | awk '{
		w = $1
		if (w ~ /^--/)
			print w
		else if (NF == 1)
			for (k = 2; k <= length(w); k++)
				print "-" substr(w, k, 1)
		else
			print w
	}'
}

# mandoc -Tlint on every page.
for page in "$top"/man/*.[0-9]; do
	name=${page#"$top"/}
	if ! command -v mandoc >/dev/null 2>&1; then
		skip "$name: mandoc -Tlint is clean" "no mandoc"
		continue
	fi
	mandoc -Tlint -W warning "$page" >lint.out 2>&1
	st=$?
	if [ "$st" -eq 0 ] && [ ! -s lint.out ]; then
		ok 0 "$name: mandoc -Tlint is clean"
	else
		ok 1 "$name: mandoc -Tlint is clean"
		sed 's/^/# /' lint.out
	fi
done

for src in "$top"/cmd/convo-*.c; do
	cmd=$(basename "$src" .c)
	page=$top/man/$cmd.1
	bin=$top/cmd/$cmd
	if [ ! -f "$page" ]; then
		ok 1 "$cmd: man/$cmd.1 exists"
		continue
	fi
	ok 0 "$cmd: man/$cmd.1 exists"
	if [ ! -x "$bin" ]; then
		ok 1 "$cmd: cmd/$cmd is built"
		continue
	fi
	"$bin" --help >help 2>&1
	is "$?" 0 "$cmd: --help exits 0"

	# The usage line: the help up to its first empty line.
	sed '/^$/q' help | usage_options >usage.opts
	# Every long option anywhere in the help.
	grep -o -- '--[a-z][a-z0-9-]*' help | sort -u >help.long

	page_source "$page" | grep -o 'Fl -[a-z][a-z0-9-]*' |
	    sed 's/^Fl /-/' | sort -u >page.long
	comm -23 help.long page.long >missing
	same_list "$cmd: every long option of --help is in the page" \
	    missing /dev/null

	section "$page" DESCRIPTION | grep '^\.It Fl' | fl_options >list.opts
	grep -- '^--' list.opts | sort -u >list.long
	comm -23 list.long help.long >extra
	same_list "$cmd: every long option of the option list is in --help" \
	    extra /dev/null

	section "$page" SYNOPSIS | grep '^\.Op Fl' | fl_options >synopsis.opts
	same_list "$cmd: the SYNOPSIS has the usage line's options" \
	    synopsis.opts usage.opts

	# The option list, cut to the usage line's options, in its order.
	grep -Fx -f usage.opts list.opts >list.usage
	same_list "$cmd: the option list follows the usage line" \
	    list.usage usage.opts
done

done_testing
