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
start=$(date +%s.%N)
GOMAXPROCS=1 /usr/bin/time -f "%e s elapsed, %M KB peak RSS" -o "$tmp/time" \
  "${pin[@]}" "$tmp/covered" identify -q --format jsonl "$tmp/obs.jsonl" > "$tmp/out.jsonl"
end=$(date +%s.%N)
cat "$tmp/time"
hosts=$(wc -l < "$tmp/out.jsonl")
awk -v n="$N" -v s="$start" -v e="$end" -v h="$hosts" \
  'BEGIN { printf "identified %d hosts; %.0f observations/s on one core\n", h, n / (e - s) }'
grep -o '"status":"[a-z_]*"' "$tmp/out.jsonl" | sort | uniq -c
