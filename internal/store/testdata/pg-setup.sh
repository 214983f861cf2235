#!/usr/bin/env bash
# Prepares a local PostgreSQL for the internal/store tests and prints the DSN
# to use as COVERED_TEST_POSTGRES. Idempotent: installs the Debian package
# when missing, creates and starts the cluster when needed, creates the role
# and the database when missing. Run as root or as a user with sudo.
#
#   export COVERED_TEST_POSTGRES="$(internal/store/testdata/pg-setup.sh)"
#
# Progress goes to stderr; stdout is only the DSN. Override the names with
# COVERED_PG_ROLE, COVERED_PG_PASSWORD and COVERED_PG_DB.
set -euo pipefail

role="${COVERED_PG_ROLE:-covered}"
password="${COVERED_PG_PASSWORD:-covered}"
db="${COVERED_PG_DB:-covered_test}"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
log() { echo "pg-setup: $*" >&2; }
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
fi
version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"

cluster() { pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $'"$1"'}'; }
if [ -z "$(cluster 1)" ]; then
  log "creating cluster $version/main"
  $sudo pg_createcluster "$version" main >&2
fi
if [ "$(cluster 4)" != "online" ]; then
  log "starting cluster $version/main"
  $sudo pg_ctlcluster "$version" main start >&2
fi
port="$(cluster 3)"
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "cluster $version/main does not answer on port $port"; exit 1; }

sql() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtAc "$1"; }
if [ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
  log "creating role $role"
  sql "CREATE ROLE \"$role\" LOGIN PASSWORD '$password' SUPERUSER" >&2
fi
if [ "$(sql "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
  log "creating database $db"
  as_postgres createdb -p "$port" -O "$role" "$db" >&2
fi
echo "postgres://$role:$password@127.0.0.1:$port/$db?sslmode=disable"
