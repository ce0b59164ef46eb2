"""Turn entries and eras into the plain geometry of the overview picture (no I/O, no SVG).

x values are percentages of the picture's width (the template writes them as such, so
the picture stretches to any width while its text keeps its size); y values and
heights are CSS pixels. Instants are UTC seconds (timeline.dates.model), so any year,
BC or millions of years ago, has a place on the axis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from timeline.dates.locale import DateLocale
from timeline.dates.model import MONTH_NAMES, civil_from_days, days_from_civil, year_label
from timeline.model import Era, instants

if TYPE_CHECKING:
    from timeline.site.pages import Entry, YearGroup

MARK_LIMIT = 150  # more events than this are drawn as a histogram of years or months
MAX_ROWS = 12  # and so are marks that would need more rows than this
MARGIN = 2.0  # percent of the width left free at each end of the axis
MAX_TICKS = 7
GAP = 2.5  # percent: marks closer than this go on separate rows
MIN_BAR = 0.6  # percent: the narrowest bar drawn for an interval or a histogram bin
LANE = 22  # px: height of an era's lane
ROW = 15  # px: height of a row of marks
HISTOGRAM = 72  # px: height of the tallest histogram bar
AXIS_TEXT = 22  # px: room under the axis for its labels
DAY = 86400
_STEPS_DAYS = (1, 2, 7, 14)
_STEPS_MONTHS = (1, 2, 3, 6)


@dataclass(frozen=True)
class Tick:
    """A labelled place on the axis; anchor is where the label hangs (start, middle, end)."""

    x: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Mark:
    """One event: a dot at x (width 0) or a bar from x, on a row; y is its centre."""

    slug: str
    title: str
    label: str  # the date, for the mark's accessible name
    x: float
    width: float
    row: int
    y: int
    approximate: bool = False
    uncertain: bool = False


@dataclass(frozen=True)
class Bin:
    """A bar of the histogram: the events of one year or month, and the page listing them."""

    label: str
    count: int
    x: float
    width: float
    y: int
    height: int
    link: str  # site path, with a fragment where the bin is a part of a page


@dataclass(frozen=True)
class Band:
    """An era as a band from x on its lane (eras that overlap get separate lanes)."""

    label: str
    date_label: str
    x: float
    width: float
    lane: int
    y: int
    colour: str | None = None
    rtl: bool = False  # x is measured from the right's mirror: the picture reads right to left

    def _ltr_x(self) -> float:
        """Return x as it would be in a left-to-right picture."""
        return round(100 - self.x - self.width, 2) if self.rtl else self.x

    @property
    def anchor(self) -> str:
        """Return where the label hangs: from the start, or (far right) from the end
        (in a right-to-left picture start and end are the text's, so they mirror too)."""
        return "end" if self._ltr_x() > 60 else "start"

    @property
    def label_x(self) -> float:
        """Return the x of the label's anchor."""
        ltr = round(self._ltr_x() + self.width, 2) if self._ltr_x() > 60 else self._ltr_x()
        return round(100 - ltr, 2) if self.rtl else ltr

    @property
    def label_dx(self) -> int:
        """Return the shift of the label from its anchor, inwards into the band."""
        return (4 if self.anchor == "start" else -4) * (-1 if self.rtl else 1)


@dataclass(frozen=True)
class Overview:
    """The whole picture: its height, axis, eras, and either marks or histogram bins."""

    height: int
    axis_y: int
    top: int  # where the marks or bins start, under the eras' lanes
    ticks: tuple[Tick, ...]
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...] = ()
    bins: tuple[Bin, ...] = ()
    rows: int = 0
    lanes: int = 0


def draw(entries: Sequence[Entry], eras: Sequence[Era], years: Sequence[YearGroup], *,
         limit: int = MARK_LIMIT, locale: DateLocale | None = None) -> Overview | None:
    """Return the overview of entries (in timeline order) and eras; None without entries.

    Up to limit entries are each a mark; more (or marks so crowded that they need more
    than MAX_ROWS rows) are counted by year (by month for a span of three years or
    less), each bin linking to the page that lists them.
    """
    if not entries:
        return None
    spans = [instants(e.date) for e in entries]
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    if last - first < 2 * DAY:  # a day or less: show the days around it
        middle = (first + last) // 2
        first, last = middle - DAY, middle + DAY
    axis = _Axis(first, last)
    lanes = _lanes([(axis.x(s), axis.x(e)) for s, e in (instants(era.date) for era in eras)])
    bands = tuple(Band(era.label, era.date.label(locale), x, width, lane, lane * LANE, era.colour)
                  for era, (x, width, lane) in zip(eras, lanes, strict=True) if lane >= 0)
    lane_count = max((b.lane + 1 for b in bands), default=0)
    top = lane_count * LANE + 6
    shift = entries[0].date.tz_offset * 60  # ticks and bins at the site's local midnight
    ticks = _ticks(first + shift, last + shift, axis, shift, locale)
    marks = _marks(entries, spans, axis, top, locale) if len(entries) <= limit else ()
    if not marks or max(m.row for m in marks) >= MAX_ROWS:
        bins = _bins(years, axis, top, shift, monthly=last - first <= 3 * 366 * DAY)
        axis_y = top + HISTOGRAM
        return Overview(axis_y + AXIS_TEXT, axis_y, top, ticks, bands, bins=bins,
                        lanes=lane_count)
    rows = max(m.row for m in marks) + 1
    axis_y = top + rows * ROW + 4
    return Overview(axis_y + AXIS_TEXT, axis_y, top, ticks, bands, marks=marks, rows=rows,
                    lanes=lane_count)


def mirror(overview: Overview) -> Overview:
    """Return the picture read right to left: the earliest date at the right edge."""

    def flip(x: float, width: float = 0) -> float:
        return round(100 - x - width, 2)

    return replace(
        overview,
        ticks=tuple(replace(t, x=flip(t.x)) for t in overview.ticks),
        bands=tuple(replace(b, x=flip(b.x, b.width), rtl=not b.rtl) for b in overview.bands),
        marks=tuple(replace(m, x=flip(m.x, m.width)) for m in overview.marks),
        bins=tuple(replace(b, x=flip(b.x, b.width)) for b in overview.bins))


@dataclass(frozen=True)
class _Axis:
    """The proportional axis from first to last (UTC seconds)."""

    first: int
    last: int

    def x(self, instant: int) -> float:
        """Return the x (percent of the width) of an instant, clamped to the axis."""
        share = (min(max(instant, self.first), self.last) - self.first) / (self.last - self.first)
        return round(MARGIN + share * (100 - 2 * MARGIN), 2)


def _marks(entries: Sequence[Entry], spans: Sequence[tuple[int, int]], axis: _Axis,
           top: int, locale: DateLocale | None) -> tuple[Mark, ...]:
    """Return a mark per entry, each on the first row where it keeps GAP from the last."""
    ends: list[float] = []  # the right edge of each row's last mark
    marks = []
    for entry, (start, end) in zip(entries, spans, strict=True):
        if entry.date.is_interval:
            x = axis.x(start)
            width = max(round(axis.x(end) - x, 2), MIN_BAR)
        else:  # a point known to a day, a month, a year: its middle
            x, width = axis.x((start + end) // 2), 0.0
        row = next((n for n, right in enumerate(ends) if x >= right + GAP), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = x + width
        marks.append(Mark(entry.slug, entry.title, entry.date.label(locale), x, width, row,
                          top + row * ROW + ROW // 2, entry.date.approximate,
                          entry.date.uncertain))
    return tuple(marks)


def _lanes(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float, int]]:
    """Return (x, width, lane) of each span; lane -1 for one outside the axis."""
    placed: list[tuple[float, float, int]] = []
    ends: list[float] = []
    for start, end in spans:
        if end <= MARGIN or start >= 100 - MARGIN:
            placed.append((start, 0.0, -1))
            continue
        lane = next((n for n, right in enumerate(ends) if start >= right), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = end
        placed.append((start, round(max(end - start, MIN_BAR), 2), lane))
    return placed


def _bins(years: Sequence[YearGroup], axis: _Axis, top: int, shift: int, *, monthly: bool
          ) -> tuple[Bin, ...]:
    """Return a histogram bin per year (or month) with events, linking to its listing."""
    found: list[tuple[str, int, int, int, str]] = []  # label, count, start, end, link
    for group in years:
        if not monthly:
            found.append((group.label, group.count, _year_start(group.year),
                          _year_start(group.year + 1), group.path))
            continue
        for month in group.months:
            number = month.month or 1
            start = days_from_civil(group.year, number, 1) * DAY
            end = (days_from_civil(group.year + number // 12, number % 12 + 1, 1) * DAY
                   if month.month else _year_start(group.year + 1))
            link = month.page or f"{group.path}#month-{group.year}-{month.month or 0}"
            found.append((month.label, month.count, start, end, link))
    most = max(count for _, count, _, _, _ in found)
    bins = []
    for label, count, start, end, link in found:
        x = axis.x(start - shift)
        height = max(round(HISTOGRAM * count / most), 2)
        bins.append(Bin(label, count, x, max(round(axis.x(end - shift) - x, 2), MIN_BAR),
                        top + HISTOGRAM - height, height, link))
    return tuple(bins)


def _year_start(year: int) -> int:
    """Return the first instant of a year (UTC seconds)."""
    return days_from_civil(year, 1, 1) * DAY


def _ticks(first: int, last: int, axis: _Axis, shift: int,
           locale: DateLocale | None) -> tuple[Tick, ...]:
    """Return at most MAX_TICKS ticks at round dates: days, weeks, months or years;
    first and last are local (UTC + shift seconds), as the ticks' dates are."""
    span_days = (last - first) / DAY
    for step in _STEPS_DAYS:
        if span_days / step <= MAX_TICKS:
            day = -(-first // DAY)
            return _place([(t * DAY, _day_label(t, t == day, locale)) for t in
                           range(day, last // DAY + 1, step)], axis, shift)
    for step in _STEPS_MONTHS:
        if span_days / 30.44 / step <= MAX_TICKS:
            return _place(_months(first, last, step, locale), axis, shift)
    span_years = span_days / 365.2425
    step = 1
    while span_years / step > MAX_TICKS:
        step = _next_step(step)
    return _place(_years(first, last, step, locale), axis, shift)


def _next_step(step: int) -> int:
    """Return the round step after step: 1, 2, 5, 10, 20, 50, 100..."""
    return step * 5 // 2 if str(step).startswith("2") else step * 2


def _short_month(month: int, locale: DateLocale | None) -> str:
    """Return a month's short name: 'Jan', or the locale's stand-alone abbreviation."""
    return MONTH_NAMES[month - 1][:3] if locale is None else locale.short_months[month - 1]


def _day_label(day: int, first: bool, locale: DateLocale | None) -> str:
    """Label a day: '4 Jan', with the year on the first tick and on 1 January."""
    year, month, number = civil_from_days(day)
    text = f"{number} {_short_month(month, locale)}"
    return (f"{text} {year_label(year, locale)}" if first or (month, number) == (1, 1)
            else text)


def _months(first: int, last: int, step: int,
            locale: DateLocale | None) -> list[tuple[int, str]]:
    """Return the first days of every step-th month (counted from January) in the span."""
    year, month, day = civil_from_days(first // DAY)
    index = year * 12 + month - 1 + (day > 1 or first % DAY > 0)
    index += -index % step
    found: list[tuple[int, str]] = []
    while True:
        year, month = divmod(index, 12)
        instant = days_from_civil(year, month + 1, 1) * DAY
        if instant > last:
            return found
        name = _short_month(month + 1, locale)
        found.append((instant, f"{name} {year_label(year, locale)}" if not found or month == 0
                      else name))
        index += step


def _years(first: int, last: int, step: int,
           locale: DateLocale | None) -> list[tuple[int, str]]:
    """Return the first instants of the round years in the span: those whose number as
    written (2000, or 500 for 500 BC) is a multiple of step."""
    low = civil_from_days(first // DAY)[0]
    low += _year_start(low) < first
    high = civil_from_days(last // DAY)[0]
    bc = range(-(-(1 - min(high, 0)) // step) * step, 1 - low + 1, step)  # written numbers
    ad = range(-(-max(low, 1) // step) * step, high + 1, step)
    years = sorted([1 - n for n in bc] + list(ad))
    return [(_year_start(y), _year_text(y, locale)) for y in years]


def _year_text(year: int, locale: DateLocale | None) -> str:
    """Label a year, millions of years in words: 2023, 44 BC, 12 million BC."""
    if locale is not None:  # no words for millions here: 12 000 000 до н. э.
        return locale.year(year)
    number = year if year >= 1 else 1 - year
    if number >= 1_000_000 and number % 100_000 == 0:
        text = f"{number / 1_000_000:g} million"
        return text if year >= 1 else f"{text} BC"
    return year_label(year)


def _place(found: list[tuple[int, str]], axis: _Axis, shift: int) -> tuple[Tick, ...]:
    """Return ticks at their x (found holds local instants), the labels near the ends hung
    inwards, so that they stay inside a narrow picture."""
    ticks = []
    for instant, label in found:
        x = axis.x(instant - shift)
        anchor = "start" if x < 15 else "end" if x > 85 else "middle"
        ticks.append(Tick(x, label, anchor))
    return tuple(ticks)
