"""`timeline check`: everything build validates, plus slower checks, writing nothing."""

from __future__ import annotations

from pathlib import Path

from timeline.build import copied_files, load_project, render_site
from timeline.content.linkrot import Fetch, Link, check_links
from timeline.content.links import resolve
from timeline.content.load import require_project
from timeline.errors import ContentError, Report
from timeline.model import Timeline
from timeline.progress import Progress
from timeline.site.urls import event_path


def check(project: Path, *, strict: bool = False, drafts: bool = False, jobs: int = 1,
          progress: Progress | None = None, links: bool = False, timeout: float = 10.0,
          fetch: Fetch | None = None) -> Report:
    """Return every problem of a project; with strict, warnings count as errors.

    With links, every source's external URL is requested (see timeline.content.linkrot).
    """
    require_project(project)
    timeline, report = load_project(project, drafts=drafts, jobs=jobs, progress=progress)
    _check_sources(timeline, report)
    copied = copied_files(project, timeline.config, report)
    if not report.errors:
        try:
            files, _ = render_site(project, timeline, copied=copied, jobs=jobs,
                                   progress=progress)
        except ContentError as error:  # a template the gate refused
            report.add(error)
        else:
            _check_body_links(timeline, set(files), report)
    if links:
        report.diagnostics.extend(check_links(_source_links(timeline), fetch, timeout=timeout))
    if strict:
        report.promote_warnings()
    return report


def _check_sources(timeline: Timeline, report: Report) -> None:
    """Warn about events without sources, unused sources, sources nobody can find (no link,
    copy or identifier) and links without an archive."""
    cited = {source.id for event in timeline.events for source in event.sources}
    for event in timeline.events:
        if not event.notes:
            report.warn(event.path, 1, "no source: cite one with [@id] or list it in 'sources'")
        for note in event.notes:
            source = note.source
            if source.path == event.path and source.url and not source.archive:
                report.warn(event.path, source.line, f"source '{source.id}' has a url but no "
                            "archive: add an archived copy so the source stays checkable")
    for source in timeline.sources.values():
        if source.id not in cited:
            report.warn(source.path, source.line, f"source '{source.id}' is cited nowhere")
        if source.url and not source.archive:
            report.warn(source.path, source.line, f"source '{source.id}' has a url but no "
                        "archive: add an archived copy so the source stays checkable")
        if not (source.url or source.archive or source.file or source.isbn or source.doi
                or source.archive_id):
            report.warn(source.path, source.line, f"source '{source.id}' has no url, archive, "
                        "file, isbn, doi or archive_id: readers cannot check it (add a copy "
                        "with 'file' if you can)")


def _check_body_links(timeline: Timeline, site_files: set[str], report: Report) -> None:
    """Report relative links in event bodies that point at nothing in the site."""
    for event in timeline.events:
        page = event_path(event.slug)
        for link in event.links:
            target = resolve(page, link.target)
            if target is not None and target not in site_files:
                report.error(event.path, link.line,
                             f"broken link '{link.target}': nothing at {target} in the site")


def _source_links(timeline: Timeline) -> list[Link]:
    """Return the URL of every source with one: the registry's, then events' own."""
    sources = {(source.path, source.line, source.id): source
               for source in timeline.sources.values()}
    for event in timeline.events:
        for source in event.sources:
            sources.setdefault((source.path, source.line, source.id), source)
    return [Link(source.path, source.line, source.id, source.url, source.archive)
            for source in sources.values() if source.url]
