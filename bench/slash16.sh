#!/usr/bin/env bash
# Scale: a /16 on loopback where nothing listens (every connect is answered
# with a reset), ports 22,23,80,443,554, --rate 10000. Prints time, peak RSS
# and the observed rates.
#
#   bench/slash16.sh [PREFIX]     # default 127.77.0.0/16
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-127.77.0.0/16}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
go build -o "$tmp/covered" ./cmd/covered
echo "scanning $prefix, ports 22,23,80,443,554, --rate 10000, --host-rate 40"
/usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak RSS" \
  "$tmp/covered" scan --format jsonl -o "$tmp/out.jsonl" --no-neighbor -p 22,23,80,443,554 --rate 10000 --workers 1024 "$prefix" 2>&1 | tail -3
echo "hosts with evidence: $(wc -l < "$tmp/out.jsonl")"
