# xavier: build the site and run the tests.
#
#   make html       build the site into _build/html (creates .venv and node_modules when needed;
#                   does nothing when no input changed since the last build)
#   make test       build the site and the PDF edition, then run pytest and the pages' doctests
#   make pdf        print the built site into one PDF, _build/pdf/xavier.pdf (the PDF edition),
#                   and offer it in every page's download menu
#   make doctest    run the {doctest}/{testcode} blocks of the pages (Sphinx doctest builder)
#   make linkcheck  check the external links of the site (needs the network; run by hand)
#   make bench      run the benchmarks in bench/ (torch, optional, is not in the lock file)
#   make lock       rewrite requirements.lock from the current .venv
#   make clean      remove _build (the site, the doctrees and the execution cache)

SHELL := /bin/bash
# No built-in implicit rules (C compilers, RCS, SCCS): make would otherwise search them for each of
# the site's ~70 input files on every `make html`, most of its no-op time.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DEFAULT_GOAL := html

PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SPHINXBUILD := $(VENV)/bin/sphinx-build
BUILD := _build
# -T: an error's whole traceback on the terminal. With -j, a page whose cell raised fails in a
# worker process, and without -T Sphinx prints only "ExecutionError: <page>", the cell's own
# traceback going to a file in /tmp (tests/build/test_page_errors.py).
SPHINXOPTS ?= -nW --keep-going -T -j auto -d $(BUILD)/doctrees

# Same bytes from two clean builds: dates in figure metadata, hash ordering in kernels.
export SOURCE_DATE_EPOCH := 0
export PYTHONHASHSEED := 0

VENV_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: html pdf test doctest linkcheck bench lock clean browser FORCE

# -- Python environment: .venv from requirements.lock, xavier installed editable ----------------
$(VENV_STAMP): requirements.lock pyproject.toml
	@echo ">>> Creating $(VENV) from requirements.lock"
	@$(PYTHON3) -m venv $(VENV) || { \
	  echo "!!! '$(PYTHON3) -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv"; \
	  exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@
	@echo ">>> $(VENV) is ready"

# -- npm: MathJax 4 and its font (run by Node at build time, docs/_ext/buildmath.py), d3, axe-core -
$(NPM_STAMP): package-lock.json package.json
	@echo ">>> Installing MathJax 4, its font, PurgeCSS, d3 and axe-core with npm ci"
	@command -v npm >/dev/null || { echo "!!! npm not found. On Debian/Ubuntu: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# -- Browser for the page tests ----------------------------------------------------------------
# Debian's chromium, installed with apt-get when missing (CI starts without it).
browser:
	@bash scripts/ensure_browser.sh

# -- Site ----------------------------------------------------------------------------------------
# Sphinx itself rebuilds only what changed; make skips it altogether when no input of the site is
# newer than the last successful build: the pages and their modules (docs/), the library (xavier/),
# conf.py, this Makefile, SPHINXOPTS (kept in a file that changes when they do), the installed
# packages (the two stamps). Sphinx alone takes a few seconds to find that nothing changed.
# Every file under docs/ and xavier/ but bytecode, found by make itself (no shell is started when
# nothing changed: the no-op costs make's own start, about 10 ms). rwildcard: the files under each
# directory of $(1), recursively; a name with a '/.' inside is a directory.
rwildcard = $(foreach p,$(wildcard $(addsuffix /*,$(1))),$(if $(wildcard $(p)/.),$(call rwildcard,$(p)),$(p)))
SITE_INPUTS := conf.py Makefile $(filter-out %.pyc %.pyo %.pyd,$(foreach f,$(call rwildcard,docs xavier),$(if $(findstring /__pycache__/,$(f)),,$(f))))
SITE_OPTIONS := $(BUILD)/html-options
HTML_STAMP := $(BUILD)/html-built
ifneq ($(file <$(SITE_OPTIONS)),$(SPHINXOPTS))
$(shell mkdir -p $(BUILD))
$(file >$(SITE_OPTIONS),$(SPHINXOPTS))
endif

html: $(HTML_STAMP)

$(HTML_STAMP): $(SITE_INPUTS) $(SITE_OPTIONS) $(VENV_STAMP) $(NPM_STAMP) $(if $(wildcard $(BUILD)/html/index.html),,FORCE)
	@echo ">>> Building the site into $(BUILD)/html"
	$(SPHINXBUILD) -b html $(SPHINXOPTS) -c . docs $(BUILD)/html
	@touch $@
	@echo ">>> Site built: open $(BUILD)/html/index.html"

FORCE:

# -- PDF edition -----------------------------------------------------------------------------------
# Chromium prints the built site, in reading order, into one PDF (scripts/make_pdf.py; a few
# minutes on two cores). Then the HTML build runs again: docs/_ext/pdf_edition.py finds the PDF,
# copies it beside the site and, the first time, writes every page again with the PDF in its
# download menu (no page is read or executed again). `make html` alone never prints: it offers the
# last PDF made, or none before the first `make pdf`. Reprinted when the site was rebuilt.
PDF := $(BUILD)/pdf/xavier.pdf

pdf: $(PDF)

$(PDF): $(HTML_STAMP) scripts/make_pdf.py | browser
	@echo ">>> Printing the site into $(PDF)"
	$(PY) scripts/make_pdf.py $(BUILD)/html $(PDF)
	$(SPHINXBUILD) -b html $(SPHINXOPTS) -c . docs $(BUILD)/html
	@touch $(HTML_STAMP) && touch -r $(HTML_STAMP) $(PDF)
	@echo ">>> PDF edition written: $(PDF)"

doctest: $(VENV_STAMP)
	@echo ">>> Running the pages' doctests"
	$(SPHINXBUILD) -b doctest $(SPHINXOPTS) -c . docs $(BUILD)/doctest

linkcheck: $(VENV_STAMP)
	@echo ">>> Checking external links (needs the network)"
	$(SPHINXBUILD) -b linkcheck $(SPHINXOPTS) -c . docs $(BUILD)/linkcheck

# -- Tests ---------------------------------------------------------------------------------------
test: html browser pdf
	@echo ">>> Running pytest (unit tests, docstring examples, page tests, the PDF edition)"
	$(PY) -m pytest
	@$(MAKE) --no-print-directory doctest
	@echo ">>> All tests passed"

# -- Benchmarks ----------------------------------------------------------------------------------
# Lighthouse (110 MB of node modules) is for the reader benchmark alone: installed apart, in
# bench/lighthouse, so that `make html` and the root `npm ci` never fetch it.
LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed
$(LIGHTHOUSE_STAMP): bench/lighthouse/package-lock.json bench/lighthouse/package.json
	@echo ">>> Installing Lighthouse for the reader benchmark with npm ci (bench/lighthouse)"
	npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
	@touch $@

bench: $(VENV_STAMP) $(NPM_STAMP) $(LIGHTHOUSE_STAMP)
	@echo ">>> Running benchmarks (bench/); torch is optional: $(PY) -m pip install torch==2.13.0"
	$(PY) -m bench $(BENCHOPTS)

# -- Maintenance ---------------------------------------------------------------------------------
lock: $(VENV_STAMP)
	@echo ">>> Rewriting requirements.lock from $(VENV)"
	@{ sed -n '/^#/!q;p' requirements.lock; \
	   $(PY) -m pip freeze --all --exclude-editable | grep -viE '^(pip|xavier)=='; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock
	@touch $(VENV_STAMP)

clean:
	rm -rf $(BUILD)
