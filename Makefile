# The single entry point. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
BACKUP_DIR ?= backups

.DEFAULT_GOAL := help
.PHONY: help run dev setup test content-check lint format check messages content-dry-run content-report bench backup restore loadtest clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1)). Set PYTHON=python3.x."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.runtime: $(VENV)/.python-ok requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

# axe-core for the accessibility tests; skipped quietly where npm is missing (browser tests then skip).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
		else echo "npm not found: browser accessibility tests will be skipped."; fi

# The address the admin login, e-mails and absolute links name, unless the environment sets it.
setup run dev: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

setup: $(VENV)/.runtime ## Create the virtualenv, migrate, load the content and make sure an admin exists
	$(MANAGE) migrate --no-input
	$(MANAGE) load_content
	$(MANAGE) configure_site
	$(MANAGE) ensure_admin

# Hashed, compressed copies of the static files for whitenoise, remade when a file or a package changes.
staticfiles/staticfiles.json: $(VENV)/.runtime $(shell find static */static -type f)
	DJANGO_SETTINGS_MODULE=portal.settings.local $(MANAGE) collectstatic --no-input --verbosity 0

run: setup staticfiles/staticfiles.json ## Set everything up and serve the portal on http://127.0.0.1:8000 as patients see it
	DJANGO_SETTINGS_MODULE=portal.settings.local BIND=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" deploy/serve.sh

dev: setup ## The developer's server: autoreload and Django's debug page (never in front of patients)
	$(MANAGE) runserver $(HOST):$(PORT)

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2

test: $(VENV)/.dev node_modules/.installed ## Set up and run the whole test suite
	$(BIN)/pytest -n $(TEST_WORKERS)

content-check: $(VENV)/.dev ## The editorial checks alone: reading level, seed coverage, citations, links, safety wording
	$(BIN)/pytest tests/content

lint: $(VENV)/.dev ## Check code style
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev ## Django system checks and missing migrations
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# The folders makemessages leaves out (tests/portal/test_translations.py searches the same files).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench --ignore=tooling

messages: $(VENV)/.runtime ## Refresh the Spanish catalogue after changing interface text
	@command -v xgettext >/dev/null 2>&1 || { echo "xgettext not found: install GNU gettext (apt-get install gettext)."; exit 1; }
	$(MANAGE) makemessages -l es --no-obsolete $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages -l es $(MESSAGES_IGNORE)

content-dry-run: $(VENV)/.runtime ## Show what load_content would change
	$(MANAGE) load_content --dry-run

content-report: $(VENV)/.runtime ## Reading scores of every page (FK grade, SMOG, hardest sentences)
	@$(MANAGE) migrate --no-input --verbosity 0
	@$(MANAGE) load_content > /dev/null
	$(MANAGE) content_report

bench: $(VENV)/.runtime ## Load-test the production server shape (installs wrk, nginx); writes bench/results.md
	$(BIN)/python -m bench.run_bench $(BENCH_ARGS)

backup: $(VENV)/.runtime ## Back up the database and media to one file in backups/ (BACKUP_DIR=…)
	$(MANAGE) backup_site --output-dir "$(BACKUP_DIR)"

restore: $(VENV)/.runtime ## Restore BACKUP=file.tar.gz into an empty database (FORCE=1 replaces a full one)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/portal-backup-….tar.gz [FORCE=1]"; exit 2; }
	$(MANAGE) restore_site "$(BACKUP)" $(if $(FORCE),--force)

$(VENV)/.loadtest: $(VENV)/.python-ok
	$(BIN)/pip install --quiet 'locust>=2.30,<3'
	@touch $@

loadtest: $(VENV)/.runtime $(VENV)/.loadtest ## 64 readers for 60 s on loopback while an editor publishes 20 revisions
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

clean: ## Remove the virtualenv, local database and caches (keeps .admin-password)
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .test-media
