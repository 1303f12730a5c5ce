# Comptoir — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast test-browser check bench install demo migrate clean

$(UV):
	@echo "→ uv introuvable : installation dans .tools/"
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ops_optimize

demo: migrate
	$(PY) manage.py demo_load

## Run Comptoir with the demo workspace on the embedded SQLite database, plus the worker.
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Comptoir : http://127.0.0.1:$(PORT)/"
	@echo "  Connexions de démonstration (mot de passe : comptoir-demo)"
	@echo "    claire@duret.example   — assistante (agent)"
	@echo "    gaetan@duret.example   — technicien"
	@echo "    karim@duret.example    — technicien"
	@echo "    sophie@duret.example   — responsable (administratrice)"
	@echo "    marc@duret.example     — commercial (Vente, Privé, E-mail)"
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py run_huey --workers 2 --flush-locks & \
	  DEBUG=$${DEBUG:-0} $(VENV)/bin/uvicorn comptoir.asgi:application --host 127.0.0.1 --port $(PORT) --no-access-log --lifespan off

## The whole suite: unit, integration and browser tests.
test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not browser"

test-browser: install
	$(PY) -m pytest -q -m browser

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy comptoir
	$(VENV)/bin/lint-imports
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) .ci/check_translations.py

## Benchmarks: BENCH_PEOPLE, BENCH_COMPANIES, BENCH_INTERACTIONS set the size.
bench: install
	$(PY) bench/run.py
	$(PY) bench/imports.py
	$(PY) bench/scheduling.py

clean:
	rm -rf $(VENV) .tools var/*.sqlite3* var/static
