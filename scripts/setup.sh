#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain. Safe to re-run.
# `.ci/run` calls it; so does the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each section installs the tools one part of the test suite drives for real.
