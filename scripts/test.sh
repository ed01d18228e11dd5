#!/usr/bin/env bash
# The one command that runs every test of wenming on a fresh machine.
# It installs what the tests need (idempotently), then runs the formatting and lint checks
# and the whole test suite. CI (.ci/run) calls this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

# Rust toolchain components used by the checks.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
