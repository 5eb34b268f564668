#!/bin/sh
# tests/deps.sh: makes sure what convo needs to build and test is there;
# `tests/deps.sh fuzz`: what the fuzz harnesses need (clang).  Run by make
# before building.  Missing Debian packages are installed with apt-get
# when run as root, else this says exactly what to install.
pkgs=
need() {	# need PACKAGE TEST...
	p=$1
	shift
	"$@" >/dev/null 2>&1 || pkgs="$pkgs $p"
}
has_pc() { pkg-config --exists "$1"; }

# Whether $FUZZ_CC (clang) links a libFuzzer harness with ASan and UBSan:
# Debian ships the fuzzer's runtime apart from clang.
links_fuzzer() {
	d=$(mktemp -d) || return 1
	echo 'int LLVMFuzzerTestOneInput(const char *p, unsigned long n)' \
	    '{ (void)p; (void)n; return 0; }' >"$d/f.c"
	"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -o "$d/f" \
	    "$d/f.c"
	st=$?
	rm -rf "$d"
	return $st
}

if [ "${1-}" = fuzz ]; then
	# `make fuzz`: clang and its fuzzer runtime.
	need clang command -v "${FUZZ_CC:-clang}"
	need libclang-rt-dev links_fuzzer
else
	need pkg-config command -v pkg-config
	need libsqlite3-dev has_pc sqlite3
	need libcjson-dev has_pc libcjson
	need libpcre2-dev has_pc libpcre2-8
	need libcsv-dev test -f /usr/include/csv.h
	need sqlite3 command -v sqlite3
	need mandoc command -v mandoc
	need time test -x /usr/bin/time
	need tzdata test -f /usr/share/zoneinfo/Europe/Berlin
	# The transcript and report tests read the output back with
	# Python's email and html packages, and render the HTML report in a
	# real browser.
	need python3 command -v python3
	need chromium command -v chromium
fi
[ -z "$pkgs" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $pkgs >/dev/null &&
	    exit 0
	echo "deps: apt-get install$pkgs failed" >&2
	exit 1
fi
echo "deps: missing packages; install them with:" >&2
echo "    sudo apt-get install$pkgs" >&2
exit 1
