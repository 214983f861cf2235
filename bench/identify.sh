#!/usr/bin/env bash
# Times `covered identify` on synthetic observations (bench/genobs): N
# observations over H hosts, keys mixed as in the shared real-device corpus.
# Reports observations per second on one core (GOMAXPROCS=1, pinned to CPU 0
# when taskset exists) and peak RSS from GNU time.
#
#   bench/identify.sh                 # 1,000,000 observations, 200,000 hosts
#   N=100000 H=20000 bench/identify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
H=${H:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v /usr/bin/time >/dev/null || { echo "bench: installing GNU time"; apt-get install -y -qq time >/dev/null; }
go build -o "$tmp/covered" ./cmd/covered
go run ./bench/genobs -n "$N" -hosts "$H" > "$tmp/obs.jsonl"
echo "input: $N observations, $H hosts, $(du -h "$tmp/obs.jsonl" | cut -f1)"

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
# CPU time (user+sys) is the one-core figure on a busy machine; wall time is
# shown too. Both include start-up (loading rules and tables, ~0.6 s). The
# machine's noise is large, so the run is repeated (RUNS, default 3) and
# every run is printed.
for run in $(seq "${RUNS:-3}"); do
  GOMAXPROCS=1 /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" \
    "${pin[@]}" "$tmp/covered" identify -q --format jsonl "$tmp/obs.jsonl" > "$tmp/out.jsonl"
  hosts=$(wc -l < "$tmp/out.jsonl")
  read -r wall user sys rss < "$tmp/time"
  awk -v run="$run" -v n="$N" -v h="$hosts" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
    printf "run %d: %d hosts, %.2f s wall, %.2f s CPU, peak RSS %.1f MB: %.0f observations/s per core (CPU time), %.0f/s wall\n",
      run, h, w, u + s, r / 1024, n / (u + s), n / w }'
done
grep -o '"status":"[a-z_]*"' "$tmp/out.jsonl" | sort | uniq -c
