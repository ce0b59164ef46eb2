"""Read a TimelineJS3 timeline, its JSON or the CSV of its Google Sheet template, as
slides: the cells of the sheet's columns, numbered as the user sees them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.content import gate
from timeline.errors import ContentError
from timeline.site.sheet import unguard_cell


@dataclass(frozen=True)
class Slide:
    """One slide of a TimelineJS timeline, its cells as text, wherever it came from."""

    number: int  # the sheet's row number (header = 1), or the place in the JSON list from 1
    cells: Mapping[str, str]  # by the sheet's column names

    def get(self, column: str) -> str:
        """Return a cell's text, stripped; "" when empty or absent."""
        return (self.cells.get(column) or "").strip()


def read_slides(path: Path) -> tuple[list[Slide], list[Slide], Slide | None]:
    """Return a file's event slides, era slides and title slide, from JSON or sheet CSV."""
    try:  # through the gate: a FIFO, a device or a huge file is refused, not read
        text = gate.read_text(path.parent, path.name).text
    except ContentError as error:
        where = error.diagnostic
        raise ContentError(str(path), where.line, where.message) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _json_slides(path, text)
    return _csv_slides(path, text)


def _json_slides(path: Path, text: str) -> tuple[list[Slide], list[Slide], Slide | None]:
    """Return the slides of TimelineJS's JSON format."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ContentError(str(path), error.lineno, f"invalid JSON: {error.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("events", []), list):
        raise ContentError(str(path), 1, "not a TimelineJS file: expected an object with a "
                           "list of 'events'")
    events = [_json_cells(e) for e in data.get("events", [])]
    eras = [_json_cells(e, "era") for e in data.get("eras", []) or []]
    title = _json_cells(data["title"], "title") if isinstance(data.get("title"), dict) else None
    return ([Slide(n, cells) for n, cells in enumerate(events, 1)],
            [Slide(n, cells) for n, cells in enumerate(eras, 1)],
            Slide(0, title) if title is not None else None)


def _json_cells(item: Any, kind: str = "") -> dict[str, str]:
    """Return a JSON slide as the sheet's cells."""
    if not isinstance(item, dict):
        return {}
    cells: dict[str, str] = {"Type": kind}
    for prefix, key in (("", "start_date"), ("End ", "end_date")):
        date = item.get(key)
        if isinstance(date, dict):
            for part in ("Year", "Month", "Day"):
                cells[prefix + part] = _cell(date.get(part.lower()))
            hour = _cell(date.get("hour"))
            if hour:
                parts = [hour, _cell(date.get("minute")) or "0", _cell(date.get("second"))]
                cells[prefix + "Time"] = ":".join(p.zfill(2) for p in parts if p)
    text = _mapping(item.get("text"))
    media = _mapping(item.get("media"))
    cells.update({"Headline": _cell(text.get("headline")), "Text": _cell(text.get("text")),
                  "Display Date": _cell(item.get("display_date")),
                  "Group": _cell(item.get("group")), "Media": _cell(media.get("url")),
                  "Media Credit": _cell(media.get("credit")),
                  "Media Caption": _cell(media.get("caption")),
                  "Alt Text": _cell(media.get("alt"))})
    return cells


def _mapping(value: Any) -> dict[str, Any]:
    """Return value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _cell(value: Any) -> str:
    """Return a JSON value as a cell's text."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return str(value)


def _csv_slides(path: Path, text: str) -> tuple[list[Slide], list[Slide], Slide | None]:
    """Return the slides of the sheet template's CSV; rows are numbered as in the sheet."""
    rows = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in rows.fieldnames or []]
    if "Year" not in header or "Headline" not in header:
        raise ContentError(str(path), 1, "not a TimelineJS sheet: the first row must name "
                           "its columns, with Year and Headline among them")
    rows.fieldnames = header
    events: list[Slide] = []
    eras: list[Slide] = []
    title = None
    for number, row in enumerate(rows, 2):
        cells = {name: unguard_cell(name, value or "") for name, value in row.items()
                 if isinstance(name, str) and isinstance(value, str)}
        if not any(value.strip() for value in cells.values()):
            continue
        slide = Slide(number, cells)
        kind = slide.get("Type").lower()
        if kind == "title" and title is None:
            title = slide
        elif kind == "era":
            eras.append(slide)
        else:
            events.append(slide)
    return events, eras, title
