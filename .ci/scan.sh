#!/usr/bin/env bash
# `make scan`: two web scanners no one here wrote, wapiti3 and sqlmap,
# against a local `pactline serve` on a throwaway demo database, signed in
# as a supplier contributor. Fails on any finding of high or critical
# severity (wapiti) and on any injection point (sqlmap); prints the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/pactline/target}"
venv=${PACTLINE_SCAN_VENV:-$HOME/.cache/pactline/scan-venv}
bin=${PACTLINE_BIN:-$CARGO_TARGET_DIR/debug/pactline}
scan_time=${PACTLINE_SCAN_SECONDS:-240}
log() { printf '==> %s\n' "$*"; }

[ -x "$bin" ] || { echo "build first (make build): $bin is missing" >&2; exit 1; }
[ -x "$venv/bin/wapiti" ] || { echo "run .ci/tools.sh all first: wapiti is missing" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/scan.db?mode=rwc" PACTLINE_DATA_DIR="$work" \
  PACTLINE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site PACTLINE_LOG=warn \
  PACTLINE_REMINDER_INTERVAL_SECS=0
unset PACTLINE_AUDIT_KEY PACTLINE_AUDIT_KEY_FILE SMTP_HOST
"$bin" demo seed >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -sf "$base/healthz" >/dev/null && break
  sleep 0.1
done

# Sign in as the demo supplier contributor. The password is published demo
# data, and still goes in a file, not argv; so does the session cookie.
printf 'email=hugo.contributor%%40helix.example&password=helix-velvet-canyon-24' >"$work/login.form"
curl -s -o /dev/null -c "$work/jar" --data @"$work/login.form" "$base/auth/login"
session=$(awk '$6 == "pactline_session" { print $7 }' "$work/jar")
[ -n "$session" ] || { echo "scan: sign-in failed" >&2; exit 1; }
python3 - "$work" "$session" <<'PY'
import json, sys
work, session = sys.argv[1], sys.argv[2]
cookie = {"version": 0, "value": session, "expires": None, "secure": False, "port": None}
json.dump({"127.0.0.1": {"/": {"pactline_session": cookie}}}, open(f"{work}/cookies.json", "w"))
PY
assessment=$(curl -s -b "$work/jar" -X POST "$base/api/list_assessments" |
  python3 -c 'import json,sys; print(next(a["id"] for a in json.load(sys.stdin) if a["status"] in ("in_progress","sent")))')
answer=$(curl -s -b "$work/jar" --data "assessment_id=$assessment" "$base/api/get_assessment" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["answers"][0]["id"])')

log "wapiti3 (at most ${scan_time} s), signed in"
started=$SECONDS
"$venv/bin/wapiti" -u "$base/" --scope folder -c "$work/cookies.json" \
  -x "$base/auth/logout" --flush-session --store-session "$work/wapiti-session" \
  --max-scan-time "$scan_time" -f json -o "$work/wapiti.json" >"$work/wapiti.log" 2>&1 || {
  tail -20 "$work/wapiti.log" >&2
  exit 1
}
wapiti_secs=$((SECONDS - started))
read -r wapiti_total wapiti_high wapiti_summary < <(python3 - "$work/wapiti.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
found = [(cat, v) for cat, items in report.get("vulnerabilities", {}).items() for v in items]
found += [(cat, v) for cat, items in report.get("anomalies", {}).items() for v in items]
high = [(c, v) for c, v in found if v.get("level", 0) >= 3]
by_level = {}
for _, v in found:
    by_level[v.get("level", 0)] = by_level.get(v.get("level", 0), 0) + 1
names = {4: "critical", 3: "high", 2: "medium", 1: "low", 0: "info"}
summary = ",".join(f"{names.get(k, k)}={n}" for k, n in sorted(by_level.items(), reverse=True)) or "none"
print(len(found), len(high), summary)
for c, v in found:
    print(f"finding {c} (level {v.get('level')}): {v.get('method')} {v.get('path')} {v.get('info')}"[:300], file=sys.stderr)
for c, v in high:
    print(f"HIGH {c}: {v.get('method')} {v.get('path')} {v.get('info')}", file=sys.stderr)
PY
)
crawled=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["infos"].get("crawled_pages_nbr", "?"))' "$work/wapiti.json" 2>/dev/null || echo "?")

log "sqlmap against the server functions that take ids and text"
injectable=0
targets=(
  "get_assessment|assessment_id=$assessment"
  "answer_history|answer_id=$answer"
  "add_evidence_link|answer_id=$answer&title=Policy&url=https%3A%2F%2Fexample.test%2Fpolicy"
  "assign_answer|answer_id=$answer&assignee=hugo.contributor%40helix.example"
  "request_password_reset|email=someone%40example.test"
)
for t in "${targets[@]}"; do
  endpoint=${t%%|*}
  data=${t#*|}
  # The request, cookie included, from a file (never argv).
  {
    printf 'POST /api/%s HTTP/1.1\r\n' "$endpoint"
    printf 'Host: 127.0.0.1:%s\r\n' "$port"
    printf 'Content-Type: application/x-www-form-urlencoded\r\n'
    printf 'Cookie: pactline_session=%s\r\n\r\n' "$session"
    printf '%s' "$data"
  } >"$work/$endpoint.req"
  "$venv/bin/sqlmap" -r "$work/$endpoint.req" --batch --level 2 --risk 1 \
    --output-dir "$work/sqlmap" --disable-coloring >"$work/sqlmap-$endpoint.log" 2>&1 || true
  # A connection that failed mid-test (seen once, on a loaded CI machine)
  # gets one more run while the server is alive and healthy; a dead
  # server still fails below, and a finding is never retried away.
  if grep -q "unable to connect to the target URL" "$work/sqlmap-$endpoint.log" &&
     ! grep -q "identified the following injection point" "$work/sqlmap-$endpoint.log" &&
     kill -0 $pid 2>/dev/null && curl -sf --max-time 10 "$base/healthz" >/dev/null; then
    echo "sqlmap: $endpoint lost its connection once; running it again" >&2
    tail -3 "$work/sqlmap-$endpoint.log" >&2
    tail -20 "$work/server.log" >&2 || true
    "$venv/bin/sqlmap" -r "$work/$endpoint.req" --batch --level 2 --risk 1 --flush-session \
      --output-dir "$work/sqlmap" --disable-coloring >"$work/sqlmap-$endpoint.log" 2>&1 || true
  fi
  if grep -q "identified the following injection point" "$work/sqlmap-$endpoint.log"; then
    echo "sqlmap: $endpoint is injectable" >&2
    grep -A8 "identified the following injection point" "$work/sqlmap-$endpoint.log" >&2
    injectable=$((injectable + 1))
  fi
  grep -q "all tested parameters do not appear to be injectable\|does not seem to be injectable" \
    "$work/sqlmap-$endpoint.log" || {
    echo "sqlmap: $endpoint did not finish a test:" >&2
    tail -5 "$work/sqlmap-$endpoint.log" >&2
    injectable=$((injectable + 1))
  }
done

kill -0 $pid 2>/dev/null || { echo "scan: the server died" >&2; exit 1; }
# The scan ran signed in throughout: the session still works.
status=$(curl -s -o "$work/me.json" -w '%{http_code}' -b "$work/jar" -X POST "$base/api/list_assessments")
[ "$status" = 200 ] || { echo "scan: the session did not survive the scan ($status: $(head -c 300 "$work/me.json"))" >&2; exit 1; }
echo "scan: wapiti3 crawled $crawled pages in ${wapiti_secs} s: $wapiti_total findings ($wapiti_summary), $wapiti_high high or critical; sqlmap: ${#targets[@]} endpoints, $injectable injectable"
[ "$wapiti_high" = 0 ] && [ "$injectable" = 0 ]
