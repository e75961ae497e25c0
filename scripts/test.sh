#!/usr/bin/env bash
# `make test`: the Debian packages the suite needs, PostgreSQL and Redis (private ones under
# var/ unless DATABASE_URL / REDIS_URL point elsewhere), then the whole suite in parallel.
# Extra pytest arguments: PYTEST_ARGS="-k refund" make test; TEST_WORKERS=1 for one process;
# `make test-fast` leaves out the browser journeys (TEST_MARK="not browser").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh
# The suite refuses to fall back to SQLite or eager-only Celery.
export REQUIRE_REAL_SERVICES=1
MARK=()
[ -n "${TEST_MARK:-}" ] && MARK=(-m "$TEST_MARK")
# shellcheck disable=SC2086
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadgroup "${MARK[@]}" ${PYTEST_ARGS:-}
