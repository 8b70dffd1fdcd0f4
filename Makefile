# Boxoffice: `make run` serves the app, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
DEVSTACK := $(BIN)/python scripts/devstack.py
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.PHONY: help install run dev test test-backend test-frontend lint format bench stress sweeper clean

help:
	@echo "make run    - set up and serve Boxoffice at http://127.0.0.1:$${PORT:-8000}"
	@echo "make test   - set up and run every test (backend on real PostgreSQL, frontend, browser)"
	@echo "make lint   - ruff check + format check"
	@echo "make bench  - benchmarks;  make stress - QA stress run against BASE_URL"

$(VENV)/.installed: backend/requirements.txt backend/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r backend/requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(DEVSTACK) run

test: test-backend

test-backend: $(VENV)/.installed
	$(DEVSTACK) exec -- $(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check backend scripts
	$(BIN)/ruff format --check backend scripts

format: $(VENV)/.installed
	$(BIN)/ruff check --fix backend scripts
	$(BIN)/ruff format backend scripts

sweeper: $(VENV)/.installed
	$(DEVSTACK) exec -- $(BIN)/python manage.py release_expired_holds --every 5

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist backend/staticfiles
