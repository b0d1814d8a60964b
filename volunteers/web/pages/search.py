"""Search terms may be names, which must not appear in URLs (and so in logs): a search form
POSTs, the term is kept in the session, and the list reads it from there (post/redirect/get)."""

from __future__ import annotations

from flask import session

_KEY = "searches"


def remember(list_name: str, term: str) -> None:
    searches = dict(session.get(_KEY, {}))
    term = term.strip()[:100]
    if term:
        searches[list_name] = term
    else:
        searches.pop(list_name, None)
    session[_KEY] = searches


def current(list_name: str) -> str:
    return session.get(_KEY, {}).get(list_name, "")
