#!/usr/bin/env bash
# The embedded default in one go: migrate, seed demo data, then web + Celery worker + beat.
# SQLite database and SQLite broker under var/, simulated payments, e-mail to the console.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
BIN=.venv/bin

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Solo pool: one process is plenty for the demo and keeps SQLite writes serial.
$BIN/celery -A office worker --pool=solo --loglevel=INFO --hostname="worker@%h" &
pids+=($!)
$BIN/celery -A office beat --loglevel=INFO --schedule=var/celerybeat-schedule &
pids+=($!)
echo "Intranet on http://127.0.0.1:8000/ (demo password: ${DEMO_PASSWORD:-intranet-demo-2026})"
$BIN/python manage.py runserver 127.0.0.1:8000
