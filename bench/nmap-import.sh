#!/usr/bin/env bash
# End-to-end check of the nmap importer: scans the device lab with
# `nmap -sV -oX`, imports that file with `covered import`, and scores the
# imported identifications against the lab's ground truth (bench/scorescan),
# next to what nmap's own output names. Prints the evidence of the first
# covered device found, to show that it is nmap's.
#
#   bench/nmap-import.sh              # 60 lab devices
#   COUNT=200 bench/nmap-import.sh
#
# Needs root for nmap -sS and the lab's ports below 1024. Installs nmap from
# Debian when missing. Only loopback is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-60}
BASE=${BASE:-127.41.0.1}
tmp=$(mktemp -d)
cleanup() { [ -n "${labpid:-}" ] && kill "$labpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

command -v nmap >/dev/null || { echo "bench: installing nmap"; apt-get install -y -qq nmap >/dev/null; }
go build -o "$tmp/covered" ./cmd/covered
go build -o "$tmp/scorescan" ./bench/scorescan

"$tmp/covered" lab --base "$BASE" --count "$COUNT" --weighted --truth "$tmp/truth.jsonl" > "$tmp/lab.out" 2>&1 &
labpid=$!
for _ in $(seq 100); do grep -q "scan with" "$tmp/lab.out" 2>/dev/null && break; sleep 0.2; done
grep "scan with" "$tmp/lab.out" | sed 's/.*covered scan //' | tr ' ' '\n' > "$tmp/targets.txt"
ports="T:$(go run ./bench/profileports default)"
echo "lab: $(wc -l < "$tmp/truth.jsonl") devices; $(nmap --version | head -1)"

start=$(date +%s)
nmap -sV -sS -n -Pn -T4 -p "$ports" -iL "$tmp/targets.txt" -oX "$tmp/nmap.xml" >/dev/null 2>"$tmp/nmap.err" || { cat "$tmp/nmap.err"; exit 1; }
echo "nmap -sV -sS -n -Pn -T4 (TCP ports of the default profile): $(( $(date +%s) - start )) s, $(stat -c %s "$tmp/nmap.xml") bytes of XML"

/usr/bin/time -f "covered import: %e s wall, %M KB peak RSS" \
  "$tmp/covered" import --no-store --format jsonl -o "$tmp/imported.jsonl" "$tmp/nmap.xml" 2>&1 | grep -v "^$" | tail -3
"$tmp/scorescan" -truth "$tmp/truth.jsonl" -covered "$tmp/imported.jsonl" -nmap "$tmp/nmap.xml"

echo "== evidence of the first covered device"
grep -m1 '"status":"covered"' "$tmp/imported.jsonl" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["host"], d["status"], d["covered_entity"], d["manufacturer"], d["model"], d["firmware"], "confidence", d["confidence"])
for e in d["evidence"]:
    print("  %-14s %-28s %s" % (e["key"], e["rule"], e["value"][:100].replace("\n", " ")))
print(" ", d["rationale"])'
