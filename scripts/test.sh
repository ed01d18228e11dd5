#!/usr/bin/env bash
# The one command that runs every test of wenming on a fresh machine.
# It installs what the tests need (idempotently: nothing is fetched twice), then runs the
# formatting and lint checks and the whole test suite. CI (.ci/run) calls this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's Chromium for the browser tests (never a browser downloaded by a test tool).
if ! command -v chromium >/dev/null 2>&1; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

# zbarimg decodes the 二维码 the theme draws (tests/browser/phone.mjs).
if ! command -v zbarimg >/dev/null 2>&1; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y zbar-tools
fi

# Node drives the browser tests; Java runs the W3C Nu HTML checker (vnu.jar); nginx with the
# brotli module serves a built site in tests/nginx.rs; systemd-analyze checks the documented
# timer (tests/deploy_docs.rs).
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# Test tools pinned in tests/browser/package-lock.json: playwright-core drives that Chromium,
# axe-core checks accessibility, vnu-jar is the HTML checker, acorn checks that the search
# client is ES5. Install scripts are skipped:
# none is needed, and vnu-jar's would try to download a Java of its own.
for package in playwright-core axe-core vnu-jar acorn; do
  if [ ! -d "tests/browser/node_modules/$package" ] ||
     [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund)
    break
  fi
done

# Rust toolchain components used by the checks.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# The pipeline's imports run one way, with no circles between files (docs/architecture.md).
python3 scripts/import-graph.py
cargo test --locked
