# Sourced by scripts/test.sh: when DATABASE_URL / REDIS_URL are not set, start a private
# PostgreSQL cluster and a private Redis on free loopback ports under var/, export their
# URLs, and stop both when the calling shell exits. Nothing is left running.

_free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

_stop_test_services() {
  if [ -n "${_TEST_PG_DATA:-}" ]; then
    "${_TEST_PG_AS[@]}" "$_TEST_PG_BIN/pg_ctl" -D "$_TEST_PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "${_TEST_REDIS_PID:-}" ] && [ -f "$_TEST_REDIS_PID" ]; then
    kill "$(cat "$_TEST_REDIS_PID")" 2>/dev/null || true
  fi
}
trap _stop_test_services EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  _TEST_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$_TEST_PG_BIN/initdb" ] || { echo "PostgreSQL's server programs are missing (Debian package postgresql)" >&2; exit 1; }
  _TEST_PG_ROOT="$PWD/var/test-postgres"
  _TEST_PG_DATA="$_TEST_PG_ROOT/data"
  _TEST_PG_AS=()
  mkdir -p "$_TEST_PG_ROOT"
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    chown postgres: "$_TEST_PG_ROOT"
    _TEST_PG_AS=(runuser -u postgres --)
  fi
  if [ ! -f "$_TEST_PG_DATA/PG_VERSION" ]; then
    "${_TEST_PG_AS[@]}" "$_TEST_PG_BIN/initdb" -D "$_TEST_PG_DATA" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  _port="$(_free_port)"
  # A throw-away cluster: durability off makes the suite's many small commits cheap.
  "${_TEST_PG_AS[@]}" "$_TEST_PG_BIN/pg_ctl" -D "$_TEST_PG_DATA" -w -l "$_TEST_PG_ROOT/server.log" \
    -o "-h 127.0.0.1 -p $_port -k $_TEST_PG_ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$_port/intranet_test"
  echo "Private PostgreSQL on 127.0.0.1:$_port ($_TEST_PG_DATA)"
fi

if [ -z "${REDIS_URL:-}" ]; then
  command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing (Debian package redis-server)" >&2; exit 1; }
  _TEST_REDIS_DIR="$PWD/var/test-redis"
  mkdir -p "$_TEST_REDIS_DIR"
  _TEST_REDIS_PID="$_TEST_REDIS_DIR/redis.pid"
  _port="$(_free_port)"
  redis-server --bind 127.0.0.1 --port "$_port" --save "" --appendonly no --daemonize yes \
    --dir "$_TEST_REDIS_DIR" --pidfile "$_TEST_REDIS_PID" --logfile "$_TEST_REDIS_DIR/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$_port" ping >/dev/null || { echo "the private Redis did not start" >&2; exit 1; }
  export REDIS_URL="redis://127.0.0.1:$_port/0"
  echo "Private Redis on 127.0.0.1:$_port"
fi
