"""Turn one read event file into an Event: check its fields, parse its date, cite its sources."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.config import Config
from timeline.content.attachments import (
    AttachmentError,
    attachment_path,
    attachment_size,
    body_image_size,
)
from timeline.content.citations import Citation, scan_citations
from timeline.content.claims import cite_claims, read_claims
from timeline.content.coverage import find_paragraphs, uncited
from timeline.content.frontmatter import kind_of
from timeline.content.gate import SourceFile
from timeline.content.limits import check_text
from timeline.content.links import relative_links, scan_xrefs
from timeline.content.markup import Renderer
from timeline.content.sources import parse_source
from timeline.dates.model import DateError, EventDate
from timeline.dates.parse import parse_event_date
from timeline.dates.zones import resolve_zone
from timeline.errors import ContentError, Report, did_you_mean
from timeline.model import Event, Media, Note, Source
from timeline.site.urls import SLUG, event_path, name_too_long, slug_of_path, slugify, tag_slug

FIELDS = ("title", "date", "end", "slug", "timezone", "tags", "location", "summary",
          "draft", "note", "sources", "media", "updated", "claims")
MEDIA_FIELDS = ("src", "alt", "caption", "credit")
TEXT_FIELDS = ("title", "summary", "location", "note", "alt", "caption", "credit")


@dataclass
class _Fields:
    """Typed access to one file's front matter; every problem goes to the report."""

    file: SourceFile
    report: Report

    def line(self, *at: str | int) -> int:
        return self.file.meta.line(*at)

    def error(self, message: str, *at: str | int) -> None:
        self.report.error(self.file.path, self.line(*at), message)

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.file.meta.value.get(name)
        if value is None:
            if required:
                self.error(f"missing required field '{name}'", name)
            return None
        if not isinstance(value, str):
            self.error(f"'{name}' must be text, not a {kind_of(value)}", name)
            return None
        if required and not value.strip():
            self.error(f"'{name}' must not be empty", name)
            return None
        return value.strip()

    def text_list(self, name: str) -> list[str]:
        value = self.file.meta.value.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            self.error(f"'{name}' must be a list, e.g. {name}: [{value}]", name)
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"'{name}' must be a list of text items", name)
            return []
        return [v.strip() for v in value if v.strip()]

    def flag(self, name: str) -> bool:
        value = self.file.meta.value.get(name)
        if value in (None, "false"):
            return False
        if value == "true":
            return True
        self.error(f"'{name}' must be true or false, not {value!r}", name)
        return False


def parse_event(file: SourceFile, *, registry: Mapping[str, Source], config: Config,
                renderer: Renderer, report: Report, project: Path | None = None,
                unpublished: frozenset[str] = frozenset()) -> Event | None:
    """Return the Event of a file, or None after reporting its errors."""
    errors_before = len(report.errors)
    meta = file.meta.value
    if not isinstance(meta, dict):
        report.error(file.path, file.meta.line(),
                     "front matter must be a mapping of fields (title: ..., date: ...)")
        return None
    for name in meta:
        if name not in FIELDS:
            report.warn(file.path, file.meta.line(name),
                        f"unknown field '{name}' is ignored.{did_you_mean(name, set(FIELDS))}")
    for at, comment in file.meta.comments.items():
        if at and at[-1] in TEXT_FIELDS:
            report.warn(file.path, file.meta.line(*at),
                        f"'{at[-1]}' ends where '#{comment}' begins: YAML reads ' #' as "
                        f"the start of a comment. Quote the value to keep the whole text")
    fields = _Fields(file, report)
    title = fields.text("title", required=True)
    slug = _slug(fields)
    zone = _zone(fields, config)
    date = _date(fields, zone, config)
    updated = _updated(fields, zone, config)
    tags = fields.text_list("tags")
    _check_tag_names(fields)
    location = fields.text("location")
    summary = fields.text("summary")
    draft = fields.flag("draft")
    note = fields.text("note")
    media = _media(fields, project)
    listed = _listed_sources(fields, registry, slug or "event", project, config.date_order)
    available = {**registry, **{s.id: s for s in listed}}
    citations = scan_citations(file.body, file.body_line)
    _check_citations(file.path, [(c, c.line) for c in citations], available, report)
    if note:
        raw = meta["note"]
        lead = len(raw) - len(raw.lstrip())
        _check_citations(file.path, [
            (c, file.meta.text_line(("note",), raw, c.offset + lead))
            for c in scan_citations(note, fields.line("note"))], available, report)
    claims = read_claims(file.meta, file.path, available, zone=zone,
                         date_order=config.date_order, report=report)
    _check_xrefs(file, renderer.titles, unpublished, report)
    _check_limits(file, note, fields, report)
    if len(report.errors) > errors_before or title is None or date is None or slug is None:
        return None
    page = event_path(slug)
    rendered = renderer.render(file.body, known=available.__contains__, page=page,
                               size=functools.partial(body_image_size, page=page,
                                                      project=project))
    numbering = rendered.numbering
    noted = (renderer.render(note, known=available.__contains__, numbering=numbering,
                             page=page, note=True) if note else None)
    claims = cite_claims(claims, numbering)
    for source in listed:
        numbering.add_uncited(source.id)
    paragraphs = find_paragraphs(file.body, file.body_line, citations)
    notes = tuple(
        Note(number, available[source_id], tuple(numbering.anchors.get(source_id, ())),
             tuple(numbering.places.get(source_id, ())))
        for source_id, number in numbering.numbers.items()
    )
    return Event(
        slug=slug, title=title, date=date, path=file.path, body_html=rendered.html,
        summary=summary or rendered.summary, tags=tuple(dict.fromkeys(tags)),
        location=location, notes=notes,
        editor_note=noted.html if noted else None,
        editor_notes=rendered.notes + (noted.notes if noted else ()),
        media=media, draft=draft, updated=updated,
        links=relative_links(file.body, file.body_line),
        paragraphs=len(paragraphs), uncited=uncited(file.body, paragraphs),
        claims=claims,
    )


def _check_limits(file: SourceFile, note: str | None, fields: _Fields, report: Report) -> None:
    """Refuse a body or editor's note too long in a line or nested too deeply to render."""
    for excess in check_text(file.body, file.body_line):
        report.error(file.path, excess.line, excess.message)
    for excess in check_text(note or "", 0):  # a YAML value: its own line is the one to name
        fields.error(f"'note': {excess.message}", "note")


def _slug(fields: _Fields) -> str | None:
    written = fields.text("slug")
    if written is None:
        stem = fields.file.path.rsplit("/", 1)[-1].removesuffix(".md")
        slug = slug_of_path(fields.file.path)
        if not slug:
            fields.error(f"cannot make a slug from the file name '{stem}': add a 'slug' field")
            return None
        too_long = name_too_long("slug", slug, slug)
        if too_long:
            fields.report.error(fields.file.path, 1,
                                f"{too_long} by renaming the file or giving a 'slug'")
            return None
        return slug
    if not SLUG.match(written):
        fields.error(f"invalid slug '{written}': use lower-case letters, digits and hyphens "
                     f"(e.g. '{slugify(written) or 'my-event'}')", "slug")
        return None
    too_long = name_too_long("slug", written, written)
    if too_long:
        fields.error(too_long, "slug")
        return None
    return written


def _check_tag_names(fields: _Fields) -> None:
    """Report tags whose page would need a file name too long for file systems."""
    value = fields.file.meta.value.get("tags")
    if not isinstance(value, list):
        return
    for index, name in enumerate(value):
        if isinstance(name, str) and name.strip():
            too_long = name_too_long("tag", name.strip(), tag_slug(name.strip()))
            if too_long:
                fields.error(too_long, "tags", index)


def _zone(fields: _Fields, config: Config) -> str:
    zone = fields.text("timezone")
    if zone is None:
        return config.timezone
    try:
        resolve_zone(zone)
    except DateError as error:
        fields.error(str(error), "timezone")
        return config.timezone
    return zone


def _date(fields: _Fields, zone: str, config: Config) -> EventDate | None:
    start = fields.text("date", required=True)
    end = fields.text("end")
    if start is None:
        return None
    if end is not None:  # check `date` alone first: what is left is the fault of `end`
        try:
            parse_event_date(start, zone=zone, date_order=config.date_order)
        except DateError as error:
            fields.error(str(error), "date")
            return None
    try:
        return parse_event_date(start, end, zone=zone, date_order=config.date_order)
    except DateError as error:
        fields.error(str(error), "end" if end is not None else "date")
        return None


def _updated(fields: _Fields, zone: str, config: Config) -> EventDate | None:
    text = fields.text("updated")
    if text is None:
        return None
    try:
        return parse_event_date(text, zone=zone, date_order=config.date_order)
    except DateError as error:
        fields.error(str(error), "updated")
        return None


def _media(fields: _Fields, project: Path | None) -> Media | None:
    value = fields.file.meta.value.get("media")
    if value is None:
        return None
    if not isinstance(value, dict):
        fields.error("'media' must be a mapping with src and alt", "media")
        return None
    for key, item in value.items():
        if key not in MEDIA_FIELDS:
            fields.error(f"unknown media field '{key}'.{did_you_mean(key, set(MEDIA_FIELDS))}",
                         "media", key)
        elif not isinstance(item, str):
            fields.error(f"media '{key}' must be text", "media", key)
    if not isinstance(value.get("src"), str) or not value["src"].strip():
        fields.error("media needs a 'src'", "media")
        return None
    if not isinstance(value.get("alt"), str) or not value["alt"].strip():
        fields.error("media needs 'alt' text describing it for readers who cannot see it",
                     "media")
        return None
    src = _media_src(fields, value["src"].strip(), project)
    if src is None:
        return None
    width, height = attachment_size(src, project) or (None, None)
    return Media(src=src, alt=value["alt"].strip(),
                 caption=_opt(value.get("caption")), credit=_opt(value.get("credit")),
                 width=width, height=height)


def _media_src(fields: _Fields, src: str, project: Path | None) -> str | None:
    """Return media's site path (src is relative to the event file), or a web URL as is."""
    try:
        return attachment_path("media src", src, fields.file.path, project)
    except AttachmentError as error:
        message = str(error)
        fields.error(f"media {message}" if message.startswith("file") else message,
                     "media", "src")
        return None


def _opt(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _listed_sources(fields: _Fields, registry: Mapping[str, Source], slug: str,
                    project: Path | None, date_order: str | None) -> list[Source]:
    value = fields.file.meta.value.get("sources")
    if value is None:
        return []
    if not isinstance(value, list):
        fields.error("'sources' must be a list of source ids or sources", "sources")
        return []
    listed = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            if item in registry:
                listed.append(registry[item])
            else:
                fields.error(f"unknown source '{item}'.{did_you_mean(item, set(registry))}",
                             "sources", index)
        elif isinstance(item, dict):
            source_id = item.get("id") if isinstance(item.get("id"), str) else None
            if source_id in registry:
                fields.error(f"inline source '{source_id}' has the id of a source in the "
                             "registry: list the id alone, or give this source another id",
                             "sources", index)
                continue
            inline_id = source_id or f"{slug}-{index + 1}"
            try:
                listed.append(parse_source(inline_id, item, fields.file.meta,
                                           ("sources", index), fields.file.path, project,
                                           date_order=date_order))
            except ContentError as error:
                fields.report.add(error)  # keep the id known, so citing it is not a second
                listed.append(Source(id=inline_id, title=inline_id,  # error
                                     path=fields.file.path,
                                     line=fields.file.meta.line("sources", index)))
        else:
            fields.error("each source must be an id or a mapping", "sources", index)
    return listed


def _check_citations(path: str, citations: list[tuple[Citation, int]],
                     available: Mapping[str, Source], report: Report) -> None:
    for citation, line in citations:
        for cite in citation.cites:
            if cite.id not in available:
                report.error(path, line, f"unknown source '@{cite.id}'."
                             f"{did_you_mean(cite.id, set(available))}")


def _check_xrefs(file: SourceFile, titles: Mapping[str, str], unpublished: frozenset[str],
                 report: Report) -> None:
    for link in scan_xrefs(file.body, file.body_line):
        if link.target in unpublished:
            report.error(file.path, link.line, f"'[[{link.target}]]' is a draft: it is not "
                         "published without --drafts, so the link would lead nowhere")
        elif link.target not in titles:
            report.error(file.path, link.line, f"unknown event '[[{link.target}]]'."
                         f"{did_you_mean(link.target, set(titles))}")
