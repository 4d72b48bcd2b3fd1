# The two commands the README promises: `make all` (execute every notebook) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STAMPS := .stamps

# Quiet TensorFlow; a fixed hash seed so set iteration order cannot change outputs.
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NAMES := $(notdir $(NOTEBOOKS:.ipynb=))
SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
NBVAL := $(BIN)/pytest -p no:cacheprovider --nbval-current-env \
	--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 3600

.PHONY: all test unit-test nbval data lint clean venv badges html test-html $(NAMES)

all: $(NAMES:%=$(STAMPS)/%.done)

$(NAMES): %: $(STAMPS)/%.done

venv: $(INSTALLED)

# The kernel config keeps TensorFlow's C++ start-up chatter (written straight to file
# descriptor 2, timestamped) out of notebook outputs; it still reaches the run's log.
$(INSTALLED): pyproject.toml constraints.txt etc/ipython/ipython_kernel_config.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing cnnlab and its pinned dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@install -D -m 644 etc/ipython/ipython_kernel_config.json $(VENV)/etc/ipython/ipython_kernel_config.json
	@touch $@

# A notebook re-runs when it, the package or the environment changed.
$(STAMPS)/%.done: notebooks/%.ipynb $(SRC) $(INSTALLED)
	@$(BIN)/python -m cnnlab.notebooks run $<
	@mkdir -p $(STAMPS) && touch $@

# Colab badges and set-up cells, rewritten from the repository URL in pyproject.toml.
badges: $(INSTALLED)
	@$(BIN)/python -m cnnlab.notebooks colab $(NOTEBOOKS)

data: $(INSTALLED)
	@$(BIN)/python -m cnnlab.data fetch all

test: unit-test nbval

unit-test: $(INSTALLED)
	@MPLBACKEND=Agg $(BIN)/pytest -p no:cacheprovider --ignore=tests/browser tests

# The regression re-runs notebooks on the smoke budget unless told otherwise.
nbval: export CNNLAB_PROFILE := $(or $(CNNLAB_PROFILE),smoke)
nbval: $(INSTALLED)
	@strict="$$($(BIN)/python -m cnnlab.notebooks list strict)"; \
	 lax="$$($(BIN)/python -m cnnlab.notebooks list lax)"; \
	 if [ -n "$$strict" ]; then $(NBVAL) --nbval $$strict; fi && \
	 if [ -n "$$lax" ]; then $(NBVAL) --nbval-lax $$lax; fi

# A static site of the executed notebooks, and its test in a real (headless) browser.
html: $(INSTALLED)
	@$(BIN)/python -m cnnlab.site build/html $(NOTEBOOKS)

test-html: $(INSTALLED)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	 { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[browser]'
	@$(BIN)/pytest -p no:cacheprovider tests/browser

lint: $(INSTALLED)
	@$(BIN)/ruff check src tests benchmarks $(NOTEBOOKS)
	@$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(STAMPS) build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
