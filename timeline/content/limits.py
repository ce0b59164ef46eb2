"""Bound what Markdown text may hold before it is rendered: line length and nesting depth.

Python-Markdown recurses once per level of nested lists and block quotes (a
line of about 500 `- ` markers exhausted the interpreter's recursion limit),
and some of its processors are superlinear in the length of a line (see
tests/test_pathological.py). Text past these bounds is refused when an event
is loaded, with the file and line, so it never reaches the renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE = 20_000  # characters in one line; a 1,000-word paragraph is about 7,000
MAX_NESTING = 50  # levels of lists, block quotes and indentation on one line
TAB = 4  # columns to a tab stop, as Python-Markdown counts them

# One container a line opens: a list marker (bullet or number) or a quote mark.
_CONTAINER = re.compile(r"[ ]*(?:(?:[*+-]|[0-9]+[.)])(?:[ \t]+|$)|>[ ]?)")


@dataclass(frozen=True)
class Excess:
    """A line of a text past one of the bounds: where, and what to say."""

    line: int
    message: str


def check_text(text: str, first_line: int) -> list[Excess]:
    """Return the first line too long and the first nested too deeply of a Markdown text.

    One of each kind: a hostile file may hold a million such lines.
    """
    excesses: list[Excess] = []
    long_seen = deep_seen = False
    for number, line in enumerate(text.split("\n"), start=first_line):
        if len(line) > MAX_LINE:
            if not long_seen:
                long_seen = True
                excesses.append(Excess(number, (
                    f"line too long: {len(line)} characters, more than the limit of "
                    f"{MAX_LINE} for a line of Markdown; break it into paragraphs")))
            continue
        if deep_seen:
            continue
        depth = nesting(line)
        if depth > MAX_NESTING:
            deep_seen = True
            excesses.append(Excess(number, (
                f"nested too deeply: {depth} levels of lists, block quotes and indentation "
                f"on one line, more than the limit of {MAX_NESTING}")))
        if long_seen and deep_seen:
            break
    return excesses


def nesting(line: str) -> int:
    """Return how many levels of containers a line opens: indentation, then markers.

    Each four columns of indentation are one level (a nested list, or code
    in one), and so is each list marker or quote mark that starts the line. A
    thematic break (`* * *`, `- - -`) opens none, however many marks it has.
    """
    body = line.lstrip(" \t")
    if len(set(body) - {" ", "\t"}) == 1 and body[0] in "*-_":
        return 0
    columns = 0
    for char in line[:len(line) - len(body)]:
        columns = columns + TAB - columns % TAB if char == "\t" else columns + 1
    depth = columns // TAB
    position = len(line) - len(body)
    while match := _CONTAINER.match(line, position):  # each match takes a character or more
        depth += 1
        position = match.end()
    return depth
