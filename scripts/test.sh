#!/usr/bin/env bash
# npm test: install what is missing, then lint, type check, unit,
# integration (real redis-server, real emulator) and end-to-end (Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

results=.data/test-results
mkdir -p "$results"
rm -f "$results"/*.json

echo "== lint"
npx eslint . --max-warnings=0
echo "== type check"
npx tsc --noEmit -p .
echo "== unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile="$results/vitest.json"
echo "== end-to-end tests"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npx playwright test --reporter=list,json

# One closing line over both runners.
node -e '
const fs = require("node:fs");
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const p = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).stats;
const passed = v.numPassedTests + p.expected;
const failed = v.numFailedTests + p.unexpected + p.flaky;
const skipped = v.numPendingTests + v.numTodoTests + p.skipped;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/vitest.json" "$results/playwright.json"
