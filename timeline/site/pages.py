"""Plan the pages of a site from a timeline (no I/O), then render them to bytes."""

from __future__ import annotations

import collections
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from timeline.dates.locale import DateLocale, date_locale, text_direction
from timeline.dates.model import EventDate, month_label, year_label
from timeline.model import Era, Event, Source, Timeline
from timeline.site.claims import ClaimGroup, SourceClaim, claim_groups, claims_citing
from timeline.site.overview import Overview, draw, mirror
from timeline.site.urls import (
    absolute_url,
    claims_path,
    event_path,
    month_path,
    notes_path,
    part_path,
    relative_url,
    source_path,
    sources_path,
    tag_path,
    tag_slug,
    year_path,
)

_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
# A listing of more events than this is split: the index into year pages, a year into
# month pages, a tag's or a source's page into one page per year, with compact entries.
FULL_INDEX_LIMIT = 300
SOURCES_PER_PAGE = 500  # the source list is cut into pages of this many sources


@dataclass(frozen=True)
class Page:
    """One file to write: its site path, the template that renders it, and its data.

    inputs names what the data is made of (see input_digests): a page whose inputs,
    template and settings are as in an earlier build renders as it did then.
    """

    dest: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Entry:
    """What a listing (index, year, month, tag and source pages, an event's neighbours)
    shows of an event. Listings get entries, not events: an edit that leaves an event's
    entry as it was (most of its body) does not render them again."""

    slug: str
    title: str
    date: EventDate
    summary: str
    tags: tuple[str, ...]
    location: str | None
    sources: tuple[str, ...]  # the ids of the sources it cites, in the order of its notes
    eras: tuple[str, ...] = ()  # labels of the eras the event overlaps, in their order

    @classmethod
    def of(cls, event: Event, eras: Iterable[Era] = ()) -> Entry:
        """Return the entry of an event, with the eras it falls in (touching counts)."""
        return cls(event.slug, event.title, event.date, event.summary, event.tags,
                   event.location, tuple(note.source.id for note in event.notes),
                   tuple(era.label for era in eras if era.covers(event.date)))

    @property
    def source_count(self) -> int:
        return len(self.sources)


@dataclass(frozen=True)
class MonthGroup:
    """Entries of one month (month is None for events dated only to the year); page is
    the month's own page when its year is split."""

    month: int | None
    label: str
    events: tuple[Entry, ...]
    page: str | None = None

    @property
    def count(self) -> int:
        return len(self.events)


@dataclass(frozen=True)
class YearGroup:
    """Entries of one year, grouped by month; path is the year's page, page the year's
    own page of a split listing (a tag's or a source's), if any."""

    year: int
    label: str
    months: tuple[MonthGroup, ...]
    path: str
    page: str | None = None

    @property
    def count(self) -> int:
        return sum(len(m.events) for m in self.months)

    @property
    def split(self) -> bool:
        """Whether the year's page is cut into month pages."""
        return any(m.page is not None for m in self.months)


@dataclass(frozen=True)
class TagInfo:
    """A tag, its URL slug, its page and how many events it has."""

    name: str
    slug: str
    path: str
    count: int


@dataclass(frozen=True)
class SourceInfo:
    """A source, its page, how many events cite it, and their entries where shown."""

    source: Source
    path: str
    count: int
    events: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class NotedEvent:
    """An event on the notes page: its entry and the HTML of its editor's notes."""

    entry: Entry
    path: str  # its page
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FilterChoices:
    """What the filter of a listing offers: its tags (each counted on the page), its
    years (number and label) and the sources its entries cite (id and title, by title);
    each empty where the page offers no such choice. total is the number of entries."""

    total: int
    tags: tuple[TagInfo, ...] = ()
    years: tuple[tuple[int, str], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def inputs(self) -> frozenset[str]:
        """Return the page inputs the choices add to those of the entries listed."""
        return frozenset(f"source-title:{source_id}" for source_id, _ in self.sources)


def group_by_year(entries: Iterable[Entry], *, split: bool = False,
                  part_of: str | None = None,
                  locale: DateLocale | None = None) -> tuple[YearGroup, ...]:
    """Return entries grouped by the year and month they start in, in timeline order.

    With split, a year of more than FULL_INDEX_LIMIT entries gets month pages; with
    part_of (a tag's or a source's page), each year gets a page of its own under it.
    """
    years: dict[int, dict[int | None, list[Entry]]] = {}
    for entry in entries:
        start = entry.date.start
        years.setdefault(start.year, {}).setdefault(start.month, []).append(entry)
    groups = []
    for year, months in sorted(years.items()):
        cut = split and sum(map(len, months.values())) > FULL_INDEX_LIMIT
        label = year_label(year, locale)
        groups.append(YearGroup(year, label, tuple(
            MonthGroup(month, month_label(year, month, locale) if month else label,
                       tuple(evs), month_path(year, month) if cut and month else None)
            for month, evs in sorted(months.items(), key=lambda item: item[0] or 0)
        ), year_path(year), part_path(part_of, year) if part_of else None))
    return tuple(groups)


def entries_by_tag(timeline: Timeline, entries: Mapping[str, Entry]
                   ) -> dict[str, tuple[str, tuple[Entry, ...]]]:
    """Return each tag's name and entries by slug, sorted by name; tags with the same
    slug are merged."""
    merged: dict[str, tuple[str, dict[str, Entry]]] = {}
    for name, events in timeline.by_tag.items():
        _, by_slug = merged.setdefault(tag_slug(name), (name, {}))
        by_slug.update((e.slug, entries[e.slug]) for e in events)
    order = {e.slug: n for n, e in enumerate(timeline.events)}
    return {slug: (name, tuple(sorted(evs.values(), key=lambda e: order[e.slug])))
            for slug, (name, evs) in sorted(merged.items(), key=lambda kv: kv[1][0].lower())}


def sources_of(timeline: Timeline) -> tuple[tuple[Source, tuple[Event, ...]], ...]:
    """Return every source (registry and inline) with the events citing it, by title."""
    by_id: dict[str, Source] = dict(timeline.sources)
    for event in timeline.events:
        for source in event.sources:
            by_id.setdefault(source.id, source)
    found = [(source, timeline.by_source.get(source_id, ())) for source_id, source in
             by_id.items()]
    return tuple(sorted(found, key=lambda item: (item[0].title.lower(), item[0].id)))


def plan_pages(timeline: Timeline, plan: Plan | None = None) -> list[Page]:
    """Return every HTML page of the site with the data its template needs (plan is
    plan_of(timeline), if already made)."""
    events = timeline.events
    plan = plan if plan is not None else plan_of(timeline)
    shared, nav, entries, by_tag = plan.shared, plan.nav, plan.entries, plan.by_tag
    years, tags, overview = shared["years"], shared["tags"], shared["overview"]
    listed = tuple(entries[e.slug] for e in events)
    sources = plan.sources
    choices = None if overview else filter_choices(listed, plan)
    pages = [Page("index.html", "index.html",
                  {**shared, "events": listed, "sources_count": len(sources),
                   "choices": choices, "chart": plan.chart},
                  frozenset(nav | {"years", "years:counts", f"sources={len(sources)}", "eras",
                                   "chart"}
                            | ({"events", "tags"} if not overview else set())
                            | (choices.inputs if choices else set())))]
    for index, group in enumerate(years):
        choices = None if group.split else filter_choices(
            (e for m in group.months for e in m.events), plan, years=False)
        pages.append(Page(group.path, "year.html", {
            **shared, "year": group, "choices": choices,
            "previous_year": years[index - 1] if index > 0 else None,
            "next_year": years[index + 1] if index + 1 < len(years) else None,
            "chart": plan.year_charts[group.year],
        }, frozenset(nav | {"years", f"chart:{group.year}",
                            f"year:{group.year}:months" if group.split else f"year:{group.year}"}
                     | ({f"month:{group.year}:0"} if group.split else set())
                     | (choices.inputs if choices else set()))))
        pages.extend(_month_pages(group, shared, nav, plan))
    pages.extend(_event_page(events, index, plan) for index in range(len(events)))
    pages.append(Page("tags/index.html", "tags.html", shared, frozenset(nav | {"tags"})))
    for tag in tags:
        groups = _listing_groups(by_tag[tag.slug][1], tag.path, plan.locale)
        choices = None if overview else filter_choices(by_tag[tag.slug][1], plan, tags=False)
        context = {**shared, "tag": tag, "groups": groups, "part": None, "choices": choices}
        whole = f"tag-years:{tag.slug}" if groups and groups[0].page else f"tag:{tag.slug}"
        pages.append(Page(tag.path, "tag.html", context, frozenset(
            nav | {whole} | (choices.inputs if choices else set()))))
        context = {**context, "choices": None}  # a year's part is a compact listing
        pages.extend(Page(group.page, "tag.html", {**context, "groups": (group,), "part": group},
                          frozenset(nav | {f"tag-year:{group.year}:{tag.slug}"}))
                     for group in groups if group.page is not None)
    pages.extend(_source_list_pages(sources, entries, shared, nav))
    if shared["has_claims"]:
        pages.append(Page(claims_path(), "claims.html",
                          {**shared, "groups": plan.claim_groups}, frozenset(nav | {"claims"})))
    for source, cited in sources:
        path = source_path(source.id)
        info = SourceInfo(source, path, len(cited))
        listing = tuple(entries[e.slug] for e in cited)
        groups = _listing_groups(listing, path, plan.locale)
        choices = None if overview else filter_choices(listing, plan, sources=False)
        context = {**shared, "info": info, "groups": groups, "part": None, "choices": choices,
                   "claims": plan.claims_citing.get(source.id, ())}
        whole = (f"source-years:{source.id}" if groups and groups[0].page
                 else f"source:{source.id}")
        pages.append(Page(path, "source.html", context,
                          frozenset(nav | {whole, f"source-claims:{source.id}"})))
        context = {**context, "choices": None, "claims": ()}  # a year's part: its entries
        pages.extend(Page(group.page, "source.html",
                          {**context, "groups": (group,), "part": group},
                          frozenset(nav | {f"source-year:{group.year}:{source.id}"}))
                     for group in groups if group.page is not None)
    if shared["has_notes"]:
        noted = tuple(NotedEvent(entries[e.slug], event_path(e.slug), e.editor_notes)
                      for e in events if e.editor_notes)
        pages.append(Page(notes_path(), "notes.html", {**shared, "noted": noted},
                          frozenset(nav | {"notes"})))
    pages.append(Page("404.html", "404.html", shared, frozenset(nav)))
    return pages


@dataclass(frozen=True)
class Plan:
    """What every page gets (years, tags, tag_of, overview) with its inputs, and the
    entries, each tag's entries, each event's place on the timeline and the sources they
    come from: made once a build, for planning the pages and for digesting their inputs."""

    shared: dict[str, Any]
    nav: set[str]
    entries: dict[str, Entry]
    by_tag: dict[str, tuple[str, tuple[Entry, ...]]]
    home_of: dict[str, str]
    timeline: Timeline
    locale: DateLocale | None = None  # the dates' language; None: English

    @functools.cached_property
    def sources(self) -> tuple[tuple[Source, tuple[Event, ...]], ...]:
        """Return sources_of(timeline), made when first asked (one event's page needs not)."""
        return sources_of(self.timeline)

    @functools.cached_property
    def chart(self) -> Overview | None:
        """Return the overview picture of the whole timeline (None without events)."""
        listed = [self.entries[e.slug] for e in self.timeline.events]
        return self._read(draw(listed, self.timeline.eras, self.shared["years"],
                               locale=self.locale))

    def _read(self, chart: Overview | None) -> Overview | None:
        """Return a picture the way the site's language reads: mirrored right to left."""
        rtl = text_direction(self.timeline.config.language) == "rtl"
        return mirror(chart) if chart is not None and rtl else chart

    @functools.cached_property
    def year_charts(self) -> dict[int, Overview | None]:
        """Return the overview picture of each year's page, by year."""
        return {group.year: self._read(draw([e for m in group.months for e in m.events],
                                            self.timeline.eras, (group,), locale=self.locale))
                for group in self.shared["years"]}

    @functools.cached_property
    def claim_groups(self) -> tuple[ClaimGroup, ...]:
        """Return claim_groups(timeline), made when first asked."""
        return claim_groups(self.timeline)

    @functools.cached_property
    def claims_citing(self) -> dict[str, tuple[SourceClaim, ...]]:
        """Return claims_citing(timeline), made when first asked."""
        return claims_citing(self.timeline)

    @functools.cached_property
    def source_titles(self) -> dict[str, str]:
        """Return the title of every source by id."""
        return {source.id: source.title for source, _ in self.sources}


def filter_choices(entries: Iterable[Entry], plan: Plan, *, tags: bool = True,
                   years: bool = True, sources: bool = True) -> FilterChoices | None:
    """Return what the filter of a listing of entries offers: the tags, the years (if
    more than one) and the sources found on it, each kind unless told not to; None when
    it offers nothing."""
    listed = tuple(entries)
    tag_of: dict[str, TagInfo] = plan.shared["tag_of"]
    counts = collections.Counter(slug for e in listed
                                 for slug in {tag_of[name].slug for name in e.tags})
    found_years = sorted({e.date.start.year for e in listed})
    cited = {source_id for e in listed for source_id in e.sources}
    titles = plan.source_titles
    choices = FilterChoices(
        len(listed),
        tuple(TagInfo(t.name, t.slug, t.path, counts[t.slug])
              for t in plan.shared["tags"] if counts[t.slug]) if tags else (),
        tuple((year, year_label(year, plan.locale)) for year in found_years)
        if years and len(found_years) > 1 else (),
        tuple(sorted(((i, titles[i]) for i in cited), key=lambda it: (it[1].lower(), it[0])))
        if sources else ())
    return choices if choices.tags or choices.years or choices.sources else None


def plan_of(timeline: Timeline, locale: DateLocale | None = None) -> Plan:
    """Return the data every page gets and what it is made of; locale: the dates'
    language with the catalogue's words (by default, from the configured language)."""
    entries = {e.slug: Entry.of(e, timeline.eras) for e in timeline.events}
    overview = len(timeline.events) > FULL_INDEX_LIMIT
    locale = locale if locale is not None else date_locale(timeline.config.language)
    years = group_by_year((entries[e.slug] for e in timeline.events), split=overview,
                          locale=locale)
    by_tag = entries_by_tag(timeline, entries)
    tags = tuple(TagInfo(name, slug, tag_path(slug), len(evs))
                 for slug, (name, evs) in by_tag.items())
    tag_by_slug = {t.slug: t for t in tags}
    tag_of = {name: tag_by_slug[tag_slug(name)] for name in timeline.by_tag}
    home_of: dict[str, str] = {}
    for group in years:
        for month in group.months:
            page = month.page or (group.path if overview else "index.html")
            for entry in month.events:
                home_of[entry.slug] = f"{page}#event-{entry.slug}"
    has_claims = any(e.claims for e in timeline.events)
    has_notes = any(e.editor_notes for e in timeline.events)
    shared = {"years": years, "tags": tags, "tag_of": tag_of, "overview": overview,
              "has_claims": has_claims, "has_notes": has_notes}
    nav = {f"overview={overview}", "tags:names",  # tag_of: each tag's name, slug and page
           f"claims={has_claims}",  # whether the navigation links to the claims page
           f"notes={has_notes}"}  # the link to the notes page
    return Plan(shared, nav, entries, by_tag, home_of, timeline, locale)


def plan_event_page(timeline: Timeline, slug: str) -> Page:
    """Return the page of one event as plan_pages plans it, without planning the others."""
    index = next(i for i, event in enumerate(timeline.events) if event.slug == slug)
    return _event_page(timeline.events, index, plan_of(timeline))


def _event_page(events: tuple[Event, ...], index: int, plan: Plan) -> Page:
    """Return the page of events[index], with its neighbours and its place on the timeline."""
    event = events[index]
    previous = plan.entries[events[index - 1].slug] if index > 0 else None
    following = plan.entries[events[index + 1].slug] if index + 1 < len(events) else None
    link = plan.home_of[event.slug]
    return Page(event_path(event.slug), "event.html", {
        **plan.shared, "event": event, "previous": previous, "next": following,
        "timeline_link": link,
    }, frozenset(plan.nav | {f"event:{event.slug}", f"link={link}"}
                 | {f"entry:{e.slug}" for e in (previous, following) if e is not None}
                 | {f"first={previous is None}", f"last={following is None}"}))


def _listing_groups(entries: tuple[Entry, ...], path: str,
                    locale: DateLocale | None) -> tuple[YearGroup, ...]:
    """Return the years of a tag's or source's page, each with a page of its own if the
    listing holds more than FULL_INDEX_LIMIT entries."""
    return group_by_year(entries, part_of=path if len(entries) > FULL_INDEX_LIMIT else None,
                         locale=locale)


def _month_pages(group: YearGroup, shared: dict[str, Any], nav: set[str],
                 plan: Plan) -> list[Page]:
    """Return the month pages of a split year, each with its neighbours in the year."""
    months = [m for m in group.months if m.page is not None]
    pages = []
    for n, month in enumerate(months):
        assert month.page is not None
        choices = filter_choices(month.events, plan, years=False)
        pages.append(Page(month.page, "month.html", {
            **shared, "year": group, "month": month, "choices": choices,
            "previous_month": months[n - 1] if n > 0 else None,
            "next_month": months[n + 1] if n + 1 < len(months) else None,
        }, frozenset(nav | {f"year:{group.year}:months", f"month:{group.year}:{month.month}"}
                     | (choices.inputs if choices else set()))))
    return pages


def _source_list_pages(sources: tuple[tuple[Source, tuple[Event, ...]], ...],
                       entries: Mapping[str, Entry], shared: dict[str, Any], nav: set[str]
                       ) -> list[Page]:
    """Return the pages of the source list: every source with the events citing it, or
    (for a timeline shown as an overview) with their number, SOURCES_PER_PAGE a page."""
    overview = shared["overview"]
    count = max(1, -(-len(sources) // SOURCES_PER_PAGE))
    pager = tuple((n, sources_path(n)) for n in range(1, count + 1))
    pages = []
    for number, path in pager:
        part = sources[(number - 1) * SOURCES_PER_PAGE:number * SOURCES_PER_PAGE]
        infos = tuple(SourceInfo(source, source_path(source.id), len(cited),
                                 () if overview else tuple(entries[e.slug] for e in cited))
                      for source, cited in part)
        pages.append(Page(path, "sources.html", {
            **shared, "sources": infos, "total": len(sources), "number": number,
            "pager": pager if count > 1 else (),
        }, frozenset(nav | {f"sources:{number}", f"sources={len(sources)}"})))
    return pages


def input_digests(timeline: Timeline, events: Mapping[str, str],
                  plan: Plan | None = None) -> Callable[[str], str]:
    """Return the function giving the digest of one page input, from each event's digest.

    Inputs: `event:<slug>` (everything of the event), `entry:<slug>` (what a listing shows
    of it), `events` (every entry, in order), `year:<y>` and `month:<y>:<m>` (the entries
    of one; m is 0 for those without a month), `year:<y>:months` (a split year's months,
    their counts and pages), `tag:<slug>` and `tag-year:<y>:<slug>`, `source:<id>` and
    `source-year:<y>:<id>` (the entries of one, or of one year of it, and the tag's name
    or the source), `source-title:<id>` (a source's title, as a filter offers it),
    `tag-years:<slug>` and `source-years:<id>` (the number of each year's events, for a
    page cut into years), `tags` (each tag's name, slug and count),
    `tags:names` (each tag's name and slug), `sources:<n>` (page n of the source list),
    `years` (each year and its page), `notes` (the entry and editor's notes of every
    event with notes, in order),
    `years:counts` (the number of events of each year), `eras` (every era: label, dates,
    colour), `claims` (every claim with its event's slug, title and date),
    `source-claims:<id>` (the accounts citing a source, with their claims and events),
    `chart` and `chart:<y>` (the geometry of the
    overview picture of the index, and of a year's page), and `name=value` (the value).
    """
    plan = plan if plan is not None else plan_of(timeline)
    entries = plan.entries
    listed = tuple(entries[e.slug] for e in timeline.events)

    @functools.cache
    def entry(slug: str) -> str:
        found = entries.get(slug)
        if found is None:
            return os.urandom(16).hex()  # unknown: never reused
        return hashlib.sha256(repr(found).encode("utf-8", "surrogatepass")).hexdigest()

    def of(group: Iterable[Entry]) -> list[str]:
        return [entry(e.slug) for e in group]

    def years() -> tuple[YearGroup, ...]:
        return plan.shared["years"]  # type: ignore[no-any-return]

    @functools.cache
    def year_map() -> dict[int, YearGroup]:
        return {g.year: g for g in years()}

    def by_tag() -> dict[str, tuple[str, tuple[Entry, ...]]]:
        return plan.by_tag

    def sources() -> tuple[tuple[Source, tuple[Event, ...]], ...]:
        return plan.sources

    @functools.cache
    def source_map() -> dict[str, tuple[Source, tuple[Event, ...]]]:
        return {source.id: (source, cited) for source, cited in sources()}

    def per_year(group: Iterable[Entry | Event]) -> list[tuple[int, int]]:
        return sorted(collections.Counter(e.date.start.year for e in group).items())

    def in_year(group: Iterable[Entry], year: str) -> list[str]:
        return [entry(e.slug) for e in group if str(e.date.start.year) == year]

    def compute(key: str) -> object:
        kind, _, name = key.partition(":")
        if "=" in key and not name:
            return key
        if kind == "event":
            return events.get(name) or os.urandom(16).hex()  # unknown: never reused
        if kind == "entry":
            return entry(name)
        if kind == "events":
            return of(listed)
        if kind == "year" and name.endswith(":months"):
            group = year_map().get(int(name.removesuffix(":months")))
            return group and [(m.label, m.count, m.page) for m in group.months]
        if kind == "year":
            group = year_map().get(int(name))
            return group and [of(m.events) for m in group.months]
        if kind == "month":
            number, month = map(int, name.split(":"))
            group = year_map().get(number)
            return group and [of(m.events) for m in group.months if (m.month or 0) == month]
        if kind == "tag-years":
            tag = by_tag().get(name)
            return tag and (tag[0], len(tag[1]), per_year(tag[1]))
        if kind == "source-years":
            found = source_map().get(name)
            return found and (repr(found[0]), len(found[1]), per_year(found[1]))
        if kind in ("tag", "tag-year"):
            year, _, slug = name.partition(":") if kind == "tag-year" else ("", "", name)
            tag = by_tag().get(slug)
            return tag and (tag[0], len(tag[1]), in_year(tag[1], year) if year else of(tag[1]))
        if kind in ("source", "source-year"):
            year, _, source_id = name.partition(":") if kind == "source-year" else ("", "", name)
            found = source_map().get(source_id)
            if found is None:
                return None
            cited = [entries[e.slug] for e in found[1]]
            return (repr(found[0]), len(cited), in_year(cited, year) if year else of(cited))
        if kind == "source-title":
            return plan.source_titles.get(name) or os.urandom(16).hex()  # unknown: never reused
        if kind == "notes":
            return [(entry(e.slug), e.editor_notes) for e in timeline.events if e.editor_notes]
        if kind == "eras":
            return [(era.label, era.date, era.colour) for era in timeline.eras]
        if kind == "claims":
            return plan.claim_groups
        if kind == "source-claims":
            return plan.claims_citing.get(name, ())
        if kind == "chart" and name:
            return plan.year_charts.get(int(name))
        if kind == "chart":
            return plan.chart
        if kind == "years" and name == "counts":
            return [(g.year, g.count) for g in years()]
        if kind == "years":
            return [(g.year, g.label, g.path) for g in years()]
        if kind == "tags" and name == "names":
            return [(tag, tag_slug(tag)) for tag in timeline.by_tag]
        if kind == "tags":
            return [(name, slug, len(evs)) for slug, (name, evs) in by_tag().items()]
        if kind == "sources":
            number = int(name)
            part = sources()[(number - 1) * SOURCES_PER_PAGE:number * SOURCES_PER_PAGE]
            shown = len(listed) <= FULL_INDEX_LIMIT
            return [(repr(source), len(cited), of(entries[e.slug] for e in cited) if shown
                     else None) for source, cited in part]
        raise ValueError(f"unknown page input '{key}'")

    @functools.cache
    def digest(key: str) -> str:
        return hashlib.sha256(repr(compute(key)).encode("utf-8", "surrogatepass")).hexdigest()

    return digest


def page_digests(pages: list[Page], timeline: Timeline, events: Mapping[str, str],
                 templates: Mapping[str, str], settings: str,
                 plan: Plan | None = None) -> dict[str, str]:
    """Return the digest of each page's inputs, template (with what it includes) and
    settings, by site path (plan is plan_of(timeline), if already made)."""
    digest = input_digests(timeline, events, plan)
    found = {}
    for page in pages:
        parts = [page.dest, templates.get(page.template, ""), settings,
                 *(f"{key} {digest(key)}" for key in sorted(page.inputs))]
        found[page.dest] = hashlib.sha256("\n".join(parts).encode("utf-8",
                                                                  "surrogatepass")).hexdigest()
    return found


def render_pages(env: jinja2.Environment, timeline: Timeline,
                 pages: list[Page]) -> Iterator[tuple[str, bytes]]:
    """Render each page; yield its site path and its bytes."""
    config = timeline.config
    site = {"title": config.title, "description": config.description,
            "language": config.language, "base_url": config.base_url,
            "direction": text_direction(config.language)}
    for page in pages:
        template = env.get_template(page.template)
        absolute = page.dest == "404.html" and config.base_url is not None
        url = _url_maker(page.dest, config.base_url if absolute else None, config.pretty_urls)
        canonical = (absolute_url(config.base_url, page.dest, pretty=config.pretty_urls)
                     if config.base_url else None)
        to_absolute = (_url_maker(page.dest, config.base_url, config.pretty_urls)
                       if config.base_url else None)
        html = template.render(page.context, site=site, page_path=page.dest, url=url,
                               canonical=canonical, absolute_url=to_absolute)
        yield page.dest, html.encode("utf-8")


def _url_maker(dest: str, base_url: str | None, pretty: bool) -> Callable[[str], str]:
    """Return the `url` function of one page: site paths become links, web URLs stay."""
    if base_url is not None:
        to_site = functools.partial(absolute_url, base_url, pretty=pretty)
    else:
        to_site = functools.partial(relative_url, dest, pretty=pretty)

    def url(target: str) -> str:
        return target if _WEB_URL.match(target) else to_site(target)

    return url

