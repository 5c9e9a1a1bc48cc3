#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain. Safe to re-run.
# `.ci/run` calls it; so does the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each section installs the tools one part of the test suite drives for real.

# --- SARIF and pre-commit (crates/leaklint_report, crates/leaklint_cli/tests/pre_commit.rs) ---
# The SARIF 2.1.0 JSON schema the tests validate against: the SARIF SDK's corrected
# copy (MIT), taken out of its npm package; the OASIS file has a broken regular expression.
SARIF_SCHEMA_PACKAGE="@microsoft/sarif-multitool-ts@5.7.0"
SARIF_SCHEMA_SHA256="1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c"
SARIF_SCHEMA=".tools/sarif-schema/sarif-2.1.0.schema.json"
if ! echo "$SARIF_SCHEMA_SHA256  $SARIF_SCHEMA" | sha256sum --check --status 2>/dev/null; then
    schema_tmp="$(mktemp -d)"
    (cd "$schema_tmp" && npm pack --silent "$SARIF_SCHEMA_PACKAGE" >/dev/null)
    tar -xzf "$schema_tmp"/*.tgz -C "$schema_tmp" package/assets/sarif-2.1.0.schema.json
    mkdir -p "$(dirname "$SARIF_SCHEMA")"
    mv "$schema_tmp/package/assets/sarif-2.1.0.schema.json" "$SARIF_SCHEMA"
    rm -rf "$schema_tmp"
    echo "$SARIF_SCHEMA_SHA256  $SARIF_SCHEMA" | sha256sum --check --quiet
fi

# pre-commit, in its own virtualenv, for the test that runs `pre-commit try-repo` on the hooks.
PRE_COMMIT_VERSION="4.7.0"
PRE_COMMIT_VENV=".tools/pre-commit"
if [ "$("$PRE_COMMIT_VENV/bin/pre-commit" --version 2>/dev/null)" != "pre-commit $PRE_COMMIT_VERSION" ]; then
    python3 -m venv "$PRE_COMMIT_VENV"
    "$PRE_COMMIT_VENV/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
fi

# --- Language server (crates/leaklint_cli/tests/lsp_nvim.rs, crates/leaklint_lsp/tests/vscode_extension.rs) ---
# Neovim drives `leaklint lsp` as a real editor. Debian bookworm's package is 0.7.2, the oldest
# version the client configuration in editors/neovim supports.
if ! command -v nvim >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends neovim
fi
# The VS Code extension, packaged to editors/vscode/leaklint.vsix (npm ci, tsc, esbuild, vsce);
# rebuilt only when a source is newer than the package.
VSIX="editors/vscode/leaklint.vsix"
if [ ! -f "$VSIX" ] || [ -n "$(find editors/vscode/src editors/vscode/package.json editors/vscode/package-lock.json \
    editors/vscode/README.md editors/vscode/.vscodeignore editors/vscode/tsconfig.json -newer "$VSIX")" ]; then
    bash editors/vscode/build.sh
fi

# --- Twins (tests/twins/twins.mjs, crates/leaklint_cli/tests/twins.rs) ---
# Babel, tsc and esbuild at the versions in the lockfile, which compile every rule example and fixture;
# installed again only when node_modules is missing or older than the lockfile.
TWINS_DIR="tests/twins"
if [ ! -d "$TWINS_DIR/node_modules" ] || [ "$TWINS_DIR/package-lock.json" -nt "$TWINS_DIR/node_modules" ]; then
    (cd "$TWINS_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$TWINS_DIR/node_modules"
fi
