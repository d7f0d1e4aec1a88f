#!/usr/bin/env bash
# Gzip copies of the debug bundle, as `cargo leptos build --release
# --precompress` makes (with brotli too) for release: the server sends the
# copy to a browser that accepts it, and the browser can keep the debug
# wasm (tens of megabytes plain, too large for its cache).
set -euo pipefail
pkg=${1:-target/site/pkg}
for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [ -f "$f" ] || continue
  [ -f "$f.gz" ] && [ "$f.gz" -nt "$f" ] && continue
  gzip -k -f -6 "$f"
done
