# Mila — `make run` to try it, `make test` to test it. `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements/lock.txt 2>/dev/null | cut -c1-12)
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/djangojs.po)
MO_FILES := $(PO_FILES:.po=.mo)
PG_URL ?= postgres://postgres@127.0.0.1:5432/mila
REDIS_TEST_URL ?= redis://127.0.0.1:6379/14
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-pg lint fmt worker beat messages bench lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else "Mila needs Python 3.12 (found " + sys.version.split()[0] + "); see .python-version")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/lock.txt
	touch $(STAMP)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(VENV)/bin/pybabel compile -D django -i $< -o $@ -l $*

# Django's admin JavaScript strings that its own catalogues do not translate yet (hand-kept).
locale/%/LC_MESSAGES/djangojs.mo: locale/%/LC_MESSAGES/djangojs.po $(STAMP)
	$(VENV)/bin/pybabel compile -D djangojs -i $< -o $@ -l $*

install: $(STAMP) $(MO_FILES) ## Create .venv and install exactly what requirements/lock.txt pins
	@mkdir -p var/static

run: install ## Set up and serve the platform on http://127.0.0.1:8000 with demo data
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Mila runs on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# The periodic tasks (offer expiry, next waves, e-mail retries) run beside the server.
	@$(PY) manage.py run_periodic & periodic=$$!; trap 'kill $$periodic 2>/dev/null' EXIT; \
		$(PY) manage.py runserver $(HOST):$(PORT)

test: install ## Run the test suite (SQLite, eager Celery; service tests skip unless configured)
	bin/pytest-run $(ARGS)

test-pg: install ## Run the suite against local PostgreSQL + Redis with a real Celery worker
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) MILA_REQUIRE_SERVICES=1 bin/pytest-run $(ARGS)

lint: install ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

fmt: install ## Format and auto-fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install ## Run a Celery worker on every queue (needs REDIS_URL)
	$(VENV)/bin/celery -A mila worker -Q default,matching,notifications,payments --loglevel INFO

beat: install ## Run Celery beat with the static schedule (needs REDIS_URL)
	$(VENV)/bin/celery -A mila beat --loglevel INFO

messages: install ## Extract translatable strings into locale/*/django.po and compile them
	$(PY) manage.py makemessages -l de -l fr -l it -l en --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MAKE) $(MO_FILES)

bench: install ## Run the benchmarks in bench/ and print numbers (and the rehearsal, on PostgreSQL)
	@for script in bench/bench_*.py; do $(PY) $$script || exit 1; done
	@case "$$DATABASE_URL" in postgres*) $(PY) bench/rehearsal.py ;; \
		*) echo "rehearsal: skipped (needs DATABASE_URL=postgres://...)" ;; esac

lock: ## Re-pin requirements/lock.txt from requirements/*.in (needs network)
	$(PYTHON) -m venv /tmp/mila-piptools && /tmp/mila-piptools/bin/pip install --quiet pip-tools
	cd requirements && /tmp/mila-piptools/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o lock.txt dev.in

clean: ## Remove the virtualenv, compiled messages and local data
	rm -rf $(VENV) var $(MO_FILES)
