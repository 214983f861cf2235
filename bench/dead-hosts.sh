#!/usr/bin/env bash
# Times a scan of a /24 where nothing answers at all, with default timeouts.
# It builds its own network namespaces (root only): the scanner sits in one,
# on a veth link whose other end, in a second namespace, has no address, so
# ARP for every target goes unanswered and every probe times out. Nothing
# leaves the two namespaces.
#
#   bench/dead-hosts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "dead-hosts: needs root (network namespaces)"; exit 1; }
ns=covdead$$
tmp=$(mktemp -d)
cleanup() { ip netns del "${ns}a" 2>/dev/null || true; ip netns del "${ns}b" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null

go build -o "$tmp/covered" ./cmd/covered
ip netns add "${ns}a"
ip netns add "${ns}b"
ip link add "${ns}x" type veth peer name "${ns}y"
ip link set "${ns}x" netns "${ns}a"
ip link set "${ns}y" netns "${ns}b"
ip -n "${ns}a" addr add 10.99.0.1/24 dev "${ns}x"
ip -n "${ns}a" link set "${ns}x" up
ip -n "${ns}a" link set lo up
ip -n "${ns}b" link set "${ns}y" up

echo "scanning 10.99.0.0/24 (254 dead hosts, 10.99.0.1 is the scanner itself, excluded) with the default profile and timeouts"
ip netns exec "${ns}a" /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak RSS" \
  "$tmp/covered" scan --format jsonl -o "$tmp/out.jsonl" --exclude 10.99.0.1 10.99.0.0/24 2>&1 | tail -3
echo "identified hosts: $(wc -l < "$tmp/out.jsonl")"
