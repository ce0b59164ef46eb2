"""Time zones that times without an offset are read in: IANA names, offsets, abbreviations.

An abbreviation means the offset it had at the time it is written with, in a
zone that used it then (abbreviations.py lists the candidate zones): MSK in July
2012 is +04:00, in 2023 +03:00. When zones used it with different offsets at
that time (CST in January: US Central, China, Cuba), it is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timeline.dates.abbreviations import ABBREVIATIONS
from timeline.dates.model import DateError, civil_from_days, offset_label, offset_text

FIXED_ZONES: dict[str, int] = {"UTC": 0, "Z": 0}


def parse_offset(text: str, raw: str) -> int:
    """Convert Z, +03:00 or -0500 to minutes."""
    if text == "Z":
        return 0
    hours, minutes = int(text[1:3]), int(text[-2:])
    if hours > 23 or minutes > 59:
        raise DateError(f"offset {text} in '{raw}' is out of range")
    return (-1 if text[0] == "-" else 1) * (hours * 60 + minutes)


def _minutes(delta: timedelta | None) -> int:
    """Convert a utcoffset() to minutes."""
    return int((delta or timedelta()).total_seconds() / 60)


def _abbreviation(name: str) -> str | None:
    """Return the abbreviation as spelled in the table (ChST), case-insensitively, or None."""
    upper = name.upper()
    return next((key for key in ABBREVIATIONS if key.upper() == upper), None)


def _and(items: list[str]) -> str:
    """Join 'a', 'b' and 'c' the English way."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def abbreviation_uses(abbreviation: str, wall: datetime) -> dict[int, str]:
    """Return offset -> first candidate zone, for the zones showing this abbreviation at wall."""
    uses: dict[int, str] = {}
    for name in ABBREVIATIONS[abbreviation][2]:
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue  # an older tzdata on this machine
        for fold in (0, 1):
            local = wall.replace(tzinfo=zone, fold=fold)
            try:
                shown = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            except OverflowError:  # within hours of year 1 or 10000: no zone changes there
                shown = wall
            if local.tzname() == abbreviation and shown == wall:
                uses.setdefault(_minutes(local.utcoffset()), name)
    return uses


def abbreviation_offset(abbreviation: str, wall: datetime) -> int:
    """Return the offset an abbreviation meant at a wall time; refuse none or several."""
    uses = abbreviation_uses(abbreviation, wall)
    when = f"{wall.year:04d}-{wall:%m-%d %H:%M}"
    usual, ambiguous, zones = ABBREVIATIONS[abbreviation]
    if len(uses) == 1:
        offset, name = next(iter(uses.items()))
        if ambiguous and offset != usual:  # PST in July: only Manila's, not Los Angeles's
            raise DateError(f"time zone abbreviation '{abbreviation}' at {when} meant "
                            f"{offset_text(offset)} only in {name}, not its usual "
                            f"{offset_text(usual)}: write an IANA name such as {name} or "
                            f"{zones[0]}, or an offset")
        return offset
    if not uses:
        first = zones[0]
        shown = datetime(wall.year, wall.month, wall.day, wall.hour, wall.minute,
                         tzinfo=ZoneInfo(first)).tzname()
        raise DateError(f"time zone abbreviation '{abbreviation}' was not in use at {when} "
                        f"({first} used {shown} then): write an IANA name such as {first}, "
                        f"or an offset")
    if len(set(uses.values())) == 1:
        first, second = (offset_text(offset) for offset in uses)
        raise DateError(f"{when} {abbreviation} happened twice in {uses[next(iter(uses))]} (the "
                        f"clocks went back): give the offset, {first} or {second}")
    listing = _and([f"{offset_text(offset)} in {name}" for offset, name in uses.items()])
    raise DateError(f"time zone abbreviation '{abbreviation}' is ambiguous at {when}: it meant "
                    f"{listing}: write one of these IANA names, or an offset")


def zone_label(name: str | None, offset: int, wall: datetime) -> str:
    """Label a time's zone: the abbreviation, with the offset when it alone could mislead.

    The abbreviation stands alone only if reading it back at this wall time gives
    this offset (no other zone used it with another offset then) and this is its
    usual offset (MSK in 2012 was +04:00, shown as "MSK (UTC+04:00)").
    """
    if not name or not name.isalpha() or name == "LMT":
        return offset_label(offset)
    if FIXED_ZONES.get(name) == offset:
        return name
    entry = ABBREVIATIONS.get(name)
    if entry is not None and entry[0] == offset and set(abbreviation_uses(name, wall)) == {offset}:
        return name
    return f"{name} ({offset_label(offset)})"


@dataclass(frozen=True)
class Zone:
    """A time zone that times without an offset are read in: fixed, IANA, or an abbreviation."""

    name: str
    fixed_offset: int | None = None
    abbreviation: bool = False

    def at(self, year: int, month: int = 1, day: int = 1, hour: int = 0,
           minute: int = 0, *, strict: bool = False) -> tuple[int, str]:
        """Return (UTC offset in minutes, display label) for a local time in this zone.

        Not strict (the start of a date without a time, used for ordering), an
        abbreviation not in use or ambiguous at that time gives its usual offset.
        """
        if self.fixed_offset is not None:
            return self.fixed_offset, self.name
        if not 1 <= year <= 9999:
            return (ABBREVIATIONS[self.name][0], self.name) if self.abbreviation else (0, "UTC")
        wall = datetime(year, month, day, hour, minute)
        if self.abbreviation:
            try:
                offset = abbreviation_offset(self.name, wall)
            except DateError:
                if strict:
                    raise
                offset = ABBREVIATIONS[self.name][0]
            return offset, zone_label(self.name, offset, wall)
        local = wall.replace(tzinfo=ZoneInfo(self.name))
        if strict:
            self._check_exists(local)
        offset = _minutes(local.utcoffset())
        return offset, zone_label(local.tzname(), offset, wall)

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
        delta = moment.astimezone(self.tzinfo()).utcoffset()
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
            first, second = (offset_text(_minutes(d.utcoffset()))
                             for d in (local, local.replace(fold=1)))
            raise DateError(f"{wall:%Y-%m-%d %H:%M} happened twice in {self.name} (the clocks "
                            f"went back): give the offset, {first} or {second}")

    def tzinfo(self) -> tzinfo:
        """Return this zone as a datetime tzinfo."""
        if self.fixed_offset is not None:
            return timezone(timedelta(minutes=self.fixed_offset), self.name)
        if self.abbreviation:
            return AbbreviationInfo(self.name)
        return ZoneInfo(self.name)


# A day inside each end of datetime's range, as UTC seconds since 1970.
_FIRST_SAFE_INSTANT = int(datetime(1, 1, 2, tzinfo=UTC).timestamp())
_LAST_SAFE_INSTANT = int(datetime(9999, 12, 30, tzinfo=UTC).timestamp())



class AbbreviationInfo(tzinfo):
    """An abbreviation as a tzinfo: converting to it uses the zones that showed it then."""

    def __init__(self, abbreviation: str) -> None:
        self.abbreviation = abbreviation

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """Return the offset the abbreviation meant at a wall time (its usual one if unclear)."""
        offset = ABBREVIATIONS[self.abbreviation][0]
        if dt is not None:
            uses = abbreviation_uses(self.abbreviation, dt.replace(tzinfo=None))
            offset = next(iter(uses)) if len(uses) == 1 else offset
        return timedelta(minutes=offset)

    def tzname(self, dt: datetime | None) -> str:
        """Return the abbreviation."""
        return self.abbreviation

    def dst(self, dt: datetime | None) -> timedelta | None:
        """Return None: the abbreviation says nothing about summer time."""
        return None

    def fromutc(self, dt: datetime) -> datetime:
        """Convert UTC to wall time in the first candidate zone that showed the abbreviation."""
        moment = dt.replace(tzinfo=UTC)
        for name in ABBREVIATIONS[self.abbreviation][2]:
            local = moment.astimezone(ZoneInfo(name))
            if local.tzname() == self.abbreviation:
                return (dt + (local.utcoffset() or timedelta())).replace(tzinfo=self)
        return (dt + timedelta(minutes=ABBREVIATIONS[self.abbreviation][0])).replace(tzinfo=self)


def resolve_zone(name: str, *, in_date: bool = False) -> Zone:
    """Validate an IANA zone name, an offset or an abbreviation and return it as a Zone.

    A `timezone` setting holds for every date, so it may not be an abbreviation
    that zones have used with different offsets at once (IST, CST); written in a
    date (in_date), such an abbreviation is checked at that date instead.
    """
    key = name.strip()
    upper = key.upper()
    if upper in FIXED_ZONES:
        return Zone("UTC", FIXED_ZONES[upper])
    if re.fullmatch(r"(?:UTC)?[+-]\d{2}:?\d{2}", upper):
        offset = parse_offset(upper.removeprefix("UTC"), name)
        return Zone(offset_label(offset), offset)
    abbreviation = _abbreviation(key)
    if abbreviation is not None:
        _, ambiguous, zones = ABBREVIATIONS[abbreviation]
        if ambiguous and not in_date:
            listing = _and([*zones[:3], "others"] if len(zones) > 3 else list(zones))
            raise DateError(f"time zone abbreviation '{key}' is ambiguous: {listing} have "
                            f"used it with different offsets at the same time: set an IANA "
                            f"name such as {zones[0]}, or an offset")
        return Zone(abbreviation, abbreviation=True)
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown time zone '{name}': use an IANA name such as "
                        f"Europe/Moscow, an offset such as +03:00, or UTC") from None
    return Zone(key)
