"""Read an event's `claims:`: figures that sources give differently, each account cited."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from timeline.content.citations import Numbering, parse_bracket
from timeline.content.frontmatter import YamlDoc, kind_of
from timeline.dates.model import DateError, EventDate
from timeline.dates.parse import parse_event_date
from timeline.errors import Report, did_you_mean
from timeline.model import Account, Claim, Source

CLAIM_FIELDS = ("label", "accounts")
ACCOUNT_FIELDS = ("value", "by", "source", "as_of")
SOURCE_EXAMPLE = 'e.g. source: "article-2023-01-05, para. 3"'
HINTS = {"label": "what is claimed, e.g. label: Killed",
         "value": "the figure or statement as the source gives it",
         "by": "who gives the value",
         "source": f"the id of the source that gives it, {SOURCE_EXAMPLE}",
         "as_of": "a date"}


@dataclass
class _Reader:
    """Check one file's claims against its sources; every problem goes to the report."""

    meta: YamlDoc
    path: str
    available: Mapping[str, Source]
    zone: str
    date_order: str | None
    report: Report

    def error(self, message: str, *at: str | int) -> None:
        self.report.error(self.path, self.meta.line(*at), message)

    def unknown_keys(self, item: dict[str, Any], known: tuple[str, ...], kind: str,
                     *at: str | int) -> None:
        for key in item:
            if key not in known:
                self.error(f"unknown {kind} field '{key}'.{did_you_mean(key, set(known))}",
                           *at, key)

    def text(self, item: dict[str, Any], key: str, what: str, *at: str | int) -> str | None:
        """Return item[key] as non-empty text, or None after reporting what is wrong."""
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            where = (*at, key) if key in item else at
            self.error(f"{what} needs '{key}': {HINTS[key]}", *where)
            return None
        if not isinstance(value, str):
            self.error(f"'{key}' of {what} must be text, not a {kind_of(value)}", *at, key)
            return None
        return " ".join(value.split())

    def claim(self, item: Any, index: int) -> Claim | None:
        at: tuple[str | int, ...] = ("claims", index)
        if not isinstance(item, dict):
            self.error("each claim must be a mapping with 'label' and 'accounts'", *at)
            return None
        self.unknown_keys(item, CLAIM_FIELDS, "claim", *at)
        label = self.text(item, "label", "a claim", *at)
        accounts = item.get("accounts")
        name = f"claim '{label}'" if label else "a claim"
        if accounts is None or accounts == []:
            where = (*at, "accounts") if "accounts" in item else at
            self.error(f"{name} needs at least one account in 'accounts', each with "
                       "value, by and source", *where)
            return None
        if not isinstance(accounts, list):
            self.error(f"'accounts' of {name} must be a list", *at, "accounts")
            return None
        read = [self.account(account, (*at, "accounts", n)) for n, account in enumerate(accounts)]
        if label is None or any(a is None for a in read):
            return None
        return Claim(label, tuple(a for a in read if a is not None))

    def account(self, item: Any, at: tuple[str | int, ...]) -> Account | None:
        if not isinstance(item, dict):
            self.error("each account must be a mapping with value, by and source", *at)
            return None
        self.unknown_keys(item, ACCOUNT_FIELDS, "account", *at)
        value = self.text(item, "value", "an account", *at)
        by = self.text(item, "by", "an account", *at)
        cited = self.source(item, at)
        as_of = self.as_of(item, at)
        if value is None or by is None or cited is None or as_of is False:
            return None
        return Account(value, by, cited[0], cited[1],
                       as_of=as_of if isinstance(as_of, EventDate) else None)

    def source(self, item: dict[str, Any], at: tuple[str | int, ...]
               ) -> tuple[str, str | None] | None:
        """Return the cited source id and locator of `source: "id, locator"`, as a body
        citation `[@id, locator]` reads them."""
        text = self.text(item, "source", "an account", *at)
        if text is None:
            return None
        cites = parse_bracket(text if text.startswith("@") else f"@{text}")
        if cites is None or len(cites) != 1 or cites[0].prefix:
            self.error(f"invalid source '{text}': give one source id and an optional "
                       f"locator, {SOURCE_EXAMPLE}", *at, "source")
            return None
        cite = cites[0]
        if cite.id not in self.available:
            self.error(f"unknown source '{cite.id}'.{did_you_mean(cite.id, set(self.available))}",
                       *at, "source")
            return None
        return cite.id, cite.locator

    def as_of(self, item: dict[str, Any], at: tuple[str | int, ...]) -> EventDate | bool:
        """Return the as_of date, True when none is given, False after an error."""
        if item.get("as_of") is None:
            return True
        text = self.text(item, "as_of", "an account", *at)
        if text is None:
            return False
        try:
            return parse_event_date(text, zone=self.zone, date_order=self.date_order)
        except DateError as error:
            self.error(f"'as_of': {error}", *at, "as_of")
            return False


def read_claims(meta: YamlDoc, path: str, available: Mapping[str, Source], *, zone: str,
                date_order: str | None, report: Report) -> tuple[Claim, ...]:
    """Return the claims of an event's front matter, not yet numbered; report problems."""
    value = meta.value.get("claims") if isinstance(meta.value, dict) else None
    if value is None:
        return ()
    reader = _Reader(meta, path, available, zone, date_order, report)
    if not isinstance(value, list):
        reader.error("'claims' must be a list of claims, each with a label and accounts",
                     "claims")
        return ()
    read = [reader.claim(item, index) for index, item in enumerate(value)]
    return tuple(claim for claim in read if claim is not None)


def cite_claims(claims: tuple[Claim, ...], numbering: Numbering) -> tuple[Claim, ...]:
    """Return the claims with each account cited: numbered with the body's citations, and
    given the anchor its note links back to."""
    cited = []
    for claim in claims:
        accounts = []
        for account in claim.accounts:
            number, anchor, _place = numbering.cite_all(account.source, [account.locator])
            accounts.append(dataclasses.replace(account, note=number, anchor=anchor))
        cited.append(dataclasses.replace(claim, accounts=tuple(accounts)))
    return tuple(cited)
