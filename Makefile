# The zone platform. Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python >= 3.12: python3.13, python3.12, then pyenv's installed versions (their shims may not be active).
PYTHON_FOR_VENV := $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12 python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then command -v $$c; break; fi; done)

.PHONY: help run test lint typecheck checks pytest bench assets setup demo migrate clean e2e messages

help:
	@echo "make run    — set up everything (virtualenv, locked dependencies, assets, database, demo zone) and serve http://$(HOST):$(PORT)"
	@echo "make test   — the whole suite: ruff, mypy, migration and deploy checks, pytest (unit, API, browser, schemathesis)"
	@echo "make bench  — benchmarks (registry import, enterprise list on SQLite and PostgreSQL)"

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "需要 Python 3.12 或更高版本（python3.12 / python3.13，或 pyenv 安装的 3.12+）"; exit 1; fi
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Front-end assets come from the npm registry and are copied into static files: never a CDN at run time.
gaoxin/static/vendor/.copied: node_modules/.installed
	mkdir -p gaoxin/static/vendor/tabler gaoxin/static/vendor/htmx gaoxin/static/vendor/echarts gaoxin/static/vendor/alpine
	cp node_modules/@tabler/core/dist/css/tabler.min.css gaoxin/static/vendor/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js gaoxin/static/vendor/tabler/
	cp node_modules/htmx.org/dist/htmx.min.js gaoxin/static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js gaoxin/static/vendor/echarts/
	cp node_modules/alpinejs/dist/cdn.min.js gaoxin/static/vendor/alpine/alpine.min.js
	@touch $@

assets: gaoxin/static/vendor/.copied

setup: $(VENV)/.installed assets
	@mkdir -p var

migrate: setup
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	$(PY) manage.py demo_accounts
	@echo "平台地址：http://$(HOST):$(PORT)/"
	@echo "后台任务（邮件提醒等）由 manage.py db_worker 处理，已随平台启动，日志：var/worker.log"
	@$(PY) manage.py db_worker --no-startup-delay >var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

checks: setup
	DJANGO_SETTINGS_MODULE=gaoxin.settings.test $(PY) manage.py makemigrations --check --dry-run -v1
	DJANGO_SETTINGS_MODULE=gaoxin.settings.prod SECRET_KEY=check-deploy-$$RANDOM-a-long-enough-secret-value-for-the-check-0123456789 \
	  ALLOWED_HOSTS=zone.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

pytest: setup
	$(VENV)/bin/pytest

test: lint typecheck checks pytest

e2e: setup
	$(VENV)/bin/pytest -m browser

bench: setup
	$(PY) bench/run.py

# The English catalogue (gaoxin/locale/en). Needs GNU gettext; the compiled .mo is committed, so `run` and `test` do not.
MAKEMESSAGES_IGNORE := node_modules/* var/* test-output/* tests/* bench/* scripts/* docs/* */tests/* gaoxin/testing/* gaoxin/static/*
messages: setup
	$(PY) manage.py makemessages -l en --no-obsolete --add-location file $(foreach p,$(MAKEMESSAGES_IGNORE),--ignore '$(p)')
	$(PY) manage.py compilemessages -l en --ignore '.venv' --ignore 'node_modules'

clean:
	rm -rf $(VENV) node_modules gaoxin/static/vendor var .pytest_cache .mypy_cache .ruff_cache
