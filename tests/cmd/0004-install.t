#!/bin/sh
# 0004-install.t: make install puts every command, man page and the default
# rules under DESTDIR and PREFIX, and make uninstall takes them away.  The
# build is not redone (-o all): this runs inside make check.
. "$(dirname "$0")/../lib.sh"

dest=$tmp/dest
run make -s -C "$top" -o all install DESTDIR="$dest" PREFIX=/opt/convo
status_is 0 "make install exits 0"
for c in $(cd "$top/cmd" && ls convo-*.c | sed 's/\.c$//'); do
	test -x "$dest/opt/convo/bin/$c"
	ok $? "installs the command $c"
	test -f "$dest/opt/convo/share/man/man1/$c.1"
	ok $? "installs the man page $c.1"
done
test -f "$dest/opt/convo/share/man/man5/convo-formats.5"
ok $? "installs convo-formats.5"
test -f "$dest/opt/convo/share/man/man7/convo.7"
ok $? "installs convo.7"
cmp -s "$top/lib/default.rules" "$dest/opt/convo/share/convo/default.rules"
ok $? "installs the default rules"
"$dest/opt/convo/bin/convo-import" --version >"$tmp/out" 2>&1
ok $? "the installed command runs"

run make -s -C "$top" -o all uninstall DESTDIR="$dest" PREFIX=/opt/convo
status_is 0 "make uninstall exits 0"
left=$(find "$dest" -type f | wc -l)
is "$left" 0 "make uninstall removes every file it installed"
done_testing
