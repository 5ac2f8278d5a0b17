# Two commands matter: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app coaching
PYTEST := $(BIN)/pytest
PG_DEFAULT := postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

## Serve the site on http://127.0.0.1:$(PORT) with a demo coach; mail lands in instance/mail/.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (mail: $${MAIL_URL:-instance/mail/*.eml})"
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

## The whole suite: SQLite, then PostgreSQL when TEST_DATABASE_URL is set or 127.0.0.1:5432 answers.
test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL not reachable and TEST_DATABASE_URL unset: PostgreSQL pass not run."; \
	fi

test-sqlite: $(VENV)/.installed-test
	COACHING_TEST_DB=sqlite $(PYTEST) $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	COACHING_TEST_DB=postgresql TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_DEFAULT)} $(PYTEST) $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## Load and timing figures (not run by CI); see bench/README.md.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache
