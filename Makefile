# Two commands matter: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench bench-large clean

$(BIN)/sop: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/sop

demo: $(BIN)/sop
	$(BIN)/sop demo

lint: $(BIN)/sop
	$(BIN)/ruff check soplib sop_store tests bench
	$(BIN)/ruff format --check soplib sop_store tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The scale benchmarks beside plain git (docs/benchmarks.md); ~10 min on 2 vCPUs.
bench: $(BIN)/sop
	$(BIN)/python bench/run.py

# The 20,000 staff x 500 SOPs x 2,000,000 acknowledgements tier (~6 min more).
bench-large: $(BIN)/sop
	$(BIN)/python bench/run.py --tier large

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
