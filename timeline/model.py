"""The plain data that flows from reading to writing: sources, events, the timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from timeline.config import Config
from timeline.dates.model import DatePoint, EventDate

K = TypeVar("K")

@dataclass(frozen=True)
class Source:
    """One checkable source: a registry entry or an inline source of an event."""

    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    date: DatePoint | None = None  # when it was published, read at load
    url: str | None = None
    archive: str | None = None
    accessed: DatePoint | None = None
    kind: str | None = None
    file: str | None = None  # site path of a copy kept with the timeline
    isbn: str | None = None  # its digits, checked at load: 9780306406157
    doi: str | None = None  # checked at load, without doi: or https://doi.org/
    page: str | None = None  # where in the source: one page ("12")...
    pages: str | None = None  # ...or several ("12-19"), never both
    edition: str | None = None
    archive_id: str | None = None  # an archive's reference, a court's docket number
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Note:
    """A numbered entry of an event's source list, with the citations pointing to it."""

    number: int
    source: Source
    anchors: tuple[str, ...] = ()  # ids of the citation links in the body, for back-links
    places: tuple[str, ...] = ()  # what each citation (anchor) cites: "para. 2", or ""

    @property
    def id(self) -> str:
        return f"source-{self.number}"


@dataclass(frozen=True)
class Link:
    """A link target written in a body, and its line in the file."""

    target: str
    line: int


@dataclass(frozen=True)
class Uncited:
    """A paragraph of a body that cites no source, for `check --citations`."""

    line: int
    kind: str  # "paragraph", "list item" or "quotation"
    excerpt: str  # its first words


@dataclass(frozen=True)
class Media:
    """An image (or other file) shown with an event."""

    src: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None  # read from the file's header at load, so the page does
    height: int | None = None  # not jump as it loads (None for a web URL)


@dataclass(frozen=True)
class Account:
    """One party's account of a claim: the value it gives, cited to a note of the event."""

    value: str  # as written
    by: str
    source: str  # the id of the cited source
    locator: str | None = None
    note: int = 0  # the number of the event's note for that source
    anchor: str = ""  # the id of the reference link, for the note's back-link
    as_of: EventDate | None = None


@dataclass(frozen=True)
class Claim:
    """A figure or statement of an event that sources may give differently ("Killed")."""

    label: str
    accounts: tuple[Account, ...]

    @property
    def disputed(self) -> bool:
        """Tell whether the accounts give different values (one account cannot differ)."""
        return len({" ".join(a.value.split()).casefold() for a in self.accounts}) > 1

    def in_order(self) -> tuple[Account, ...]:
        """Return the accounts by as_of (earliest first; undated last, as written)."""
        dated = sorted((a for a in self.accounts if a.as_of is not None),
                       key=lambda a: a.as_of.sort_key() if a.as_of else (0, 0))
        return (*dated, *(a for a in self.accounts if a.as_of is None))


@dataclass(frozen=True)
class Event:
    """One event of the timeline, parsed and rendered to HTML fragments."""

    slug: str
    title: str
    date: EventDate
    path: str
    body_html: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    location: str | None = None
    notes: tuple[Note, ...] = ()
    editor_note: str | None = None  # HTML
    media: Media | None = None
    draft: bool = False
    updated: EventDate | None = None  # when the entry was last changed, for feeds
    links: tuple[Link, ...] = ()  # relative links of the body, found at load, for check
    paragraphs: int = 0  # paragraphs, list items and quotes of the body, for check
    uncited: tuple[Uncited, ...] = ()  # those of them that cite no source
    editor_notes: tuple[str, ...] = ()  # HTML of each editor's note, for the notes page
    claims: tuple[Claim, ...] = ()

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(note.source for note in self.notes)

    def sort_key(self) -> tuple[tuple[int, int], str, str]:
        """Return the key that orders events: instant, precision, title, slug."""
        return (self.date.sort_key(), self.title, self.slug)


@dataclass(frozen=True)
class Era:
    """A named period of content/eras.yaml, drawn as a band and shown on its entries."""

    label: str
    date: EventDate  # from start to end, both dates known
    colour: str | None = None  # #rgb or #rrggbb, checked at load
    path: str = ""
    line: int = 0

    def covers(self, date: EventDate) -> bool:
        """Tell whether an event falls in the era: an interval when it overlaps it, a
        point date when all of it lies inside (so "December 2022" is not placed in an era
        of that month's last week); touching a boundary counts."""
        first, after = instants(self.date)
        start, end = instants(date)
        if date.is_interval:
            return start < after and first < end
        return first <= start and end <= after


def instants(date: EventDate) -> tuple[int, int]:
    """Return the first instant of a date and the first after it, in UTC seconds; an end
    that is open or unknown is taken as the end of the date that is known."""
    offset = date.tz_offset
    last = date.end if date.end is not None else date.start
    return date.start.start_key(offset), last.end_key(offset)


@dataclass(frozen=True)
class Timeline:
    """Every event in order, the source registry, and views by year, tag and source."""

    config: Config
    events: tuple[Event, ...]
    sources: Mapping[str, Source] = field(default_factory=dict)
    eras: tuple[Era, ...] = ()

    @cached_property
    def by_year(self) -> dict[int, tuple[Event, ...]]:
        """Return the events of each year (of their start), in order."""
        return _group(self.events, lambda e: [e.date.start.year])

    @cached_property
    def by_tag(self) -> dict[str, tuple[Event, ...]]:
        """Return the events of each tag, tags sorted."""
        return dict(sorted(_group(self.events, lambda e: e.tags).items()))

    @cached_property
    def by_source(self) -> dict[str, tuple[Event, ...]]:
        """Return the events citing each source id."""
        return _group(self.events, lambda e: [s.id for s in e.sources])


def _group(events: Iterable[Event], keys_of: Callable[[Event], Iterable[K]]
           ) -> dict[K, tuple[Event, ...]]:
    """Return the events under each of their keys, in the order given."""
    groups: dict[K, list[Event]] = {}
    for event in events:
        for key in keys_of(event):
            groups.setdefault(key, []).append(event)
    return {key: tuple(value) for key, value in groups.items()}
