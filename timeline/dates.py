"""Read, order and display event dates: ISO/EDTF forms, BC years, human forms, time zones."""

from __future__ import annotations

import enum
import re
import warnings
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as du_parser
from dateutil.parser import UnknownTimezoneWarning

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")

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

_ISO_TIME = (r"(?P<hour>\d{HOUR}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
             r"(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})|\s+(?P<zone>[A-Za-z][\w/+-]*))?")
_ISO = re.compile(r"(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})(?:[T ]"
                  + _ISO_TIME.replace("HOUR", "2") + r")?)?)?")
_ISO_LIKE = re.compile(r"-?\d+(?:-|$)")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d+)"
                      r"(?P<rest>.*)")
_NUMERIC_TIME = re.compile(r"(?:T|,?\s+)" + _ISO_TIME.replace("HOUR", "1,2"))
_HUMAN_TZ = re.compile(r"(?P<body>.*\d:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)"
                       r"(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})|\s+(?P<zone>[A-Za-z][\w/+-]*))")
_CIRCA = re.compile(r"(?:circa\b|ca\.|c\.)\s*", re.IGNORECASE)
_BC_SUFFIX = re.compile(r"\b(?:BCE?|B\.C\.(?:E\.)?)$", re.IGNORECASE)
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2004, 3, 2, 1, 1, 1))
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
_HINT = "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023"


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


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Return days since 1970-01-01 for a proleptic Gregorian date (any year)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _year_text(year: int) -> str:
    """Format an astronomical year the ISO 8601 way: 2023, 0000, -0043."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def _year_label(year: int) -> str:
    """Format an astronomical year for people: 2023, 33, 1 BC, 44 BC."""
    return str(year) if year >= 1 else f"{1 - year} BC"


def _offset_text(offset: int) -> str:
    """Format an offset in minutes as +03:00."""
    hours, minutes = divmod(abs(offset), 60)
    return f"{'-' if offset < 0 else '+'}{hours:02d}:{minutes:02d}"


def _offset_label(offset: int) -> str:
    """Label a numeric offset: UTC, UTC+03:00."""
    return "UTC" if offset == 0 else "UTC" + _offset_text(offset)


def _qualify(text: str, approximate: bool, uncertain: bool) -> str:
    """Add the circa prefix and question-mark suffix to a label."""
    return f"{'c. ' if approximate else ''}{text}{'?' if uncertain else ''}"


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
        return offset, name if name.isalpha() and name != "LMT" else _offset_label(offset)


    def _check_exists(self, local: datetime) -> None:
        """Refuse a wall time skipped or repeated by a daylight-saving change."""
        wall = local.replace(tzinfo=None)
        if local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) != wall:
            raise DateError(f"{wall:%Y-%m-%d %H:%M} does not exist in {self.name} (the clocks "
                            "went forward): check the time, or give an offset")
        if local.utcoffset() != local.replace(fold=1).utcoffset():
            first, second = (_offset_text(int((d.utcoffset() or timedelta()).total_seconds()
                                              // 60))
                             for d in (local, local.replace(fold=1)))
            raise DateError(f"{wall:%Y-%m-%d %H:%M} happened twice in {self.name} (the clocks "
                            f"went back): give the offset, {first} or {second}")

    def tzinfo(self) -> tzinfo:
        """Return this zone as a datetime tzinfo."""
        if self.fixed_offset is not None:
            return timezone(timedelta(minutes=self.fixed_offset), self.name)
        return ZoneInfo(self.name)


def resolve_zone(name: str) -> Zone:
    """Validate an IANA zone name or a known abbreviation and return it as a Zone."""
    key = name.strip()
    upper = key.upper()
    if upper in ZONE_ABBREVIATIONS:
        return Zone("UTC" if upper == "Z" else upper, ZONE_ABBREVIATIONS[upper])
    if re.fullmatch(r"(?:UTC)?[+-]\d{2}:?\d{2}", upper):
        offset = _parse_offset(upper.removeprefix("UTC"), name)
        return Zone(_offset_label(offset), offset)
    if upper in AMBIGUOUS_ZONES:
        raise DateError(f"time zone abbreviation '{key}' is ambiguous: write an offset "
                        f"such as +05:30 or an IANA name such as Asia/Kolkata")
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown time zone '{name}': use an IANA name such as "
                        f"Europe/Moscow, an offset such as +03:00, or UTC") from None
    return Zone(key)


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
            text += _offset_text(self.offset or 0)
        return text

    def label(self) -> str:
        """Return an English label such as '4 January 2023, 14:30 MSK' or 'c. 2560 BC'."""
        text = _year_label(self.year)
        if self.precision >= Precision.MONTH:
            text = f"{MONTH_NAMES[(self.month or 1) - 1]} {text}"
        if self.precision >= Precision.DAY:
            text = f"{self.day} {text}"
        if self.precision >= Precision.MINUTE:
            text += f", {self.hour:02d}:{self.minute:02d}"
            if self.precision >= Precision.SECOND:
                text += f":{self.second:02d}"
            text += f" {self.zone_label or _offset_label(self.offset or 0)}"
        return _qualify(text, self.approximate, self.uncertain)

    def _local_seconds(self) -> int:
        """Return the period's start as local seconds since 1970-01-01."""
        days = _days_from_civil(self.year, self.month or 1, self.day or 1)
        return days * 86400 + (self.hour or 0) * 3600 + (self.minute or 0) * 60 + (self.second or 0)

    def start_key(self, default_offset: int = 0) -> int:
        """Return the first instant in UTC seconds since 1970; dates start at default_offset."""
        offset = self.offset if self.offset is not None else default_offset
        return self._local_seconds() - offset * 60

    def end_key(self, default_offset: int = 0) -> int:
        """Return the first instant after the period in UTC seconds since 1970."""
        start = self.start_key(default_offset)
        if self.precision is Precision.YEAR:
            return start + 86400 * (_days_from_civil(self.year + 1, 1, 1)
                                    - _days_from_civil(self.year, 1, 1))
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
    year = _year_label(start.year)
    first, last = MONTH_NAMES[(start.month or 1) - 1], MONTH_NAMES[(end.month or 1) - 1]
    if start.precision is Precision.MONTH:
        return f"{first}–{last} {year}"
    if start.month == end.month:
        return f"{start.day}–{end.day} {last} {year}"
    return f"{start.day} {first} – {end.day} {last} {year}"


@dataclass(frozen=True)
class _Fields:
    """The fields an author wrote, before validation."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    offset: str | None = None
    zone: str | None = None


def _int(text: str | None) -> int | None:
    """Convert an optional digit string to int."""
    return int(text) if text is not None else None


def _with_time(fields: _Fields, match: re.Match[str]) -> _Fields:
    """Add the time-of-day groups of a regex match to the fields."""
    return replace(fields, hour=_int(match["hour"]), minute=_int(match["minute"]),
                   second=_int(match["second"]), offset=match["offset"], zone=match["zone"])


def _parse_iso(text: str) -> _Fields | None:
    """Read the strict ISO/EDTF forms; None if the text is not one."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    return _with_time(_Fields(int(match["year"]), _int(match["month"]), _int(match["day"])), match)


def _parse_numeric(text: str, raw: str, date_order: str | None) -> _Fields | None:
    """Read numeric dates such as 04/01/2023 or 4.1.2023, refusing ambiguous ones."""
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    if len(match["year"]) != 4:
        raise DateError(f"invalid date '{raw}': write the year with four digits "
                        f"(a two-digit year leaves the century ambiguous)")
    a, b = int(match["a"]), int(match["b"])
    if date_order is None:
        if a <= 12 and b <= 12 and a != b:
            dmy, mdy = (f"{match['year']}-{m:02d}-{d:02d}" for m, d in ((b, a), (a, b)))
            raise DateError(f"ambiguous date '{raw}': set date_order = \"DMY\" or \"MDY\" in "
                            f"timeline.toml, or write {dmy} or {mdy}")
        date_order = "DMY" if a > 12 else "MDY"
    month, day = (b, a) if date_order == "DMY" else (a, b)
    fields = _Fields(int(match["year"]), month, day)
    if not match["rest"]:
        return fields
    time_match = _NUMERIC_TIME.fullmatch(match["rest"])
    if time_match is None:
        raise DateError(f"invalid date '{raw}': cannot read '{match['rest'].strip()}' as a time")
    return _with_time(fields, time_match)


def _parse_human(text: str, raw: str) -> _Fields:
    """Read forms with a month name (4 January 2023, 14:30 MSK) via dateutil, behind checks."""
    if _ISO_LIKE.match(text):
        raise DateError(f"invalid date '{raw}': expected YYYY, YYYY-MM, YYYY-MM-DD or "
                        f"YYYY-MM-DDThh:mm[:ss] with a 4-digit year (-0043 is 44 BC)")
    if not re.search(r"[A-Za-z]", text):
        raise DateError(f"invalid date '{raw}': {_HINT}")
    if _BC_SUFFIX.search(text):
        raise DateError(f"invalid date '{raw}': write BC dates as ISO years, "
                        f"e.g. -0043-03-15 for 15 March 44 BC")
    offset = zone = None
    tz_match = _HUMAN_TZ.fullmatch(text)
    if tz_match and (tz_match["zone"] or "").upper() not in {"AM", "PM"}:
        text, offset, zone = tz_match["body"], tz_match["offset"], tz_match["zone"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownTimezoneWarning)
        try:
            first, second = (du_parser.parse(text, default=d, fuzzy=False) for d in _DEFAULTS)
        except UnknownTimezoneWarning:
            raise DateError(f"invalid date '{raw}': unknown time zone") from None
        except (ValueError, OverflowError):
            raise DateError(f"invalid date '{raw}': {_HINT}") from None
    if first.tzinfo is not None:
        raise DateError(f"invalid date '{raw}': a time zone needs a time, e.g. 14:30 UTC")
    written = {name: getattr(first, name) == getattr(second, name)
               for name in ("year", "month", "day", "hour", "minute", "second")}
    if not written["year"]:
        raise DateError(f"no year in '{raw}': {_HINT}")
    if not re.search(r"(?<![\d:])\d{4}(?![\d:])", text):
        raise DateError(f"invalid date '{raw}': write the year with four digits "
                        f"(a two-digit year leaves the century ambiguous)")
    if written["day"] and not written["month"]:
        raise DateError(f"invalid date '{raw}': a day needs a month")
    weekday = _WEEKDAY.search(text)
    if weekday:
        if not written["day"]:
            raise DateError(f"invalid date '{raw}': a weekday needs a full date")
        actual = _weekday_of(first.year, first.month, first.day)
        if not WEEKDAY_NAMES[actual].lower().startswith(weekday.group(0).lower()[:3]):
            raise DateError(f"invalid date '{raw}': {first.day} {MONTH_NAMES[first.month - 1]} "
                            f"{first.year} was a {WEEKDAY_NAMES[actual]}")
    if written["hour"] != written["minute"] or (written["second"] and not written["minute"]):
        raise DateError(f"invalid date '{raw}': write times as hh:mm or hh:mm:ss")
    if (offset or zone) and not written["hour"]:
        raise DateError(f"invalid date '{raw}': a time zone needs a time, e.g. 14:30 UTC")
    kept = {name: getattr(first, name) if written[name] else None
            for name in ("month", "day", "hour", "minute", "second")}
    return _Fields(first.year, **kept, offset=offset, zone=zone)


def _weekday_of(year: int, month: int, day: int) -> int:
    """Return the weekday, Monday 0, of a proleptic Gregorian date."""
    return (_days_from_civil(year, month, day) + 3) % 7  # 1970-01-01 was a Thursday


def _parse_offset(text: str, raw: str) -> int:
    """Convert Z, +03:00 or -0500 to minutes."""
    if text == "Z":
        return 0
    hours, minutes = int(text[1:3]), int(text[-2:])
    if hours > 23 or minutes > 59:
        raise DateError(f"offset {text} in '{raw}' is out of range")
    return (-1 if text[0] == "-" else 1) * (hours * 60 + minutes)


def _build(raw: str, f: _Fields, default: Zone, approximate: bool, uncertain: bool) -> DatePoint:
    """Validate written fields and resolve the zone into a DatePoint."""
    def fail(reason: str) -> DateError:
        return DateError(f"invalid date '{raw}': {reason}")

    if f.month is not None and not 1 <= f.month <= 12:
        raise fail("month must be 1-12")
    if f.day is not None and f.month is not None:
        length = days_in_month(f.year, f.month)
        if not 1 <= f.day <= length:
            month = f"{MONTH_NAMES[f.month - 1]} {_year_label(f.year)}"
            raise fail(f"day must be 1-{length} in {month}")
    if f.hour is not None and f.day is None:
        raise fail("a time needs a full date with a day")
    if f.hour is None or f.minute is None or f.month is None or f.day is None:
        precision = Precision.DAY if f.day is not None else (
            Precision.MONTH if f.month is not None else Precision.YEAR)
        return DatePoint(f.year, f.month, f.day, precision=precision,
                         approximate=approximate, uncertain=uncertain)
    if not 1 <= f.year <= 9999:
        raise fail("times can only be given for years 1-9999")
    if f.hour > 23 or f.minute > 59 or (f.second or 0) > 59:
        raise fail("hour must be 0-23, minutes and seconds 0-59")
    if f.offset is not None:
        offset = _parse_offset(f.offset, raw)
        zone_label = _offset_label(offset)
    else:
        try:
            zone = resolve_zone(f.zone) if f.zone is not None else default
        except DateError as error:
            raise fail(str(error)) from None
        try:
            offset, zone_label = zone.at(f.year, f.month, f.day, f.hour, f.minute, strict=True)
        except DateError as error:
            raise fail(str(error)) from None
    precision = Precision.SECOND if f.second is not None else Precision.MINUTE
    return DatePoint(f.year, f.month, f.day, f.hour, f.minute, f.second, precision,
                     offset, zone_label, approximate=approximate, uncertain=uncertain)


def _check_order(date_order: str | None) -> str | None:
    """Validate the date_order setting."""
    if date_order is None or date_order.upper() in ("DMY", "MDY"):
        return date_order.upper() if date_order else None
    raise DateError(f"date_order must be \"DMY\" or \"MDY\", not '{date_order}'")


def parse_date(text: str, *, zone: str = "UTC", date_order: str | None = None) -> DatePoint:
    """Read one date; times without an offset are in `zone`."""
    default = resolve_zone(zone)
    order = _check_order(date_order)
    body = text.strip()
    approximate = uncertain = False
    circa = _CIRCA.match(body)
    if circa:
        approximate, body = True, body[circa.end():]
    if body[-1:] in ("~", "?", "%"):
        approximate = approximate or body[-1] in "~%"
        uncertain = body[-1] in "?%"
        body = body[:-1].rstrip()
    if not body:
        raise DateError(f"empty date '{text}': {_HINT}" if text.strip() else f"empty date: {_HINT}")
    fields = _parse_iso(body) or _parse_numeric(body, text, order) or _parse_human(body, text)
    return _build(text, fields, default, approximate, uncertain)


def _split_interval(text: str) -> list[str]:
    """Split 'A/B' at its interval slash (not inside Europe/Moscow or 04/01/2023)."""
    cuts = [i for i, ch in enumerate(text) if ch == "/"
            and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha())]
    if len(cuts) % 2:  # 5: two numeric dates, 04/01/2023/05/01/2023
        cut = cuts[len(cuts) // 2]
        return [text[:cut], text[cut + 1:]]
    return [text]


def parse_event_date(date: str, end: str | None = None, *, zone: str = "UTC",
                     date_order: str | None = None) -> EventDate:
    """Read an event's date: a single date, an 'A/B' interval, or `date` plus `end`."""
    parts = _split_interval(date)
    if len(parts) == 2:
        if end is not None:
            raise DateError("give the end either as an interval or as `end`, not both")
        date, end = parts
    start = parse_date(date, zone=zone, date_order=date_order)
    stop = parse_date(end, zone=zone, date_order=date_order) if end is not None else None
    tz_offset, _ = resolve_zone(zone).at(start.year, start.month or 1, start.day or 1)
    if stop is not None and stop.end_key(tz_offset) <= start.start_key(tz_offset):
        raise DateError(f"end {stop.iso()} is before start {start.iso()}")
    return EventDate(start, stop, tz_offset)
