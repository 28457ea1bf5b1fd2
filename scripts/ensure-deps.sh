#!/bin/sh
# Installs the locked dependencies when node_modules is missing or older than
# the lock file, so that each quick-start command works on a fresh clone.
set -e
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies from package-lock.json ..."
  npm ci --no-audit --no-fund
fi
