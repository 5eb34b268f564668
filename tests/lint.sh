#!/bin/sh
# tests/lint.sh: `make lint`: the architecture and style rules that a grep
# can check, and mandoc -Tlint over the man pages.  Prints each violation
# and exits 1 if there is any.
cd "$(dirname "$0")/.." || exit 70
bad=0
flag() {	# flag MESSAGE: prints the grep output on stdin, if any
	out=$(cat)
	[ -z "$out" ] && return
	echo "lint: $1"
	echo "$out" | sed 's/^/    /'
	bad=1
}

grep -n 'sqlite3\.h' lib/*.c lib/*.h | grep -v '^lib/store' |
    flag "sqlite3.h outside lib/store*"
grep -ln 'cJSON\.h' lib/*.c lib/*.h |
    grep -v -e '^lib/parse_' -e '^lib/json\.' | flag "cJSON outside parse files"
grep -ln 'csv\.h' lib/*.c | grep -v '^lib/parse_csv' |
    flag "libcsv outside parse_csv.c"
grep -ln 'pcre2\.h' lib/*.c lib/*.h |
    grep -v -e '^lib/parse_' -e '^lib/rules' | flag "PCRE2 outside parse and rules"
grep -n 'internal\.h\|store\.h\|json\.h' cmd/*.c cmd/*.h |
    flag "cmd/ includes lib internals"
grep -nE '(^|[^a-z_])(printf|puts|exit|abort|getenv)\(|stdout|stderr' lib/*.c |
    flag "lib/ prints on its own, exits or reads the environment"
grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|system)\(' \
    lib/*.c cmd/*.c tests/unit/*.c tests/fuzz/*.c |
    flag "banned function"
grep -nE '(SELECT|INSERT|UPDATE|DELETE)[^"]*"[^;]*%[sd]' lib/*.c cmd/*.c |
    flag "SQL built with printf"
grep -nE '\b(SELECT|INSERT INTO|UPDATE|DELETE FROM) ' cmd/*.c lib/*.c |
    grep -v '^lib/store' | flag "SQL outside lib/store*"
if command -v mandoc >/dev/null; then
	mandoc -Tlint -W warning man/* 2>&1 | flag "mandoc -Tlint"
fi
exit $bad
