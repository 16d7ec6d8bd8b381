# Two commands matter: `make run` and `make test`. `make help` lists the others.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Development settings for the local commands; production sets its own (see README).
DEV    := DEBUG=1

.DEFAULT_GOAL := help
.PHONY: help install run test e2e lint format migrate seed messages bench bench-http clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

install: $(BIN)/.installed ## Create .venv and install everything into it

migrate: install ## Apply database migrations
	$(DEV) $(BIN)/python manage.py migrate --noinput

seed: migrate ## Load the demo company (idempotent)
	$(DEV) $(BIN)/python manage.py seed_demo --run-schedules

run: seed ## Install, migrate, load demo data; serve on http://127.0.0.1:8000 with a worker and beat
	@echo "Open http://$(HOST):$(PORT)/ and sign in as zhangwei / demo-pass-2026 (Ctrl-C stops all)"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) $(DEV) $(BIN)/honcho start --port $(PORT)

test: install ## Run the whole test suite (browser journeys included when Chromium exists)
	$(BIN)/pytest

e2e: install ## Run only the browser journeys
	$(BIN)/pytest tests/e2e

lint: install ## ruff, the one-way dependencies between apps (import-linter) and the migration check
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .

messages: install ## Extract and compile translations (needs GNU gettext)
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "static/*"
	$(DEV) $(BIN)/python manage.py compilemessages -l zh_Hans -i .venv

bench: install ## Measure list pages, endpoints and jobs on a scaled demo (see BENCHMARKS.md)
	$(DEV) $(BIN)/python -m benchmarks.run $(SECTIONS)

bench-http: install ## The large lists over HTTP: gunicorn on a built 300,000-opportunity database (BENCHMARKS.md)
	$(BIN)/python -m benchmarks.http $(ARGS)

clean: ## Remove the virtualenv, the SQLite databases (and the embedded broker's) and collected static files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm broker.sqlite3 staticfiles
