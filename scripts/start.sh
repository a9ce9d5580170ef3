#!/usr/bin/env bash
# Installs what is missing, builds the site and serves it at 127.0.0.1 with the sample data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure.sh
ensure_node_modules
PORT="${PORT:-4173}"
if [ ! -f build/index.html ] || [ -n "$(find src static svelte.config.js vite.config.ts package-lock.json -newer build/index.html -print -quit)" ]; then
  echo "seglab: building…"
  npx vite build --logLevel warn
fi
echo "seglab: open http://127.0.0.1:${PORT}/?sample=1"
exec node scripts/serve.mjs --dir build --port "$PORT"
