#!/usr/bin/env bash
# What `npm test` needs besides npm, on Debian or Ubuntu: PostgreSQL on 127.0.0.1:5432 with
# trust auth for 127.0.0.1 and a database `test`, Redis on 127.0.0.1:6379, and the Prometheus
# tools (prometheus, promtool, prometheus-alertmanager, amtool, the blackbox, postgres and redis exporters).
# Installs only what is missing, starts Postgres and Redis when they do not answer, creates the
# database, then checks everything. Safe to run again. Needs root (or sudo) for apt-get.
#
#   scripts/install-test-deps.sh            # install, start, check
#   scripts/install-test-deps.sh --check    # only check; exit 1 naming what is missing
set -euo pipefail

CHECK_ONLY=false
[ "${1:-}" = "--check" ] && CHECK_ONLY=true

SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi

PACKAGES=(postgresql postgresql-client redis-server redis-tools prometheus prometheus-alertmanager
  prometheus-blackbox-exporter prometheus-postgres-exporter prometheus-redis-exporter)
COMMANDS=(psql pg_isready redis-server redis-cli prometheus promtool prometheus-alertmanager amtool
  prometheus-blackbox-exporter prometheus-postgres-exporter prometheus-redis-exporter)

missing_commands() {
  local missing=()
  for command in "${COMMANDS[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  echo "${missing[*]}"
}

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -t 2 >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
test_db_ok() { psql -h 127.0.0.1 -p 5432 -U postgres -d test -w -tAc 'select 1' >/dev/null 2>&1; }

if ! $CHECK_ONLY; then
  if [ -n "$(missing_commands)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  fi
  if ! pg_up; then
    if command -v pg_ctlcluster >/dev/null; then
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    else
      $SUDO service postgresql start
    fi
  fi
  if ! redis_up; then
    # A private, memory-only instance on loopback; stop it with `redis-cli -p 6379 shutdown nosave`.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no \
      --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/prs-test-redis.log"
  fi
  for _ in $(seq 1 30); do
    pg_up && redis_up && break
    sleep 1
  done
  if pg_up && ! psql -h 127.0.0.1 -U postgres -w -d postgres -tAc "select 1 from pg_database where datname = 'test'" 2>/dev/null | grep -q 1; then
    # Over the local socket as the postgres OS user, which Debian's peer auth lets in.
    if [ -z "$SUDO" ]; then runuser -u postgres -- createdb test; else sudo -u postgres createdb test; fi
  fi
fi

problems=()
[ -z "$(missing_commands)" ] || problems+=("commands missing: $(missing_commands) (apt-get install ${PACKAGES[*]})")
pg_up || problems+=('PostgreSQL does not answer on 127.0.0.1:5432')
redis_up || problems+=('Redis does not answer on 127.0.0.1:6379')
if pg_up && ! test_db_ok; then
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | sort -V | tail -1)
  problems+=("psql -h 127.0.0.1 -U postgres -d test fails without a password: create the database \`test\` and
    give 127.0.0.1 trust auth (a test machine only): the line 'host all all 127.0.0.1/32 trust'
    first in ${hba:-pg_hba.conf}, then reload Postgres")
fi
if [ ${#problems[@]} -gt 0 ]; then
  printf 'install-test-deps: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "install-test-deps: PostgreSQL (database test), Redis and $(promtool --version 2>&1 | head -1) are ready"
