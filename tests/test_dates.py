"""Specification of dates, dateparse and zones: accepted forms, labels, ordering, errors."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates.model import DateError, DatePoint, EventDate, Precision
from timeline.dates.parse import parse_date, parse_event_date
from timeline.dates.zones import Zone, resolve_zone

P = Precision
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_seconds(*fields: int, offset: int = 0) -> int:
    """Return seconds since 1970 for a local time at `offset` minutes, computed by datetime."""
    moment = datetime(*fields, tzinfo=timezone(timedelta(minutes=offset)))  # type: ignore[misc]
    return int((moment - EPOCH).total_seconds())


# ---------------------------------------------------------------- ISO / EDTF forms

@pytest.mark.parametrize(("text", "fields", "precision", "iso", "label"), [
    ("2023", (2023, None, None), P.YEAR, "2023", "2023"),
    ("2022-09", (2022, 9, None), P.MONTH, "2022-09", "September 2022"),
    ("2023-01-04", (2023, 1, 4), P.DAY, "2023-01-04", "4 January 2023"),
    ("2024-02-29", (2024, 2, 29), P.DAY, "2024-02-29", "29 February 2024"),
    ("2000-02-29", (2000, 2, 29), P.DAY, "2000-02-29", "29 February 2000"),
    ("0033", (33, None, None), P.YEAR, "0033", "33"),
    ("0001", (1, None, None), P.YEAR, "0001", "1"),
    ("0000", (0, None, None), P.YEAR, "0000", "1 BC"),
    ("-0043", (-43, None, None), P.YEAR, "-0043", "44 BC"),
    ("-2559", (-2559, None, None), P.YEAR, "-2559", "2560 BC"),
    ("-0043-09", (-43, 9, None), P.MONTH, "-0043-09", "September 44 BC"),
    ("-0043-03-15", (-43, 3, 15), P.DAY, "-0043-03-15", "15 March 44 BC"),
    ("-0004-02-29", (-4, 2, 29), P.DAY, "-0004-02-29", "29 February 5 BC"),
    ("  2023-01-04  ", (2023, 1, 4), P.DAY, "2023-01-04", "4 January 2023"),
])
def test_iso_date_forms(text: str, fields: tuple, precision: Precision, iso: str,
                        label: str) -> None:
    point = parse_date(text)
    assert (point.year, point.month, point.day) == fields
    assert point.precision is precision
    assert (point.hour, point.offset, point.zone_label) == (None, None, None)
    assert point.iso() == iso
    assert point.label() == label
    assert not point.approximate and not point.uncertain


@pytest.mark.parametrize(("text", "iso", "label", "precision"), [
    ("2023-01-04T14:30", "2023-01-04T14:30+00:00", "4 January 2023, 14:30 UTC", P.MINUTE),
    ("2023-01-04 14:30", "2023-01-04T14:30+00:00", "4 January 2023, 14:30 UTC", P.MINUTE),
    ("2023-01-04T14:30:05", "2023-01-04T14:30:05+00:00", "4 January 2023, 14:30:05 UTC",
     P.SECOND),
    ("2023-01-04T14:30:05Z", "2023-01-04T14:30:05+00:00", "4 January 2023, 14:30:05 UTC",
     P.SECOND),
    ("2023-01-04T14:30+00:00", "2023-01-04T14:30+00:00", "4 January 2023, 14:30 UTC", P.MINUTE),
    ("2023-01-01T00:01+03:00", "2023-01-01T00:01+03:00", "1 January 2023, 00:01 UTC+03:00",
     P.MINUTE),
    ("2023-01-01T00:01+0300", "2023-01-01T00:01+03:00", "1 January 2023, 00:01 UTC+03:00",
     P.MINUTE),
    ("2023-01-04T09:15-05:00", "2023-01-04T09:15-05:00", "4 January 2023, 09:15 UTC-05:00",
     P.MINUTE),
    ("2023-01-04T09:15+05:30", "2023-01-04T09:15+05:30", "4 January 2023, 09:15 UTC+05:30",
     P.MINUTE),
    ("2023-01-04 14:30 MSK", "2023-01-04T14:30+03:00", "4 January 2023, 14:30 MSK", P.MINUTE),
    ("2023-01-04 14:30 msk", "2023-01-04T14:30+03:00", "4 January 2023, 14:30 MSK", P.MINUTE),
    ("2023-01-04T14:30 Europe/Moscow", "2023-01-04T14:30+03:00", "4 January 2023, 14:30 MSK",
     P.MINUTE),
    ("2023-07-04 12:00 EDT", "2023-07-04T12:00-04:00", "4 July 2023, 12:00 EDT", P.MINUTE),
    ("2023-01-04 14:30:05 UTC", "2023-01-04T14:30:05+00:00", "4 January 2023, 14:30:05 UTC",
     P.SECOND),
    ("0800-12-25T12:00Z", "0800-12-25T12:00+00:00", "25 December 800, 12:00 UTC", P.MINUTE),
])
def test_iso_time_forms(text: str, iso: str, label: str, precision: Precision) -> None:
    point = parse_date(text)
    assert point.precision is precision
    assert point.iso() == iso
    assert point.label() == label
    assert point.html_datetime() == iso


def test_minute_precision_has_no_seconds() -> None:
    point = parse_date("2023-01-04T14:30")
    assert point.second is None
    assert "14:30:" not in point.label()
    assert point.end_key() - point.start_key() == 60


@pytest.mark.parametrize(("abbreviation", "offset"), [
    ("UTC", 0), ("GMT", 0), ("WET", 0), ("CET", 60), ("EET", 120), ("MSK", 180),
    ("EST", -300), ("MST", -420), ("JST", 540), ("KST", 540), ("HKT", 480), ("AEDT", 660),
    ("NZDT", 780), ("AST", -240), ("HST", -600), ("AKST", -540),
])
def test_zone_abbreviations(abbreviation: str, offset: int) -> None:
    point = parse_date(f"2023-01-04 15:00 {abbreviation}")
    assert point.offset == offset
    assert point.zone_label == abbreviation
    assert point.label() == f"4 January 2023, 15:00 {abbreviation}"
    assert point.start_key() == utc_seconds(2023, 1, 4, 15, offset=offset)


@pytest.mark.parametrize(("abbreviation", "offset"), [
    ("WEST", 60), ("BST", 60), ("CEST", 120), ("EEST", 180), ("EDT", -240), ("MDT", -360),
    ("PDT", -420), ("AEST", 600), ("NZST", 720),
])
def test_summer_and_southern_winter_abbreviations(abbreviation: str, offset: int) -> None:
    point = parse_date(f"2023-07-04 15:00 {abbreviation}")
    assert (point.offset, point.label()) == (offset, f"4 July 2023, 15:00 {abbreviation}")


def test_z_as_zone_is_labelled_utc() -> None:
    point = parse_date("2023-01-04 15:00 Z")
    assert (point.offset, point.zone_label) == (0, "UTC")


# ---------------------------------------------------------------- qualifiers

@pytest.mark.parametrize(("text", "approximate", "uncertain", "iso", "label"), [
    ("2023-01~", True, False, "2023-01", "c. January 2023"),
    ("2022?", False, True, "2022", "2022?"),
    ("2023-01-04%", True, True, "2023-01-04", "c. 4 January 2023?"),
    ("-2559~", True, False, "-2559", "c. 2560 BC"),
    ("-0043-03-15?", False, True, "-0043-03-15", "15 March 44 BC?"),
    ("circa 1850", True, False, "1850", "c. 1850"),
    ("Circa 1850", True, False, "1850", "c. 1850"),
    ("c. 1850", True, False, "1850", "c. 1850"),
    ("c.1850", True, False, "1850", "c. 1850"),
    ("C. 1850", True, False, "1850", "c. 1850"),
    ("ca. 1850", True, False, "1850", "c. 1850"),
    ("circa September 2022", True, False, "2022-09", "c. September 2022"),
    ("c. 4 January 2023?", True, True, "2023-01-04", "c. 4 January 2023?"),
    ("4 January 2023?", False, True, "2023-01-04", "4 January 2023?"),
    ("2023-01-04T14:30 MSK?", False, True, "2023-01-04T14:30+03:00",
     "4 January 2023, 14:30 MSK?"),
])
def test_qualifiers(text: str, approximate: bool, uncertain: bool, iso: str, label: str) -> None:
    point = parse_date(text)
    assert (point.approximate, point.uncertain) == (approximate, uncertain)
    assert point.iso() == iso
    assert point.label() == label


# ---------------------------------------------------------------- human forms

@pytest.mark.parametrize(("text", "iso", "label"), [
    ("4 January 2023", "2023-01-04", "4 January 2023"),
    ("January 4, 2023", "2023-01-04", "4 January 2023"),
    ("Jan 4 2023", "2023-01-04", "4 January 2023"),
    ("4 Jan 2023", "2023-01-04", "4 January 2023"),
    ("Wednesday, 4 January 2023", "2023-01-04", "4 January 2023"),
    ("September 2022", "2022-09", "September 2022"),
    ("Sep 2022", "2022-09", "September 2022"),
    ("29 February 2024", "2024-02-29", "29 February 2024"),
    ("4 January 2023 14:30", "2023-01-04T14:30+00:00", "4 January 2023, 14:30 UTC"),
    ("4 January 2023, 14:30 MSK", "2023-01-04T14:30+03:00", "4 January 2023, 14:30 MSK"),
    ("4 January 2023 14:30:05", "2023-01-04T14:30:05+00:00", "4 January 2023, 14:30:05 UTC"),
    ("4 January 2023 2:30 PM", "2023-01-04T14:30+00:00", "4 January 2023, 14:30 UTC"),
    ("4 January 2023 2:30 PM MSK", "2023-01-04T14:30+03:00", "4 January 2023, 14:30 MSK"),
    ("4 January 2023 14:30 +05:30", "2023-01-04T14:30+05:30", "4 January 2023, 14:30 UTC+05:30"),
    ("4 January 2023 14:30 Europe/Moscow", "2023-01-04T14:30+03:00",
     "4 January 2023, 14:30 MSK"),
])
def test_human_forms(text: str, iso: str, label: str) -> None:
    point = parse_date(text)
    assert point.iso() == iso
    assert point.label() == label


def test_human_month_keeps_month_precision() -> None:
    point = parse_date("September 2022")
    assert point.precision is P.MONTH
    assert point.day is None
    assert point.iso() == "2022-09"
    assert parse_event_date("September 2022").to_json()["start"] == "2022-09"


def test_human_time_precision() -> None:
    assert parse_date("4 January 2023 14:30").precision is P.MINUTE
    assert parse_date("4 January 2023 14:30:05").precision is P.SECOND
    assert parse_date("4 January 2023").precision is P.DAY


# ---------------------------------------------------------------- numeric dates

@pytest.mark.parametrize(("text", "order", "iso"), [
    ("04/01/2023", "DMY", "2023-01-04"),
    ("04/01/2023", "MDY", "2023-04-01"),
    ("4.1.2023", "DMY", "2023-01-04"),
    ("4.1.2023", "MDY", "2023-04-01"),
    ("04-01-2023", "DMY", "2023-01-04"),
    ("04/01/2023", "dmy", "2023-01-04"),
    ("13/01/2023", None, "2023-01-13"),
    ("01/13/2023", None, "2023-01-13"),
    ("13.1.2023", None, "2023-01-13"),
    ("13/01/2023", "DMY", "2023-01-13"),
    ("05/05/2023", None, "2023-05-05"),
    ("04/01/2023 14:30", "DMY", "2023-01-04T14:30+00:00"),
    ("04/01/2023 9:30 MSK", "DMY", "2023-01-04T09:30+03:00"),
])
def test_numeric_dates(text: str, order: str | None, iso: str) -> None:
    assert parse_date(text, date_order=order).iso() == iso


@pytest.mark.parametrize("text", ["04/01/2023", "4.1.2023", "1/2/2023", "12-11-2023"])
def test_ambiguous_numeric_date_needs_date_order(text: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    message = str(error.value)
    assert message.startswith(f"ambiguous date '{text}'")
    assert 'date_order = "DMY" or "MDY"' in message
    assert "timeline.toml" in message


def test_ambiguous_message_offers_iso_readings() -> None:
    with pytest.raises(DateError, match="2023-01-04 or 2023-04-01"):
        parse_date("04/01/2023")


@pytest.mark.parametrize(("text", "order", "reason"), [
    ("13/01/2023", "MDY", "month must be 1-12"),
    ("01/13/2023", "DMY", "month must be 1-12"),
    ("31/04/2023", "DMY", "day must be 1-30 in April 2023"),
    ("13/14/2023", None, "month must be 1-12"),
    ("4/1/23", "DMY", "four digits"),
    ("4/1/23", None, "four digits"),
    ("04/01/2023 noon", "DMY", "time"),
])
def test_invalid_numeric_dates(text: str, order: str | None, reason: str) -> None:
    with pytest.raises(DateError, match=reason) as error:
        parse_date(text, date_order=order)
    assert f"'{text}'" in str(error.value)


def test_bad_date_order_setting() -> None:
    with pytest.raises(DateError, match="date_order"):
        parse_date("2023", date_order="YMD")


# ---------------------------------------------------------------- garbage rejected

@pytest.mark.parametrize(("text", "reason"), [
    ("soonish", "invalid date 'soonish'"),
    ("4 January", "no year in '4 January'"),
    ("14:30", "invalid date '14:30'"),
    ("14:30 MSK", "no year in '14:30 MSK'"),
    ("", "empty date"),
    ("   ", "empty date"),
    ("~", "empty date"),
    ("2023-13-45", "invalid date '2023-13-45': month must be 1-12"),
    ("2023-00", "month must be 1-12"),
    ("2023-02-30", "invalid date '2023-02-30': day must be 1-28 in February 2023"),
    ("2023-02-29", "day must be 1-28"),
    ("1900-02-29", "day must be 1-28"),
    ("2023-04-31", "day must be 1-30"),
    ("2023-01-00", "day must be 1-31"),
    ("-0001-02-29", "day must be 1-28 in February 2 BC"),
    ("2023-01-04T24:00", "hour must be 0-23"),
    ("2023-01-04T14:60", "hour must be 0-23, minutes"),
    ("2023-01-04T14:30:60", "seconds 0-59"),
    ("2023-01-04T14:30+25:00", "out of range"),
    ("-0043-03-15T12:00", "years 1-9999"),
    ("0000-01-01T12:00Z", "years 1-9999"),
    ("2023-1-4", "YYYY-MM-DD"),
    ("23", "YYYY"),
    ("12345", "4-digit year"),
    ("2023-01-04T1430", "YYYY-MM-DD"),
    ("4 Jan 23", "four digits"),
    ("January 4, 23", "four digits"),
    ("4 1 2023", "invalid date '4 1 2023'"),
    ("4 January 2023 UTC", "invalid date"),
    ("2023-01-04 MSK", "invalid date"),
    ("4 January 2023 2 PM", "hh:mm"),
    ("4 January 2023 14h", "hh:mm"),
])
def test_garbage_rejected(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=re.escape(reason)):
        parse_date(text)


def test_date_error_is_value_error() -> None:
    assert issubclass(DateError, ValueError)


# ---------------------------------------------------------------- zones

@pytest.mark.parametrize(("zone", "text", "iso", "zone_label"), [
    ("Europe/Moscow", "2023-01-04T14:30", "2023-01-04T14:30+03:00", "MSK"),
    ("Europe/Moscow", "4 January 2023 14:30", "2023-01-04T14:30+03:00", "MSK"),
    ("Europe/Berlin", "2023-07-01T12:00", "2023-07-01T12:00+02:00", "CEST"),
    ("Europe/Berlin", "2023-01-01T12:00", "2023-01-01T12:00+01:00", "CET"),
    ("America/New_York", "2023-03-12T12:00", "2023-03-12T12:00-04:00", "EDT"),
    ("Asia/Dubai", "2023-01-04T14:30", "2023-01-04T14:30+04:00", "UTC+04:00"),
    ("UTC", "2023-01-04T14:30", "2023-01-04T14:30+00:00", "UTC"),
    ("MSK", "2023-01-04T14:30", "2023-01-04T14:30+03:00", "MSK"),
    ("+05:30", "2023-01-04T14:30", "2023-01-04T14:30+05:30", "UTC+05:30"),
    # written offsets and zones win over the default zone
    ("Europe/Moscow", "2023-01-04T14:30Z", "2023-01-04T14:30+00:00", "UTC"),
    ("Europe/Moscow", "2023-01-04T14:30 JST", "2023-01-04T14:30+09:00", "JST"),
    ("Europe/Moscow", "2023-01-04T14:30 Asia/Tokyo", "2023-01-04T14:30+09:00", "JST"),
])
def test_default_zone_applies_to_times_without_offset(zone: str, text: str, iso: str,
                                                      zone_label: str) -> None:
    point = parse_date(text, zone=zone)
    assert point.iso() == iso
    assert point.zone_label == zone_label


def test_date_only_points_have_no_zone() -> None:
    point = parse_date("2023-01-04", zone="Europe/Moscow")
    assert point.offset is None and point.zone_label is None


@pytest.mark.parametrize(("text", "reason"), [
    ("2023-01-04 14:30 XYZT", "unknown time zone 'XYZT'"),
    ("4 January 2023 14:30 XYZT", "unknown time zone 'XYZT'"),
    ("2023-01-04T14:30 Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("2023-01-04 14:30 IST", "'IST' is ambiguous"),
    ("4 January 2023, 14:30 CST", "'CST' is ambiguous"),
])
def test_bad_written_zone(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason) as error:
        parse_date(text)
    assert f"'{text}'" in str(error.value)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "XYZT", "", "Europe", "../etc/passwd",
                                  "utc+99:00"])
def test_unknown_default_zone(zone: str) -> None:
    with pytest.raises(DateError, match="time zone|out of range"):
        parse_date("2023-01-04", zone=zone)


def test_ambiguous_default_zone() -> None:
    with pytest.raises(DateError, match="ambiguous.*offset.*IANA"):
        resolve_zone("IST")


@pytest.mark.parametrize(("name", "zone"), [
    ("UTC", Zone("UTC", 0)), ("utc", Zone("UTC", 0)), ("Z", Zone("UTC", 0)),
    ("MSK", Zone("MSK", abbreviation=True)), ("Europe/Moscow", Zone("Europe/Moscow")),
    ("+03:00", Zone("UTC+03:00", 180)), ("UTC-0500", Zone("UTC-05:00", -300)),
    ("+00:00", Zone("UTC", 0)),
])
def test_resolve_zone(name: str, zone: Zone) -> None:
    assert resolve_zone(name) == zone


def test_iana_zone_offset_follows_history() -> None:
    # Moscow was UTC+4 all year in 2012 and UTC+3 from late 2014 on.
    assert parse_date("2012-01-04T12:00", zone="Europe/Moscow").offset == 240
    assert parse_date("2016-01-04T12:00", zone="Europe/Moscow").offset == 180


# ---------------------------------------------------------------- keys

@pytest.mark.parametrize(("text", "start", "end"), [
    ("2023", utc_seconds(2023, 1, 1), utc_seconds(2024, 1, 1)),
    ("2024", utc_seconds(2024, 1, 1), utc_seconds(2025, 1, 1)),
    ("2023-02", utc_seconds(2023, 2, 1), utc_seconds(2023, 3, 1)),
    ("2024-02", utc_seconds(2024, 2, 1), utc_seconds(2024, 3, 1)),
    ("2023-12", utc_seconds(2023, 12, 1), utc_seconds(2024, 1, 1)),
    ("2023-12-31", utc_seconds(2023, 12, 31), utc_seconds(2024, 1, 1)),
    ("2023-01-04T14:30", utc_seconds(2023, 1, 4, 14, 30), utc_seconds(2023, 1, 4, 14, 31)),
    ("2023-01-04T14:30:59", utc_seconds(2023, 1, 4, 14, 30, 59), utc_seconds(2023, 1, 4, 14, 31)),
    ("2023-01-01T00:01+03:00", utc_seconds(2022, 12, 31, 21, 1), utc_seconds(2022, 12, 31, 21, 2)),
    ("1970", 0, 365 * 86400),
    ("0001", utc_seconds(1, 1, 1), utc_seconds(2, 1, 1)),
])
def test_keys_match_datetime(text: str, start: int, end: int) -> None:
    point = parse_date(text)
    assert (point.start_key(), point.end_key()) == (start, end)


def test_keys_before_year_one() -> None:
    year_one = utc_seconds(1, 1, 1)
    # year 0 (1 BC) is a leap year of 366 days
    assert parse_date("0000").start_key() == year_one - 366 * 86400
    assert parse_date("0000").end_key() == year_one
    assert parse_date("-0001").end_key() == parse_date("0000").start_key()
    assert parse_date("-0001").end_key() - parse_date("-0001").start_key() == 365 * 86400
    assert parse_date("-0043-03-15").end_key() - parse_date("-0043-03-15").start_key() == 86400
    # 400 proleptic Gregorian years always have 146097 days
    assert parse_date("1601").start_key() - parse_date("-0399").start_key() == 146097 * 86400 * 5


def test_default_offset_shifts_date_only_keys() -> None:
    point = parse_date("2023-01-04")
    assert point.start_key(180) == utc_seconds(2023, 1, 4, offset=180)
    assert point.end_key(180) == utc_seconds(2023, 1, 5, offset=180)
    timed = parse_date("2023-01-04T12:00Z")
    assert timed.start_key(180) == timed.start_key(0)


# ---------------------------------------------------------------- intervals

@pytest.mark.parametrize(("date", "end", "start_iso", "end_iso", "label"), [
    ("2022-12-26/2023-01-01", None, "2022-12-26", "2023-01-01",
     "26 December 2022 – 1 January 2023"),
    ("2022-12-26", "2023-01-01", "2022-12-26", "2023-01-01", "26 December 2022 – 1 January 2023"),
    ("2022-12-26", "2022-12-31", "2022-12-26", "2022-12-31", "26–31 December 2022"),
    ("2022-11-26/2022-12-03", None, "2022-11-26", "2022-12-03", "26 November – 3 December 2022"),
    ("2022-09/2022-12", None, "2022-09", "2022-12", "September–December 2022"),
    ("2022/2023", None, "2022", "2023", "2022–2023"),
    ("-2559/-2549", None, "-2559", "-2549", "2560–2550 BC"),
    ("-0043-03-15/-0043-03-17", None, "-0043-03-15", "-0043-03-17", "15–17 March 44 BC"),
    ("-0001/0001", None, "-0001", "0001", "2 BC – 1"),
    ("2023-01/2023-01-15", None, "2023-01", "2023-01-15", "January 2023 – 15 January 2023"),
    ("2023-01-15/2023-01", None, "2023-01-15", "2023-01", "15 January 2023 – January 2023"),
    ("2023/2023", None, "2023", "2023", "2023"),
    ("2023-01~/2023-03?", None, "2023-01", "2023-03", "c. January 2023 – March 2023?"),
    ("2023-01-04T14:30 MSK/2023-01-04T16:00 MSK", None, "2023-01-04T14:30+03:00",
     "2023-01-04T16:00+03:00", "4 January 2023, 14:30 MSK – 4 January 2023, 16:00 MSK"),
    ("2023-01-04T14:30 Europe/Moscow/2023-01-05T10:00 Europe/Moscow", None,
     "2023-01-04T14:30+03:00", "2023-01-05T10:00+03:00",
     "4 January 2023, 14:30 MSK – 5 January 2023, 10:00 MSK"),
    ("4 January 2023 / 5 January 2023", None, "2023-01-04", "2023-01-05", "4–5 January 2023"),
    ("September 2022", "December 2022", "2022-09", "2022-12", "September–December 2022"),
])
def test_intervals(date: str, end: str | None, start_iso: str, end_iso: str, label: str) -> None:
    event = parse_event_date(date, end)
    assert event.start.iso() == start_iso
    assert event.end is not None and event.end.iso() == end_iso
    assert event.label() == label


def test_numeric_dates_in_intervals() -> None:
    event = parse_event_date("04/01/2023/06/01/2023", date_order="DMY")
    assert (event.start.iso(), event.end and event.end.iso()) == ("2023-01-04", "2023-01-06")
    single = parse_event_date("04/01/2023", date_order="DMY")
    assert single.end is None and single.start.iso() == "2023-01-04"


def test_interval_and_end_together_is_an_error() -> None:
    with pytest.raises(DateError, match="give the end either as an interval or as `end`, not both"):
        parse_event_date("2023/2024", "2025")


@pytest.mark.parametrize(("date", "end", "message"), [
    ("2023-01-05/2023-01-04", None, "end 2023-01-04 is before start 2023-01-05"),
    ("2023-01-05", "2023-01-04", "end 2023-01-04 is before start 2023-01-05"),
    ("2023/2022", None, "end 2022 is before start 2023"),
    ("2023-02/2023-01-31", None, "end 2023-01-31 is before start 2023-02"),
    ("0001/-0043", None, "end -0043 is before start 0001"),
    ("2023-01-04T12:00Z/2023-01-04T11:59Z", None, "end 2023-01-04T11:59+00:00 is before start"),
])
def test_reversed_interval_is_an_error(date: str, end: str | None, message: str) -> None:
    with pytest.raises(DateError, match=re.escape(message)):
        parse_event_date(date, end)


def test_interval_sides_report_their_own_errors() -> None:
    with pytest.raises(DateError, match="invalid date '2023-13-01'"):
        parse_event_date("2023-01-01/2023-13-01")
    with pytest.raises(DateError, match="invalid date '2023-13-01'"):
        parse_event_date("2023-01-01", "2023-13-01")


def test_event_qualifiers_combine_both_ends() -> None:
    event = parse_event_date("2023~/2024?")
    assert event.approximate and event.uncertain
    assert event.start.approximate and not event.start.uncertain
    assert event.precision is P.YEAR
    plain = parse_event_date("2023-05")
    assert not plain.approximate and not plain.uncertain and plain.precision is P.MONTH


# ---------------------------------------------------------------- ordering

def test_ordering_across_time_zones() -> None:
    moscow = parse_event_date("2023-01-01T00:01+03:00")
    london = parse_event_date("2022-12-31T22:30Z")
    assert moscow.sort_key() < london.sort_key()
    assert sorted([london, moscow], key=EventDate.sort_key) == [moscow, london]


def test_coarser_precision_sorts_first_on_ties() -> None:
    texts = ["2023-01-01T00:00:00Z", "2023-01-01T00:00Z", "2023-01-01", "2023-01", "2023"]
    events = [parse_event_date(t) for t in texts]
    ordered = sorted(events, key=EventDate.sort_key)
    assert [e.start.iso() for e in ordered] == [
        "2023", "2023-01", "2023-01-01", "2023-01-01T00:00+00:00", "2023-01-01T00:00:00+00:00"]
    assert len({e.sort_key()[0] for e in events}) == 1


def test_bc_sorts_before_ad() -> None:
    texts = ["0001", "-0043-03-15", "2023", "0000", "-2559~", "-0043"]
    ordered = sorted((parse_event_date(t) for t in texts), key=EventDate.sort_key)
    assert [e.start.iso() for e in ordered] == ["-2559", "-0043", "-0043-03-15", "0000", "0001",
                                               "2023"]


def test_event_zone_sets_date_only_sort_key() -> None:
    moscow = parse_event_date("2023-01-04", zone="Europe/Moscow")
    assert moscow.tz_offset == 180
    assert moscow.sort_key() == (utc_seconds(2023, 1, 4, offset=180), int(P.DAY))
    assert parse_event_date("2023-01-04").tz_offset == 0
    assert parse_event_date("-0043", zone="Europe/Moscow").tz_offset == 0
    assert parse_event_date("2023-01-04", zone="EST").tz_offset == -300


def test_event_zone_changes_reversal_check_for_date_only_end() -> None:
    # 2023-01-04 in Moscow ends at 2023-01-04T21:00Z, before the start at 22:00Z
    with pytest.raises(DateError, match="before start"):
        parse_event_date("2023-01-04T22:00Z", "2023-01-04", zone="Europe/Moscow")
    assert parse_event_date("2023-01-04T22:00Z", "2023-01-04").end is not None


# ---------------------------------------------------------------- HTML and JSON

@pytest.mark.parametrize(("text", "value"), [
    ("2023", "2023"),
    ("2022-09", "2022-09"),
    ("2023-01-04", "2023-01-04"),
    ("0033", "0033"),
    ("0001-01-01", "0001-01-01"),
    ("2023-01-01T00:01+03:00", "2023-01-01T00:01+03:00"),
    ("2023-01-04T14:30:05Z", "2023-01-04T14:30:05+00:00"),
    ("2023~", "2023"),
    ("0000", None),
    ("-0043-03-15", None),
    ("-2559", None),
])
def test_html_datetime(text: str, value: str | None) -> None:
    assert parse_date(text).html_datetime() == value


def test_to_json_single() -> None:
    assert parse_event_date("c. 4 January 2023?").to_json() == {
        "start": "2023-01-04", "end": None, "edtf": "2023-01-04%", "precision": "day",
        "approximate": True, "uncertain": True, "display": "c. 4 January 2023?",
    }


def test_to_json_interval() -> None:
    data = parse_event_date("-0043-03~/-0043-04").to_json()
    assert data == {
        "start": "-0043-03", "end": "-0043-04", "edtf": "-0043-03~/-0043-04",
        "precision": "month", "approximate": True, "uncertain": False,
        "display": "c. March 44 BC – April 44 BC",
    }


@pytest.mark.parametrize(("precision", "name"), [
    (P.YEAR, "year"), (P.MONTH, "month"), (P.DAY, "day"), (P.MINUTE, "minute"),
    (P.SECOND, "second"),
])
def test_precision_names(precision: Precision, name: str) -> None:
    assert precision.name.lower() == name
    assert parse_event_date({
        "year": "2023", "month": "2023-01", "day": "2023-01-01", "minute": "2023-01-01T10:00",
        "second": "2023-01-01T10:00:00"}[name]).to_json()["precision"] == name


def test_precision_is_ordered_coarse_to_fine() -> None:
    assert P.YEAR < P.MONTH < P.DAY < P.MINUTE < P.SECOND


def test_points_are_frozen_and_comparable() -> None:
    point = parse_date("2023-01-04")
    assert point == DatePoint(2023, 1, 4, precision=P.DAY)
    with pytest.raises(AttributeError):
        point.year = 2024  # type: ignore[misc]


# ---------------------------------------------------------------- properties

def _days(year: int, month: int) -> int:
    """Return the month length; the Gregorian calendar repeats every 400 years."""
    return calendar.monthrange(2000 + year % 400, month)[1]


@st.composite
def date_points(draw: st.DrawFn) -> DatePoint:
    precision = draw(st.sampled_from([P.YEAR, P.MONTH, P.DAY]))
    year = draw(st.integers(-9999, 9999))
    month = draw(st.integers(1, 12)) if precision >= P.MONTH else None
    day = draw(st.integers(1, _days(year, month))) if month and precision >= P.DAY else None
    return DatePoint(year, month, day, precision=precision, approximate=draw(st.booleans()),
                     uncertain=draw(st.booleans()))


def _qualifier(point: DatePoint) -> str:
    return {(False, False): "", (True, False): "~", (False, True): "?",
            (True, True): "%"}[(point.approximate, point.uncertain)]


@settings(database=None)
@given(date_points())
def test_iso_round_trip(point: DatePoint) -> None:
    assert parse_date(point.iso() + _qualifier(point)) == point
    assert parse_date(point.iso()) == DatePoint(point.year, point.month, point.day,
                                                precision=point.precision)
    assert point.start_key() < point.end_key()
    assert parse_event_date(point.iso()).sort_key() == (point.start_key(), int(point.precision))


@settings(database=None)
@given(date_points(), st.integers(-14 * 60, 14 * 60))
def test_keys_nest_and_shift_with_offset(point: DatePoint, offset: int) -> None:
    assert point.start_key(offset) == point.start_key() - offset * 60
    assert point.end_key(offset) - point.start_key(offset) == point.end_key() - point.start_key()
    if point.precision is P.YEAR:
        days = 366 if _days(point.year, 2) == 29 else 365
        assert point.end_key() - point.start_key() == days * 86400
    if point.year >= 1 and point.month and point.day:
        assert point.start_key() == utc_seconds(point.year, point.month, point.day)


@settings(database=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
       st.integers(-14 * 4, 14 * 4).map(lambda quarters: quarters * 15), st.booleans())
def test_time_round_trip_matches_datetime(moment: datetime, offset: int, seconds: bool) -> None:
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
            + ("+" if offset >= 0 else "-") + f"{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")
    point = parse_date(text)
    assert point.iso() == text
    assert parse_date(point.iso()) == point
    assert point.precision is (P.SECOND if seconds else P.MINUTE)
    assert point.html_datetime() == text
    expected = utc_seconds(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                           moment.second if seconds else 0, offset=offset)
    assert point.start_key() == expected
    assert point.end_key() == expected + (1 if seconds else 60)


@settings(database=None)
@given(date_points(), date_points())
def test_interval_order_is_checked(first: DatePoint, second: DatePoint) -> None:
    text = f"{first.iso()}/{second.iso()}"
    if second.end_key() <= first.start_key():
        with pytest.raises(DateError, match="before start"):
            parse_event_date(text)
    else:
        event = parse_event_date(text)
        assert event.start.iso() == first.iso()
        assert event.end is not None and event.end.iso() == second.iso()


@pytest.mark.parametrize("text, message", [
    ("Thursday 4 January 2023", "4 January 2023 was a Wednesday"),
    ("January 2023 14:30 MSK", "a time needs a full date with a day"),
    ("Monday 2023", "a weekday needs a full date"),
])
def test_written_parts_must_agree(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_date(text)


def test_a_correct_weekday_is_accepted() -> None:
    assert parse_date("Wednesday 4 January 2023").label() == "4 January 2023"


@pytest.mark.parametrize("text, message", [
    ("2022-03-27 01:30", "does not exist in Europe/London"),
    ("2022-10-30 01:30", r"happened twice in Europe/London .*\+01:00 or \+00:00"),
])
def test_wall_times_skipped_or_repeated_by_dst_are_refused(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_date(text, zone="Europe/London")


def test_an_offset_settles_a_repeated_wall_time() -> None:
    assert parse_date("2022-10-30T01:30+00:00", zone="Europe/London").iso() == \
        "2022-10-30T01:30+00:00"


# ---------------------------------------------------------------- no silently wrong year

BEFORE_AD = "years before AD 1 must be written in ISO form or with BC"
TWO_DIGITS = "write the year with four digits (a two-digit year leaves the century ambiguous)"


@pytest.mark.parametrize(("text", "iso"), [
    ("15 March 0043", "0043-03-15"),
    ("March 15, 0043", "0043-03-15"),
    ("0043 March 15", "0043-03-15"),
    ("15 March, 0043", "0043-03-15"),
    ("March 15th 0043", "0043-03-15"),
    ("Mar-15-0043", "0043-03-15"),
    ("March 0043", "0043-03"),
    ("0043 March", "0043-03"),
    ("15 March 0080", "0080-03-15"),
    ("1 January 0001", "0001-01-01"),
    ("29 February 0044", "0044-02-29"),
    ("Mar 15 0043 10:00", "0043-03-15T10:00+00:00"),
    ("c. 15 March 0043", "0043-03-15"),
    ("15/03/0043", "0043-03-15"),
    ("15.3.0043", "0043-03-15"),
])
def test_a_four_digit_year_in_words_is_that_year(text: str, iso: str) -> None:
    assert parse_date(text).iso() == iso


def test_a_four_digit_year_in_words_keeps_its_label_and_weekday() -> None:
    assert parse_date("Sunday 15 March 0043").label() == "15 March 43"
    assert parse_date("Friday 15 March 0080").label() == "15 March 80"  # 1980: a Saturday
    with pytest.raises(DateError) as error:
        parse_date("Saturday 15 March 0080")
    assert str(error.value) == "invalid date 'Saturday 15 March 0080': 15 March 80 was a Friday"


@pytest.mark.parametrize(("text", "order", "message"), [
    ("15 March -0043", None, f"{BEFORE_AD}: -0043-03-15 or 15 March 44 BC"),
    ("-0043 March 15", None, f"{BEFORE_AD}: -0043-03-15 or 15 March 44 BC"),
    ("March 15, -0043", None, f"{BEFORE_AD}: -0043-03-15 or 15 March 44 BC"),
    ("15 March - 0043", None, f"{BEFORE_AD}: -0043-03-15 or 15 March 44 BC"),
    ("15 March \u22120043", None, f"{BEFORE_AD}: -0043-03-15 or 15 March 44 BC"),
    ("c. March -0043?", None, f"{BEFORE_AD}: -0043-03 or March 44 BC"),
    ("15 March 0000", None, f"{BEFORE_AD}: 0000-03-15 or 15 March 1 BC"),
    ("March 0000", None, f"{BEFORE_AD}: 0000-03 or March 1 BC"),
    ("15 March -0000", None, f"{BEFORE_AD}: 0000-03-15 or 15 March 1 BC"),
    ("15/03/0000", "DMY", f"{BEFORE_AD}: 0000-03-15 or 15 March 1 BC"),
    ("29 February -0043", None, "day must be 1-28 in February 44 BC"),
    ("15 March 43", None, TWO_DIGITS),
    ("March 15, 43", None, TWO_DIGITS),
    ("3/15/80", None, TWO_DIGITS),
    ("March -43", None, TWO_DIGITS),
    ("15 March 2023 -0500", None,
     "more than one four-digit number: write one year, and times as hh:mm"),
    ("15 March 2023 0043", None,
     "more than one four-digit number: write one year, and times as hh:mm"),
    ("4 January 2023 143000", None, "write times as hh:mm or hh:mm:ss"),
    ("4 January 2023 14:30.5", None, "write times as hh:mm or hh:mm:ss"),
    ("2023-01-05T14:00.5", None, "write times as hh:mm or hh:mm:ss"),
])
def test_a_year_in_words_is_never_changed(text: str, order: str | None, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text, date_order=order)
    assert str(error.value) == f"invalid date '{text}': {message}"


@pytest.mark.parametrize(("text", "iso"), [
    ("-0000", "0000"), ("-0000-01", "0000-01"), ("-0000-01-01", "0000-01-01"),
    ("-0000~", "0000"),
])
def test_negative_zero_is_refused(text: str, iso: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == (f"invalid date '{text}': -0000 is not a year (EDTF has no "
                                f"negative zero): write {iso} for 1 BC")


@pytest.mark.parametrize(("text", "time"), [
    ("4 January 2023 14:30:15.5", "14:30:15"),
    ("4 January 2023 14:30:15,5", "14:30:15"),
    ("2023-01-05T14:00:00.123Z", "14:00:00"),
    ("2023-01-05 14:00:00.5 MSK", "14:00:00"),
    ("04/01/2023 9:30:01.25", "9:30:01"),
])
def test_fractional_seconds_are_refused_in_every_form(text: str, time: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text, date_order="DMY")
    assert str(error.value) == (f"invalid date '{text}': fractional seconds are not "
                                f"supported: write {time}")

