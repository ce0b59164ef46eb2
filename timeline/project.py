"""Load a whole project: config, sources and every event, into one Timeline."""

from __future__ import annotations

import logging
from pathlib import Path

from timeline.config import Config, load_config
from timeline.errors import ContentError, Report
from timeline.event import parse_event
from timeline.markup import Renderer
from timeline.model import Event, Timeline
from timeline.reader import CONTENT_DIR, find_event_files, read_source_file
from timeline.sources import load_registry

log = logging.getLogger(__name__)


def load_timeline(project: Path, *, drafts: bool = False, config: Config | None = None,
                  report: Report | None = None) -> tuple[Timeline, Report]:
    """Read every file of a project and return the timeline with the problems found.

    Nothing is written. Errors do not stop the reading: every file is read so
    that all problems can be reported at once; the caller decides what to do.
    """
    report = report if report is not None else Report()
    if config is None:
        try:
            config = load_config(project)
        except ContentError as error:
            report.add(error)
            config = Config()
    content = project / CONTENT_DIR
    if not content.is_dir():
        report.error(CONTENT_DIR, 0, f"no '{CONTENT_DIR}/' folder in {project}: "
                     "put one Markdown file per event there")
        return Timeline(config, ()), report
    registry = load_registry(content, CONTENT_DIR, report)
    renderer = Renderer(unsafe_html=config.unsafe_html)
    events: list[Event] = []
    for path in find_event_files(project):
        try:
            file = read_source_file(project, path)
        except ContentError as error:
            report.add(error)
            continue
        event = parse_event(file, registry=registry, config=config, renderer=renderer,
                            report=report)
        if event is not None and (drafts or not event.draft):
            events.append(event)
    _check_unique_slugs(events, report)
    events.sort(key=Event.sort_key)
    return Timeline(config, tuple(events), registry), report


def _check_unique_slugs(events: list[Event], report: Report) -> None:
    seen: dict[str, Event] = {}
    for event in events:
        other = seen.setdefault(event.slug, event)
        if other is not event:
            report.error(event.path, 1,
                         f"duplicate slug '{event.slug}': {other.path} has it too; "
                         "give one of them a different 'slug'")
