"""Read and check eras: named periods in content/eras.yaml, drawn as bands on the overview."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from timeline.content.frontmatter import YamlDoc, load_yaml
from timeline.content.gate import read_text
from timeline.dates.model import DateError, DatePoint, EventDate
from timeline.dates.parse import parse_date
from timeline.dates.zones import resolve_zone
from timeline.errors import ContentError, Report, did_you_mean
from timeline.model import Era

ERAS = "eras.yaml"
FIELDS = ("label", "start", "end", "colour")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def load_eras(content: Path, rel_content: str, report: Report, *, zone: str = "UTC",
              date_order: str | None = None) -> tuple[Era, ...]:
    """Return the eras of content/eras.yaml in their order (none if there is no file);
    problems go to report."""
    rel = f"{rel_content}/{ERAS}"
    if not os.path.lexists(content / ERAS):
        return ()
    try:
        doc = load_yaml(read_text(content.parent, rel).text, rel, 1)
    except ContentError as error:
        report.add(error)
        return ()
    if doc.value is None:
        return ()
    if not isinstance(doc.value, list):
        report.error(rel, doc.line(), "eras.yaml must be a list of eras, each with a label, "
                     "a start and an end")
        return ()
    eras = []
    for index, entry in enumerate(doc.value):
        try:
            eras.append(parse_era(entry, doc, index, rel, zone=zone, date_order=date_order))
        except ContentError as error:
            report.add(error)
    return tuple(eras)


def parse_era(entry: Any, doc: YamlDoc, index: int, path: str, *, zone: str = "UTC",
              date_order: str | None = None) -> Era:
    """Return a checked Era from its YAML mapping, or raise ContentError."""
    line = doc.line(index)
    if not isinstance(entry, dict):
        raise ContentError(path, line, "an era must be a mapping: label, start, end and "
                           "optionally colour")
    for key in entry:
        if key not in FIELDS:
            raise ContentError(path, doc.line(index, key), f"unknown era field '{key}'."
                               f"{did_you_mean(key, set(FIELDS))}")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ContentError(path, line, "an era needs a label (the text of its band)")
    label = label.strip()
    points: dict[str, DatePoint] = {}
    for key in ("start", "end"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(path, doc.line(index, key) if key in entry else line,
                               f"era '{label}' needs {'a start' if key == 'start' else 'an end'} "
                               "date")
        try:
            points[key] = parse_date(value, zone=zone, date_order=date_order)
        except DateError as error:
            raise ContentError(path, doc.line(index, key), f"era '{label}': {error}") from None
    start, end = points["start"], points["end"]
    offset, _ = resolve_zone(zone).at(start.year, start.month or 1, start.day or 1)
    if end.end_key(offset) <= start.start_key(offset):
        raise ContentError(path, doc.line(index, "end"),
                           f"era '{label}': end {end.iso()} is before start {start.iso()}")
    colour = entry.get("colour")
    if "colour" in entry and colour is None:
        raise ContentError(path, doc.line(index, "colour"),
                           f"colour of era '{label}' is empty: write it in quotes, "
                           "colour: \"#a11d21\" (a bare # starts a YAML comment)")
    if colour is not None and not isinstance(colour, str):
        raise ContentError(path, doc.line(index, "colour"),
                           f"colour of era '{label}' must be a hex colour in quotes, "
                           "such as \"#a11d21\"")
    if colour is not None and not _COLOUR.match(colour.strip()):
        raise ContentError(path, doc.line(index, "colour"),
                           f"colour of era '{label}' must be a hex colour such as '#a11d21' "
                           f"or '#a12', not '{colour}'")
    return Era(label, EventDate(start, end, offset), colour.strip().lower() if colour else None,
               path, line)
