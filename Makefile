# Every target creates .venv itself, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install demo test lint fmt golden bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/repurpose inspect examples/scraped-launch-notes.txt
	$(BIN)/repurpose render examples/ -o out/demo
	@echo "demo: open out/demo/<article>/email.html in a browser; threads, FAQ and manifest.json are beside it"
	$(BIN)/repurpose schedule examples/product-update.md --calendar launch --audience examples/audience.csv --dry-run
	@ls -d out/demo/*/

test: $(STAMP)
	@. scripts/test-services.sh && $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/lint-imports --no-cache

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

golden: $(STAMP)
	$(BIN)/python -m pytest tests -m golden --update-golden -q

bench: $(STAMP)
	@. scripts/test-services.sh && $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
