"""Pure rules: no database, no app."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from volunteers.i18n import text_direction
from volunteers.services.organisations import name_key
from volunteers.web.security.links import redact_tokens, safe_next


@given(st.text())
def test_safe_next_returns_nothing_or_a_local_path(target):
    result = safe_next(target)
    assert result is None or (result.startswith("/") and not result.startswith("//") and "\\" not in result)


@given(st.text(alphabet=string.ascii_letters + string.digits + "/-_", min_size=1))
def test_plain_local_paths_are_kept(path):
    target = "/" + path.lstrip("/")
    assert safe_next(target) == target


def test_tokens_are_redacted_from_log_lines():
    line = '127.0.0.1 - - "GET /confirm/AbC-123_xyzABCDEFGH HTTP/1.1" 200 -'
    assert "AbC-123" not in redact_tokens(line)
    assert "/confirm/[redacted]" in redact_tokens(line)
    encoded = '"GET /login?next=%2Finvitation%2FSecretToken12345 HTTP/1.1"'
    assert "SecretToken" not in redact_tokens(encoded)
    reset = '"POST /password/reset/abcdefghijklmnop HTTP/1.1"'
    assert "abcdefghijklmnop" not in redact_tokens(reset)
    assert redact_tokens('"GET /coordinator/outbox HTTP/1.1"') == '"GET /coordinator/outbox HTTP/1.1"'
    feed = '"GET /calendar/Xy-9_abcdefghijklmnopqrstuvwxyz0123456789ABCD.ics HTTP/1.1" 200'
    assert redact_tokens(feed) == '"GET /calendar/[redacted].ics HTTP/1.1" 200'
    assert redact_tokens('"GET /volunteer/calendar/renew HTTP/1.1"') == '"GET /volunteer/calendar/renew HTTP/1.1"'


@given(st.text(alphabet=st.characters(categories=("L", "N", "Zs")), min_size=1))
def test_organisation_names_match_whatever_case_and_spacing(name):
    assert name_key(name) == name_key(f"  {name.casefold()}  ".replace(" ", "   "))


def test_name_key_examples():
    assert name_key("Deutsch-Syrischer  Verein") == name_key("deutsch-syrischer verein ")
    assert name_key("Straße e.V.") == name_key("STRASSE E.V.")


def test_text_direction_follows_the_locale():
    assert text_direction("de") == "ltr"
    assert text_direction("en") == "ltr"
    assert text_direction("ar") == "rtl"
    assert text_direction("fa") == "rtl"
    assert text_direction("fa_AF") == "rtl"  # Dari, should the interface ever be offered in it
