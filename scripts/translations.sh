#!/usr/bin/env bash
# Maintain the translation catalogues. English is the source language (the msgids);
# German is the default interface language and must be complete (a test checks it).
#   scripts/translations.sh update    extract strings and merge them into the catalogues
#   scripts/translations.sh compile   build the .mo files the app reads
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
case "${1:-compile}" in
  update)
    "$PYBABEL" --quiet extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 -k _lp:1c,2 -k lazy_pgettext:1c,2 \
      -o volunteers/translations/messages.pot --no-location --sort-output \
      --project volunteers --copyright-holder "Landkreis Kassel" .
    "$PYBABEL" --quiet update -i volunteers/translations/messages.pot -d volunteers/translations --no-fuzzy-matching --ignore-obsolete
    ;;
  compile)
    "$PYBABEL" --quiet compile -d volunteers/translations
    ;;
  *)
    echo "usage: $0 update|compile" >&2
    exit 2
    ;;
esac
