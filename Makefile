# The two commands in the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/everyweek
PYTEST_ARGS ?=

.PHONY: demo serve test lint typecheck test-sqlite test-postgres messages makemessages system-deps services clean

demo: $(STAMP) messages
	$(BIN)/everyweek demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

system-deps:
	@scripts/system-deps.sh

APPS := $(patsubst everyweek/%/apps.py,%,$(wildcard everyweek/*/apps.py))

messages: system-deps $(STAMP)
	cd everyweek && ../$(BIN)/django-admin compilemessages -v 0

# Refresh each app's catalogue (everyweek/<app>/locale) after changing user-facing text.
makemessages: $(STAMP)
	for app in $(APPS); do \
	  (cd everyweek/$$app && mkdir -p locale && ../../$(BIN)/django-admin makemessages \
	     --settings=everyweek.settings -l it -l de -l th --no-location --no-obsolete --ignore='tests/*' -v 0) ; \
	done

services:
	@scripts/services.sh

test: system-deps $(STAMP) messages services lint typecheck test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy everyweek

test-sqlite: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: $(STAMP) services
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var/static
