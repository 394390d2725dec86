# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEV    := $(VENV)/.dev-installed
RUN    := $(VENV)/.run-installed
# two workers, a test file to each at a time (module fixtures stay on one worker), heaviest files first
# (tests/conftest.py orders them; xdist must not reorder by test count); slowest tests listed;
# a crashed worker is not replaced (replacing one under loadfile can deadlock): the run ends, failed
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder --max-worker-restart=0 --durations=15
# the fast lane leaves out what the markers in pyproject.toml name as slow or needing more than Python
FAST_TESTS := not slow and not models and not postgres and not browser and not e2e

.PHONY: demo test test-fast lint types imports unit install dev clean docs bench

# tests write bytecode even where the shell says not to: every worker and CLI subprocess of the suite
# would otherwise compile the sources (and pytest rewrite the test files) again, about 10 s each worker
test test-fast: export PYTHONDONTWRITEBYTECODE :=

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN): pyproject.toml scripts/install.sh scripts/build-llama.sh | $(BIN)/python
	@scripts/install.sh $(BIN)/python demo
	@touch $@

$(DEV): pyproject.toml scripts/install.sh scripts/build-llama.sh | $(BIN)/python
	@scripts/install.sh $(BIN)/python dev
	@touch $@ $(RUN)

install: $(RUN)
dev: $(DEV)

## demo: create .venv, install, run a full offline round against the bundled local model, write a report
demo: $(RUN)
	$(BIN)/redline demo

## test: install dev dependencies, then lint, types, layer contracts and the whole test suite
test: $(DEV)
	@scripts/ensure-postgres.sh
	@scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m redline.devtools.docs --check
	$(BIN)/pytest $(PYTEST_ARGS)

## test-fast: lint, types, layer contracts and the tests that need no bundled model, PostgreSQL or browser
test-fast: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS) -m "$(FAST_TESTS)"

docs: $(DEV)
	$(BIN)/python -m redline.devtools.docs --write

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache test-artifacts
