"""The checks the page walk runs (tests/page_checks.py) find what they should."""

from __future__ import annotations

from tests.page_checks import doubled_periods, heading_problems, id_problems, optional_twice, readable


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


def test_a_page_has_one_h1_and_a_title_of_its_own():
    page = "<html><head><title>{title}</title></head><body>{headings}</body></html>"
    assert heading_problems(page.format(title="Profile – Centre", headings="<h1>Profile</h1>")) == []
    assert heading_problems(page.format(title="Profile – Centre", headings="<h1>A</h1><h1>B</h1>")) == ["2 h1 elements"]
    assert heading_problems(page.format(title=" – Centre", headings="<h2>B</h2>")) == [
        "0 h1 elements",
        "title ['– Centre']",
    ]


def test_typed_text_code_and_other_languages_are_not_the_apps_words():
    page = (
        '<html lang="de"><body><p>Status: <code>applicant</code></p><textarea>partly_filled</textarea>'
        '<p class="note__body">phone interpreting</p><td lang="en">You have cancelled</td>'
        '<td lang="de">Abgesagt</td></body></html>'
    )
    text = readable(page, "de")
    assert "Status:" in text and "Abgesagt" in text
    assert not any(word in text for word in ("applicant", "partly_filled", "phone", "cancelled"))


def test_optional_twice_and_doubled_periods():
    field = '<label for="x">Phone (optional)</label><input id="x" aria-describedby="x-hint"><p id="x-hint">{}</p>'
    assert optional_twice(field.format("Optional.")) == ["x: Phone (optional) Optional."]
    assert optional_twice(field.format("For example 0561 1234567.")) == []
    assert doubled_periods("Beim Verein e.V.. Dann\nAnd so on...") == ["Beim Verein e.V.. Dann"]
