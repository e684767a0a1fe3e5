# Certify: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench clean

$(VENV)/.installed-runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: set up .venv, migrate the database, load the demo and serve on http://$(HOST):$(PORT) (default 127.0.0.1:5000)
run: export CERTIFY_ENV ?= development
# `flask run` reads these itself, and so does the configuration: without CERTIFY_BASE_URL, every absolute
# link (credentials, the issuer, PDFs and their QR codes, LinkedIn, mail) points at the address served.
run: export FLASK_RUN_HOST = $(HOST)
run: export FLASK_RUN_PORT = $(PORT)
run: $(VENV)/.installed-runtime
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi certify seed --demo --simulate 60
	@echo "Serving Certify on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/flask --app wsgi run

## test: lint, type-check certify/core, then every test (unit, feature, end-to-end, and the `slow` fault test),
## spread over one worker per core (TEST_WORKERS=0 runs them in this one process, as a debugger wants)
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: timing targets, reported as ratios against a baseline measured in the same run
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
