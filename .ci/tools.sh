#!/usr/bin/env bash
# Installs what building and testing Pactline needs, when it is missing.
# Idempotent and quick when everything is there. Nothing is downloaded but
# from the package registries (crates, npm, Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

want_e2e=${1:-all}   # "all" or "build" (no browser, no PostgreSQL)
log() { printf '==> %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Rust target for the browser bundle.
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.10 (0.3.11 needs a newer rustc than this toolchain).
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  log "cargo install cargo-leptos 0.3.10 (about 10 minutes)"
  cargo install cargo-leptos --locked --version 0.3.10
fi

# wasm-bindgen CLI: exactly the version in Cargo.lock.
wbg=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  log "cargo install wasm-bindgen-cli $wbg (about 8 minutes)"
  # Not --locked: its lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$wbg" --force
fi

# Release builds optimise the wasm with binaryen 123 from npm (end2end's
# devDependencies; `make bench` puts it first on PATH). Debian's binaryen 108
# writes the wrong table index for wasm-bindgen's reference table, and the
# page then fails to hydrate.

if [ "$want_e2e" = all ] && ! cargo audit --version >/dev/null 2>&1; then
  log "cargo install cargo-audit (about 7 minutes)"
  cargo install cargo-audit --locked
fi

if [ "$want_e2e" = all ]; then
  command -v chromium >/dev/null || apt_install chromium
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  # The third-party OSCAL validator the tests run exported documents through.
  if ! python3 -c 'import trestle.oscal.catalog' 2>/dev/null; then
    log "pip install compliance-trestle"
    python3 -m pip install --quiet --disable-pip-version-check compliance-trestle
  fi
  # The web scanners `make scan` runs (wapiti3 3.2.3 is the newest for
  # Python 3.11), in their own virtual environment.
  scan_venv=${PACTLINE_SCAN_VENV:-$HOME/.cache/pactline/scan-venv}
  if [ ! -x "$scan_venv/bin/wapiti" ] || [ ! -x "$scan_venv/bin/sqlmap" ]; then
    log "pip install wapiti3 sqlmap (about a minute)"
    python3 -m venv "$scan_venv"
    "$scan_venv/bin/pip" install --quiet --disable-pip-version-check wapiti3==3.2.3 sqlmap==1.10.10
  fi
  # The third-party API client `make test` runs against /api/v1.
  api_venv=${PACTLINE_API_VENV:-$HOME/.cache/pactline/api-venv}
  if [ ! -x "$api_venv/bin/schemathesis" ]; then
    log "pip install schemathesis (under a minute)"
    python3 -m venv "$api_venv"
    "$api_venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
  # The Standard Webhooks reference library checks Pactline's signatures.
  if ! "$api_venv/bin/python" -c 'import standardwebhooks' 2>/dev/null; then
    log "pip install standardwebhooks"
    "$api_venv/bin/pip" install --quiet --disable-pip-version-check standardwebhooks==1.1.0
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/exceljs ] ||
     [ ! -d end2end/node_modules/@axe-core/playwright ] || [ ! -d end2end/node_modules/oidc-provider ] ||
     [ ! -d end2end/node_modules/lighthouse ] || [ ! -d end2end/node_modules/binaryen ]; then
    log "npm ci (Playwright, without its browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
