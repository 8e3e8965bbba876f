#!/usr/bin/env bash
# Set up the test dependencies and run the whole suite: everything on SQLite, then the
# database-facing tests again on PostgreSQL when DATABASE_URL is set or 127.0.0.1:5432 answers.
# Arguments are passed to pytest (e.g. ./test.sh -k customers).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
ensure_chromium

postgres_url="${DATABASE_URL:-}"
if [ -z "$postgres_url" ] && .venv/bin/python scripts/port_open.py 127.0.0.1 5432; then
    postgres_url="postgresql://postgres@127.0.0.1:5432/postgres"
fi

echo "== frontdesk tests on SQLite =="
env -u DATABASE_URL .venv/bin/pytest "$@"

if [ -n "$postgres_url" ]; then
    echo "== frontdesk database tests on PostgreSQL =="
    DATABASE_URL="$postgres_url" .venv/bin/pytest -m "not e2e and not server" "$@"
else
    echo "PostgreSQL not reachable and DATABASE_URL not set: PostgreSQL pass skipped"
fi
