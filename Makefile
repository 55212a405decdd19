# The two commands of the README: `make run` opens the app, `make test` runs every check.
# Each creates the virtual environment it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: run test lint typecheck pytest pytest-sqlite bench bench-quick bench-postgres clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bct-risk

lint: $(STAMP)
	$(BIN)/ruff check src tests db
	$(BIN)/ruff format --check src tests db

pytest-sqlite: $(STAMP)
	$(BIN)/pytest -n 2

typecheck: $(STAMP)
	$(BIN)/mypy

# The whole suite on SQLite, then again on a throwaway PostgreSQL server (installed if missing).
pytest: $(STAMP)
	$(BIN)/pytest -n 2
	scripts/with-postgres $(BIN)/pytest -n 2

test: lint typecheck pytest

# Benchmarks (not part of `make test`): sizes S, M and L, a table and JSON in bench/results/,
# with the side-by-side comparisons (VisiData, the sqlite3 command line, the plain paper writer,
# the bare interpreter) and the goals met or not; bench-quick: M only (a few minutes);
# bench-postgres: the same figures at M on a throwaway PostgreSQL server as well.
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py --sizes S,M,L --side-by-side M,L

bench-quick: $(BENCH_STAMP)
	$(BIN)/python bench/run.py --sizes M --papers M --import-from none --runs 3

bench-postgres: $(BENCH_STAMP)
	scripts/with-postgres $(BIN)/python bench/run.py --sizes M --papers none --import-from none \
		--side-by-side none

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
