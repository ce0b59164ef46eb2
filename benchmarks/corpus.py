"""Generate one seeded corpus of events and lay it out for timeline, Hugo and Pelican.

Usage: python benchmarks/corpus.py DEST [--events N] [--seed S]
Writes DEST/timeline (a timeline project), DEST/hugo (a Hugo site with a
minimal layouts/) and DEST/pelican (a Pelican project using its default
theme). The three hold the same events: the same titles, tags, sources and
bodies. Only timeline reads the dates as written (mixed precision, human and
ISO forms, zones) and turns the citations into notes; Hugo and Pelican get
each date as a full ISO timestamp and keep the citations as literal text.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

TAGS = [
    "politics", "military", "casualties", "diplomacy", "economy", "media", "energy",
    "refugees", "sanctions", "courts", "elections", "protests", "health", "education",
    "climate", "agriculture", "trade", "transport", "technology", "cyber", "police",
    "prisons", "migration", "housing", "labour", "strikes", "religion", "culture",
    "sport", "science", "space", "water", "forests", "fisheries", "mining", "oil",
    "gas", "nuclear", "weapons", "aid", "borders", "treaties", "parliament", "cabinet",
    "regions", "cities", "villages", "minorities", "languages", "archives",
]
WORDS = (
    "the a of and to in that said officials reported according statement ministry "
    "government city region people forces attack talks agreement meeting week later "
    "earlier spokesman confirmed denied announced residents witnesses video images "
    "figures data report council committee court ruling appeal vote plan budget "
    "border crossing convoy supplies hospital school bridge station power grid water "
    "prices market shares currency bank loan deal envoy visit summit press briefing "
    "interview documents records investigation inquiry evidence sources claims"
).split()
ZONES = [("+03:00", "MSK"), ("+00:00", "UTC"), ("+02:00", "EET"), ("-05:00", "EST")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
START = datetime(2015, 1, 1, tzinfo=UTC)
DAYS = 3652  # about ten years
EDIT_WORD = "Reportedly"  # the first word of every body: the word an edit changes
TEMPLATE_OVERRIDE = "templates/event.html"


@dataclass(frozen=True)
class Event:
    """One generated event, independent of any tool's format."""

    slug: str
    title: str
    written_date: str  # as timeline reads it: mixed precision, ISO or human, maybe a zone
    iso_date: str  # a full ISO 8601 timestamp, for Hugo and Pelican
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    body: str  # Markdown with [@id, p. N] citations


@dataclass(frozen=True)
class Corpus:
    """The events and the source registry (id -> title, publisher, url)."""

    events: tuple[Event, ...]
    sources: dict[str, tuple[str, str, str]]


def make_corpus(count: int, seed: int = 42) -> Corpus:
    """Return count events spread over ten years, the same for the same seed."""
    rng = random.Random(seed)
    source_ids = [f"src-{i:05d}" for i in range(max(1, count // 5))]
    sources = {sid: (f"Report {n} on {rng.choice(TAGS)}", f"Publisher {n % 40}",
                     f"https://example.org/reports/{n}")
               for n, sid in enumerate(source_ids)}
    events = tuple(_make_event(rng, i, source_ids) for i in range(count))
    return Corpus(events, sources)


def _make_event(rng: random.Random, index: int, source_ids: list[str]) -> Event:
    moment = START + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(24 * 60))
    written, moment = _write_date(rng, moment)
    cited = tuple(rng.sample(source_ids, min(len(source_ids), rng.randint(1, 3))))
    tags = tuple(rng.sample(TAGS, rng.randint(1, 4)))
    title = f"Event {index}: " + " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    return Event(slug=f"event-{index:05d}", title=title, written_date=written,
                 iso_date=moment.isoformat(), tags=tags, sources=cited,
                 body=_make_body(rng, index, cited))


def _write_date(rng: random.Random, moment: datetime) -> tuple[str, datetime]:
    """Return a date written at a random precision and form, and the instant it names."""
    y, m, d = moment.year, moment.month, moment.day
    kind = rng.random()
    if kind < 0.10:
        return f"{y}", moment.replace(month=1, day=1, hour=0, minute=0)
    if kind < 0.25:
        return (rng.choice([f"{y}-{m:02d}", f"{MONTHS[m - 1]} {y}"]),
                moment.replace(day=1, hour=0, minute=0))
    if kind < 0.70:
        return (rng.choice([f"{y}-{m:02d}-{d:02d}", f"{d} {MONTHS[m - 1]} {y}"]),
                moment.replace(hour=0, minute=0))
    offset, name = rng.choice(ZONES)
    sign = 1 if offset[0] == "+" else -1
    zone = timezone(sign * timedelta(hours=int(offset[1:3])))
    local = moment.replace(tzinfo=zone)
    hm = f"{local.hour:02d}:{local.minute:02d}"
    if rng.random() < 0.5:
        return f"{y}-{m:02d}-{d:02d}T{hm}{offset}", local
    return f"{d} {MONTHS[m - 1]} {y} {hm} {name}", local


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _make_body(rng: random.Random, index: int, cited: tuple[str, ...]) -> str:
    """Return ~250 words: paragraphs with citations, a list, a link and emphasis."""
    def cite() -> str:
        return f"[@{rng.choice(cited)}, p. {rng.randint(1, 40)}]"

    first = (f"{EDIT_WORD} *{rng.choice(WORDS)}* {_sentence(rng, 14).lower()} "
             f"{_sentence(rng, 16)} {cite()}. {_sentence(rng, 18)}")
    second = (f"{_sentence(rng, 15)} **{rng.choice(WORDS)} {rng.choice(WORDS)}** "
              f"{_sentence(rng, 14).lower()} See [the full report]"
              f"(https://example.org/event/{index}) {cite()}. {_sentence(rng, 16)}")
    items = "\n".join(f"- {_sentence(rng, 8)} {cite()}" for _ in range(3))
    third = f"{_sentence(rng, 20)} {cite()}. {_sentence(rng, 22)} _{rng.choice(WORDS)}_."
    fourth = f"{_sentence(rng, 20)} {_sentence(rng, 18)} {_sentence(rng, 20)}"
    return f"{first}\n\n{second}\n\n{items}\n\n{third}\n\n{fourth}\n"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def write_timeline(corpus: Corpus, root: Path) -> Path:
    """Lay the corpus out as a timeline project, with one template override."""
    content = root / "content"
    content.mkdir(parents=True)
    (root / "timeline.toml").write_text(
        'title = "Benchmark timeline"\nbase_url = "https://example.org/bench/"\n'
        'timezone = "UTC"\n', encoding="utf-8")
    (content / "sources.yaml").write_text("".join(
        f"{sid}:\n  title: {_quote(title)}\n  publisher: {_quote(publisher)}\n  url: {url}\n"
        f"  archive: https://archive.example.org/{url}\n"
        for sid, (title, publisher, url) in corpus.sources.items()), encoding="utf-8")
    for event in corpus.events:
        folder = content / event.iso_date[:4]
        folder.mkdir(exist_ok=True)
        (folder / f"{event.slug}.md").write_text(
            f"---\ntitle: {_quote(event.title)}\ndate: {_quote(event.written_date)}\n"
            f"tags: [{', '.join(event.tags)}]\nsources: [{', '.join(event.sources)}]\n"
            f"---\n{event.body}", encoding="utf-8")
    override = root / TEMPLATE_OVERRIDE
    override.parent.mkdir()
    override.write_text('{% extends "default/event.html" %}\n{# benchmark override #}\n',
                        encoding="utf-8")
    return root


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_TERMS = ('<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>'
              '{{ end }}</ul>')
HUGO_SINGLE = f"""{{{{ define "main" }}}}<article><h1>{{{{ .Title }}}}</h1>
<p><time datetime="{{{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}}}">
{{{{ .Date.Format "2 January 2006" }}}}</time></p>
{{{{ with .GetTerms "tags" }}}}{HUGO_TERMS}{{{{ end }}}}
{{{{ .Content }}}}
{{{{ with .GetTerms "sources" }}}}<h2>Sources</h2>{HUGO_TERMS}{{{{ end }}}}
</article>{{{{ end }}}}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}
"""


def write_hugo(corpus: Corpus, root: Path) -> Path:
    """Lay the corpus out as a Hugo site: tags and sources taxonomies, no theme."""
    content = root / "content" / "events"
    content.mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/bench/"\ntitle = "Benchmark timeline"\n'
        'languageCode = "en"\n[taxonomies]\ntag = "tags"\nsource = "sources"\n',
        encoding="utf-8")
    layouts = root / "layouts"
    layouts.mkdir()
    for name, text in [("baseof.html", HUGO_BASEOF), ("single.html", HUGO_SINGLE),
                       ("list.html", HUGO_LIST)]:
        (layouts / name).write_text(text, encoding="utf-8")
    for event in corpus.events:
        (content / f"{event.slug}.md").write_text(
            f"---\ntitle: {_quote(event.title)}\ndate: {_quote(event.iso_date)}\n"
            f"tags: [{', '.join(event.tags)}]\nsources: [{', '.join(event.sources)}]\n"
            f"---\n{event.body}", encoding="utf-8")
    return root


def write_pelican(corpus: Corpus, root: Path) -> Path:
    """Lay the corpus out as a Pelican project with its default theme and settings.

    Each event's sources are its authors, so that Pelican, which has no other
    many-to-many listing, writes a page per source as timeline and Hugo do.
    """
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        'SITENAME = "Benchmark timeline"\nSITEURL = "https://example.org/bench"\n'
        'TIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n', encoding="utf-8")
    for event in corpus.events:
        folder = content / event.iso_date[:4]
        folder.mkdir(exist_ok=True)
        (folder / f"{event.slug}.md").write_text(
            f"Title: {event.title}\nDate: {event.iso_date}\nSlug: {event.slug}\n"
            f"Tags: {', '.join(event.tags)}\nAuthors: {', '.join(event.sources)}\n\n"
            f"{event.body}", encoding="utf-8")
    return root


def write_corpus(dest: Path, count: int, seed: int = 42) -> Corpus:
    """Write DEST/timeline, DEST/hugo and DEST/pelican from one corpus; return it."""
    corpus = make_corpus(count, seed)
    write_timeline(corpus, dest / "timeline")
    write_hugo(corpus, dest / "hugo")
    write_pelican(corpus, dest / "pelican")
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    corpus = write_corpus(args.dest, args.events, args.seed)
    print(f"{len(corpus.events)} events, {len(corpus.sources)} sources in {args.dest}")


if __name__ == "__main__":
    main()
