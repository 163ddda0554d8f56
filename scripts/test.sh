#!/usr/bin/env bash
# npm test: install what is missing, then lint, type check, unit,
# integration (real redis-server, real emulator) and end-to-end (Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

echo "== lint"
npx eslint . --max-warnings=0
echo "== type check"
npx tsc --noEmit -p .
echo "== unit and integration tests"
npx vitest run
echo "== end-to-end tests"
npx playwright test
