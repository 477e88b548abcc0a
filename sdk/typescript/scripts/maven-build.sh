#!/bin/sh
# The Maven build's step for this package: install its development packages (npm ci, when the lock
# file is newer than what is installed), check the generated types against docs/openapi.yaml, build,
# run the unit tests (unless $1 is true: -DskipTests) and pack it into target/. Without Node.js 18 or
# newer the package is not built (and the live suite skips); under CI=true that is a failure.
set -eu
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
    if [ "${CI:-}" = true ]; then
        echo "sdk/typescript needs Node.js 18 or newer and npm on the PATH" >&2
        exit 1
    fi
    echo "WARNING: no Node.js 18 or newer: the TypeScript SDK is not built" >&2
    exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
npm run --silent check-generated
npm run --silent build
if [ "${1:-false}" != true ]; then
    npm run --silent test:unit
fi
mkdir -p target
npm pack --silent --pack-destination target >/dev/null
ls target/*.tgz
