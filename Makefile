# The two commands of the README: `make run` serves the admin and API with demo content,
# `make test` runs the test suite. Both create the virtualenv in .venv when it is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0] + "; run make with PYTHON=python3.12, say.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Local development: debug on (so the development key and static files are used) unless the
# caller says otherwise.
run: export DJANGO_DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The load benchmark (bench/run.py): BENCH_N articles on DATABASE_URL, gunicorn and wrk.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
