"""Where each page lives in the site, and relative links between pages."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

INDEX = "index.html"


def event_path(slug: str) -> str:
    """Return the site path of an event page."""
    return f"events/{slug}/{INDEX}"


def tag_path(tag_slug: str) -> str:
    """Return the site path of a tag page."""
    return f"tags/{tag_slug}/{INDEX}"


def source_path(source_id: str) -> str:
    """Return the site path of a source page."""
    return f"sources/{quote(source_id, safe='')}/{INDEX}"


def year_path(year: int) -> str:
    """Return the site path of a year page."""
    return f"years/{year}/{INDEX}"


def relative_url(from_path: str, to_path: str, *, pretty: bool = False) -> str:
    """Return a link from the page at from_path to the site path to_path.

    Links name the file (`../events/x/index.html`) so that the site works under
    a subpath, from disk and on hosts that do not serve a folder's index; with
    pretty, a trailing `index.html` is dropped for hosts that do.
    """
    target, _, fragment = to_path.partition("#")
    start = posixpath.dirname(from_path) or "."
    url = posixpath.relpath(target or from_path, start)
    if target.endswith("/") and not url.endswith("/"):
        url += "/"
    if pretty and (url == INDEX or url.endswith("/" + INDEX)):
        url = url[: -len(INDEX)] or "./"
    if target == "" and fragment:
        url = ""
    return url + (f"#{fragment}" if fragment else "")


def absolute_url(base_url: str, to_path: str, *, pretty: bool = False) -> str:
    """Return the absolute URL of a site path under base_url."""
    if pretty and (to_path == INDEX or to_path.endswith("/" + INDEX)):
        to_path = to_path[: -len(INDEX)]
    return base_url + to_path
