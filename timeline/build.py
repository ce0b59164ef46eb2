"""`timeline build`: load everything, render everything, then write the site in one swap."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
import jinja2.meta

from timeline.cache import BuildRecord, Cache, digest, scan_inputs, unchanged
from timeline.config import Config, read_config
from timeline.content import gate
from timeline.content.eras import ERAS
from timeline.content.gate import CONTENT_DIR, EVENT_SUFFIX
from timeline.content.load import NOTE_LABEL, load_timeline, require_project
from timeline.content.sources import REGISTRY
from timeline.dates.locale import date_locale
from timeline.errors import (
    ContentError,
    Diagnostic,
    Report,
    TimelineError,
    UsageError,
    plural,
    printable,
)
from timeline.model import Timeline
from timeline.pool import map_slices
from timeline.progress import Progress
from timeline.site.exports import Export, Fragments, Voice, plan_exports
from timeline.site.filters import template_filters
from timeline.site.pages import Page, page_digests, plan_of, plan_pages, render_pages
from timeline.site.theme import (
    default_theme_dir,
    explain_missing,
    load_catalogue,
    make_environment,
    theme_roots,
)
from timeline.site.urls import path_key
from timeline.site.writer import (
    Content,
    Kept,
    Spooled,
    StaleSite,
    check_output,
    intact_files,
    spool_folder,
    write_site,
)

log = logging.getLogger(__name__)

ASSETS_DIR = "assets"
LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: feeds write four-digit years
STATIC_DIR = "static"


class TemplateError(TimelineError):
    """A template that is missing or fails while rendering, at a path and line if known."""

    def __init__(self, message: str, path: str | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(path, line, message) if path is not None else None

    def format(self) -> str:
        """Return 'PATH:LINE: error: MESSAGE', or 'error: MESSAGE' when no template is to blame."""
        return str(self.diagnostic) if self.diagnostic is not None else super().format()

    def __reduce__(self) -> tuple[type[TemplateError], tuple[str, str | None, int]]:
        """Pickle with the path and line (a worker process sends the error back)."""
        where = self.diagnostic
        return (type(self), (str(self), where.path if where else None,
                             where.line if where else 0))


@dataclass
class Reuse:
    """What a build may keep of the last one: each page's input digest, the output hash
    of digests rendered before, the current site's intact files; and what it rendered."""

    events: dict[str, str]  # event slug -> digest
    shas: dict[str, str]  # page digest -> SHA-256 of its output
    intact: dict[str, str]  # site path -> SHA-256 of the current site's file
    digests: dict[str, str] = field(default_factory=dict)  # site path -> page digest
    rendered: list[str] = field(default_factory=list)
    fragments: Fragments = field(default_factory=Fragments)  # the exports' entries


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the timeline, the problems found, and figures for the summary.

    rendered lists the pages rendered (the others were kept from the last build);
    parsed counts the event files parsed (the others came from the cache);
    serialised counts the entries of the exports made (the others came from the
    cache), indexed those of the search index's files (not in serialised); with
    nothing changed all are empty and the timeline is loaded only when asked for.
    """

    load: Callable[[], Timeline] = field(repr=False)
    report: Report
    pages: int
    files: int
    seconds: float
    events: int
    rendered: tuple[str, ...] = ()
    parsed: int = 0
    unchanged: bool = False
    serialised: int = 0
    indexed: int = 0

    @cached_property
    def timeline(self) -> Timeline:
        """Return the timeline built."""
        return self.load()

    def summary(self, output: Path) -> str:
        """Return the one-line summary printed after a build."""
        kept = " (nothing changed)" if self.unchanged else ""
        return (f"Built {plural(self.events, 'event')}, "
                f"{plural(self.pages, 'page')} ({plural(self.files, 'file')}) "
                f"in {self.seconds:.2f} s to {printable(str(output))}{kept}")


def build(project: Path, output: Path | None = None, *, drafts: bool = False,
          base_url: str | None = None, strict: bool = False,
          environ: Mapping[str, str] | None = None,
          bytecode_cache: jinja2.BytecodeCache | None = None,
          cache: bool = True, jobs: int = 1, progress: Progress | None = None) -> BuildResult:
    """Build the site of project into output; on any error the old site is left as it was.

    jobs > 1 parses events and renders pages of a large project in that many processes;
    progress shows the stages on a terminal.

    With cache, PROJECT/.timeline-cache keeps parsed events and page digests: unchanged
    events are not parsed, unchanged pages not rendered nor rewritten, and a build with
    nothing changed does nothing.
    """
    started = time.perf_counter()
    require_project(project)
    epoch = source_date_epoch(os.environ if environ is None else environ)
    output = output if output is not None else project / "site"
    check_output(output, project)
    options = digest(drafts, base_url, epoch)
    store = Cache.open(project, options, default_theme_dir()) if cache else None
    try:
        return _build(project, output, store, options, drafts=drafts, base_url=base_url,
                      strict=strict, epoch=epoch, bytecode_cache=bytecode_cache,
                      started=started, jobs=jobs, progress=progress)
    finally:
        if store is not None:
            store.close()


def _build(project: Path, output: Path, store: Cache | None, options: str, *, drafts: bool,
           base_url: str | None, strict: bool, epoch: int | None,
           bytecode_cache: jinja2.BytecodeCache | None, started: float, jobs: int = 1,
           progress: Progress | None = None) -> BuildResult:
    """Build with an open cache (or none): skip everything if nothing changed."""
    inputs, racy = scan_inputs(project) if store is not None else ("", {})
    record = store.last_build(output) if store is not None else None
    if (record is not None and record.inputs == inputs and unchanged(project, record.racy)
            and record.options == options and intact_files(output) == record.files):
        report = Report()
        report.diagnostics.extend(record.warnings)
        if strict and report.warnings:
            report.promote_warnings()
        report.raise_if_errors()
        return BuildResult(
            lambda: _load(project, drafts, base_url, store=None)[0], report, record.pages,
            len(record.files), time.perf_counter() - started, record.events, unchanged=True)
    events: dict[str, str] = {}
    timeline, report = _load(project, drafts, base_url, store=store, digests=events,
                             jobs=jobs, progress=progress)
    copied = copied_files(project, timeline.config, report)
    if strict and report.warnings:
        report.promote_warnings()
    report.raise_if_errors()
    reuse = None
    if store is not None:
        reuse = Reuse(events, store.page_shas(), intact_files(output),
                      fragments=Fragments(store.fragments))
    with spool_folder(output) as spool:
        files, pages = render_site(project, timeline, epoch, copied=copied,
                                   bytecode_cache=bytecode_cache, reuse=reuse, jobs=jobs,
                                   progress=progress, spool=spool)
        if progress is not None:
            progress.stage("writing", len(files))
        try:
            hashes = write_site(output, files)
        except StaleSite:  # another build replaced the site meanwhile: render everything
            reuse = Reuse(events, {}, {}, fragments=reuse.fragments if reuse else Fragments())
            files, pages = render_site(project, timeline, epoch, copied=copied,
                                       bytecode_cache=bytecode_cache, reuse=reuse, jobs=jobs,
                                       spool=spool)
            hashes = write_site(output, files)
    if progress is not None:
        progress.advance(len(files))
    if store is not None and reuse is not None:
        store.store_pages({reuse.digests[dest]: hashes[dest] for dest in reuse.digests
                           if dest in hashes})
        store.store_fragments(reuse.fragments.made, reuse.fragments.unused())
        store.save_build(output, BuildRecord(options, inputs, hashes,
                                             tuple(report.warnings), len(timeline.events),
                                             pages, racy))
    rendered = tuple(reuse.rendered) if reuse is not None else ()
    return BuildResult(lambda: timeline, report, pages, len(files),
                       time.perf_counter() - started, len(timeline.events), rendered,
                       store.misses if store is not None else len(timeline.events),
                       serialised=reuse.fragments.count - reuse.fragments.indexed
                       if reuse is not None else 0,
                       indexed=reuse.fragments.indexed if reuse is not None else 0)


def _load(project: Path, drafts: bool, base_url: str | None, *, store: Cache | None,
          digests: dict[str, str] | None = None, jobs: int = 1,
          progress: Progress | None = None) -> tuple[Timeline, Report]:
    """Load the project, with base_url (from the command line) over the config's."""
    timeline, report = load_project(project, drafts=drafts, cache=store, digests=digests,
                                    jobs=jobs, progress=progress)
    if base_url is not None:
        timeline = Timeline(timeline.config.with_base_url(base_url), timeline.events,
                            timeline.sources, timeline.eras)
    return timeline, report


def load_project(project: Path, *, drafts: bool = False, cache: Cache | None = None,
                 digests: dict[str, str] | None = None, jobs: int = 1,
                 progress: Progress | None = None) -> tuple[Timeline, Report]:
    """Load the timeline, its editor's-note label asked of the theme; problems in the report."""
    report = Report()
    config = read_config(project, report)
    label = note_label(project, config, report)
    return load_timeline(project, drafts=drafts, config=config, report=report,
                         note_label=label, cache=cache, digests=digests, jobs=jobs,
                         progress=progress)


def note_label(project: Path, config: Config, report: Report) -> str:
    """Return the heading of editor's notes in the site's language, as the theme has it."""
    try:
        label = load_catalogue(project, config.language).get(NOTE_LABEL, NOTE_LABEL)
        return label if isinstance(label, str) else NOTE_LABEL
    except ContentError as error:
        report.add(error)
        return NOTE_LABEL


def render_site(project: Path, timeline: Timeline, source_date_epoch: int | None = None, *,
                copied: dict[str, Path] | None = None,
                bytecode_cache: jinja2.BytecodeCache | None = None,
                reuse: Reuse | None = None, jobs: int = 1,
                progress: Progress | None = None,
                spool: Path | None = None) -> tuple[dict[str, Content], int]:
    """Return every file of the site (bytes, a path to copy, Spooled or Kept) and the
    number of pages.

    copied is what copied_files() found; without it the files are looked up here.
    With reuse, a page whose digest is as in the last build, and whose file in the
    current site is intact, is Kept rather than rendered. With spool (a folder from
    writer.spool_folder), rendered pages and exports are written there as they are
    made, not held in memory.
    """
    if copied is None:
        report = Report()
        copied = copied_files(project, timeline.config, report)
        report.raise_if_errors()
    catalogue = load_catalogue(project, timeline.config.language)
    locale = date_locale(timeline.config.language, catalogue)
    env = make_environment(project, language=timeline.config.language,
                           filters=template_filters(locale), bytecode_cache=bytecode_cache)
    plan = plan_of(timeline, locale)
    pages = plan_pages(timeline, plan)
    files: dict[str, Content] = {}
    files.update(copied)
    keys = {path_key(dest): dest for dest in files}  # one file where case is ignored
    clashes = sorted(keys[path_key(page.dest)] for page in pages
                     if path_key(page.dest) in keys)
    if clashes:
        raise UsageError(f"a copied file would overwrite a page: {', '.join(clashes[:5])}; "
                         "rename or move it in content/ or static/")
    todo = pages
    if reuse is not None:
        settings = digest(timeline.config, source_date_epoch,
                          catalogue)
        templates = template_digests(env, project, {page.template for page in pages})
        reuse.digests = page_digests(pages, timeline, reuse.events, templates, settings, plan)
        todo = []
        for page in pages:
            sha = reuse.shas.get(reuse.digests[page.dest])
            if sha is not None and reuse.intact.get(page.dest) == sha:
                files[page.dest] = Kept(sha)
            else:
                todo.append(page)
        reuse.rendered = [page.dest for page in todo]
    if progress is not None:
        progress.stage("rendering pages", len(todo))
    rendering = _Rendering(project, timeline, todo, bytecode_cache, spool)
    for rendered in map_slices(_environment, _render_slice, rendering, len(todo), jobs=jobs,
                               done=progress.advance if progress is not None else None):
        files.update(rendered)
    exports = plan_exports(timeline, [page.dest for page in pages], source_date_epoch,
                           reuse.events if reuse is not None else None,
                           reuse.fragments if reuse is not None else None,
                           Voice.of(locale, catalogue))
    for number, export in enumerate(exports):
        files[export.dest] = _export_file(
            export, reuse, spool / f"export-{number}" if spool is not None else None)
    return files, len(pages)


def _export_file(export: Export, reuse: Reuse | None, spooled: Path | None) -> Content:
    """Return an export's file: Kept if its inputs are as in the last build and its file is
    intact, else joined from its entries, those of unchanged events taken from the cache
    (written to spooled, if given, rather than held whole)."""
    fragments = reuse.fragments if reuse is not None else None
    if reuse is not None:
        key = export.digest()
        if key is not None:
            reuse.digests[export.dest] = key
            sha = reuse.shas.get(key)
            if sha is not None and reuse.intact.get(export.dest) == sha:
                reuse.fragments.keep(export)
                return Kept(sha)
    if spooled is None:
        return export.assemble(fragments)
    hasher = hashlib.sha256()
    with open(spooled, "wb") as file:
        for piece in export.pieces(fragments):
            file.write(piece)
            hasher.update(piece)
    return Spooled(spooled, hasher.hexdigest())


@dataclass(frozen=True)
class _Rendering:
    """What rendering the pages needs, in this process or a worker."""

    project: Path
    timeline: Timeline
    pages: list[Page]
    bytecode_cache: jinja2.BytecodeCache | None
    spool: Path | None = None  # where to write the pages, named by their index in pages


def _environment(rendering: _Rendering) -> tuple[_Rendering, jinja2.Environment]:
    """Return the input with the template environment of one process."""
    language = rendering.timeline.config.language
    env = make_environment(rendering.project, language=language,
                           filters=template_filters(date_locale(
                               language, load_catalogue(rendering.project, language))),
                           bytecode_cache=rendering.bytecode_cache)
    return rendering, env


def _render_slice(prepared: tuple[_Rendering, jinja2.Environment], start: int, stop: int
                  ) -> list[tuple[str, bytes | Spooled]]:
    """Render pages start:stop (into the spool folder, if there is one); a template error
    becomes a TemplateError here, where its traceback still names the template line."""
    rendering, env = prepared
    project = rendering.project
    try:
        rendered = render_pages(env, rendering.timeline, rendering.pages[start:stop])
        if rendering.spool is None:
            return list(rendered)
        spooled: list[tuple[str, bytes | Spooled]] = []
        for index, (dest, data) in enumerate(rendered, start):
            path = rendering.spool / str(index)
            path.write_bytes(data)
            spooled.append((dest, Spooled(path, hashlib.sha256(data).hexdigest())))
        return spooled
    except jinja2.TemplateNotFound as error:
        raise TemplateError(explain_missing(error, project)) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"template syntax: {error.message}", error.filename or "template",
                            error.lineno) from None
    except jinja2.TemplateError as error:
        raise TemplateError(str(error), *_template_line(error)) from None


def template_digests(env: jinja2.Environment, project: Path, names: set[str]
                     ) -> dict[str, str]:
    """Return a digest of each named template with every template it extends, imports or
    includes (every file of the template folders when one is named by a variable)."""
    sources: dict[str, str | None] = {}
    refs: dict[str, set[str | None]] = {}

    def visit(name: str) -> None:
        if name in sources:
            return
        try:
            text = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            sources[name] = text
            refs[name] = set(jinja2.meta.find_referenced_templates(env.parse(text)))
        except jinja2.TemplateError:  # rendering reports it
            sources[name], refs[name] = None, set()
        for ref in refs[name]:
            if ref is not None:
                visit(ref)

    found = {}
    for name in names:
        visit(name)
        chain, todo = {name}, [name]
        while todo:
            for ref in refs[todo.pop()]:
                if ref not in chain:
                    chain.add(ref)  # type: ignore[arg-type]
                    if ref is not None:
                        todo.append(ref)
        every = _theme_files(project) if None in chain else ""
        found[name] = digest(sorted((n, sources.get(n)) for n in chain if n is not None), every)
    return found


def _theme_files(project: Path) -> str:
    """Return a digest of the stat of every file in the template folders."""
    from timeline.cache import stat_key
    from timeline.site.theme import theme_dirs

    entries: list[tuple[str, object]] = []
    for top in theme_dirs(project):
        for dirpath, _dirs, names in sorted(os.walk(top)):
            entries.extend((os.path.join(dirpath, n), stat_key(os.path.join(dirpath, n)))
                           for n in sorted(names))
    return digest(entries)


def source_date_epoch(environ: Mapping[str, str]) -> int | None:
    """Return SOURCE_DATE_EPOCH from the environment, or None; a bad value is an error."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit():  # '²' and '٣' are digits to isdigit()
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                         f"1970-01-01 UTC, not '{value}'")
    if len(value.lstrip("0")) > len(str(LAST_EPOCH)) or int(value) > LAST_EPOCH:
        raise UsageError(f"SOURCE_DATE_EPOCH must be at most {LAST_EPOCH} "
                         f"(9999-12-31 23:59:59 UTC), not '{value}'")
    return int(value)


def _template_line(error: Exception) -> tuple[str, int]:
    """Return the template and line of the innermost template frame of a rendering error."""
    where = ("template", 0)
    frame = error.__traceback__
    while frame is not None:
        name = frame.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where = (name, frame.tb_lineno)
        frame = frame.tb_next
    return where


def copied_files(project: Path, config: Config, report: Report) -> dict[str, Path]:
    """Return the files copied as they are by site path: theme assets, content attachments,
    static/; each checked by the gate, problems in report (each reported once)."""
    found = Report()
    files: dict[str, Path] = {}
    try:
        roots = theme_roots(project)
    except ContentError as error:
        found.add(error)
        roots = []
    for root, folder in reversed(roots):  # the project's assets win; templates are code already
        assets = "/".join(p for p in (folder, ASSETS_DIR) if p)
        files.update(_tree(root, assets, ASSETS_DIR + "/", found, active=True))
    content = _tree(project, CONTENT_DIR, "", found, active=config.allow_active_files,
                    private=True, skip=lambda dest: dest.endswith(EVENT_SUFFIX) or
                    dest in (REGISTRY, ERAS))
    files.update(content)
    files.update(_tree(project, STATIC_DIR, "", found, active=config.allow_active_files,
                       private=False))
    seen = {(d.path, d.line, d.message) for d in report.diagnostics}
    for diagnostic in found.diagnostics:  # load walked content/ too
        if (diagnostic.path, diagnostic.line, diagnostic.message) not in seen:
            report.diagnostics.append(diagnostic)
    return files


def _tree(root: Path, folder: str, prefix: str, report: Report, *, active: bool,
          private: bool = True, skip: Callable[[str], bool] = lambda dest: False
          ) -> dict[str, Path]:
    """Return the checked files under root/folder by site path; with private, names
    starting with '.' or '_' (drafts folders, .env, editor files) are left out at any
    depth, else only folders starting with '.'; active allows HTML, SVG and scripts."""
    hidden = (".", "_") if private else (".",)
    found = {}
    for rel in gate.walk(root, folder, report, hide_dirs=hidden,
                         hide_files=hidden if private else ()):
        dest = prefix + rel.removeprefix(folder + "/")
        if skip(dest):
            continue
        try:
            path = gate.copy_source(root, rel)
            gate.check_active(rel, active)
            found[dest] = path
        except ContentError as error:
            report.add(error)
    return found
