"""Find Pandoc-style citations (`[@id]`, `[@id, p. 3]`, `[see @a; @b]`) and number them."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# A Pandoc citation key: starts with a letter, digit or _, and may hold internal
# punctuation (`:.#$%&-+?<>~/`) as long as a word character follows it.
_KEY = r"[A-Za-z0-9_](?:[\w-]|[:.#$%&+?<>~/](?=\w))*"
KEY = re.compile(rf"^{_KEY}$")
_KEY_AT = re.compile(_KEY)  # one alternation of disjoint classes: cannot backtrack
# `[` and the text up to the next bracket: it cannot fail once `[` is found, so a
# search never backtracks, and it never reads a character twice.
BRACKET = re.compile(r"(?<!\\)\[(?P<body>[^\[\]]*)")
_CLOSING_FENCE = re.compile(r"(`+|~+)[ \t]*")
_INDENT = "    "  # Python-Markdown's tab_length

# Every scanner below is linear in its input: author text may hold a line of
# a million brackets, and a backtracking regex would take hours over it.


@dataclass(frozen=True)
class Cite:
    """One cited source inside a citation bracket."""

    id: str
    locator: str | None = None
    prefix: str = ""


@dataclass(frozen=True)
class Citation:
    """A citation bracket: one or more cites, and its line in the file."""

    cites: tuple[Cite, ...]
    line: int = 0
    offset: int = 0  # of its `[` in the scanned text


def parse_bracket(body: str) -> tuple[Cite, ...] | None:
    """Return the cites in a bracket's text, or None if it is not a citation."""
    cites = []
    for part in body.split(";"):
        cite = _parse_item(part)
        if cite is None:
            return None
        cites.append(cite)
    return tuple(cites)


def _parse_item(part: str) -> Cite | None:
    """Return one `prefix @id, locator` item, or None if it is not one."""
    at = part.find("@")
    if at < 0:
        return None
    prefix = part[:at]
    if prefix and not prefix[-1].isspace():  # `a@b.org` is an address, not a cite
        return None
    key = _KEY_AT.match(part, at + 1)
    if key is None:
        return None
    rest = part[key.end():]
    after = rest.lstrip()
    if after.startswith(","):
        after = after[1:]
    elif after and after == rest:  # neither a comma, a space nor the end follows the id
        return None
    return Cite(key.group(), after.strip() or None, prefix.strip())


def bracket_end(text: str, match: re.Match[str]) -> int | None:
    """Return the end of the citation bracket that a BRACKET match opens, or None.

    A citation is `[`, an `@` before any line break, then text up to the first
    bracket, which must be `]` and not followed by `(`, `[` or `:` (a link).
    """
    close = match.end()
    body = match.group("body")
    if text[close:close + 1] != "]" or "@" not in body.split("\n", 1)[0]:
        return None
    if text[close + 1:close + 2] in ("(", "[", ":"):
        return None
    return close + 1


def find_brackets(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield start, end and body of every citation bracket in text, in order."""
    for match in BRACKET.finditer(text):
        end = bracket_end(text, match)
        if end is not None:
            yield match.start(), end, match.group("body")


def scan_citations(body: str, first_line: int) -> list[Citation]:
    """Return every citation in a Markdown body, with its file line; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    found = []
    for start, _end, text in find_brackets(masked):
        cites = parse_bracket(text)
        if cites is not None:
            found.append(Citation(cites, lines.line_at(start), start))
    return found


class LineCounter:
    """Turn increasing offsets in a text into file lines, in one pass over the text."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.line = first_line
        self.offset = 0

    def line_at(self, offset: int) -> int:
        """Return the line of offset; offsets must not decrease between calls."""
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def mask_code(body: str) -> str:
    """Return body with code blocks and spans blanked out, newlines kept."""
    text = _blank(body, _fenced_blocks(body))
    text = _blank(text, _indented_blocks(text))
    return _blank(text, _code_spans(text))


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out the spans of text, keeping newlines so lines still count."""
    pieces = []
    pos = 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pieces.append("\n".join(" " * len(line) for line in text[start:end].split("\n")))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _fenced_blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield the spans of ``` and ~~~ blocks: from a fence to the first equal fence line.

    A fence of n marks that is never closed is tried again with n-1, down to 3.
    """
    closings: dict[tuple[str, int], list[int]] = {}  # ("`", 3) -> starts of "```" lines
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for start in starts:
        fence = _CLOSING_FENCE.fullmatch(text, start, _line_end(text, start))
        if fence:
            closings.setdefault((text[start], len(fence.group(1))), []).append(start)
    pos = 0
    for start in starts:
        if start < pos or text[start:start + 3] not in ("```", "~~~"):
            continue
        mark = text[start]
        run = start + 3
        while text[run:run + 1] == mark:
            run += 1
        for length in range(run - start, 2, -1):
            later = closings.get((mark, length), [])
            index = bisect.bisect_right(later, start)
            if index < len(later):
                pos = later[index] + length
                pos += len(text[pos:_line_end(text, pos)])  # the spaces after the fence
                yield start, pos
                break


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d+\.)[ ]+")


def _indented_blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield the spans of indented code blocks, as Python-Markdown finds them.

    Blocks are separated by blank lines; a block whose first line is indented by
    four columns is code, up to its first line that is not, unless it follows a
    list (then it continues the list item).
    """
    after_list = False
    previous_blank = True
    code_start = -1
    pos = 0
    while pos <= len(text):
        end = _line_end(text, pos)
        line = text[pos:end].expandtabs(4)
        blank = not line.strip()
        if code_start >= 0 and not blank and not line.startswith(_INDENT):
            yield code_start, pos - 1
            code_start = -1
            previous_blank = True  # the rest of the block starts a new one
        if code_start < 0 and not blank and previous_blank:
            if not line.startswith(_INDENT):
                after_list = bool(_LIST_ITEM.match(line))
            elif not after_list:
                code_start = pos
        previous_blank = blank
        pos = end + 1
    if code_start >= 0:
        yield code_start, len(text)


def _code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the spans of `code`: a run of n backticks to the next run of exactly n.

    An opening run that is never closed is tried again one backtick shorter.
    """
    runs = [(m.start(), m.end()) for m in re.finditer("`+", text)]
    by_length: dict[int, list[int]] = {}
    for start, end in runs:
        by_length.setdefault(end - start, []).append(start)
    pos = 0
    for start, end in runs:
        for opening in range(max(start, pos), end):
            later = by_length.get(end - opening, [])
            index = bisect.bisect_right(later, end)
            if index < len(later):
                pos = later[index] + end - opening
                yield opening, pos
                break


@dataclass
class Numbering:
    """Number sources by first citation; a repeated citation reuses its number.

    Each citation of a source gets an anchor (for its back-link) and its place: the
    locators cited there, joined ("para. 12, para. 13"), or "" when none is given.
    """

    numbers: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, list[str]] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)

    def cite(self, cite: Cite) -> tuple[int, str]:
        """Return the number of the cited source and a fresh anchor id for this citation."""
        number, anchor, _place = self.cite_all(cite.id, [cite.locator])
        return number, anchor

    def cite_all(self, source_id: str, locators: Iterable[str | None]) -> tuple[int, str, str]:
        """Return the number, a fresh anchor and the place of one citation of a source at
        several locators (one bracket citing a source twice makes one mark)."""
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        anchors = self.anchors.setdefault(source_id, [])
        anchor = f"cite-{number}-{len(anchors) + 1}"
        anchors.append(anchor)
        place = ", ".join(dict.fromkeys(loc for loc in locators if loc))
        self.places.setdefault(source_id, []).append(place)
        return number, anchor, place

    def add_uncited(self, source_id: str) -> None:
        """Give a source listed but not cited the next number."""
        self.numbers.setdefault(source_id, len(self.numbers) + 1)
