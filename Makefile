# Wirkungsmonitor — every target bootstraps the environment on first use.
# uv is used when it is on PATH, otherwise python3 -m venv + pip. Nothing is installed globally.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= data/outcomes.duckdb
PORT   ?= 8501
UV     := $(shell command -v uv 2>/dev/null)

.PHONY: run test test-fast browser-deps bench demo lock clean help

help:
	@echo "make run    - set up, build the demo database, open the dashboard on http://localhost:$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - run the benchmark (figures to stdout and bench/results.json)"

$(STAMP): requirements.lock pyproject.toml
ifdef UV
	$(UV) venv --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --python $(BIN)/python requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
else
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
endif
	@touch $(STAMP)

$(DB): $(STAMP)
	$(BIN)/outcomes demo --db $(DB)

demo: $(STAMP)
	$(BIN)/outcomes demo --db $(DB) --force

run: $(STAMP) $(DB)
	OUTCOMES_DB=$(DB) $(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# the suite on every core (pytest-xdist; a test file stays on one worker, so its server and browser start once)
XDIST  ?= -n auto --maxprocesses 4 --dist loadfile

test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "not browser and not postgres and not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/outcomes bench $(BENCH_ARGS)

lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache
