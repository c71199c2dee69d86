#!/usr/bin/env bash
# Start a local PostgreSQL or MariaDB server that is installed but stopped, then wait for it.
# Nothing is started when a server already answers; nothing fails here: the tests decide.
set -u
PG_HOST=${PONY_PG_HOST:-127.0.0.1}
PG_PORT=${PONY_PG_PORT:-5432}
MYSQL_HOST=${PONY_MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${PONY_MYSQL_PORT:-3306}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() {
  for _ in $(seq 1 60); do port_open "$1" "$2" && return 0; sleep 0.5; done
  return 1
}

if ! port_open "$PG_HOST" "$PG_PORT" && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  wait_for "$PG_HOST" "$PG_PORT" || echo "PostgreSQL did not come up on $PG_HOST:$PG_PORT"
fi

if ! port_open "$MYSQL_HOST" "$MYSQL_PORT" && [ -x /usr/sbin/mariadbd ]; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for "$MYSQL_HOST" "$MYSQL_PORT" || echo "MariaDB did not come up on $MYSQL_HOST:$MYSQL_PORT"
fi
exit 0
