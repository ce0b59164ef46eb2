"""Machine-readable exports: events.json, TimelineJS's timeline.json, events.csv (its sheet
template), the Atom feed, calendar.ics, the sitemap, the search index.

Each export is a header, one entry per event (per page for the sitemap) and a
footer. An entry is serialised by a pure function of its event and a few
settings, under a key that digests exactly those, so that a build can take
the entries of unchanged events from the cache and only join them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

import icalendar

from timeline.config import Config
from timeline.dates.locale import DateLocale
from timeline.dates.model import DatePoint, EventDate, Precision, days_in_month
from timeline.dates.zones import Zone, resolve_zone
from timeline.model import Claim, Era, Event, Source, Timeline
from timeline.site import search
from timeline.site.sheet import COLUMNS, TAGS_COLUMN, guard_cell
from timeline.site.urls import absolute_url, doi_url, event_path, isbn_url

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000  # URLs a sitemap file may hold (sitemaps.org protocol)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ENTRIES = "timeline-entries"  # where the entries go in a serialised XML header
# What an iCalendar TEXT value may not hold (RFC 5545 3.3.11: no controls but tab; a
# newline is written as \n), and lone surrogates, which UTF-8 cannot encode.
_ICS_INVALID = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Export:
    """An export file: a header, entries joined by a separator, and a footer.

    Entry i is make(i), a pure function of its item (an event, a page path) and of
    the settings that keys[i] digests with the item. keys[i] is None when the item
    has no digest (an event the cache does not hold): that entry is made every time.
    """

    dest: str
    head: bytes
    keys: Sequence[str | None]
    make: Callable[[int], bytes]
    tail: bytes
    separator: bytes = b""
    empty: bytes | None = None  # the whole file with no entries, when not head + tail
    uses: Sequence[str] = ()  # keys of cached texts its entries are made from

    def digest(self) -> str | None:
        """Return the digest of the whole file's inputs, or None if an entry has no key."""
        if None in self.keys:
            return None
        return _key("export", self.dest, self.head, self.tail, self.separator, self.empty,
                    list(self.keys))

    def assemble(self, fragments: Fragments | None = None) -> bytes:
        """Return the file, its entries made, or taken from fragments where they are known."""
        return b"".join(self.pieces(fragments))

    def pieces(self, fragments: Fragments | None = None) -> Iterator[bytes]:
        """Yield the file in pieces (to write it without holding it whole): the head, the
        entries with their separators, the tail."""
        if not self.keys and self.empty is not None:
            yield self.empty
            return
        texts = (map(self.make, range(len(self.keys))) if fragments is None
                 else fragments.texts(self))
        yield self.head
        for index, text in enumerate(texts):
            if index:
                yield self.separator
            yield text
        yield self.tail


@dataclass
class Fragments:
    """Entries' texts by key: those of earlier builds, read when first needed (load), and
    those made in this build; count is the number of entries made, stored or not,
    indexed the number of those that belong to the search index."""

    load: Callable[[], Mapping[str, bytes]] = dict
    made: dict[str, bytes] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    count: int = 0
    indexed: int = 0
    known: Mapping[str, bytes] | None = None

    def texts(self, export: Export) -> Iterator[bytes]:
        """Yield the text of each entry of export: as known under its key, else made now."""
        self.keep(export)
        for index, key in enumerate(export.keys):
            text = None if key is None else self._found(key)
            if text is None:
                self.count += 1
                self.indexed += export.dest.startswith(search.SEARCH_DIR + "/")
                text = export.make(index)
                if key is not None:
                    self.made[key] = text
            yield text

    def keep(self, export: Export) -> None:
        """Count the entries of export, and the texts they are made from, as used: they stay
        in the cache."""
        self.used.update(key for key in export.keys if key is not None)
        self.used.update(export.uses)

    def text(self, key: str, make: Callable[[], bytes]) -> bytes:
        """Return the text known under key, else make it now (to keep for the next build)."""
        self.used.add(key)
        text = self._found(key)
        if text is None:
            text = self.made[key] = make()
        return text

    def earlier(self, key: str) -> bytes | None:
        """Return the text an earlier build kept under key, if any (read when first asked)."""
        if self.known is None:
            self.known = self.load()
        return self.known.get(key)

    def _found(self, key: str) -> bytes | None:
        """Return the text under key: an earlier build's, else one made in this build."""
        earlier = self.earlier(key)
        return earlier if earlier is not None else self.made.get(key)

    def replace(self, key: str, text: bytes) -> None:
        """Keep text under key for the next build, whatever an earlier one kept there."""
        self.used.add(key)
        self.made[key] = text

    def unused(self) -> set[str]:
        """Return the keys read from earlier builds that this build did not use."""
        return set(self.known or ()) - self.used


@dataclass(frozen=True)
class Voice:
    """The language of the exports people read (timeline.json, the feed, the calendar):
    dates in the site's language and the few words around them from its catalogue.
    events.json and events.csv are data, read back by programs, and stay English."""

    locale: DateLocale | None = None  # None: English
    words: tuple[tuple[str, str], ...] = ()  # the catalogue's translations

    @classmethod
    def of(cls, locale: DateLocale | None, catalogue: Mapping[str, object]) -> Voice:
        """Return the voice of a language: its date locale and its catalogue's strings."""
        return cls(locale, tuple((k, v) for k, v in catalogue.items() if isinstance(v, str)))

    def say(self, message: str, **values: str) -> str:
        """Return message in the language, values put into it."""
        text = self._catalogue.get(message, message)
        return text % values if values else text

    def date(self, date: EventDate | DatePoint) -> str:
        """Return a date's label in the language."""
        return date.label(self.locale)

    @functools.cached_property
    def _catalogue(self) -> dict[str, str]:
        return dict(self.words)


ENGLISH = Voice()


def _key(*parts: object) -> str:
    """Return the SHA-256 of the repr of parts."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _event_key(events: Mapping[str, str] | None, settings: str, event: Event,
               *extra: object) -> str | None:
    """Return an event's entry key: its slug and digest with the settings, None if it has
    no digest."""
    if events is None or event.slug not in events:
        return None
    return _key(settings, event.slug, events[event.slug], *extra)


def plan_exports(timeline: Timeline, paths: list[str], source_date_epoch: int | None = None,
                 events: Mapping[str, str] | None = None,
                 fragments: Fragments | None = None, voice: Voice = ENGLISH) -> list[Export]:
    """Return the exports of the site whose pages are at paths.

    events maps each slug to the digest of everything about the event (the cache
    gives it); without it, no entry has a key. fragments, if given, holds the texts
    the search index's term shards are made from. voice: the language of the
    exports people read.
    """
    exports = [events_export(timeline, events), timelinejs_export(timeline, events, voice),
               events_csv_export(timeline, events),
               calendar_export(timeline, source_date_epoch, events, voice),
               *search_exports(timeline, events, fragments, voice.locale)]
    if timeline.config.base_url is not None:
        exports.append(atom_export(timeline, source_date_epoch, events, voice))
        exports.extend(sitemap_exports(timeline, paths))
    return exports


def _json(data: dict[str, Any]) -> bytes:
    """Return JSON text on one line."""
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def _url(slug: str, pretty: bool) -> str:
    path = event_path(slug)
    return path.removesuffix("index.html") if pretty else path


def source_json(source: Source) -> dict[str, Any]:
    """Return the public fields of a source."""
    return {"id": source.id, "title": source.title, "publisher": source.publisher,
            "author": source.author, "url": source.url, "archive": source.archive,
            "date": source.date.iso() if source.date else None, "kind": source.kind,
            "file": source.file, "isbn": source.isbn, "doi": source.doi, "page": source.page,
            "pages": source.pages, "edition": source.edition, "archive_id": source.archive_id}


def event_json(event: Event, pretty: bool = False) -> dict[str, Any]:
    """Return one event as the object events.json holds."""
    date = event.date.to_json()
    return {
        "slug": event.slug,
        "title": event.title,
        "url": _url(event.slug, pretty),
        "date": {"start": date["start"], "end": date["end"]},
        "edtf": date["edtf"],
        "precision": date["precision"],
        "approximate": date["approximate"],
        "uncertain": date["uncertain"],
        "display": date["display"],
        "tags": list(event.tags),
        "location": event.location,
        "summary": event.summary,
        "sources": [source_json(s) for s in event.sources],
        "claims": [claim_json(c) for c in event.claims],
        "path": event.path,
    }


def claim_json(claim: Claim) -> dict[str, Any]:
    """Return one claim as events.json holds it: its accounts as written, each with the
    id of its source, the locator and as_of in EDTF."""
    return {"label": claim.label, "disputed": claim.disputed, "accounts": [
        {"value": a.value, "by": a.by, "source": a.source, "locator": a.locator,
         "as_of": a.as_of.edtf() if a.as_of else None, "note": a.note}
        for a in claim.accounts]}


def events_json(timeline: Timeline) -> bytes:
    """Return events.json: every event in timeline order."""
    return events_export(timeline).assemble()


def events_export(timeline: Timeline, events: Mapping[str, str] | None = None) -> Export:
    """Return events.json as an export: a list with one event per line."""
    pretty = timeline.config.pretty_urls
    settings = _key("events.json", pretty)
    items = timeline.events
    return Export("events.json", b"[\n", [_event_key(events, settings, e) for e in items],
                  lambda i: _event_entry(items[i], pretty), b"\n]\n", b",\n", b"[]\n")


def _event_entry(event: Event, pretty: bool) -> bytes:
    """Return one event's line of events.json."""
    return json.dumps(event_json(event, pretty), ensure_ascii=False).encode("utf-8")


def search_exports(timeline: Timeline, events: Mapping[str, str] | None = None,
                   fragments: Fragments | None = None,
                   locale: DateLocale | None = None) -> list[Export]:
    """Return the search index's files (see timeline.site.search), drafts left out.

    A document shard joins its events' entries, each keyed by its event; a term
    shard and meta.js are one entry each, keyed by the digests of every event
    indexed (any edit makes the term shards again, a no-op build none). With
    fragments, the term shards are made from each event's words, kept by event,
    and patched where the events at the same numbers changed (see _term_texts).
    """
    pretty = timeline.config.pretty_urls
    settings = _key("search", search.FORMAT, pretty, locale)
    items = search.searchable(timeline)
    every = (None if events is None or any(e.slug not in events for e in items)
             else _key(settings, [(e.slug, events[e.slug]) for e in items]))
    words = [_event_key(events, settings, e, "words") for e in items]

    def found(index: int) -> tuple[list[str], list[str]]:
        key = words[index]
        if fragments is None or key is None:
            return search.words(items[index])
        return search.unpack_words(fragments.text(
            key, lambda: search.pack_words(search.words(items[index]))))

    folder = search.SEARCH_DIR
    texts = _term_texts(settings, every, words, found, fragments)
    exports = [_script_export(f"{folder}/meta.js", "meta",
                              _key(settings, "meta", len(items)) if events is not None else None,
                              lambda: search.meta(len(items)))]
    # what the term shards are made from stays in the cache: one file says so (each is
    # kept or made, and either way its uses are kept), not 10,000 keys 250 times
    uses = [_key(settings, "last terms")] + [key for key in words if key is not None]
    exports.extend(Export(f"{folder}/terms-{n}.js", b"", [_key(every, "terms", n) if every
                                                          else None],
                          lambda i, n=n: texts()[n], b"",  # type: ignore[misc]
                          uses=uses if n == 0 else ())
                   for n in range(search.term_shards(len(items))))
    size = search.DOCS_PER_SHARD
    for number, start in enumerate(range(0, len(items), size)):
        part = items[start:start + size]
        name = f"docs-{number}"
        exports.append(Export(
            f"{folder}/{name}.js", f"window.timelineSearch.add({search.js_json(name)}, [\n"
            .encode("ascii"), [_event_key(events, settings, e) for e in part],
            lambda i, part=part: search.js_json(  # type: ignore[misc]
                search.document(part[i], pretty, locale)).encode("ascii"),
            b"]);\n", b",\n"))
    return exports


def _script_export(dest: str, name: str, key: str | None, data: Callable[[], object]
                   ) -> Export:
    """Return a search file of one entry: data handed to search.js under name."""
    return Export(dest, b"", [key], lambda i: search.script(name, data()), b"")


def _term_texts(settings: str, every: str | None, words: Sequence[str | None],
                found: Callable[[int], tuple[list[str], list[str]]],
                fragments: Fragments | None) -> Callable[[], list[bytes]]:
    """Return a function that makes, once, when first asked, the term shards' files of
    events whose words are found(number), keyed by words.

    The cache keeps, under one key, the `every` and the words' keys of the last term
    shards made; the shards themselves are kept under their keys. When as many events
    are indexed as then, and few numbers hold other words, only the shards of the
    terms those changed are made again, from the last ones; else all, from the words.
    """
    count = len(words)
    last = _key(settings, "last terms")

    @functools.cache
    def make() -> list[bytes]:
        texts = None
        if fragments is not None and every is not None:
            try:
                texts = _patched_terms(fragments.earlier(last), fragments, words, found)
            except ValueError:  # a damaged row is a miss, never an error
                texts = None
            fragments.replace(last, "\n".join([every, *cast(list[str], words)])
                              .encode("ascii"))
        if texts is None:
            split = search.make_term_shards(count, lambda: map(found, range(count)))()
            texts = [search.script(f"terms-{n}", split[n]) for n in range(len(split))]
        return texts

    return make


def _patched_terms(record: bytes | None, fragments: Fragments, words: Sequence[str | None],
                   found: Callable[[int], tuple[list[str], list[str]]]) -> list[bytes] | None:
    """Return the term shards' files as the last ones (record: their `every` and words'
    keys) with the postings of the terms changed by the events at changed numbers made
    again; None if they cannot be (a file or words not in the cache) or that is not less
    work than making all."""
    if record is None:
        return None
    every, *before = record.decode("ascii").split("\n")
    if len(before) != len(words):
        return None
    numbers = [n for n, (old, new) in enumerate(zip(before, words, strict=True)) if old != new]
    if len(numbers) * 4 > len(words):
        return None
    shards = search.term_shards(len(words))
    texts = [fragments.earlier(_key(every, "terms", n)) for n in range(shards)]
    old_words = {n: fragments.earlier(before[n]) for n in numbers}
    if None in texts or None in old_words.values():
        return None
    changed = search.changed_terms(
        {n: search.unpack_words(cast(bytes, text)) for n, text in old_words.items()},
        {n: found(n) for n in numbers})
    by_shard: dict[int, dict[str, dict[int, int | None]]] = {}
    for term, changes in changed.items():
        by_shard.setdefault(search.shard_of(term, shards), {})[term] = changes
    result = cast(list[bytes], texts)
    for n, terms in by_shard.items():
        data = search.read_script(f"terms-{n}", result[n])
        for term, changes in terms.items():
            steps = search.patch_postings(data.get(term, []), changes)
            if steps:
                data[term] = steps
            else:
                data.pop(term, None)
        result[n] = search.script(f"terms-{n}", data)
    return result


def _tl_date(point: DatePoint, zone: Zone, voice: Voice) -> dict[str, Any]:
    """Return a TimelineJS date object; times are converted to the site's zone."""
    names = ("month", "day", "hour", "minute", "second")
    values = [getattr(point, name) for name in names]
    year = point.year
    if point.hour is not None and point.offset is not None:
        year, *local = zone.local_time(point.start_key())
        values = [*local[:4], local[4] if point.second is not None else None]
    out: dict[str, Any] = {"year": year if year > 0 else year - 1}
    out.update((name, value) for name, value in zip(names, values, strict=True)
               if value is not None)
    if year < 1 and (point.month, point.day) == (2, 29) and days_in_month(year - 1, 2) == 28:
        # TimelineJS makes a JS Date of year -45 for 45 BC, and JS's -45 (46 BC) has no
        # 29 February: the date moves to 1 March unless it brings its own label.
        out["display_date"] = _twice_escaped(voice.date(point))
    return out


def timelinejs_json(timeline: Timeline) -> bytes:
    """Return timeline.json in TimelineJS3's format."""
    return timelinejs_export(timeline).assemble()


def timelinejs_export(timeline: Timeline, events: Mapping[str, str] | None = None,
                      voice: Voice = ENGLISH) -> Export:
    """Return timeline.json as an export: the title, then the events on one line.

    TimelineJS reads date parts in the viewer's local time with no zone, so
    times are exported in the site's zone to place events; display_date is the
    event's own label, which names its zone. Its years have no year 0 (-44 is
    44 BCE), so astronomical years are shifted.
    Every field it (or another reader of the format) puts into a page as HTML
    holds escaped text or the sanitised body: headline, text, caption,
    credit, display_date and group. `alt` is set as a property, so stays text.
    TimelineJS reads display_date and group as HTML, keeps their text, and then
    puts that text into the page as HTML: those are escaped twice.
    """
    config = timeline.config
    zone = resolve_zone(config.timezone)
    settings = _key("timeline.json", config.timezone, config.base_url, config.pretty_urls, voice)
    whole = _json({
        "title": {"text": {"headline": html.escape(config.title),
                           "text": html.escape(config.description)}},
        "events": [],
        "eras": [_timelinejs_era(era, zone, voice) for era in timeline.eras],
    })
    # Split after the events' "[": the head is the title, the tail the eras.
    cut = whole.index(b'"events": [') + len(b'"events": [')
    head, tail = whole[:cut], whole[cut:]
    items = timeline.events
    return Export("timeline.json", head, [_event_key(events, settings, e) for e in items],
                  lambda i: _timelinejs_entry(items[i], config, zone, voice), tail, b", ")


def _timelinejs_era(era: Era, zone: Zone, voice: Voice) -> dict[str, Any]:
    """Return an era as TimelineJS's JSON: its dates and its label as the headline."""
    assert era.date.end is not None  # an era has both ends, checked at load
    return {"start_date": _tl_date(era.date.start, zone, voice),
            "end_date": _tl_date(era.date.end, zone, voice),
            "text": {"headline": html.escape(era.label), "text": ""}}


def _timelinejs_entry(event: Event, config: Config, zone: Zone, voice: Voice) -> bytes:
    """Return one event as TimelineJS's JSON; reads the config's base_url and pretty_urls."""
    item: dict[str, Any] = {
        "start_date": _tl_date(event.date.start, zone, voice),
        "display_date": _twice_escaped(voice.date(event.date)),
        "text": {"headline": html.escape(event.title),
                 "text": _standalone_html(event, config, voice)},
        "unique_id": event.slug,
    }
    if event.date.end is not None:
        item["end_date"] = _tl_date(event.date.end, zone, voice)
    if event.tags:
        item["group"] = _twice_escaped(event.tags[0])
    if event.media is not None:
        item["media"] = {"url": event.media.src,
                         "caption": html.escape(event.media.caption or ""),
                         "credit": html.escape(event.media.credit or ""),
                         "alt": event.media.alt}
    return json.dumps(item, ensure_ascii=False).encode("utf-8")


def events_csv(timeline: Timeline) -> bytes:
    """Return events.csv: TimelineJS's sheet template, a row per event."""
    return events_csv_export(timeline).assemble()


def events_csv_export(timeline: Timeline, events: Mapping[str, str] | None = None) -> Export:
    """Return events.csv as an export: the header and title rows, then a row per event.

    The columns are those of TimelineJS3's Google Sheet template, then Tags (every
    tag; Group has the first, as in timeline.json), so the file opens in a
    spreadsheet, feeds TimelineJS, and `timeline import timelinejs` reads it back.
    """
    config = timeline.config
    settings = _key("events.csv", config.base_url, config.pretty_urls)
    head = _csv_row([*COLUMNS, TAGS_COLUMN]) + _csv_row(
        _sheet_row({"Headline": html.escape(config.title),
                    "Text": html.escape(config.description), "Type": "title"}))
    tail = b"".join(_csv_row(_era_row(era)) for era in timeline.eras)
    items = timeline.events
    return Export("events.csv", head, [_event_key(events, settings, e) for e in items],
                  lambda i: _csv_entry(items[i], config), tail)


def _era_row(era: Era) -> list[str]:
    """Return an era's row of events.csv: its dates and label (Display Date, which
    carries the qualifiers back to the import), its name as Headline, Type era."""
    assert era.date.end is not None  # an era has both ends, checked at load
    return _sheet_row({**_sheet_date(era.date.start, ""), **_sheet_date(era.date.end, "End "),
                       "Display Date": html.escape(ENGLISH.date(era.date)),
                       "Headline": html.escape(era.label), "Type": "era"})


def _csv_entry(event: Event, config: Config) -> bytes:
    """Return one event's row of events.csv; reads the config's base_url and pretty_urls."""
    cells = {"Display Date": html.escape(ENGLISH.date(event.date)),
             "Headline": html.escape(event.title),
             "Text": _standalone_html(event, config, ENGLISH)}
    for prefix, point in (("", event.date.start), ("End ", event.date.end)):
        if point is not None:
            cells.update(_sheet_date(point, prefix))
    if event.tags:
        cells["Group"] = html.escape(event.tags[0])
        cells[TAGS_COLUMN] = html.escape(", ".join(event.tags))
    if event.media is not None:
        cells.update({"Media": event.media.src, "Alt Text": event.media.alt,
                      "Media Caption": html.escape(event.media.caption or ""),
                      "Media Credit": html.escape(event.media.credit or "")})
    return _csv_row(_sheet_row(cells))


def _sheet_date(point: DatePoint, prefix: str) -> dict[str, str]:
    """Return a date's cells: TimelineJS's year (no year 0: 44 BC is -44), month, day,
    and the time as written, in its own zone (the Display Date names the zone)."""
    cells = {prefix + "Year": str(point.year if point.year > 0 else point.year - 1)}
    if point.month is not None:
        cells[prefix + "Month"] = str(point.month)
    if point.day is not None:
        cells[prefix + "Day"] = str(point.day)
    if point.hour is not None:
        time = f"{point.hour:02d}:{point.minute or 0:02d}"
        cells[prefix + "Time"] = time + (f":{point.second:02d}" if point.second is not None
                                         else "")
    return cells


def _sheet_row(cells: Mapping[str, str]) -> list[str]:
    """Return a row's cells in column order, text guarded against formula injection."""
    return [guard_cell(name, cells.get(name, "")) for name in (*COLUMNS, TAGS_COLUMN)]


def _csv_row(cells: Sequence[str]) -> bytes:
    """Return one CSV record (RFC 4180: quoted as needed, CRLF) in UTF-8."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode("utf-8")


def _twice_escaped(text: str) -> str:
    """Return text for a field that TimelineJS reads as HTML and writes back as HTML."""
    return html.escape(html.escape(text))


def _standalone_html(event: Event, config: Config, voice: Voice) -> str:
    """Return an event's body with its source list, for use outside its own page.

    Citation links point into the event's page (absolute with base_url, else
    from the site root), and the sources follow, so '[1]' means something
    wherever TimelineJS or a feed reader shows the text.
    """
    page = (absolute_url(config.base_url, event_path(event.slug), pretty=config.pretty_urls)
            if config.base_url else event_path(event.slug))
    text = event.body_html + _claims_html(event, voice)
    return text.replace('href="#source-', f'href="{html.escape(page)}#source-') + \
        _sources_html(event, voice)


def _utc_text(seconds: int) -> str | None:
    """Return an RFC 3339 UTC timestamp, or None outside years 1-9999."""
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def _entry_updated(event: Event) -> str | None:
    date = event.updated or event.date
    return _utc_text(date.start.start_key(date.tz_offset))


def _clean_xml(text: str) -> str:
    """Remove the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", text)


def atom_feed(timeline: Timeline, source_date_epoch: int | None = None) -> bytes:
    """Return feed.xml (Atom, RFC 4287); needs base_url. Times come from content, not the clock."""
    return atom_export(timeline, source_date_epoch).assemble()


def atom_export(timeline: Timeline, source_date_epoch: int | None = None,
                events: Mapping[str, str] | None = None, voice: Voice = ENGLISH) -> Export:
    """Return feed.xml as an export: the feed's elements, then the entries, latest first
    (at most config.feed_limit of them)."""
    config = timeline.config
    assert config.base_url is not None
    pretty = config.pretty_urls
    stamps = [_entry_updated(event) for event in timeline.events]
    if source_date_epoch is not None:
        feed_updated = _utc_text(source_date_epoch) or "1970-01-01T00:00:00Z"
    else:
        feed_updated = max((s for s in stamps if s is not None), default="1970-01-01T00:00:00Z")
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": _clean_xml(config.language)})
    _sub(feed, "id", config.base_url)
    _sub(feed, "title", config.title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    _sub(feed, "updated", feed_updated)
    author = ET.SubElement(feed, "author")
    _sub(author, "name", config.author or config.title)
    ET.SubElement(feed, "link", {"rel": "self", "href": _clean_xml(config.base_url + "feed.xml"),
                                 "type": "application/atom+xml"})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                 "href": _clean_xml(absolute_url(config.base_url, "index.html",
                                                                 pretty=pretty))})
    _sub(feed, "generator", "timeline")
    settings = _key("feed.xml", config.base_url, pretty, voice)
    shown = config.feed_limit or len(stamps)  # a feed of 10,000 events was 45 MB
    newest = timeline.events[::-1][:shown]
    updated = [stamp or feed_updated for stamp in stamps[::-1][:shown]]
    keys = [_event_key(events, settings, event, stamp)
            for event, stamp in zip(newest, updated, strict=True)]
    return _xml_export("feed.xml", feed, keys,
                       lambda i: _atom_entry(newest[i], config, updated[i], voice))


def _atom_entry(event: Event, config: Config, updated: str, voice: Voice) -> bytes:
    """Return one event's Atom entry; reads the config's base_url and pretty_urls."""
    assert config.base_url is not None
    url = absolute_url(config.base_url, event_path(event.slug), pretty=config.pretty_urls)
    entry = ET.Element("entry")
    _sub(entry, "id", url)
    _sub(entry, "title", event.title)
    _sub(entry, "updated", updated)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                  "href": _clean_xml(url)})
    for tag in event.tags:
        ET.SubElement(entry, "category", {"term": _clean_xml(tag)})
    if event.summary:
        _sub(entry, "summary", f"{voice.date(event.date)}: {event.summary}")
    content = ET.SubElement(entry, "content", {"type": "html", "xml:base": _clean_xml(url)})
    content.text = _clean_xml(_standalone_html(event, config, voice))
    return _xml_fragment(entry)


def calendar_ics(timeline: Timeline, source_date_epoch: int | None = None) -> bytes:
    """Return calendar.ics (iCalendar, RFC 5545): the events known to the day or finer."""
    return calendar_export(timeline, source_date_epoch).assemble()


def calendar_export(timeline: Timeline, source_date_epoch: int | None = None,
                    events: Mapping[str, str] | None = None, voice: Voice = ENGLISH) -> Export:
    """Return calendar.ics as an export: the calendar's properties, then one VEVENT per
    event that a calendar can place (see _calendar_span), in timeline order.

    A VEVENT's DTSTAMP is the event's `updated`, else SOURCE_DATE_EPOCH, else the
    event's own start, so that a build does not depend on the clock.
    """
    config = timeline.config
    pretty = config.pretty_urls
    host = urlsplit(config.base_url).hostname if config.base_url else None
    settings = _key("calendar.ics", config.base_url, pretty, voice)
    items = [event for event in timeline.events if _calendar_span(event.date) is not None]
    stamps = [_calendar_stamp(event, source_date_epoch) for event in items]
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//timeline//calendar.ics//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", icalendar.vText(_ics_text(config.title)))
    if config.description:
        calendar.add("x-wr-caldesc", icalendar.vText(_ics_text(config.description)))
    whole = calendar.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert whole.endswith(tail), "the calendar ends with its END line"
    return Export("calendar.ics", whole[:-len(tail)],
                  [_event_key(events, settings, event, stamp)
                   for event, stamp in zip(items, stamps, strict=True)],
                  lambda i: _vevent(items[i], config, host or "timeline", stamps[i], voice),
                  tail)


def _calendar_span(when: EventDate) -> tuple[dt.date, dt.date | None] | None:
    """Return an event's DTSTART and DTEND (None for a point): dates for days, exclusive
    of the end; UTC datetimes when both ends have a time. None when a calendar cannot
    place it: a date known only to the month or coarser, before year 1, or an interval
    with an open or unknown end."""
    if when.missing_start is not None or when.missing_end is not None:
        return None
    points = [when.start] if when.end is None else [when.start, when.end]
    if any(p.precision < Precision.DAY or p.year < 1 for p in points):
        return None
    try:
        if all(p.precision >= Precision.MINUTE for p in points):
            start, *end = (datetime(1970, 1, 1, tzinfo=UTC)
                           + timedelta(seconds=p.start_key(when.tz_offset)) for p in points)
            return start, end[0] if end else None
        first, *last = (dt.date(p.year, p.month or 1, p.day or 1) for p in points)
        return first, last[0] + timedelta(days=1) if last else None
    except OverflowError:  # past 9999-12-31
        return None


def _calendar_stamp(event: Event, source_date_epoch: int | None) -> datetime:
    """Return a VEVENT's DTSTAMP: the event's `updated`, else SOURCE_DATE_EPOCH, else the
    start of the event (whose date a calendar can place, so within years 1-9999)."""
    times = [event.date.start.start_key(event.date.tz_offset)]
    if source_date_epoch is not None:
        times.insert(0, source_date_epoch)
    if event.updated is not None:
        times.insert(0, event.updated.start.start_key(event.updated.tz_offset))
    for seconds in times:
        try:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        except OverflowError:
            continue
    return datetime(1970, 1, 1, tzinfo=UTC)


def _vevent(event: Event, config: Config, host: str, stamp: datetime, voice: Voice) -> bytes:
    """Return one event's VEVENT; reads the config's base_url and pretty_urls."""
    span = _calendar_span(event.date)
    assert span is not None, "only events a calendar can place have a VEVENT"
    start, end = span
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.slug}@{host}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", start)
    if end is not None:
        vevent.add("dtend", end)
    vevent.add("summary", _ics_text(event.title))
    lines = [f"{voice.date(event.date)}: {event.summary}" if event.date.approximate
             or event.date.uncertain else event.summary]
    if event.notes:
        lines += ["", voice.say("Sources") + ":"]
        lines += [f"{note.number}. {note.source.title}"
                  + "".join(f" {link}" for link, _ in _source_links(note.source))
                  for note in event.notes]
    vevent.add("description", _ics_text("\n".join(lines).strip("\n")))
    if event.location:
        vevent.add("location", _ics_text(event.location))
    if config.base_url:
        vevent.add("url", absolute_url(config.base_url, event_path(event.slug),
                                       pretty=config.pretty_urls))
    text: bytes = vevent.to_ical()
    return text


def _ics_text(text: str) -> str:
    """Return text an iCalendar TEXT value can hold: line ends as newlines, no controls."""
    return _ICS_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _claims_html(event: Event, voice: Voice) -> str:
    """Return an event's claims as small tables, every value escaped."""
    tables = []
    for claim in event.claims:
        rows = "".join(
            f"<tr><td>{html.escape(a.value)}</td><td>{html.escape(a.by)}</td>"
            f'<td><a href="#source-{a.note}">[{a.note}]</a>'
            + (f" {html.escape(a.locator)}" if a.locator else "")
            + f"</td><td>{html.escape(voice.date(a.as_of)) if a.as_of else ''}</td></tr>"
            for a in claim.in_order())
        caption = html.escape(claim.label) + (
            f" ({html.escape(voice.say('disputed'))})" if claim.disputed else "")
        heads = "".join(f"<th>{html.escape(voice.say(h))}</th>"
                        for h in ("Value", "According to", "Source", "As of"))
        tables.append(f"<table><caption>{caption}</caption><tr>{heads}</tr>{rows}</table>")
    return f"<h2>{html.escape(voice.say('Claims'))}</h2>{''.join(tables)}" if tables else ""


def _sources_html(event: Event, voice: Voice) -> str:
    items = "".join(
        f'<li id="{note.id}">{html.escape(note.source.title)}'
        + "".join(f' <a href="{html.escape(link)}">{html.escape(text)}</a>'
                  for link, text in _source_links(note.source))
        + "".join(f". {html.escape(text)}" for text in _source_details(note.source, voice))
        + "</li>"
        for note in event.notes
    )
    return f"<h2>{html.escape(voice.say('Sources'))}</h2><ol>{items}</ol>" if items else ""


def _source_links(source: Source) -> list[tuple[str, str]]:
    """Return the links of a source outside its page, with their text: its address, and
    the links that resolve its DOI and ISBN."""
    links = [(source.url, source.url)] if source.url else []
    if source.doi:
        links.append((doi_url(source.doi), f"DOI {source.doi}"))
    if source.isbn:
        links.append((isbn_url(source.isbn), f"ISBN {source.isbn}"))
    return links


def _source_details(source: Source, voice: Voice) -> list[str]:
    """Return what a source's entry says besides its title and links: edition, page or
    pages, archive reference."""
    return [text for text in (
        source.edition and voice.say("Edition: %(edition)s", edition=source.edition),
        source.page and voice.say("p. %(page)s", page=source.page),
        source.pages and voice.say("pp. %(pages)s", pages=source.pages),
        source.archive_id and voice.say("Reference: %(reference)s",
                                        reference=source.archive_id)) if text]


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean_xml(text)
    return element


def sitemap(timeline: Timeline, paths: list[str]) -> bytes:
    """Return sitemap.xml listing the pages at paths (or, past SITEMAP_URLS, the index of
    the files that do); needs base_url."""
    return sitemap_exports(timeline, paths)[0].assemble()


def sitemap_exports(timeline: Timeline, paths: list[str]) -> list[Export]:
    """Return sitemap.xml as exports: one entry per page but 404.html, in path order.

    The protocol allows 50,000 URLs a file: past that, sitemap.xml is an index of
    sitemap-1.xml, sitemap-2.xml... (sitemaps.org, "Using Sitemap index files").
    """
    config = timeline.config
    assert config.base_url is not None
    base_url, pretty = config.base_url, config.pretty_urls
    settings = _key("sitemap.xml", base_url, pretty)
    items = [path for path in sorted(paths) if path != "404.html"]
    if len(items) <= SITEMAP_URLS:
        return [_sitemap_export("sitemap.xml", items, settings, base_url, pretty)]
    parts = [items[start:start + SITEMAP_URLS] for start in range(0, len(items), SITEMAP_URLS)]
    names = [f"sitemap-{number}.xml" for number in range(1, len(parts) + 1)]
    index = _xml_export("sitemap.xml", ET.Element("sitemapindex", {"xmlns": SITEMAP}),
                        [_key(settings, "index", name) for name in names],
                        lambda i: _sitemap_index_entry(base_url + names[i]))
    return [index, *(_sitemap_export(name, part, settings, base_url, pretty)
                     for name, part in zip(names, parts, strict=True))]


def _sitemap_export(dest: str, items: list[str], settings: str, base_url: str,
                    pretty: bool) -> Export:
    """Return one sitemap file listing the pages at items."""
    return _xml_export(dest, ET.Element("urlset", {"xmlns": SITEMAP}),
                       [_key(settings, path) for path in items],
                       lambda i: _sitemap_entry(items[i], base_url, pretty))


def _sitemap_index_entry(url: str) -> bytes:
    """Return the sitemap index's entry of the sitemap file at url."""
    sitemap = ET.Element("sitemap")
    ET.SubElement(sitemap, "loc").text = _clean_xml(url)
    return _xml_fragment(sitemap)


def _sitemap_entry(path: str, base_url: str, pretty: bool) -> bytes:
    """Return the sitemap's entry of the page at path."""
    url = ET.Element("url")
    ET.SubElement(url, "loc").text = _clean_xml(absolute_url(base_url, path, pretty=pretty))
    return _xml_fragment(url)


def _xml_export(dest: str, root: ET.Element, keys: list[str | None],
                make: Callable[[int], bytes]) -> Export:
    """Return an XML export whose entries are the last children of root."""
    empty = _xml_bytes(root)
    ET.SubElement(root, _ENTRIES)
    head, mark, tail = _xml_bytes(root).partition(f"<{_ENTRIES} />".encode())
    assert mark, "the entries' place is in the serialised header"
    return Export(dest, head, keys, make, tail, empty=empty)


def _xml_fragment(element: ET.Element) -> bytes:
    """Return an element in UTF-8 as it is serialised within a document."""
    text: bytes = ET.tostring(element, encoding="utf-8")
    return text


def _xml_bytes(root: ET.Element) -> bytes:
    """Return an XML document in UTF-8 with its declaration, ending with a newline."""
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
