# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export TRACKER_ENV ?= development
# One worker per core; set PYTEST_WORKERS=0 to run in one process.
PYTEST_WORKERS ?= auto

.PHONY: demo test bench fuzz install install-dev serve clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install  ## build the demo database (SQLite under instance/) and serve it on http://127.0.0.1:5000
	$(BIN)/flask --app tracker db upgrade
	$(BIN)/flask --app tracker demo
	$(BIN)/flask --app tracker run --host 127.0.0.1 --port 5000

test: install-dev  ## the whole suite (SQLite; also PostgreSQL when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install-dev  ## every benchmark under bench/, medians printed and written to bench/results/
	$(BIN)/python -m bench

translations: install  ## after changing a message: extract, merge into every catalogue, compile (README, "Languages")
	$(BIN)/pybabel -q extract -F tracker/translations/babel.cfg -k lazy_gettext -k _l --no-location --sort-output -o tracker/translations/messages.pot .
	$(BIN)/pybabel -q update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d tracker/translations

# Cases of `make fuzz` over all importers (`make test` runs a few hundred of the same).
FUZZ_EXAMPLES ?= 10000
fuzz: install-dev  ## every importer on FUZZ_EXAMPLES mutated real files; counts in bench/results/fuzz_imports.json
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_REPORT=bench/results/fuzz_imports.json \
		$(BIN)/python -m pytest tests/test_fuzz_imports.py -n 0 -q -p no:cacheprovider
	@cat bench/results/fuzz_imports.json

clean:
	rm -rf $(VENV) instance/tracker.db bench/results .pytest_cache
