"""The site's search index: script files (loaded with <script>, so they work from file://)
that assets/search.js reads.

search/meta.js names the shard counts; search/terms-N.js maps each term whose first two
characters hash to N to its postings; search/docs-K.js holds the title, date label, URL
and text of events K*DOCS_PER_SHARD onwards, in timeline order. Each file is one call
`window.timelineSearch.add(NAME, DATA)` with DATA in JSON that cannot end a script.
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from timeline.dates.locale import DateLocale
from timeline.model import Event, Timeline
from timeline.site.urls import event_path, relative_url

SEARCH_DIR = "search"
FORMAT = 2  # the index's layout and escaping: a change makes every entry again
DOCS_PER_SHARD = 20
EVENTS_PER_TERM_SHARD = 40  # a term shard for about this many events, at most MAX_TERM_SHARDS
MAX_TERM_SHARDS = 256
PREFIX = 2  # characters of a term that choose its shard: a prefix this long finds its terms
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as [\p{L}\p{N}]+ in search.js
_SPACE_BEFORE_MARK = re.compile(r" (?=[.,;:!?)\]])")  # where a citation mark was left out
_CITATION = re.compile(r'<sup class="citation">.*?</sup>', re.DOTALL)
_BLOCK = re.compile(r"</?(?:p|li|br|div|blockquote|h[1-6]|tr|td|th|dt|dd|pre|figcaption|aside)"
                    r"\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """Return text as it is matched: casefolded, decomposed (NFKD), without accents."""
    if text.isascii():
        return text.lower()
    return _marks().sub("", unicodedata.normalize("NFKD", text.casefold()))


@cache
def _marks() -> re.Pattern[str]:
    """Return a pattern of every nonspacing mark (Unicode category Mn), as \\p{Mn}."""
    found = [chr(c) for c in range(0x300, sys.maxunicode + 1)
             if unicodedata.category(chr(c)) == "Mn"]
    return re.compile("[" + "".join(re.escape(c) for c in found) + "]")


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


def body_text(body_html: str) -> str:
    """Return the text of an event's body on one line, citation marks left out.

    The body is the sanitiser's output (every '<' of its text escaped, no comments),
    so tags are found by pattern."""
    text = _TAG.sub("", _BLOCK.sub(" ", _CITATION.sub("", body_html)))
    return _SPACE_BEFORE_MARK.sub("", " ".join(html.unescape(text).split()))


def searchable(timeline: Timeline) -> tuple[Event, ...]:
    """Return the events the index holds, in timeline order: every one but drafts."""
    return tuple(event for event in timeline.events if not event.draft)


def term_shards(count: int) -> int:
    """Return how many term shards an index of count events has."""
    return max(1, min(MAX_TERM_SHARDS, math.ceil(count / EVENTS_PER_TERM_SHARD)))


def document(event: Event, pretty: bool, locale: DateLocale | None = None) -> list[str]:
    """Return what a result shows of an event: title, date label (in locale's language),
    URL (from the index), body text."""
    url = relative_url("index.html", event_path(event.slug), pretty=pretty)
    return [event.title, event.date.label(locale), url, body_text(event.body_html)]


def words(event: Event) -> tuple[list[str], list[str]]:
    """Return the terms of an event's title, and the other terms of what the index holds
    of it (body text, tags, location, sources' titles), each sorted."""
    title = set(tokens(event.title))
    rest = " ".join([body_text(event.body_html), *event.tags, event.location or "",
                     *(source.title for source in event.sources)])
    return sorted(title), sorted(set(tokens(rest)) - title)


def pack_words(found: tuple[list[str], list[str]]) -> bytes:
    """Return an event's words as the cache keeps them: each list on a line, space-separated
    (a term holds neither)."""
    title, rest = found
    return f"{' '.join(title)}\n{' '.join(rest)}".encode("utf-8", "surrogatepass")


def unpack_words(text: bytes) -> tuple[list[str], list[str]]:
    """Return the words pack_words packed."""
    title, rest = text.decode("utf-8", "surrogatepass").split("\n")
    return title.split(" ") if title else [], rest.split(" ") if rest else []


def postings(found: Iterable[tuple[list[str], list[str]]]) -> dict[str, list[int]]:
    """Return each term's postings from the words of each event in order: for each event
    holding it, the step from the last event's number, doubled, plus 1 if the term is in
    the title."""
    result: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for number, (title, rest) in enumerate(found):
        for flag, terms in ((1, title), (0, rest)):
            for term in terms:
                result.setdefault(term, []).append((number - last.get(term, -1)) * 2 + flag)
                last[term] = number
    return result


def changed_terms(before: Mapping[int, tuple[list[str], list[str]]],
                  after: Mapping[int, tuple[list[str], list[str]]]
                  ) -> dict[str, dict[int, int | None]]:
    """Return, for each term whose postings differ, the events (by number) whose words
    changed it: 1 if the term is now in the title, 0 elsewhere, None if gone."""
    found: dict[str, dict[int, int | None]] = {}
    for number, now in after.items():
        old, new = _flags(before[number]), _flags(now)
        for term in old.keys() | new.keys():
            if old.get(term) != new.get(term):
                found.setdefault(term, {})[number] = new.get(term)
    return found


def _flags(found: tuple[list[str], list[str]]) -> dict[str, int]:
    """Return each term of an event's words with 1 if it is in the title, else 0."""
    title, rest = found
    return {**dict.fromkeys(rest, 0), **dict.fromkeys(title, 1)}


def patch_postings(steps: list[int], changes: Mapping[int, int | None]) -> list[int]:
    """Return a term's postings with the events of changes marked as they say there."""
    marks: dict[int, int] = {}
    number = -1
    for step in steps:
        number += step >> 1
        marks[number] = step & 1
    for number, flag in changes.items():
        if flag is None:
            marks.pop(number, None)
        else:
            marks[number] = flag
    result = []
    last = -1
    for number in sorted(marks):
        result.append((number - last) * 2 + marks[number])
        last = number
    return result


def read_script(name: str, text: bytes) -> Any:
    """Return the data of a script file that script() wrote under name."""
    head = f"window.timelineSearch.add({js_json(name)}, ".encode("ascii")
    if not text.startswith(head) or not text.endswith(b");\n"):
        raise ValueError(f"not a search file named {name}")
    return json.loads(text[len(head):-3])


def script(name: str, data: object) -> bytes:
    """Return a script file that hands data to search.js under name."""
    return f"window.timelineSearch.add({js_json(name)}, {js_json(data)});\n".encode("ascii")


def js_json(data: object) -> str:
    """Return data as JSON in ASCII that is also safe inside HTML's <script>: no '<', '>'
    or '&' (so nothing can end the script, open a comment or be read as a reference by
    a careless consumer), and no U+2028 or U+2029 (ensure_ascii escapes those)."""
    return (json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def make_term_shards(count: int, found: Callable[[], Iterable[tuple[list[str], list[str]]]]
                     ) -> Callable[[], dict[int, dict[str, list[int]]]]:
    """Return a function that makes, once, when first asked, the term shards of count
    events from found(), their words in timeline order."""
    shards = term_shards(count)

    @cache
    def make() -> dict[int, dict[str, list[int]]]:
        split: dict[int, dict[str, list[int]]] = {n: {} for n in range(shards)}
        for term, steps in postings(found()).items():
            split[shard_of(term, shards)][term] = steps
        return split

    return make


def meta(count: int) -> dict[str, Any]:
    """Return what search.js needs before any shard: the counts that name the files."""
    return {"docs": count, "size": DOCS_PER_SHARD, "terms": term_shards(count)}
