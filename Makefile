# Samverkan: `make run` starts the portal with the demo county; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SAMVERKAN_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
# Python writes its bytecode caches in every recipe: with PYTHONDONTWRITEBYTECODE set (as on these machines)
# pytest rewrote the asserts of its plugins' modules again at every start, and every child process compiled
# what it imported from source (tests/conftest.py turns it off too, for a pytest started by hand).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run bench loadtest audit test lint migrations-check test-sqlite test-postgres install clean

$(BIN)/samverkan: pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Samverkan needs Python 3.11 (found: $(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/samverkan node_modules/axe-core/axe.min.js

run: $(BIN)/samverkan
	$(BIN)/samverkan serve $(PORT)

# 50 clients x 60 s of mixed reads and form posts against `samverkan serve` on a fresh SQLite database;
# exit 1 on any error. LOADTEST_ARGS="--clients 10 --seconds 5" for a short run.
LOADTEST_ARGS ?=
loadtest: $(BIN)/samverkan
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

# Issue 11's benchmark on generated data (bench/results.md): BENCH_ARGS="--scale nation --areas 2 --database postgres".
BENCH_ARGS ?= --scale county
bench: $(BIN)/samverkan
	$(BIN)/samverkan bench $(BENCH_ARGS)

# Known vulnerabilities in the installed dependencies (pip-audit); skipped with a message when offline.
audit: $(BIN)/samverkan
	$(BIN)/python scripts/audit.py

lint: $(BIN)/samverkan
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

migrations-check: $(BIN)/samverkan
	$(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install
	DATABASE_URL=sqlite:///:memory: $(BIN)/python -m pytest --durations=5 $(PYTEST_ARGS)

# PostgreSQL: a loud skip on a machine without a server, a failure under CI=true.
test-postgres: install
	@if $(BIN)/python scripts/postgres_ready.py "$(SAMVERKAN_TEST_POSTGRES_URL)"; then \
		DATABASE_URL="$(SAMVERKAN_TEST_POSTGRES_URL)" $(BIN)/python -m pytest --durations=5 $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "FAILED: no PostgreSQL answers at $(SAMVERKAN_TEST_POSTGRES_URL), and CI=true requires it."; exit 1; \
	else \
		echo ""; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! SKIPPED the PostgreSQL run: no server at $(SAMVERKAN_TEST_POSTGRES_URL)"; \
		echo "!! Set SAMVERKAN_TEST_POSTGRES_URL or start PostgreSQL to run it."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo ""; \
	fi

# The two database runs are independent single-threaded processes, so they run side by side (one per core). The
# static checks (lint, migrations-check: about 15 s from a fresh clone) run first in the SQLite lane, which ends
# about two minutes before the PostgreSQL lane, so they add nothing to the wall time; and the tests that use no
# database (about 250: the parser, the sandbox, the serve supervisor, ...) run in the SQLite lane only, since they
# check the same in both (tests/conftest.py, DATABASE_FREE_ELSEWHERE). The SQLite lane's output is kept
# in var/test-sqlite.log and shown after the PostgreSQL run; `make test` fails if any step of either lane failed.
test: install
	@mkdir -p var
	@{ { $(MAKE) --no-print-directory lint migrations-check && echo "static checks passed"; echo $$? > var/test-static.rc; } > var/test-sqlite.log 2>&1; \
	  $(MAKE) --no-print-directory test-sqlite >> var/test-sqlite.log 2>&1; echo $$? > var/test-sqlite.rc; } & \
	SAMVERKAN_DATABASE_FREE_TESTS_ELSEWHERE=1 $(MAKE) --no-print-directory test-postgres; pg=$$?; wait; \
	echo ""; echo "==== Static checks and SQLite run (var/test-sqlite.log) ===="; cat var/test-sqlite.log; \
	static=$$(cat var/test-static.rc); sqlite=$$(cat var/test-sqlite.rc); \
	echo ""; echo "Static checks exit $$static, SQLite run exit $$sqlite, PostgreSQL run exit $$pg"; \
	test "$$static" = 0 && test "$$sqlite" = 0 && test "$$pg" = 0

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
