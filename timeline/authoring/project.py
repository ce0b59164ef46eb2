"""Start a project (`timeline init`) and write a new event file (`timeline new`)."""

from __future__ import annotations

import logging
import os
import re
import string
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import yaml

from timeline import __version__
from timeline.config import CONFIG_FILE, load_config
from timeline.content.gate import CONTENT_DIR
from timeline.content.sources import REGISTRY, load_registry
from timeline.dates.model import DateError, EventDate
from timeline.dates.parse import parse_event_date
from timeline.dates.zones import resolve_zone
from timeline.errors import ContentError, Report, TimelineError, did_you_mean
from timeline.site.urls import MAX_NAME_BYTES, slugify

log = logging.getLogger(__name__)

STARTER = Path(__file__).parent / "starter"
# Written with a leading dot: in the package they have none, so that neither git nor
# the wheel builder reads the starter's .gitignore as the repository's own.
_DOTTED = ("gitignore", "github")
_VERSIONED = ("requirements.txt",)  # $version becomes the running timeline's version
_TITLE_SLUG_BYTES = MAX_NAME_BYTES - 40  # room for the date in the event's slug


def starter_files() -> Iterator[tuple[str, Path]]:
    """Yield (path in the new project, file in the package) for every starter file."""
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            name = path.relative_to(STARTER).as_posix()
            yield (f".{name}" if name.split("/", 1)[0] in _DOTTED else name), path


def starter_text(name: str, path: Path) -> str:
    """Return a starter file's text as init writes it."""
    text = path.read_text(encoding="utf-8")
    if name in _VERSIONED:
        text = string.Template(text).substitute(version=__version__)
    return text


def init_project(folder: Path) -> list[str]:
    """Write a new project into folder (made if missing); return the files written.

    Refuse, writing nothing, when folder is a project already (it has
    timeline.toml or content/) or holds any file init would write; anything
    else in it (.git, a README, a LICENSE) is left alone.
    """
    if folder.exists() and not folder.is_dir():
        raise TimelineError(f"{folder} is not a folder")
    files = list(starter_files())
    present = [name for name in (CONFIG_FILE, f"{CONTENT_DIR}/")
               if os.path.lexists(folder / name)]
    if present:
        raise TimelineError(f"{folder} is a timeline project already (it has "
                            f"{' and '.join(present)}): init writes only into a new folder")
    in_the_way = [name for name, _ in files if os.path.lexists(folder / name)]
    if in_the_way:
        raise TimelineError(f"{folder} has {', '.join(in_the_way)} already: init would "
                            "overwrite it; move it away or choose another folder")
    for name, source in files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as out:
            out.write(starter_text(name, source))
    return [name for name, _ in files]


def new_event(project: Path, title: str, *, date: str | None = None,
              tags: Sequence[str] = (), source: str | None = None,
              now: datetime | None = None) -> Path:
    """Write content/<date>-<slug>.md with its front matter filled in; return its path."""
    content = project / CONTENT_DIR
    if not content.is_dir():
        raise TimelineError(f"no {CONTENT_DIR}/ folder in {project}: start a project with "
                            "'timeline init'")
    title = title.strip()
    if not title:
        raise TimelineError("the title must not be empty")
    config = load_config(project)
    if date is None:
        zone = resolve_zone(config.timezone).tzinfo()
        date = (now or datetime.now(zone)).astimezone(zone).strftime("%Y-%m-%d")
    date = date.strip()
    try:
        parsed = parse_event_date(date, zone=config.timezone, date_order=config.date_order)
    except DateError as error:
        raise TimelineError(str(error)) from None
    if source is not None:
        _check_source(project, source, config.date_order)
    meta: list[tuple[str, object]] = [("title", title), ("date", date)]
    tags = [tag.strip() for tag in tags if tag.strip()]
    if tags:
        meta.append(("tags", tags))
    if source is not None:
        meta.append(("sources", [source]))
    path = content / file_name(parsed, title)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as out:
            out.write(front_matter(meta))
    except FileExistsError:
        raise TimelineError(f"{path} exists already: choose another title or date, "
                            "or edit that file") from None
    return path


def file_name(date: EventDate, title: str) -> str:
    """Return '<date>-<slug>.md': the start's ISO day (a minus spelled out) and the title."""
    iso = re.sub(r"^(Y?)-", lambda m: f"{m[1]}-minus-".lstrip("-"),
                 date.start.iso().split("T", 1)[0])
    words = slugify(title)
    if len(words) > _TITLE_SLUG_BYTES:
        cut = words[:_TITLE_SLUG_BYTES]  # at a hyphen, unless a word fills it all
        words = (cut if words[_TITLE_SLUG_BYTES] == "-" else cut.rsplit("-", 1)[0]).strip("-")
    return f"{slugify(iso)}-{words}.md" if words else f"{slugify(iso)}.md"


def front_matter(meta: Sequence[tuple[str, object]]) -> str:
    """Return the front matter block: every value written by YAML itself, text quoted."""
    lines = ["---"]
    for key, value in meta:
        lines.append(f"{key}: {_yaml_value(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _yaml_value(value: object) -> str:
    if isinstance(value, list):
        dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                                width=float("inf"))
    else:
        dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True,
                                width=float("inf"))
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _check_source(project: Path, source: str, date_order: str | None) -> None:
    """Refuse a source id that content/sources.yaml does not hold."""
    report = Report()
    registry = load_registry(project / CONTENT_DIR, CONTENT_DIR, report, date_order=date_order)
    if report.errors:
        first = report.errors[0]
        raise ContentError(first.path, first.line, first.message)
    if source not in registry:
        raise TimelineError(f"unknown source '{source}': it is not in "
                            f"{CONTENT_DIR}/{REGISTRY}.{did_you_mean(source, set(registry))}")
