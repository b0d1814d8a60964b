"""Reading rendered pages as a person (the text) and as a machine (attributes and a tree), and
the values a browser sends from a form on a page."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

#: Elements whose content is not read as text.
_SILENT = {"script", "style", "template"}
#: Elements that start a new line of text.
_BLOCKS = {"br", "p", "li", "td", "th", "dt", "dd", "div", "tr", "h1", "h2", "h3", "label", "legend", "option"}


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
        if tag in _BLOCKS:
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


def text_of(node: Node, leave_out=lambda node: False) -> str:
    """The text a person reads in `node`, a line break at each block as `visible_text` puts
    it, without the elements `leave_out` says."""
    parts: list[str] = []

    def add(current: Node) -> None:
        if current.tag in _SILENT or leave_out(current):
            return
        if current.tag in _BLOCKS:
            parts.append("\n")
        for child in current.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                add(child)

    add(node)
    return "".join(parts)


def tree(html: str) -> Node:
    """The page as a tree of elements (enough to follow ids and aria-describedby)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


_NOT_SENT = {"submit", "button", "reset", "image", "file"}


def form_values(html: str, action: str, page: str) -> dict[str, list[str]]:
    """What a browser sends from the form on `page` that posts to `action`, as the page fills
    it (without the value of any submit button)."""
    root = tree(html)
    form = next(
        (
            node
            for node in root.iter()
            if node.tag == "form"
            and (node.attrs.get("method") or "").lower() == "post"
            and (node.attrs.get("action") or page) == action
        ),
        None,
    )
    assert form is not None, f"no form sends to {action}"
    values: dict[str, list[str]] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name or "disabled" in node.attrs:
            continue
        if node.tag == "input":
            kind = (node.attrs.get("type") or "text").lower()
            if kind in _NOT_SENT or (kind in ("checkbox", "radio") and "checked" not in node.attrs):
                continue
            values.setdefault(name, []).append(node.attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif node.tag == "textarea":
            values.setdefault(name, []).append(node.text().removeprefix("\n"))
        elif node.tag == "select":
            options = [option for option in node.iter() if option.tag == "option"]
            chosen = [option for option in options if "selected" in option.attrs] or options[:1]
            for option in chosen if "multiple" in node.attrs else chosen[:1]:
                value = option.attrs.get("value")
                values.setdefault(name, []).append(value if value is not None else option.text())
    return values
