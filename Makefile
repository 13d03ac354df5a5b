# Each target installs what it needs into .venv first, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test bench format fixtures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## Only install (into .venv)

serve: $(STAMP)  ## Serve the built-in data on http://127.0.0.1:8000
	$(BIN)/mock-server serve

test: $(STAMP)  ## Lint, then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: $(STAMP)  ## The benchmark: a Markdown table and a plot in bench/ (installs wrk if missing)
	$(BIN)/python bench/run.py --compare prism

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

fixtures: $(STAMP)  ## Regenerate the committed fixtures (same seed, same bytes)
	$(BIN)/mock-server fixtures --seed 42 --count 150

clean:
	rm -rf $(VENV)
