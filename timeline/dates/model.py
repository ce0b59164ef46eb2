"""Event dates as data: a point or interval known to a precision, its order and its label.

Years are astronomical (0 is 1 BC, -43 is 44 BC) and the calendar is the
proleptic Gregorian one, computed here so that no year is out of range
(`datetime` stops at year 1). Reading dates is in parse.py; zones in zones.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateError(ValueError):
    """A date string that cannot be read; the message is meant for the user."""


class Precision(enum.IntEnum):
    """How finely a date is known, ordered coarse to fine."""

    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4
    SECOND = 5


def days_in_month(year: int, month: int) -> int:
    """Return the number of days in a month of an astronomical (proleptic Gregorian) year."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year: int, month: int, day: int) -> int:
    """Return days since 1970-01-01 for a proleptic Gregorian date (any year)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """Return (year, month, day) of a day counted from 1970-01-01 (any year)."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _year_text(year: int) -> str:
    """Format an astronomical year the ISO 8601 way: 2023, 0000, -0043."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def year_label(year: int) -> str:
    """Format an astronomical year for people: 2023, 33, 1 BC, 44 BC."""
    return str(year) if year >= 1 else f"{1 - year} BC"


def offset_text(offset: int) -> str:
    """Format an offset in minutes as +03:00."""
    hours, minutes = divmod(abs(offset), 60)
    return f"{'-' if offset < 0 else '+'}{hours:02d}:{minutes:02d}"


def offset_label(offset: int) -> str:
    """Label a numeric offset: UTC, UTC+03:00."""
    return "UTC" if offset == 0 else "UTC" + offset_text(offset)


def weekday_of(year: int, month: int, day: int) -> int:
    """Return the weekday, Monday 0, of a proleptic Gregorian date."""
    return (days_from_civil(year, month, day) + 3) % 7  # 1970-01-01 was a Thursday


def _qualify(text: str, approximate: bool, uncertain: bool) -> str:
    """Add the circa prefix and question-mark suffix to a label."""
    return f"{'c. ' if approximate else ''}{text}{'?' if uncertain else ''}"


@dataclass(frozen=True)
class DatePoint:
    """One date or time, known to a precision; years are astronomical (0 == 1 BC)."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    precision: Precision = Precision.YEAR
    offset: int | None = None
    zone_label: str | None = None
    approximate: bool = False
    uncertain: bool = False

    def iso(self) -> str:
        """Return the ISO 8601 form at this precision, without qualifiers."""
        text = _year_text(self.year)
        if self.precision >= Precision.MONTH:
            text += f"-{self.month:02d}"
        if self.precision >= Precision.DAY:
            text += f"-{self.day:02d}"
        if self.precision >= Precision.MINUTE:
            text += f"T{self.hour:02d}:{self.minute:02d}"
            if self.precision >= Precision.SECOND:
                text += f":{self.second:02d}"
            text += offset_text(self.offset or 0)
        return text

    def label(self) -> str:
        """Return an English label such as '4 January 2023, 14:30 MSK' or 'c. 2560 BC'."""
        text = year_label(self.year)
        if self.precision >= Precision.MONTH:
            text = f"{MONTH_NAMES[(self.month or 1) - 1]} {text}"
        if self.precision >= Precision.DAY:
            text = f"{self.day} {text}"
        if self.precision >= Precision.MINUTE:
            text += f", {self.hour:02d}:{self.minute:02d}"
            if self.precision >= Precision.SECOND:
                text += f":{self.second:02d}"
            text += f" {self.zone_label or offset_label(self.offset or 0)}"
        return _qualify(text, self.approximate, self.uncertain)

    def _local_seconds(self) -> int:
        """Return the period's start as local seconds since 1970-01-01."""
        days = days_from_civil(self.year, self.month or 1, self.day or 1)
        return days * 86400 + (self.hour or 0) * 3600 + (self.minute or 0) * 60 + (self.second or 0)

    def start_key(self, default_offset: int = 0) -> int:
        """Return the first instant in UTC seconds since 1970; dates start at default_offset."""
        offset = self.offset if self.offset is not None else default_offset
        return self._local_seconds() - offset * 60

    def end_key(self, default_offset: int = 0) -> int:
        """Return the first instant after the period in UTC seconds since 1970."""
        start = self.start_key(default_offset)
        if self.precision is Precision.YEAR:
            return start + 86400 * (days_from_civil(self.year + 1, 1, 1)
                                    - days_from_civil(self.year, 1, 1))
        if self.precision is Precision.MONTH:
            return start + 86400 * days_in_month(self.year, self.month or 1)
        return start + {Precision.DAY: 86400, Precision.MINUTE: 60}.get(self.precision, 1)

    def html_datetime(self) -> str | None:
        """Return a value for HTML <time datetime>, or None for years before 1 AD."""
        return self.iso() if self.year >= 1 else None


@dataclass(frozen=True)
class EventDate:
    """When an event happened: one date point or an interval."""

    start: DatePoint
    end: DatePoint | None = None
    tz_offset: int = 0

    @property
    def precision(self) -> Precision:
        """Return the precision of the start."""
        return self.start.precision

    @property
    def approximate(self) -> bool:
        """Tell whether either end is approximate."""
        return self.start.approximate or (self.end is not None and self.end.approximate)

    @property
    def uncertain(self) -> bool:
        """Tell whether either end is uncertain."""
        return self.start.uncertain or (self.end is not None and self.end.uncertain)

    def sort_key(self) -> tuple[int, int]:
        """Return (start instant in UTC seconds, precision): coarser sorts first on ties."""
        return self.start.start_key(self.tz_offset), int(self.start.precision)

    def label(self) -> str:
        """Return a label: the start's, or 'start – end' (compact when both share a year)."""
        if self.end is None:
            return self.start.label()
        compact = _compact_range(self.start, self.end)
        return compact or f"{self.start.label()} – {self.end.label()}"

    def to_json(self) -> dict[str, object]:
        """Return a JSON-ready dict of this date."""
        return {
            "start": self.start.iso(),
            "end": self.end.iso() if self.end is not None else None,
            "precision": self.precision.name.lower(),
            "approximate": self.approximate,
            "uncertain": self.uncertain,
            "display": self.label(),
        }


def _compact_range(start: DatePoint, end: DatePoint) -> str | None:
    """Return a compact label for two unqualified dates of one date precision, else None."""
    if (start.precision != end.precision or start.precision > Precision.DAY
            or start.approximate or start.uncertain or end.approximate or end.uncertain):
        return None
    if start == end:
        return start.label()
    if start.precision is Precision.YEAR:
        if start.year >= 1 and end.year >= 1:
            return f"{start.year}–{end.year}"
        if start.year < 1 and end.year < 1:
            return f"{1 - start.year}–{1 - end.year} BC"
        return None
    if start.year != end.year:
        return None
    year = year_label(start.year)
    first, last = MONTH_NAMES[(start.month or 1) - 1], MONTH_NAMES[(end.month or 1) - 1]
    if start.precision is Precision.MONTH:
        return f"{first}–{last} {year}"
    if start.month == end.month:
        return f"{start.day}–{end.day} {last} {year}"
    return f"{start.day} {first} – {end.day} {last} {year}"
