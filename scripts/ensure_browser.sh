#!/usr/bin/env bash
# Make sure the browser of the page tests (tests/browser/) is installed: Debian's chromium.
#
# The tests drive the system Chromium through playwright (never a browser downloaded by
# `playwright install`). On Debian, a missing chromium is installed with apt-get (as root, or
# through sudo), non-interactively. Anywhere else this script says what to install and fails.
# XAVIER_CHROMIUM names another Chromium binary (default /usr/bin/chromium); the tests read it too.
set -euo pipefail

BROWSER="${XAVIER_CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-liberation fonts-dejavu-core fonts-noto-color-emoji)

version() { "$1" --version 2>/dev/null | head -n 1 || true; }

if [ -x "$BROWSER" ]; then
  echo ">>> chromium: $BROWSER ($(version "$BROWSER"))"
  exit 0
fi

os_id=""
if [ -r /etc/os-release ]; then
  os_id="$(. /etc/os-release && echo "${ID:-}")"
fi

if [ "$os_id" != "debian" ] || ! command -v apt-get >/dev/null; then
  cat >&2 <<EOF
!!! The page tests need Chromium at $BROWSER, which is missing.
!!! This script installs it only on Debian (apt-get install ${PACKAGES[*]}); this system is
!!! '${os_id:-unknown}'. Install Chromium with your system's package manager, then either link it
!!! to $BROWSER or set XAVIER_CHROMIUM=/path/to/chromium, and run make test again.
EOF
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null; then
  SUDO=(sudo)
else
  echo "!!! chromium is missing and installing it needs root: apt-get install ${PACKAGES[*]}" >&2
  exit 1
fi

echo ">>> Installing ${PACKAGES[*]} with apt-get (the browser of the page tests)"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null

if [ ! -x "$BROWSER" ]; then
  echo "!!! apt-get installed chromium but $BROWSER is still missing" >&2
  exit 1
fi
echo ">>> chromium: $BROWSER ($(version "$BROWSER"))"
