# The two commands of the README, and the targets behind them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

CHROMIUM := /usr/bin/chromium

.PHONY: serve test browser-test install install-test openapi lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

serve: install  ## install, index the seeds if the index is empty, serve on $(PORT)
	$(BIN)/gunicorn -c gunicorn.conf.py

test: install-test  ## install and run the whole test suite (browser tests when chromium is installed)
	$(BIN)/python -m pytest

browser-test: install-test $(CHROMIUM)  ## the web page in headless Chromium; a missing browser fails
	PROVENANCE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser

$(CHROMIUM):  # Debian's chromium (Playwright drives it; it never downloads a browser of its own)
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

openapi: install  ## regenerate openapi.yaml from the schemas
	$(BIN)/python -m service openapi

lint: install-test
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var build *.egg-info
