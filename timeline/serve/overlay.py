"""Serve's fast path: render the pages of edited event files at once, ahead of the build.

A save of one event file at 10,000 events takes the incremental build about a
second or more; the edited event's own page needs only that file parsed and one
page rendered, with the last good build's timeline around it. Whatever this
cannot settle (a file added, deleted, invalid, renamed to another slug, made a
draft; anything but an event file) is left to the full build, which runs after
it in any case and is the only one that reports errors.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import jinja2

from timeline.build import note_label
from timeline.content.gate import CONTENT_DIR, EVENT_SUFFIX, read_source_file, relative
from timeline.content.load import parse_one
from timeline.dates.locale import date_locale
from timeline.errors import Report, Severity, TimelineError
from timeline.model import Event, Timeline
from timeline.serve.preview import MemoryBytecodeCache
from timeline.site.filters import template_filters
from timeline.site.pages import plan_event_page, render_pages
from timeline.site.theme import load_catalogue, make_environment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """The last good build as the fast path needs it: its timeline, templates and label."""

    timeline: Timeline
    env: jinja2.Environment
    note_label: str
    slugs: dict[str, str]  # event file (content/...md) -> its event's slug


class QuickPages:
    """Keep the last good build's timeline; render the pages of edited event files from it."""

    def __init__(self, project: Path, *, drafts: bool = False,
                 bytecode_cache: jinja2.BytecodeCache | None = None) -> None:
        self.project = project
        self.drafts = drafts
        self.bytecode_cache = bytecode_cache or MemoryBytecodeCache()  # shared with the build
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def update(self, timeline: Timeline) -> None:
        """Remember the timeline of a build that succeeded."""
        language = timeline.config.language
        locale = date_locale(language, load_catalogue(self.project, language))
        env = make_environment(self.project, language=language,
                               filters=template_filters(locale),
                               bytecode_cache=self.bytecode_cache)
        label = note_label(self.project, timeline.config, Report())
        slugs = {event.path: event.slug for event in timeline.events}
        if timeline.events:  # load the templates now, not on the first save
            with contextlib.suppress(Exception):  # the next build reports it
                list(render_pages(env, timeline, [plan_event_page(timeline,
                                                                  timeline.events[0].slug)]))
        with self._lock:
            self._snapshot = Snapshot(timeline, env, label, slugs)

    def forget(self) -> None:
        """Drop the timeline: the next change goes through the full build only."""
        with self._lock:
            self._snapshot = None

    def render(self, changes: set[Path]) -> dict[str, bytes] | None:
        """Return the new pages of the edited event files by site path, or None when only
        the full build can tell (the snapshot then stays as it was)."""
        with self._lock:
            snapshot = self._snapshot
        if snapshot is None or not changes:
            return None
        root = self.project.resolve()
        timeline = snapshot.timeline
        slugs = []
        for path in sorted(changes):
            if _temporary(path, changes):
                continue
            rel = relative(root, path)
            if not rel.startswith(CONTENT_DIR + "/") or not rel.endswith(EVENT_SUFFIX):
                return None  # not an event file: the registry, an attachment, a template...
            slug = snapshot.slugs.get(rel)
            if slug is None:
                return None  # a new file, or one that was not published
            event = self._parse(rel, timeline, snapshot.note_label)
            if event is None or event.slug != slug:
                return None
            timeline = _replace(timeline, event)
            slugs.append(slug)
        try:
            pages = [plan_event_page(timeline, slug) for slug in slugs]
            return dict(render_pages(snapshot.env, timeline, pages))
        except Exception as error:  # a template error: the full build reports it
            log.debug("fast path: rendering failed (%s)", error)
            return None

    def _parse(self, rel: str, timeline: Timeline, label: str) -> Event | None:
        """Return the event of one file as the build parses it, or None if it has errors
        or would not be published."""
        try:
            file = read_source_file(self.project, rel)
        except TimelineError:
            return None
        titles = {event.slug: event.title for event in timeline.events}
        # Drafts left out are not in the timeline: a link to one is then "unknown", an
        # error, and the full build reports what it really is.
        event, diagnostics = parse_one(file, registry=timeline.sources, config=timeline.config,
                                       titles=titles, note_label=label,
                                       project=self.project)
        if event is None or any(d.severity is Severity.ERROR for d in diagnostics):
            return None
        if event.draft and not self.drafts:
            return None
        return event


def _temporary(path: Path, changes: set[Path]) -> bool:
    """Tell whether path is the temporary file of a save among changes: gone already, and
    named after an event file saved with it (an editor wrote strike.md.tmp1234, then
    renamed it to strike.md)."""
    return (not path.name.endswith(EVENT_SUFFIX) and not os.path.lexists(path)
            and any(other.parent == path.parent and other.name.endswith(EVENT_SUFFIX)
                    and path.name.startswith(other.name) for other in changes))


def _replace(timeline: Timeline, event: Event) -> Timeline:
    """Return timeline with its event of event's slug replaced by event, at event's place
    in the order (load sorts by Event.sort_key)."""
    events = [e for e in timeline.events if e.slug != event.slug]
    events.insert(bisect.bisect_left(events, event.sort_key(), key=Event.sort_key), event)
    return Timeline(timeline.config, tuple(events), timeline.sources, timeline.eras)
