"""Template filters: dates ready for `<time>` elements, source dates, back-links, paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from timeline.dates.model import DatePoint, EventDate, Precision, year_label
from timeline.model import Note, Source
from timeline.site.urls import event_path, source_path


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
    }
