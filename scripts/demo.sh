#!/usr/bin/env bash
# npm run demo: install what is missing, build, then run Redis, the Discord
# emulator and the app until Ctrl-C. `npm run demo -- --ha` runs the
# production shape instead (Redis with Sentinel, two app instances behind
# nginx); every argument is passed on to scripts/stack.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npx tsx scripts/stack.ts --build "$@"
