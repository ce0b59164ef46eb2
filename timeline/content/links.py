"""Links inside event bodies: `[[slug]]` cross-references and relative Markdown links."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from timeline.content.citations import LineCounter, mask_code
from timeline.model import Link

__all__ = ["Link", "find_xrefs", "relative_links", "resolve", "scan_links", "scan_xrefs"]

# `[[`, the slug and an optional `|text`: nothing after a character class can fail,
# so a search never backtracks; xref_end checks the `]]` that must follow.
XREF = re.compile(r"\[\[(?P<slug>[^\]|\n]+)(?:\|(?P<text>[^\]\n]*))?")
# Linear although it has a loop: its two branches start with different characters,
# so each `[` is read by at most one attempt that gets as far as its `](`.
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?(?P<url>[^)\s>]+)>?")


def xref_end(text: str, match: re.Match[str]) -> int | None:
    """Return the end of the `[[slug]]` or `[[slug|text]]` an XREF match opens, or None."""
    if match.group("text") == "":
        return None
    return match.end() + 2 if text.startswith("]]", match.end()) else None


def find_xrefs(text: str) -> Iterator[tuple[int, int, str, str | None]]:
    """Yield start, end, slug and link text of every cross-reference in text, in order."""
    for match in XREF.finditer(text):
        end = xref_end(text, match)
        if end is not None:
            yield match.start(), end, match.group("slug"), match.group("text")


def scan_xrefs(body: str, first_line: int) -> list[Link]:
    """Return the slugs of every `[[slug]]` cross-reference, with lines; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    return [Link(slug.strip(), lines.line_at(start))
            for start, _end, slug, _text in find_xrefs(masked)]


def scan_links(body: str, first_line: int) -> list[Link]:
    """Return every inline Markdown link or image URL, with lines; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    return [Link(m.group("url"), lines.line_at(m.start()))
            for m in _INLINE_LINK.finditer(masked)]


def relative_links(body: str, first_line: int) -> tuple[Link, ...]:
    """Return the links of a body that point inside the site by a relative URL."""
    return tuple(link for link in scan_links(body, first_line) if _is_relative(link.target))


def _is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith(("#", "/")) or not parts.path)


def resolve(from_page: str, url: str) -> str | None:
    """Return the site path a relative URL on from_page points to, or None if not internal."""
    if not _is_relative(url):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(from_page),
                                             unquote(urlsplit(url).path)))
    if path.startswith("../") or path == "..":
        return path
    if url.split("#")[0].split("?")[0].endswith("/") or path == ".":
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path
