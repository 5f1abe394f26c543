# The two commands of the README, and the targets behind them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: serve test install install-test openapi lint docker-test clean

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

test: install-test  ## install and run the whole test suite
	$(BIN)/python -m pytest

openapi: install  ## regenerate openapi.yaml from the schemas
	$(BIN)/python -m service openapi

docker-test:  ## build the container image, run it and ask it a seed claim
	scripts/docker-test.sh

lint: install-test
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var build *.egg-info wheelhouse
