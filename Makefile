# jxcflow — the two commands for a fresh machine are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export JXCFLOW_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test test-fast bench soak lint serve clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "need $(PY) (Python 3.11)"; exit 1; }
	@test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	@touch $(STAMP)

demo: $(STAMP)  ## install, migrate, load the demo tenant, serve on http://127.0.0.1:8000
	$(BIN)/jxcflow demo
	@echo; echo "Studio on http://127.0.0.1:8000  (API docs: /docs; Ctrl-C to stop)"
	$(BIN)/jxcflow serve --host 127.0.0.1 --port 8000

test: $(STAMP)  ## the whole suite on SQLite and PostgreSQL
	./scripts/ensure-postgres.sh
	./scripts/ensure-chromium.sh
	./scripts/ensure-mosquitto.sh
	$(BIN)/lint-imports
	$(BIN)/mypy kernel dsl inventory engine connectors templates_marketplace studio
	$(BIN)/pytest -n 2 -q

test-fast: $(STAMP)
	$(BIN)/pytest -q -x -m "not bench"

bench: $(STAMP)  ## benchmarks (not part of make test)
	./scripts/ensure-postgres.sh
	$(BIN)/python -m bench.bench_core
	$(BIN)/python -m bench.bench_dsl
	$(BIN)/python -m bench.bench_engine
	$(BIN)/python -m bench.bench_e2e
	$(BIN)/python -m bench.bench_windows
	$(BIN)/python -m bench.bench_durable_rules
	$(BIN)/python -m bench.bench_studio
	./scripts/ensure-mosquitto.sh
	$(BIN)/python -m bench.bench_connectors
	$(BIN)/python -m bench.bench_governance
	$(BIN)/python -m bench.bench_packs

soak: $(STAMP)  ## long soak runs (10,000 events, kill -9 workers), not part of make test
	./scripts/ensure-postgres.sh
	$(BIN)/pytest -m soak -q -p no:randomly

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
