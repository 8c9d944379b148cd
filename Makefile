# Monozukuri Portal: `make run` serves the portal with demo data, `make test` checks everything.
# With DATABASE_URL unset, both use a project-local PostgreSQL cluster in .pg/ (portal/devdb.py).

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := portal.settings
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint fmt bench db db-stop messages clean backup restore serve-prod

# The venv, re-created when it is missing or older than Python 3.12.
$(VENV)/.python-ok:
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    python=$$(scripts/find-python) || exit 1; \
	    echo "Creating $(VENV) with $$python"; \
	    rm -rf $(VENV) && "$$python" -m venv $(VENV); \
	fi
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

db: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m portal.devdb start; fi

db-stop:
	@$(PY) -m portal.devdb stop

run: db
	@scripts/pdf-fonts || echo "PDFs will use a fallback Japanese font (slower)."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "  Monozukuri Portal: http://127.0.0.1:$(PORT)/   (English: http://127.0.0.1:$(PORT)/en/, staff: /admin/)"
	@echo
	@# the task worker (e-mail, reminders, lottery draws) runs beside the web server and stops with it
	$(PY) manage.py db_worker --interval 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	    $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test db
	scripts/system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# The production stack on 127.0.0.1:8001 (gunicorn with 2 workers, WhiteNoise, the task worker): scripts/serve-prod.
serve-prod: $(VENV)/.installed db
	@scripts/pdf-fonts || true
	scripts/serve-prod

# A dated backup of the database and the uploaded media (backups/portal-YYYYMMDD-HHMMSS.tar, portal/backup.py).
backup: db
	$(PY) manage.py backup

# make restore FILE=backups/portal-….tar: replaces the database's contents and restores the media.
restore: db
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=backups/portal-YYYYMMDD-HHMMSS.tar"; exit 2; fi
	$(PY) manage.py restore "$(FILE)"

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-test db
	@scripts/pdf-fonts || echo "PDFs will use a fallback Japanese font (slower)."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --tours 10000
	$(PY) bench/run.py

# Refresh the Japanese catalogue after changing strings (needs gettext), then translate and compile.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l ja --no-location --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l ja --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles
