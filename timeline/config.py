"""Read the site configuration from timeline.toml."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from timeline.content.gate import printable, read_text
from timeline.dates.model import DateError
from timeline.dates.zones import resolve_zone
from timeline.errors import ContentError, Report, UsageError, did_you_mean

CONFIG_FILE = "timeline.toml"
BOOLEANS = ("pretty_urls", "unsafe_html", "allow_active_files")
INTEGERS = ("feed_limit",)
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
    feed_limit: int = 100  # the feed's entries, latest first; 0 for every event

    def with_base_url(self, base_url: str | None) -> Config:
        """Return a copy whose base_url is overridden (from the command line)."""
        if base_url is None:
            return self
        try:
            return replace(self, base_url=normalise_base_url(base_url, "--base-url"))
        except ValueError as error:
            raise UsageError(str(error)) from None


def read_config(project: Path, report: Report) -> Config:
    """Return the project's settings; a problem goes to report, and the defaults are used."""
    try:
        return load_config(project)
    except ContentError as error:
        report.add(error)
        return Config()


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
        if key not in known and (isinstance(value, dict) or (
                isinstance(value, list) and value and isinstance(value[0], dict))):
            raise ContentError(CONFIG_FILE, line, f"unknown table [{key}]: timeline.toml has "
                               "no tables; write each setting at the top, before any [table]")
        if key not in known:
            raise ContentError(CONFIG_FILE, line,
                               f"unknown setting '{key}'.{did_you_mean(key, set(known))}")
        expected = bool if key in BOOLEANS else int if key in INTEGERS else str
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ContentError(CONFIG_FILE, line,
                               f"'{key}' must be a {expected.__name__}, not {value!r}")
        values[key] = value
    if values.get("feed_limit", 0) < 0:
        raise ContentError(CONFIG_FILE, _line_of("feed_limit", text), "feed_limit must be 0 "
                           f"(every event) or more, not {values['feed_limit']}")
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
        try:
            values["base_url"] = normalise_base_url(values["base_url"], "base_url")
        except ValueError as error:
            raise ContentError(CONFIG_FILE, _line_of("base_url", text), str(error)) from None
    return Config(**values)


def _check_zone(name: str, line: int) -> None:
    try:
        resolve_zone(name)
    except DateError as error:
        raise ContentError(CONFIG_FILE, line, str(error)) from None


_HOST_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOST = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
_PATH_SAFE = "/%:@!$&()*+,;=-._~"  # RFC 3986 pchar, less the quote that ends attributes


def normalise_base_url(url: str, name: str) -> str:
    """Return base_url parsed and written again, ending in '/'; raise ValueError if unusable.

    It is pasted into every link of 404.html, the feed and the exports, so it
    must be an absolute http(s) URL with a host and nothing a page could read
    as markup or script: characters a URL path may not hold are percent-encoded,
    and the rest (spaces, control characters, a query, a password) is refused.
    """
    shown = _shown(url)
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError(f"{name} must not contain spaces or control characters: {shown}")
    split = urlsplit(url)
    if split.scheme.lower() not in ("http", "https") or not split.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL such as "
                         f"https://example.org/timeline/, not {shown}")
    if "?" in url or "#" in url:
        raise ValueError(f"{name} must not have a query or a fragment ('?' or '#'): {shown}")
    if "@" in split.netloc:
        raise ValueError(f"{name} must not hold a user name or password: {shown}")
    host = _host(split.hostname or "")
    if host is None:
        raise ValueError(f"{name} has no valid host name: {shown}")
    try:
        port = split.port
    except ValueError:
        raise ValueError(f"{name} has an invalid port: {shown}") from None
    netloc = host if port is None else f"{host}:{port}"
    path = quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", split.path), safe=_PATH_SAFE)
    return urlunsplit((split.scheme.lower(), netloc, path.rstrip("/") + "/", "", ""))


def _host(hostname: str) -> str | None:
    """Return a host as written in a URL (IDNA for non-ASCII names), or None if invalid."""
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        pass
    else:
        return f"[{address}]" if address.version == 6 else str(address)
    try:
        ascii_host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return ascii_host if _HOST.fullmatch(ascii_host) else None


def _shown(text: str) -> str:
    """Quote a value for a message, control characters escaped."""
    return "'" + "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                         for c in text) + "'"


_KEY = re.compile(r"""[ \t]*(?P<table>\[+)?[ \t]*"""
                  r"""(?:"(?P<dq>[^"\\]*)"|'(?P<sq>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))""")


def _line_of(key: str, text: str) -> int:
    """Return the line of a top-level key or table header (bare, quoted or dotted)."""
    return _key_lines(text).get(key, 1)


def _key_lines(text: str) -> dict[str, int]:
    """Return the first line of each key, outside multi-line strings."""
    found: dict[str, int] = {}
    open_quote: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if open_quote is None:
            match = _KEY.match(line)
            if match and (match.group("table") or "=" in line[match.end():]):
                key = next(g for g in (match.group("dq"), match.group("sq"), match.group("bare"))
                           if g is not None)
                found.setdefault(key, number)
        for fence in ('"""', "'''"):
            if (open_quote in (None, fence)) and line.count(fence) % 2:
                open_quote = None if open_quote == fence else fence
    return found
