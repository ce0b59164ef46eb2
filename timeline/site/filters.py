"""Template filters: dates ready for `<time>` elements, source dates, back-links, paths,
and the JSON-LD of an event page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from timeline.dates.model import DatePoint, EventDate, Precision, year_label
from timeline.model import Event, Note, Source
from timeline.site.search import js_json
from timeline.site.urls import doi_url, event_path, isbn_url, source_path


@dataclass(frozen=True)
class TimePart:
    """One date as shown: its text and its HTML `datetime` value (None before 1 AD)."""

    text: str
    datetime: str | None


@dataclass(frozen=True)
class DateDisplay:
    """An event date ready for `<time>` elements: the start, and the end of an interval."""

    start: TimePart
    end: TimePart | None
    separator: str
    approximate: bool
    uncertain: bool
    before: str = ""  # 'until ' or 'from ' when an interval end is open or unknown
    after: str = ""  # ' on', ', end unknown', ', start unknown'


@dataclass(frozen=True)
class BackLink:
    """A link from a source list entry back to one citation of it in the body."""

    anchor: str
    label: str  # "1", or "1a", "1b"... when the note is cited more than once
    letter: str = ""  # "a", "b"... when the note is cited more than once
    place: str = ""  # the locators cited there, or ""


def date_display(date: EventDate) -> DateDisplay:
    """Return the parts of a date label, the start shortened as in '5–7 January 2023'."""
    start, end = date.start, date.end
    first = TimePart(start.label(), start.html_datetime())
    if date.missing_start is not None or date.missing_end is not None:
        before, after = date.label().split(first.text, 1)
        return DateDisplay(first, None, "", date.approximate, date.uncertain, before, after)
    if end is None or end == start:
        return DateDisplay(first, None, "", date.approximate, date.uncertain)
    last = TimePart(end.label(), end.html_datetime())
    if date.label() == f"{first.text} – {last.text}":
        return DateDisplay(first, last, " – ", date.approximate, date.uncertain)
    # A compact label drops the words the start shares with the end: 5–7 January 2023.
    words, shared = first.text.split(" "), last.text.split(" ")
    while len(words) > 1 and shared and words[-1] == shared[-1]:
        words.pop()
        shared.pop()
    short = " ".join(words)
    separator = " – " if " " in short else "–"
    return DateDisplay(TimePart(short, first.datetime), last, separator,
                       date.approximate, date.uncertain)


def source_date(point: DatePoint | None) -> TimePart | None:
    """Return a source's date (read at load) as a label with a `datetime` value."""
    if point is None:
        return None
    return TimePart(point.label(), point.html_datetime())


def fills(date: EventDate, within: str) -> bool:
    """Return whether date is known only to the month ('month') or year ('year') it is
    listed under: a point of that precision, whose label the heading already gives."""
    wanted = Precision.MONTH if within == "month" else Precision.YEAR
    return not date.is_interval and date.precision is wanted


def back_links(note: Note) -> tuple[BackLink, ...]:
    """Return the links back to each citation of a note, in reading order, with the place
    each cites: labelled 1, or 1a, 1b... when the note is cited more than once."""
    if len(note.anchors) == 1:
        return (BackLink(note.anchors[0], str(note.number), "", note.places[0]),)
    return tuple(BackLink(anchor, f"{note.number}{_letters(index)}", _letters(index), place)
                 for index, (anchor, place) in enumerate(zip(note.anchors, note.places,
                                                             strict=True)))


def _letters(index: int) -> str:
    """Return a, b, ... z, aa, ab ... for 0, 1, ... 25, 26, 27 ..."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def event_json_ld(event: Event, url: str | None = None, image: str | None = None
                  ) -> dict[str, Any]:
    """Return the schema.org description of an event's page: an Article about a moment.

    Not an Event: schema.org's and search engines' Event is a happening to attend, with
    a place and a start instant; an entry of a chronology is a piece of writing about
    something that happened, dated by temporalCoverage (EDTF, which says "c. 2004" or
    "the 2010s" as the page does) and resting on its citations.
    """
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Article",
                            "name": event.title, "headline": event.title,
                            "temporalCoverage": event.date.edtf()}
    if event.summary:
        data["description"] = event.summary
    if url is not None:
        data["url"] = url
    if image is not None:
        data["image"] = image
    if event.location:
        data["contentLocation"] = {"@type": "Place", "name": event.location}
    if event.tags:
        data["keywords"] = list(event.tags)
    if event.sources:
        data["citation"] = [_citation(source) for source in event.sources]
    return data


def _citation(source: Source) -> dict[str, Any]:
    """Return a source as a schema.org CreativeWork (a Book if it has an ISBN); its DOI
    as the link that resolves it (sameAs), an archive's reference as its identifier."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        work["url"] = source.url
    if source.date is not None:
        work["datePublished"] = source.date.iso()
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        work["author"] = source.author
    if source.isbn:  # isbn and bookEdition are properties of a Book
        work.update({"@type": "Book", "isbn": source.isbn})
    if source.edition:
        work["bookEdition" if source.isbn else "version"] = source.edition
    if source.doi:
        work["sameAs"] = doi_url(source.doi)
    if source.archive_id:
        work["identifier"] = source.archive_id
    return work


def json_ld(event: Event, url: str | None = None, image: str | None = None) -> Markup:
    """Return an event page's JSON-LD, safe as the text of a <script> element."""
    return Markup(js_json(event_json_ld(event, url, image)))  # no '<', '>' or '&' in it


def template_filters() -> dict[str, Callable[..., Any]]:
    """Return the template filters for dates and paths."""
    return {
        "date_label": lambda d: d.label(),
        "event_path": lambda e: event_path(e.slug),
        "year_label": year_label,
        "html_datetime": lambda p: p.html_datetime() if isinstance(p, DatePoint) else None,
        "is_interval": lambda d: isinstance(d, EventDate) and d.is_interval,
        "fills": fills,
        "date_display": date_display,
        "source_date": source_date,
        "source_path": lambda s: source_path(s.id if isinstance(s, Source) else s),
        "back_links": back_links,
        "json_ld": json_ld,
        "doi_url": doi_url,
        "isbn_url": isbn_url,
    }
