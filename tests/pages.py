"""Reading rendered pages as a person (the text) and as a machine (attributes), and visiting
every page of a `tests.world` world as each of its people."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from flask import Flask

from tests.conftest import submit

#: Elements whose content is not read as text.
_SILENT = {"script", "style", "template"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes: list[tuple[str, dict[str, str | None]]] = []
        self._silent = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.attributes.append((tag, dict(attrs)))
        if tag in _SILENT:
            self._silent += 1
        if tag in {"br", "p", "li", "td", "th", "dt", "dd", "div", "tr", "h1", "h2", "h3", "label", "legend", "option"}:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs) -> None:
        self.attributes.append((tag, dict(attrs)))

    def handle_endtag(self, tag) -> None:
        if tag in _SILENT:
            self._silent -= 1

    def handle_data(self, data) -> None:
        if not self._silent:
            self.parts.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def visible_text(html: str) -> str:
    """The text a person reads, with a line break at each block."""
    return "".join(read(html).parts)


def elements(html: str, tag: str | None = None) -> list[tuple[str, dict[str, str | None]]]:
    return [(name, attrs) for name, attrs in read(html).attributes if tag is None or name == tag]


def visit_all(app: Flask, login, world, locale: str) -> Iterator[tuple[str, str, str]]:
    """(role, path, html) for every page of the world, each role logged in, in `locale`."""
    for role, user in [("public", None), *world.people().items()]:
        client = app.test_client()
        if user is not None:
            login(client, user)
        submit(client, "/language", {"locale": locale, "next": "/privacy"}, page="/privacy")
        for path in world.pages[role]:
            response = client.get(path)
            assert response.status_code in (200, 404, 410), (role, path, response.status_code)
            yield role, path, response.get_data(as_text=True)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_endtag(self, tag) -> None:
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data) -> None:
        self.current.children.append(data)


def tree(html: str) -> Node:
    """The page as a tree of elements (enough to follow ids and aria-describedby)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
