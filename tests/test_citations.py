"""Pandoc-style citations: recognising them, their lines, and numbering."""

from __future__ import annotations

import pytest

from timeline.content.citations import Cite, Numbering, parse_bracket, scan_citations


@pytest.mark.parametrize("body, cites", [
    ("@a", (Cite("a"),)),
    ("@a, para. 3", (Cite("a", "para. 3"),)),
    ("@a; @b", (Cite("a"), Cite("b"))),
    ("see @a, p. 4; @b", (Cite("a", "p. 4", "see"), Cite("b"))),
    ("@article-2023-01-05, paras. 16-17", (Cite("article-2023-01-05", "paras. 16-17"),)),
    ("@doe:2020", (Cite("doe:2020"),)),
])
def test_citation_forms(body: str, cites: tuple[Cite, ...]) -> None:
    assert parse_bracket(body) == cites


@pytest.mark.parametrize("body", ["no at sign", "mail me at x@y.org please", "@", "@a; b"])
def test_non_citations(body: str) -> None:
    assert parse_bracket(body) is None


def test_scan_gives_file_lines_and_skips_code() -> None:
    body = "Intro [@a].\n\n`[@in-span]`\n\n```\n[@in-fence]\n```\n\nLast [@b; @c, p. 2].\n"
    found = scan_citations(body, first_line=10)
    assert [(c.line, [x.id for x in c.cites]) for c in found] == [(10, ["a"]), (18, ["b", "c"])]


def test_links_are_not_citations() -> None:
    assert scan_citations("[@handle](https://example.org)\n", 1) == []


def test_numbering_by_first_citation_and_reuse() -> None:
    numbering = Numbering()
    assert numbering.cite(Cite("b")) == (1, "cite-1-1")
    assert numbering.cite(Cite("a", "p. 2")) == (2, "cite-2-1")
    assert numbering.cite(Cite("b")) == (1, "cite-1-2")
    numbering.add_uncited("c")
    numbering.add_uncited("a")
    assert numbering.numbers == {"b": 1, "a": 2, "c": 3}
    assert numbering.places == {"b": ["", ""], "a": ["p. 2"]}


def test_one_citation_of_a_source_at_several_places_is_one_anchor() -> None:
    numbering = Numbering()
    assert numbering.cite_all("a", ["p. 2", None, "p. 3", "p. 2"]) == (1, "cite-1-1",
                                                                      "p. 2, p. 3")
    assert numbering.places == {"a": ["p. 2, p. 3"]}


@pytest.mark.parametrize("body, cites", [
    ("@good p. 3", (Cite("good", "p. 3"),)),
])
def test_locator_may_follow_a_space(body: str, cites: tuple[Cite, ...]) -> None:
    assert parse_bracket(body) == cites


def test_an_email_address_is_not_a_citation() -> None:
    assert parse_bracket("email a@example.org") is None


def test_an_escaped_bracket_is_not_a_citation() -> None:
    assert scan_citations(r"Literal \[@zzz] here.", 1) == []


def test_indented_code_is_skipped_but_list_continuations_are_not() -> None:
    body = ("    [@first-block]\n\nText [@a]\n    [@lazy-line]\n\n\t[@tab-code]\nend\n\n"
            "- item\n\n    [@in-item]\n")
    found = scan_citations(body, first_line=1)
    assert [(c.line, c.cites[0].id) for c in found] == [
        (3, "a"), (4, "lazy-line"), (11, "in-item")]
