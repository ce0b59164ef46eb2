"""Event dates as data: a point or interval known to a precision, its order and its label.

Years are astronomical (0 is 1 BC, -43 is 44 BC) and the calendar is the
proleptic Gregorian one, computed here so that no year is out of range
(`datetime` stops at year 1). Reading dates is in parse.py; zones in zones.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.dates.locale import DateLocale

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")

SEASON_NAMES = ("Spring", "Summer", "Autumn", "Winter")  # EDTF 21-24, from March, June...

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateError(ValueError):
    """A date string that cannot be read; the message is meant for the user."""


class Precision(enum.IntEnum):
    """How finely a date is known, ordered coarse to fine."""

    CENTURY = 1  # 20XX: one year of 2000-2099
    DECADE = 2  # 201X: the 2010s
    YEAR = 3
    SEASON = 4  # 2001-21: three months from March, June, September or December
    MONTH = 5
    DAY = 6
    MINUTE = 7
    SECOND = 8


class Missing(enum.Enum):
    """An interval end that is not a date: open (`..`, it goes on) or unknown (empty)."""

    OPEN = ".."
    UNKNOWN = ""


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
    """Format an astronomical year the EDTF way: 2023, 0000, -0043, Y170000002."""
    if abs(year) > 9999:
        return f"Y{year}"
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def _number(value: int) -> str:
    """Format a year number, grouping the digits from five on: 2023, 10,000."""
    return f"{value:,}" if value >= 10000 else str(value)


def year_label(year: int, locale: DateLocale | None = None) -> str:
    """Format an astronomical year for people: 2023, 33, 1 BC, 44 BC, 170,000,003 BC."""
    if locale is not None:
        return locale.year(year)
    return _number(year) if year >= 1 else f"{_number(1 - year)} BC"


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


def month_label(year: int, month: int, locale: DateLocale | None = None) -> str:
    """Format a month with its year, as a heading: September 2022, сентябрь 2022."""
    if locale is not None:
        return locale.month_year(year, month)
    return f"{MONTH_NAMES[month - 1]} {year_label(year)}"


def _qualify(text: str, approximate: bool, uncertain: bool,
             locale: DateLocale | None = None) -> str:
    """Add the circa prefix and question-mark suffix to a label."""
    if locale is not None:
        return (f"{locale.word('c. ') if approximate else ''}{text}"
                f"{locale.word('?') if uncertain else ''}")
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
    unspecified: Precision | None = None  # the finest unit written as XX: 2004-XX is MONTH

    def iso(self) -> str:
        """Return the ISO 8601/EDTF form at this precision, without qualifiers."""
        if self.precision is Precision.CENTURY:
            return f"{self.year // 100:02d}XX"
        if self.precision is Precision.DECADE:
            return f"{self.year // 10:03d}X"
        text = _year_text(self.year)
        if self.precision is Precision.SEASON:
            return f"{text}-{20 + (self.month or 3) // 3}"
        unspecified = self.unspecified or Precision.YEAR
        if self.precision >= Precision.MONTH:
            text += f"-{self.month:02d}"
        elif unspecified >= Precision.MONTH:
            text += "-XX"
        if self.precision >= Precision.DAY:
            text += f"-{self.day:02d}"
        elif unspecified >= Precision.DAY:
            text += "-XX"
        if self.precision >= Precision.MINUTE:
            text += f"T{self.hour:02d}:{self.minute:02d}"
            if self.precision >= Precision.SECOND:
                text += f":{self.second:02d}"
            text += offset_text(self.offset or 0)
        return text

    def edtf(self, *, in_interval: bool = False) -> str:
        """Return the EDTF form with its qualifier; EDTF has no qualified or interval times."""
        symbol = {(True, True): "%", (True, False): "~", (False, True): "?"}.get(
            (self.approximate, self.uncertain), "")
        if self.precision >= Precision.MINUTE and (symbol or in_interval):
            return replace(self, precision=Precision.DAY).iso() + symbol
        if self.precision >= Precision.MINUTE:  # EDTF times have seconds, and UTC is Z
            text = replace(self, precision=Precision.SECOND, second=self.second or 0).iso()
            return text.removesuffix("+00:00") + ("Z" if text.endswith("+00:00") else "")
        return self.iso() + symbol

    def label(self, locale: DateLocale | None = None) -> str:
        """Return an English label such as '4 January 2023, 14:30 MSK' or 'c. 2560 BC'."""
        if locale is not None:
            return _local_label(self, locale)
        if self.precision <= Precision.DECADE:
            return _qualify(_span_label(self.year, self.precision), self.approximate,
                            self.uncertain) + (", year unknown"
                                               if self.precision is Precision.CENTURY else "")
        text = year_label(self.year)
        if self.precision is Precision.SEASON:
            text = f"{SEASON_NAMES[(self.month or 3) // 3 - 1]} {text}"
        if self.precision >= Precision.MONTH:
            text = f"{MONTH_NAMES[(self.month or 1) - 1]} {text}"
        if self.precision >= Precision.DAY:
            text = f"{self.day} {text}"
        if self.precision >= Precision.MINUTE:
            text += f", {self.hour:02d}:{self.minute:02d}"
            if self.precision >= Precision.SECOND:
                text += f":{self.second:02d}"
            text += f" {self.zone_label or offset_label(self.offset or 0)}"
        text = _qualify(text, self.approximate, self.uncertain)
        if self.unspecified is Precision.MONTH:
            return f"{text}, month unknown"
        if self.unspecified is Precision.DAY:
            return f"{text}, {'day' if self.month else 'month and day'} unknown"
        return text

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
        if self.precision <= Precision.MONTH:
            years = {Precision.CENTURY: 100, Precision.DECADE: 10, Precision.YEAR: 1}
            months = {Precision.SEASON: 3, Precision.MONTH: 1}
            month = (self.month or 1) - 1 + months.get(self.precision, 0)
            year = self.year + years.get(self.precision, 0) + month // 12
            return start + 86400 * (days_from_civil(year, month % 12 + 1, 1)
                                    - days_from_civil(self.year, self.month or 1, 1))
        return start + {Precision.DAY: 86400, Precision.MINUTE: 60}.get(self.precision, 1)

    def html_datetime(self) -> str | None:
        """Return a value for HTML <time datetime>; None before 1 AD and for spans HTML lacks."""
        if self.year < 1 or self.precision in (Precision.CENTURY, Precision.DECADE,
                                               Precision.SEASON):
            return None
        return self.iso().removeprefix("Y").replace("-XX", "")


@dataclass(frozen=True)
class EventDate:
    """When an event happened: one date point or an interval."""

    start: DatePoint  # with a missing start (../B, /B), the one date known: B
    end: DatePoint | None = None
    tz_offset: int = 0
    missing_start: Missing | None = None
    missing_end: Missing | None = None

    @property
    def is_interval(self) -> bool:
        """Tell whether this is an interval, with both ends or one missing."""
        return self.end is not None or self.missing_start is not None \
            or self.missing_end is not None

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
        """Return (start instant in UTC seconds, precision): coarser sorts first on ties.

        An interval without a start sorts at its end, before the dates that begin there.
        """
        precision = 0 if self.missing_start is not None else int(self.start.precision)
        return self.start.start_key(self.tz_offset), precision

    def edtf(self) -> str:
        """Return the date in EDTF: 2004-06~, 1985/.., ../1985-04-12, 201X, -0043-03-15."""
        if self.missing_start is not None:
            return f"{self.missing_start.value}/{self.start.edtf(in_interval=True)}"
        if self.missing_end is not None:
            return f"{self.start.edtf(in_interval=True)}/{self.missing_end.value}"
        if self.end is not None:
            return f"{self.start.edtf(in_interval=True)}/{self.end.edtf(in_interval=True)}"
        return self.start.edtf()

    def label(self, locale: DateLocale | None = None) -> str:
        """Return a label: the start's, or 'start – end' (compact when both share a year)."""
        if locale is not None:
            return _local_interval(self, locale)
        if self.missing_start is not None:
            unknown = ", start unknown" if self.missing_start is Missing.UNKNOWN else ""
            return f"until {self.start.label()}{unknown}"
        if self.missing_end is not None:
            known = ", end unknown" if self.missing_end is Missing.UNKNOWN else " on"
            return f"from {self.start.label()}{known}"
        if self.end is None:
            return self.start.label()
        compact = _compact_range(self.start, self.end)
        return compact or f"{self.start.label()} – {self.end.label()}"

    def to_json(self) -> dict[str, object]:
        """Return a JSON-ready dict of this date."""
        known = self.start.iso()
        return {
            "start": None if self.missing_start is not None else known,
            "end": known if self.missing_start is not None else (
                self.end.iso() if self.end is not None else None),
            "edtf": self.edtf(),
            "precision": self.precision.name.lower(),
            "approximate": self.approximate,
            "uncertain": self.uncertain,
            "display": self.label(),
        }


def _span_label(year: int, precision: Precision) -> str:
    """Label a decade (2010s) or a century of years (2000–2099) that starts at `year`."""
    length = 10 if precision is Precision.DECADE else 100
    if year == 0:
        return f"1 BC – AD {length - 1}"
    return f"{year}s" if precision is Precision.DECADE else f"{year}–{year + length - 1}"


def _compact_range(start: DatePoint, end: DatePoint) -> str | None:
    """Return a compact label for two unqualified dates of one date precision, else None."""
    if (start.precision != end.precision
            or start.precision not in (Precision.YEAR, Precision.MONTH, Precision.DAY)
            or start.unspecified or end.unspecified
            or start.approximate or start.uncertain or end.approximate or end.uncertain):
        return None
    if start == end:
        return start.label()
    if start.precision is Precision.YEAR:
        if start.year >= 1 and end.year >= 1:
            return f"{_number(start.year)}–{_number(end.year)}"
        if start.year < 1 and end.year < 1:
            return f"{_number(1 - start.year)}–{_number(1 - end.year)} BC"
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


def _local_label(point: DatePoint, locale: DateLocale) -> str:
    """Return a date point's label in a language other than English, from CLDR."""
    word = locale.word
    if point.precision <= Precision.DECADE:
        length = 10 if point.precision is Precision.DECADE else 100
        if point.year == 0:
            text = f"{locale.year(0)} – {length - 1} {locale.era}"
        elif point.precision is Precision.DECADE:
            text = word("%(year)ss").replace("%(year)s", str(point.year))
        else:
            text = f"{point.year}–{point.year + length - 1}"
        text = _qualify(text, point.approximate, point.uncertain, locale)
        return text + (word(", year unknown") if point.precision is Precision.CENTURY else "")
    month = point.month or 1
    if point.precision >= Precision.DAY:
        text = locale.day(point.year, month, point.day or 1)
    elif point.precision is Precision.MONTH:
        text = locale.month_year(point.year, month)
    elif point.precision is Precision.SEASON:
        text = f"{word(SEASON_NAMES[month // 3 - 1])} {locale.year(point.year)}"
    else:
        text = locale.year(point.year)
    if point.precision >= Precision.MINUTE:
        text += f", {point.hour:02d}:{point.minute:02d}"
        if point.precision >= Precision.SECOND:
            text += f":{point.second:02d}"
        text += f" {point.zone_label or offset_label(point.offset or 0)}"
    text = _qualify(text, point.approximate, point.uncertain, locale)
    if point.unspecified is Precision.MONTH:
        return text + word(", month unknown")
    if point.unspecified is Precision.DAY:
        return text + word(", day unknown" if point.month else ", month and day unknown")
    return text


def _local_interval(date: EventDate, locale: DateLocale) -> str:
    """Return an event date's label in a language other than English."""
    word = locale.word
    if date.missing_start is not None:
        unknown = word(", start unknown") if date.missing_start is Missing.UNKNOWN else ""
        return f"{word('until ')}{date.start.label(locale)}{unknown}"
    if date.missing_end is not None:
        known = word(", end unknown") if date.missing_end is Missing.UNKNOWN else word(" on")
        return f"{word('from ')}{date.start.label(locale)}{known}"
    start, end = date.start, date.end
    if end is None or start == end:
        return start.label(locale)
    plain = (start.precision == end.precision and not start.unspecified
             and not end.unspecified and not date.approximate and not date.uncertain)
    if plain and start.precision is Precision.YEAR and start.year >= 1 and end.year >= 1:
        return f"{locale.number(start.year)}–{locale.number(end.year)}"
    if plain and start.year == end.year and start.precision is Precision.MONTH:
        return (f"{locale.stand_alone[(start.month or 1) - 1]}–"
                f"{locale.month_year(end.year, end.month or 1)}")
    if (plain and start.year == end.year and start.month == end.month
            and start.precision is Precision.DAY and locale.day_first):
        return f"{start.day}–{end.label(locale)}"
    return f"{start.label(locale)} – {end.label(locale)}"
