# Pactline: `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/pactline/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
BIN := $(CARGO_TARGET_DIR)/debug/pactline
RELEASE_BIN := $(CARGO_TARGET_DIR)/release/pactline

.PHONY: run build tools test test-rust test-e2e bench lint audit scan clean

## run: install what is missing, build, migrate, seed demo data, serve :3000
run: build
	PACTLINE_DEMO=true LEPTOS_SITE_ROOT=target/site $(BIN) serve

build:
	@.ci/tools.sh build
	cargo leptos build
	@.ci/precompress.sh

tools:
	@.ci/tools.sh all

## test: every suite (Rust on SQLite and PostgreSQL, Playwright), then a summary
test:
	@.ci/tools.sh all
	@.ci/test.sh

## bench: release build, then the HTTP benchmarks (figures printed at the end)
bench:
	@.ci/tools.sh all
	PATH="$(CURDIR)/end2end/node_modules/.bin:$$PATH" cargo leptos build --release --precompress
	PACTLINE_BENCH_PG=$$(.ci/postgres.sh) PACTLINE_BIN=$(RELEASE_BIN) cargo run --release -p pactline-bench

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p pactline -p pactline-migrations -p pactline-bench --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

audit:
	cargo audit --no-fetch --db ../shared/advisory-db

## scan: wapiti3 and sqlmap against a local server, signed in (also part of make test)
scan: build
	@.ci/tools.sh all
	@.ci/scan.sh

clean:
	rm -rf target/site data/pactline.db*
