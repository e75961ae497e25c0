#!/usr/bin/env bash
# Throughput of intranet pages under gunicorn + PostgreSQL, with and without persistent
# database connections (DB_CONN_MAX_AGE). Loopback only. Results go to docs/benchmarks.md.
#
#   bench/http_pages.sh            # needs wrk (apt), PostgreSQL on 127.0.0.1, make install done
#
# Environment: BENCH_DB (default intranet_bench), DURATION (default 15s), CONNECTIONS (8).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${BENCH_DB:-intranet_bench}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-8190}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SECRET_KEY=bench-secret-key-bench-secret-key-bench-secret-key-0123456789
export DJANGO_DEBUG=false SECURE_SSL_REDIRECT=false SECURE_COOKIES=false ALLOWED_HOSTS=127.0.0.1
export CELERY_TASK_ALWAYS_EAGER=true

psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo >/dev/null
SESSION=$(.venv/bin/python bench/session_for.py staff_infodev)

run() {  # $1 = label, $2 = CONN_MAX_AGE, $3 = path, $4 = cookie header or ""
  DB_CONN_MAX_AGE=$2 .venv/bin/gunicorn office.wsgi --bind 127.0.0.1:$PORT --workers 2 \
    --log-level warning >/tmp/bench-gunicorn.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live/" && break; sleep 0.2; done
  local args=(-t 2 -c "$CONNECTIONS" -d "$DURATION" --latency)
  [ -n "$4" ] && args+=(-H "Cookie: $4")
  local out
  out=$(wrk "${args[@]}" "http://127.0.0.1:$PORT$3")
  kill $pid; wait $pid 2>/dev/null || true
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$3" "$2" "$rps" "$p50" "$p99${non2xx:+ (non-2xx: $non2xx)}"
}

echo "| page | path | CONN_MAX_AGE | req/s | p50 | p99 |"
echo "|---|---|---|---|---|---|"
run "public home" 0 / ""
run "public home" 600 / ""
run "intranet home (staff)" 0 /intranet/ "sessionid=$SESSION"
run "intranet home (staff)" 600 /intranet/ "sessionid=$SESSION"
