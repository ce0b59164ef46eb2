"""Plan the pages of a site from a timeline (no I/O), then render them to bytes."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from timeline.dates.model import MONTH_NAMES, year_label
from timeline.model import Event, Source, Timeline
from timeline.site.urls import (
    absolute_url,
    event_path,
    relative_url,
    source_path,
    tag_path,
    tag_slug,
    year_path,
)

_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
FULL_INDEX_LIMIT = 300  # above this many events the index is an overview of year pages


@dataclass(frozen=True)
class Page:
    """One file to write: its site path, the template that renders it, and its data.

    inputs names what the data is made of (see input_digest): a page whose inputs,
    template and settings are as in an earlier build renders as it did then.
    """

    dest: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MonthGroup:
    """Events of one month (month is None for events dated only to the year)."""

    month: int | None
    label: str
    events: tuple[Event, ...]


@dataclass(frozen=True)
class YearGroup:
    """Events of one year, grouped by month, and the path of the year's page."""

    year: int
    label: str
    months: tuple[MonthGroup, ...]
    path: str

    @property
    def count(self) -> int:
        return sum(len(m.events) for m in self.months)


@dataclass(frozen=True)
class TagInfo:
    """A tag, its URL slug and its events."""

    name: str
    slug: str
    events: tuple[Event, ...]
    path: str


@dataclass(frozen=True)
class SourceInfo:
    """A source and the events that cite it."""

    source: Source
    events: tuple[Event, ...]
    path: str


def group_by_year(events: tuple[Event, ...]) -> tuple[YearGroup, ...]:
    """Return events grouped by the year and month they start in, in timeline order."""
    years: dict[int, dict[int | None, list[Event]]] = {}
    for event in events:
        start = event.date.start
        years.setdefault(start.year, {}).setdefault(start.month, []).append(event)
    return tuple(
        YearGroup(year, year_label(year), tuple(
            MonthGroup(month, f"{MONTH_NAMES[month - 1]} {year_label(year)}" if month
                       else year_label(year), tuple(evs))
            for month, evs in sorted(months.items(), key=lambda item: item[0] or 0)
        ), year_path(year))
        for year, months in sorted(years.items())
    )


def tags_of(timeline: Timeline) -> tuple[TagInfo, ...]:
    """Return every tag with its events, by name; tags with the same slug are merged."""
    merged: dict[str, tuple[str, list[tuple[Event, ...]]]] = {}
    for name, events in timeline.by_tag.items():
        merged.setdefault(tag_slug(name), (name, []))[1].append(events)
    return tuple(
        TagInfo(name, slug, _merged(groups), tag_path(slug))
        for slug, (name, groups) in sorted(merged.items(), key=lambda kv: kv[1][0].lower())
    )


def _merged(groups: list[tuple[Event, ...]]) -> tuple[Event, ...]:
    """Return the events of groups (each in timeline order) in timeline order, once each."""
    if len(groups) == 1 and len({e.slug for e in groups[0]}) == len(groups[0]):
        return groups[0]  # sorting again would cost a sort key per event: 60 ms at 10,000
    by_slug = {e.slug: e for group in groups for e in group}
    return tuple(sorted(by_slug.values(), key=Event.sort_key))


def sources_of(timeline: Timeline) -> tuple[SourceInfo, ...]:
    """Return every source (registry and inline) with the events citing it, by title."""
    by_id: dict[str, Source] = dict(timeline.sources)
    for event in timeline.events:
        for source in event.sources:
            by_id.setdefault(source.id, source)
    infos = [SourceInfo(source, timeline.by_source.get(source_id, ()), source_path(source_id))
             for source_id, source in by_id.items()]
    return tuple(sorted(infos, key=lambda i: (i.source.title.lower(), i.source.id)))


def plan_pages(timeline: Timeline) -> list[Page]:
    """Return every HTML page of the site with the data its template needs."""
    events = timeline.events
    shared, nav = _shared(timeline)
    years, tags, overview = shared["years"], shared["tags"], shared["overview"]
    sources = sources_of(timeline)
    lists = {"years", "tags", "sources"}
    pages = [Page("index.html", "index.html", {**shared, "events": events,
                                                "sources_count": len(sources)},
                  frozenset(nav | lists | ({"events"} if not overview else set())))]
    for index, group in enumerate(years):
        pages.append(Page(group.path, "year.html", {
            **shared, "year": group,
            "previous_year": years[index - 1] if index > 0 else None,
            "next_year": years[index + 1] if index + 1 < len(years) else None,
        }, frozenset(nav | {"years", f"year:{group.year}"})))
    pages.extend(_event_page(events, index, shared, nav) for index in range(len(events)))
    pages.append(Page("tags/index.html", "tags.html", shared, frozenset(nav | {"tags"})))
    for tag in tags:
        pages.append(Page(tag.path, "tag.html", {**shared, "tag": tag,
                                                   "groups": group_by_year(tag.events)},
                          frozenset(nav | {f"tag:{tag.slug}"})))
    pages.append(Page("sources/index.html", "sources.html", {**shared, "sources": sources},
                      frozenset(nav | {"sources"})))
    for info in sources:
        pages.append(Page(info.path, "source.html", {**shared, "info": info,
                                                     "groups": group_by_year(info.events)},
                          frozenset(nav | {f"source:{info.source.id}"})))
    pages.append(Page("404.html", "404.html", shared, frozenset(nav)))
    return pages


def plan_event_page(timeline: Timeline, slug: str) -> Page:
    """Return the page of one event as plan_pages plans it, without planning the others."""
    index = next(i for i, event in enumerate(timeline.events) if event.slug == slug)
    return _event_page(timeline.events, index, *_shared(timeline))


def _shared(timeline: Timeline) -> tuple[dict[str, Any], set[str]]:
    """Return the data every page gets (years, tags, tag_of, overview) and its inputs."""
    tags = tags_of(timeline)
    by_slug = {t.slug: t for t in tags}
    tag_of = {name: by_slug[tag_slug(name)] for name in timeline.by_tag}
    overview = len(timeline.events) > FULL_INDEX_LIMIT
    shared = {"years": group_by_year(timeline.events), "tags": tags, "tag_of": tag_of,
              "overview": overview}
    nav = {f"overview={overview}", "tags:names"}  # tag_of: each tag's name, slug and page
    return shared, nav


def _event_page(events: tuple[Event, ...], index: int, shared: dict[str, Any],
                nav: set[str]) -> Page:
    """Return the page of events[index], with its neighbours and its place on the timeline."""
    event = events[index]
    previous = events[index - 1] if index > 0 else None
    following = events[index + 1] if index + 1 < len(events) else None
    home = year_path(event.date.start.year) if shared["overview"] else "index.html"
    link = f"{home}#event-{event.slug}"
    return Page(event_path(event.slug), "event.html", {
        **shared, "event": event, "previous": previous, "next": following,
        "timeline_link": link,
    }, frozenset(nav | {f"event:{event.slug}", f"link={link}"}
                 | {f"event:{e.slug}" for e in (previous, following) if e is not None}
                 | {f"first={previous is None}", f"last={following is None}"}))


def input_digests(timeline: Timeline, events: Mapping[str, str]) -> Callable[[str], str]:
    """Return the function giving the digest of one page input, from each event's digest.

    Inputs: `event:<slug>` (everything of the event), `events` (all of them, in order),
    `year:<y>`, `tag:<slug>`, `source:<id>` (the events of one, in order, and the source),
    `tags`, `sources` (the lists, with their events), `years` (each year's months and
    which events each holds),
    `tags:names` (each tag's name, slug and page), and `name=value` (the value itself).
    """
    def of_events(group: tuple[Event, ...]) -> list[str]:
        return [events.get(e.slug) or os.urandom(16).hex() for e in group]

    @functools.cache
    def tag_map() -> dict[str, TagInfo]:
        return {t.slug: t for t in tags_of(timeline)}

    @functools.cache
    def source_map() -> dict[str, SourceInfo]:
        return {i.source.id: i for i in sources_of(timeline)}

    def compute(key: str) -> object:
        kind, _, name = key.partition(":")
        if "=" in key and not name:
            return key
        if kind == "event":
            return events.get(name) or os.urandom(16).hex()  # unknown: never reused
        if kind == "events":
            return of_events(timeline.events)
        if kind == "year":
            return of_events(timeline.by_year.get(int(name), ()))
        if kind == "tag":
            tag = tag_map().get(name)
            return tag and (tag.name, of_events(tag.events))
        if kind == "source":
            info = source_map().get(name)
            return info and (repr(info.source), of_events(info.events))
        if kind == "years":
            return [(g.year, g.path, [(m.label, [e.slug for e in m.events]) for m in g.months])
                    for g in group_by_year(timeline.events)]
        if kind == "tags" and name == "names":
            return [(tag, tag_slug(tag)) for tag in timeline.by_tag]
        if kind == "tags":
            return [(t.name, t.slug, of_events(t.events)) for t in tag_map().values()]
        if kind == "sources":
            return [(repr(i.source), of_events(i.events)) for i in source_map().values()]
        raise ValueError(f"unknown page input '{key}'")

    @functools.cache
    def digest(key: str) -> str:
        return hashlib.sha256(repr(compute(key)).encode("utf-8", "surrogatepass")).hexdigest()

    return digest


def page_digests(pages: list[Page], timeline: Timeline, events: Mapping[str, str],
                 templates: Mapping[str, str], settings: str) -> dict[str, str]:
    """Return the digest of each page's inputs, template (with what it includes) and
    settings, by site path."""
    digest = input_digests(timeline, events)
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
            "language": config.language, "base_url": config.base_url}
    for page in pages:
        template = env.get_template(page.template)
        absolute = page.dest == "404.html" and config.base_url is not None
        url = _url_maker(page.dest, config.base_url if absolute else None, config.pretty_urls)
        canonical = (absolute_url(config.base_url, page.dest, pretty=config.pretty_urls)
                     if config.base_url else None)
        html = template.render(page.context, site=site, page_path=page.dest, url=url,
                               canonical=canonical)
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

