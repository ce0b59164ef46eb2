"""Files that content points to (media, local copies of sources): where they are in the site."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from timeline.content.gate import CONTENT_DIR, copy_source, image_size
from timeline.content.links import resolve
from timeline.errors import ContentError

_WEB = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class AttachmentError(ValueError):
    """A file reference that cannot be published; the message is for the author."""


def attachment_path(what: str, src: str, referrer: str, project: Path | None,
                    *, web: bool = True) -> str:
    """Return the site path of a file named relative to referrer (a project path).

    With web, an http(s) URL is returned as it is. The file must exist and stay
    inside content/, which is copied to the site root.
    """
    if web and _WEB.match(src):
        return src
    if _SCHEME.match(src) or src.startswith("/"):
        where = "a file beside it or an http(s) URL" if web else "a file beside it"
        raise AttachmentError(f"{what} '{src}' must be {where}")
    if "#" in src or "?" in src:
        raise AttachmentError(f"{what} '{src}' has '#' or '?', which a URL reads as the end "
                              "of a file name: rename the file")
    in_project = posixpath.normpath(posixpath.join(posixpath.dirname(referrer), src))
    if not in_project.startswith(CONTENT_DIR + "/"):
        raise AttachmentError(f"{what} '{src}' points outside {CONTENT_DIR}/")
    if project is not None:
        if not os.path.lexists(project / in_project):
            raise AttachmentError(f"file not found: {in_project}")
        try:
            copy_source(project, in_project)
        except ContentError as error:
            raise AttachmentError(f"file {in_project}: {error.diagnostic.message}") from None
    return in_project.removeprefix(CONTENT_DIR + "/")


def attachment_size(src: str, project: Path | None) -> tuple[int, int] | None:
    """Return the width and height of an image that attachment_path returned, None for a
    web URL, a file that is not an image, or without a project to read it from."""
    if project is None or _WEB.match(src):
        return None
    return image_size(project, f"{CONTENT_DIR}/{src}")


def body_image_size(src: str, page: str, project: Path | None) -> tuple[int, int] | None:
    """Return the width and height of an image a body shows by a URL relative to its page
    (site path page), when that is a file of content/; None for anything else (a web
    URL, a missing or refused file: `timeline check` reports broken links)."""
    target = resolve(page, src) if project is not None else None
    if project is None or target is None or target.startswith("../"):
        return None
    try:
        return image_size(project, f"{CONTENT_DIR}/{target}")
    except ContentError:
        return None
