#!/usr/bin/env bash
# Quickstart, command 1: set everything up and open the dashboard on http://localhost:8501
# with the collection scheduler beside it. Ctrl-C stops both. Extra arguments go to `cli.py run`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh requirements.txt
exec .venv/bin/python cli.py run "$@"
