"""The gate every file read passes: inside the project, a regular file, readable, UTF-8.

Every file the build reads or copies (events, sources.yaml, timeline.toml,
templates, locale catalogues, attachments, static files, theme assets) comes
through here, named by a root folder and a path relative to it. The root is
the project, or the default theme shipped in the package (trusted, and
outside the project by design). Each rule lives in one function below; a
refusal is a ContentError(path, 0, message) (line 0: the whole file).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import imagesize

from timeline.content.frontmatter import YamlDoc, load_yaml, split_front_matter
from timeline.errors import ContentError, Report

CONTENT_DIR = "content"
EVENT_SUFFIX = ".md"
TEXT_LIMIT = 50_000_000  # bytes: events, sources.yaml, timeline.toml, templates, catalogues
COPY_LIMIT = 1_000_000_000  # bytes: files copied to the site as they are
ACTIVE_SUFFIXES = frozenset({
    ".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml",
    ".xsl", ".xslt", ".js", ".mjs", ".cjs", ".swf", ".hta", ".wasm",
})  # what a browser may run as a page or a script when it is opened from the site
ACTIVE_SETTING = "allow_active_files"
OUTSIDE = "refusing a symlink that points outside the project"
_SPECIAL = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
_OPEN_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW
               | getattr(os, "O_CLOEXEC", 0))


@dataclass(frozen=True)
class Text:
    """A text file as read: its path relative to its root, and its text with \\n line ends."""

    path: str
    text: str


@dataclass(frozen=True)
class SourceFile:
    """One event file as read from disk: where it is, its front matter and its body."""

    path: str  # relative to the project, with forward slashes, for messages and ordering
    meta: YamlDoc
    body: str
    body_line: int


def printable(name: str) -> str:
    """Return a path fit for a one-line message: undecodable bytes and controls escaped."""
    raw = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in raw)


def resolve(root: Path, rel: str) -> Path:
    """Return the real path of root/rel, refusing one that leaves root or cannot resolve."""
    path = root / rel
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        message = "a broken symlink" if _has_symlink(root, rel) else "no such file"
        raise ContentError(printable(rel), 0, f"cannot read: {message}") from None
    except RuntimeError:  # Python 3.11 reports a symlink loop so
        raise ContentError(printable(rel), 0, "cannot read: a symlink loop") from None
    except OSError as error:
        raise ContentError(printable(rel), 0, f"cannot read: {_reason(error)}") from None
    if not real.is_relative_to(root.resolve()):
        raise ContentError(printable(rel), 0, OUTSIDE)
    return real


def folder(root: Path, rel: str) -> Path | None:
    """Return the real path of the folder root/rel, None if there is none; refuse a file."""
    if not _lexists(root / rel):
        return None
    real = resolve(root, rel)
    if not real.is_dir():
        raise ContentError(printable(rel), 0, "expected a folder, found a file")
    return real


def read_bytes(root: Path, rel: str, *, limit: int = TEXT_LIMIT) -> bytes:
    """Return the bytes of the regular file root/rel, or raise ContentError."""
    fd = _open(root, rel, limit)
    with os.fdopen(fd, "rb") as file:
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise ContentError(printable(rel), 0, f"cannot read: {_reason(error)}") from None


def read_text(root: Path, rel: str) -> Text:
    """Return a file's text: UTF-8 (a BOM is allowed), line endings made \\n."""
    data = read_bytes(root, rel)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError(rel, 1, "not UTF-8: it starts with a UTF-16 byte-order mark; "
                           "save the file as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(rel, line, f"not UTF-8: invalid byte 0x{data[error.start]:02x} at "
                           f"byte offset {error.start}; save the file as UTF-8") from None
    return Text(rel, text.replace("\r\n", "\n").replace("\r", "\n"))


def copy_source(root: Path, rel: str, *, limit: int = COPY_LIMIT) -> Path:
    """Return the checked real path of a file to copy to the site as it is."""
    fd = _open(root, rel, limit)
    os.close(fd)
    return resolve(root, rel)


def image_size(root: Path, rel: str) -> tuple[int, int] | None:
    """Return the width and height an image file's header gives (a copied file, checked
    as copy_source checks it), or None where it gives none (not an image, a damaged one)."""
    fd = _open(root, rel, COPY_LIMIT)
    with os.fdopen(fd, "rb") as file:
        try:
            width, height = imagesize.get(file)
        except Exception:  # noqa: BLE001 - a header parser given hostile bytes: no size
            return None
    return (width, height) if width > 0 and height > 0 else None


def check_active(rel: str, allowed: bool) -> None:
    """Refuse to publish a file a browser would run (HTML, SVG, scripts) unless allowed."""
    suffix = os.path.splitext(rel)[1].lower()
    if suffix in ACTIVE_SUFFIXES and not allowed:
        raise ContentError(printable(rel), 0, f"refusing to publish a '{suffix}' file: a "
                           "browser runs its scripts as the site itself; remove it, or set "
                           f"{ACTIVE_SETTING} = true in timeline.toml if you trust it")


def walk(root: Path, top: str, report: Report, *, hide_dirs: tuple[str, ...] = (".", "_"),
         hide_files: tuple[str, ...] = (".", "_")) -> list[str]:
    """Return the paths (relative to root) of the files under root/top, sorted.

    Folders and files whose names start with hide_dirs or hide_files are left
    out. A folder that cannot be listed, a name that is not UTF-8, a path too
    long and a symlinked folder that leaves root or loops are errors in report.
    Symlinked folders inside root are followed.
    """
    try:
        real_top = folder(root, top)
    except ContentError as error:
        report.add(error)
        return []
    if real_top is None:
        return []
    found: list[str] = []
    stack: list[tuple[str, str, tuple[str, ...]]] = [(top, str(real_top), ())]
    while stack:
        rel_dir, real_dir, followed = stack.pop()
        try:
            with os.scandir(root / rel_dir) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as error:
            report.error(printable(rel_dir), 0, f"cannot list the folder: {_reason(error)}")
            continue
        for entry in listed:
            name, rel = entry.name, f"{rel_dir}/{entry.name}"
            is_dir = entry.is_dir(follow_symlinks=False)
            if name.startswith(hide_dirs if is_dir else hide_files):
                continue
            if not _good_name(name, rel, report):
                continue
            if entry.is_symlink():
                real = _symlinked_folder(root, rel, real_dir, followed, report)
                if real is not None:
                    stack.append((rel, real, (*followed, real_dir)))
                elif not (root / rel).is_dir():
                    found.append(rel)
            elif is_dir:
                stack.append((rel, f"{real_dir}/{name}", followed))
            else:
                found.append(rel)
    return sorted(found)


def find_event_files(project: Path, report: Report) -> list[str]:
    """Return the paths of every event file under project/content, in a stable order."""
    return [rel for rel in walk(project, CONTENT_DIR, report) if rel.endswith(EVENT_SUFFIX)]


def read_source_file(project: Path, rel: str) -> SourceFile:
    """Read one event file, or raise ContentError."""
    text = read_text(project, rel).text
    split = split_front_matter(text, rel)
    meta = load_yaml(split.meta_text, rel, split.meta_line)
    return SourceFile(rel, meta, split.body, split.body_line)


def relative(project: Path, path: Path) -> str:
    """Return path relative to the project, with forward slashes."""
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()


def _open(root: Path, rel: str, limit: int) -> int:
    """Open a regular file for reading without blocking, checked before and after opening."""
    real = resolve(root, rel)
    try:
        _check_regular(rel, os.stat(real), limit)
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as error:
        raise ContentError(printable(rel), 0, f"cannot read: {_reason(error)}") from None
    try:
        _check_regular(rel, os.fstat(fd), limit)  # the file may have changed in between
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_regular(rel: str, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise ContentError(printable(rel), 0, "expected a file, found a folder")
    for test, kind in _SPECIAL:
        if test(info.st_mode):
            raise ContentError(printable(rel), 0, f"refusing {kind}: only regular files are "
                               "read or published; remove it")
    if info.st_size > limit:
        raise ContentError(printable(rel), 0, f"too large: {info.st_size} bytes, more than "
                           f"the limit of {limit // 1_000_000} MB")


def _symlinked_folder(root: Path, rel: str, real_dir: str, followed: tuple[str, ...],
                      report: Report) -> str | None:
    """Return the real path of a symlinked folder to follow, None for anything else."""
    try:
        real = resolve(root, rel)
    except ContentError as error:
        if error.diagnostic.message == OUTSIDE and os.path.isdir(root / rel):
            report.add(error)  # a symlinked file is refused when it is read or copied
        return None
    if not real.is_dir():
        return None
    target = str(real)
    if any(target == seen or seen.startswith(target + os.sep) for seen in (*followed, real_dir)):
        report.error(printable(rel), 0, "cannot read: a symlink loop (it points to a folder "
                     "that contains it)")
        return None
    return target


def _good_name(name: str, rel: str, report: Report) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        report.error(printable(rel), 0, "the file name is not UTF-8: rename it")
        return False
    if not name.isprintable():
        report.error(printable(rel), 0, "the file name has a control character: rename it")
        return False
    return True


def _has_symlink(root: Path, rel: str) -> bool:
    path = root / rel
    return any(p.is_symlink() for p in (path, *path.parents) if p.is_relative_to(root))


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # let resolve() say what is wrong
    return True


def _reason(error: OSError) -> str:
    """Return what to tell the author about an operating-system error."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; make it readable by the user running timeline"
    if error.errno == errno.ENAMETOOLONG:
        return "path too long for the operating system; use shorter names or fewer folders"
    if error.errno == errno.ELOOP:
        return "a symlink loop"
    return (error.strerror or str(error)).lower()
