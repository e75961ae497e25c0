#!/usr/bin/env bash
# The main page of every role against a bare Django 5.2 page, in the same run (issue 18,
# item 5). gunicorn (2 sync workers, production settings: DEBUG=false, persistent database
# connections, Redis cache and cached_db sessions) on 127.0.0.1, PostgreSQL, seed_demo data.
# For each page: the bare page (bench/bare.py, startproject's middleware, a small template,
# no database) for DURATION, then the page for DURATION, ROUNDS times, taking turns; the
# share is the page's requests/s over the bare page's in the same rounds. Latency
# percentiles are the page's; queries are counted in process (bench/pages.py, warm cache).
#
#   bench/pages.sh                 # needs PostgreSQL and Redis on 127.0.0.1, make install done
#
# Environment: BENCH_DB (intranet_pages), BENCH_REDIS (redis://127.0.0.1:6379/9),
# DURATION (seconds, 8), ROUNDS (2), CONNECTIONS (8), PORT (8190; the bare page on PORT+1),
# PAGES (a grep pattern over the labels, to run some only), PAGE_CACHE_SECONDS (the signed-in
# page cache, office/page_cache.py: 30 by default; 0 measures every page rendered), VOLUME_SCALE (unset: demo data;
# 1.0: bench/volume_seed.py's full volume on top, written once per database; compare the
# shares with a demo run, e.g. VOLUME_SCALE=1 BENCH_DB=intranet_pages_volume bench/pages.sh).
# Load comes from wrk when it is installed (Debian's `wrk`; bench/wrk_report.lua prints its
# figures), else from bench/load.py (Python: it costs more CPU per request than wrk, so the
# bare page's rate, the share's denominator, comes out lower and the shares higher).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${BENCH_DB:-intranet_pages}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-8190}
BARE_PORT=$((PORT + 1))
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL=${BENCH_REDIS:-redis://127.0.0.1:6379/9}
export DJANGO_SECRET_KEY=bench-secret-key-bench-secret-key-bench-secret-key-0123456789
export DJANGO_DEBUG=false SECURE_SSL_REDIRECT=false SECURE_COOKIES=false ALLOWED_HOSTS=127.0.0.1,testserver
export CELERY_TASK_ALWAYS_EAGER=true AXES_ENABLED=false

psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo >/dev/null 2>&1
if [ -n "${VOLUME_SCALE:-}" ]; then
  psql -h 127.0.0.1 -U postgres -d "$DB" -tc "SELECT 1 FROM office_organization WHERE code = 'vol-01'" | grep -q 1 \
    || .venv/bin/python bench/volume_seed.py --scale "$VOLUME_SCALE"
fi
.venv/bin/python manage.py collectstatic --noinput -v0

declare -A COOKIE QUERIES
while IFS='|' read -r label count status; do
  QUERIES[$label]=$count; [ "$status" != 200 ] && QUERIES[$label]="$count (HTTP $status)"
done \
  < <(.venv/bin/python bench/pages.py queries 2>/dev/null)
mapfile -t PAGE_ROWS < <(.venv/bin/python bench/pages.py paths | grep -E -- "${PAGES:-.}")
for row in "${PAGE_ROWS[@]}"; do
  user=$(cut -d'|' -f2 <<<"$row")
  if [ "$user" != "-" ] && [ -z "${COOKIE[$user]:-}" ]; then
    # A browser's cookies after its first page: the session and the CSRF cookie (the cached
    # navigation and signed-in pages are kept per CSRF secret; without one nothing is stored).
    COOKIE[$user]="sessionid=$(.venv/bin/python bench/session_for.py "$user"); csrftoken=$(openssl rand -hex 16)"
  fi
done

LOGS=$(mktemp -d)
.venv/bin/gunicorn office.wsgi --bind 127.0.0.1:$PORT --workers 2 --log-level warning >"$LOGS/app.log" 2>&1 &
APP=$!
.venv/bin/gunicorn bench.bare:application --bind 127.0.0.1:$BARE_PORT --workers 2 --log-level warning \
  >"$LOGS/bare.log" 2>&1 &
BARE=$!
trap 'kill $APP $BARE 2>/dev/null || true' EXIT
for port in $PORT $BARE_PORT; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

load() {  # $1 = url, $2 = seconds, $3 = cookie or "": prints "req/s p50 p95 p99 non-2xx"
  if command -v wrk >/dev/null; then
    local args=(-t 2 -c "$CONNECTIONS" -d "${2}s" -s bench/wrk_report.lua -H "Accept-Language: en")
    [ -n "$3" ] && args+=(-H "Cookie: $3")
    wrk "${args[@]}" "$1" | tail -1
  else
    .venv/bin/python bench/load.py "$1" "$2" "$CONNECTIONS" "$3" --plain
  fi
}

echo "Data: $DB${VOLUME_SCALE:+, demo + bench/volume_seed.py --scale $VOLUME_SCALE}; signed-in page cache: ${PAGE_CACHE_SECONDS:-30} s"
echo "Load: $(command -v wrk >/dev/null && echo "wrk -t2 -c$CONNECTIONS" || echo "bench/load.py, $CONNECTIONS connections"); ${DURATION}s per turn, $ROUNDS rounds; $(date -u +%F' '%H:%M) UTC; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| page | user | req/s | bare req/s | share of bare | p50 | p95 | p99 | queries |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in "${PAGE_ROWS[@]}"; do
  IFS='|' read -r label user path <<<"$row"
  cookie=""; [ "$user" != "-" ] && cookie=${COOKIE[$user]}
  url="http://127.0.0.1:$PORT$path"
  load "$url" 2 "$cookie" >/dev/null  # warm-up: templates, caches, connections
  page_sum=0; bare_sum=0; stats=""; bad=0
  for _ in $(seq 1 "$ROUNDS"); do
    bare_out=$(load "http://127.0.0.1:$BARE_PORT/" "$DURATION" "" | tail -1)
    page_out=$(load "$url" "$DURATION" "$cookie" | tail -1)
    bare_sum=$(awk -v a="$bare_sum" -v line="$bare_out" 'BEGIN {split(line, f, " "); print a + f[1]}')
    page_sum=$(awk -v a="$page_sum" -v line="$page_out" 'BEGIN {split(line, f, " "); print a + f[1]}')
    stats=$(awk -v line="$page_out" 'BEGIN {split(line, f, " "); print f[2] " | " f[3] " | " f[4]}')
    bad=$(awk -v a="$bad" -v line="$page_out" 'BEGIN {split(line, f, " "); print a + f[5]}')
  done
  [ "$bad" -gt 0 ] && label="$label (non-2xx: $bad)"
  share=$(awk -v p="$page_sum" -v b="$bare_sum" 'BEGIN {printf "%.1f %%", 100 * p / b}')
  printf '| %s | %s | %.1f | %.0f | %s | %s | %s |\n' "$label" "$user" \
    "$(awk -v s="$page_sum" -v n="$ROUNDS" 'BEGIN {print s / n}')" \
    "$(awk -v s="$bare_sum" -v n="$ROUNDS" 'BEGIN {print s / n}')" "$share" "$stats" "${QUERIES[$label]:-?}"
done
grep -h "ERROR\|Traceback" "$LOGS"/*.log | head -5 || true
