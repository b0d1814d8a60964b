#!/usr/bin/env bash
# Debian packages the app and the test suite need: the DejaVu fonts of the PDF hour sheets
# (also in production), Chromium for the browser tests, PostgreSQL for the second database run
# and wrk, the load generator of the page benchmark (bench/pages.py).
# Installed with apt when missing (as root, or through sudo).
# Usage: scripts/system-deps.sh [fonts] [chromium] [postgresql] [wrk]   (default: all four)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(fonts chromium postgresql wrk)

missing=()
for package in "${wanted[@]}"; do
  case "$package" in
    fonts) [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core) ;;
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
