#!/usr/bin/env bash
# Runs every check and test of the project. Installs what the tests need
# first when it is missing (Debian packages, as root or with sudo).
# Usage: ./test.sh            all checks and tests
#        ./test.sh -short     skip the slow tests
set -euo pipefail
cd "$(dirname "$0")"

sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
need_pkgs=()
# The network-namespace tests (lab netns mode, --broadcast) need ip(8).
command -v ip >/dev/null || need_pkgs+=(iproute2)
# The dashboard's end-to-end test drives Debian's headless Chromium.
[ -x /usr/lib/chromium/chromium-headless-shell ] || need_pkgs+=(chromium-headless-shell)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}"
fi
# The device lab binds ports below 1024 on loopback addresses. As root that
# just works; otherwise let unprivileged processes bind them (loopback only
# matters here, but the setting is system-wide: say so).
if [ "$(id -u)" -ne 0 ] && [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 0)" -gt 21 ]; then
  echo "test.sh: allowing unprivileged binds of ports >= 21 (sysctl net.ipv4.ip_unprivileged_port_start=21) for the device lab"
  $sudo sysctl -q -w net.ipv4.ip_unprivileged_port_start=21
fi

# The store tests run against PostgreSQL too: install, start and prepare a
# local server (loopback only) unless COVERED_TEST_POSTGRES already names one.
# Under CI (CI=true) a missing PostgreSQL fails the store tests; it never
# skips them.
if [ -z "${COVERED_TEST_POSTGRES:-}" ]; then
  echo "== postgresql (internal/store/testdata/pg-setup.sh)"
  if dsn="$(internal/store/testdata/pg-setup.sh)"; then
    export COVERED_TEST_POSTGRES="$dsn"
  else
    echo "test.sh: could not prepare PostgreSQL; its store tests will fail under CI=true and be skipped otherwise"
  fi
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go tool staticcheck ./...

echo "== go test"
go test "$@" ./...

echo "== covered rules test (the built binary checks its own rules)"
go build -o "${TMPDIR:-/tmp}/covered-test-bin" ./cmd/covered
"${TMPDIR:-/tmp}/covered-test-bin" rules test
echo "all checks passed"
