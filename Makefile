# The portal's commands. `make run` takes a fresh clone to a running portal; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Links in e-mail, SMS and the e-card's QR code point at the address served, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format setup assets messages migrate demo bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

messages: $(VENV)/.runtime
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

setup: $(VENV)/.runtime assets messages migrate

# The banner reads the settings the server is about to run with: the address, where tasks run, and
# with Redis the worker commands for this database and this SITE_URL.
run: setup demo
	@SITE_URL='$(SITE_URL)' $(PY) manage.py run_banner $(HOST):$(PORT)
	SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev assets messages
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

# The city-scale bench on PostgreSQL (its own database, unionportal_bench): `make bench BENCH_ARGS=--quick`
# runs the reduced set. Figures go to bench/results.json; bench/README.md explains them.
bench: $(VENV)/.dev assets messages
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
