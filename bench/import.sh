#!/usr/bin/env bash
# Times `covered import` on large synthetic logs (bench/genlogs): a web proxy
# log (Apache/Nginx combined, about 10,000 distinct User-Agents from 20,000
# clients) and a DHCP server log (dnsmasq with log-dhcp, 50,000 clients),
# each SIZE bytes (default 1G). One core (GOMAXPROCS=1, pinned when taskset
# exists), parse and identify with --no-store, then the same into a fresh
# SQLite store. Reports MB/s of input per second of wall and CPU time and
# peak RSS from GNU time.
#
#   bench/import.sh                   # 1 GiB each
#   SIZE=200M RUNS=1 bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1G}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v /usr/bin/time >/dev/null || { echo "bench: installing GNU time"; apt-get install -y -qq time >/dev/null; }
go build -o "$tmp/covered" ./cmd/covered
go run ./bench/genlogs -kind combined -size "$SIZE" -clients 20000 -uas 10000 > "$tmp/access.log"
go run ./bench/genlogs -kind dnsmasq -size "$SIZE" -clients 50000 > "$tmp/dhcp.log"

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
measure() { # label, then the command's arguments
  local label=$1 file=${@: -1}
  shift
  GOMAXPROCS=1 /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "${pin[@]}" "$tmp/covered" "$@" > "$tmp/out" 2> "$tmp/err" ||
    { cat "$tmp/err"; return 1; }
  read -r wall user sys rss < "$tmp/time"
  local bytes summary
  bytes=$(stat -c %s "$file")
  summary=$(grep -o 'imported .*' "$tmp/err" || true)
  awk -v l="$label" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v sum="$summary" 'BEGIN {
    printf "%-26s %6.0f MB in %6.2f s wall, %6.2f s CPU: %6.1f MB/s wall, %6.1f MB/s CPU, peak RSS %5.1f MB\n    %s\n",
      l, b / 1e6, w, u + s, b / 1e6 / w, b / 1e6 / (u + s), r / 1024, sum }'
}
for run in $(seq "${RUNS:-2}"); do
  echo "run $run"
  measure "proxy log, --no-store" import --no-store --format jsonl "$tmp/access.log"
  measure "dhcp log, --no-store" import --no-store --format jsonl "$tmp/dhcp.log"
  rm -f "$tmp"/store.db*
  measure "proxy log, store" import --db "$tmp/store.db" --format jsonl "$tmp/access.log"
  rm -f "$tmp"/store.db*
  measure "dhcp log, store" import --db "$tmp/store.db" --format jsonl "$tmp/dhcp.log"
done
