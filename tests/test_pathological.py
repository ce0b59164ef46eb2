"""Author text cannot make scanning or building slow: pathological lines, each with a time bound.

Each of these took longer than 20 s when citations, cross-references and code
were found by backtracking regexes (and Python-Markdown found the end of link
texts by reading from every `[`). The bounds are generous: linear scanning takes
well under a second here; a quadratic one takes hours.

The scans run on 1 MB lines. Rendering them is what the limits of
timeline/content/limits.py are for: a line over MAX_LINE characters, or nested
over MAX_NESTING levels, is refused when the event is loaded (some shapes took
minutes in Python-Markdown, lines of `- ` crashed it), so a build is tried on
each shape at the limit, and the 1 MB line must be refused quickly.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.content.citations import scan_citations
from timeline.content.coverage import find_paragraphs
from timeline.content.limits import MAX_LINE, MAX_NESTING, nesting
from timeline.content.links import scan_links, scan_xrefs
from timeline.errors import BuildError

SIZE = 1_000_000


def lines(size: int) -> dict[str, str]:
    """Return the pathological lines of about size characters, by name."""
    return {
        "bracket-then-ats": "[" + "@" * size,
        "locator-of-spaces": "[@article, " + " " * size + "]",
        "locator-spaces-then-text": "[@article, x" + " " * size + "y]",
        "prefix-of-spaces": "[see" + " " * size + "x @article]",
        "unclosed-cites": "[@" * (size // 2),
        "unclosed-xrefs": "[[a" * (size // 3),
        "unclosed-xref-texts": "[[a|" * (size // 4),
        "double-brackets": "[[" * (size // 2),
        "backticks": "`" * size,
        "fences": "```" * (size // 3),
        "brackets": "[" * size,
        "bracket-parens": "](" * (size // 2),
        "nested-texts": "[" + "[a]" * (size // 3),
        "images": "![" * (size // 2),
        "open-cite-then-spaces": "[@a, " + " " * size,
    }


# Lines that once made the paragraph scan of `check --citations` quadratic, and lines
# that are slow or deep in Python-Markdown (shapes measured for the limits).
def paragraph_lines(size: int) -> dict[str, str]:
    """Return the lines of about size characters that are slow in Python-Markdown."""
    return {
        "image-texts": "![a](" * (size // 5),
        "linked-images": "[![a](b)" * (size // 8),
        "rule-marks": "- " * (size // 2) + "x",
        "table-rule": "a|b\n" + "-" * size + "x",
        "table-rule-of-cells": "a|b\n|" + "-|" * (size // 2),
        "wide-table": "|a" * (size // 2) + "|\n|" + "-|" * (size // 2),
        "bullet-marks": "- " * (size // 2),
        "numbered-marks": "1. " * (size // 3),
        "quote-marks": ">" * size,
        "link-destinations": "[a](" * (size // 4),
        "angle-destinations": "[a](<" * (size // 5),
        "start-tags": "<a" * (size // 2),
        "footnote-marks": "[^" * (size // 2),
        "abbreviation-marks": "*[" * (size // 2),
        "emphasis": "*a _b " * (size // 6),
        "ampersands": "&" * size,
    }


LINES = lines(SIZE)
PARAGRAPH_LINES = paragraph_lines(SIZE)
# Each shape as long as a line may be (the longest line of each within MAX_LINE); those
# nested deeper than MAX_NESTING are refused for that, and built as NESTED at the limit.
LONGEST = {**lines(MAX_LINE - 20), **paragraph_lines(MAX_LINE - 20)}
AT_LIMIT = {name: line for name, line in LONGEST.items()
            if max(nesting(part) for part in line.split("\n")) <= MAX_NESTING}
DEEP = {"rule-marks", "numbered-marks", "quote-marks"}
NESTED = {
    "bullets": "- " * MAX_NESTING + "x",
    "numbers": "1. " * MAX_NESTING + "x",
    "quotes": "> " * MAX_NESTING + "x",
    "quoted-lists": "> - " * (MAX_NESTING // 2) + "x",
    "indentation": "\n".join("    " * level + "- x" for level in range(MAX_NESTING)),
}
BOUND = 5.0  # seconds for one scan of 1 MB
BUILD_BOUND = 20.0  # seconds for a whole build of one event (its longest line at the limit)


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


@pytest.mark.parametrize("line", [*AT_LIMIT.values(), *NESTED.values()],
                         ids=[*AT_LIMIT.keys(), *(f"nested-{k}" for k in NESTED)])
def test_building_an_event_with_a_pathological_line_at_the_limits_is_fast(
        make_project: MakeProject, line: str) -> None:
    assert max(len(part) for part in line.split("\n")) <= MAX_LINE
    body = f"Intro [@article].\n\n{line}\n"
    project = make_project({"content/e.md": event(body=body)})
    assert timed(lambda: build(project, project / "site")) < BUILD_BOUND
    assert (project / "site" / "events" / "e" / "index.html").is_file()


@pytest.mark.parametrize("line", [*LINES.values(), *PARAGRAPH_LINES.values()],
                         ids=[*LINES.keys(), *PARAGRAPH_LINES.keys()])
def test_a_pathological_line_of_1_mb_is_refused_quickly(make_project: MakeProject,
                                                        line: str) -> None:
    body = f"Intro [@article].\n\n{line}\n"
    project = make_project({"content/e.md": event(body=body)})
    started = time.perf_counter()
    with pytest.raises(BuildError) as refused:
        build(project, project / "site")
    assert time.perf_counter() - started < BUILD_BOUND
    index, first = next((i, p) for i, p in enumerate(line.split("\n")) if len(p) > MAX_LINE)
    assert [str(e) for e in refused.value.errors] == [
        f"content/e.md:{7 + index}: error: line too long: {len(first)} characters, more than the "
        f"limit of {MAX_LINE} for a line of Markdown; break it into paragraphs"]
    assert not (project / "site").exists()


@pytest.mark.parametrize("name", sorted(DEEP))
def test_the_deep_shapes_at_the_length_limit_are_refused_as_nested(
        make_project: MakeProject, name: str) -> None:
    assert set(LONGEST) - set(AT_LIMIT) == DEEP
    line = LONGEST[name]
    project = make_project({"content/e.md": event(body=f"Intro [@article].\n\n{line}\n")})
    with pytest.raises(BuildError) as refused:
        build(project, project / "site")
    assert [str(e) for e in refused.value.errors] == [
        f"content/e.md:7: error: nested too deeply: {nesting(line)} levels of lists, block "
        f"quotes and indentation on one line, more than the limit of {MAX_NESTING}"]
