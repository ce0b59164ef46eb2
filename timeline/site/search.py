"""The site's search index: script files (loaded with <script>, so they work from file://)
that assets/search.js reads.

search/meta.js names the shard counts; search/terms-N.js maps each term whose first two
characters hash to N to its postings; search/docs-K.js holds the title, date label, URL
and text of events K*DOCS_PER_SHARD onwards, in timeline order. Each file is one call
`window.timelineSearch.add(NAME, DATA)` with DATA in JSON that cannot end a script.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from html.parser import HTMLParser
from typing import Any

from timeline.model import Event, Timeline
from timeline.site.urls import event_path, relative_url

SEARCH_DIR = "search"
FORMAT = 1  # the index's layout: a change makes every entry again
DOCS_PER_SHARD = 20
EVENTS_PER_TERM_SHARD = 40  # a term shard for about this many events, at most MAX_TERM_SHARDS
MAX_TERM_SHARDS = 256
PREFIX = 2  # characters of a term that choose its shard: a prefix this long finds its terms
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as [\p{L}\p{N}]+ in search.js
_SPACE_BEFORE_MARK = re.compile(r"\s+([.,;:!?)\]])")  # where a citation mark was left out
_BLOCKS = {"p", "li", "br", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
           "td", "th", "dt", "dd", "pre", "figcaption", "aside"}


def fold(text: str) -> str:
    """Return text as it is matched: casefolded, decomposed (NFKD), without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def tokens(text: str) -> list[str]:
    """Return the words of text, folded, in order."""
    return _WORD.findall(fold(text))


def shard_of(term: str, shards: int) -> int:
    """Return the term shard of a term: a hash of its first PREFIX characters' UTF-16 code
    units (search.js computes the same)."""
    units = term[:PREFIX].encode("utf-16-le")
    value = 0
    for index in range(0, len(units), 2):
        value = (value * 31 + int.from_bytes(units[index:index + 2], "little")) % 65521
    return value % shards


class _Text(HTMLParser):
    """Collect the text of an event's body, without its citation marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0  # depth inside a citation mark

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or (tag == "sup" and ("class", "citation") in attrs):
            self.skip += tag != "br"
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def body_text(body_html: str) -> str:
    """Return the text of an event's body on one line, citation marks left out."""
    parser = _Text()
    parser.feed(body_html)
    parser.close()
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join("".join(parser.parts).split()))


def searchable(timeline: Timeline) -> tuple[Event, ...]:
    """Return the events the index holds, in timeline order: every one but drafts."""
    return tuple(event for event in timeline.events if not event.draft)


def term_shards(count: int) -> int:
    """Return how many term shards an index of count events has."""
    return max(1, min(MAX_TERM_SHARDS, math.ceil(count / EVENTS_PER_TERM_SHARD)))


def document(event: Event, pretty: bool) -> list[str]:
    """Return what a result shows of an event: title, date label, URL (from the index),
    body text."""
    url = relative_url("index.html", event_path(event.slug), pretty=pretty)
    return [event.title, event.date.label(), url, body_text(event.body_html)]


def postings(events: Sequence[Event]) -> dict[str, list[int]]:
    """Return each term's postings: for each event holding it, in order, the step from the
    last event's number, doubled, plus 1 if the term is in the title."""
    found: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for number, event in enumerate(events):
        title = set(tokens(event.title))
        rest = " ".join([body_text(event.body_html), *event.tags, event.location or "",
                         *(source.title for source in event.sources)])
        for term in sorted(title | set(tokens(rest))):
            found.setdefault(term, []).append((number - last.get(term, -1)) * 2
                                              + (term in title))
            last[term] = number
    return found


def script(name: str, data: object) -> bytes:
    """Return a script file that hands data to search.js under name."""
    return f"window.timelineSearch.add({js_json(name)}, {js_json(data)});\n".encode("ascii")


def js_json(data: object) -> str:
    """Return data as JSON in ASCII that is also safe inside HTML's <script>: no '<', and
    no U+2028 or U+2029 (ensure_ascii escapes those)."""
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"),
                      sort_keys=True).replace("<", "\\u003c")


def make_term_shards(events: Sequence[Event]) -> Callable[[], dict[int, dict[str, list[int]]]]:
    """Return a function that makes the term shards of events once, when first asked."""
    shards = term_shards(len(events))

    @cache
    def make() -> dict[int, dict[str, list[int]]]:
        split: dict[int, dict[str, list[int]]] = {n: {} for n in range(shards)}
        for term, found in postings(events).items():
            split[shard_of(term, shards)][term] = found
        return split

    return make


def meta(count: int) -> dict[str, Any]:
    """Return what search.js needs before any shard: the counts that name the files."""
    return {"docs": count, "size": DOCS_PER_SHARD, "terms": term_shards(count)}
