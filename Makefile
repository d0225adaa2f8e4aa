# The two commands for a newcomer: `make serve` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup serve ingest test test-fast lint clean chromium ocr axe

setup: $(STAMP) ocr

# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

ingest: setup
	$(VENV)/bin/woonzorg ingest corpus

serve: ingest
	$(VENV)/bin/woonzorg serve --host $(HOST) --port $(PORT)

test: setup chromium axe
	$(PY) -m pytest -q

# axe-core for the accessibility browser test, pinned in tests/assistant/ui/package-lock.json.
# Node's npm from Debian only when missing; `npm ci` again only when the lock file changed.
AXE_DIR := tests/assistant/ui
axe: $(AXE_DIR)/node_modules/axe-core/axe.min.js

$(AXE_DIR)/node_modules/axe-core/axe.min.js: $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium (Playwright never downloads one). Installed only
# when missing; sudo only when we are not root.
chromium:
	@test -x $(CHROMIUM) || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Pages without a text layer are read by OCR with Debian's tesseract and its Dutch model.
# Installed only when the binary or the nld language is missing; sudo only when we are not root.
ocr:
	@{ command -v tesseract >/dev/null && tesseract --list-langs 2>&1 | grep -qx nld; } || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-nld; }

# Units and contract tests on synthetic pages; `make test` adds the acceptance tests on the corpus.
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser and not corpus"

lint: setup
	$(VENV)/bin/ruff check assistant ingest evals tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) data
