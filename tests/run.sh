#!/bin/sh
# tests/run.sh: runs every test -- the unit tests, the fuzz seeds replayed
# through the fuzz harnesses, and the command tests -- two at a time, and
# ends with the line "N passed, M failed".  N and M count TAP assertions;
# a test program that crashes, exits non-zero or misses its plan counts
# as one more failure.  Run from the top of the tree by `make check`.
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
mkdir -p "$tmp/log"
export CONVO_TOP="$top" PATH="$top/cmd:$PATH"

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
cat "$tmp"/log/*.result 2>/dev/null | awk '
	{ p += $1; f += $2 }
	END { printf "%d passed, %d failed\n", p, f; exit f > 0 || p == 0 }'
