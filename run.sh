#!/usr/bin/env bash
# Set up frontdesk in ./.venv and run it on http://127.0.0.1:8000 (SQLite, demo data on first run).
# Arguments are passed to `frontdesk serve` (e.g. ./run.sh --port 8080).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
.venv/bin/frontdesk setup
exec .venv/bin/frontdesk serve "$@"
