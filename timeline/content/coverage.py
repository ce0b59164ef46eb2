"""Find the paragraphs of a body that readers take as reporting, and whether each is cited.

What counts (see docs/format.md, "Citation coverage"): paragraphs, each list item and
each block quote, since each makes a claim a reader may want to check. Headings, code,
tables, raw HTML blocks, paragraphs of images only, link definitions, horizontal rules
and editor's notes (`> [!NOTE]` callouts) do not: they state nothing of the sources,
or (notes) speak for the editors, not for the sources.

The scan reads the body once, line by line, over the text with code blanked out
(as citations are found): linear in the body, so builds can afford it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.content.citations import Citation, mask_code
from timeline.model import Uncited

_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d+[.)])[ \t]+")
_QUOTE = re.compile(r" {0,3}>")
_CALLOUT = re.compile(r" {0,3}>[ \t]*\[!NOTE\]", re.IGNORECASE)
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML = re.compile(r" {0,3}<[A-Za-z!/?]")
_DEFINITION = re.compile(r" {0,3}(?:\[(?!\^)[^\]]+\]|\*\[[^\]]+\]):")
_IMAGE = re.compile(r"\[?!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])(?:\]\([^)]*\))?")
_EXCERPT_WORDS = 8


@dataclass(frozen=True)
class Paragraph:
    """One unit of reporting in a body: its kind, first line, span and whether it is cited."""

    kind: str  # "paragraph", "list item" or "quotation"
    line: int
    start: int
    end: int
    cited: bool = False


@dataclass
class _Unit:
    kind: str
    line: int
    start: int
    end: int
    note: bool = False


def find_paragraphs(body: str, first_line: int, citations: Iterable[Citation]
                    ) -> list[Paragraph]:
    """Return the paragraphs of a body (first_line: its first line in the file), each
    marked cited when one of citations (found in the same body) falls inside it."""
    units = _units(mask_code(body), first_line)
    offsets = sorted(c.offset for c in citations)
    found = []
    index = 0
    for unit in units:
        while index < len(offsets) and offsets[index] < unit.start:
            index += 1
        cited = index < len(offsets) and offsets[index] < unit.end
        if not unit.note and not _images_only(body[unit.start:unit.end], unit.kind):
            found.append(Paragraph(unit.kind, unit.line, unit.start, unit.end, cited))
    return found


def uncited(body: str, paragraphs: Iterable[Paragraph]) -> tuple[Uncited, ...]:
    """Return the paragraphs not cited, each with its first words."""
    return tuple(Uncited(p.line, p.kind, excerpt(body[p.start:p.end], p.kind))
                 for p in paragraphs if not p.cited)


def excerpt(text: str, kind: str) -> str:
    """Return the first words of a paragraph, its markers (`>`, `-`, `1.`) left out."""
    text = text.strip()
    if kind == "quotation":
        text = re.sub(r"(?m)^[ \t]*>[ \t]?", "", text)
    elif kind == "list item":
        text = _ITEM.sub("", text, count=1)
    words = text.split()
    return " ".join(words[:_EXCERPT_WORDS]) + ("…" if len(words) > _EXCERPT_WORDS else "")


def _images_only(text: str, kind: str) -> bool:
    return kind == "paragraph" and not _IMAGE.sub("", text).strip()


def _units(masked: str, first_line: int) -> list[_Unit]:
    """Return the units of a masked body, in order (a state machine over its lines)."""
    units: list[_Unit] = []
    current: _Unit | None = None  # the unit the next text line continues
    in_list = False  # the last block was a list: an indented block continues its item
    in_quote = False  # the last block was a quote: a quote after a blank line merges
    skip_block = False  # the rest of this block is a table or raw HTML
    block_start = True
    pos = 0
    number = first_line
    for line in masked.split("\n"):
        end = pos + len(line)
        blank = not line.strip()
        if blank:
            if current is not None and current.kind != "quotation":
                current = None
            block_start, skip_block = True, False
        elif skip_block:
            pass
        elif block_start and in_quote and _QUOTE.match(line) and current is not None:
            current.end = end  # quote blocks separated by blank lines are one quote
            block_start = False
        elif block_start and _starts_skipped_block(masked, end, line):
            skip_block, current, in_list, in_quote = True, None, False, False
            block_start = False
        elif (_SETEXT.match(line) and current is not None and current.kind == "paragraph"
              and not block_start):
            units.pop()  # the lines above (the last unit) were a heading
            current = None
        elif _HEADING.match(line) or _RULE.match(line):
            current = None
            in_list = in_list and not block_start
            block_start = False
        elif _ITEM.match(line) and (block_start or in_list):
            current = _Unit("list item", number, pos, end)
            units.append(current)
            in_list, in_quote, block_start = True, False, False
        elif block_start and _QUOTE.match(line):
            current = _Unit("quotation", number, pos, end, note=bool(_CALLOUT.match(line)))
            units.append(current)
            in_list, in_quote, block_start = False, True, False
        elif block_start and _DEFINITION.match(line):
            skip_block, current = True, None
            block_start = False
        elif current is not None and not block_start:
            current.end = end
        elif block_start and in_list and line[:1] in (" ", "\t") and units:
            current = units[-1]  # an indented block continues the last list item
            current.end = end
            block_start = False
        else:
            current = _Unit("paragraph", number, pos, end)
            units.append(current)
            in_list, in_quote, block_start = False, False, False
        pos = end + 1
        number += 1
    return units


def _starts_skipped_block(masked: str, line_end: int, line: str) -> bool:
    """Tell whether a block starting with line is raw HTML or a table (read at its
    second line, the rule under the header)."""
    if _HTML.match(line):
        return True
    if "|" not in line:
        return False
    after = masked.find("\n", line_end + 1)
    second = masked[line_end + 1:after if after >= 0 else len(masked)]
    return "-" in second and bool(_TABLE_RULE.match(second))
