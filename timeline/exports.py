"""Machine-readable exports of a timeline: events.json and TimelineJS's timeline.json."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from timeline.dates import ZONE_ABBREVIATIONS, DatePoint, EventDate
from timeline.model import Event, Source, Timeline
from timeline.urls import event_path


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _url(slug: str, pretty: bool) -> str:
    path = event_path(slug)
    return path.removesuffix("index.html") if pretty else path


def source_json(source: Source) -> dict[str, Any]:
    """Return the public fields of a source."""
    return {"id": source.id, "title": source.title, "publisher": source.publisher,
            "author": source.author, "url": source.url, "archive": source.archive,
            "date": source.date, "kind": source.kind}


def event_json(event: Event, pretty: bool = False) -> dict[str, Any]:
    """Return one event as the object events.json holds."""
    date = event.date.to_json()
    return {
        "slug": event.slug,
        "title": event.title,
        "url": _url(event.slug, pretty),
        "date": {"start": date["start"], "end": date["end"]},
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


def _tl_date(point: DatePoint, zone: tzinfo) -> dict[str, Any]:
    """Return a TimelineJS date object; times are converted to the site's zone."""
    names = ("month", "day", "hour", "minute", "second")
    values = [getattr(point, name) for name in names]
    if point.hour is not None and point.offset is not None:
        moment = datetime(point.year, point.month or 1, point.day or 1, point.hour,
                          point.minute or 0, point.second or 0,
                          tzinfo=timezone(timedelta(minutes=point.offset))).astimezone(zone)
        values = [moment.month, moment.day, moment.hour, moment.minute,
                  moment.second if point.second is not None else None]
        year = moment.year
    else:
        year = point.year
    out: dict[str, Any] = {"year": year if year > 0 else year - 1}
    out.update((name, value) for name, value in zip(names, values) if value is not None)
    return out


def timelinejs_json(timeline: Timeline) -> bytes:
    """Return timeline.json in TimelineJS3's format.

    TimelineJS reads date parts in the viewer's local time with no zone, so
    times are exported in the site's zone, and display_date says which. Its
    years have no year 0 (-44 is 44 BCE), so astronomical years are shifted.
    """
    zone_name = timeline.config.timezone
    zone = _tzinfo(zone_name)
    events = []
    for event in timeline.events:
        item: dict[str, Any] = {
            "start_date": _tl_date(event.date.start, zone),
            "display_date": _display(event.date, zone_name),
            "text": {"headline": event.title, "text": event.body_html},
            "unique_id": event.slug,
        }
        if event.date.end is not None:
            item["end_date"] = _tl_date(event.date.end, zone)
        if event.tags:
            item["group"] = event.tags[0]
        if event.media is not None:
            item["media"] = {"url": event.media.src, "caption": event.media.caption or "",
                             "credit": event.media.credit or "", "alt": event.media.alt}
        events.append(item)
    config = timeline.config
    return _json({
        "title": {"text": {"headline": config.title, "text": config.description}},
        "events": events,
    })


def _tzinfo(name: str) -> tzinfo:
    """Return a tzinfo for an IANA zone name or a known abbreviation."""
    if name in ZONE_ABBREVIATIONS:
        return timezone(timedelta(minutes=ZONE_ABBREVIATIONS[name]), name)
    return ZoneInfo(name)


def _display(date: EventDate, zone_name: str) -> str:
    label = date.label()
    if date.start.hour is not None:
        return f"{label} (times in {zone_name})"
    return label
