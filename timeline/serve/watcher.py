"""Watch a project's sources, and turn each burst of changes into one rebuild."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

# RustNotify is documented at https://watchfiles.helpmanual.io/api/rust_backend/
from watchfiles._rust_notify import RustNotify

from timeline.build import STATIC_DIR
from timeline.config import CONFIG_FILE
from timeline.content.gate import CONTENT_DIR
from timeline.site.theme import TEMPLATES_DIR, default_theme_dir

log = logging.getLogger(__name__)

SOURCE_DIRS = (CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR)

# Files that editors write beside the one being saved: vim's swap files and its
# "4913" probe, backups ending in ~, Emacs locks and autosaves, JetBrains and
# GNOME atomic-save files, Kate swap files, LibreOffice locks, Chrome's .crswap.
EDITOR_SUFFIXES = (".swp", ".swo", ".swx", ".swpx", "~", ".kate-swp", ".crswap",
                   "___jb_tmp___", "___jb_old___")
EDITOR_PREFIXES = (".#", ".goutputstream-", ".~lock.")
EDITOR_NAMES = (".DS_Store",)

Changes = set[Path]
MODIFIED = 2  # watchfiles.Change.modified; 1 is added, 3 deleted


def is_editor_file(name: str) -> bool:
    """Return whether a file name is an editor's temporary, swap or backup file."""
    if name.endswith(EDITOR_SUFFIXES) or name.startswith(EDITOR_PREFIXES) or name in EDITOR_NAMES:
        return True
    if name.startswith("#") and name.endswith("#"):  # Emacs autosave
        return True
    # vim tries "4913", then 5036, 5159, ... until a name is free
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


def watched_dirs(project: Path) -> list[Path]:
    """Return the folders the site is built from (resolved, existing or not), once each."""
    found = [(project / name).resolve() for name in SOURCE_DIRS] + [default_theme_dir().resolve()]
    return list(dict.fromkeys(found))


class Watcher:
    """Watch a project's sources on two threads and pass each batch of changes on.

    `content/`, `static/`, `templates/` and the default theme are watched
    recursively; the project folder itself only for `timeline.toml` and for
    those folders appearing or going (so `site/`, `.git/` and the like are never
    watched). Editor files, hidden folders and everything under `ignore` (the
    preview's own output) are left out. Watching has begun when `start` returns.
    """

    def __init__(self, project: Path, on_change: Callable[[Changes], None], *,
                 ignore: Sequence[Path] = (), step_ms: int = 5) -> None:
        self.project = project.resolve()
        self.on_change = on_change
        self.ignore = [p.resolve() for p in ignore]
        self.step_ms = step_ms
        self._roots = watched_dirs(self.project)
        self._stop = threading.Event()
        self._tree_changed = threading.Event()  # a source folder appeared or went
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Begin watching; changes from now on are reported."""
        watches: list[tuple[str, Callable[[], RustNotify | None],
                            Callable[[set[tuple[int, str]]], None], threading.Event, int]] = [
            # timeline.toml changes seldom: look at the top less often (less GIL)
            ("top", lambda: _notify([self.project], recursive=False), self._top_changes,
             threading.Event(), 5 * self.step_ms),
            ("tree", self._watch_tree, self._tree_changes, self._tree_changed, self.step_ms),
        ]
        for name, make, handle, restart, step_ms in watches:
            notify = make()  # here, not on the thread: watching has begun on return
            thread = threading.Thread(target=self._loop,
                                      args=(notify, make, handle, restart, step_ms),
                                      name=f"timeline-watch-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop watching and wait for the watching threads to end."""
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _watch_tree(self) -> RustNotify | None:
        dirs = [d for d in self._roots if d.is_dir()]
        return _notify(dirs, recursive=True) if dirs else None

    def _loop(self, notify: RustNotify | None, make: Callable[[], RustNotify | None],
              handle: Callable[[set[tuple[int, str]]], None], restart: threading.Event,
              step_ms: int) -> None:
        """Pass changes to handle until stop; start watching afresh when restart is set."""
        stop = _Either(self._stop, restart)
        while not self._stop.is_set():
            if restart.is_set():
                restart.clear()
                if notify is not None:
                    notify.close()
                try:
                    notify = make()
                except OSError as error:  # a folder went while we started watching it
                    log.debug("cannot watch yet: %s", error)
                    notify = None
            if notify is None:
                self._stop.wait(0.1)
                restart.set()
                continue
            try:
                # watchfiles.watch() would wait up to 1600 ms for a burst to end, in steps of
                # 50 ms: a tenth of a second lost before anything starts. Here a batch ends
                # after one step (5 ms) without a new event, or 10 ms after its first: a
                # save's events come within a millisecond or two, and the Debouncer's quiet
                # joins the batches of a save that straddles them.
                result = notify.watch(2 * step_ms, step_ms, 0, stop)
            except (RuntimeError, OSError) as error:  # e.g. WatchfilesRustInternalError
                log.warning("watching for changes failed (%s); watching afresh", error)
                restart.set()
                continue
            if isinstance(result, set):
                handle(result)
        if notify is not None:
            notify.close()

    def _top_changes(self, raw: set[tuple[int, str]]) -> None:
        changes = set()
        for change, name in raw:
            path = Path(name)
            if path.name in SOURCE_DIRS:
                if change != MODIFIED:
                    self._tree_changed.set()
                    changes.add(path)
            elif path.name == CONFIG_FILE:
                changes.add(path)
        if changes:
            self.on_change(changes)

    def _tree_changes(self, raw: set[tuple[int, str]]) -> None:
        changes = {Path(name) for _, name in raw if self._counts(Path(name))}
        if changes:
            self.on_change(changes)

    def _counts(self, path: Path) -> bool:
        """Return whether a change to path can change the site."""
        if is_editor_file(path.name) or any(path.is_relative_to(i) for i in self.ignore):
            return False
        for root in self._roots:
            if path.is_relative_to(root):
                return not any(p.startswith(".") for p in path.relative_to(root).parts[:-1])
        return True


class _Either:
    """An event that is set when either of two events is."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()


def _notify(dirs: list[Path], *, recursive: bool) -> RustNotify:
    paths = [str(d) for d in dirs]
    try:
        return RustNotify(paths, False, False, 300, recursive, True)
    except OSError as error:  # e.g. the inotify watch limit
        log.warning("cannot watch for changes with inotify (%s); polling every 0.3 s instead",
                    error)
        return RustNotify(paths, False, True, 300, recursive, True)


class Debouncer:
    """Run an action once per burst of changes, never two at once.

    The action starts when no change has come for `quiet` seconds (one save is
    a few events within a millisecond or two), or `max_wait` seconds after the
    first change of a burst that does not stop. Changes that arrive while the
    action runs are gathered for exactly one more run, which waits for the
    longer `busy_quiet`: a burst is under way (a checkout, a search-and-replace).
    So a burst shorter than `max_wait`, without a pause of `busy_quiet`, causes
    at most two runs.

    Why 30 ms: the watcher hands over a save's events within 5-10 ms; an editor that
    renames the old file away and writes the new one, or writes a temporary file,
    syncs it and renames it over the old one, may pause for a disk sync in between
    (milliseconds, tens on a busy disk). Splitting such a save costs a full build
    with the fast path lost; 30 ms more keeps save to served page within ~45 ms plus
    the fast path's render (serve_latency.py measures both).
    """

    def __init__(self, action: Callable[[Changes], None], *, quiet: float = 0.03,
                 busy_quiet: float = 0.3, max_wait: float = 2.0) -> None:
        self.action = action
        self.quiet = quiet
        self.busy_quiet = busy_quiet
        self.max_wait = max_wait
        self._pending: Changes = set()
        self._first = self._last = 0.0
        self._busy = False
        self._stopped = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, changes: Iterable[Path]) -> None:
        """Record changes (from any thread)."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(changes)
            self._last = now
            self._cond.notify_all()

    def start(self) -> None:
        """Run actions on a thread of their own until stop."""
        self._thread = threading.Thread(target=self.run, name="timeline-rebuild", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop; an action under way is let finish first."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()

    def run(self) -> None:
        """Wait for bursts and run the action once for each, until stop."""
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            try:
                self.action(batch)
            except Exception:  # a bug; keep watching all the same
                log.exception("rebuilding failed")
            with self._cond:
                self._busy = bool(self._pending)

    def _next_batch(self) -> Changes | None:
        with self._cond:
            while not self._stopped:
                if self._pending:
                    quiet = self.busy_quiet if self._busy else self.quiet
                    due = min(self._last + quiet, self._first + self.max_wait)
                    wait = due - time.monotonic()
                    if wait <= 0:
                        batch, self._pending = self._pending, set()
                        return batch
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None
