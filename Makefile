# Verbs a newcomer would type. `make run` and `make test` do every set-up step they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHATBOT := $(VENV)/bin/chatbot
STAMP := $(VENV)/.installed
EMBEDDER ?= $(or $(CHATBOT_EMBED_MODEL),embeddinggemma-300m)
LLM ?= $(or $(CHATBOT_MODEL),qwen2.5-coder-1.5b-instruct-q4_k_m)
TEST_LLM := qwen2.5-coder-0.5b-instruct-q4_k_m

.PHONY: run install models ingest browser ocr test test-fast lint bench eval screenshots clean help

help:
	@echo "make run     install what is missing, provision the model, index seeds/, open the chat"
	@echo "make test    install what is missing and run the test suite"
	@echo "make test-fast   the tests that need no chat model, no browser and no long run"
	@echo "make install | models | ingest | lint | bench | eval | screenshots | clean"

run: models ocr
	$(CHATBOT) ingest seeds
	$(CHATBOT) serve --open

# torch (CPU build) first, or pip pulls a multi-GB CUDA build; llama-cpp-python from a wheel
# built once per CPU flag set (scripts/llama_wheel.sh).
$(STAMP): pyproject.toml scripts/llama_wheel.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	bash scripts/llama_wheel.sh $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

models: install
	$(CHATBOT) models pull $(if $(findstring /,$(LLM)),,$(LLM)) $(if $(findstring /,$(EMBEDDER)),,$(EMBEDDER))

ingest: models
	$(CHATBOT) ingest seeds

# Debian packages, installed as root, else through sudo; without either, what to install is said.
ROOT := $(filter 0,$(shell id -u))
SUDO := $(if $(ROOT),,$(if $(shell command -v sudo 2>/dev/null),sudo,))
apt = { if [ -n "$(ROOT)$(SUDO)" ]; then $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else echo "make: install $(1) with your package manager (as root), then run this again." >&2; exit 1; fi; }

# The browser tests need Debian's chromium and chromedriver; the offline test records connections with strace.
browser:
	@command -v chromium >/dev/null && command -v strace >/dev/null || $(call apt,chromium chromium-driver strace)

# Scans and images are read by Debian's Tesseract, in French and English.
ocr:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra || $(call apt,tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)

test: lint browser ocr
	$(CHATBOT) models pull $(TEST_LLM) embeddinggemma-300m all-minilm-l6-v2
	CHATBOT_SCREENSHOTS=reports $(PY) -m pytest -q

# The quick lane while working: real files, real Chroma and the real embedder, but no chat model,
# no browser, nothing marked slow, and (for a user other than root) nothing that needs root.
# `make test` runs everything.
test-fast: lint ocr
	$(CHATBOT) models pull embeddinggemma-300m all-minilm-l6-v2
	$(PY) -m pytest -q -m "not model and not browser and not slow$(if $(ROOT),, and not root)"

# Style, types, and which module may import which library (pyproject.toml's contracts).
lint: install
	$(VENV)/bin/ruff check chatbot tests scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

bench: models
	$(CHATBOT) bench

eval: models
	$(CHATBOT) eval

screenshots: install browser
	$(CHATBOT) models pull $(TEST_LLM) embeddinggemma-300m
	CHATBOT_SCREENSHOTS=reports $(PY) -m pytest -q -m browser tests/test_page.py

clean:
	rm -rf data reports .pytest_cache .ruff_cache .mypy_cache .import_linter_cache chatbot.egg-info
