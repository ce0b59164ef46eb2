"""Every slug and path rule: where each page lives in the site, and links between pages."""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import quote, urlsplit

INDEX = "index.html"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A folder name of the site (a slug, a tag's slug, a source's) may hold this many bytes
# of UTF-8: file systems refuse names over 255, and the site may be copied below others.
MAX_NAME_BYTES = 100
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_-]+$")
DOI_RESOLVER = "https://doi.org/"  # the DOI Foundation's own resolver
# Open Library (run by the Internet Archive, a non-profit): a free page per ISBN, no
# account, no shop, leading on to editions and libraries; its /isbn/ address is part of
# its documented API. (WorldCat's addresses moved, worldcat.org to search.worldcat.org.)
ISBN_RESOLVER = "https://openlibrary.org/isbn/"


def slugify(text: str) -> str:
    """Return a URL slug: ASCII lower-case letters, digits and single hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def slug_of_path(path: str) -> str:
    """Return the default slug of an event file: its name, slugified."""
    return slugify(path.rsplit("/", 1)[-1].removesuffix(".md"))


def tag_slug(name: str) -> str:
    """Return a tag's URL slug: ASCII where the name allows, else its own letters."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name)
                      if not unicodedata.combining(c))
    if letters.isascii():
        return slugify(name) or "tag"
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold())
    return unicodedata.normalize("NFC", "-".join(words)) or "tag"


def source_name(source_id: str) -> str:
    """Return the folder name of a source's page.

    Ids may hold `:/#?` and the like (Pandoc keys), which must not become folders
    or break URLs: such ids get a readable part and a short hash of the id.
    """
    if _PLAIN_ID.match(source_id):
        return source_id
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", source_id).strip("-") or "source"
    digest = hashlib.sha1(source_id.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"


def name_too_long(kind: str, written: str, name: str) -> str | None:
    """Return why a folder name made from `written` is too long for file systems, or None."""
    size = len(name.encode("utf-8"))
    if size <= MAX_NAME_BYTES:
        return None
    shown = written if len(written) <= 40 else written[:40] + "…"
    return (f"{kind} '{shown}' is too long: its page's folder name would be {size} bytes, "
            f"at most {MAX_NAME_BYTES} (in UTF-8); shorten it")


def path_key(path: str) -> str:
    """Return what a site path is on a file system that ignores case and normalisation."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def event_path(slug: str) -> str:
    """Return the site path of an event page."""
    return f"events/{slug}/{INDEX}"


def tag_path(tag_slug: str) -> str:
    """Return the site path of a tag page."""
    return f"tags/{tag_slug}/{INDEX}"


def source_path(source_id: str) -> str:
    """Return the site path of a source page (see source_name)."""
    return f"sources/{source_name(source_id)}/{INDEX}"


def claims_path() -> str:
    """Return the site path of the page of every claim."""
    return f"claims/{INDEX}"


def year_name(year: int) -> str:
    """Return the folder name of a year: '2023', or '44-bc' for -43."""
    return str(year) if year > 0 else f"{1 - year}-bc"


def year_path(year: int) -> str:
    """Return the site path of a year page."""
    return f"years/{year_name(year)}/{INDEX}"


def month_path(year: int, month: int) -> str:
    """Return the site path of a month page (a year of many events is split by month)."""
    return f"years/{year_name(year)}/{month:02d}/{INDEX}"


def part_path(path: str, year: int) -> str:
    """Return the site path of one year of a split listing page (a tag's or a source's)."""
    return f"{path.removesuffix(INDEX)}{year_name(year)}/{INDEX}"


def sources_path(number: int) -> str:
    """Return the site path of page number of the source list (1 is sources/index.html;
    the others are files, which no source's folder can be named like)."""
    return f"sources/{INDEX}" if number == 1 else f"sources/index-{number}.html"


def notes_path() -> str:
    """Return the site path of the page of editor's notes."""
    return f"notes/{INDEX}"


def rebase_url(url: str, *, from_path: str, to_path: str, pretty: bool = False) -> str:
    """Return a link written on the page at from_path as it must be written on to_path
    (the same target); web URLs, `mailto:` and root-relative links stay as they are."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    tail = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment or url.endswith("#") else "")
    if not parts.path:
        return relative_url(to_path, from_path, pretty=pretty) + tail
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), parts.path))
    return "../" * to_path.count("/") + target + ("/" if parts.path.endswith("/") else "") + tail


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


def doi_url(doi: str) -> str:
    """Return the link that resolves a DOI (10.NNNN/suffix), its suffix percent-encoded
    where a URL needs it ('#', '?', '%', spaces, '<'...), as the DOI Handbook asks."""
    return DOI_RESOLVER + quote(doi, safe="/:;()[]._-~@!$'*+,=")


def isbn_url(isbn: str) -> str:
    """Return the link to a book's page by its ISBN (checked digits, maybe an X)."""
    return ISBN_RESOLVER + quote(isbn, safe="")
