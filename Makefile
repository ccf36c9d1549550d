# The portal's commands. `make run` takes a fresh clone to a running portal; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

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

run: setup demo
	@echo ""
	@echo "工会服务平台 Union portal: http://$(HOST):$(PORT)/   (background tasks run eagerly without Redis)"
	@echo "With Redis, run the background processes in two more shells (and start this one with the same REDIS_URL):"
	@echo "  REDIS_URL=redis://127.0.0.1:6379/0 $(VENV)/bin/celery -A unionportal worker -l info"
	@echo "  REDIS_URL=redis://127.0.0.1:6379/0 $(VENV)/bin/celery -A unionportal beat -l info"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev assets messages
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# The city-scale bench on PostgreSQL (its own database, unionportal_bench): `make bench BENCH_ARGS=--quick`
# runs the reduced set. Figures go to bench/results.json; bench/README.md explains them.
bench: $(VENV)/.dev assets messages
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
