#!/bin/sh
# tests/bench.sh [N] [SEED]: `make bench N=... SEED=...`.  Generates N
# conversations (default 100,000, about a million messages) with
# tests/gen/gen once per N and seed (cached in bench/data-N-SEED), then
# times, in this one run so that the ratios are fair on a shared, noisy
# machine: convo-import of each native format into a fresh database; the
# reference, sqlite3's own .import of the same messages as CSV into a new
# file database (no JSON, no indexes); a short Python import of the
# documents (json + sqlite3); convo-stats --all --json for 7 days and for
# all time; convo-end-stale catching up and then as cron runs it (an
# hour later); convo-transcript of one conversation if the
# command exists.  Peak RSS and CPU time come from /usr/bin/time -v.
# Prints a table: wall seconds, messages per second, peak RSS, wall
# time as a multiple of the reference, CPU seconds and that multiple
# (fairer when others load the machine), each run's target, met or not.
set -eu
n=${1:-100000}
seed=${2:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=$top/cmd
data=$top/bench/data-$n-$seed
work=$top/bench/run
# The generated weeks end 2026-11-02; "now" is just after.
now=2026-11-02T06:00:00Z

if [ ! -s "$data/count" ]; then
	echo "generating $n conversations (seed $seed) ..."
	rm -rf "$data.tmp"
	mkdir -p "$data.tmp"
	"$top/tests/gen/gen" "$n" "$seed" "$data.tmp" >"$data.tmp/count"
	rm -rf "$data"
	mv "$data.tmp" "$data"
fi
msgs=$(sed -n 's/^[0-9]* conversations, \([0-9]*\) messages.*/\1/p' \
    "$data/count")
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# measure CMD...: wall seconds into $secs, user + system CPU seconds
# into $cpu (steadier than wall time when others share the machine),
# peak RSS in KiB into $rss.
measure() {
	t0=$(date +%s%N)
	/usr/bin/time -v -o time.out "$@" >out.txt 2>err.txt ||
	    { echo "bench: failed: $*" >&2; cat err.txt >&2; exit 1; }
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.out)
	cpu=$(awk '/User time|System time/ { t += $NF } END { printf "%.2f", t }' \
	    time.out)
}
# row NAME COUNT TARGET: one line of the table.  TARGET is "xR" (a ratio
# to the reference), "sS" (seconds) or "-"; RSS is always held to 64 MiB
# for imports (names starting with convo-import).
row() {
	awk -v name="$1" -v s="$secs" -v rss="$rss" -v n="$2" -v ref="$ref" \
	    -v target="$3" -v cpu="$cpu" -v refcpu="$refcpu" 'BEGIN {
		x = s / ref; met = "-"
		xc = cpu / (refcpu > 0 ? refcpu : 0.01)
		if (target ~ /^x/) { t = substr(target, 2) + 0; met = x <= t ? "yes" : "NO"
			target = sprintf("<= %.2fx", t) }
		else if (target ~ /^s/) { t = substr(target, 2) + 0; met = s < t ? "yes" : "NO"
			target = sprintf("< %g s", t) }
		if (name ~ /^convo-import/ && rss / 1024 >= 64) met = "NO (RSS)"
		rate = "-"
		if (n > 0) rate = sprintf("%.0f", n / (s > 0 ? s : 0.001))
		printf "%-36s %8.3f %10s %8.1f %7.2f %7.2f %7.2f  %-10s %s\n",
		    name, s, rate, rss / 1024, x, cpu, xc, target, met }'
}

ref=1
refcpu=1
measure sqlite3 ref.db ".import --csv $data/gen.csv m"
ref=$secs
refcpu=$cpu
echo "N = $n conversations, $msgs messages; $(nproc) cores;" \
    "$(sqlite3 --version | cut -d' ' -f1) reference"
printf '%-36s %8s %10s %8s %7s %7s %7s  %-10s %s\n' run seconds msgs/s \
    "RSS MiB" "x ref" "cpu s" "cpu x" target met
row "sqlite3 .import CSV (reference)" "$msgs" -
measure python3 "$top/tests/bench_import.py" "$data/gen.jsonl" py.db
row "python3 json + sqlite3" "$msgs" -
measure "$cmd/convo-import" -q -d json.db "$data/gen.jsonl"
row "convo-import JSON documents" "$msgs" x1.0
measure "$cmd/convo-import" -q -d events.db "$data/gen-events.jsonl"
row "convo-import event stream" "$msgs" x1.5
measure "$cmd/convo-import" -q -d csv.db "$data/gen.csv"
row "convo-import CSV" "$msgs" x1.5
measure "$cmd/convo-import" -q -d json.db "$data/gen.jsonl"
row "convo-import JSON again (no change)" "$msgs" -

stats_target=s0.25
[ "$n" -gt 100000 ] && stats_target=s2
measure "$cmd/convo-stats" -d json.db --all --json --now "$now" --period 7d
row "convo-stats --all --json, 7 days" 0 "$stats_target"
measure "$cmd/convo-stats" -d json.db --all --json --now "$now" --period all
row "convo-stats --all --json, all" 0 "$stats_target"

if [ -x "$cmd/convo-transcript" ]; then
	id=$(sqlite3 json.db "SELECT ext_id FROM conversation
	    ORDER BY n_user + n_assistant DESC LIMIT 1")
	measure "$cmd/convo-transcript" -d json.db "$id"
	row "convo-transcript, longest conv" 0 s0.01
else
	echo "(convo-transcript not built: skipped)"
fi

# All the generated weeks' active conversations (a fifth) ended at once,
# as a first run catches up; then as cron runs it: an hour's worth, and
# nothing.
cp json.db stale.db
stale=$(sqlite3 stale.db "SELECT count(*) FROM conversation
    WHERE status = 'active'")
measure "$cmd/convo-end-stale" -q -d stale.db --now 2026-11-09T00:00:00Z
row "convo-end-stale, catch up ($stale)" 0 s1
cp json.db stale.db
"$cmd/convo-end-stale" -q -d stale.db --now 2026-11-01T00:00:00Z
stale=$(sqlite3 stale.db "SELECT count(*) FROM conversation
    WHERE status = 'active' AND last_activity_at < 1793408400000")
measure "$cmd/convo-end-stale" -q -d stale.db --now 2026-11-01T01:00:00Z
row "convo-end-stale, an hour later ($stale)" 0 s1
measure "$cmd/convo-end-stale" -q -d stale.db --now 2026-11-01T01:00:00Z
row "convo-end-stale again, none stale" 0 s1
