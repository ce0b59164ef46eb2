"""`timeline build`: load everything, render everything, then write the site in one swap."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from timeline.content.gate import CONTENT_DIR, EVENT_SUFFIX
from timeline.content.load import load_timeline, require_project
from timeline.content.sources import REGISTRY
from timeline.errors import Report, TimelineError, UsageError
from timeline.model import Timeline
from timeline.site.exports import atom_feed, events_json, sitemap, timelinejs_json
from timeline.site.filters import template_filters
from timeline.site.pages import plan_pages, render_pages
from timeline.site.theme import explain_missing, make_environment, theme_dirs
from timeline.site.urls import path_key
from timeline.site.writer import check_output, write_site

log = logging.getLogger(__name__)

ASSETS_DIR = "assets"
STATIC_DIR = "static"


class TemplateError(TimelineError):
    """A template that is missing or fails while rendering."""


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the timeline, the problems found, and figures for the summary."""

    timeline: Timeline
    report: Report
    pages: int
    files: int
    seconds: float

    def summary(self, output: Path) -> str:
        """Return the one-line summary printed after a build."""
        return (f"Built {len(self.timeline.events)} events, {self.pages} pages "
                f"({self.files} files) in {self.seconds:.2f} s to {output}")


def build(project: Path, output: Path | None = None, *, drafts: bool = False,
          base_url: str | None = None, strict: bool = False,
          environ: Mapping[str, str] | None = None,
          bytecode_cache: jinja2.BytecodeCache | None = None) -> BuildResult:
    """Build the site of project into output; on any error the old site is left as it was."""
    started = time.perf_counter()
    require_project(project)
    epoch = source_date_epoch(os.environ if environ is None else environ)
    output = output if output is not None else project / "site"
    check_output(output, project)
    timeline, report = load_timeline(project, drafts=drafts)
    if base_url is not None:
        timeline = Timeline(timeline.config.with_base_url(base_url), timeline.events,
                            timeline.sources)
    if strict and report.warnings:
        report.promote_warnings()
    report.raise_if_errors()
    files, pages = render_site(project, timeline, epoch, bytecode_cache=bytecode_cache)
    write_site(output, files)
    return BuildResult(timeline, report, pages, len(files), time.perf_counter() - started)


def render_site(project: Path, timeline: Timeline, source_date_epoch: int | None = None, *,
                bytecode_cache: jinja2.BytecodeCache | None = None
                ) -> tuple[dict[str, bytes | Path], int]:
    """Return every file of the site (bytes, or a path to copy) and the number of pages."""
    env = make_environment(project, language=timeline.config.language,
                           filters=template_filters(), bytecode_cache=bytecode_cache)
    pages = plan_pages(timeline)
    files: dict[str, bytes | Path] = {}
    files.update(_copied(project))
    copied = {path_key(dest): dest for dest in files}  # one file where case is ignored
    clashes = sorted(copied[path_key(page.dest)] for page in pages
                     if path_key(page.dest) in copied)
    if clashes:
        raise UsageError(f"a copied file would overwrite a page: {', '.join(clashes[:5])}; "
                         "rename or move it in content/ or static/")
    try:
        files.update(render_pages(env, timeline, pages))
    except jinja2.TemplateNotFound as error:
        raise TemplateError(explain_missing(error, project)) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{error.filename}:{error.lineno}: error: template syntax: "
                            f"{error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{_template_line(error)}: error: {error}") from None
    files["events.json"] = events_json(timeline)
    files["timeline.json"] = timelinejs_json(timeline)
    if timeline.config.base_url is not None:
        files["feed.xml"] = atom_feed(timeline, source_date_epoch)
        files["sitemap.xml"] = sitemap(timeline, [page.dest for page in pages])
    return files, len(pages)


def source_date_epoch(environ: Mapping[str, str]) -> int | None:
    """Return SOURCE_DATE_EPOCH from the environment, or None; a bad value is an error."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.strip().isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                         f"1970-01-01 UTC, not '{value}'")
    return int(value)


def _template_line(error: Exception) -> str:
    """Return 'TEMPLATE:LINE' of the innermost template frame of a rendering error."""
    where = "template"
    frame = error.__traceback__
    while frame is not None:
        name = frame.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where = f"{name}:{frame.tb_lineno}"
        frame = frame.tb_next
    return where


def _copied(project: Path) -> dict[str, Path]:
    """Return the files copied as they are: theme assets, content attachments, static/."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs(project)):  # the project's assets win
        files.update(_tree(theme / ASSETS_DIR, ASSETS_DIR + "/", private=True))
    content = _tree(project / CONTENT_DIR, "", private=True)
    files.update((dest, path) for dest, path in content.items()
                 if not dest.endswith(EVENT_SUFFIX) and dest != REGISTRY)
    files.update(_tree(project / STATIC_DIR, "", private=False))
    return files


def _tree(folder: Path, prefix: str, *, private: bool) -> dict[str, Path]:
    """Return the files under folder by site path; with private, names starting with
    '.' or '_' (drafts folders, .env, editor files) are left out at any depth."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        hidden = rel.parts if private else rel.parts[:-1]
        if not path.is_file() or any(p.startswith((".", "_") if private else ".")
                                     for p in hidden):
            continue
        found[prefix + rel.as_posix()] = path
    return found
