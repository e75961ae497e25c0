#!/usr/bin/env bash
# The Debian packages the test suite needs (browser journeys, CJK PDFs, invoice text, the
# translations, a private PostgreSQL and Redis). Installs the missing ones: directly as
# root, through sudo otherwise; says in one line what to install when it cannot.
set -euo pipefail

# RUM (ranked catalog search, issue 18) is built per PostgreSQL major version: the installed one,
# else Debian 12's 15. Without it the catalog ranks a bounded window (cataloging/search.py).
PG_MAJOR=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
PACKAGES=(chromium fonts-noto-cjk fonts-wqy-zenhei poppler-utils poppler-data gettext
          redis-server postgresql postgresql-client "postgresql-${PG_MAJOR:-15}-rum")

if ! command -v dpkg >/dev/null 2>&1; then
  # Not Debian: check for the programs instead of the packages.
  missing=()
  for cmd in chromium pdftotext msgfmt redis-server pg_ctl psql; do
    command -v "$cmd" >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/"$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  if ((${#missing[@]})); then
    echo "make test needs these programs, not found here: ${missing[*]} (Debian packages: ${PACKAGES[*]})" >&2
    exit 1
  fi
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "make test needs these Debian packages: ${missing[*]} -- run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || {
  "${SUDO[@]}" apt-get update -q >/dev/null && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
