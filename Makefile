# Territoria — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/territoria_ci
# Test processes (pytest-xdist): "auto" is one per CPU; 0 runs the suite in this process.
TEST_WORKERS ?= auto
export TERRITORIA_DATA_DIR ?= $(CURDIR)/var

.PHONY: run install migrate demo serve test lint typecheck test-sqlite test-postgres migrations-check bench messages screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/territoria migrate --no-input

demo: migrate
	$(BIN)/territoria demo

## make run: everything a newcomer needs, then the portal at http://127.0.0.1:8000
run: demo
	@echo "Territoria : http://127.0.0.1:8000  (comptes de démonstration ci-dessus ; superutilisateur : $(BIN)/territoria createsuperuser)"
	@$(BIN)/territoria worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/territoria runserver 127.0.0.1:8000

serve: migrate
	$(BIN)/territoria collectstatic --no-input
	$(BIN)/territoria serve

lint: install
	$(BIN)/ruff check territoria
	$(BIN)/ruff format --check territoria

typecheck: install
	$(BIN)/mypy territoria

migrations-check: install
	$(BIN)/territoria makemigrations --check --dry-run

test-sqlite: install
	TERRITORIA_DATABASE_URL= $(BIN)/pytest -q -n $(TEST_WORKERS)

## PostgreSQL: mandatory in CI (CI=true), skipped with a warning elsewhere when the server is down.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		TERRITORIA_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n $(TEST_WORKERS) --create-db; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERREUR : PostgreSQL injoignable sur 127.0.0.1:5432 ; la CI exige les deux bases." >&2; exit 1; \
	else \
		echo "ATTENTION : PostgreSQL injoignable, tests PostgreSQL sautés (obligatoires en CI)." >&2; \
	fi

test: lint typecheck migrations-check test-sqlite test-postgres

bench: install
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run.py

messages: install
	cd territoria && ../$(BIN)/territoria makemessages -l en --no-obsolete && ../$(BIN)/territoria compilemessages

screenshot: install
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
