#!/usr/bin/env bash
# Runs the whole suite: unit and integration tests on SQLite and PostgreSQL, then the
# Playwright suite in Chromium against the release build.
source "$(dirname "$0")/scripts/lib.sh"
cd "$PROJECT_ROOT"
ensure_build_tools
ensure_chromium
ensure_prometheus
if ensure_postgres; then
  export PARLEY_TEST_DATABASE_URL="${PARLEY_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
else
  echo "PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL run is skipped" >&2
fi
build_release
say "format and lint policy (rustfmt, clippy with warnings as errors)"
cargo fmt --all -- --check
cargo clippy --release -p app --features ssr -p server -p fake-telegram -p bench -p layers --tests -- -D warnings
say "unit and integration tests (SQLite$([ -n "${PARLEY_TEST_DATABASE_URL:-}" ] && echo ' and PostgreSQL'))"
cargo test --release -p app --features ssr -p server -p fake-telegram -p layers
say "end-to-end tests (Playwright, Chromium)"
(cd end2end && npx playwright test)
say "all tests passed"
