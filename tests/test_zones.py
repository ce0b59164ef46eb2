"""Zone abbreviations: read at their date, refused when ambiguous, labelled never to mislead."""

from __future__ import annotations

import collections
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates.abbreviations import ABBREVIATIONS
from timeline.dates.model import DateError
from timeline.dates.parse import parse_date, parse_event_date
from timeline.dates.zones import Zone, abbreviation_uses, resolve_zone, zone_label

ZONES = sorted(available_timezones())


def read(text: str, zone: str = "UTC") -> tuple[str, str]:
    """Return the ISO form and the label of a date."""
    point = parse_date(text, zone=zone)
    return point.iso(), point.label()


# ------------------------------------------------------------ an abbreviation at its date

@pytest.mark.parametrize(("text", "iso", "label"), [
    # Moscow kept +04:00 all year from 2011 to 2014 and called it MSK
    ("2012-07-01 12:00 MSK", "2012-07-01T12:00+04:00", "1 July 2012, 12:00 MSK (UTC+04:00)"),
    ("2012-07-01 12:00 Europe/Moscow", "2012-07-01T12:00+04:00",
     "1 July 2012, 12:00 MSK (UTC+04:00)"),
    ("2023-07-01 14:30 MSK", "2023-07-01T14:30+03:00", "1 July 2023, 14:30 MSK"),
    ("2010-01-04 14:30 msk", "2010-01-04T14:30+03:00", "4 January 2010, 14:30 MSK"),
    ("2010-07-04 14:30 MSD", "2010-07-04T14:30+04:00", "4 July 2010, 14:30 MSD"),
    # the repeated hour at the end of summer time: the abbreviation says which
    ("2022-10-30 01:30 BST", "2022-10-30T01:30+01:00", "30 October 2022, 01:30 BST"),
    ("2022-10-30 01:30 GMT", "2022-10-30T01:30+00:00", "30 October 2022, 01:30 GMT"),
    ("2023-07-04 14:30 CET", "2023-07-04T14:30+01:00", "4 July 2023, 14:30 CET"),
    ("2023-07-04 14:30 EST", "2023-07-04T14:30-05:00", "4 July 2023, 14:30 EST"),
    ("1944-07-04 14:30 EWT", "1944-07-04T14:30-04:00", "4 July 1944, 14:30 EWT"),
])
def test_an_abbreviation_means_the_offset_it_had_then(text: str, iso: str, label: str) -> None:
    assert read(text) == (iso, label)


def test_the_two_moscow_labels_of_2012_name_one_instant() -> None:
    typed, named = parse_date("2012-07-01 12:00 MSK"), parse_date("2012-07-01 12:00 Europe/Moscow")
    assert typed == named and typed.start_key() == named.start_key()


@pytest.mark.parametrize(("text", "label"), [
    ("2023-01-04 14:30 Asia/Shanghai", "4 January 2023, 14:30 CST (UTC+08:00)"),
    ("2023-01-04 14:30 America/Chicago", "4 January 2023, 14:30 CST (UTC-06:00)"),
    ("2023-01-04 14:30 America/Havana", "4 January 2023, 14:30 CST (UTC-05:00)"),
    ("2023-01-04 14:30 Asia/Kolkata", "4 January 2023, 14:30 IST (UTC+05:30)"),
    ("2023-07-04 14:30 Europe/Dublin", "4 July 2023, 14:30 IST (UTC+01:00)"),
    ("2023-01-04 14:30 Asia/Jerusalem", "4 January 2023, 14:30 IST (UTC+02:00)"),
    ("2023-07-04 14:30 Asia/Manila", "4 July 2023, 14:30 PST (UTC+08:00)"),
    ("2023-01-04 14:30 Asia/Dubai", "4 January 2023, 14:30 UTC+04:00"),  # tzname '+04'
    ("2023-01-04 14:30 Europe/London", "4 January 2023, 14:30 GMT"),
    ("2023-01-04 14:30 Asia/Tokyo", "4 January 2023, 14:30 JST"),
])
def test_a_label_adds_the_offset_when_the_abbreviation_alone_could_mislead(
        text: str, label: str) -> None:
    assert parse_date(text).label() == label


# ------------------------------------------------------------ errors, whole

@pytest.mark.parametrize(("text", "message"), [
    ("2023-01-04 14:30 CST",
     "invalid date '2023-01-04 14:30 CST': time zone abbreviation 'CST' is ambiguous at "
     "2023-01-04 14:30: it meant -06:00 in America/Chicago, +08:00 in Asia/Shanghai and "
     "-05:00 in America/Havana: write one of these IANA names, or an offset"),
    ("2023-07-04 14:30 IST",
     "invalid date '2023-07-04 14:30 IST': time zone abbreviation 'IST' is ambiguous at "
     "2023-07-04 14:30: it meant +05:30 in Asia/Kolkata and +01:00 in Europe/Dublin: write "
     "one of these IANA names, or an offset"),
    ("2023-01-04 14:30 CEST",
     "invalid date '2023-01-04 14:30 CEST': time zone abbreviation 'CEST' was not in use at "
     "2023-01-04 14:30 (Europe/Berlin used CET then): write an IANA name such as "
     "Europe/Berlin, or an offset"),
    ("1 January 1500, 14:30 MSK",
     "invalid date '1 January 1500, 14:30 MSK': time zone abbreviation 'MSK' was not in use "
     "at 1500-01-01 14:30 (Europe/Moscow used LMT then): write an IANA name such as "
     "Europe/Moscow, or an offset"),
    ("2023-07-04 14:30 PST",
     "invalid date '2023-07-04 14:30 PST': time zone abbreviation 'PST' at 2023-07-04 14:30 "
     "meant +08:00 only in Asia/Manila, not its usual -08:00: write an IANA name such as "
     "Asia/Manila or America/Los_Angeles, or an offset"),
    ("2014-10-26 01:30 MSK",
     "invalid date '2014-10-26 01:30 MSK': 2014-10-26 01:30 MSK happened twice in "
     "Europe/Moscow (the clocks went back): give the offset, +04:00 or +03:00"),
    ("2023-01-04 14:30 SGT",  # tzdata now says +08
     "invalid date '2023-01-04 14:30 SGT': unknown time zone 'SGT': use an IANA name such as "
     "Europe/Moscow, an offset such as +03:00, or UTC"),
])
def test_abbreviation_errors(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == message


@pytest.mark.parametrize(("name", "message"), [
    ("IST", "time zone abbreviation 'IST' is ambiguous: Asia/Kolkata, Europe/Dublin and "
            "Asia/Jerusalem have used it with different offsets at the same time: set an IANA "
            "name such as Asia/Kolkata, or an offset"),
    ("cst", "time zone abbreviation 'cst' is ambiguous: America/Chicago, Asia/Shanghai, "
            "America/Havana and others have used it with different offsets at the same time: "
            "set an IANA name such as America/Chicago, or an offset"),
    ("KST", "time zone abbreviation 'KST' is ambiguous: Asia/Seoul and Asia/Pyongyang have "
            "used it with different offsets at the same time: set an IANA name such as "
            "Asia/Seoul, or an offset"),
])
def test_a_setting_may_not_be_an_abbreviation_ever_ambiguous(name: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        resolve_zone(name)
    assert str(error.value) == message


# ------------------------------------------------------------ an abbreviation as the setting

def test_an_abbreviation_setting_is_read_at_each_date() -> None:
    assert parse_date("2012-07-01 12:00", zone="MSK").offset == 240
    assert parse_date("2023-07-01 12:00", zone="MSK").offset == 180
    assert resolve_zone("msk") == Zone("MSK", abbreviation=True)


def test_a_date_without_time_starts_at_the_usual_offset_when_the_abbreviation_is_unused() -> None:
    assert parse_event_date("2023-01-04", zone="CEST").tz_offset == 120  # not in use then
    assert parse_event_date("2012-07-01", zone="MSK").tz_offset == 240
    assert parse_event_date("-0043", zone="MSK").tz_offset == 180


def test_an_abbreviation_as_tzinfo_converts_by_its_date() -> None:
    moscow = Zone("MSK", abbreviation=True).tzinfo()
    summer_2012 = datetime(2012, 7, 1, 8, 0, tzinfo=UTC).astimezone(moscow)
    assert (summer_2012.hour, summer_2012.tzname()) == (12, "MSK")
    assert summer_2012.utcoffset() == timedelta(hours=4)
    assert datetime(2023, 7, 1, 8, 0, tzinfo=UTC).astimezone(moscow).hour == 11


# ------------------------------------------------------------ the table against zoneinfo

def test_every_candidate_zone_showed_its_abbreviation() -> None:
    starts = [datetime(year, month, 1, tzinfo=UTC) for year in range(1900, 2040)
              for month in range(1, 13)]
    for abbreviation, (_, _, zones) in ABBREVIATIONS.items():
        for name in zones:
            zone = ZoneInfo(name)
            assert any(start.astimezone(zone).tzname() == abbreviation
                       or (start + timedelta(days=15)).astimezone(zone).tzname() == abbreviation
                       for start in starts), (abbreviation, name)


def test_the_candidates_cover_every_use_of_an_abbreviation() -> None:
    """Where a zone shows an abbreviation, a candidate zone used it with that offset then."""
    missing = []
    for name in ZONES:
        zone = ZoneInfo(name)
        for year in range(1970, 2040, 3):
            for month in (1, 7):
                local = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(zone)
                abbreviation, offset = local.tzname() or "", local.utcoffset()
                if abbreviation in ABBREVIATIONS and offset is not None:
                    wall = local.replace(tzinfo=None)
                    minutes = int(offset.total_seconds() / 60)
                    if minutes not in abbreviation_uses(abbreviation, wall):
                        missing.append((name, wall, abbreviation, minutes))
    assert missing == []


# ------------------------------------------------------------ the property

def _labels_at(wall: datetime) -> dict[str, set[datetime]]:
    """Return label -> the UTC instants shown with it at this wall time, over every zone."""
    seen: dict[str, set[datetime]] = collections.defaultdict(set)
    for name in ZONES:
        zone = ZoneInfo(name)
        for fold in (0, 1):
            local = wall.replace(tzinfo=zone, fold=fold)
            if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
                continue  # a wall time this zone skipped
            # offsets are whole minutes, as DatePoint keeps them (local mean times such as
            # +02:00:16 are read as +02:00, the instant the site orders and labels)
            offset = int((local.utcoffset() or timedelta()).total_seconds() / 60)
            seen[zone_label(local.tzname(), offset, wall)].add(wall - timedelta(minutes=offset))
    return seen


@settings(max_examples=15, deadline=None)
@given(wall=st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2045, 12, 31)))
def test_two_instants_never_share_a_label_at_one_wall_time(wall: datetime) -> None:
    wall = wall.replace(second=0, microsecond=0)
    clashes = {label: instants for label, instants in _labels_at(wall).items()
               if len(instants) > 1}
    assert clashes == {}


@pytest.mark.parametrize("wall", [
    datetime(2012, 7, 1, 12, 0), datetime(2023, 1, 4, 14, 30), datetime(2023, 7, 4, 14, 30),
    datetime(2014, 10, 26, 1, 30), datetime(2022, 10, 30, 1, 30), datetime(2022, 11, 6, 1, 30),
    datetime(1975, 1, 4, 12, 0), datetime(2016, 7, 1, 12, 0), datetime(1944, 7, 4, 12, 0),
])
def test_no_shared_labels_at_known_hard_times(wall: datetime) -> None:
    assert {label: instants for label, instants in _labels_at(wall).items()
            if len(instants) > 1} == {}
