#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the browser tests, PostgreSQL for the
# second database run and wrk, the load generator of the page benchmark (bench/pages.py).
# Installed with apt when missing (as root, or through sudo).
# Usage: scripts/system-deps.sh [chromium] [postgresql] [wrk]   (default: all three)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(chromium postgresql wrk)

missing=()
for package in "${wanted[@]}"; do
  case "$package" in
    chromium) [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium) ;;
    postgresql)
      if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
        missing+=(postgresql)
      fi
      ;;
    wrk) command -v wrk >/dev/null 2>&1 || missing+=(wrk) ;;
    *) echo "unknown package $package" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -gt 0 ] || exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt_get=(sudo apt-get)
else
  echo "Missing ${missing[*]} and not root: install them with apt-get, then run this again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"; then
  "${apt_get[@]}" update
  "${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"
fi
