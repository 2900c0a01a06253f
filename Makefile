# Everything a fresh machine needs: `make run` and `make test` create .venv and install on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A CPU build of torch; override for CUDA, e.g. `make TORCH='torch==2.13.0 --index-url …/cu126'`.
TORCH ?= torch==2.13.0
PROMPT ?= two apples left of a rocket on a purple background
ARGS ?=
MODEL_ARGS ?=

.PHONY: run generate test lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The service on the embedded defaults: SQLite, local objects in ./data, the built-in model.
run: $(BIN)/.installed
	$(BIN)/muralist serve $(ARGS)

generate: $(BIN)/.installed
	$(BIN)/muralist generate "$(PROMPT)" $(MODEL_ARGS) $(ARGS)

test: $(BIN)/.installed lint
	$(BIN)/python -m pytest -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
