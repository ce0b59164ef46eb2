"""Write a site into an output folder it owns through a manifest.

A whole site is written to a staging folder beside the output and swapped in with one
rename; an incremental build that changes few files patches the site in place instead
(see patch.py). The manifest inside the output lists every file the build wrote: those
are replaced by the next build; a user's dot-entry at the root (`.git/`, `.well-known/`)
stays untouched; anything else the build did not write makes it refuse. A lock on the
output's parent folder keeps two builds apart, so whatever a killed build left beside
the output can be recognised and removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType

from timeline.errors import TimelineError, UsageError
from timeline.site import patch
from timeline.site.manifest import (
    LEGACY_MARKER,
    MANIFEST,
    MANIFEST_FORMAT,
    SPOOL_LOCK,
    Content,
    Kept,
    Spooled,
    StaleSite,
    intact_files,
    manifest_json,
    plan,
    recorded,
    remove_stale,
    safe_join,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, stale folders are kept
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_RENAME_EXCHANGE = 2
# Patch a site in place when at most this share of its files change. Patching costs in
# proportion to the changes, the swap about the same whatever they are (benchmarks/
# write_site.py, 12,000 pages, a loaded 2-core machine, CPU seconds: 0.1% changed 0.30
# patched against 2.2 swapped, 10% 0.58 against 3.5, 50% 2.6 against 4.1, 90% 3.3 against
# 4.5). Past half, patching saves less than 40% and would give up the swap's one step,
# in which readers see the old site or the new one, never a mix.
PATCH_SHARE = 0.5

__all__ = ["LEGACY_MARKER", "MANIFEST", "Content", "Interrupted", "Kept", "Spooled",
           "StaleSite", "check_output", "intact_files", "safe_join", "spool_folder",
           "write_site"]


class Interrupted(TimelineError):
    """A build stopped by SIGINT or SIGTERM whose previous handler did not end it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"the build was interrupted by {signal.Signals(signum).name}")
        self.exit_code = 128 + signum


def check_output(output: Path, project: Path) -> None:
    """Refuse an output folder that a build could damage; clear what killed builds left."""
    out = output.resolve()
    proj = project.resolve()
    if proj.is_relative_to(out):
        raise UsageError(f"refusing to write the site to {output}: it is the project "
                         "folder or contains it")
    for name in ("content", "templates", "static"):
        if out.is_relative_to(proj / name):
            raise UsageError(f"refusing to write the site to {output}: it is inside {name}/")
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to write the site to {output}: it is a file")
    if out.parent.is_dir():
        _require_writable(out, output)
        with _locked(out.parent):
            remove_stale(out)
            plan(out, output, None)


@contextmanager
def spool_folder(output: Path) -> Iterator[Path | None]:
    """Yield a folder beside output (so on its file system) for the files a build renders,
    which write_site then moves into the site: a site of 100,000 pages is never held in
    memory. The folder is locked while the build runs and removed after it, or by the
    next build's remove_stale if this one is killed. None if it cannot be made."""
    folder = Path(os.path.realpath(output))
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _locked(folder.parent):  # remove_stale runs under this lock too
            spool = Path(tempfile.mkdtemp(prefix=f".{folder.name}-spool-", dir=folder.parent))
            fd = os.open(spool / SPOOL_LOCK, os.O_CREAT | os.O_RDWR, 0o600)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new: nobody else has it
    except OSError as error:
        log.debug("no spool folder beside %s: %s", output, error)
        yield None
        return
    with _SignalGuard():  # SIGTERM ends the build through this finally, not past it
        try:
            yield spool
        finally:
            shutil.rmtree(spool, ignore_errors=True)
            os.close(fd)


def write_site(output: Path, files: Mapping[str, Content]) -> dict[str, str]:
    """Write files (bytes, a path to copy, or Kept) as the new site at output, all or
    nothing; return the SHA-256 of each file by site path.

    A file whose content the current site already has, unchanged, keeps its mtime and
    inode: it is left in place by a patch, hard-linked (or copied) into a new site by a
    swap. A build killed while patching leaves a site the next build repairs. A symlinked
    output is followed: the site replaces the link's target, the link stays. Raise
    StaleSite if a Kept file is not in the current site any more.
    """
    folder = Path(os.path.realpath(output))
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise UsageError(f"cannot write the site to {output}: permission denied creating "
                         f"{folder.parent}") from None
    _require_writable(folder, output)
    with _locked(folder.parent), _SignalGuard() as guard:
        with guard.uninterrupted():
            remove_stale(folder)
        guard.check()
        carried = plan(folder, output, files)
        current = intact_files(folder)
        stale = [dest for dest, content in files.items()
                 if isinstance(content, Kept) and current.get(dest) != content.sha]
        if stale:
            raise StaleSite(f"{stale[0]} changed in {output} since the build began")
        hashes = _hashes(files)
        changed, removed, old = _patchable(folder, files, hashes, current)
        staging: Path | None = None
        try:
            with guard.uninterrupted():
                staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-",
                                                dir=folder.parent))
            guard.check()
            if old is not None:
                staged = patch.stage(staging, files, changed)
                with guard.uninterrupted():
                    patch.apply(folder, staging, staged, removed, hashes, *old)
                    previous = staging  # emptied
            else:
                _write(staging, files, folder, current, hashes)
                with guard.uninterrupted():
                    previous = _swap_in(staging, folder, carried)
            staging = None
        except PermissionError as error:
            _discard(guard, staging)
            raise UsageError(f"cannot write the site to {output}: {error.strerror}: "
                             f"{error.filename}") from None
        except BaseException:
            _discard(guard, staging)
            raise
        with guard.uninterrupted():
            shutil.rmtree(previous, ignore_errors=True)
    return hashes


def _patchable(folder: Path, files: Mapping[str, Content], hashes: Mapping[str, str],
               current: Mapping[str, str]) -> tuple[
                   list[str], list[str], tuple[list[str], dict[str, list[int]]] | None]:
    """Return the files to write and to remove, and the manifest's files and stats, when
    the site at folder is better patched in place than replaced (else None for these).

    An incremental build (one that keeps files) over a site of our manifest is patched
    when at most PATCH_SHARE of its files change; past that the swap costs little more
    and shows the new site in one step.
    """
    if not any(isinstance(content, Kept) for content in files.values()):
        return [], [], None
    old = recorded(folder)
    if old is None:
        return [], [], None
    changed, removed = patch.changes(hashes, current, old[0])
    if len(changed) + len(removed) > PATCH_SHARE * len(files):
        return [], [], None
    try:
        for dest in removed:
            safe_join(folder, dest)
    except UsageError:  # a manifest naming a path outside: replace the site instead
        return [], [], None
    return changed, removed, old


def _hashes(files: Mapping[str, Content]) -> dict[str, str]:
    """Return the SHA-256 of each file's content."""
    hashes: dict[str, str] = {}
    for dest in sorted(files):
        content = files[dest]
        if isinstance(content, Kept | Spooled):
            hashes[dest] = content.sha
        elif isinstance(content, Path):
            hashes[dest] = _file_sha(content)
        else:
            hashes[dest] = hashlib.sha256(content).hexdigest()
    return hashes


def _discard(guard: _SignalGuard, staging: Path | None) -> None:
    """Remove an unfinished staging folder without being cut short by a signal."""
    if staging is not None:
        with guard.uninterrupted():
            shutil.rmtree(staging, ignore_errors=True)


def _write(staging: Path, files: Mapping[str, Content], current_site: Path,
           current: Mapping[str, str], hashes: Mapping[str, str]) -> None:
    """Write the manifest first (so a killed build's folder can be told apart), then the
    files, linking those current_site has unchanged; then the manifest with hashes."""
    manifest: dict[str, object] = {"generator": "timeline", "format": MANIFEST_FORMAT,
                                   "files": sorted(files)}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    made: set[Path] = set()
    stats: dict[str, list[int]] = {}
    for dest in sorted(files):
        target = safe_join(staging, dest)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        content = files[dest]
        if current.get(dest) == hashes[dest]:
            _link(safe_join(current_site, dest), target)
        elif isinstance(content, Spooled):
            os.replace(content.path, target)
        elif isinstance(content, Path):
            shutil.copyfile(content, target)
        elif isinstance(content, Kept):
            raise StaleSite(f"{dest} is not in the current site any more")
        else:
            target.write_bytes(content)
        st = os.lstat(target)
        stats[dest] = [st.st_size, st.st_mtime_ns, st.st_ino]
    (staging / MANIFEST).write_text(manifest_json(files, hashes, stats), encoding="utf-8")
    os.chmod(staging, 0o755)


def _link(source: Path, target: Path) -> None:
    """Hard-link source at target; copy it (with its mtime) where links are not possible."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target)


def _file_sha(path: Path) -> str:
    """Return the SHA-256 of a file's content."""
    sha = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _require_writable(folder: Path, output: Path) -> None:
    """Refuse an output whose parent (or the output itself) this user cannot change."""
    for path in (folder.parent, folder):
        if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write the site to {output}: {path} is not writable")


# -- swapping ------------------------------------------------------------------------


def _swap_in(staging: Path, folder: Path, carried: list[str]) -> Path:
    """Put staging in folder's place, carrying the user's dot-entries over; return the
    folder now holding the old site. On failure the old site is left as it was."""
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return staging  # gone: nothing to remove
    moved: list[str] = []
    try:
        for name in carried:
            os.rename(folder / name, staging / name)
            moved.append(name)
        if _exchange(staging, folder):
            return staging  # staging now holds the old site
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}-old-", dir=folder.parent))
        os.rename(folder, old / "site")
        try:
            os.rename(staging, folder)
        except BaseException:
            os.rename(old / "site", folder)
            os.rmdir(old)
            raise
        return old
    except BaseException:
        for name in reversed(moved):
            os.rename(staging / name, folder / name)
        raise



@contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """Hold the lock of parent's builds; wait for a build that holds it."""
    try:
        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("waiting for another timeline build writing in %s", parent)
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as error:
                log.debug("cannot lock %s: %s", parent, error)
        yield
    finally:
        os.close(fd)


class _Interrupt(BaseException):
    """SIGINT or SIGTERM arrived while the site was being written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _SignalGuard:
    """Turn SIGINT and SIGTERM into an exception while a site is written (main thread only),
    hold them back during steps that must not be cut, and deliver them again at the end."""

    def __init__(self) -> None:
        self.deferring = False
        self.pending: int | None = None
        self._previous: dict[int, signal.Handlers | Callable[[int, FrameType | None], object]
                             | int] = {}

    def __enter__(self) -> _SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous = signal.getsignal(signum)
                if previous is not None and previous != signal.SIG_IGN:
                    self._previous[signum] = previous
                    signal.signal(signum, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        interrupt = error.signum if isinstance(error, _Interrupt) else self.pending
        if interrupt is None:
            return
        signal.raise_signal(interrupt)  # the previous handler: exit, KeyboardInterrupt...
        if isinstance(error, _Interrupt):
            raise Interrupted(interrupt) from None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.deferring:
            self.pending = self.pending or signum
        else:
            raise _Interrupt(signum)

    @contextmanager
    def uninterrupted(self) -> Iterator[None]:
        """Hold signals back during the block."""
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False

    def check(self) -> None:
        """Act on a signal held back."""
        if self.pending is not None:
            signum, self.pending = self.pending, None
            raise _Interrupt(signum)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        log.debug("renameat2 failed: %s", os.strerror(ctypes.get_errno()))
        return False
    return True
