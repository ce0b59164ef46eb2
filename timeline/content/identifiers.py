"""Read the identifiers a reader can check a source by without a link: ISBN and DOI."""

from __future__ import annotations

import re
from urllib.parse import unquote

_ISBN_PREFIX = re.compile(r"^ISBN(?:-1[03])?:?\s*", re.IGNORECASE)
_ISBN_SEPARATORS = re.compile(r"[\s\-‐‑–]")  # spaces, hyphens (also Unicode's), en dashes
# 10., a registrant code of four or more ASCII digits (maybe subdivided: 10.1000.10), a
# slash and a suffix of visible characters (DOI Handbook 2.2; Crossref's fit 10.\d{4,9})
_DOI = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


class IdentifierError(ValueError):
    """An identifier that is not what its field says it is; the message says why, to
    follow "isbn of source 'x' "."""


def normalise_isbn(text: str) -> str:
    """Return an ISBN-10 or ISBN-13 as its digits alone (X last in an ISBN-10), checked.

    Hyphens, spaces and a leading "ISBN", "ISBN-13:"... are allowed and dropped; the
    check digit must match, so a mistyped or swapped digit is caught here.
    """
    compact = _ISBN_SEPARATORS.sub("", _ISBN_PREFIX.sub("", text.strip())).upper()
    if re.fullmatch(r"[0-9]{9}[0-9X]", compact):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(compact))
        valid = total % 11 == 0
    elif re.fullmatch(r"97[89][0-9]{10}", compact):
        valid = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(compact)) % 10 == 0
    else:
        raise IdentifierError("must be an ISBN-10 or ISBN-13 (10 or 13 digits, an ISBN-13 "
                              "starting 978 or 979; hyphens and spaces are allowed), not "
                              f"'{text}'")
    if not valid:
        raise IdentifierError(f"is not a valid ISBN: the check digit of '{text}' does not "
                              "match the others (a digit is mistyped, or two are swapped)")
    return compact


def normalise_doi(text: str) -> str:
    """Return a DOI as 10.NNNN/suffix: without "doi:" or https://doi.org/ (whose
    percent-escapes are decoded), checked for the form of a DOI."""
    value = text.strip()
    prefix = _DOI_PREFIXES.match(value)
    if prefix is not None:
        value = value[prefix.end():]
        if prefix.group().lower().startswith("http"):
            value = unquote(value)
    if not _DOI.match(value) or not value.isprintable():
        raise IdentifierError("must be a DOI such as 10.1000/xyz123 (with or without doi: or "
                              f"https://doi.org/ before it), not '{text}'")
    return value
