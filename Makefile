# Two commands from a clean clone: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := .demo-vault

.PHONY: test demo setup browser bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The site's browser tests drive Debian's Chromium. Install it where we can (root with
# apt-get); elsewhere the tests say what is missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will fail"; \
	  else echo "warning: /usr/bin/chromium missing; install Debian's chromium package"; fi; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest -q
	$(BIN)/mkdocs build --strict --quiet --site-dir $(CURDIR)/.docs-site

demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/vaultkit init $(DEMO)
	$(BIN)/vaultkit index $(DEMO)
	$(BIN)/vaultkit check $(DEMO) || true
	$(BIN)/vaultkit build $(DEMO)
	@echo "serving the example network's site on 127.0.0.1 (Ctrl-C to stop)"
	$(BIN)/vaultkit serve $(DEMO) --port $${PORT:-8000}

# Benchmarks run in a venv of their own with the project and the anchors they compare it
# with (obsidiantools pulls in pandas, numpy and networkx): none of that enters .venv.
# `make bench BENCH_ARGS="--sizes 1000 --only index"` for a quick run.
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp

$(BENCH_STAMP): pyproject.toml benchmarks/requirements-anchors.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' -r benchmarks/requirements-anchors.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(DEMO) .docs-site .pytest_cache
