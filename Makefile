# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up here.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/.venv/bin/python

.PHONY: setup browser demo test lint bench fuzz clean

$(UV):
	$(PYTHON) -m pip install --user --quiet uv || $(PYTHON) -m pip install --quiet uv

# PyICU (under followthemoney's normality) builds from source: it needs ICU's headers and pkg-config.
.venv/.synced: pyproject.toml uv.lock | $(UV)
	@pkg-config --exists icu-i18n 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; } || \
	  echo "ICU headers missing: install libicu-dev and pkg-config"
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON)
	touch $@

# Ingest's kernels: numba's JIT cache, and the same kernels compiled ahead of time into an
# extension module, so that an ingest imports no numba (src/oiltrail/ais/compiled.py). Without
# a C compiler the build says so and ingest uses the JIT kernels. Redone when a kernel changes.
KERNEL_SOURCES := $(addprefix src/oiltrail/ais/,nmea_kernel.py payload_kernel.py repeat_kernel.py sixbit.py)
.venv/.kernels: .venv/.synced $(KERNEL_SOURCES) src/oiltrail/ais/aot_build.py
	$(RUN) python -m oiltrail.ais.aot_build
	$(RUN) python -c "from oiltrail.store.ingest import compile_kernels; compile_kernels()"
	touch $@

setup: .venv/.synced .venv/.kernels

# Debian's chromium for the report's browser tests (Playwright's own download does not work here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "no chromium and no root apt-get: browser tests will skip"; fi; \
	fi

demo: setup
	rm -f oiltrail.duckdb oiltrail.duckdb.wal
	$(RUN) oiltrail demo --db oiltrail.duckdb --out demo-out
	@echo "next: .venv/bin/oiltrail status (or any command in README.md; no PATH change needed)"
	@echo "web app: .venv/bin/oiltrail serve --db oiltrail.duckdb, then open the address it prints (http://127.0.0.1:8765/#token=...)"

test: setup browser
	$(RUN) pytest -q

lint: setup
	$(RUN) ruff check src tests benchmarks tools
	$(RUN) ruff format --check src tests benchmarks tools
	$(RUN) mypy --strict src tools
	$(RUN) python tools/check_import_cycles.py

bench: setup
	$(RUN) python -m benchmarks.run

# 1,000,000 generated inputs over every reader, then the hostile cases (docs/robustness.md).
fuzz: setup
	$(RUN) python -m benchmarks.fuzz
	$(RUN) python -m benchmarks.hostile

clean:
	rm -rf .venv demo-out bench-out oiltrail.duckdb oiltrail.duckdb.wal report.html
