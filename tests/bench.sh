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

# convo-end-stale on at least a million conversations: those of json.db,
# topped up to 1,000,000 with sqlite3 (one message's worth each), all
# idle past the cutoff; then again, with nothing left to end.  The
# msgs/s column counts conversations here.
cp json.db stale.db
sqlite3 stale.db "WITH RECURSIVE n(i) AS (SELECT count(*) FROM conversation
    UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
    INSERT INTO conversation (ext_id, source, user_id, started_at,
    last_activity_at) SELECT 'b' || i, 'web_widget',
    (SELECT min(id) FROM user), 1793491200000 + i * 1000,
    1793491200000 + i * 1000 FROM n WHERE i < 1000000"
msgs=$(sqlite3 stale.db "SELECT count(*) FROM conversation")
measure stale "$top/cmd/convo-end-stale" -q -d stale.db \
    --now 2028-01-01T00:00:00Z
row "convo-end-stale, $msgs convs"
measure stale "$top/cmd/convo-end-stale" -q -d stale.db \
    --now 2028-01-01T00:00:00Z
row "convo-end-stale again, none stale"

# convo-stats over all that the JSON import stored (N / 10 conversations,
# N messages): every figure, every breakdown, as JSON.  msgs/s counts
# the messages stored.
msgs=$(sqlite3 json.db "SELECT count(*) FROM message")
measure stats "$top/cmd/convo-stats" -d json.db --all --json --period all
row "convo-stats --all --json, all"
