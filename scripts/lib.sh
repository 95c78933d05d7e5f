# Shared by start.sh, test.sh and .ci/run: installs what this machine lacks (quickly skipped
# when present) and puts the project's tools on PATH. Source it; do not run it.
#
# Tools come from the registries this machine reaches (crates.io, npm, Debian); nothing is
# downloaded from GitHub.

set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.11"
# The wasm-bindgen CLI must equal the crate version in Cargo.lock, or the bundle breaks.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$PROJECT_ROOT/Cargo.lock")"

export PATH="$PROJECT_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Leptos reads the output name at compile time; setting it everywhere lets `cargo test`
# reuse what `cargo leptos build` compiled.
export LEPTOS_OUTPUT_NAME=parley

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

ensure_build_tools() {
  command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
  command -v npm >/dev/null || { say "installing Node.js and npm"; apt_install nodejs npm; }
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 7 minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --ignore-rust-version
  fi
  ensure_npm_packages
  # Debian's wasm-opt (binaryen 108) breaks hydration; npm's binaryen must come first.
  case "$(command -v wasm-opt)" in
    "$PROJECT_ROOT/end2end/node_modules/.bin/wasm-opt") ;;
    *) echo "wasm-opt from npm's binaryen was not found first on PATH" >&2; exit 1 ;;
  esac
}

# npm packages: binaryen (wasm-opt for release builds) and Playwright.
ensure_npm_packages() {
  local stamp="$PROJECT_ROOT/end2end/node_modules/.installed-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$PROJECT_ROOT/end2end/package-lock.json" "$stamp"; then
    say "installing npm packages (binaryen, Playwright)"
    (cd "$PROJECT_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp "$PROJECT_ROOT/end2end/package-lock.json" "$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's Chromium for the browser tests"
    apt_install chromium
  fi
}

# Debian's Prometheus: the metrics test starts one on loopback and has it scrape /metrics.
ensure_prometheus() {
  if ! command -v prometheus >/dev/null; then
    say "installing Debian's Prometheus for the metrics test"
    apt_install prometheus
  fi
}

# PostgreSQL on 127.0.0.1:5432 (trust auth) for the PostgreSQL half of the suite.
ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432
}

build_release() {
  say "building the release (server + WASM)"
  (cd "$PROJECT_ROOT" && cargo leptos build --release --split)
}
