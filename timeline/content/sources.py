"""Read and check sources: the registry in content/sources.yaml and inline sources."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from timeline.content.attachments import AttachmentError, attachment_path
from timeline.content.citations import KEY
from timeline.content.frontmatter import YamlDoc, load_yaml
from timeline.content.gate import read_text
from timeline.content.identifiers import IdentifierError, normalise_doi, normalise_isbn
from timeline.dates.model import DateError, DatePoint
from timeline.dates.parse import parse_date
from timeline.errors import ContentError, Report, did_you_mean
from timeline.model import Source
from timeline.site.urls import name_too_long, source_name

REGISTRY = "sources.yaml"
FIELDS = ("title", "publisher", "author", "date", "url", "archive", "accessed", "kind",
          "file", "isbn", "doi", "page", "pages", "edition", "archive_id")
# What a reader can check a source by without a link; each must hold something.
IDENTIFIERS = ("isbn", "doi", "page", "pages", "edition", "archive_id")
_NORMALISE = {"isbn": normalise_isbn, "doi": normalise_doi}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


DATE_FIELDS = ("date", "accessed")


def load_registry(content: Path, rel_content: str, report: Report, *,
                  date_order: str | None = None) -> dict[str, Source]:
    """Return the registry's sources by id; problems go to report."""
    rel = f"{rel_content}/{REGISTRY}"
    if not os.path.lexists(content / REGISTRY):
        return {}
    try:
        doc = load_yaml(read_text(content.parent, rel).text, rel, 1)
    except ContentError as error:
        report.add(error)
        return {}
    if doc.value is None:
        return {}
    if not isinstance(doc.value, dict):
        report.error(rel, doc.line(), "the sources registry must map source ids to sources")
        return {}
    sources = {}
    for source_id, entry in doc.value.items():
        try:
            sources[source_id] = parse_source(source_id, entry, doc, (source_id,), rel,
                                              content.parent, date_order=date_order)
        except ContentError as error:
            report.add(error)  # keep the id known, so citing it is not a second error
            sources[source_id] = Source(id=source_id, title=source_id, path=rel,
                                        line=doc.line(source_id))
    return sources


def parse_source(source_id: str, entry: Any, doc: YamlDoc, at: tuple[str | int, ...],
                 path: str, project: Path | None = None, *,
                 date_order: str | None = None) -> Source:
    """Return a checked Source from its YAML mapping, or raise ContentError.

    `date` and `accessed` are read as dates here, so a bad one is an error at
    its line, not text printed as it was written.

    `file` names a copy of the source kept with the timeline (a PDF, a text),
    relative to the file that declares it (path); it is published beside it.

    `isbn` and `doi` are checked and kept in one form (see timeline.content.identifiers);
    they and `page` or `pages`, `edition` and `archive_id` must not be empty.
    """
    line = doc.line(*at)
    if not KEY.match(source_id):
        raise ContentError(path, line, f"invalid source id '{source_id}': use letters, digits, "
                           "'-' and '_' (it must be citable as [@id])")
    too_long = name_too_long("source id", source_id, source_name(source_id))
    if too_long:
        raise ContentError(path, line, too_long)
    if not isinstance(entry, dict):
        raise ContentError(path, line, f"source '{source_id}' must be a mapping of fields "
                           "(title, publisher, url...)")
    values: dict[str, str] = {}
    dates: dict[str, DatePoint] = {}
    for key, value in entry.items():
        key_line = doc.line(*at, key)
        if key == "id":
            continue
        if key not in FIELDS:
            raise ContentError(path, key_line, f"unknown source field '{key}'."
                               f"{did_you_mean(key, set(FIELDS))}")
        if value is None:
            continue
        if not isinstance(value, str):
            raise ContentError(path, key_line, f"source field '{key}' must be text")
        if key in ("url", "archive") and not _URL.match(value.strip()):
            raise ContentError(path, key_line, f"{key} of source '{source_id}' must be an "
                               f"http(s) URL, not '{value}'")
        if key == "file":
            try:
                value = attachment_path("file", value.strip(), path, project, web=False)
            except AttachmentError as error:
                raise ContentError(path, key_line, f"source '{source_id}': {error}") from None
        if key in IDENTIFIERS:
            value = _identifier(source_id, key, value, path, key_line)
            if key == "pages" and "page" in entry and entry["page"] is not None:
                raise ContentError(path, key_line, f"source '{source_id}' has both page and "
                                   "pages: give one page, or pages for several")
        if key in DATE_FIELDS:
            try:
                dates[key] = parse_date(value, date_order=date_order)
            except DateError as error:
                raise ContentError(path, key_line, f"source '{source_id}': {error}") from None
            continue
        values[key] = value.strip()
    if not values.get("title"):
        raise ContentError(path, line, f"source '{source_id}' has no title")
    return Source(id=source_id, title=values["title"], publisher=values.get("publisher"),
                  author=values.get("author"), date=dates.get("date"), url=values.get("url"),
                  archive=values.get("archive"), accessed=dates.get("accessed"),
                  kind=values.get("kind"), file=values.get("file"), isbn=values.get("isbn"),
                  doi=values.get("doi"), page=values.get("page"), pages=values.get("pages"),
                  edition=values.get("edition"), archive_id=values.get("archive_id"),
                  path=path, line=line)


def _identifier(source_id: str, key: str, value: str, path: str, line: int) -> str:
    """Return an identifier field's value, checked (and for isbn and doi, normalised)."""
    if not value.strip():
        raise ContentError(path, line, f"{key} of source '{source_id}' is empty: give it, "
                           "or leave the field out")
    normalise = _NORMALISE.get(key)
    if normalise is None:
        return value
    try:
        return normalise(value)
    except IdentifierError as error:
        raise ContentError(path, line, f"{key} of source '{source_id}' {error}") from None
