"""Find the event files of a project and read each into front matter and body."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from timeline.content.frontmatter import YamlDoc, load_yaml, split_front_matter
from timeline.errors import ContentError

CONTENT_DIR = "content"
EVENT_SUFFIX = ".md"


@dataclass(frozen=True)
class SourceFile:
    """One event file as read from disk: where it is, its front matter and its body."""

    path: str  # relative to the project, with forward slashes, for messages and ordering
    meta: YamlDoc
    body: str
    body_line: int


def find_event_files(project: Path) -> list[Path]:
    """Return every event file under project/content, in a stable order."""
    content = project / CONTENT_DIR
    found: list[Path] = []
    for folder, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        found.extend(Path(folder) / name for name in files
                     if name.endswith(EVENT_SUFFIX) and not name.startswith((".", "_")))
    return sorted(found, key=lambda p: p.relative_to(content).as_posix())


def relative(project: Path, path: Path) -> str:
    """Return path relative to the project, with forward slashes."""
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()


def _encodable(name: str) -> bool:
    """Tell whether a file name is text (not bytes Python kept as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_text(path: Path, rel: str) -> str:
    """Return a file's text: UTF-8 (a BOM is allowed), line endings made \\n."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(rel, line, f"not UTF-8: invalid byte 0x{data[error.start]:02x} at "
                           f"byte offset {error.start}; save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source_file(project: Path, path: Path) -> SourceFile:
    """Read one event file, or raise ContentError."""
    rel = relative(project, path)
    if not rel.isascii() and not _encodable(rel):
        raise ContentError(rel, 1, "the file name is not UTF-8: rename the file")
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ContentError(rel, 1, "cannot read: a broken symlink or a symlink loop") from None
    if not real.is_relative_to(project.resolve()):
        raise ContentError(rel, 1, "refusing a symlink that points outside the project")
    try:
        text = read_text(path, rel)
    except OSError as error:
        raise ContentError(rel, 1, f"cannot read: {error.strerror}") from None
    split = split_front_matter(text, rel)
    meta = load_yaml(split.meta_text, rel, split.meta_line)
    return SourceFile(rel, meta, split.body, split.body_line)
