# The two commands of the README, and the targets behind them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

CHROMIUM := /usr/bin/chromium

.PHONY: serve test browser browser-test install install-test openapi lint docker-test clean \
	cluster-up cluster-down java

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The install is editable, so code changes need none: pip runs again only when pyproject.toml
# changes. Its build chatter goes to a log, shown when the install fails.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e . >$(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]' >$(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

serve: install  ## install, index the seeds into a never-used index, serve on $(PORT)
	$(BIN)/gunicorn -c gunicorn.conf.py

test: install-test browser java  ## install and run the whole test suite, browser and cluster tests included
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

browser-test: install-test browser  ## only the web page in headless Chromium; a missing browser fails
	PROVENANCE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser

# Debian's chromium (Playwright drives it; it never downloads a browser of its own). Installed
# when missing and apt-get is usable (root); otherwise the browser tests say why they skip.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	    else \
	        echo "*** $(CHROMIUM) missing and apt-get unusable: browser tests will skip ***"; \
	    fi; \
	fi

# Java 17 and Maven for the OpenSearch cluster the store contract also runs on (scripts/cluster.py).
# Installed when missing and apt-get is usable (root); otherwise those tests say why they skip.
java:
	@if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	            --no-install-recommends openjdk-17-jdk-headless maven; \
	    else \
	        echo "*** java or mvn missing and apt-get unusable: OpenSearch tests will skip ***"; \
	    fi; \
	fi

openapi: install  ## regenerate openapi.yaml from the schemas
	$(BIN)/python -m service openapi

# A three-node OpenSearch cluster on loopback (Java 17 and Maven; see scripts/cluster.py).
cluster-up:  ## fetch OpenSearch once, start three nodes, wait for green, print OPENSEARCH_URL
	$(PYTHON) scripts/cluster.py up

cluster-down:  ## stop all three nodes and remove their data
	$(PYTHON) scripts/cluster.py down

docker-test:  ## build the container image, run it and ask it a seed claim
	scripts/docker-test.sh

lint: install-test
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var build *.egg-info wheelhouse
