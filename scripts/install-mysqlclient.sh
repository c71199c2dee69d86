#!/usr/bin/env bash
# mysqlclient (MySQLdb, the C MySQL driver) in the test venv, for the tests that run MySQL/MariaDB
# through both drivers (the suite's default stays PyMySQL, the `mysql` extra). Building it needs
# the C headers install-bench-deps.sh installs. Under CI=true a failed build is an error, since
# those tests would be skipped; elsewhere they are skipped with a warning.
set -u
PY="${1:?usage: install-mysqlclient.sh VENV_PYTHON}"
"$PY" -c "import MySQLdb" 2>/dev/null && exit 0
bash "$(dirname "$0")/install-bench-deps.sh"
"$PY" -m pip install -q mysqlclient 2>&1 | grep -v "^WARNING: Location" || true
if ! "$PY" -c "import MySQLdb" 2>/dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "install-mysqlclient: mysqlclient could not be built; its tests would be skipped" >&2
    exit 1
  fi
  echo "install-mysqlclient: mysqlclient could not be built; the tests through it are skipped"
fi
exit 0
