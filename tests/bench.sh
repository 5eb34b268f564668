#!/bin/sh
# tests/bench.sh [N]: `make bench N=...`.  Generates an export of N
# messages (default 1,000,000; ten to a conversation) and times
# convo-import on it against a baseline run in the same invocation:
# sqlite3's own CSV import of the same messages into a bare table, the
# least that storing them can cost.  Figures are reported as ratios to
# that baseline, since these machines are shared and noisy; peak RSS
# shows that memory stays flat.  Work files go to bench/.
set -eu
n=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/bench
import=$top/cmd/convo-import
mkdir -p "$dir"
cd "$dir"
rm -f ./*.db ./*.db-wal ./*.db-shm

echo "generating $n messages ..."
sh "$top/tests/gen.sh" "$n" json >gen.jsonl
sh "$top/tests/gen.sh" "$n" csv >gen.csv
msgs=$(($(wc -l <gen.csv) - 1))

# measure NAME CMD...: wall seconds and peak RSS (KiB) into $secs, $rss.
measure() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o time.out "$@" >/dev/null 2>err.out ||
	    { cat err.out >&2; exit 1; }
	secs=$(cut -d' ' -f1 time.out)
	rss=$(cut -d' ' -f2 time.out)
}
row() {
	awk -v name="$1" -v s="$secs" -v rss="$rss" -v n="$msgs" -v base="$base" \
	    'BEGIN { if (s == 0) s = 0.01
		printf "%-34s %8.2f %10.0f %8.2f %9.1f\n", name, s, n / s,
		    s / base, rss / 1024 }'
}

measure baseline sqlite3 base.db \
    "CREATE TABLE m (c, ts, role, text, click_type, click_title)" \
    ".import --csv --skip 1 gen.csv m"
base=$secs
printf '%-34s %8s %10s %8s %9s\n' "$msgs messages ($(du -h gen.jsonl |
    cut -f1) JSON)" seconds msgs/s "x base" "RSS MiB"
row "baseline: sqlite3 .import of CSV"
measure json "$import" -q -d json.db gen.jsonl
row "convo-import, JSON documents"
measure json "$import" -q -d json.db gen.jsonl
row "convo-import, same file again"
measure csv "$import" -q -d csv.db gen.csv
row "convo-import, CSV"
