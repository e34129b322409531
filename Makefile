# annotator: `make help` lists the targets.
SHELL := /bin/bash
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MODEL_DIR ?= models/default
# the model `make bench` times: the shipped one unless told
BENCH_MODEL ?= annotator/weights
# another model timed on torch-fp32 in the same run (e.g. BENCH_REFERENCE=models/sentence)
BENCH_REFERENCE ?=
CONFIG ?= configs/default.toml
POLNEAR_DIR ?=
SAMPLE ?= data/sample_article.txt
CORPUS := data/corpus/train.jsonl data/corpus/dev.jsonl data/corpus/calib.jsonl data/corpus/test.jsonl
WIKINEWS := $(patsubst data/corpus/%,data/wikinews/corpus/%,$(CORPUS))
# the compiled splits are build outputs (not in git): every target that reads them builds them first
DATA := $(CORPUS) $(WIKINEWS)
POLNEAR_ARG := $(if $(POLNEAR_DIR),--polnear $(POLNEAR_DIR),)
# RUN_SEEDS="13 14": one fine-tuning run per seed, averaged into one model (train.run_seeds)
RUN_SEEDS ?=
RUN_SEEDS_ARG := $(if $(RUN_SEEDS),--run-seeds $(RUN_SEEDS),)
# the default recipe's report (bundled + Wikinews), which a PolNeAR-trained model's bundled score is compared with
REFERENCE ?= eval/reports/default/metrics.json
export PYTHONHASHSEED := 0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help install data data-check train eval ship test test-slow test-wheel demo bench load lint format clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  \033[36m%-11s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON_BIN) >/dev/null || { echo "need $(PYTHON_BIN) on PATH"; exit 2; }
	$(PYTHON_BIN) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	# the CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q -e '.[dev,train,serve,scale,report]'
	@# Debian's Chromium for the browser test (Playwright drives it; no browser download)
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } || echo "note: no chromium; tests/test_browser.py will skip"
	touch $@

install: $(VENV)/.installed ## Create .venv with torch 2.13.0 (CPU), the project with its dev, train, serve, scale and report extras, and Debian's chromium

$(CORPUS) &: $(wildcard data/source/*.txt) annotator/corpora/source.py annotator/corpora/bundled.py | $(VENV)/.installed
	$(PY) training/build_corpus.py --source data/source --out data/corpus

$(WIKINEWS) &: $(wildcard data/wikinews/source/*.txt) annotator/corpora/source.py annotator/corpora/bundled.py | $(VENV)/.installed
	$(PY) training/build_corpus.py --source data/wikinews/source --out data/wikinews/corpus

data: $(DATA) ## Compile the bundled and Wikinews corpora (*/source -> */corpus splits)

data-check: $(VENV)/.installed $(DATA) ## Validate the corpus: schema, offsets, splits, near-duplicates; regenerate stats
	$(PY) training/data_check.py --source data/source --corpus data/corpus

train: $(VENV)/.installed $(DATA) ## Train and calibrate the adapter model into models/default (POLNEAR_DIR=... to mix in PolNeAR, RUN_SEEDS="13 14" for a soup)
	$(PY) training/fit_model.py --config $(CONFIG) --out $(MODEL_DIR) $(POLNEAR_ARG) $(RUN_SEEDS_ARG)

eval: $(VENV)/.installed $(DATA) ## Evaluate models/default on the test split (+ PolNeAR dev with POLNEAR_DIR=...)
	$(PY) eval/run_eval.py --model $(MODEL_DIR) --wikinews data/wikinews/corpus $(POLNEAR_ARG) --reference $(REFERENCE)

ship: $(VENV)/.installed ## Copy the trained, evaluated adapter model (MODEL_DIR) into annotator/weights, the default model
	$(PY) training/ship_model.py --model $(MODEL_DIR)

test: $(VENV)/.installed $(DATA) ## Run the fast test suite (the shipped model's behaviour, a tiny random model's invariants; no training)
	@# pytest exits 5 when it collects no tests: that is a failure here, not a pass
	$(VENV)/bin/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

test-slow: $(VENV)/.installed $(DATA) ## Run the tests that need files outside the checkout (../shared)
	$(VENV)/bin/pytest -m slow

test-wheel: $(VENV)/.installed ## Build the wheel, install it in a new venv, annotate from /tmp (minutes)
	$(VENV)/bin/pytest -m wheel

demo: $(VENV)/.installed ## Install, then annotate the sample article with the shipped model to demo.html (never trains)
	$(VENV)/bin/annotator annotate $(SAMPLE) --format html -o demo.html
	$(VENV)/bin/annotator annotate $(SAMPLE) --format text
	@echo "wrote demo.html"

bench: $(VENV)/.installed $(DATA) ## Every backend's speed and accuracy on real and bundled articles, cold start, memory (BENCH_MODEL=...)
	$(PY) eval/run_bench.py --model $(BENCH_MODEL) --out eval/reports/bench.json $(if $(BENCH_REFERENCE),--reference-model $(BENCH_REFERENCE),)

load: $(VENV)/.installed ## Load-test annotator serve: 8 clients for 60 s on loopback -> eval/reports/load.json
	$(PY) eval/load_test.py --clients 8 --seconds 60

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check annotator training eval tests
	$(VENV)/bin/ruff format --check annotator training eval tests

format: $(VENV)/.installed ## Apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix annotator training eval tests
	$(VENV)/bin/ruff format annotator training eval tests

clean: ## Remove trained models, plots and demo.html (keeps .venv and the committed reports)
	rm -rf models demo.html eval/reports/*/*.png
