"""Machine-readable exports: events.json, TimelineJS's timeline.json, the Atom feed, the sitemap."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from timeline.config import Config
from timeline.dates.model import DatePoint, EventDate, days_in_month
from timeline.dates.zones import Zone, resolve_zone
from timeline.model import Event, Source, Timeline
from timeline.site.urls import absolute_url, event_path

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _json(data: Any) -> bytes:
    """Return JSON text: a list with one item per line (readable in diffs, and C-fast)."""
    if isinstance(data, list):
        items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in data)
        return f"[\n{items}\n]\n".encode() if data else b"[]\n"
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def _url(slug: str, pretty: bool) -> str:
    path = event_path(slug)
    return path.removesuffix("index.html") if pretty else path


def source_json(source: Source) -> dict[str, Any]:
    """Return the public fields of a source."""
    return {"id": source.id, "title": source.title, "publisher": source.publisher,
            "author": source.author, "url": source.url, "archive": source.archive,
            "date": source.date.iso() if source.date else None, "kind": source.kind,
            "file": source.file}


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
        "path": event.path,
    }


def events_json(timeline: Timeline) -> bytes:
    """Return events.json: every event in timeline order."""
    pretty = timeline.config.pretty_urls
    return _json([event_json(e, pretty) for e in timeline.events])


def _tl_date(point: DatePoint, zone: Zone) -> dict[str, Any]:
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
        out["display_date"] = _twice_escaped(point.label())
    return out


def timelinejs_json(timeline: Timeline) -> bytes:
    """Return timeline.json in TimelineJS3's format.

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
    site_zone = resolve_zone(config.timezone)
    zone = site_zone
    events = []
    for event in timeline.events:
        item: dict[str, Any] = {
            "start_date": _tl_date(event.date.start, zone),
            "display_date": _twice_escaped(_display(event.date)),
            "text": {"headline": html.escape(event.title),
                     "text": _standalone_html(event, config)},
            "unique_id": event.slug,
        }
        if event.date.end is not None:
            item["end_date"] = _tl_date(event.date.end, zone)
        if event.tags:
            item["group"] = _twice_escaped(event.tags[0])
        if event.media is not None:
            item["media"] = {"url": event.media.src,
                             "caption": html.escape(event.media.caption or ""),
                             "credit": html.escape(event.media.credit or ""),
                             "alt": event.media.alt}
        events.append(item)
    config = timeline.config
    return _json({
        "title": {"text": {"headline": html.escape(config.title),
                           "text": html.escape(config.description)}},
        "events": events,
    })


def _twice_escaped(text: str) -> str:
    """Return text for a field that TimelineJS reads as HTML and writes back as HTML."""
    return html.escape(html.escape(text))


def _standalone_html(event: Event, config: Config) -> str:
    """Return an event's body with its source list, for use outside its own page.

    Citation links point into the event's page (absolute with base_url, else
    from the site root), and the sources follow, so '[1]' means something
    wherever TimelineJS or a feed reader shows the text.
    """
    page = (absolute_url(config.base_url, event_path(event.slug), pretty=config.pretty_urls)
            if config.base_url else event_path(event.slug))
    return event.body_html.replace('href="#source-', f'href="{html.escape(page)}#source-') + \
        _sources_html(event)


def _display(date: EventDate) -> str:
    """Return the event's own label: its zone is named, and the date parts only place it."""
    return date.label()


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
    config = timeline.config
    assert config.base_url is not None
    pretty = config.pretty_urls
    entries = [(event, _entry_updated(event)) for event in timeline.events]
    stamps = [stamp for _, stamp in entries if stamp is not None]
    if source_date_epoch is not None:
        feed_updated = _utc_text(source_date_epoch) or "1970-01-01T00:00:00Z"
    else:
        feed_updated = max(stamps, default="1970-01-01T00:00:00Z")
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
    for event, stamp in reversed(entries):
        url = absolute_url(config.base_url, event_path(event.slug), pretty=pretty)
        entry = ET.SubElement(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", event.title)
        _sub(entry, "updated", stamp or feed_updated)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                      "href": _clean_xml(url)})
        for tag in event.tags:
            ET.SubElement(entry, "category", {"term": _clean_xml(tag)})
        if event.summary:
            _sub(entry, "summary", f"{event.date.label()}: {event.summary}")
        content = ET.SubElement(entry, "content", {"type": "html", "xml:base": _clean_xml(url)})
        content.text = _clean_xml(_standalone_html(event, config))
    return _xml_bytes(feed)


def _sources_html(event: Event) -> str:
    items = "".join(
        f'<li id="{note.id}">{html.escape(note.source.title)}'
        + (f' <a href="{html.escape(note.source.url)}">{html.escape(note.source.url)}</a>'
           if note.source.url else "")
        + "</li>"
        for note in event.notes
    )
    return f"<h2>Sources</h2><ol>{items}</ol>" if items else ""


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _clean_xml(text)
    return element


def sitemap(timeline: Timeline, paths: list[str]) -> bytes:
    """Return sitemap.xml listing the pages at paths; needs base_url."""
    config = timeline.config
    assert config.base_url is not None
    urlset = ET.Element("urlset", {"xmlns": SITEMAP})
    for path in sorted(paths):
        if path == "404.html":
            continue
        loc = ET.SubElement(ET.SubElement(urlset, "url"), "loc")
        loc.text = _clean_xml(absolute_url(config.base_url, path, pretty=config.pretty_urls))
    return _xml_bytes(urlset)


def _xml_bytes(root: ET.Element) -> bytes:
    """Return an XML document in UTF-8 with its declaration, ending with a newline."""
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
