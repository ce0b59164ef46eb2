"""Dates and the interface in the site's language: CLDR names through Babel, catalogues."""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from conftest import REPO, MakeProject, event
from test_timelinejs import front_matter

from timeline.authoring.timelinejs import run_import
from timeline.build import build
from timeline.dates.locale import babel_locale, date_locale, text_direction
from timeline.dates.parse import parse_event_date
from timeline.site.theme import make_environment, plural_samples

LABELS = [
    ("2023-01-05", "5 января 2023", "5 січня 2023"),
    ("2022-09", "сентябрь 2022", "вересень 2022"),
    ("2023", "2023", "2023"),
    ("-0043", "44 до н. э.", "44 до н. е."),
    ("-0043-03-15", "15 марта 44 до н. э.", "15 березня 44 до н. е."),
    ("2000~", "ок. 2000", "бл. 2000"),
    ("1917-10?", "октябрь 1917?", "жовтень 1917?"),
    ("2023-01-05/2023-01-07", "5–7 января 2023", "5–7 січня 2023"),
    ("2022-01/2022-03", "январь–март 2022", "січень–березень 2022"),
    ("2021-12-30/2022-01-02", "30 декабря 2021 – 2 января 2022",
     "30 грудня 2021 – 2 січня 2022"),
    ("1990/2001", "1990–2001", "1990–2001"),
    ("1990/..", "с 1990 и далее", "з 1990 і далі"),
    ("201X", "2010-е", "2010-ті"),
    ("2004-XX", "2004, месяц неизвестен", "2004, місяць невідомий"),
]


def _catalogue(language: str) -> dict[str, object]:
    return tomllib.loads((REPO / "templates" / "locale" / f"{language}.toml").read_text())


@pytest.mark.parametrize(("text", "ru", "uk"), LABELS)
def test_labels_in_russian_and_ukrainian(text: str, ru: str, uk: str) -> None:
    date = parse_event_date(text)
    assert date.label(date_locale("ru", _catalogue("ru"))) == ru
    assert date.label(date_locale("uk", _catalogue("uk"))) == uk


def test_english_keeps_its_own_labels_and_german_gets_cldr_months() -> None:
    assert date_locale("en") is None and date_locale("en-GB") is None
    assert parse_event_date("2023-01-05").label(date_locale("de")) == "5. Januar 2023"
    assert parse_event_date("-0043").label(date_locale("de")) == "44 v. Chr."
    assert parse_event_date("2000~").label(date_locale("de")) == "c. 2000"  # no de.toml


def test_text_direction() -> None:
    assert [text_direction(lang) for lang in ("ar", "he", "ru", "en", "xx")] == [
        "rtl", "rtl", "ltr", "ltr", "ltr"]


def _template_messages() -> set[str]:
    env = make_environment(REPO)
    found = set()
    for path in sorted((REPO / "templates").glob("*.html")):
        for _, _, message in env.extract_translations(path.read_text()):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_every_template_string_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    messages = _template_messages()
    assert len(messages) > 80
    assert sorted(messages - catalogue.keys()) == []
    plurals = {k: v for k, v in catalogue.items() if isinstance(v, dict)}
    assert all(set(forms) == {"one", "few", "many"} for forms in plurals.values())
    assert "%(num)d event" in plurals


def test_plurals_follow_the_language_rules(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "timeline.toml": 'language = "ru"\n'})
    env = make_environment(project, language="ru")
    counts = [env.from_string("{{ ngettext('%(num)d event', '%(num)d events', n) }}")
              .render(n=n) for n in (1, 3, 5, 21)]
    assert counts == ["1 событие", "3 события", "5 событий", "21 событие"]


def _build(make_project: MakeProject, language: str) -> str:
    project = make_project({"content/a.md": event("Alpha", '"2023-01-05"'),
                            "content/b.md": event("Beta", '"2022-09"'),
                            "timeline.toml": f'title = "T"\nlanguage = "{language}"\n'},
                           name=language)
    build(project)
    return (project / "site" / "index.html").read_text()


@pytest.mark.parametrize(("language", "day", "heading", "sources"), [
    ("ru", "5 января 2023", "сентябрь 2022", "2 источника"),
    ("uk", "5 січня 2023", "вересень 2022", "2 джерела"),
    ("de", "5. Januar 2023", "September 2022", "2 sources"),
])
def test_a_build_shows_dates_in_the_language(language: str, day: str, heading: str,
                                            sources: str, make_project: MakeProject) -> None:
    html = _build(make_project, language)
    assert f'<time datetime="2023-01-05">{day}</time>' in html
    assert f'<h3 class="month-heading" id="month-2022-9">{heading}</h3>' in html
    assert f">{sources}</a>" in html
    assert f'<html lang="{language}">' in html


def test_a_right_to_left_language_sets_dir(make_project: MakeProject) -> None:
    html = _build(make_project, "ar")
    assert re.findall(r"<html[^>]*>", html) == ['<html lang="ar" dir="rtl">']


def test_english_html_has_no_dir(make_project: MakeProject) -> None:
    assert '<html lang="en">' in _build(make_project, "en")


def test_the_chart_speaks_the_language(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("Alpha", '"2023-01-05"'),
                            "content/b.md": event("Beta", '"2022-09~"'),
                            "timeline.toml": 'language = "ru"\n'})
    build(project)
    html = (project / "site" / "index.html").read_text()
    assert '<text x="2.0%" y="43" text-anchor="start">сент. 2022</text>' in html
    assert 'aria-label="Beta, ок. сентябрь 2022"' in html


def test_changing_the_language_renders_the_pages_again(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("Alpha", '"2023-01-05"')})
    build(project)
    (project / "timeline.toml").write_text('language = "uk"\n')
    build(project)  # with the cache of the English build
    page = (project / "site" / "index.html").read_text()
    assert '<time datetime="2023-01-05">5 січня 2023</time>' in page


def test_a_sample_number_of_each_plural_category_for_scripts() -> None:
    assert plural_samples(babel_locale("en")) == (("one", 1), ("other", 0))
    # Russian's "other" is for fractions only: search counts never need it.
    assert plural_samples(babel_locale("ru")) == (
        ("one", 1), ("few", 2), ("many", 0), ("other", 0.5))
    assert [c for c, _ in plural_samples(babel_locale("ar"))] == [
        "zero", "one", "two", "few", "many", "other"]
    assert plural_samples(None) == (("one", 1), ("other", 0))


RUSSIAN_EVENT = event("Alpha", '"2023-01-05~"', body="Text [@article, p. 3].",
                      claims="[{label: Killed, accounts: [{value: '89', by: Russia, "
                             "source: article, as_of: '2023-01-05'}, {value: '300', "
                             "by: Ukraine, source: article}]}]")


def test_exports_people_read_speak_the_language_and_data_stays_english(
        make_project: MakeProject) -> None:
    project = make_project({
        "content/a.md": RUSSIAN_EVENT,
        "timeline.toml": 'language = "ru"\nbase_url = "https://example.org/"\n'})
    build(project)
    site = project / "site"
    (slide,) = json.loads((site / "timeline.json").read_text(encoding="utf-8"))["events"]
    assert slide["display_date"] == "ок. 5 января 2023"
    text = slide["text"]["text"]
    assert "<h2>Источники</h2>" in text and "<h2>Утверждения</h2>" in text
    assert "<caption>Killed (оспаривается)</caption>" in text
    assert ("<tr><th>Значение</th><th>По данным</th><th>Источник</th><th>На дату</th></tr>"
            in text)
    assert "<td>5 января 2023</td>" in text  # as_of
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    summary = feed.find(f"{atom}entry/{atom}summary")
    assert summary is not None and summary.text == "ок. 5 января 2023: Text."
    calendar = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["description"]).splitlines() == [
        "ок. 5 января 2023: Text.", "", "Источники:",
        "1. Example article https://example.org/article"]
    # The search results show the date as the pages do.
    docs = (site / "search" / "docs-0.js").read_text(encoding="ascii")
    assert json.dumps("ок. 5 января 2023") in docs  # escaped: the index is ASCII
    # events.json and events.csv are data for programs: English, as format.md says.
    (data,) = json.loads((site / "events.json").read_text(encoding="utf-8"))
    assert data["display"] == "c. 5 January 2023"
    assert b",c. 5 January 2023," in (site / "events.csv").read_bytes()


def test_a_timeline_json_in_russian_imports_back_with_its_qualifiers(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/a.md": RUSSIAN_EVENT,
                            "content/b.md": event("Beta", '"2022-09?"', end='"2022-10~"'),
                            "timeline.toml": 'language = "ru"\n'})
    build(project)
    copy = tmp_path / "copy"
    (copy / "content").mkdir(parents=True)
    (copy / "timeline.toml").write_text('language = "ru"\n', encoding="utf-8")
    imported = run_import(project / "site" / "timeline.json", copy)
    assert imported.report.errors == [] and imported.events == 2
    dates = sorted((m["title"], m["date"], m.get("end"))
                   for m in map(front_matter, (copy / "content").glob("*.md")))
    assert dates == [("Alpha", "2023-01-05~", None), ("Beta", "2022-09?", "2022-10~")]


def test_changing_the_language_writes_the_exports_again(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("Alpha", '"2023-01-05~"')})
    build(project)
    (project / "timeline.toml").write_text('language = "uk"\n')
    build(project)  # with the cache of the English build
    (slide,) = json.loads((project / "site" / "timeline.json").read_text())["events"]
    assert slide["display_date"] == "бл. 5 січня 2023"
