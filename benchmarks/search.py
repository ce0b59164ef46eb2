"""Measure the search index of a built site: its size, the bytes a first query loads, and
the time from typing a query to its first result in Chromium (cold cache each time).

Usage: python benchmarks/search.py SITE [--queries WORD ...]
SITE is a built site (e.g. `python benchmarks/corpus.py /tmp/s10k --events 10000`,
then `timeline build /tmp/s10k/timeline`). Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium, serve  # noqa: E402

QUERIES = ["bridge", "convoy hospital", "summit", "investigation", "currency", "envoy",
           "budget vote", "pri"]


def index_size(site: Path) -> tuple[int, int]:
    """Return the number of files of site/search and their bytes."""
    files = [p for p in (site / "search").iterdir() if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def first_result(url: str, query: str) -> tuple[float, int, int]:
    """Return the seconds from typing query to its first result, and the files and bytes
    of the search index loaded meanwhile, in a fresh browser context (cold cache)."""
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        sizes: list[int] = []
        page.on("requestfinished", lambda request: sizes.append(
            request.sizes()["responseBodySize"]) if "/search/" in request.url else None)
        page.goto(url + "index.html")
        box = page.locator("input[name=q]")
        box.wait_for()
        started = time.perf_counter()
        box.fill(query)
        page.locator(".search-results li").first.wait_for(timeout=30_000)
        seconds = time.perf_counter() - started
        context.close()
    return seconds, len(sizes), sum(sizes)


def main() -> None:
    """Print the index's size and the median time to a first result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--queries", nargs="+", default=QUERIES)
    args = parser.parse_args()
    count, total = index_size(args.site)
    print(f"index: {count} files, {total / 1e6:.2f} MB")
    with serve(args.site) as served:
        runs = [first_result(served.url, query) for query in args.queries]
    for query, (seconds, files, size) in zip(args.queries, runs, strict=True):
        print(f"{query!r}: first result after {seconds * 1000:.0f} ms, "
              f"{files} index files, {size / 1000:.0f} KB")
    print(f"median: {statistics.median(r[0] for r in runs) * 1000:.0f} ms to the first "
          f"result, {statistics.median(r[2] for r in runs) / 1000:.0f} KB loaded")


if __name__ == "__main__":
    main()
