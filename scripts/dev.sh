#!/usr/bin/env bash
# The embedded default in one go: migrate, seed demo data, then web + Celery worker + beat
# under honcho (deploy/Procfile.dev): SQLite database and SQLite broker under var/, simulated
# payments, e-mail to the console. If one process dies, honcho says so and stops the others;
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
BIN=.venv/bin

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo
echo "Intranet on http://127.0.0.1:${PORT:-8000}/ (demo password: ${DEMO_PASSWORD:-intranet-demo-2026})"
exec $BIN/honcho -f deploy/Procfile.dev -d . start
