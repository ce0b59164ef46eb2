"""Where each page lives in the site, and relative links between pages."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

INDEX = "index.html"
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def event_path(slug: str) -> str:
    """Return the site path of an event page."""
    return f"events/{slug}/{INDEX}"


def tag_path(tag_slug: str) -> str:
    """Return the site path of a tag page."""
    return f"tags/{tag_slug}/{INDEX}"


def source_path(source_id: str) -> str:
    """Return the site path of a source page.

    Ids may hold `:/#?` and the like (Pandoc keys), which must not become folders
    or break URLs: such ids get a readable part and a short hash of the id.
    """
    if _PLAIN_ID.match(source_id):
        return f"sources/{source_id}/{INDEX}"
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", source_id).strip("-") or "source"
    digest = hashlib.sha1(source_id.encode("utf-8")).hexdigest()[:8]
    return f"sources/{readable}-{digest}/{INDEX}"


def year_path(year: int) -> str:
    """Return the site path of a year page."""
    return f"years/{year if year > 0 else f'{1 - year}-bc'}/{INDEX}"


def relative_url(from_path: str, to_path: str, *, pretty: bool = False) -> str:
    """Return a link from the page at from_path to the site path to_path.

    Links name the file (`../../events/x/index.html`) so that the site works under
    a subpath, from disk and on hosts that do not serve a folder's index; with
    pretty, a trailing `index.html` is dropped for hosts that do. Links go up to
    the site root and down again: one string operation, no path arithmetic,
    which matters with hundreds of thousands of links in a large site.
    """
    target, hash_, fragment = to_path.partition("#")
    if not target:
        return hash_ + fragment
    if pretty and (target == INDEX or target.endswith("/" + INDEX)):
        target = target[: -len(INDEX)]
    url = "../" * from_path.count("/") + quote(target)
    return (url or "./") + hash_ + fragment


def absolute_url(base_url: str, to_path: str, *, pretty: bool = False) -> str:
    """Return the absolute URL of a site path under base_url."""
    if pretty and (to_path == INDEX or to_path.endswith("/" + INDEX)):
        to_path = to_path[: -len(INDEX)]
    return base_url + quote(to_path)
