"""Author text cannot make scanning slow: 1 MB pathological lines, each with a time bound.

Each of these took longer than 20 s when citations, cross-references and code
were found by backtracking regexes (and Python-Markdown found the end of link
texts by reading from every `[`). The bounds are generous: linear scanning takes
well under a second here; a quadratic one takes hours.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.content.citations import scan_citations
from timeline.content.coverage import find_paragraphs
from timeline.content.links import scan_links, scan_xrefs

SIZE = 1_000_000
LINES = {
    "bracket-then-ats": "[" + "@" * SIZE,
    "locator-of-spaces": "[@article, " + " " * SIZE + "]",
    "locator-spaces-then-text": "[@article, x" + " " * SIZE + "y]",
    "prefix-of-spaces": "[see" + " " * SIZE + "x @article]",
    "unclosed-cites": "[@" * (SIZE // 2),
    "unclosed-xrefs": "[[a" * (SIZE // 3),
    "unclosed-xref-texts": "[[a|" * (SIZE // 4),
    "double-brackets": "[[" * (SIZE // 2),
    "backticks": "`" * SIZE,
    "fences": "```" * (SIZE // 3),
    "brackets": "[" * SIZE,
    "bracket-parens": "](" * (SIZE // 2),
    "nested-texts": "[" + "[a]" * (SIZE // 3),
    "images": "![" * (SIZE // 2),
    "open-cite-then-spaces": "[@a, " + " " * SIZE,
}
# Lines that once made the paragraph scan of `check --citations` quadratic. Scanned only:
# a whole build of some of them is still slow in Python-Markdown (left, see the note).
PARAGRAPH_LINES = {
    "image-texts": "![a](" * (SIZE // 5),
    "linked-images": "[![a](b)" * (SIZE // 8),
    "rule-marks": "- " * (SIZE // 2) + "x",
    "table-rule": "a|b\n" + "-" * SIZE + "x",
}
BOUND = 5.0  # seconds for one scan of 1 MB
BUILD_BOUND = 20.0  # seconds for a whole build of one 1 MB event


def paragraphs(body: str, first_line: int) -> object:
    """Find the paragraphs of a body, as loading does for `check --citations`."""
    return find_paragraphs(body, first_line, scan_citations(body, first_line))


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


@pytest.mark.parametrize("line", [*LINES.values(), *PARAGRAPH_LINES.values()],
                         ids=[*LINES.keys(), *PARAGRAPH_LINES.keys()])
@pytest.mark.parametrize("scan", [scan_citations, scan_xrefs, scan_links, paragraphs],
                         ids=["citations", "xrefs", "links", "paragraphs"])
def test_scanning_a_pathological_line_is_fast(scan: Callable[[str, int], object],
                                              line: str) -> None:
    assert timed(lambda: scan(f"Intro.\n\n{line}\n", 5)) < BOUND


@pytest.mark.parametrize("line", LINES.values(), ids=LINES.keys())
def test_building_an_event_with_a_pathological_line_is_fast(
        make_project: MakeProject, line: str) -> None:
    body = f"Intro [@article].\n\n{line}\n"
    project = make_project({"content/e.md": event(body=body)})
    assert timed(lambda: build(project, project / "site")) < BUILD_BOUND
    assert (project / "site" / "events" / "e" / "index.html").is_file()
