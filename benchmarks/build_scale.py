"""Time `timeline build` on a generated project of N events (default 5,000).

Usage: python benchmarks/build_scale.py [N] [--jobs J] [--profile]
Prints the time of each stage: load (read + parse + render Markdown), render
pages, write. Each event has tags, a location, two citations and three
paragraphs, like a real newsroom timeline. --jobs J parses and renders in J
processes (default 1; see timeline/pool.py).
"""

from __future__ import annotations

import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

from timeline.build import render_site
from timeline.content.load import load_timeline
from timeline.site.writer import write_site

TAGS = ["politics", "military", "casualties", "diplomacy", "economy", "media", "energy",
        "refugees", "sanctions", "courts"]


def make_project(root: Path, count: int) -> Path:
    """Write a project with count events spread over 30 years."""
    rng = random.Random(42)
    content = root / "content"
    content.mkdir(parents=True)
    (content / "sources.yaml").write_text("".join(
        f"s{i}:\n  title: Source {i}\n  publisher: Publisher {i % 40}\n"
        f"  url: https://example.org/{i}\n  archive: https://archive.example.org/{i}\n"
        for i in range(count // 5 + 1)), encoding="utf-8")
    for i in range(count):
        year = 1995 + rng.randrange(30)
        date = rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                           f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
        tags = ", ".join(rng.sample(TAGS, 3))
        a, b = rng.randrange(count // 5), rng.randrange(count // 5)
        body = "\n\n".join(
            f"Paragraph {p} of event {i}, reporting what was said and done "
            f"[@s{a}, para. {p}]. More context follows here [@s{b}]." for p in range(3))
        (content / f"event-{i:05d}.md").write_text(
            f'---\ntitle: "Event number {i}"\ndate: "{date}"\ntags: [{tags}]\n'
            f"location: Somewhere {i % 50}\n---\n{body}\n", encoding="utf-8")
    return root


def main() -> None:
    args = sys.argv[1:]
    jobs = int(args.pop(args.index("--jobs") + 1)) if "--jobs" in args else 1
    count = int(next((a for a in args if a.isdigit()), 5000))
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder) / "project", count)
        profiler = cProfile.Profile() if "--profile" in sys.argv else None
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        timeline, report = load_timeline(project, jobs=jobs)
        loaded = time.perf_counter()
        files, pages = render_site(project, timeline, jobs=jobs)
        rendered = time.perf_counter()
        write_site(project / "site", files)
        written = time.perf_counter()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        assert not report.errors, report.errors[:3]
        print(f"{count} events, {pages} pages, {len(files)} files, {jobs} jobs")
        print(f"load   {loaded - started:6.2f} s")
        print(f"render {rendered - loaded:6.2f} s")
        print(f"write  {written - rendered:6.2f} s")
        print(f"total  {written - started:6.2f} s")


if __name__ == "__main__":
    main()
