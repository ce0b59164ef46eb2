"""Read dates as authors write them: strict ISO/EDTF forms, and human forms behind checks.

ISO forms go through a grammar of our own; dateutil reads human forms
(`4 January 2023`) but is parsed twice with different defaults, so that only
the fields really written count, and its leniencies (a dropped minus, a
month-first guess, an ignored zone) are refused before they can happen.
dateutil never sees the year itself: the one four-digit number is swapped for
a placeholder and read back by us, so `15 March 0043` is AD 43 on every machine
(dateutil would move years below 100 into a century chosen by the clock).
Years before AD 1 are astronomical in ISO form (-0043 is 44 BC); in words they
take an era, counted without a year zero (`15 March 44 BC`), and a minus sign
in words (`15 March -0043`) is refused. Words that date nothing by themselves
(`yesterday`, `early 2023`, `Monday`) are refused by name.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from datetime import datetime

from dateutil import parser as du_parser
from dateutil.parser import UnknownTimezoneWarning

from timeline.dates.model import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    DateError,
    DatePoint,
    EventDate,
    Missing,
    Precision,
    days_in_month,
    offset_label,
    weekday_of,
    year_label,
)
from timeline.dates.zones import Zone, parse_offset, resolve_zone

_ISO_TIME = (r"(?P<hour>\d{HOUR}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
             r"(?:\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)|\s+(?P<zone>[A-Za-z][\w/+-]*))?")
# EDTF levels 0 and 1: 2023, -0043, Y170000002, 201X, 20XX, 2004-XX, 2001-21 (a season).
_ISO = re.compile(r"(?:(?P<year>-?\d{4})|Y(?P<long>-?[1-9]\d{4,})|(?P<span>\d{2}(?:\dX|XX)))"
                  r"(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX)(?:[T ]"
                  + _ISO_TIME.replace("HOUR", "2") + r")?)?)?")
_ISO_LIKE = re.compile(r"-?\d+(?:-|$)")
_LONG_LIKE = re.compile(r"Y-?\d+(?:-.*)?", re.IGNORECASE)
_SEASONS = range(21, 25)
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d+)"
                      r"(?P<rest>.*)")
_NUMERIC_TIME = re.compile(r"(?:T|,?\s+)" + _ISO_TIME.replace("HOUR", "1,2"))
_HUMAN_TZ = re.compile(r"(?P<body>.*\d:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)"
                       r"(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2})|\s+(?P<zone>[A-Za-z][\w/+-]*))")
_CIRCA = re.compile(r"(?:circa\b|ca\.|c\.(?!\s*e\.))\s*", re.IGNORECASE)  # not C.E.
_ERA = re.compile(r"(?<![\w.])(?:(?P<bc>BCE?|B\.C\.(?:E\.)?)|AD|A\.D\.|CE|C\.E\.)(?![\w.])",
                  re.IGNORECASE)
_ERA_END = re.compile(r"(?<![\w.])(?:BCE?|AD|CE)$", re.IGNORECASE)
_ERA_YEAR_BEFORE = re.compile(r"(?P<year>\d+(?:,\d{3})*)\s*$")
_ERA_YEAR_AFTER = re.compile(r"^\s*(?P<year>\d+(?:,\d{3})*)(?![\d:])")
_DECADE = re.compile(r"(?:the\s+)?(?P<year>\d{3}0)'?s", re.IGNORECASE)
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SEASON = re.compile(r"(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>.+)",
                     re.IGNORECASE)
_VAGUE = re.compile(r"(?<!\w)(?P<word>early|mid|middle|late)(?!\w)", re.IGNORECASE)
_VAGUE_EXAMPLES = {"early": ("2023-02~", "2023-01/2023-04"),
                   "mid": ("2023-06~", "2023-05/2023-08"),
                   "middle": ("2023-06~", "2023-05/2023-08"),
                   "late": ("2023-11~", "2023-09/2023-12")}
_RELATIVE = re.compile(r"(?<!\w)(?:yesterday|today|tomorrow|tonight|now|(?:\w+\s+){1,3}ago|"
                       r"(?:last|next|this|past|coming)\s+\w+)(?!\w)", re.IGNORECASE)
_WEEKDAY_ALONE = re.compile(r"(?:on\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)"
                            r"(?:day)?\.?", re.IGNORECASE)
_QUALIFIERS = ("~", "?", "%")
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2004, 3, 2, 1, 1, 1))
_WEEKDAY = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
_FRACTION = re.compile(r"(?P<time>\d{1,2}:\d{2}(?P<seconds>:\d{2})?)[.,]\d")
_YEAR_NUMBER = re.compile(r"(?P<sign>(?<!\w)[-\u2212\u2013]\s*)?"  # a minus, a dash
                          r"(?<![\d:])(?P<digits>\d{4})(?![\d:])")
_CLOCK = re.compile(r"\d:\d{2}")
_PLACEHOLDER_YEAR = 1972  # a leap year >= 100: dateutil keeps it and accepts 29 February
_HINT = "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023"


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
    in_words: bool = False  # a human or numeric form, where years must be AD
    span: Precision | None = None  # 201X is a DECADE, 20XX a CENTURY
    unspecified: Precision | None = None  # 2004-XX: MONTH; 1985-04-XX, 1985-XX-XX: DAY


def _int(text: str | None) -> int | None:
    """Convert an optional digit string to int."""
    return int(text) if text is not None else None


def _with_time(fields: _Fields, match: re.Match[str]) -> _Fields:
    """Add the time-of-day groups of a regex match to the fields."""
    return replace(fields, hour=_int(match["hour"]), minute=_int(match["minute"]),
                   second=_int(match["second"]), offset=match["offset"], zone=match["zone"])


def _parse_iso(text: str, raw: str) -> _Fields | None:
    """Read the strict ISO/EDTF forms; None if the text is not one."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    if match["year"] == "-0000":
        raise DateError(f"invalid date '{raw}': -0000 is not a year (EDTF has no negative "
                        f"zero): write {text[1:]} for 1 BC")
    if match["span"] is not None or match["long"] is not None:
        if match["month"] is not None:
            raise DateError(f"invalid date '{raw}': a year with X digits or a Y prefix stands "
                            f"alone (months and days with them are EDTF level 2, not supported)")
        if match["long"] is not None:
            return _Fields(int(match["long"]))
        span = match["span"]
        return _Fields(int(span.replace("X", "0")),
                       span=Precision.CENTURY if span.endswith("XX") else Precision.DECADE)
    month_x, day_x = match["month"] == "XX", match["day"] == "XX"
    if month_x and match["day"] is not None and not day_x:
        raise DateError(f"invalid date '{raw}': a day needs a month: write "
                        f"{match['year']}-XX-XX when both are unknown")
    fields = _Fields(int(match["year"]), None if month_x else _int(match["month"]),
                     None if day_x else _int(match["day"]),
                     unspecified=Precision.DAY if day_x else (
                         Precision.MONTH if month_x else None))
    return _with_time(fields, match)


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
    fields = _Fields(int(match["year"]), month, day, in_words=True)
    if not match["rest"]:
        return fields
    time_match = _NUMERIC_TIME.fullmatch(match["rest"])
    if time_match is None:
        raise DateError(f"invalid date '{raw}': cannot read '{match['rest'].strip()}' as a time")
    return _with_time(fields, time_match)


def _swap_year(text: str, raw: str) -> tuple[str, int | None]:
    """Replace the one four-digit year by a placeholder; return the text and the year."""
    numbers = list(_YEAR_NUMBER.finditer(text))
    if len(numbers) > 1:
        raise DateError(f"invalid date '{raw}': more than one four-digit number: write one "
                        f"year, and times as hh:mm")
    if not numbers:
        return text, None
    number = numbers[0]
    year = int(number["digits"]) * (-1 if number["sign"] else 1)
    return text[:number.start()] + str(_PLACEHOLDER_YEAR) + text[number.end():], year


def _parse_human(text: str, raw: str, era_year: int | None = None) -> _Fields:
    """Read forms with a month name (4 January 2023, 14:30 MSK) via dateutil, behind checks."""
    if _LONG_LIKE.fullmatch(text):
        raise DateError(f"invalid date '{raw}': Y is for years of five digits or more, with no "
                        f"leading zero and no month: Y12345, Y-170000002 (write shorter years "
                        f"as 2023 or -0043)")
    if _ISO_LIKE.match(text):
        raise DateError(f"invalid date '{raw}': expected YYYY, YYYY-MM, YYYY-MM-DD or "
                        f"YYYY-MM-DDThh:mm[:ss] with a 4-digit year (-0043 is 44 BC)")
    if not re.search(r"[A-Za-z]", text):
        raise DateError(f"invalid date '{raw}': {_HINT}")
    offset = zone = None
    tz_match = _HUMAN_TZ.fullmatch(text)
    if tz_match and (tz_match["zone"] or "").upper() not in {"AM", "PM"}:
        text, offset, zone = tz_match["body"], tz_match["offset"], tz_match["zone"]
    text, year = _swap_year(text, raw)
    if era_year is not None:  # the placeholder stands for a year given with its era
        year = era_year
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
        raise DateError(f"no year in '{raw}': {_HINT}" if year is None
                        else f"invalid date '{raw}': {_HINT}")
    if year is None:
        raise DateError(f"invalid date '{raw}': write the year with four digits "
                        f"(a two-digit year leaves the century ambiguous)")
    if first.year != _PLACEHOLDER_YEAR:  # the year came from another number
        raise DateError(f"invalid date '{raw}': {_HINT}")
    if written["day"] and not written["month"]:
        raise DateError(f"invalid date '{raw}': a day needs a month")
    weekday = _WEEKDAY.search(text)
    if weekday:
        if not written["day"]:
            raise DateError(f"invalid date '{raw}': a weekday needs a full date")
        actual = weekday_of(year, first.month, first.day)
        if not WEEKDAY_NAMES[actual].lower().startswith(weekday.group(0).lower()[:3]):
            raise DateError(f"invalid date '{raw}': {first.day} {MONTH_NAMES[first.month - 1]} "
                            f"{year_label(year)} was a {WEEKDAY_NAMES[actual]}")
    if (written["hour"] != written["minute"] or (written["second"] and not written["minute"])
            or (written["hour"] and not _CLOCK.search(text))):
        raise DateError(f"invalid date '{raw}': write times as hh:mm or hh:mm:ss")
    if (offset or zone) and not written["hour"]:
        raise DateError(f"invalid date '{raw}': a time zone needs a time, e.g. 14:30 UTC")
    kept = {name: getattr(first, name) if written[name] else None
            for name in ("month", "day", "hour", "minute", "second")}
    return _Fields(year, **kept, offset=offset, zone=zone, in_words=True)


def _refuse_undatable(text: str, raw: str) -> None:
    """Refuse by name the words that date nothing by themselves: relative, vague, a weekday."""
    relative = _RELATIVE.search(text)
    if relative:
        raise DateError(f"invalid date '{raw}': relative dates such as '{relative.group(0)}' "
                        f"cannot be dated by the build: write the date itself, worked out "
                        f"from the source's date")
    vague = _VAGUE.search(text)
    if vague:
        word = vague["word"].lower()
        approximate, interval = _VAGUE_EXAMPLES[word]
        raise DateError(f"invalid date '{raw}': vague words such as '{word}' are not "
                        f"supported: write an approximate date such as {approximate} or an "
                        f"interval such as {interval}")
    if _WEEKDAY_ALONE.fullmatch(text):
        raise DateError(f"invalid date '{raw}': a weekday alone is not a date: write the day, "
                        f"e.g. Monday 2 January 2023")


def _parse_decade(text: str, raw: str) -> _Fields | None:
    """Read a decade in words: 1850s, the 1850s (EDTF 185X)."""
    match = _DECADE.fullmatch(text)
    if match is None:
        return None
    year = match["year"]
    if year.endswith("00"):
        raise DateError(f"invalid date '{raw}': '{year}s' may be the decade {year}-{year[:3]}9 "
                        f"or the century {year}-{year[:2]}99: write {year[:3]}X for the "
                        f"decade or {year[:2]}XX for one year of the century")
    return _Fields(int(year), span=Precision.DECADE, in_words=True)


def _parse_season(text: str, raw: str) -> _Fields | None:
    """Read a season in words: spring 1944, Winter 1944, autumn 44 BC (EDTF 1944-21)."""
    match = _SEASON.fullmatch(text)
    if match is None:
        return None
    month = (_SEASON_WORDS[match["season"].lower()] - 20) * 3
    if re.fullmatch(r"\d{4}", match["year"]):
        year = _Fields(int(match["year"]), in_words=True)
    else:
        era = _parse_era(match["year"], raw)
        if era is None or era.month is not None:
            return None
        year = era
    return replace(year, month=month, span=Precision.SEASON)


def _parse_era(text: str, raw: str) -> _Fields | None:
    """Read a year with its era: 44 BC, 15 March 44 BC, AD 79, 24 August AD 79, 79 CE."""
    eras = list(_ERA.finditer(text))
    if not eras:
        return None
    if len(eras) > 1:
        raise DateError(f"invalid date '{raw}': more than one era: write one, e.g. 44 BC")
    era = eras[0]
    before = _ERA_YEAR_BEFORE.search(text[:era.start()])
    after = _ERA_YEAR_AFTER.match(text[era.end():])
    if (before is None) == (after is None):
        raise DateError(f"invalid date '{raw}': write the year next to its era: 44 BC, "
                        f"15 March 44 BC, AD 79 or 79 AD")
    if before is not None:
        start, end, digits = before.start(), era.end(), before["year"]
        if re.search(r"[-\u2212\u2013]\s*$", text[:start]):
            raise DateError(f"invalid date '{raw}': a year with an era takes no minus sign: "
                            f"write {digits} {era.group(0)}")
    else:
        assert after is not None
        start, end, digits = era.start(), era.end() + after.end(), after["year"]
    number = int(digits.replace(",", ""))
    if number == 0:
        raise DateError(f"invalid date '{raw}': there is no year 0 {era.group(0)}: 1 BC is "
                        f"followed by AD 1 (in ISO form 1 BC is 0000)")
    year = 1 - number if era["bc"] else number
    rest = f"{text[:start]} {_PLACEHOLDER_YEAR} {text[end:]}".strip()
    if rest == str(_PLACEHOLDER_YEAR):
        return _Fields(year)
    return replace(_parse_human(rest, raw, era_year=year), in_words=False)


def _parse_words(text: str, raw: str) -> _Fields:
    """Read the forms in words: decades, seasons, eras, then dateutil's forms."""
    _refuse_undatable(text, raw)
    return (_parse_decade(text, raw) or _parse_season(text, raw) or _parse_era(text, raw)
            or _parse_human(text, raw))


def _build(raw: str, f: _Fields, default: Zone, approximate: bool, uncertain: bool) -> DatePoint:
    """Validate written fields and resolve the zone into a DatePoint."""
    def fail(reason: str) -> DateError:
        return DateError(f"invalid date '{raw}': {reason}")

    if f.span is not None:  # a decade, century or season written in words
        return DatePoint(f.year, f.month, precision=f.span, approximate=approximate,
                         uncertain=uncertain)
    if f.month is not None and 21 <= f.month <= 41 and f.day is None and not f.in_words:
        if f.month not in _SEASONS:
            raise fail("seasons 25-41 (hemispheres, quarters, halves) are EDTF level 2 and "
                       "not supported: use 21 (spring), 22 (summer), 23 (autumn), 24 (winter)")
        return DatePoint(f.year, (f.month - 20) * 3, precision=Precision.SEASON,
                         approximate=approximate, uncertain=uncertain)
    if f.month is not None and not 1 <= f.month <= 12:
        raise fail("month must be 1-12")
    if f.day is not None and f.month is not None:
        length = days_in_month(f.year, f.month)
        if not 1 <= f.day <= length:
            month = f"{MONTH_NAMES[f.month - 1]} {year_label(f.year)}"
            raise fail(f"day must be 1-{length} in {month}")
    if f.hour is not None and f.day is None:
        raise fail("a time needs a full date with a day")
    if f.hour is None or f.minute is None or f.month is None or f.day is None:
        precision = Precision.DAY if f.day is not None else (
            Precision.MONTH if f.month is not None else Precision.YEAR)
        return DatePoint(f.year, f.month, f.day, precision=precision,
                         approximate=approximate, uncertain=uncertain,
                         unspecified=f.unspecified)
    if not 1 <= f.year <= 9999:
        raise fail("times can only be given for years 1-9999")
    if f.hour > 23 or f.minute > 59 or (f.second or 0) > 59:
        raise fail("hour must be 0-23, minutes and seconds 0-59")
    if f.offset is not None:  # -04 is -04:00
        offset = parse_offset(f.offset + "00" if len(f.offset) == 3 else f.offset, raw)
        zone_label = offset_label(offset)
    else:
        try:
            zone = resolve_zone(f.zone, in_date=True) if f.zone is not None else default
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


def _refuse_misplaced_qualifiers(raw: str, body: str) -> None:
    """Refuse a second qualifier (2023~?) or one before the date (~2023), saying what to write."""
    date = body.strip("".join(_QUALIFIERS) + " ")
    if not (body.endswith(_QUALIFIERS) or body.startswith(_QUALIFIERS)) or not date:
        return
    marks = set(raw.strip()) & set(_QUALIFIERS)
    mark = marks.pop() if len(marks) == 1 else "%"
    meaning = " (approximate and uncertain)" if mark == "%" else ""
    if body.startswith(_QUALIFIERS):
        raise DateError(f"invalid date '{raw}': a qualifier before the date ({body[0]}{date}) "
                        f"is EDTF level 2, not supported: write it at the end, {date}{mark}"
                        f"{meaning}")
    raise DateError(f"invalid date '{raw}': one qualifier, and only at the end: write "
                    f"{date}{mark}{meaning}")


def parse_date(text: str, *, zone: str = "UTC", date_order: str | None = None) -> DatePoint:
    """Read one date; times without an offset are in `zone`."""
    default = resolve_zone(zone)
    order = _check_order(date_order)
    body = text.strip()
    approximate = uncertain = False
    circa = _CIRCA.match(body)
    if circa:
        approximate, body = True, body[circa.end():]
    if body.endswith(_QUALIFIERS):
        approximate = approximate or body[-1] in "~%"
        uncertain = body[-1] in "?%"
        body = body[:-1].rstrip()
    if not body:
        raise DateError(f"empty date '{text}': {_HINT}" if text.strip() else f"empty date: {_HINT}")
    _refuse_misplaced_qualifiers(text, body)
    fraction = _FRACTION.search(body)
    if fraction and fraction["seconds"]:
        raise DateError(f"invalid date '{text}': fractional seconds are not supported: "
                        f"write {fraction['time']}")
    if fraction:
        raise DateError(f"invalid date '{text}': write times as hh:mm or hh:mm:ss")
    fields = (_parse_iso(body, text) or _parse_numeric(body, text, order)
              or _parse_words(body, text))
    point = _build(text, fields, default, approximate, uncertain)
    if fields.in_words and point.year < 1:
        plain = replace(point, approximate=False, uncertain=False)
        raise DateError(f"invalid date '{text}': years before AD 1 must be written in ISO "
                        f"form or with BC: {plain.iso()} or {plain.label()}")
    return point


def _split_interval(text: str) -> list[str]:
    """Split 'A/B' at its interval slash (not inside Europe/Moscow or 04/01/2023)."""
    cuts = [i for i, ch in enumerate(text) if ch == "/"
            and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
                     and not _ERA_END.search(text[:i]))]  # 44 BC/AD 14 is an interval
    if len(cuts) % 2:  # 5: two numeric dates, 04/01/2023/05/01/2023
        cut = cuts[len(cuts) // 2]
        return [text[:cut], text[cut + 1:]]
    return [text]


def _missing(part: str) -> Missing | None:
    """Return how an interval end that is not a date is written: '..' open, '' unknown."""
    part = part.strip()
    return Missing(part) if part in ("..", "") else None


def parse_event_date(date: str, end: str | None = None, *, zone: str = "UTC",
                     date_order: str | None = None) -> EventDate:
    """Read an event's date: a single date, an 'A/B' interval (A or B may be '..' or
    missing), or `date` plus `end` (one date, or '..' for an open end)."""
    parts = _split_interval(date)
    missing_start = missing_end = None
    if len(parts) == 2 and end is not None:
        raise DateError("give the end either as an interval or as `end`, not both")
    if end is not None and not end.strip():
        raise DateError("empty `end`: leave it out, or write `..` if the event goes on (an "
                        "unknown end is written in `date` with nothing after the slash: `1985/`)")
    if end is not None and len(_split_interval(end)) == 2:
        raise DateError(f"`end` takes one date, not an interval: '{end}'")
    if end is not None and end.strip() == "..":
        end, missing_end = None, Missing.OPEN
    if len(parts) == 2:
        missing_start, missing_end = _missing(parts[0]), _missing(parts[1])
        if missing_start is not None and missing_end is not None:
            raise DateError(f"invalid date '{date}': an interval needs a start or an end date")
        date, end = parts
        if missing_start is not None:
            date, end = end, None
        elif missing_end is not None:
            end = None
    start = parse_date(date, zone=zone, date_order=date_order)
    stop = parse_date(end, zone=zone, date_order=date_order) if end is not None else None
    tz_offset, _ = resolve_zone(zone).at(start.year, start.month or 1, start.day or 1)
    if stop is not None and stop.end_key(tz_offset) <= start.start_key(tz_offset):
        raise DateError(f"end {stop.iso()} is before start {start.iso()}")
    return EventDate(start, stop, tz_offset, missing_start, missing_end)
