#!/usr/bin/env bash
# Builds editors/vscode/leaklint.vsix from a clean install of the locked
# dependencies: type check, unit tests, bundle, package. scripts/setup.sh runs it; the
# test crates/leaklint_lsp/tests/vscode_extension.rs checks the result.
set -euo pipefail
cd "$(dirname "$0")"

node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ]; then
    echo "editors/vscode/build.sh: Node.js 20 or newer is needed (vsce 3); found: $(node --version 2>/dev/null || echo none)" >&2
    exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
npm run --silent compile
npm test --silent
npm run --silent bundle
npx --no-install vsce package --no-dependencies --out leaklint.vsix
