# Boxoffice: `make run` serves the app, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
DEVSTACK := $(BIN)/python scripts/devstack.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)
# The browser tests drive the system's Chromium (Playwright never downloads a browser here).
export CHROMIUM_PATH ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)

.PHONY: help install frontend browser run dev test test-backend test-frontend lint format bench stress sweeper cluster clean

help:
	@echo "make run    - set up and serve Boxoffice at http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   - set up and run every test (backend on real PostgreSQL, frontend, browser)"
	@echo "make dev    - Django (DEBUG) on :8000 + Vite dev server with hot reload on :5173"
	@echo "make lint   - ruff check + format check, ESLint (frontend)"
	@echo "make bench  - benchmarks;  make stress - QA stress run against BASE_URL"
	@echo "make cluster - 2 app servers (:8000, :8001) + the sweeper on one database (CLUSTER_ARGS=--servers 3)"

# --- setup ------------------------------------------------------------------------------------
$(VENV)/.installed: backend/requirements.txt backend/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r backend/requirements-dev.txt
	touch $@

install: $(VENV)/.installed frontend

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

frontend: frontend/dist/index.html

browser:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get)"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium not found: install it and set CHROMIUM_PATH"; exit 1; fi; \
	fi

# --- the two commands -------------------------------------------------------------------------
# The server's log is also kept in boxoffice-server.log, where `make stress` looks for tracebacks.
SERVER_LOG ?= $(abspath boxoffice-server.log)

run: $(VENV)/.installed frontend
	set -o pipefail; $(DEVSTACK) run 2>&1 | tee -ia $(SERVER_LOG)

test: test-frontend test-backend

test-frontend: frontend/node_modules/.installed
	cd frontend && npm run lint && npm run typecheck && npm test

test-backend: $(VENV)/.installed frontend browser
	$(DEVSTACK) exec -- $(BIN)/python -m pytest

# --- development ------------------------------------------------------------------------------
dev: $(VENV)/.installed frontend/node_modules/.installed
	DEBUG=true $(DEVSTACK) exec -- bash -c '$(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py seed_demo && \
	  (cd ../frontend && npm run dev -- --host 127.0.0.1) & \
	  exec $(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}'

lint: $(VENV)/.installed frontend/node_modules/.installed
	$(BIN)/ruff check backend scripts loadtest deploy tests
	$(BIN)/ruff format --check backend scripts loadtest deploy tests
	cd frontend && npm run lint

format: $(VENV)/.installed
	$(BIN)/ruff check --fix backend scripts loadtest deploy tests
	$(BIN)/ruff format backend scripts loadtest deploy tests

# The frontend's API types from the backend's OpenAPI schema: writes frontend/openapi.json and
# frontend/src/types/openapi.gen.ts (commit both; backend/booking/tests/api/test_frontend_types.py checks them).
.PHONY: api-types
api-types: $(VENV)/.installed frontend/node_modules/.installed
	VENV_PYTHON=$(BIN)/python bash scripts/gen_api_types.sh

# QA: hammer a running server (BASE_URL, default http://127.0.0.1:8000) and audit the result.
stress: $(VENV)/.installed
	$(BIN)/python loadtest/stress.py --base-url $${BASE_URL:-http://127.0.0.1:$${PORT:-8000}} \
		$(if $(wildcard $(SERVER_LOG)),--server-log $(SERVER_LOG)) $(STRESS_ARGS)

# Benchmarks: starts its own gunicorn on a fresh database; writes docs/benchmarks/latest.{md,json}.
# BENCH_ARGS="--compare REV": A/B of this tree against commit REV; "--base-url URL": a running server.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && { $(SUDO) apt-get install -y -qq wrk >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }; }; } || true
	$(BIN)/python loadtest/bench.py $(BENCH_ARGS)

sweeper: $(VENV)/.installed
	$(DEVSTACK) exec -- $(BIN)/python manage.py release_expired_holds --every 5

# Several gunicorn servers + the sweeper on one PostgreSQL (scripts/cluster.py --help); their output is
# kept in the server log too, so `BASE_URL=http://127.0.0.1:8000,http://127.0.0.1:8001 make stress` checks it.
cluster: $(VENV)/.installed frontend
	set -o pipefail; $(BIN)/python scripts/cluster.py $(CLUSTER_ARGS) 2>&1 | tee -ia $(SERVER_LOG)

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist backend/staticfiles
