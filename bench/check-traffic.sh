#!/usr/bin/env bash
# What the security checks send, measured on the wire: records all loopback
# traffic to a device lab (one device per profile below) while covered scans
# it three ways, and compares the check runs with the scan alone:
#
#   baseline  covered scan --checks passive   (twice; per-device maximum)
#   safe      covered check --profile safe
#   auth      covered check --profile auth --i-am-authorized
#
# covered check scans with the same default port profile as covered scan, so
# what a check run sends beyond the baseline is what its checks sent.
# bench/checktraffic reads the captures (tcpdump pcap) and prints, per device
# (labelled with its lab profile): extra TCP connections (client SYNs), extra
# UDP datagrams, the HTTP/RTSP request lines not in the baseline, and the
# Authorization headers seen (scheme only, never the credentials); then it
# asserts them against the checks' declared side effects and request budgets
# (the built-in check set, internal/check) and prints PASS/FAIL lines. Exits
# 1 when an assertion fails.
#
#   bench/check-traffic.sh
#   KEEP=/tmp/ct bench/check-traffic.sh     # keep the captures, findings and JSON there
#
# Needs root for tcpdump (installed from Debian when missing). Only loopback
# is touched: the lab listens on 127.98.0.1 and up, the capture filter is
# net 127.98.0.0/24 on lo.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-127.98.0.1}
PROFILES=(hikvision-ipc-v540 hikvision-ipc-v550 hikvision-ipc-2021fix hikvision-ipc-g3-v55160 hikvision-ipc-v5441 hikvision-ipc
  zte-f660-webshell zte-f660-ont huawei-home-gateway xiongmai-dvr dahua-ipc dahua-ipc-2019 dahua-ipc-2020 dahua-ipc-2021fix
  zte-zxr10-1800-v30030 zte-zxr10-1800-v30040 dahua-ipc-rtsp-default dahua-ipc-rtsp-changed
  hikvision-ipc-legacy-2014 hikvision-ipc-legacy-changed)
tmp=$(mktemp -d)
labpid= dumppid=
cleanup() {
  [ -n "$dumppid" ] && kill -INT "$dumppid" 2>/dev/null
  [ -n "$labpid" ] && kill "$labpid" 2>/dev/null
  wait 2>/dev/null
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$tmp"/. "$KEEP"/ && rm -f "$KEEP/covered" "$KEEP/checktraffic"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "bench: tcpdump needs root" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "bench: installing tcpdump"; apt-get install -y -qq tcpdump >/dev/null; }
go build -o "$tmp/covered" ./cmd/covered
go build -o "$tmp/checktraffic" ./bench/checktraffic
covered() { "$tmp/covered" --db "$tmp/x.db" "$@"; }

devs=()
for p in "${PROFILES[@]}"; do devs+=(--device "$p"); done
"$tmp/covered" --db "$tmp/x.db" lab --base "$BASE" "${devs[@]}" --truth "$tmp/truth.jsonl" > "$tmp/lab.out" 2>&1 &
labpid=$!
for _ in $(seq 100); do grep -q "scan with" "$tmp/lab.out" 2>/dev/null && break; sleep 0.2; done
grep -q "scan with" "$tmp/lab.out" || { cat "$tmp/lab.out"; exit 1; }
read -r -a targets <<< "$(grep "scan with" "$tmp/lab.out" | sed 's/.*covered scan //')"
echo "lab: $(wc -l < "$tmp/truth.jsonl") devices at ${targets[*]}; $(tcpdump --version 2>&1 | head -1)"

# capture NAME CMD...: runs CMD while tcpdump records net 127.98.0.0/24 on lo.
capture() {
  local name=$1; shift
  tcpdump -i lo -U -w "$tmp/$name.pcap" 'net 127.98.0.0/24' 2> "$tmp/$name.tcpdump" &
  dumppid=$!
  for _ in $(seq 50); do grep -q "listening on" "$tmp/$name.tcpdump" && break; sleep 0.1; done
  sleep 1
  local start rc=0
  start=$EPOCHREALTIME
  "$@" || rc=$?
  sleep 1 # let the last FIN/ACKs in
  kill -INT "$dumppid"; wait "$dumppid" || true; dumppid=
  printf '%-6s %5.1f s, exit %d, %s\n' "$name" "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a - 1 }')" "$rc" \
    "$(grep -E "packets (captured|dropped by kernel)" "$tmp/$name.tcpdump" | tr '\n' ' ')"
  [ "$rc" = 0 ] || { echo "bench: $name failed" >&2; exit 1; }
}

capture base1 covered scan --no-store --checks passive --checks-output "$tmp/passive.jsonl" -o "$tmp/scan1.jsonl" -q "${targets[@]}"
capture base2 covered scan --no-store --checks passive --checks-output "$tmp/passive2.jsonl" -o "$tmp/scan2.jsonl" -q "${targets[@]}"
capture safe covered check --no-store --profile safe --format jsonl -o "$tmp/safe.jsonl" -q "${targets[@]}"
capture auth covered check --no-store --profile auth --i-am-authorized --format jsonl -o "$tmp/auth.jsonl" -q "${targets[@]}"

status=0
"$tmp/checktraffic" -truth "$tmp/truth.jsonl" -pcap "$tmp/base1.pcap" -pcap "$tmp/base2.pcap" -findings "$tmp/passive.jsonl" -json "$tmp/traffic.jsonl" || status=1
for run in safe auth; do
  "$tmp/checktraffic" -truth "$tmp/truth.jsonl" -base "$tmp/base1.pcap" -base "$tmp/base2.pcap" -run "$tmp/$run.pcap" \
    -findings "$tmp/$run.jsonl" -profile "$run" -json "$tmp/traffic.jsonl" || status=1
done
[ "$status" = 0 ] && echo "ALL PASS" || echo "SOME CHECKS FAILED"
exit "$status"
