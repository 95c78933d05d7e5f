#!/usr/bin/env bash
# Installs what is missing, builds the release and starts Parley at http://127.0.0.1:3000
# on the embedded SQLite database under ./data. Override with PARLEY_ADDR, PARLEY_DATA_DIR,
# DATABASE_URL (see README.md).
source "$(dirname "$0")/scripts/lib.sh"
cd "$PROJECT_ROOT"
ensure_build_tools
build_release
export PARLEY_ADDR="${PARLEY_ADDR:-127.0.0.1:3000}"
say "starting Parley at http://$PARLEY_ADDR (Ctrl-C stops it)"
exec ./target/release/parley
