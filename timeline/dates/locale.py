"""Date words of a language, taken from CLDR through Babel: month names, patterns, eras.

English keeps the hand-written labels of model.py (byte for byte); every other
language gets a DateLocale built once from its tag and handed down explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import babel
from babel.numbers import format_decimal

# Python-side words of labels, by their English text; a catalogue may translate them.
WORDS = ("c. ", "?", ", year unknown", ", month unknown", ", day unknown",
         ", month and day unknown", "until ", "from ", ", start unknown", ", end unknown",
         " on", "Spring", "Summer", "Autumn", "Winter", "%(year)ss")

_YEAR_SUFFIX = re.compile(r"\s*'[^']+'\.?\s*$")  # ru "d MMMM y 'г'.": the year's " г."


@dataclass(frozen=True)
class DateLocale:
    """What labels need of a language: month names, the day pattern, eras and words."""

    language: str
    months: tuple[str, ...]  # the format form, inside a day: "января"
    stand_alone: tuple[str, ...]  # the nominative, alone with a year: "январь"
    short_months: tuple[str, ...]  # stand-alone abbreviations, for chart ticks: "янв."
    day_pattern: str  # CLDR's long date pattern, the year suffix dropped: "d MMMM y"
    before_era: str  # "до н. э."
    era: str  # "н. э."
    grouping: str  # the locale's 10,000
    words: tuple[tuple[str, str], ...] = ()

    def word(self, english: str) -> str:
        """Return the translation of one Python-side word, or the English."""
        return dict(self.words).get(english, english)

    def number(self, value: int) -> str:
        """Format a year number, grouping the digits from five on, as the locale does."""
        return format_decimal(value, locale=self.grouping) if value >= 10000 else str(value)

    def year(self, year: int) -> str:
        """Format an astronomical year: 2023, 44 до н. э."""
        return self.number(year) if year >= 1 else f"{self.number(1 - year)} {self.before_era}"

    def month_year(self, year: int, month: int) -> str:
        """Format a month alone with its year, the month in the nominative: сентябрь 2022."""
        return f"{self.stand_alone[month - 1]} {self.year(year)}"

    def day(self, year: int, month: int, day: int) -> str:
        """Format a day by the locale's long pattern: 5 января 2023."""
        out = []
        for token in re.findall(r"'[^']*'|d+|M+|L+|y+|[^'dMLy]+", self.day_pattern):
            if token.startswith("'"):
                out.append(token[1:-1] or "'")
            elif token[0] == "d":
                out.append(f"{day:0{len(token)}d}")
            elif token[0] in "ML":
                out.append(self.months[month - 1])
            elif token[0] == "y":
                out.append(self.year(year))
            else:
                out.append(token)
        return "".join(out)

    @property
    def day_first(self) -> bool:
        """Tell whether the day pattern is 'd MMMM y', so that '5–7 января 2023' reads."""
        return self.day_pattern.startswith("d ")


def babel_locale(language: str) -> babel.Locale | None:
    """Return Babel's locale of a language tag, or None when CLDR does not know it."""
    try:
        return babel.Locale.parse(language.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return None


def date_locale(language: str, words: Mapping[str, object] | None = None) -> DateLocale | None:
    """Return the date words of a language; None for English (and unknown languages),
    whose labels model.py writes. words: a catalogue, for the Python-side WORDS."""
    if language.split("-")[0].lower() == "en":
        return None
    found = babel_locale(language)
    if found is None:
        return None
    translated = tuple((w, str(words[w])) for w in WORDS
                       if words is not None and isinstance(words.get(w), str))
    return DateLocale(
        language=language,
        months=tuple(found.months["format"]["wide"][m] for m in range(1, 13)),
        stand_alone=tuple(found.months["stand-alone"]["wide"][m] for m in range(1, 13)),
        short_months=tuple(found.months["stand-alone"]["abbreviated"][m] for m in range(1, 13)),
        day_pattern=_YEAR_SUFFIX.sub("", found.date_formats["long"].pattern),
        before_era=found.eras["abbreviated"][0],
        era=found.eras["abbreviated"][1],
        grouping=str(found),
        words=translated,
    )


def text_direction(language: str) -> str:
    """Return 'rtl' for a language written right to left (ar, he), else 'ltr'."""
    found = babel_locale(language)
    return "rtl" if found is not None and found.character_order == "right-to-left" else "ltr"
