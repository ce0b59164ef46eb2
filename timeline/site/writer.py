"""Write a whole site atomically: into a new folder beside the output, then swap it in."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from timeline.errors import UsageError

log = logging.getLogger(__name__)

MARKER = ".timeline-site"
MARKER_TEXT = "This folder is written by `timeline build`; it is replaced on every build.\n"
_RENAME_EXCHANGE = 2


def check_output(output: Path, project: Path) -> None:
    """Refuse an output folder that a build could damage."""
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
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"refusing to replace {output}: it holds files not written by "
                         f"timeline (no {MARKER} marker); choose another folder with -o "
                         "or empty it yourself")


def safe_join(root: Path, dest: str) -> Path:
    """Return root/dest, refusing a dest that would land outside root."""
    pure = PurePosixPath(dest)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in dest:
        raise UsageError(f"refusing to write outside the output folder: '{dest}'")
    return root.joinpath(*pure.parts)


def write_site(output: Path, files: Mapping[str, bytes | Path]) -> None:
    """Write files (bytes, or a path to copy) as the new site at output, all or nothing."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))
    try:
        made: set[Path] = set()
        for dest in sorted(files):
            target = safe_join(staging, dest)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            content = files[dest]
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(staging, 0o755)
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, output: Path) -> None:
    """Put staging in output's place; the old site is removed only afterwards."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
    os.rename(output, old / "site")
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)


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
