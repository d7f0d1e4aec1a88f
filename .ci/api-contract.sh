#!/usr/bin/env bash
# A third-party client against the REST API: schemathesis (PyPI) reads the
# served OpenAPI document and calls every operation with generated inputs,
# once with an asset owner's token and once with a supplier's, on a
# throwaway demo database. Fails on any 5xx, any response the document
# does not describe (status, content type, schema).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/pactline/target}"
venv=${PACTLINE_API_VENV:-$HOME/.cache/pactline/api-venv}
bin=${PACTLINE_BIN:-$CARGO_TARGET_DIR/debug/pactline}
log() { printf '==> %s\n' "$*"; }

[ -x "$bin" ] || { echo "build first (make build): $bin is missing" >&2; exit 1; }
[ -x "$venv/bin/schemathesis" ] || { echo "run .ci/tools.sh all first: schemathesis is missing" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/api.db?mode=rwc" PACTLINE_DATA_DIR="$work" \
  PACTLINE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site PACTLINE_LOG=warn \
  PACTLINE_REMINDER_INTERVAL_SECS=0 PACTLINE_API_REQUESTS_PER_SECOND=10000
unset PACTLINE_AUDIT_KEY PACTLINE_AUDIT_KEY_FILE SMTP_HOST
"$bin" demo seed >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -sf "$base/healthz" >/dev/null && break
  sleep 0.1
done

# An admin signs in (published demo data, through a file, not argv) and
# makes a token; the token too stays out of argv.
token_of() {
  local form=$1 jar="$work/jar.$2"
  printf '%s' "$form" >"$work/login.form"
  curl -s -o /dev/null -c "$jar" --data @"$work/login.form" "$base/auth/login"
  curl -s -b "$jar" --data 'name=contract&role=contributor&days=1' "$base/api/create_api_token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])'
}

failed=0
summary=""
for who in owner supplier; do
  if [ "$who" = owner ]; then
    form='email=olivia.admin%40northwind.example&password=reservoir-lantern-42'
  else
    form='email=hana.admin%40helix.example&password=helix-copper-orbit-58'
  fi
  PACTLINE_API_TOKEN=$(token_of "$form" "$who")
  export PACTLINE_API_TOKEN
  [ -n "$PACTLINE_API_TOKEN" ] || { echo "api-contract: no token for the $who" >&2; exit 1; }
  log "schemathesis with the $who's token"
  if "$venv/bin/schemathesis" --config-file .ci/api/schemathesis.toml run \
      "$base/api/v1/openapi.json" --url "$base" >"$work/st-$who.log" 2>&1; then
    [ -n "${PACTLINE_API_CONTRACT_LOG:-}" ] && cp "$work/st-$who.log" "$PACTLINE_API_CONTRACT_LOG.$who"
    result=ok
  else
    result=FAILED
    failed=1
    tail -60 "$work/st-$who.log" >&2
  fi
  if [ -n "${PACTLINE_API_CONTRACT_LOG:-}" ]; then cp "$work/st-$who.log" "$PACTLINE_API_CONTRACT_LOG.$who"; fi
  calls=$(grep -Eo '[0-9]+ generated' "$work/st-$who.log" | head -1 || true)
  summary="$summary $who: $result (${calls:-? generated});"
done
if grep -q "panicked" "$work/server.log"; then
  echo "api-contract: the server panicked" >&2
  grep -m5 -A3 panicked "$work/server.log" >&2
  failed=1
fi
echo "api-contract:$summary"
exit $failed
