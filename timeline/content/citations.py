"""Find Pandoc-style citations (`[@id]`, `[@id, p. 3]`, `[see @a; @b]`) and number them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A Pandoc citation key: starts with a letter, digit or _, and may hold internal
# punctuation (`:.#$%&-+?<>~/`) as long as a word character follows it.
_KEY = r"[A-Za-z0-9_](?:[\w-]|[:.#$%&+?<>~/](?=\w))*"
KEY = re.compile(rf"^{_KEY}$")
BRACKET = re.compile(r"(?<!\\)\[(?P<body>[^\[\]\n]*@[^\[\]]*?)\](?![(\[:])")
# An item is an optional prefix ending in a space, @key, then an optional locator
# after a comma or a space (Pandoc accepts `[@doe p. 3]` as well as `[@doe, p. 3]`).
_ITEM = re.compile(
    rf"^\s*(?:(?P<prefix>[^@;]*?)\s+)?@(?P<id>{_KEY})(?:\s*,\s*|\s+|$)(?P<locator>[^;]*?)\s*$"
)
_FENCED = re.compile(r"^(?P<fence>`{3,}|~{3,}).*?^(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)


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


def parse_bracket(body: str) -> tuple[Cite, ...] | None:
    """Return the cites in a bracket's text, or None if it is not a citation."""
    cites = []
    for part in body.split(";"):
        match = _ITEM.match(part)
        if not match:
            return None
        locator = (match.group("locator") or "").strip() or None
        cites.append(Cite(match.group("id"), locator, (match.group("prefix") or "").strip()))
    return tuple(cites)


def scan_citations(body: str, first_line: int) -> list[Citation]:
    """Return every citation in a Markdown body, with its file line; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    found = []
    for match in BRACKET.finditer(masked):
        cites = parse_bracket(match.group("body"))
        if cites is not None:
            found.append(Citation(cites, lines.line_at(match.start())))
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
    return _mask(_CODE_SPAN, _mask(_FENCED, body))


def _mask(pattern: re.Pattern[str], text: str) -> str:
    """Blank out the matches of pattern, keeping newlines so lines still count."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass
class Numbering:
    """Number sources by first citation; a repeated citation reuses its number."""

    numbers: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, list[str]] = field(default_factory=dict)
    locators: dict[str, list[str]] = field(default_factory=dict)

    def cite(self, cite: Cite) -> tuple[int, str]:
        """Return the number of the cited source and a fresh anchor id for this citation."""
        number = self.numbers.setdefault(cite.id, len(self.numbers) + 1)
        anchors = self.anchors.setdefault(cite.id, [])
        anchor = f"cite-{number}-{len(anchors) + 1}"
        anchors.append(anchor)
        if cite.locator and cite.locator not in self.locators.setdefault(cite.id, []):
            self.locators[cite.id].append(cite.locator)
        return number, anchor

    def add_uncited(self, source_id: str) -> None:
        """Give a source listed but not cited the next number."""
        self.numbers.setdefault(source_id, len(self.numbers) + 1)
