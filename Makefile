# Two commands matter: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALES := soplib/locale
# The compiled catalogues (not in git): `pip install -e` compiles them (setup.py), and these rules
# recompile one whenever its .po is newer, so a translation edited by hand shows at once.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/soplib.po))

.PHONY: demo test lint bench bench-large bench-print bench-pack catalogues clean

$(BIN)/sop: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/sop

$(LOCALES)/%/LC_MESSAGES/soplib.mo: $(LOCALES)/%/LC_MESSAGES/soplib.po | $(BIN)/sop
	$(BIN)/pybabel compile --domain=soplib --directory=$(LOCALES) --locale=$*

# Messages in the code (soplib/catalogues.py: what a message is) -> every language's .po (new messages
# added with an empty msgstr, gone ones dropped, sorted) -> .mo; lists what is still untranslated.
# Translate the new entries in soplib/locale/id/LC_MESSAGES/soplib.po, then run this again.
catalogues: $(BIN)/sop
	$(BIN)/python -m soplib.catalogues

demo: $(BIN)/sop $(CATALOGUES)
	$(BIN)/sop demo

lint: $(BIN)/sop $(CATALOGUES)
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

# One SOP printed to PDF, warm (median of runs); the goal is under 1 s.
bench-print: $(BIN)/sop $(CATALOGUES)
	$(BIN)/python bench/bench_print.py

# The evidence pack of 200 SOPs with their evidence (median of 3); the goal is under 60 s.
bench-pack: $(BIN)/sop $(CATALOGUES)
	$(BIN)/python bench/bench_pack.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(CATALOGUES)
