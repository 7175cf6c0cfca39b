# tenure — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/tenure
DEB_PACKAGES := libopenblas-dev liblapack-dev
FUZZ_TIME ?= 3600
FUZZ_TEST_TIME ?= 45
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test test-deps fuzz bench notebooks clean

## deps: install the Debian packages tenure links against, when missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

build: deps
	$(SWIFT) build -c $(CONFIG) --product tenure

## demo: generate a sample dataset into out/ and write the full report.
demo: build
	$(BIN) demo --out out/demo

## test: everything CI runs.
test: deps test-deps
	$(SWIFT) build -c $(CONFIG) --product tenure
	$(SWIFT) test 2>&1 | tee .build/test.log; test $${PIPESTATUS[0]} -eq 0
	@bash scripts/end-to-end.sh $(BIN)
	@bash scripts/fuzz.sh --time $(FUZZ_TEST_TIME)

## fuzz: long libFuzzer runs of the CSV, YAML and Arrow readers (FUZZ_TIME seconds each; builds into .build-fuzz).
fuzz: deps
	bash scripts/fuzz.sh --time $(FUZZ_TIME)

## test-deps: tools the end-to-end checks use (reference tools are only needed to regenerate fixtures).
test-deps:
	@bash scripts/install-test-deps.sh

## bench: tenure and its peers (DuckDB, polars, pandas, lifelines, lifetimes) on the same data, as ratios.
bench: build
	bash Benchmarks/run.sh

## notebooks: regenerate notebooks-export/ from the sample datasets in datasets/.
notebooks: build
	bash scripts/export-notebooks.sh $(BIN)

clean:
	rm -rf .build .build-fuzz out
