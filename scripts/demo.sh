#!/bin/sh
# The quick start: install if needed, build, migrate (creating the database),
# seed the demo county, then run the API and the worker in one process under a
# manual clock that starts on the morning the demo campaign opens.
set -e
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
npm run --silent build
export CLOCK="${CLOCK:-manual}"
export ADMIN_USERNAME="${ADMIN_USERNAME:-root}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-root-demo-password}"
npm run --silent migrate
npm run --silent seed:demo
echo "bootstrap admin: $ADMIN_USERNAME / $ADMIN_PASSWORD; clock: $CLOCK"
exec node dist/apps/api/src/main.js --with-worker
