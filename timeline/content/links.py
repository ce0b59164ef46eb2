"""Links inside event bodies: `[[slug]]` cross-references and relative Markdown links."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from timeline.content.citations import LineCounter, mask_code

XREF = re.compile(r"\[\[(?P<slug>[^\]|\n]+?)(?:\|(?P<text>[^\]\n]+))?\]\]")
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?(?P<url>[^)\s>]+)>?")


@dataclass(frozen=True)
class Link:
    """A link target written in a body, and its line in the file."""

    target: str
    line: int


def scan_xrefs(body: str, first_line: int) -> list[Link]:
    """Return the slugs of every `[[slug]]` cross-reference, with lines; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    return [Link(m.group("slug").strip(), lines.line_at(m.start()))
            for m in XREF.finditer(masked)]


def scan_links(body: str, first_line: int) -> list[Link]:
    """Return every inline Markdown link or image URL, with lines; code is skipped."""
    masked = mask_code(body)
    lines = LineCounter(masked, first_line)
    return [Link(m.group("url"), lines.line_at(m.start()))
            for m in _INLINE_LINK.finditer(masked)]


def resolve(from_page: str, url: str) -> str | None:
    """Return the site path a relative URL on from_page points to, or None if not internal."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("#", "/")) or not parts.path:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), unquote(parts.path)))
    if path.startswith("../") or path == "..":
        return path
    if url.split("#")[0].split("?")[0].endswith("/") or path == ".":
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path
