#!/usr/bin/env bash
# Install the servers the scale-out tests start themselves (tests/servers/): PgBouncer, and for the
# Galera cluster MariaDB with galera-4 and rsync (its state transfer). Only what is missing; one
# apt-get update. Without root or apt-get nothing is installed and the tests say so (they skip
# loudly, or fail under CI=true).
set -u
missing=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -f /usr/lib/galera/libgalera_smm.so ] || missing+=(galera-4)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install ${missing[*]} (needs root and apt-get)"
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null
status=$?
# The packages may start their own services: the tests start servers of their own instead.
for service in pgbouncer; do
  command -v service >/dev/null 2>&1 && service "$service" stop >/dev/null 2>&1 || true
done
if [ $status -ne 0 ] && [ "${CI:-}" = "true" ]; then exit 1; fi
exit 0
