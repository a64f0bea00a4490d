# The front door. `make run` and `make test` work on a fresh clone with Python 3.11+ and make.

PORT ?= 8000
TEST_WORKERS ?= auto
VENV := .venv
PY := $(VENV)/bin/python
# The Nu Html Checker (the W3C's validator) for tests/test_html_valid.py: vnu.jar from npm, run with Java.
VNU_VERSION := 26.9.27
VNU_STAMP := .cache/vnu/.installed-$(VNU_VERSION)
MANAGE := $(PY) manage.py
# The newest Python 3.11+ on the machine; override with `make PYTHON=/path/to/python3.12 …`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: help run serve test test-e2e vnu lint format bench clean

help:
	@echo "make run    serve the site with demo content at http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite (SQLite, or DATABASE_URL=postgres://...)"
	@echo "make serve  gunicorn with production settings (needs SECRET_KEY)"
	@echo "make lint / make format / make bench"

$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (none found on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Tolerant: without npm (or the registry) the HTML validation test skips, except in CI (REQUIRE_E2E=1).
vnu: $(VNU_STAMP)
$(VNU_STAMP):
	@if command -v npm >/dev/null 2>&1 && npm install --silent --no-save --ignore-scripts --no-audit --no-fund \
		--prefix .cache/vnu vnu-jar@$(VNU_VERSION); then touch $@; \
	else echo "vnu-jar not installed (needs npm): tests/test_html_valid.py will be skipped"; fi

run: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) compiletranslations
	BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) load_demo_content
	BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) collectstatic --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) compiletranslations
	DJANGO_SETTINGS_MODULE=config.settings.production $(VENV)/bin/gunicorn -c gunicorn.conf.py config.wsgi:application

test: $(VENV)/.installed-dev $(VNU_STAMP)
	$(MANAGE) compiletranslations
	@# The bulk of the suite on every core (pytest-xdist: one database per worker).
	$(VENV)/bin/pytest -m "not services" -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@# Tests that start servers and flush the database run in a process of their own, so their
	@# flushes cannot disturb the rest of the suite's database state.
	$(VENV)/bin/pytest -m services $(PYTEST_ARGS)

# The browser tests alone (Debian's Chromium: apt-get install chromium).
test-e2e: $(VENV)/.installed-dev
	$(MANAGE) compiletranslations
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

bench: $(VENV)/.installed-dev
	.ci/packages --bench
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles media-test .pytest_cache .cache
