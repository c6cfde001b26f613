# Quick start: `make up` runs the whole system, `make test` runs everything CI checks.
# Settings (DATABASE_URL, REDIS_URL, ...) come from the environment or .env, never from here:
# README.md, "Fresh Debian machine".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROMTOOL_CACHE := $(VENV)/promtool-download
# Reads `uv pip freeze` output; prints the names requirements-dev.lock does not list.
UNLOCKED := awk -F'[ =]' 'function norm(n) { n = tolower(n); gsub(/[._]+/, "-", n); return n } \
	NR == FNR { if ($$0 ~ /^[A-Za-z0-9]/) locked[norm($$1)]; next } \
	!(norm($$1) in locked) { print $$1 }' requirements-dev.lock -

.PHONY: install up test lint typecheck pytest promtool lock clean bench schema openapi chaos console web-check chromium screenshots

install: $(STAMP)

# The stamp holds what the last install left in the venv (`uv pip freeze`). The venv is synced
# again when the lock or pyproject.toml changed, and also when it no longer holds exactly that
# (a package added, removed or changed by hand, the project or pip gone, the venv deleted).
ifneq ($(shell $(BIN)/uv pip freeze --python $(BIN)/python 2>/dev/null | cmp -s - $(STAMP) 2>/dev/null || echo drift),)
.PHONY: $(STAMP)
endif

# The venv holds exactly the locked dependencies (hash-checked), then the project itself:
# 1. a venv without a working pip is created again (Debian ships venv's ensurepip separately);
# 2. pip puts in the dev lock (all wheels on Linux x86-64: nothing is built), which brings uv;
# 3. `uv pip sync` removes whatever the lock does not list (pip and setuptools are locked, so
# they stay), except the "seed" package it spares (wheel), which the next line removes; it
# downloads nothing (--offline): pip fetched everything; 4. the project is installed with the
# locked setuptools (no build isolation, so no build step downloads anything).
$(STAMP): requirements-dev.lock pyproject.toml
	@if ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
	  command -v $(PYTHON) >/dev/null 2>&1 || { \
	    echo "make: $(PYTHON) not found; run: sudo apt-get install python3 python3-venv (or make PYTHON=python3.11)" >&2; exit 1; }; \
	  $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	    echo "make: AetherFlow needs Python 3.11 or newer; $(PYTHON) is older (make PYTHON=python3.11)" >&2; exit 1; }; \
	  echo "make: $(VENV) is missing or has no pip; creating it with $(PYTHON) -m venv"; \
	  $(PYTHON) -m venv --clear $(VENV) >/dev/null 2>&1 || { \
	    echo "make: '$(PYTHON) -m venv' failed (ensurepip is missing); run: sudo apt-get install python3-venv (Debian 12 names it python3.11-venv; python3-venv pulls it in), then make install" >&2; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/uv pip sync --quiet --offline --python $(BIN)/python --require-hashes requirements-dev.lock
	@extra=$$($(BIN)/uv pip freeze --python $(BIN)/python --exclude-editable | $(UNLOCKED)); \
	  test -z "$$extra" || $(BIN)/uv pip uninstall --python $(BIN)/python $$extra
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/uv pip freeze --python $(BIN)/python > $(STAMP)

# Settings come from .env or the environment; on a refusing PostgreSQL or an unreachable Redis
# each step prints one line saying what to set.
# The console is built first when Node.js is here (docs/CONSOLE.md); the API serves it at
# /console and trusts its documents' manifest unless GRAPHQL_TRUSTED_DOCUMENTS says otherwise.
up: install
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory console; \
	  else echo "make: npm not found: the API runs without the console at /console (docs/CONSOLE.md)"; fi
	@$(BIN)/python -m db.create_database
	@GRAPHQL_TRUSTED_DOCUMENTS="$${GRAPHQL_TRUSTED_DOCUMENTS-$(CONSOLE_MANIFEST)}" $(BIN)/aetherflow up

# lint-imports checks the layer contracts of pyproject.toml ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

typecheck: install
	$(BIN)/mypy

# Prometheus's promtool has no wheel: it is taken, without root, from Debian's prometheus
# package. apt-get downloads the .deb and checks it against the archive's signed index; only
# the promtool program is kept, in the venv. `make test` fetches it; so does `make promtool`.
promtool: $(BIN)/promtool

$(BIN)/promtool: | $(STAMP)
	@command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || { \
	  echo "make: promtool comes from Debian's prometheus package, and apt-get is not available here; copy a promtool binary to $(BIN)/promtool" >&2; exit 1; }
	rm -rf $(PROMTOOL_CACHE) && mkdir -p $(PROMTOOL_CACHE)
	@cd $(PROMTOOL_CACHE) && apt-get download --quiet prometheus || { \
	  echo "make: 'apt-get download prometheus' failed; run 'sudo apt-get update' (the package lists may be missing) and try again" >&2; exit 1; }
	dpkg-deb -x $(PROMTOOL_CACHE)/prometheus_*.deb $(PROMTOOL_CACHE)/root
	install -m 0755 $(PROMTOOL_CACHE)/root/usr/bin/promtool $@
	rm -rf $(PROMTOOL_CACHE)
	$@ --version

pytest: install $(BIN)/promtool console chromium
	$(BIN)/pytest

test: lint typecheck web-check pytest

# The web console (web/): npm ci installs exactly package-lock.json (integrity-checked; the lock
# records no download addresses), then Vite builds it into web/dist.
WEB := web
CONSOLE_MANIFEST := $(WEB)/src/gql/persisted-documents.json
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package.json

console: $(WEB)/dist/index.html

$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json $(WEB)/package.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "make: the console needs Node.js 20 and npm: sudo apt-get install nodejs npm" >&2; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB)/dist/index.html: $(WEB)/node_modules/.package-lock.json $(WEB_SOURCES)
	cd $(WEB) && npm run --silent build

# Type check, component tests, and the generated GraphQL types and manifest still matching
# docs/schema.graphql and the documents in web/src.
web-check: $(WEB)/node_modules/.package-lock.json
	cd $(WEB) && npm run --silent typecheck
	cd $(WEB) && npm run --silent test
	cd $(WEB) && npm run --silent codegen:check

# The browser tests drive Debian's chromium (never a browser a test tool downloads).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends chromium; \
	  else echo "make: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# Regenerate the screenshots in docs/console/ from the running console (docs/CONSOLE.md).
screenshots: install console chromium
	CONSOLE_SCREENSHOTS=docs/console CONSOLE_AXE_REPORT=docs/console/axe-results.json $(BIN)/pytest -q -p no:randomly tests/console/test_pages.py

# Re-resolve the locks after changing pyproject.toml; neither records download addresses.
# Both carry the build extra: the project is built with the locked setuptools.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra build --generate-hashes --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra build --generate-hashes --python-version 3.11 --quiet -o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The product as shipped against the bare work of each hot path, in one run (about 20 minutes;
# docs/TESTING.md, "make bench"). A subset: make bench ONLY="rest upsert". Speed is measured
# here, never asserted in tests.
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "make: bench needs wrk (the HTTP load generator); install it: sudo apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m tests.benchmarks $(ONLY)

# Failure drills against private PostgreSQL, Redis, API and worker processes (about 5 minutes;
# not part of `make test`): docs/TESTING.md. One scenario: `$(BIN)/python -m tests.chaos events`.
chaos: install
	$(BIN)/python -m tests.chaos

# Regenerate docs/schema.graphql from the code (a test fails while it is stale).
schema: install
	$(BIN)/python -m schema.export

# Regenerate docs/openapi.yaml from the app (a test fails while it is stale).
openapi: install
	$(BIN)/python -m app.openapi_export
