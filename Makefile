# Quick start: `make up` runs the whole system, `make test` runs everything CI checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/aetherflow
export DATABASE_URL

.PHONY: install up test lint typecheck pytest lock clean bench schema openapi chaos

install: $(STAMP)

# The venv holds exactly the locked dependencies (hash-checked), then the project itself.
$(STAMP): requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

up: install
	$(BIN)/python -m db.create_database
	$(BIN)/aetherflow up

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

# Re-resolve the locks after changing pyproject.toml; neither records download addresses.
lock: install
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --quiet -o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# Speed is measured here, never asserted in tests.
bench: install
	$(BIN)/python -m tests.benchmarks.bench_reports_batch
	$(BIN)/python -m tests.benchmarks.bench_webhook_latency
	$(BIN)/python -m tests.benchmarks.bench_rate_limit

# Failure drills against private PostgreSQL, Redis, API and worker processes (about 5 minutes;
# not part of `make test`): docs/TESTING.md. One scenario: `$(BIN)/python -m tests.chaos events`.
chaos: install
	$(BIN)/python -m tests.chaos

# Regenerate docs/schema.graphql from the code (a test fails while it is stale).
schema: install
	$(BIN)/python -m schema.export

# Regenerate docs/openapi.yaml from the app (a test fails while it is stale).
openapi: install
	$(BIN)/python -m app.api.openapi_export
