#!/usr/bin/env bash
# Every test: type check, both builds, unit tests (Node), browser tests against the built site.
# Ends with one line "N passed, N failed" over both runners.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure.sh
ensure_chromium
ensure_node_modules
SUB_PATH="${SUB_PATH:-/tools/seglab}"
results=.reports  # not test-results/: Playwright empties that folder when it starts
mkdir -p "$results"

echo "== type check"
npm run --silent check
# Built first: unit tests check the built page (CSP, inline-script hashes) and scan its assets for URLs.
echo "== build (at / and at $SUB_PATH)"
npx vite build --logLevel warn
BASE_PATH="$SUB_PATH" BUILD_DIR=build-subpath npx vite build --logLevel warn
echo "== unit tests (vitest, Node)"
unit=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/unit.json" || unit=$?
echo "== browser tests (Playwright, Debian chromium, built site)"
e2e=0
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test --reporter=list,json || e2e=$?
node scripts/test-summary.mjs "$results/unit.json" "$results/e2e.json"
[ "$unit" = 0 ] && [ "$e2e" = 0 ]
