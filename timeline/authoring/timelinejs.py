"""Import a TimelineJS3 timeline (its JSON, or the CSV of its Google Sheet template) as
event files, eras and the site title."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count, product
from pathlib import Path
from typing import Any

import yaml

from timeline.authoring.markdown_writer import escape_markdown, markdown_of_html, text_of_html
from timeline.authoring.slide import Slide, read_slides
from timeline.config import load_config
from timeline.dates.locale import DateLocale, date_locale
from timeline.dates.model import DateError, EventDate
from timeline.dates.parse import parse_event_date
from timeline.errors import ContentError, Report
from timeline.site.sheet import TAGS_COLUMN
from timeline.site.theme import load_catalogue
from timeline.site.urls import slugify

log = logging.getLogger(__name__)

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*([ap])?\.?\s*m?\.?$",
                   re.IGNORECASE)
_QUALIFIERS = ("", "~", "?", "%")


@dataclass
class Imported:
    """What an import wrote, and the problems it met."""

    written: list[Path] = field(default_factory=list)
    events: int = 0
    report: Report = field(default_factory=Report)


class _RowError(Exception):
    """A slide that cannot be imported, and why."""

def _year(text: str) -> int:
    """Return the astronomical year of a TimelineJS year, which has no year 0."""
    cleaned = re.sub(r"[\s,]+", "", text)
    if not re.fullmatch(r"-?\d+", cleaned):
        raise _RowError(f"year must be a whole number such as 2023 or -44 (44 BCE), "
                        f"not '{text}'")
    year = int(cleaned)
    if year == 0:
        raise _RowError("there is no year 0 in TimelineJS: -1 is 1 BCE, 1 is AD 1")
    return year + 1 if year < 0 else year


def _part(text: str, name: str, low: int, high: int) -> int | None:
    """Return a month or day number, None if empty."""
    if not text:
        return None
    cleaned = re.sub(r"[\s,]+", "", text)
    if not cleaned.isdigit() or not low <= int(cleaned) <= high:
        raise _RowError(f"{name} must be {low}-{high}, not '{text}'")
    return int(cleaned)


def _time(text: str) -> str:
    """Return a sheet's time (14:30, 2:30 PM, 14:30:15) as hh:mm or hh:mm:ss."""
    match = _TIME.match(text)
    if not match:
        raise _RowError(f"time must be written as hh:mm or hh:mm:ss, not '{text}'")
    hour, minute, second, half = match.groups()
    value = int(hour)
    if half:
        if not 1 <= value <= 12:
            raise _RowError(f"hour must be 1-12 with AM or PM, not '{text}'")
        value = value % 12 + (12 if half.lower() == "p" else 0)
    out = f"{value:02d}:{minute or '00'}"
    return out + f":{second}" if second else out


def _point(slide: Slide, prefix: str) -> str | None:
    """Return one end of a slide's date in our ISO form, None when it has no year."""
    year_text = slide.get(prefix + "Year")
    if not year_text:
        if any(slide.get(prefix + part) for part in ("Month", "Day", "Time")):
            raise _RowError(f"{prefix}Month, {prefix}Day or {prefix}Time without "
                            f"{prefix}Year")
        return None
    year = _year(year_text)
    month = _part(slide.get(prefix + "Month"), prefix + "Month", 1, 12)
    day = _part(slide.get(prefix + "Day"), prefix + "Day", 1, 31)
    time = slide.get(prefix + "Time")
    if day is not None and month is None:
        raise _RowError(f"{prefix}Day without {prefix}Month")
    if time and day is None:
        raise _RowError(f"{prefix}Time needs a {prefix}Day")
    text = f"Y{year}" if abs(year) > 9999 else (f"-{-year:04d}" if year < 0 else f"{year:04d}")
    if month is not None and abs(year) > 9999:
        raise _RowError(f"a year beyond 9999 takes no month or day: '{year_text}'")
    if month is not None:
        text += f"-{month:02d}"
    if day is not None:
        text += f"-{day:02d}"
    if time:
        text += "T" + _time(time)
    return text


def slide_date(slide: Slide, zone: str, locale: DateLocale | None = None
               ) -> tuple[str, str | None, EventDate]:
    """Return a slide's date (and end) as written in front matter, and as read.

    TimelineJS has no qualifiers: when the display date is the label of the date made
    approximate (~), uncertain (?) or both (%) at either end, in English or in the
    project's language (locale), the date takes them.
    """
    start = _point(slide, "")
    if start is None:
        raise _RowError("no Year: every TimelineJS slide but the title needs one")
    end = _point(slide, "End ")
    display = text_of_html(slide.get("Display Date"))
    first: tuple[str, str | None, EventDate] | None = None
    for marks in product(_QUALIFIERS, _QUALIFIERS if end is not None else ("",)):
        date = start + marks[0]
        stop = end + marks[1] if end is not None else None
        try:
            parsed = parse_event_date(date, stop, zone=zone)
        except DateError as error:
            if first is None:  # the date as written: its error is the slide's
                raise _RowError(str(error)) from None
            continue
        if first is None:
            first = (date, stop, parsed)
        if not display or display in (parsed.label(), parsed.label(locale)):
            return date, stop, parsed
    assert first is not None
    return first


def slide_event(slide: Slide, zone: str, locale: DateLocale | None = None
                ) -> tuple[dict[str, Any], str, list[str]]:
    """Return an event's front matter and body, and warnings, from a slide."""
    title = text_of_html(slide.get("Headline"))
    if not title:
        raise _RowError("no Headline: an event needs a title")
    date, end, parsed = slide_date(slide, zone, locale)
    meta: dict[str, Any] = {"title": title, "date": date}
    if end is not None:
        meta["end"] = end
    tags = [t.strip() for t in text_of_html(slide.get(TAGS_COLUMN)).split(",") if t.strip()]
    group = text_of_html(slide.get("Group"))
    if not tags and group:
        tags = [group]
    if tags:
        meta["tags"] = list(dict.fromkeys(tags))
    warnings: list[str] = []
    media = slide.get("Media")
    if media:
        if re.match(r"^https?://\S+$", media, re.IGNORECASE):
            caption = text_of_html(slide.get("Media Caption"))
            alt = slide.get("Alt Text") or caption or title
            meta["media"] = {"src": media, "alt": alt}
            if caption:
                meta["media"]["caption"] = caption
            credit = text_of_html(slide.get("Media Credit"))
            if credit:
                meta["media"]["credit"] = credit
        else:
            warnings.append("media left out: only an http(s) address of an image is kept, "
                            f"not '{media[:60]}'")
    display = text_of_html(slide.get("Display Date"))
    if display and display != parsed.label():
        meta["note"] = escape_markdown(f"TimelineJS display date: {display}")
    return meta, markdown_of_html(slide.get("Text")), warnings


def event_file(meta: Mapping[str, Any], body: str) -> str:
    """Return an event file: YAML front matter written by yaml.safe_dump, then the body."""
    front = yaml.safe_dump(dict(meta), allow_unicode=True, sort_keys=False, width=88)
    return f"---\n{front}---\n{body}"


def _eras_yaml(eras: list[dict[str, str]]) -> str:
    """Return content/eras.yaml for eras."""
    text: str = yaml.safe_dump(eras, allow_unicode=True, sort_keys=False, width=88)
    return text


def toml_string(text: str) -> str:
    """Return text as a TOML basic string."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _write_new(path: Path, text: str) -> Path:
    """Write a file that must not exist yet; return it."""
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return path


def _free_path(content: Path, slug: str) -> Path:
    """Return content/<slug>.md, or <slug>-2.md, -3... when taken."""
    for number in count(1):
        name = slug if number == 1 else f"{slug}-{number}"
        path = content / f"{name}.md"
        if not path.exists():
            return path
    raise AssertionError("unreachable")


def import_timelinejs(source: Path, project: Path, zone: str = "UTC",
                      locale: DateLocale | None = None) -> Imported:
    """Write one event file per slide of source into project/content, the eras into
    content/eras.yaml and the title into timeline.toml; collect the slides that fail."""
    events, eras, title = read_slides(source)
    result = Imported()
    name = str(source)
    content = project / "content"
    content.mkdir(parents=True, exist_ok=True)
    for slide in events:
        try:
            meta, body, warnings = slide_event(slide, zone, locale)
        except _RowError as error:
            result.report.error(name, slide.number, str(error))
            continue
        for warning in warnings:
            result.report.warn(name, slide.number, warning)
        slug = slugify(meta["title"])[:80].strip("-") or "event"
        result.written.append(_write_new(_free_path(content, slug), event_file(meta, body)))
        result.events += 1
    _import_eras(eras, content, name, zone, result, locale)
    if title is not None:
        _import_title(title, project, name, result)
    return result


def _import_eras(eras: list[Slide], content: Path, name: str, zone: str,
                 result: Imported, locale: DateLocale | None = None) -> None:
    """Write the era slides into content/eras.yaml, unless it exists."""
    found: list[dict[str, str]] = []
    for slide in eras:
        try:
            label = text_of_html(slide.get("Headline"))
            if not label:
                raise _RowError("an era needs a Headline (its label)")
            start, end, _ = slide_date(slide, zone, locale)
            if end is None:
                raise _RowError(f"era '{label}' needs an End Year")
        except _RowError as error:
            result.report.error(name, slide.number, str(error))
            continue
        found.append({"label": label, "start": start, "end": end})
    if not found:
        return
    path = content / "eras.yaml"
    if path.exists():
        for slide in eras:
            result.report.error(name, slide.number, "content/eras.yaml exists: the era is not "
                                "imported, so as not to overwrite it; add it there by hand")
        return
    result.written.append(_write_new(path, _eras_yaml(found)))


def _import_title(slide: Slide, project: Path, name: str, result: Imported) -> None:
    """Write the title slide into timeline.toml, unless the project has one."""
    path = project / "timeline.toml"
    headline = text_of_html(slide.get("Headline"))
    if not headline:
        return
    if path.exists():
        result.report.warn(name, slide.number, "timeline.toml exists: the title slide is not "
                           "imported, so as not to overwrite it")
        return
    text = f"title = {toml_string(headline)}\n"
    description = text_of_html(slide.get("Text"))
    if description:
        text += f"description = {toml_string(description)}\n"
    result.written.append(_write_new(path, text))


def run_import(source: Path, project: Path) -> Imported:
    """Import source into project, times read in the project's zone and display dates in
    its language too; a file that cannot be read at all is the one problem reported."""
    try:
        config = load_config(project)
        locale = date_locale(config.language, load_catalogue(project, config.language))
        return import_timelinejs(source, project, config.timezone, locale)
    except ContentError as error:
        result = Imported()
        result.report.add(error)
        return result
