"""Gather the claims of a timeline for the claims page and the source pages (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from timeline.dates.model import EventDate
from timeline.model import Account, Claim, Timeline


@dataclass(frozen=True)
class ClaimItem:
    """One claim of one event, as the claims page lists it."""

    slug: str
    title: str
    date: EventDate
    claim: Claim


@dataclass(frozen=True)
class ClaimGroup:
    """Every claim of one label ("Killed"), by event in timeline order."""

    label: str
    items: tuple[ClaimItem, ...]

    @property
    def disputed(self) -> int:
        """Return how many of the claims are disputed."""
        return sum(item.claim.disputed for item in self.items)


@dataclass(frozen=True)
class SourceClaim:
    """An account that cites a source, with its claim and event, for the source's page."""

    slug: str
    title: str
    label: str
    disputed: bool
    account: Account


def claim_groups(timeline: Timeline) -> tuple[ClaimGroup, ...]:
    """Return every claim of the timeline grouped by label (labels sorted, an event's
    claims in timeline order)."""
    groups: dict[str, list[ClaimItem]] = {}
    for event in timeline.events:
        for claim in event.claims:
            groups.setdefault(claim.label, []).append(
                ClaimItem(event.slug, event.title, event.date, claim))
    return tuple(ClaimGroup(label, tuple(items))
                 for label, items in sorted(groups.items(), key=lambda kv: kv[0].casefold()))


def claims_citing(timeline: Timeline) -> dict[str, tuple[SourceClaim, ...]]:
    """Return the accounts citing each source id, in timeline order."""
    found: dict[str, list[SourceClaim]] = {}
    for event in timeline.events:
        for claim in event.claims:
            for account in claim.in_order():
                found.setdefault(account.source, []).append(
                    SourceClaim(event.slug, event.title, claim.label, claim.disputed, account))
    return {source_id: tuple(items) for source_id, items in found.items()}
