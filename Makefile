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
NBVAL := $(BIN)/pytest -p no:cacheprovider --nbval-current-env \
	--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 3600

.PHONY: all plan test unit-test nbval data lint clean venv badges html test-html export-code instructor seed-spread $(NAMES)

# A notebook is executed when something it executes changed since it last ran here: its code
# cells, the cnnlab modules it imports, the environment or the profile (`make plan` says
# which); a fresh clone runs them all, FORCE=1 runs them regardless.
RUN := $(BIN)/python -m cnnlab_build run $(if $(filter 1 yes true,$(FORCE)),--force)

all: $(INSTALLED)
	@$(RUN) $(NOTEBOOKS)

$(NAMES): %: $(INSTALLED)
	@$(RUN) notebooks/$@.ipynb

# The instructor edition: build/instructor/ holds each notebook with its exercise cells filled
# from solutions/ and executed (profile CNNLAB_PROFILE, default full); it fails unless every
# check says solved.
instructor: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build instructor $(NOTEBOOKS)

# The notebook's results from other seeds beside its committed run (not part of `all`: each
# seed is a whole run of 05, 2,645 s with nothing stored on the 2-core machine with bfloat16
# hardware): reports/seed_spread_05_cifar10_inception.txt. SEEDS="43 44" by default.
SEEDS ?= 43 44
seed-spread: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build seeds notebooks/05_cifar10_inception.ipynb $(SEEDS)

plan: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build plan $(NOTEBOOKS)

venv: $(INSTALLED)

# The Pythons that are tested (3.11 with the pins, 3.13 in test-colab); requires-python in
# pyproject.toml says the same. The floor is the pinned soupsieve's.
PYTHON_MIN := 3.11.5
PYTHON_MAX := 3.13
# The Python of venv $(1): its own once it exists (pip would use that one), else $(2).
venv_python = $(if $(wildcard $(1)/bin/python),$(1)/bin/python,$(2))
# What is wrong with the Python $(1) ("is 3.10.13", "not found"); nothing if it is supported.
python_problem = $(shell $(1) -c 'import sys; v = sys.version_info[:3]; \
	lo = tuple(map(int, "$(PYTHON_MIN)".split("."))); hi = tuple(map(int, "$(PYTHON_MAX)".split("."))); \
	print("" if lo <= v and v[:2] <= hi else "is %d.%d.%d" % v)' 2>/dev/null || echo "not found")
# Stops make in one line if venv $(1) would get an unsupported Python from variable $(2).
check_python = $(if $(call python_problem,$(call venv_python,$(1),$($(2)))),$(error \
	$(call venv_python,$(1),$($(2))) $(call python_problem,$(call venv_python,$(1),$($(2)))); \
	cnnlab needs Python $(PYTHON_MIN)–$(PYTHON_MAX) \
	($(if $(wildcard $(1)/bin/python),rm -rf $(1) and )set $(2)=...)))
# What pip installs against: the pins, or (test-colab) Colab's versions of a few packages.
REQUIREMENTS := -c constraints.txt

# The kernel config keeps TensorFlow's C++ start-up chatter (written straight to file
# descriptor 2, timestamped) out of notebook outputs; it still reaches the run's log.
$(INSTALLED): pyproject.toml constraints.txt etc/ipython/ipython_kernel_config.json
	$(call check_python,$(VENV),PYTHON)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing cnnlab and its dependencies ($(REQUIREMENTS)) into $(VENV) ..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check $(REQUIREMENTS) -e '.[dev,notebooks]'
	@install -D -m 644 etc/ipython/ipython_kernel_config.json $(VENV)/etc/ipython/ipython_kernel_config.json
	@touch $@

# Colab badges and set-up cells, rewritten from the repository URL in pyproject.toml.
badges: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build colab $(NOTEBOOKS)

data: $(INSTALLED)
	@$(BIN)/python -m cnnlab.data fetch all

test: unit-test nbval

# The book's extra too: tests/test_book.py builds a small book.
unit-test: $(INSTALLED) $(VENV)/.installed-book
	@MPLBACKEND=Agg $(BIN)/pytest -p no:cacheprovider --ignore=tests/browser tests

# The regression re-runs notebooks on the smoke budget unless told otherwise, once per oneDNN
# instruction-set cap in NBVAL_ISAS ("default": whatever this CPU has; AVX2: what most laptops
# and CI runners have), strict and lax notebooks alike. Every run happens even after a failure,
# so one failing notebook cannot hide another; the target fails if any run failed.
# Where the CPU has no AVX-512 (AMX implies it), its default path already is the AVX2 one and
# the second pass would repeat the first: it runs once there.
CPUINFO ?= /proc/cpuinfo
NBVAL_ISAS ?= default $(if $(shell grep -m1 -ow avx512f $(CPUINFO) 2>/dev/null),AVX2)
NBVAL_DIR ?= notebooks
nbval: export CNNLAB_PROFILE := $(or $(CNNLAB_PROFILE),smoke)
nbval: $(INSTALLED)
	@failed=""; runs=0; \
	 for isa in $(NBVAL_ISAS); do \
	   for mode in strict lax; do \
	     books="$$($(BIN)/python -m cnnlab_build list $$mode --folder $(NBVAL_DIR))" \
	       || { failed="$$failed list/$$mode"; continue; }; \
	     [ -n "$$books" ] || continue; \
	     flag=$$([ $$mode = strict ] && echo --nbval || echo --nbval-lax); \
	     cap=$$([ $$isa = default ] || echo ONEDNN_MAX_CPU_ISA=$$isa); \
	     echo "== nbval $$mode, oneDNN ISA $$isa: $$books"; \
	     runs=$$((runs + 1)); \
	     env $$cap $(NBVAL) $$flag $$books || failed="$$failed $$mode/$$isa"; \
	   done; \
	 done; \
	 if [ -n "$$failed" ]; then echo "nbval failed:$$failed"; exit 1; fi; \
	 if [ $$runs = 0 ]; then echo "nbval checked nothing (NBVAL_ISAS empty?)"; exit 1; fi

# The course book of the executed notebooks (Sphinx, MyST-NB, never re-executed; works offline)
# and its test in a real browser: Playwright on the system Chromium, installed from Debian if
# missing (Playwright's own browser download is not used).
# Each extra is installed once per venv (again when the pins or dependency lists change).
$(VENV)/.installed-%: $(INSTALLED)
	@$(BIN)/python -m pip install -q --disable-pip-version-check $(REQUIREMENTS) -e '.[$*]'
	@touch $@

html: $(VENV)/.installed-book
	@MPLBACKEND=Agg $(BIN)/python -m cnnlab_build book build/html $(NOTEBOOKS)

test-html: html $(VENV)/.installed-browser
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	@$(BIN)/pytest -p no:cacheprovider tests/browser

# The lesson code is written in the notebooks; cells marked `#| export cnnlab.NAME` are
# written into src/cnnlab/NAME.py, and lint fails while the two disagree.
export-code: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build export $(NOTEBOOKS)

lint: $(INSTALLED)
	@$(BIN)/python -m cnnlab_build export --check $(NOTEBOOKS)
	@$(BIN)/ruff check src tests benchmarks solutions $(NOTEBOOKS)
	@$(BIN)/ruff format --check src tests benchmarks solutions $(NOTEBOOKS)
	@$(BIN)/mypy

clean:
	rm -rf $(STAMPS) build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

# The Colab-like stack, in its own venv: the newest Python that TensorFlow has wheels for, the
# tensorflow, keras and numpy that Colab ships (sources in .github/workflows/ci.yml) and the
# rest as PyPI resolves it, no pins. Same unit tests and smoke regression as `make test`.
COLAB_PYTHON ?= python3.13
COLAB_VENV := .venv-colab
COLAB_VERSIONS := tensorflow==2.20.0 keras==3.13.2 numpy==2.1.3

.PHONY: test-colab
test-colab:
	$(call check_python,$(COLAB_VENV),COLAB_PYTHON)
	@mkdir -p $(COLAB_VENV) && echo '*' > $(COLAB_VENV)/.gitignore  # .gitignore names only .venv/
	@[ "$$(cat $(COLAB_VENV)/.versions 2>/dev/null)" = "$(COLAB_VERSIONS)" ] || \
	 { rm -f $(COLAB_VENV)/.installed; echo "$(COLAB_VERSIONS)" > $(COLAB_VENV)/.versions; }
	@$(MAKE) --no-print-directory unit-test nbval VENV=$(COLAB_VENV) PYTHON=$(COLAB_PYTHON) \
	 REQUIREMENTS='$(COLAB_VERSIONS)'
