"""Turn the small HTML that TimelineJS allows into Markdown, and text into safe Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Characters Python-Markdown (with `extra`) gives a meaning; a backslash makes them text.
_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
_SPACE = re.compile(r"\s+")
_BREAK = "\x00"  # a <br>, written as two spaces and a newline once lines are trimmed
_BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}


def escape_markdown(text: str) -> str:
    """Return text as Markdown that renders as exactly that text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_line_start, text)


def _line_start(match: re.Match[str]) -> str:
    """Escape what would start a list or a heading: - + 1. 1) or ===."""
    mark = match[2]
    if mark == "=":
        return match[1] + "&#61;"
    return match[1] + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)


class _Writer(HTMLParser):
    """Collect Markdown blocks from HTML: p, br, a, em/i, strong/b and lists; other tags
    are dropped and their text kept (script and style with their text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int]] = []  # text, and the number of its list (0: none)
        self.opened = 0  # lists opened so far
        self.numbers: list[int] = []  # the number of each open list
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number], or [] if unordered
        self.links: list[str | None] = []
        self.skip = 0

    def flush(self) -> None:
        text = "".join(self.line).strip()
        self.line = []
        text = "  \n".join(part.strip() for part in text.split(_BREAK)).strip()
        if text:
            if self.lists:
                marker = self.lists[-1]
                prefix = f"{marker[0] - 1}. " if marker else "- "
                indent = "    " * (len(self.lists) - 1)
                text = indent + prefix + text.replace("\n", "\n" + indent + " " * len(prefix))
            self.blocks.append((text, self.numbers[0] if self.numbers else 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.flush()
            if tag in ("ul", "ol"):
                self.lists.append([1] if tag == "ol" else [])
                self.opened += 1
                if not self.numbers:
                    self.numbers.append(self.opened)
            elif tag == "li" and self.lists and self.lists[-1]:
                self.lists[-1][0] += 1
        elif tag == "br":
            self.line.append(_BREAK)
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            keep = href.lower().startswith(_LINK_SCHEMES) and not _SPACE.search(href)
            self.links.append(href if keep else None)
            if keep:
                self.line.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.flush()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
                if not self.lists:
                    self.numbers.clear()
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href is not None:
                target = href.replace("(", "%28").replace(")", "%29")
                self.line.append(f"](<{target}>)" if "<" not in target else f"]({target})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.line.append(escape_markdown(_SPACE.sub(" ", data)))


def markdown_of_html(html: str) -> str:
    """Return Markdown for HTML text: paragraphs, line breaks, links (http, https and
    mailto only), emphasis, strong and lists; any other markup becomes its text."""
    writer = _Writer()
    writer.feed(html)
    writer.close()
    writer.flush()
    out = ""
    for index, (text, item) in enumerate(writer.blocks):
        if index:
            out += "\n" if item and writer.blocks[index - 1][1] == item else "\n\n"
        out += text
    return out + "\n" if out else ""


def text_of_html(html: str) -> str:
    """Return the text of HTML, its whitespace collapsed (for titles, captions, labels)."""
    parts: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = _Text(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return _SPACE.sub(" ", "".join(parts)).strip()
