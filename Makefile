# The two commands for a newcomer: `make serve` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup serve ingest test test-fast lint clean chromium

setup: $(STAMP)

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

test: setup chromium
	$(PY) -m pytest -q

# The browser tests drive Debian's Chromium (Playwright never downloads one). Installed only
# when missing; sudo only when we are not root.
chromium:
	@test -x $(CHROMIUM) || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

lint: setup
	$(VENV)/bin/ruff check assistant ingest evals tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) data
