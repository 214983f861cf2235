#!/bin/sh
# capture.sh regenerates the captures under this directory (README.md says
# what each one holds). Run it as root from the repository root, with
# tcpdump, dumpcap (Wireshark) and curl installed:
#
#	sudo sh internal/importer/pcap/testdata/capture.sh
#
# Every address used is on 127.90.0.0/16: nothing leaves loopback.
set -eu

out=internal/importer/pcap/testdata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
filter='net 127.90.0.0/16'
ua='Mozilla/5.0 (Linux; Android 10; ELE-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36'

go build -o "$tmp/covered" ./cmd/covered
go build -o "$tmp/gen" ./$out/gen

# The lab: six devices at 127.90.0.1-6, five covered and an Axis camera.
"$tmp/covered" lab --base 127.90.0.1 \
	--device hikvision-ipc --device huawei-home-gateway --device huawei-echolife-ont \
	--device zte-f660-ont --device dahua-ipc --device axis-camera \
	--truth "$out/truth.jsonl" >"$tmp/lab.log" 2>&1 &
lab=$!
sleep 2

# lab.pcap (tcpdump, Ethernet on lo) and lab.pcapng (dumpcap) record the
# same session.
tcpdump -Z root -i lo -s 0 -U -w "$out/lab.pcap" "$filter" 2>"$tmp/tcpdump.log" &
td=$!
dumpcap -q -i lo -s 0 -f "$filter" -w "$tmp/lab.pcapng" 2>"$tmp/dumpcap.log" &
dc=$!
sleep 2
"$tmp/covered" scan --no-store -q --format jsonl -o "$tmp/scan.jsonl" 127.90.0.1-6
# A Huawei phone browsing the home gateway, then checking connectivity
# over TLS 1.2 (whose Certificate message is in clear) against the
# Hikvision camera's HTTPS port.
curl -s -o /dev/null --interface 127.90.0.50 -A "$ua" -H 'Sec-CH-UA-Model: "ELE-L29"' http://127.90.0.5/ || true
curl -s -o /dev/null --interface 127.90.0.50 -k --tlsv1.2 --tls-max 1.2 -A "$ua" \
	--resolve connectivitycheck.platform.hicloud.com:443:127.90.0.3 \
	https://connectivitycheck.platform.hicloud.com/generate_204 || true
"$tmp/gen" send
sleep 2
kill -INT "$td" "$dc"
wait "$td" "$dc" || true
kill -INT "$lab"
wait "$lab" || true
cp "$tmp/lab.pcapng" "$out/lab.pcapng"

# Linux cooked captures on "any" of the generated exchanges alone: SLL2
# with nanosecond times (tcpdump), SLL (dumpcap).
tcpdump -Z root -i any -y LINUX_SLL2 --time-stamp-precision=nano -s 0 -U -w "$out/any-sll2.pcap" "$filter" 2>>"$tmp/tcpdump.log" &
td=$!
sleep 2
"$tmp/gen" send
sleep 2
kill -INT "$td"
wait "$td" || true
dumpcap -q -i any -y LINUX_SLL -s 0 -f "$filter" -w "$tmp/any-sll.pcapng" 2>>"$tmp/dumpcap.log" &
dc=$!
sleep 2
"$tmp/gen" send
sleep 2
kill -INT "$dc"
wait "$dc" || true
cp "$tmp/any-sll.pcapng" "$out/any-sll.pcapng"

# Frames loopback cannot carry.
"$tmp/gen" synth "$out/synthetic.pcapng"
chmod 644 "$out"/*.pcap "$out"/*.pcapng "$out/truth.jsonl"
