# The README's two commands are `make run` and `make test`; CI runs `make test` through .ci/run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp

.PHONY: run test test-fast lint bench bench-ask bench-questions bench-understand bench-load bench-web bench-batch kb-check chat clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)

## run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat
run: $(STAMP)
	$(PY) -m bot

## the system packages and npm tools the browser tests need (Chromium, CJK fonts, axe-core, Lighthouse)
system-deps:
	bash scripts/install-system-deps.sh

## the whole test suite: lint, types, knowledge base, unit, golden and end-to-end tests (browser ones too)
test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ipbot kb check
	$(VENV)/bin/pytest -q -rs

## the edit-test loop: the same checks, without the end-to-end and process tests (marked slow)
test-fast: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/ipbot kb check
	$(VENV)/bin/pytest -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

kb-check: $(STAMP)
	$(VENV)/bin/ipbot kb check

## benchmarks: numbers about accuracy and speed (never asserted as timings in tests)
bench: bench-ask bench-questions bench-understand bench-load bench-web bench-batch

bench-ask: $(BENCH_STAMP)
	$(PY) -m bench.ask_bench

bench-questions: $(BENCH_STAMP)
	$(PY) -m bench.questionnaire_bench

bench-understand: $(STAMP)
	$(PY) -m bench.understand_bench

bench-load: $(BENCH_STAMP)
	$(PY) -m bench.load_bench

bench-web: $(STAMP) system-deps
	$(PY) -m bench.web_bench

bench-batch: $(STAMP)
	$(PY) -m bench.batch_bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
