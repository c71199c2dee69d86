# `make demo` and `make test` set everything up on a fresh machine with Python >= 3.11, pip and make.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV ?= .venv
BIN = $(VENV)/bin
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: demo test test-pgbouncer test-cluster docs lint oracle bench soak clean parity-record mutate

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev,postgres,mysql]'
	touch $@

# The demo needs nothing but the package (SQLite is in the standard library): a venv of its own, no extras.
DEMO_VENV ?= .venv-demo
$(DEMO_VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install -q --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install -q -e .
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python -m pony.orm.examples.demo

# The whole suite on every backend, then the SQLite and no-database tests under each other CPython >= 3.11
# found on the machine (scripts/test-other-pythons.sh; OTHER_PYTHONS=none skips them).
test: $(BIN)/.installed
	bash scripts/start-databases.sh
	bash scripts/install-scale-servers.sh
	bash scripts/install-mysqlclient.sh $(BIN)/python
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	bash scripts/test-other-pythons.sh $(BIN)/python $(PYTEST_ARGS)

# The documentation site (mkdocs.yml) into site/; strict, so a broken link or reference fails. `make test`
# builds it too (tests/test_docs_site.py).
docs: $(BIN)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict -d site

# The PostgreSQL part of the suite through a PgBouncer in transaction pooling mode, started on a
# free localhost port by tests/servers/pgbouncer.py and stopped afterwards (docs/scale-out.md).
test-pgbouncer: $(BIN)/.installed
	bash scripts/start-databases.sh
	bash scripts/install-scale-servers.sh
	PONY_BACKENDS=postgres $(BIN)/python tests/servers/pgbouncer.py -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# Servers the tests start themselves: a PostgreSQL primary with a streaming replica, a PgBouncer, and a
# three-node Galera cluster with the long tests (many writers, a node killed mid-run).
test-cluster: $(BIN)/.installed
	bash scripts/start-databases.sh
	bash scripts/install-scale-servers.sh
	PONY_CLUSTER_TESTS=1 $(BIN)/python -m pytest tests/test_galera.py tests/test_replicas.py tests/test_pgbouncer.py \
		tests/test_pool_limits.py tests/test_failover.py $(PYTEST_ARGS)

# Side-by-side benchmark (bench/README.md): one venv per contestant under bench/.venvs/.
# BENCH_ARGS, e.g. "--quick --db sqlite", "--only this,pony --tests D,F".
bench: $(BIN)/.installed
	bash scripts/start-databases.sh
	bash scripts/install-bench-deps.sh
	$(BIN)/python -m bench $(BENCH_ARGS)

# Long versions of the reliability tests (tests/soak/run.py); ends with one summary line per area.
soak: $(BIN)/.installed
	bash scripts/start-databases.sh
	$(BIN)/python tests/soak/run.py

# The query oracle (tests/test_oracle.py) with CASES random queries per backend; the last line
# reads "oracle: N cases, M mismatches".
CASES ?= 500
oracle: $(BIN)/.installed
	bash scripts/start-databases.sh
	PONY_ORACLE_EXAMPLES=$(CASES) $(BIN)/python tests/test_oracle.py

# Mutation testing (scripts/mutate.py): a seeded sample of N mutants of pony/orm/sql, translation,
# session, query and each provider's compiler, each run against its package's tests on a copy of the
# tree (only the tests that reach the mutated line, found once with coverage); ends with the kill rate
# per package and the surviving mutants.
N ?= 300
SEED ?= 1
MUTATE_ARGS ?=
mutate: $(BIN)/.installed
	bash scripts/start-databases.sh
	$(BIN)/python scripts/mutate.py -n $(N) --seed $(SEED) $(MUTATE_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check pony tests

clean:
	rm -rf $(VENV) $(DEMO_VENV) .venv-3.* .pytest_cache site

# Record Pony 0.7.20's answers for the parity programs (tests/parity) on all three backends, in a venv of
# its own that never touches the project's; CI compares against the recorded files only.
PONY_VENV ?= .venv-pony
$(PONY_VENV)/.installed:
	$(PYTHON) -m venv $(PONY_VENV)
	$(PONY_VENV)/bin/python -m pip install -q 'pony==0.7.20' psycopg2-binary PyMySQL
	touch $@

parity-record: $(PONY_VENV)/.installed
	bash scripts/start-databases.sh
	cd tests/parity && $(abspath $(PONY_VENV))/bin/python runner.py --record $(PROGRAMS)
