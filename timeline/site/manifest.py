"""The manifest of a site folder: which files a build wrote, which are intact, which
entries are the user's, and what killed builds left beside it.

The manifest inside the output lists every file the build wrote, with its SHA-256 and
stat: those are replaced by the next build; a user's dot-entry at the root (`.git/`,
`.well-known/`) is left to the user; anything else the build did not write makes it
refuse.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from timeline.errors import TimelineError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: spools of killed builds are kept
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MANIFEST = ".timeline-manifest.json"
LEGACY_MARKER = ".timeline-site"  # sites built before the manifest: all but dot-entries
MANIFEST_FORMAT = 1
SHOWN = 10  # foreign files named in a refusal


@dataclass(frozen=True)
class Kept:
    """A file of the current site to keep as it is: linked into the new one, mtime and all."""

    sha: str  # its SHA-256, as the manifest records it


class StaleSite(TimelineError):
    """The site changed since its files were chosen to be kept (another build swapped it)."""


@dataclass(frozen=True)
class Spooled:
    """A file the build wrote to its spool folder (writer.spool_folder): moved into the
    site, not copied, so a large site is never held in memory."""

    path: Path
    sha: str  # its SHA-256


Content = bytes | Path | Kept | Spooled


def safe_join(root: Path, dest: str) -> Path:
    """Return root/dest, refusing a dest that would land outside root."""
    pure = PurePosixPath(dest)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in dest:
        raise UsageError(f"refusing to write outside the output folder: '{dest}'")
    return root.joinpath(*pure.parts)


def intact_files(output: Path) -> dict[str, str]:
    """Return the SHA-256 of each file of the site at output that is as its build left it.

    The manifest records each file's hash with its size, mtime and inode: a file whose
    stat still matches holds what was written (like git's index); others are left out.
    """
    folder = Path(os.path.realpath(output))
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        hashes, stats = data["sha256"], data["stat"]
    except (OSError, ValueError, TypeError, KeyError):
        return {}
    if not isinstance(hashes, dict) or not isinstance(stats, dict):
        return {}
    intact: dict[str, str] = {}
    root = str(folder)
    for dest, sha in hashes.items():
        parts = dest.split("/")
        if not isinstance(dest, str) or dest.startswith("/") or ".." in parts or "\\" in dest:
            continue
        try:
            st = os.lstat(os.path.join(root, *parts))
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and stats.get(dest) == [st.st_size, st.st_mtime_ns,
                                                               st.st_ino]:
            intact[dest] = sha
    return intact


def manifest_json(files: Iterable[str], hashes: Mapping[str, str],
                  stats: Mapping[str, list[int]], *, lines: bool = True) -> str:
    """Return the text of a manifest owning files, vouching for those in hashes and stats;
    one entry a line, or (lines False, for a journal: 3 times faster) all on one."""
    return json.dumps({"generator": "timeline", "format": MANIFEST_FORMAT,
                       "files": sorted(files), "sha256": hashes, "stat": stats},
                      indent=0 if lines else None, sort_keys=True) + "\n"


def recorded(folder: Path) -> tuple[list[str], dict[str, list[int]]] | None:
    """Return the files and stats the manifest of folder records, if it is of this
    format; otherwise None."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files, stats = data["files"], data["stat"]
        if (data.get("generator") != "timeline" or data.get("format") != MANIFEST_FORMAT
                or not isinstance(files, list) or not isinstance(stats, dict)):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if not all(isinstance(dest, str) for dest in files):
        return None
    return files, stats


# -- who owns what ---------------------------------------------------------------------


def _owner(folder: Path, output: Path) -> Callable[[str], bool]:
    """Return a test of whether a path in folder (a folder's ends with '/') was written by
    timeline: listed in the manifest, or, under the old marker, not in a root dot-entry."""
    manifest = folder / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        files = _manifest_files(manifest)
        if files is None:
            raise UsageError(f"refusing to replace {output}: its {MANIFEST} cannot be read; "
                             "delete the folder yourself or choose another with -o")
        dirs = set()
        for name in files:  # every folder above each file, as 'a/' and 'a/b/'
            cut = name.rfind("/")
            while cut > 0 and name[:cut + 1] not in dirs:
                dirs.add(name[:cut + 1])
                cut = name.rfind("/", 0, cut)
        dirs.add("./")
        return lambda rel: rel in files or rel in dirs or rel == MANIFEST
    if (folder / LEGACY_MARKER).is_file():
        return lambda rel: not rel.startswith(".") or rel == LEGACY_MARKER
    return lambda rel: False


def _manifest_files(manifest: Path) -> set[str] | None:
    """Return the files a manifest lists, or None if it is not one."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("generator") != "timeline" or not isinstance(files, list) \
                or not all(isinstance(f, str) for f in files):
            return None
        return set(files)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _leaves(folder: Path) -> list[str]:
    """Return every file, link and empty folder under folder, '/'-separated ('x/' a folder)."""
    found: list[str] = []
    try:
        pending = [(os.fspath(folder), "")]
        while pending:
            path, prefix = pending.pop()
            with os.scandir(path) as listing:
                entries = list(listing)
            if prefix and not entries:
                found.append(prefix)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, prefix + entry.name + "/"))
                else:  # a file, a link (never followed) or anything else
                    found.append(prefix + entry.name)
    except OSError as error:
        raise UsageError(f"cannot read {error.filename}: {error.strerror}") from None
    return sorted(found)


def plan(folder: Path, output: Path, files: Mapping[str, Content] | None) -> list[str]:
    """Return the user's root dot-entries to carry into the new site; refuse if a file that
    timeline did not write would be lost (with files None, check everything but dot-entries)."""
    if not folder.is_dir():
        return []
    owned = _owner(folder, output)
    leaves = _leaves(folder)
    written = {dest.split("/")[0] for dest in files or ()} | {MANIFEST}
    ours = {rel.split("/")[0] for rel in leaves if owned(rel)}
    refused: list[str] = []
    carried: set[str] = set()
    for rel in leaves:
        root = rel.split("/")[0]
        if owned(rel):
            continue
        if root.startswith(".") and (files is None or (root not in written
                                                       and root not in ours)):
            carried.add(root)
        elif not root.startswith(".") or not _same(folder / rel, (files or {}).get(rel)):
            refused.append(rel)
    if refused:
        more = f" and {len(refused) - SHOWN} more" if len(refused) > SHOWN else ""
        raise UsageError(f"refusing to replace {output}: it holds files not written by "
                         f"timeline: {', '.join(refused[:SHOWN])}{more}; move them out or "
                         "choose another folder with -o")
    return sorted(carried)


def _same(path: Path, content: Content | None) -> bool:
    """Return whether path is a plain file holding exactly content."""
    if content is None or isinstance(content, Kept) or path.is_symlink() or not path.is_file():
        return False
    wanted = (content.read_bytes() if isinstance(content, Path) else
              content.path.read_bytes() if isinstance(content, Spooled) else content)
    return path.read_bytes() == wanted


# -- what killed builds left ---------------------------------------------------------


def remove_stale(folder: Path) -> None:
    """Remove the staging folders of killed builds beside folder (the caller holds the
    lock, so no running build owns them), first putting back what they held of the
    user's: a site moved aside, or dot-entries carried over before the swap."""
    parent = folder.parent
    names = sorted(os.listdir(parent))
    for name in names:
        stale = parent / name
        if not name.startswith(f".{folder.name}-old-") or not _real_dir(stale):
            continue
        if _real_dir(stale / "site") and not os.path.lexists(folder):
            os.rename(stale / "site", folder)
            log.warning("restored %s, moved aside by a build that was killed", folder)
        shutil.rmtree(stale, ignore_errors=True)
    for name in names:
        stale = parent / name
        if name.startswith(f".{folder.name}-spool-") and _real_dir(stale) and _unlocked(stale):
            shutil.rmtree(stale, ignore_errors=True)
    for name in names:
        stale = parent / name
        if not name.startswith(f".{folder.name}-new-") or not _real_dir(stale):
            continue
        files = _manifest_files(stale / MANIFEST)
        keep = False
        for entry in sorted(os.listdir(stale)) if files is not None else []:
            if not entry.startswith(".") or entry == MANIFEST or any(
                    f == entry or f.startswith(entry + "/") for f in files or ()):
                continue
            if _real_dir(folder) and not os.path.lexists(folder / entry):
                os.rename(stale / entry, folder / entry)
                log.warning("put %s back into %s, after a build that was killed",
                            entry, folder)
            else:
                keep = True
        if keep:
            log.warning("kept %s: it holds files of yours that %s has too", stale, folder)
        else:
            shutil.rmtree(stale, ignore_errors=True)


SPOOL_LOCK = ".lock"


def _unlocked(spool: Path) -> bool:
    """Return whether no running build holds the lock of a spool folder (its build was
    killed): the caller holds the output's lock, under which spools are made."""
    if fcntl is None:
        return False
    try:
        fd = os.open(spool / SPOOL_LOCK, os.O_RDWR)
    except OSError:
        return True  # made under the output's lock with its lock file: it was never used
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()
