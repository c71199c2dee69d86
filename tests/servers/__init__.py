"""Throw-away database servers on free localhost ports, started and stopped by test fixtures:
PgBouncer (pgbouncer.py), a PostgreSQL primary with a streaming replica (pgcluster.py) and a
three-node MariaDB Galera cluster (galera.py). Every process started here is stopped by the
object that started it, also when a test fails."""
