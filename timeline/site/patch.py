"""Patch a site in place: write only the files an incremental build changed.

The changed files are first written to a staging folder beside the site. Then the
manifest becomes a journal: it owns the files of both the old and the new site and
vouches for none that is about to change. The staged files are renamed into place,
the files the new site no longer has are removed (with the folders they leave empty),
and the final manifest is written. A build killed midway leaves a site where every
file is owned and no changed file is trusted, so the next build repairs it.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Mapping
from pathlib import Path

from timeline.site.manifest import (
    MANIFEST,
    Content,
    Kept,
    Spooled,
    StaleSite,
    manifest_json,
    safe_join,
)


def changes(files: Mapping[str, str], current: Mapping[str, str],
            old: list[str]) -> tuple[list[str], list[str]]:
    """Return the files to write (not intact with that SHA-256) and the files to remove."""
    changed = [dest for dest in sorted(files) if current.get(dest) != files[dest]]
    removed = sorted(set(old).difference(files))
    return changed, removed


def stage(staging: Path, files: Mapping[str, Content], changed: list[str]) -> dict[str, Path]:
    """Write each changed file into staging under a flat name; return where each went."""
    staged: dict[str, Path] = {}
    for index, dest in enumerate(changed):
        target = staging / str(index)
        content = files[dest]
        if isinstance(content, Kept):
            raise StaleSite(f"{dest} is not in the current site any more")
        if isinstance(content, Spooled):
            os.replace(content.path, target)
        elif isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
        staged[dest] = target
    return staged


def apply(folder: Path, staging: Path, staged: Mapping[str, Path], removed: list[str],
          hashes: Mapping[str, str], old: list[str], stats: Mapping[str, list[int]]) -> None:
    """Journal the change in the manifest, remove the files of removed, move the staged
    files in, then write the final manifest; stats are those recorded of unchanged files."""
    kept = {dest: stats[dest] for dest in hashes if dest not in staged}
    _replace_manifest(folder, staging, manifest_json(
        set(old).union(hashes), {dest: hashes[dest] for dest in kept}, kept, lines=False))
    _remove(folder, removed)
    made: set[Path] = set()
    for dest, path in staged.items():
        target = safe_join(folder, dest)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(path, target)
        st = os.lstat(target)
        kept[dest] = [st.st_size, st.st_mtime_ns, st.st_ino]
    _replace_manifest(folder, staging, manifest_json(hashes, hashes, kept))


def _replace_manifest(folder: Path, staging: Path, text: str) -> None:
    """Replace the manifest of folder in one step, through a file written in staging."""
    temporary = staging / "manifest"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / MANIFEST)


def _remove(folder: Path, removed: list[str]) -> None:
    """Remove the files of removed, then the folders above them that are left empty."""
    above: set[Path] = set()
    for dest in removed:
        path = safe_join(folder, dest)
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):  # else a folder of new files
                os.unlink(path)
        except FileNotFoundError:
            pass  # never renamed in by a build that was killed
        parent = path.parent
        while parent != folder and parent not in above:
            above.add(parent)
            parent = parent.parent
    for path in sorted(above, key=lambda p: len(p.parts), reverse=True):
        try:
            os.rmdir(path)
        except OSError:
            pass  # not empty
