# The README's two commands are `make run` and `make test`; CI runs `make test` through .ci/run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench bench-ask bench-questions bench-understand bench-load kb-check chat clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat
run: $(STAMP)
	$(PY) -m bot

## the whole test suite: lint, types, knowledge base, unit, golden and end-to-end tests
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/ipbot kb check
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

kb-check: $(STAMP)
	$(VENV)/bin/ipbot kb check

## benchmarks: numbers about accuracy and speed (never asserted as timings in tests)
bench: bench-ask bench-questions bench-understand bench-load

bench-ask: $(STAMP)
	$(PY) -m bench.ask_bench

bench-questions: $(STAMP)
	$(PY) -m bench.questionnaire_bench

bench-understand: $(STAMP)
	$(PY) -m bench.understand_bench

bench-load: $(STAMP)
	$(PY) -m bench.load_bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
