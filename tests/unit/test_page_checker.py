"""The checker the page walk uses (tests/web/test_page_ids.py) finds what it should."""

from __future__ import annotations

from tests.web.test_page_ids import id_problems


def test_the_checker_finds_duplicates_and_dangling_references():
    page = (
        '<label for="reason">A</label><textarea id="reason"></textarea>'
        '<label for="missing">B</label><textarea id="reason" aria-describedby="reason-hint"></textarea>'
        '<a href="#nowhere">x</a>'
    )
    assert id_problems(page) == [
        "id 'reason' appears 2 times",
        "label[for] points to missing id 'missing'",
        "aria-describedby points to missing id 'reason-hint'",
        "href points to missing id 'nowhere'",
    ]
