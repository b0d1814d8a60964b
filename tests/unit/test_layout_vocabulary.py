"""One vocabulary: states, hard rules and actors are enums that carry their labels and their
sets; templates ask predicates or compare with members, never with a state's string value."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from volunteers.models.enums import HardRule

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "volunteers"
TEMPLATES = ROOT / "templates"
#: Where the vocabulary itself is defined (and the transition table, which is made of states).
VOCABULARY = {PACKAGE / "models" / "enums.py", PACKAGE / "services" / "transitions.py"}
#: Modules whose every string could be a rule's name: here even "language" or "active" is one.
MATCHING = [PACKAGE / "services" / name for name in ("matching.py", "candidates.py", "candidate_facts.py", "offers.py")]
#: Rule names that mean nothing else in the code base.
DISTINCTIVE_RULES = {HardRule.QUALIFIED, HardRule.AVAILABLE, HardRule.FREE}
DISTINCTIVE_RULES |= {HardRule.MONTHLY_MAXIMUM, HardRule.NOT_EXCLUDED}

#: record.state.value == 'open', or offer.state == 'offered', rule == 'free' ...
STRING_COMPARISON = re.compile(
    r"\.value\s*(==|!=|\bin\b|\bnot in\b)"
    r"|(\.(state|status|subject|role|kind)|\b(rule|role))\s*(==|!=|\bin\b|\bnot in\b)\s*[(\['\"]"
)


def _python_files() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path not in VOCABULARY)


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_template_compares_with_a_string_value():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STRING_COMPARISON.search(line)
    ]
    assert not found, "compare with enum members or ask a predicate:\n" + "\n".join(found)


def test_the_layout_check_sees_what_it_looks_for():
    for line in (
        "{% if offer.state.value == 'offered' %}",
        "{% set close = record.state.value in ('open', 'partly_filled') %}",
        "{% if organisation.status == 'pending' %}",
        "{% elif rule == 'free' %}",
    ):
        assert STRING_COMPARISON.search(line), line
    for line in (
        "{% if offer.state.awaits_answer %}",
        "{% if organisation.status == OrganisationStatus.PENDING %}",
        '<span class="tag tag--{{ offer.state.value }}">',
    ):
        assert not STRING_COMPARISON.search(line), line


def test_hard_rules_are_named_only_by_their_enum():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {value!r}"
        for path in _python_files()
        for number, value in _strings(path)
        if value in DISTINCTIVE_RULES or (path in MATCHING and value in set(HardRule))
    ]
    assert not found, "use HardRule members:\n" + "\n".join(found)


def test_request_and_offer_states_are_grouped_only_by_their_enums():
    """A set of states (those to fill, the live offers ...) is a classmethod of its enum, not a
    tuple written out where it is used."""

    def is_state(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"RequestState", "OfferState"}
        )

    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Tuple | ast.List | ast.Set)
        and len(node.elts) > 1
        and sum(is_state(element) for element in node.elts) > 1
    ]
    assert not found, "use RequestState.to_fill(), OfferState.live() ...:\n" + "\n".join(found)


def test_actors_are_the_actor_enum():
    """Who moved a request or an offer is an `Actor`, never a string such as "coordinator"."""
    source = (PACKAGE / "services" / "transitions.py").read_text(encoding="utf-8")
    assert "actor_role=by.role" in source
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bBy\(\s*['\"]", line) or re.search(r"actor_role\s*==\s*['\"]", line)
    ]
    assert not found, "\n".join(found)
