#!/usr/bin/env bash
# System packages the benchmark's venvs need to build mysqlclient (MySQLdb, the C MySQL driver
# every contestant uses on MySQL/MariaDB): its C headers, pkg-config and a compiler.
# Idempotent: nothing is installed when all of them are present; apt-get update runs at most once.
set -u
PACKAGES="default-libmysqlclient-dev pkg-config gcc"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-deps: no apt-get; install$missing by hand (the bench falls back to PyMySQL)"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
echo "install-bench-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $missing >/dev/null 2>&1 \
  || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $missing >/dev/null; } \
  || echo "install-bench-deps: could not install$missing (the bench falls back to PyMySQL)"
exit 0
