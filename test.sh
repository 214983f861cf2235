#!/usr/bin/env bash
# Runs every check and test of the project. Installs what the tests need
# first when it is missing (Debian packages, as root or with sudo).
# Usage: ./test.sh            all checks and tests
#        ./test.sh -short     skip the slow tests
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs=()
# Future suites (scanner benchmarks, PostgreSQL, Chromium) add their packages here.
if [ ${#need_pkgs[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need_pkgs[@]}"
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
