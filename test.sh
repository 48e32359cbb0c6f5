#!/usr/bin/env bash
# Quickstart, command 2: run the whole test suite (installs the dev requirements first).
# PostgreSQL tests run when TEST_DATABASE_URL is set; the browser test when /usr/bin/chromium exists.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
