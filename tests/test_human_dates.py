"""Dates as historians write them (44 BC, AD 79, the 1850s, spring 1944), read with their
EDTF meaning, and the words that date nothing refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.content.load import load_timeline
from timeline.dates.model import DateError
from timeline.dates.parse import parse_date, parse_event_date


@pytest.mark.parametrize(("text", "edtf", "label"), [
    # BC counts without a year zero: 1 BC is 0000, 44 BC is -0043
    ("15 March 44 BC", "-0043-03-15", "15 March 44 BC"),
    ("March 15, 44 BC", "-0043-03-15", "15 March 44 BC"),
    ("44 BC", "-0043", "44 BC"),
    ("44 BCE", "-0043", "44 BC"),
    ("44 B.C.", "-0043", "44 BC"),
    ("44 B.C.E.", "-0043", "44 BC"),
    ("44 bc", "-0043", "44 BC"),
    ("March 44 BC", "-0043-03", "March 44 BC"),
    ("1 BC", "0000", "1 BC"),
    ("2 BC", "-0001", "2 BC"),
    ("2560 BC", "-2559", "2560 BC"),
    ("170,000,003 BC", "Y-170000002", "170,000,003 BC"),
    ("29 February 45 BC", "-0044-02-29", "29 February 45 BC"),  # -44 is a leap year
    ("Friday 15 March 44 BC", "-0043-03-15", "15 March 44 BC"),  # proleptic Gregorian
    # AD and CE: a year below 100 is unambiguous with its era
    ("AD 79", "0079", "79"),
    ("79 AD", "0079", "79"),
    ("79 CE", "0079", "79"),
    ("A.D. 79", "0079", "79"),
    ("C.E. 79", "0079", "79"),  # not c. (circa) E. 79
    ("AD 1", "0001", "1"),
    ("AD 1066", "1066", "1066"),
    ("AD 79 August 24", "0079-08-24", "24 August 79"),
    ("24 August AD 79", "0079-08-24", "24 August 79"),
    ("24 August 79 CE", "0079-08-24", "24 August 79"),
    ("AD 2023 January 4 14:30", "2023-01-04T14:30:00Z", "4 January 2023, 14:30 UTC"),
    # qualifiers around them
    ("c. 44 BC", "-0043~", "c. 44 BC"),
    ("circa 2560 BC?", "-2559%", "c. 2560 BC?"),
    ("c. 1850", "1850~", "c. 1850"),
    ("circa 1850", "1850~", "c. 1850"),
    # decades
    ("1850s", "185X", "1850s"),
    ("the 1850s", "185X", "1850s"),
    ("The 1850s", "185X", "1850s"),
    ("1850's", "185X", "1850s"),
    ("c. 1850s", "185X~", "c. 1850s"),
    ("1990s?", "199X?", "1990s?"),
    # seasons: EDTF 21-24, meteorological and northern
    ("spring 1944", "1944-21", "Spring 1944"),
    ("Spring 1944", "1944-21", "Spring 1944"),
    ("spring of 1944", "1944-21", "Spring 1944"),
    ("summer 1944", "1944-22", "Summer 1944"),
    ("autumn 1944", "1944-23", "Autumn 1944"),
    ("fall 1944", "1944-23", "Autumn 1944"),
    ("winter 1944", "1944-24", "Winter 1944"),
    ("WINTER 1944", "1944-24", "Winter 1944"),
    ("c. summer 1944", "1944-22~", "c. Summer 1944"),
    ("spring 44 BC", "-0043-21", "Spring 44 BC"),
])
def test_a_historians_form_has_its_edtf_meaning(text: str, edtf: str, label: str) -> None:
    point = parse_date(text)
    assert (point.edtf(), point.label()) == (edtf, label)


def test_a_written_season_is_the_same_date_as_its_edtf_form() -> None:
    assert parse_date("winter 1944") == parse_date("1944-24")
    assert parse_date("the 1850s") == parse_date("185X")
    assert parse_date("15 March 44 BC") == parse_date("-0043-03-15")


@pytest.mark.parametrize(("text", "edtf", "label"), [
    ("44 BC/AD 14", "-0043/0014", "44 BC – 14"),  # not a zone name such as Europe/Moscow
    ("44 BC / AD 14", "-0043/0014", "44 BC – 14"),
    ("c. 44 BC/AD 14?", "-0043~/0014?", "c. 44 BC – 14?"),
    ("spring 1944/winter 1944", "1944-21/1944-24", "Spring 1944 – Winter 1944"),
    ("the 1850s/..", "185X/..", "from 1850s on"),
    ("2023-01-04 14:30 Europe/Moscow", "2023-01-04T14:30:00+03:00",
     "4 January 2023, 14:30 MSK"),
])
def test_intervals_of_historians_forms(text: str, edtf: str, label: str) -> None:
    date = parse_event_date(text)
    assert (date.edtf(), date.label()) == (edtf, label)


def test_bc_interval_order_is_checked() -> None:
    with pytest.raises(DateError) as error:
        parse_event_date("44 BC/45 BC")
    assert str(error.value) == "end -0044 is before start -0043"


@pytest.mark.parametrize(("text", "message"), [
    ("0 BC", "there is no year 0 BC: 1 BC is followed by AD 1 (in ISO form 1 BC is 0000)"),
    ("0 AD", "there is no year 0 AD: 1 BC is followed by AD 1 (in ISO form 1 BC is 0000)"),
    ("15 March 0 BCE",
     "there is no year 0 BCE: 1 BC is followed by AD 1 (in ISO form 1 BC is 0000)"),
    ("15 March -44 BC", "a year with an era takes no minus sign: write 44 BC"),
    ("79 AD 24 August", "write the year next to its era: 44 BC, 15 March 44 BC, AD 79 or 79 AD"),
    ("BC", "write the year next to its era: 44 BC, 15 March 44 BC, AD 79 or 79 AD"),
    ("March BC", "write the year next to its era: 44 BC, 15 March 44 BC, AD 79 or 79 AD"),
    ("44 BC AD", "more than one era: write one, e.g. 44 BC"),
    ("29 February 44 BC", "day must be 1-28 in February 44 BC"),
    ("44 BC 14:30", "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023"),
    ("15 March 44 BC 14:30", "times can only be given for years 1-9999"),
    # without an era, a short year is still refused, and a minus sign in words too
    ("15 March 44", "write the year with four digits (a two-digit year leaves the century "
                    "ambiguous)"),
    ("15 March -0043", "years before AD 1 must be written in ISO form or with BC: "
                       "-0043-03-15 or 15 March 44 BC"),
    ("spring 0000", "years before AD 1 must be written in ISO form or with BC: "
                    "0000-21 or Spring 1 BC"),
    ("summer 44", "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023"),
    # a decade or a century?
    ("1800s", "'1800s' may be the decade 1800-1809 or the century 1800-1899: write 180X "
              "for the decade or 18XX for one year of the century"),
    ("the 2000s", "'2000s' may be the decade 2000-2009 or the century 2000-2099: write 200X "
                  "for the decade or 20XX for one year of the century"),
])
def test_ambiguous_or_impossible_era_forms_are_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == f"invalid date '{text}': {message}"


RELATIVE = ("cannot be dated by the build: write the date itself, worked out from the "
            "source's date")
EARLY = "write an approximate date such as 2023-02~ or an interval such as 2023-01/2023-04"
MID = "write an approximate date such as 2023-06~ or an interval such as 2023-05/2023-08"
LATE = "write an approximate date such as 2023-11~ or an interval such as 2023-09/2023-12"
WEEKDAY = "a weekday alone is not a date: write the day, e.g. Monday 2 January 2023"
BOTH = "(approximate and uncertain)"


@pytest.mark.parametrize(("text", "message"), [
    ("yesterday", f"relative dates such as 'yesterday' {RELATIVE}"),
    ("Yesterday", f"relative dates such as 'Yesterday' {RELATIVE}"),
    ("today", f"relative dates such as 'today' {RELATIVE}"),
    ("tomorrow", f"relative dates such as 'tomorrow' {RELATIVE}"),
    ("last week", f"relative dates such as 'last week' {RELATIVE}"),
    ("next Monday", f"relative dates such as 'next Monday' {RELATIVE}"),
    ("this morning", f"relative dates such as 'this morning' {RELATIVE}"),
    ("two days ago", f"relative dates such as 'two days ago' {RELATIVE}"),
    ("yesterday 14:30", f"relative dates such as 'yesterday' {RELATIVE}"),
    ("early 2023", f"vague words such as 'early' are not supported: {EARLY}"),
    ("Early June 2023", f"vague words such as 'early' are not supported: {EARLY}"),
    ("mid-January 2023", f"vague words such as 'mid' are not supported: {MID}"),
    ("mid 2023", f"vague words such as 'mid' are not supported: {MID}"),
    ("middle of 2023", f"vague words such as 'middle' are not supported: {MID}"),
    ("late 1990s", f"vague words such as 'late' are not supported: {LATE}"),
    ("c. late 2023", f"vague words such as 'late' are not supported: {LATE}"),
    ("Monday", WEEKDAY),
    ("monday", WEEKDAY),
    ("on Monday", WEEKDAY),
    ("Mon", WEEKDAY),
    ("Thurs.", WEEKDAY),
    ("Monday 2023", "a weekday needs a full date"),
    ("2023~?", f"one qualifier, and only at the end: write 2023% {BOTH}"),
    ("2023?~", f"one qualifier, and only at the end: write 2023% {BOTH}"),
    ("2023 ~ ?", f"one qualifier, and only at the end: write 2023% {BOTH}"),
    ("2023%~", f"one qualifier, and only at the end: write 2023% {BOTH}"),
    ("2023??", "one qualifier, and only at the end: write 2023?"),
    ("2023-01-05~~", "one qualifier, and only at the end: write 2023-01-05~"),
    ("~2023", "a qualifier before the date (~2023) is EDTF level 2, not supported: write "
              "it at the end, 2023~"),
    ("?2004-06", "a qualifier before the date (?2004-06) is EDTF level 2, not supported: "
                 "write it at the end, 2004-06?"),
    ("~2023?", f"a qualifier before the date (~2023) is EDTF level 2, not supported: write "
               f"it at the end, 2023% {BOTH}"),
])
def test_an_unsupported_form_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == f"invalid date '{text}': {message}"


@pytest.mark.parametrize("text", [
    "4 January 2023 14:30 America/Nome",  # 'now' and 'mon' only as whole words
    "Wednesday 4 January 2023",
    "4 Jan 2023 2:30pm",
    "September 2022",
])
def test_words_inside_ordinary_dates_are_not_taken_for_relative_ones(text: str) -> None:
    parse_date(text)


@pytest.mark.parametrize("text", ["~", "%", "?"])
def test_a_qualifier_alone_is_still_an_empty_date(text: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == (f"empty date '{text}': write e.g. 2023-01-04, "
                                f"2023-01-04T14:30, September 2022 or 4 January 2023")


# ---------------------------------------------------------------- date and end

def test_end_open_is_an_open_interval() -> None:
    date = parse_event_date("1985", "..")
    assert (date.edtf(), date.label()) == ("1985/..", "from 1985 on")
    assert date == parse_event_date("1985/..")


@pytest.mark.parametrize(("date", "end", "message"), [
    ("2023-01-04/2023-01-05", "2023-01-06",
     "give the end either as an interval or as `end`, not both"),
    ("1985/..", "..", "give the end either as an interval or as `end`, not both"),
    ("1985", "", "empty `end`: leave it out, or write `..` if the event goes on (an unknown "
                 "end is written in `date` with nothing after the slash: `1985/`)"),
    ("1985", "  ", "empty `end`: leave it out, or write `..` if the event goes on (an unknown "
                   "end is written in `date` with nothing after the slash: `1985/`)"),
    ("1985", "1986/1987", "`end` takes one date, not an interval: '1986/1987'"),
    ("1985", "../1987", "`end` takes one date, not an interval: '../1987'"),
])
def test_end_with_an_interval_or_empty_is_refused(date: str, end: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_event_date(date, end)
    assert str(error.value) == message


def _problems(project: Path) -> list[str]:
    _, report = load_timeline(project)
    return [str(d) for d in sorted(report.diagnostics)]


@pytest.mark.parametrize(("fields", "expected"), [
    # the documented message, at the line of `end`, not "expected YYYY" at `date`
    ({"date": '"2023-01-04/2023-01-05"', "end": '"2023-01-06"'},
     ["content/e.md:4: error: give the end either as an interval or as `end`, not both"]),
    ({"date": '"2023-01-04/"', "end": '"2023-01-06"'},
     ["content/e.md:4: error: give the end either as an interval or as `end`, not both"]),
    # a bad `date` is blamed on its own line, even with an `end`
    ({"date": '"2023-13-01"', "end": '"2023-01-06"'},
     ["content/e.md:3: error: invalid date '2023-13-01': month must be 1-12"]),
    ({"date": '"2023-01-05/2023-01-04"', "end": '"2023-01-06"'},
     ["content/e.md:3: error: end 2023-01-04 is before start 2023-01-05"]),
    ({"date": '"2023-01-04"', "end": '"yesterday"'},
     ["content/e.md:4: error: invalid date 'yesterday': relative dates such as 'yesterday' "
      "cannot be dated by the build: write the date itself, worked out from the source's "
      "date"]),
    ({"date": '"1985"', "end": '""'},
     ["content/e.md:4: error: empty `end`: leave it out, or write `..` if the event goes on "
      "(an unknown end is written in `date` with nothing after the slash: `1985/`)"]),
])
def test_event_date_and_end_errors(make_project: MakeProject, fields: dict[str, str],
                                   expected: list[str]) -> None:
    project = make_project({"content/e.md": event(**fields)})
    assert _problems(project) == expected


def test_event_end_open_and_historians_forms_load(make_project: MakeProject) -> None:
    project = make_project({
        "content/a.md": event(title="A", date='"1985"', end='".."'),
        "content/b.md": event(title="B", date='"15 March 44 BC"'),
        "content/c.md": event(title="C", date='"spring 1944"', end='"winter 1944"'),
    })
    timeline, report = load_timeline(project)
    assert [str(d) for d in report.diagnostics] == []
    assert [(e.title, e.date.edtf(), e.date.label()) for e in timeline.events] == [
        ("B", "-0043-03-15", "15 March 44 BC"),
        ("C", "1944-21/1944-24", "Spring 1944 – Winter 1944"),
        ("A", "1985/..", "from 1985 on"),
    ]
