"""Load a whole project: config, sources and every event, into one Timeline."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.config import Config, read_config
from timeline.content.eras import load_eras
from timeline.content.event import parse_event
from timeline.content.gate import (
    CONTENT_DIR,
    SourceFile,
    find_event_files,
    folder,
    read_source_file,
)
from timeline.content.links import XREF, resolve
from timeline.content.markup import Renderer
from timeline.content.sources import load_registry
from timeline.errors import ContentError, Diagnostic, Report, UsageError
from timeline.model import Event, Source, Timeline
from timeline.pool import map_slices
from timeline.progress import Progress
from timeline.site.urls import event_path, path_key, slug_of_path, source_path

if TYPE_CHECKING:
    from timeline.cache import Cache, FileInfo

log = logging.getLogger(__name__)

NOTE_LABEL = "Editor's note"  # the English label, and its key in a theme's catalogue


def require_project(project: Path) -> None:
    """Refuse a project folder that does not exist (a usage error, not a content error)."""
    if not project.is_dir():
        raise UsageError(f"no project folder at {project}")


def load_timeline(project: Path, *, drafts: bool = False, config: Config | None = None,
                  report: Report | None = None, note_label: str = NOTE_LABEL,
                  cache: Cache | None = None, digests: dict[str, str] | None = None,
                  jobs: int = 1, progress: Progress | None = None
                  ) -> tuple[Timeline, Report]:
    """Read every file of a project and return the timeline with the problems found.

    note_label is the heading of editor's notes in the site's language (the
    caller asks the theme). Nothing is written. Errors do not stop the reading:
    every file is read so that all problems can be reported at once; the caller
    decides what to do. With a cache, unchanged files are not read and their
    events not parsed again; digests then receives the cache key of each event
    by slug (what the event's pages depend on). With jobs > 1, a large project's
    events are parsed in that many processes (timeline.pool), with the same result.
    """
    report = report if report is not None else Report()
    if config is None:
        config = read_config(project, report)
    try:
        content = folder(project, CONTENT_DIR)
    except ContentError as error:
        report.add(error)
        return Timeline(config, ()), report
    if content is None:
        report.error(CONTENT_DIR, 0, f"no '{CONTENT_DIR}/' folder in {project}: "
                     "put one Markdown file per event there")
        return Timeline(config, ()), report
    registry = load_registry(project / CONTENT_DIR, CONTENT_DIR, report,
                             date_order=config.date_order)
    eras = load_eras(project / CONTENT_DIR, CONTENT_DIR, report, zone=config.timezone,
                     date_order=config.date_order)
    progress = progress if progress is not None else Progress(None)
    rels = find_event_files(project, report)
    progress.stage("reading", len(rels))
    known = cache.known_files(project, rels) if cache is not None else {}
    read: dict[str, SourceFile] = {}
    infos: list[FileInfo] = []
    for rel in rels:
        progress.advance()
        if rel in known:
            infos.append(known[rel])
            continue
        try:
            read[rel] = read_source_file(project, rel)
            infos.append(_file_info(read[rel]))
        except ContentError as error:
            report.add(error)
    titles, unpublished = _titles(infos, drafts)
    context = _context(cache, config, note_label, drafts)
    keys = {info.path: _digest(info.sha, context) for info in infos}
    hits = cache.events(keys) if cache is not None else {}
    parsed: dict[str, Event | None] = {}
    for info in infos:
        hit = hits.get(info.path)
        if hit is not None and _deps_value(project, hit[0], titles, unpublished,
                                           registry) == hit[0][-1]:
            parsed[info.path] = hit[1]
    if cache is not None:
        cache.hits, cache.misses = len(parsed), len(infos) - len(parsed)
    todo: list[SourceFile] = []
    for info in infos:
        if info.path in parsed:
            continue
        try:
            todo.append(read[info.path] if info.path in read
                        else read_source_file(project, info.path))
        except ContentError as error:
            report.add(error)
    progress.stage("rendering Markdown", len(todo))
    parsing = _Parsing(todo, registry, config, titles, note_label, unpublished, project)
    done = iter(todo)
    for events_of_slice, diagnostics in map_slices(_renderer, _parse_slice, parsing, len(todo),
                                                   jobs=jobs, done=progress.advance):
        report.diagnostics.extend(diagnostics)
        for event in events_of_slice:
            parsed[next(done).path] = event
    events = [e for e in (parsed.get(i.path) for i in infos)
              if e is not None and (drafts or not e.draft)]
    if cache is not None:
        blamed = {d.path for d in report.diagnostics}
        good = {}
        for info in infos:
            event = parsed.get(info.path)
            if event is not None and info.path not in blamed:
                deps = _deps(project, info, event, titles, unpublished, registry)
                good[info.path] = (keys[info.path], deps, event)
                if digests is not None:
                    digests[event.slug] = _digest(keys[info.path], deps[-1])
            elif event is not None and digests is not None:
                digests[event.slug] = os.urandom(16).hex()  # not cached: always rendered
        cache.store_load(project, infos, good)
    _check_unique_slugs(events, project, read, report)
    _check_unique_pages(registry, events, report)
    events.sort(key=Event.sort_key)
    return Timeline(config, tuple(events), registry, eras), report


def parse_one(file: SourceFile, *, registry: Mapping[str, Source], config: Config,
              titles: Mapping[str, str], note_label: str, project: Path,
              unpublished: frozenset[str] = frozenset()) -> tuple[Event | None, list[Diagnostic]]:
    """Parse one event file as load_timeline does; return its event (None: not valid)
    and its problems."""
    parsing = _Parsing([file], registry, config, dict(titles), note_label, unpublished, project)
    events, diagnostics = _parse_slice(_renderer(parsing), 0, 1)
    return events[0], diagnostics


@dataclass(frozen=True)
class _Parsing:
    """What parsing the events needs: the files, and what every event is checked against."""

    files: list[SourceFile]
    registry: Mapping[str, Source]
    config: Config
    titles: dict[str, str]
    note_label: str
    unpublished: frozenset[str]
    project: Path


def _renderer(parsing: _Parsing) -> tuple[_Parsing, Renderer]:
    """Return the input with the Markdown renderer of one process."""
    config = parsing.config
    return parsing, Renderer(unsafe_html=config.unsafe_html, pretty_urls=config.pretty_urls,
                             titles=parsing.titles, note_label=parsing.note_label)


def _parse_slice(prepared: tuple[_Parsing, Renderer], start: int, stop: int
                 ) -> tuple[list[Event | None], list[Diagnostic]]:
    """Parse files start:stop; return their events (None: not valid) and their problems."""
    parsing, renderer = prepared
    report = Report()
    events = [parse_event(file, registry=parsing.registry, config=parsing.config,
                          renderer=renderer, report=report, project=parsing.project,
                          unpublished=parsing.unpublished)
              for file in parsing.files[start:stop]]
    return events, report.diagnostics


def _titles(files: list[FileInfo], drafts: bool) -> tuple[dict[str, str], frozenset[str]]:
    """Return the title of every published event by slug, and the slugs left unpublished."""
    titles: dict[str, str] = {}
    unpublished: set[str] = set()
    for file in files:
        slug = file.slug if file.slug is not None else slug_of_path(file.path)
        if file.draft and not drafts:
            unpublished.add(slug)
        else:
            titles.setdefault(slug, file.title if file.title is not None else slug)
    return titles, frozenset(unpublished)


def _file_info(file: SourceFile) -> FileInfo:
    """Return what the cache keeps of an event file: its digest, title, slug, draft flag."""
    from timeline.cache import FileInfo

    meta = file.meta.value if isinstance(file.meta.value, dict) else {}
    title, slug = meta.get("title"), meta.get("slug")
    xrefs = frozenset(m.group("slug").strip() for m in XREF.finditer(file.body))
    return FileInfo(file.path, hashlib.sha256(pickle.dumps(file, protocol=5)).hexdigest(),
                    title if isinstance(title, str) else None,
                    slug if isinstance(slug, str) else None, meta.get("draft") == "true",
                    xrefs)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _context(cache: Cache | None, config: Config, note_label: str, drafts: bool) -> str:
    """Return the digest of what every event's parse depends on besides its file."""
    return _digest(cache.options if cache is not None else "", config, note_label, drafts)


def _deps(project: Path, info: FileInfo, event: Event, titles: Mapping[str, str],
          unpublished: frozenset[str], registry: Mapping[str, Source]) -> tuple[Any, ...]:
    """Return what an event's parse looked up besides its file, and the digest of its values."""
    page = event_path(event.slug)
    shown = {resolve(page, link.target) for link in event.links}  # body images' sizes
    files = sorted({s.file for s in event.sources if s.file}
                   | ({event.media.src} if event.media is not None else set())
                   | {f for f in shown if f is not None and not f.startswith("../")})
    deps = (sorted(info.xrefs), sorted({s.id for s in event.sources}), files)
    return (*deps, _deps_value(project, (*deps, ""), titles, unpublished, registry))


def _deps_value(project: Path, deps: tuple[Any, ...], titles: Mapping[str, str],
                unpublished: frozenset[str], registry: Mapping[str, Source]) -> str:
    """Return the digest of the current values of what an event looked up."""
    from timeline.cache import stat_key

    xrefs, ids, files = deps[0], deps[1], deps[2]
    return _digest([(s, titles.get(s), s in unpublished) for s in xrefs],
                   [registry.get(i) for i in ids],
                   [stat_key(project / CONTENT_DIR / f) for f in files])


def _check_unique_slugs(events: list[Event], project: Path, files: dict[str, SourceFile],
                        report: Report) -> None:
    seen: dict[str, Event] = {}
    for event in events:
        other = seen.setdefault(event.slug, event)
        if other is not event:
            file = files.get(event.path) or read_source_file(project, event.path)
            meta = file.meta
            line = meta.line("slug") if "slug" in meta.value else 1
            same_name = unicodedata.normalize("NFC", other.path) == unicodedata.normalize(
                "NFC", event.path)
            hint = (" (the two file names differ only in how their accents are encoded)"
                    if same_name else "")
            report.error(event.path, line,
                         f"duplicate slug '{event.slug}': {other.path} has it too{hint}; "
                         "give one of them a different 'slug'")


def _check_unique_pages(registry: Mapping[str, Source], events: list[Event],
                        report: Report) -> None:
    """Report sources whose pages would be one file on some file systems.

    Ids that differ only in case (Smith, smith) or Unicode normalisation, and an
    id whose hashed page name equals another id, would overwrite each other's
    page; each side is reported at its own line, naming the other. (Event and
    tag slugs are folded to one case and form already, and equal ones reported
    or merged.)
    """
    by_key: dict[str, dict[str, Source]] = {}
    for source in [*registry.values(), *(s for e in events for s in e.sources)]:
        by_key.setdefault(path_key(source_path(source.id)), {}).setdefault(source.id, source)
    for same in by_key.values():
        if len(same) < 2:
            continue
        sides = sorted(same.values(), key=lambda s: (s.path, s.line))
        paths = sorted({source_path(s.id) for s in sides})
        where = (f"{' and '.join(paths)} are one file where names ignore case or accents "
                 "(macOS, Windows)" if len(paths) > 1 else paths[0])
        for source in sides:
            others = ", ".join(f"source '{o.id}' ({o.path}:{o.line})"
                               for o in sides if o is not source)
            report.error(source.path, source.line, f"source '{source.id}' has the same page "
                         f"as {others}: {where}; rename one of them")
