#!/usr/bin/env bash
# Scans the same lab devices with covered and with nmap -sV, in the same run,
# on the same addresses and the same TCP and UDP ports, and scores both
# against the lab's ground truth (bench/scorescan).
#
#   bench/scan-vs-nmap.sh            # 1,000 lab devices
#   COUNT=100 bench/scan-vs-nmap.sh  # smaller
#
# Needs root (the lab binds ports below 1024; nmap's UDP scan needs raw
# sockets). Installs nmap from Debian when missing. Only loopback is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000}
BASE=${BASE:-127.40.0.1}
tmp=$(mktemp -d)
cleanup() { [ -n "${labpid:-}" ] && kill "$labpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

command -v nmap >/dev/null || { echo "bench: installing nmap"; apt-get install -y -qq nmap >/dev/null; }
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
go build -o "$tmp/covered" ./cmd/covered
go build -o "$tmp/scorescan" ./bench/scorescan

"$tmp/covered" lab --base "$BASE" --count "$COUNT" --weighted --truth "$tmp/truth.jsonl" > "$tmp/lab.out" 2>&1 &
labpid=$!
for _ in $(seq 100); do grep -q "scan with" "$tmp/lab.out" 2>/dev/null && break; sleep 0.2; done
grep "scan with" "$tmp/lab.out" | sed 's/.*covered scan //' | tr ' ' '\n' > "$tmp/targets.txt"
ports="T:$(go run ./bench/profileports default)"
echo "lab: $(wc -l < "$tmp/truth.jsonl") devices; targets: $(tr '\n' ' ' < "$tmp/targets.txt")"
echo "ports: $ports"
echo "machine: $(nproc) cores, $(uname -r), $(nmap --version | head -1)"

echo "== covered scan"
/usr/bin/time -f "covered: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
  "$tmp/covered" scan -q --format jsonl --snmp-community public --no-neighbor -p "$ports" -iL "$tmp/targets.txt" \
  -o "$tmp/covered.jsonl" 2>&1 | tail -1

echo "== nmap -sV -n -Pn -T4 (TCP connect-less SYN + UDP, same ports)"
/usr/bin/time -f "nmap: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
  nmap -sV -sS -sU -n -Pn -T4 -p "$ports" -iL "$tmp/targets.txt" -oX "$tmp/nmap.xml" >/dev/null 2>"$tmp/nmap.err" || true
tail -1 "$tmp/nmap.err"

"$tmp/scorescan" -truth "$tmp/truth.jsonl" -covered "$tmp/covered.jsonl" -nmap "$tmp/nmap.xml"
