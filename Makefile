# Two commands matter (README): `make dev` runs the intranet, `make test` runs every test.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LS_VENV := .venv-localstripe

.PHONY: install dev test test-fast migrate seed lint format check messages clean

# Python packages (pinned), localstripe in its own venv (it pins its own aiohttp), front-end
# libraries from npm, compiled translations and collected static files.
$(STAMP): requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(LS_VENV)/.installed: requirements-localstripe.txt
	$(PY) -m venv $(LS_VENV)
	$(LS_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-localstripe.txt
	touch $(LS_VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

install: $(STAMP) $(LS_VENV)/.installed node_modules/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.venv-localstripe --ignore=node_modules --ignore=var -v0
	$(BIN)/python manage.py collectstatic --noinput -v0

dev: install
	./scripts/dev.sh

migrate: install
	$(BIN)/python manage.py migrate

seed: migrate
	$(BIN)/python manage.py seed_demo

# Everything the suite needs (Debian packages, private PostgreSQL and Redis under var/ unless
# DATABASE_URL / REDIS_URL are set), then every test, in parallel: scripts/test.sh.
test: install
	./scripts/test.sh

# The inner loop: the same without the browser journeys.
test-fast: install
	TEST_MARK="not browser" ./scripts/test.sh

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

check:
	$(BIN)/python manage.py check && $(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the .po files after changing UI strings (then translate the new entries).
messages:
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=.venv-localstripe --ignore=node_modules --ignore=var --ignore=tests --ignore=bench

clean:
	rm -rf $(VENV) $(LS_VENV) node_modules var/staticfiles
