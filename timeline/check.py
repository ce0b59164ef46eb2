"""`timeline check`: everything build validates, plus slower checks, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from timeline.build import copied_files, load_project, render_site
from timeline.content.links import resolve
from timeline.content.load import require_project
from timeline.errors import ContentError, Report, plural, printable
from timeline.model import Timeline
from timeline.progress import Progress
from timeline.site.urls import event_path


def check(project: Path, *, strict: bool = False, drafts: bool = False, jobs: int = 1,
          progress: Progress | None = None) -> Report:
    """Return every problem of a project; with strict, warnings count as errors."""
    return _check(project, strict=strict, drafts=drafts, jobs=jobs, progress=progress)[1]


def check_citations(project: Path, *, strict: bool = False, drafts: bool = False,
                    jobs: int = 1, progress: Progress | None = None
                    ) -> tuple[Report, Coverage]:
    """Return every problem of a project, as check does, and its citation coverage."""
    timeline, report = _check(project, strict=strict, drafts=drafts, jobs=jobs,
                              progress=progress)
    return report, citation_coverage(timeline)


def _check(project: Path, *, strict: bool, drafts: bool, jobs: int,
           progress: Progress | None) -> tuple[Timeline, Report]:
    """Return the loaded timeline of a project and every problem found in it."""
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
    if strict:
        report.promote_warnings()
    return timeline, report


@dataclass(frozen=True)
class Coverage:
    """The citation report of `check --citations`: its lines, and the figures."""

    lines: tuple[str, ...]
    cited: int
    total: int

    @property
    def share(self) -> Fraction:
        """Return the share of paragraphs cited (1 when there are none)."""
        return Fraction(self.cited, self.total) if self.total else Fraction(1)

    def below(self, minimum: Fraction) -> str | None:
        """Return why the share is below minimum, or None if it is not."""
        if self.share >= minimum:
            return None
        return (f"citations: coverage {_percent(self.cited, self.total)} is below the "
                f"minimum of {float(minimum) * 100:g}% "
                f"(--min-coverage {float(minimum):g})")


def citation_coverage(timeline: Timeline) -> Coverage:
    """Return the citation report of a timeline: each uncited paragraph, each event's
    share of cited paragraphs and whether it rests on a single source, the sources
    without an archived copy (neither `archive` nor `file`), and the whole site's share."""
    lines = []
    cited = total = 0
    for event in sorted(timeline.events, key=lambda e: e.path):
        for item in event.uncited:
            lines.append(f'{event.path}:{item.line}: uncited {item.kind}: "{item.excerpt}"')
        done = event.paragraphs - len(event.uncited)
        single = (f"; single source: '{event.notes[0].source.id}'" if len(event.notes) == 1
                  else "")
        lines.append(f"{event.path}: {_share(done, event.paragraphs)}{single}")
        cited, total = cited + done, total + event.paragraphs
    used = {s.id: s for event in timeline.events for s in event.sources}
    for source in sorted(used.values(), key=lambda s: (s.path, s.line, s.id)):
        if not (source.archive or source.file):
            lines.append(f"{source.path}:{source.line}: no archived copy: source "
                         f"'{source.id}' has neither 'archive' nor 'file'")
    lines.append(f"citations: {_share(cited, total)} in {plural(len(timeline.events), 'event')}")
    return Coverage(tuple(printable(line) for line in lines), cited, total)


def _share(cited: int, total: int) -> str:
    if not total:
        return "no paragraphs"
    return f"{cited} of {plural(total, 'paragraph')} cited ({_percent(cited, total)})"


def _percent(part: int, whole: int) -> str:
    """Return part/whole as a percentage rounded down (99.9% is not shown as 100%)."""
    return f"{100 * part // whole}%" if whole else "100%"


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
