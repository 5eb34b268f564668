#!/bin/sh
# tests/run.sh: runs every test -- the unit tests, the fuzz seeds replayed
# through the fuzz harnesses, and the command tests -- two at a time, and
# ends with the line "N passed, M failed".  N and M count TAP assertions;
# a test program that crashes, exits non-zero or misses its plan counts
# as one more failure, as does each sanitizer report (SANITIZE=1).  Run
# from the top of the tree by `make check`.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
tmp=tests/tmp
JOBS=${JOBS:-2}

# One test: runs it, saves its output and "passed failed" counts.
if [ "$1" = --one ]; then
	name=$2
	shift 2
	log=$tmp/log/$(echo "$name" | tr '/ ' '__')
	"$@" >"$log.out" 2>&1 </dev/null
	status=$?
	p=$(grep -c '^ok' "$log.out")
	f=$(grep -c '^not ok' "$log.out")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log.out" | tail -n 1)
	why=
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exited with status $status"
	elif [ -z "$plan" ]; then
		why="no plan"
	elif [ "$plan" -ne $((p + f)) ]; then
		why="planned $plan tests, ran $((p + f))"
	fi
	if [ -n "$why" ]; then
		f=$((f + 1))
		echo "# $name: $why" >>"$log.out"
	fi
	echo "$p $f" >"$log.result"
	if [ "$f" -gt 0 ]; then
		echo "FAIL $name"
		grep -v '^ok' "$log.out" | sed 's/^/    /' | head -n 60
	fi
	exit 0
fi

rm -rf "$tmp"
mkdir -p "$tmp/log" "$tmp/sanitizer"
export CONVO_TOP="$top" PATH="$top/cmd:$PATH"
# Under SANITIZE=1 every report, leaks included, goes to a file of its
# own as well as failing its program: a report from a command whose exit
# status a test does not look at (in a pipeline, say) still fails the
# run below.  Harmless for a build without sanitizers.
san=$top/$tmp/sanitizer
export ASAN_OPTIONS="detect_leaks=1:log_path=$san/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$san/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# Every test as a command line: name, then the program and arguments.
list() {
	for t in tests/unit/test_*; do
		case $t in *.c|*.o|*.d) continue ;; esac
		[ -x "$t" ] && echo "$t $t"
	done
	for f in tests/fuzz/fuzz_*-replay; do
		[ -x "$f" ] || continue
		fmt=${f#tests/fuzz/fuzz_}
		fmt=${fmt%-replay}
		# A harness without seeds of its own replays all of testdata/.
		seeds=testdata/$fmt
		[ -d "$seeds" ] || seeds=testdata
		echo "$f $f $seeds"
	done
	for t in tests/cmd/*.t; do
		[ -f "$t" ] && echo "$t sh $t"
	done
}

list | xargs -P "$JOBS" -L 1 sh tests/run.sh --one
# Each sanitizer report is one more failure.
for f in "$tmp"/sanitizer/*; do
	[ -f "$f" ] || continue
	echo "FAIL sanitizer report $f"
	sed 's/^/    /' "$f" | head -n 40
	echo "0 1" >"$tmp/log/sanitizer.$(basename "$f").result"
done
cat "$tmp"/log/*.result 2>/dev/null | awk '
	{ p += $1; f += $2 }
	END { printf "%d passed, %d failed\n", p, f; exit f > 0 || p == 0 }'
