"""The web edge keeps its shape: one commit point, and no loose modules at the root of web/."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "volunteers" / "web"
COMMIT_POINT = WEB / "edge" / "transaction.py"
COMMIT = re.compile(r"\bdb\.session\.commit\(\)")


def test_no_commit_in_the_web_layer_outside_the_commit_point():
    committing = [
        f"{path.relative_to(WEB)}:{number}"
        for path in sorted(WEB.rglob("*.py"))
        if path != COMMIT_POINT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COMMIT.search(line)
    ]
    assert committing == []
    assert len(COMMIT.findall(COMMIT_POINT.read_text(encoding="utf-8"))) == 1


def test_no_loose_modules_at_the_root_of_web():
    loose = sorted(path.name for path in WEB.glob("*.py") if path.name != "__init__.py")
    assert loose == []


def test_every_folder_of_web_is_a_package():
    folders = [path for path in WEB.rglob("*") if path.is_dir() and path.name != "__pycache__"]
    assert [str(f.relative_to(WEB)) for f in folders if not (f / "__init__.py").exists()] == []
