# ogi — government information-disclosure annual reports → tidy, checked tables.
# `make help` lists the targets. Every target sets itself up: a fresh clone needs only `make run` and `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMPS := .stamps
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: help setup fonts run ingest notebooks test test-lib test-notebooks bench probe lab strip clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(STAMPS):
	@mkdir -p $(STAMPS)

$(PY):
	python3 -m venv $(VENV)

# Re-install only when the dependency list changes.
$(STAMPS)/installed: pyproject.toml | $(PY) $(STAMPS)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,ocr]'
	@touch $@

# A CJK font so charts render Chinese labels (Debian package; needs apt and root, as on CI).
$(STAMPS)/fonts: | $(STAMPS)
	@if fc-list :lang=zh 2>/dev/null | grep -qiE 'wqy|noto.*cjk|source han'; then \
	  echo "CJK font present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei fontconfig) >/dev/null; \
	else \
	  echo "No CJK font found and cannot apt-get install fonts-wqy-microhei: please install a CJK font (e.g. fonts-wqy-microhei or fonts-noto-cjk)." >&2; exit 1; \
	fi
	@touch $@

# LibreOffice converts old binary Word/WPS and Excel files (extract/convert.py); without it they are
# `failed` with the command to run. Installed where apt is ours, as the font is.
$(STAMPS)/libreoffice: | $(STAMPS)
	@if command -v soffice >/dev/null || command -v libreoffice >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui) >/dev/null || echo "LibreOffice not installed: .doc/.wps/.xls files will be failed with the command to run"; \
	else echo "no LibreOffice and no apt: .doc/.wps/.xls files will be failed with the command to run"; fi
	@touch $@

# pdftotext (poppler), only for the benchmark's side-by-side PDF timing; skipped where apt is not ours.
$(STAMPS)/poppler: | $(STAMPS)
	@if command -v pdftotext >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null || echo "poppler-utils not installed: the bench skips the pdftotext ratio"; \
	else echo "no pdftotext: the bench skips the pdftotext ratio"; fi
	@touch $@

setup: $(STAMPS)/installed $(STAMPS)/fonts $(STAMPS)/libreoffice ## create .venv, install the project (with OCR), a CJK font and LibreOffice (idempotent)

run: setup ## ingest data/raw → data/processed, execute the notebooks, write reports/index.html
	$(PY) -m ogi run --jobs $(JOBS)

ingest: setup ## only ingest data/raw → data/processed (Parquet)
	$(PY) -m ogi ingest --jobs $(JOBS)

test: setup ## lint (ruff: pyflakes, bugbear), the library tests (pytest), the notebook tests (nbval, on the shipped corpus)
	$(VENV)/bin/ruff check lib tests bench
	$(PY) -m pytest tests
	$(PY) -m ogi ingest --jobs $(JOBS)
	$(PY) -m pytest --nbval-lax notebooks

bench: setup $(STAMPS)/poppler ## speed benchmarks; prints a table and writes bench/results.md
	$(PY) bench/run.py

probe: setup ## the reader on the shipped real text reports re-shaped (line ends, script, page markers, lost lines…); writes bench/robustness.md, fails on a wrong cell
	$(PY) bench/perturb.py

lab: setup ## open the notebooks in JupyterLab
	$(VENV)/bin/jupyter lab notebooks/

strip: setup ## strip notebook outputs (keeps cells tagged keep_output)
	$(PY) -m ogi.nbhygiene notebooks/*.ipynb

clean: ## remove generated outputs (keeps .venv)
	rm -rf data/processed/*.parquet data/processed/cache reports $(STAMPS)
