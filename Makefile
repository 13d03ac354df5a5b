# Each target installs what it needs into .venv first, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVE_STAMP := $(VENV)/.installed-serve
UI_STAMP := $(VENV)/.installed-ui

.PHONY: install serve serve-authentik test test-ui soak corpus corpus-list corpus-popular bench format fixtures clean

# Serving needs only the package; the tests add their tools (Schemathesis, ruff, clients).
$(SERVE_STAMP): pyproject.toml
	@echo "Installing mock-server into $(VENV) (once, about 20 s)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@# Bytecode written once, as pip writes it for an installed package (an editable install
	@# otherwise compiles every module at every start where PYTHONDONTWRITEBYTECODE is set).
	$(BIN)/python -m compileall -q specdouble
	touch $(SERVE_STAMP)

$(STAMP): $(SERVE_STAMP)
	@echo "Installing the test tools into $(VENV) (once, about 40 s)..."
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## Only install (into .venv)

serve: $(SERVE_STAMP)  ## Serve the built-in data on http://127.0.0.1:8000
	$(BIN)/mock-server serve

serve-authentik: $(SERVE_STAMP)  ## authentik's whole API (fetched once from npm) on :8000; UI=DIR serves its interface too
	$(BIN)/mock-server serve --authentik $(if $(UI),--ui $(UI))

test: $(STAMP)  ## Lint, then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The browser test drives the system's Chromium (Debian's package) with Playwright from PyPI.
$(UI_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[ui]'
	command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }
	touch $(UI_STAMP)

test-ui: $(UI_STAMP)  ## A day's work in authentik's web interface, in Chromium: UI=<a built authentik web>
	@test -n "$(UI)" || { echo "make test-ui needs UI=<folder of a built authentik web, with dist/>"; exit 2; }
	AUTHENTIK_WEB=$(abspath $(UI)) $(BIN)/pytest tests/server/test_interface_day.py

soak: $(STAMP)  ## 32 clients doing CRUD for a minute, one process and two workers
	MOCK_SERVER_SOAK_SECONDS=60 $(BIN)/pytest tests/server/test_reliability.py -k concurrent_crud

# DRAW=N documents drawn anew each run (SEED=S replays a draw), plus every example document.
DRAW ?= 100
corpus: $(STAMP)  ## Documents nobody here picked (a fresh draw), each served and fuzzed: rate, classes
	$(BIN)/python -m tests.corpus.judge --draw $(DRAW) $(if $(SEED),--draw-seed $(SEED)) --seconds 20

corpus-list: $(STAMP)  ## The 44 listed real-world documents (npm, pinned): a Markdown table
	$(BIN)/python -m tests.corpus.judge

corpus-popular: $(STAMP)  ## The documents people mock most (GitHub, Stripe, OpenAI, ...)
	$(BIN)/python -m tests.corpus.judge --popular

bench: $(STAMP)  ## The benchmark: a Markdown table and a plot in bench/ (installs wrk if missing)
	$(BIN)/python bench/run.py --compare prism

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

fixtures: $(STAMP)  ## Regenerate the committed fixtures (same seed, same bytes)
	$(BIN)/mock-server fixtures --seed 42 --count 150

clean:
	rm -rf $(VENV)
