"""Links in bodies: `[[slug]]` cross-references and relative Markdown links, with lines."""

from __future__ import annotations

import pytest

from timeline.content.links import Link, relative_links, resolve, scan_links, scan_xrefs


@pytest.mark.parametrize("body, found", [
    ("See [[strike]] and [[talks|the talks]].", [("strike", 1), ("talks", 1)]),
    ("[[ spaced ]]\n\n[[next]]", [("spaced", 1), ("next", 3)]),
    ("[[a[[b]]", [("a[[b", 1)]),
    ("[[]] [[|x]] [[a|]] [[a]", []),
    ("[[a\nb]] [[c|d\n]]", []),
    ("`[[in-code]]` [[out]]", [("out", 1)]),
])
def test_xrefs(body: str, found: list[tuple[str, int]]) -> None:
    assert [(link.target, link.line) for link in scan_xrefs(body, 1)] == found


def test_links_and_images_with_lines_skipping_code() -> None:
    body = "[a](x.html)\n\n![i](<y.png>) `[c](code.html)`\n\n    [d](indented.html)\n"
    assert scan_links(body, 3) == [Link("x.html", 3), Link("y.png", 5)]


def test_relative_links_leave_out_web_anchor_and_absolute_links() -> None:
    body = "[w](https://e.org) [m](mailto:a@b.org) [h](#top) [r](/x) [ok](../b/) [p](p.pdf)"
    assert relative_links(body, 1) == (Link("../b/", 1), Link("p.pdf", 1))


@pytest.mark.parametrize("url, path", [
    ("../b/", "events/b/index.html"),
    ("p.pdf#page=2", "events/a/p.pdf"),
    ("https://e.org", None),
    ("../../../x", "../x"),
])
def test_resolve(url: str, path: str | None) -> None:
    assert resolve("events/a/index.html", url) == path
