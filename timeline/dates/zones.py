"""Time zones that times without an offset are read in: IANA names, offsets, abbreviations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timeline.dates.model import DateError, civil_from_days, offset_label, offset_text

# Unambiguous zone abbreviations -> UTC offset in minutes.
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "SAMT": 240, "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780,
}
AMBIGUOUS_ZONES = frozenset({"IST", "AST", "ADT", "AMT", "AMST", "BDT", "CCT", "ECT", "GST",
                             "SST", "CAT", "MET", "PKT", "BRT", "WAT", "EAT"})


def parse_offset(text: str, raw: str) -> int:
    """Convert Z, +03:00 or -0500 to minutes."""
    if text == "Z":
        return 0
    hours, minutes = int(text[1:3]), int(text[-2:])
    if hours > 23 or minutes > 59:
        raise DateError(f"offset {text} in '{raw}' is out of range")
    return (-1 if text[0] == "-" else 1) * (hours * 60 + minutes)


@dataclass(frozen=True)
class Zone:
    """A time zone that times without an offset are read in: a fixed offset or an IANA zone."""

    name: str
    fixed_offset: int | None = None

    def at(self, year: int, month: int = 1, day: int = 1, hour: int = 0,
           minute: int = 0, *, strict: bool = False) -> tuple[int, str]:
        """Return (UTC offset in minutes, display label) for a local time in this zone."""
        if self.fixed_offset is not None:
            return self.fixed_offset, self.name
        if not 1 <= year <= 9999:
            return 0, "UTC"
        local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(self.name))
        delta = local.utcoffset()
        if strict:
            self._check_exists(local)
        offset = int(delta.total_seconds() / 60) if delta is not None else 0
        name = local.tzname() or ""
        return offset, name if name.isalpha() and name != "LMT" else offset_label(offset)

    def offset_at(self, seconds: int) -> int:
        """Return the UTC offset in minutes at an instant (UTC seconds since 1970).

        Instants beyond what datetime holds take the offset of the nearest one
        it does hold: no zone changes its offset in the first or last days of
        years 1-9999, and years outside them have no zone rules at all.
        """
        if self.fixed_offset is not None:
            return self.fixed_offset
        low, high = _FIRST_SAFE_INSTANT, _LAST_SAFE_INSTANT
        moment = datetime.fromtimestamp(min(max(seconds, low), high), UTC)
        delta = moment.astimezone(ZoneInfo(self.name)).utcoffset()
        return int(delta.total_seconds() / 60) if delta is not None else 0

    def local_time(self, seconds: int) -> tuple[int, int, int, int, int, int]:
        """Return (year, month, day, hour, minute, second) in this zone at an instant.

        Computed on integers, so that times at the ends of years 1-9999 do not
        overflow when the zone moves them into year 0 or 10000.
        """
        local = seconds + self.offset_at(seconds) * 60
        days, rest = divmod(local, 86400)
        year, month, day = civil_from_days(days)
        return year, month, day, rest // 3600, rest // 60 % 60, rest % 60

    def _check_exists(self, local: datetime) -> None:
        """Refuse a wall time skipped or repeated by a daylight-saving change."""
        wall = local.replace(tzinfo=None)
        try:
            round_trip = local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None)
        except OverflowError:  # within hours of year 1 or 10000: no zone changes there
            return
        if round_trip != wall:
            raise DateError(f"{wall:%Y-%m-%d %H:%M} does not exist in {self.name} (the clocks "
                            "went forward): check the time, or give an offset")
        if local.utcoffset() != local.replace(fold=1).utcoffset():
            first, second = (offset_text(int((d.utcoffset() or timedelta()).total_seconds()
                                              // 60))
                             for d in (local, local.replace(fold=1)))
            raise DateError(f"{wall:%Y-%m-%d %H:%M} happened twice in {self.name} (the clocks "
                            f"went back): give the offset, {first} or {second}")

    def tzinfo(self) -> tzinfo:
        """Return this zone as a datetime tzinfo."""
        if self.fixed_offset is not None:
            return timezone(timedelta(minutes=self.fixed_offset), self.name)
        return ZoneInfo(self.name)


# A day inside each end of datetime's range, as UTC seconds since 1970.
_FIRST_SAFE_INSTANT = int(datetime(1, 1, 2, tzinfo=UTC).timestamp())
_LAST_SAFE_INSTANT = int(datetime(9999, 12, 30, tzinfo=UTC).timestamp())


def resolve_zone(name: str) -> Zone:
    """Validate an IANA zone name or a known abbreviation and return it as a Zone."""
    key = name.strip()
    upper = key.upper()
    if upper in ZONE_ABBREVIATIONS:
        return Zone("UTC" if upper == "Z" else upper, ZONE_ABBREVIATIONS[upper])
    if re.fullmatch(r"(?:UTC)?[+-]\d{2}:?\d{2}", upper):
        offset = parse_offset(upper.removeprefix("UTC"), name)
        return Zone(offset_label(offset), offset)
    if upper in AMBIGUOUS_ZONES:
        raise DateError(f"time zone abbreviation '{key}' is ambiguous: write an offset "
                        f"such as +05:30 or an IANA name such as Asia/Kolkata")
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown time zone '{name}': use an IANA name such as "
                        f"Europe/Moscow, an offset such as +03:00, or UTC") from None
    return Zone(key)
