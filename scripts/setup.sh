#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain. Safe to re-run.
# `.ci/run` calls it; so does the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each section installs the tools one part of the test suite drives for real.

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
