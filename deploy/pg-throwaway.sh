# shellcheck shell=bash
# A private PostgreSQL for tests: `. deploy/pg-throwaway.sh; pg_install; pg_start DB`
# starts a cluster in a temp folder on 127.0.0.1:<free port>, exports DATABASE_URL,
# and stops and deletes it when the shell exits.

pg_install() {  # as root; nothing to do when a server is already installed
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends postgresql-common >/dev/null
  # Debian's postinst would otherwise create and start its own main cluster.
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  apt-get install -y -q --no-install-recommends postgresql >/dev/null
}

PG_DIR=""          # globals: the EXIT trap reads them under `set -u`
PG_BIN=""
PG_USER="${PG_USER:-postgres}"

_pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

pg_start() {
  local db="${1:-sanshe_test}" port attempt
  PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
  if [ "$(id -u)" = 0 ] && ! id -u "$PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
  PG_DIR=$(mktemp -d /tmp/sanshe-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown "$PG_USER": "$PG_DIR"
  trap pg_stop EXIT
  _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  for attempt in 1 2 3 4 5; do  # the free port can be taken between probe and bind
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
        -o "-h 127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || { cat "$PG_DIR/server.log" >&2; return 1; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/$db"
  echo "throwaway PostgreSQL: $DATABASE_URL" >&2
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
}
