#!/usr/bin/env bash
# Union catalog at scale (issue 4, item 7): generate, import, then time searches in process
# and the search page over HTTP. Results (Markdown tables) go to docs/benchmarks.md.
#
#   bench/catalog_bench.sh                 # one million records (COUNT), PostgreSQL on 127.0.0.1
#
# Environment: COUNT (default 1000000), BENCH_DB (intranet_bench), BENCH_DATA (/work/bench-data,
# where the generated file is kept), SEED (4). Heavy: runs under nice on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
SEED=${SEED:-4}
export BENCH_DB=${BENCH_DB:-intranet_bench}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}
uptime
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" load --count "$COUNT"
uptime
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" query
uptime
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" sql
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" http
uptime
# The bounded-window ranking, as where the RUM extension is missing (issue 18, item 6), and
# whether each path's first page is the exact best 20 of all matches.
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" query --only keyword --ranking window
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" sql --only keyword --ranking window
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" http --only keyword --ranking window
nice -n 10 .venv/bin/python bench/catalog_bench.py --seed "$SEED" exact
uptime
