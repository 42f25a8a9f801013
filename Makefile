# Catastif — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export LITESTAR_APP := app:create_app

.PHONY: run test lint format clean

$(BIN)/activate:
	@PY="$$(scripts/find-python)" && "$$PY" -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

## run: set up everything (SQLite in ./data, embedded Redis, demo data) and serve
run: $(VENV)/.installed
	$(BIN)/litestar catastif init
	$(BIN)/litestar catastif seed-demo
	@echo
	@echo "  Catastif rulează la  http://$(HOST):$(PORT)/admin/"
	@echo "  Utilizator: admin    Parolă: catastif-demo"
	@echo "  (și contabil, vanzari, casier, vizitator — aceeași parolă)"
	@echo
	$(BIN)/litestar run --host $(HOST) --port $(PORT)

## test: lint, then the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
