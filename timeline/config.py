"""Read the site configuration from timeline.toml."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from timeline.content.gate import printable, read_text
from timeline.dates.model import DateError
from timeline.dates.zones import resolve_zone
from timeline.errors import ContentError, did_you_mean

CONFIG_FILE = "timeline.toml"
BOOLEANS = ("pretty_urls", "unsafe_html", "allow_active_files")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Config:
    """Site-wide settings; every field has a default so the file is optional."""

    title: str = "Timeline"
    description: str = ""
    author: str | None = None
    base_url: str | None = None
    language: str = "en"
    timezone: str = "UTC"
    date_order: str | None = None
    pretty_urls: bool = False
    unsafe_html: bool = False
    allow_active_files: bool = False

    def with_base_url(self, base_url: str | None) -> Config:
        """Return a copy whose base_url is overridden (from the command line)."""
        if base_url is None:
            return self
        return replace(self, base_url=_normalise_base_url(base_url))


def load_config(project: Path) -> Config:
    """Load project/timeline.toml, or the defaults if there is none."""
    if not os.path.lexists(project / CONFIG_FILE):
        return Config()
    text = read_text(project, CONFIG_FILE).text
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise ContentError(CONFIG_FILE, int(match.group(1)) if match else 1,
                           f"invalid TOML: {error}") from None
    return _validate(data, text)


def _validate(data: dict[str, Any], text: str) -> Config:
    known = {f.name: f for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(key, text)
        if key not in known:
            raise ContentError(CONFIG_FILE, line,
                               f"unknown setting '{key}'.{did_you_mean(key, set(known))}")
        expected = bool if key in BOOLEANS else str
        if not isinstance(value, expected):
            raise ContentError(CONFIG_FILE, line,
                               f"'{key}' must be a {expected.__name__}, not {value!r}")
        values[key] = value
    if values.get("date_order") not in (None, "DMY", "MDY"):
        raise ContentError(CONFIG_FILE, _line_of("date_order", text),
                           "date_order must be \"DMY\" or \"MDY\"")
    if "language" in values and not _LANGUAGE.fullmatch(values["language"]):
        raise ContentError(CONFIG_FILE, _line_of("language", text),
                           f"language must be a language tag such as \"en\", \"de\" or "
                           f"\"pt-BR\" (BCP 47), not '{printable(values['language'])}'")
    if "timezone" in values:
        _check_zone(values["timezone"], _line_of("timezone", text))
    if "base_url" in values:
        base = values["base_url"]
        if not re.match(r"https?://[^/\s]+", base):
            raise ContentError(CONFIG_FILE, _line_of("base_url", text),
                               f"base_url must be an http(s) URL, not '{base}'")
        values["base_url"] = _normalise_base_url(base)
    return Config(**values)


def _check_zone(name: str, line: int) -> None:
    try:
        resolve_zone(name)
    except DateError as error:
        raise ContentError(CONFIG_FILE, line, str(error)) from None


def _normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/"


def _line_of(key: str, text: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
