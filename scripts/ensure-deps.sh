#!/usr/bin/env bash
# Installs what the demo and the tests need and is missing: npm packages,
# redis-server, Chromium, nginx (the production shape's load balancer, run
# as an ordinary process by `npm run demo -- --ha` and its tests), and
# discord.py with venv for the REST proxy's tests (Debian packages). Safe to
# run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed (found $(node --version))." >&2
  exit 1
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Debian puts nginx in /usr/sbin, off an ordinary user's PATH.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# The proxy's tests run discord.py from a venv made with --system-site-packages on
# Debian's python3; without root they fall back to pip inside that venv, so these only warn.
python_missing=()
/usr/bin/python3 -c 'import discord' >/dev/null 2>&1 || python_missing+=(python3-discord)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || python_missing+=(python3-venv)
if [ ${#python_missing[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "Missing: ${python_missing[*]} (the REST proxy's discord.py test needs them; as root: apt-get install ${python_missing[*]})." >&2
elif [ ${#python_missing[@]} -gt 0 ]; then
  missing+=("${python_missing[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${missing[*]} with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}. Install them as root with:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# Install npm packages when node_modules is missing or older than the lock file.
# `npm install` with the committed lock, not `npm ci`: npm 11 writes locks
# without other platforms' optional binaries and then refuses them in `ci`.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages ..."
  npm install --no-audit --no-fund --loglevel=error
fi
