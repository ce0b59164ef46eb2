"""The build cache: parsed events, rendered pages' digests, the exports' entries and the
last build, by content.

It lives in PROJECT/.timeline-cache/cache.sqlite (SQLite in WAL mode: every
build's additions are one transaction, so a killed build leaves the cache as
it was) and is safe to delete at any time. Everything in it is addressed by
what produced it: an event by the digest of its file, the settings and what
it looked up (titles of cross-referenced events, cited sources, attachments);
a page by the digest of its inputs; an entry of an export (events.json, the
feed...) or an event's words for the search index by the digest of its event and
of the settings it reads (one row names the events of the last search terms made).
A stat index (path, size, mtime, ctime, inode, like git's) lets unchanged files go
unread; a file changed less than RACY_NS before it was looked at is not trusted to
its stat. Any change of the tool itself (its version or any of its source or theme
files) empties it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timeline import __version__
from timeline.errors import Diagnostic
from timeline.model import Event

log = logging.getLogger(__name__)

CACHE_DIR = ".timeline-cache"
CACHE_FILE = "cache.sqlite"
SCHEMA = 1
RACY_NS = 2_000_000_000  # a file changed this close to a scan may change again unseen
PACKAGE_DIR = Path(__file__).resolve().parent
INPUT_DIRS = ("content", "templates", "static")
INPUT_FILES = ("timeline.toml",)

StatKey = tuple[int, ...]

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stat BLOB NOT NULL,
                                  info BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (key TEXT PRIMARY KEY, deps BLOB NOT NULL,
                                   event BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pages (digest TEXT PRIMARY KEY, sha TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fragments (key TEXT PRIMARY KEY, text BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS builds (output TEXT PRIMARY KEY, record BLOB NOT NULL);
"""


def digest(*parts: object) -> str:
    """Return the SHA-256 of the repr of parts (values whose repr is deterministic)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def tool_digest(theme: Path | None = None) -> str:
    """Return a digest of this timeline: its version and every file of the package and theme."""
    sha = hashlib.sha256(__version__.encode())
    for root in (PACKAGE_DIR, theme):
        if root is None:
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(dirpath, name)
                sha.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape"))
                try:
                    with open(path, "rb") as file:
                        sha.update(hashlib.sha256(file.read()).digest())
                except OSError:
                    sha.update(b"?")
    return sha.hexdigest()


def stat_key(path: Path | str) -> StatKey | None:
    """Return what identifies a file's version without reading it, or None if it is gone."""
    try:
        link = os.lstat(path)
        st = os.stat(path) if stat.S_ISLNK(link.st_mode) else link
    except OSError:
        return None
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev,
            link.st_ino, link.st_mtime_ns)


def is_racy(key: StatKey, now_ns: int) -> bool:
    """Return whether a file was changed so recently that its stat may not show the next change."""
    return max(key[2], key[7]) >= now_ns - RACY_NS  # mtimes: ctime cannot be set back


def scan_inputs(project: Path) -> tuple[str, dict[str, str]]:
    """Return a digest of the stat of every input file and folder, and the content digest
    of each racy one (changed so recently that its stat may not show the next change).

    As git does with its index: a later build may trust the stat of every other
    file, and must compare the content of these.
    """
    now = time.time_ns()
    entries: list[tuple[str, StatKey | None]] = []
    racy: dict[str, str] = {}
    for name in INPUT_FILES:
        entries.append((name, stat_key(project / name)))
    base = os.fspath(project) + os.sep
    for top in INPUT_DIRS:
        root = project / top
        entries.append((top, stat_key(root)))
        seen: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in seen:  # a symlink loop: the gate reports it
                dirnames[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirnames.sort()
            prefix = dirpath.removeprefix(base) + os.sep  # dirpath is under project
            for name in sorted(filenames) + dirnames:
                key = stat_key(dirpath + os.sep + name)
                rel = prefix + name
                if key is not None and is_racy(key, now):
                    racy[rel] = content_digest(project / rel)
                entries.append((rel, key))
    for name in INPUT_FILES:
        key = stat_key(project / name)
        if key is not None and is_racy(key, now):
            racy[name] = content_digest(project / name)
    return digest(entries), racy


def content_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes ('' for what is not a readable regular file)."""
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NONBLOCK)) as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return ""
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def unchanged(project: Path, racy: Mapping[str, str]) -> bool:
    """Tell whether every file racy at the last build still has the content it had then."""
    return all(content_digest(project / rel) == sha for rel, sha in racy.items())


@dataclass(frozen=True)
class FileInfo:
    """What the loader needs of an event file without reading it again."""

    path: str
    sha: str  # of the file as read (front matter and body)
    title: str | None
    slug: str | None
    draft: bool
    xrefs: frozenset[str]  # every `[[slug` written in it: the titles it may look up


@dataclass(frozen=True)
class BuildRecord:
    """The last good build into one output: its inputs and what it wrote."""

    options: str
    inputs: str
    files: Mapping[str, str]  # site path -> SHA-256, as in the output's manifest
    warnings: tuple[Diagnostic, ...]
    events: int
    pages: int
    racy: Mapping[str, str] = field(default_factory=dict)  # path -> content digest


@dataclass
class Cache:
    """An open cache: reads are served from memory, writes wait for commit()."""

    connection: sqlite3.Connection
    options: str
    tool: str
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, project: Path, options: str, theme: Path | None = None) -> Cache | None:
        """Open (or create) the project's cache; None, with a warning, if it cannot be used."""
        tool = tool_digest(theme)
        folder = project / CACHE_DIR
        for attempt in range(2):
            try:
                folder.mkdir(exist_ok=True)
                gitignore = folder / ".gitignore"
                if not gitignore.exists():
                    gitignore.write_text("*\n", encoding="utf-8")
                connection = sqlite3.connect(folder / CACHE_FILE, timeout=30,
                                             isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.executescript(_TABLES)
                cache = cls(connection, options, tool)
                cache._check_tool()
                return cache
            except sqlite3.DatabaseError as error:
                if attempt == 0 and not isinstance(error, sqlite3.OperationalError):
                    log.warning("the build cache is damaged (%s): starting a new one", error)
                    _remove(folder / CACHE_FILE)
                    continue
                log.warning("cannot use the build cache in %s: %s", folder, error)
            except OSError as error:
                log.warning("cannot use the build cache in %s: %s", folder, error.strerror)
            return None
        return None

    def _check_tool(self) -> None:
        """Empty the cache if it was made by another version or checkout of timeline."""
        row = self.connection.execute("SELECT value FROM meta WHERE key='tool'").fetchone()
        if row is not None and row[0] == f"{SCHEMA}:{self.tool}":
            return
        with self.transaction():
            for table in ("files", "events", "pages", "fragments", "builds", "meta"):
                self.connection.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self.connection.execute("INSERT INTO meta VALUES ('tool', ?)",
                                    (f"{SCHEMA}:{self.tool}",))

    def transaction(self) -> _Transaction:
        """Return a context that runs its statements as one transaction."""
        return _Transaction(self.connection)

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    # -- the last build ------------------------------------------------------------

    def last_build(self, output: Path) -> BuildRecord | None:
        """Return the record of the last good build into output, if any."""
        row = self.connection.execute("SELECT record FROM builds WHERE output=?",
                                      (os.path.realpath(output),)).fetchone()
        record = _unpickle(row[0]) if row else None
        return record if isinstance(record, BuildRecord) else None

    def save_build(self, output: Path, record: BuildRecord) -> None:
        """Remember a good build: its inputs, and the content of those too fresh to trust."""
        with self.transaction():
            self.connection.execute("INSERT OR REPLACE INTO builds VALUES (?, ?)",
                                    (os.path.realpath(output), pickle.dumps(record)))

    # -- files and events ------------------------------------------------------------

    def known_files(self, project: Path, paths: Iterable[str]) -> dict[str, FileInfo]:
        """Return the files whose stat is as recorded (and not racy), by path."""
        now = time.time_ns()
        rows = {path: (stat, info) for path, stat, info in
                self.connection.execute("SELECT path, stat, info FROM files")}
        found: dict[str, FileInfo] = {}
        for path in paths:
            row = rows.get(path)
            if row is None:
                continue
            key = stat_key(project / path)
            if key is None or is_racy(key, now) or pickle.dumps(key) != row[0]:
                continue
            info = _unpickle(row[1])
            if isinstance(info, FileInfo):
                found[path] = info
        return found

    def events(self, keys: Mapping[str, str]) -> dict[str, tuple[Any, Event]]:
        """Return (deps, event) of each path whose event key is cached."""
        wanted = {key: path for path, key in keys.items()}
        found: dict[str, tuple[Any, Event]] = {}
        for key, deps, blob in self.connection.execute("SELECT key, deps, event FROM events"):
            path = wanted.get(key)
            if path is None:
                continue
            event = _unpickle(blob)
            if isinstance(event, Event):
                found[path] = (_unpickle(deps), event)
        return found

    def store_load(self, project: Path, infos: Iterable[FileInfo],
                   events: Mapping[str, tuple[str, Any, Event]]) -> None:
        """Make the stat index and the events those of this load: rows that are as they
        were stay (pickling 10,000 events again would cost a second), the others go."""
        now = time.time_ns()
        files: dict[str, tuple[bytes, FileInfo]] = {}
        for info in infos:
            key = stat_key(project / info.path)
            if key is not None and not is_racy(key, now):
                files[info.path] = (pickle.dumps(key), info)
        known = dict(self.connection.execute("SELECT path, stat FROM files"))
        keys = {row[0] for row in self.connection.execute("SELECT key FROM events")}
        wanted = {key: (deps, event) for key, deps, event in events.values()}
        with self.transaction():
            self.connection.executemany("DELETE FROM files WHERE path=?",
                                        [(p,) for p in known if p not in files])
            self.connection.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                [(path, stat, pickle.dumps(info)) for path, (stat, info) in files.items()
                 if known.get(path) != stat])
            self.connection.executemany("DELETE FROM events WHERE key=?",
                                        [(k,) for k in keys if k not in wanted])
            self.connection.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?)",
                [(key, pickle.dumps(deps), pickle.dumps(event))
                 for key, (deps, event) in wanted.items() if key not in keys])

    # -- pages ---------------------------------------------------------------------

    def page_shas(self) -> dict[str, str]:
        """Return the SHA-256 of the output of every page digest known."""
        return dict(self.connection.execute("SELECT digest, sha FROM pages"))

    def store_pages(self, shas: Mapping[str, str]) -> None:
        """Replace the page digests with those of this build."""
        with self.transaction():
            self.connection.execute("DELETE FROM pages")
            self.connection.executemany("INSERT INTO pages VALUES (?, ?)", shas.items())

    # -- the exports' entries --------------------------------------------------------

    def fragments(self) -> dict[str, bytes]:
        """Return the text of every export entry known, by key."""
        return dict(self.connection.execute("SELECT key, text FROM fragments"))

    def store_fragments(self, made: Mapping[str, bytes], unused: Iterable[str]) -> None:
        """Add the entries made by this build and drop those it did not use."""
        if not made and not unused:
            return
        with self.transaction():
            self.connection.executemany("DELETE FROM fragments WHERE key=?",
                                        ((key,) for key in unused))
            self.connection.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?)",
                                        made.items())


class _Transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def _unpickle(blob: bytes) -> object:
    """Return the object pickled in blob, or None if it cannot be read (another version)."""
    try:
        return pickle.loads(blob)
    except Exception:  # a damaged or foreign row is a miss, never an error
        return None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(path) + suffix)
        except OSError:
            pass
