#!/usr/bin/env bash
# Runs every suite and ends with one line: "N passed, M failed".
# Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# make exports it; run alone, use the same reused target directory.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/pactline/target}
logs=$(mktemp -d)
passed=0; failed=0; broken=()

count_cargo() { # sums the "test result:" lines of a cargo test log
  local p f
  p=$(awk '/^test result:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^passed/) s+=$i} END{print s+0}' "$1")
  f=$(awk '/^test result:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^failed/) s+=$i} END{print s+0}' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

echo "==> PostgreSQL"
if ! PACTLINE_TEST_PG=$(.ci/postgres.sh); then
  echo "PostgreSQL could not be started" >&2; broken+=("postgres")
fi
export PACTLINE_TEST_PG

echo "==> Rust: unit and integration tests (SQLite and PostgreSQL)"
# Not --workspace: the frontend crate would switch on the app's "hydrate" feature.
cargo test -p app -p pactline -p pactline-migrations --no-fail-fast 2>&1 | tee "$logs/cargo.log"
rc=${PIPESTATUS[0]}
count_cargo "$logs/cargo.log"
if [ "$rc" != 0 ] && ! grep -q '^test result: FAILED' "$logs/cargo.log"; then broken+=("cargo test (build)"); fi

echo "==> Building the site for the browser tests"
if cargo leptos build 2>&1 | tail -n 5 && .ci/precompress.sh; then
  echo "==> Playwright (Chromium)"
  rm -f end2end/test-results/results.json
  (cd end2end && PACTLINE_BIN="$CARGO_TARGET_DIR/debug/pactline" npx playwright test)
  erc=$?
  json=end2end/test-results/results.json
  ep=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; print(s["expected"]+s.get("flaky",0))' "$json" 2>/dev/null || echo 0)
  ef=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; print(s["unexpected"])' "$json" 2>/dev/null || echo 0)
  passed=$((passed + ep)); failed=$((failed + ef))
  if [ "$erc" != 0 ] && [ "$ef" = 0 ]; then broken+=("playwright"); fi
else
  broken+=("cargo leptos build")
fi

echo "==> Dependency advisories (cargo audit, offline RustSec database)"
# Vulnerabilities, unmaintained and unsound crates fail, unless .cargo/audit.toml
# lists them with the reason we accept them.
advisory_db=${PACTLINE_ADVISORY_DB:-../shared/advisory-db}
if [ -d "$advisory_db" ]; then
  if cargo audit --no-fetch --db "$advisory_db"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
else
  echo "skipped: no advisory database at $advisory_db (set PACTLINE_ADVISORY_DB)"
fi

echo "==> Web scanners (wapiti3, sqlmap) against a signed-in session"
if [ -x "$CARGO_TARGET_DIR/debug/pactline" ] && .ci/scan.sh 2>&1 | tee "$logs/scan.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "==> The REST API against its own OpenAPI document (schemathesis)"
if [ -x "$CARGO_TARGET_DIR/debug/pactline" ] && .ci/api-contract.sh 2>&1 | tee "$logs/api-contract.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

if [ ${#broken[@]} -gt 0 ]; then
  echo "Broken before tests could count: ${broken[*]}"
  failed=$((failed + ${#broken[@]}))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
