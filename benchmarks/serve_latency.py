"""Measure `timeline serve`: from saving an event file to the new page being served.

Runs `timeline serve --port 0` on a copy of the example project (or of
--project, such as a corpus from `benchmarks/corpus.py DEST --events 10000`:
DEST/timeline), then, ten times, changes an event's title and polls the event's
page until the new title is served (by serve's fast path, ahead of the full
rebuild). Prints each time and the median, the time until serve printed that
the full rebuild was done, and the rebuild's own time. Then measures the same
with a builder that only copies the title into a page, in-process, to show what
serving adds to the build: noticing the save, waiting for quiet, answering the
request.

    python benchmarks/serve_latency.py [--runs 10] [--project DIR --slug SLUG]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
EVENT = "makiivka-strike"
POLL = 0.005  # seconds between requests for the page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--project", type=Path, help="a project to copy instead of the example")
    parser.add_argument("--slug", default=EVENT, help="the event to edit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        source = args.project or REPO
        shutil.copytree(source / "content", project / "content")
        shutil.copy(source / "timeline.toml", project / "timeline.toml")
        if (source / "templates").is_dir():
            shutil.copytree(source / "templates", project / "templates")
        env = dict(os.environ, PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        server = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", str(project), "--port", "0"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: list[tuple[float, str]] = []
        reader = threading.Thread(target=_read_lines, args=(server, lines), daemon=True)
        reader.start()
        try:
            url = _wait_for_url(server, lines)
            runs = [_one_run(project, url, run, f"/events/{args.slug}/", args.slug, lines)
                    for run in range(args.runs + 1)][1:]
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(60)  # a rebuild under way ends first
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            reader.join(10)
    log = "\n".join(line for _, line in lines)
    times = [served for served, _ in runs]
    done = [rebuilt for _, rebuilt in runs if rebuilt is not None]
    builds = [float(s) for s in re.findall(r"rebuilt in (\d+\.\d+) s", log)][1:]
    print("save -> new page served, ms:", " ".join(f"{1000 * t:.0f}" for t in times))
    print(f"median {_ms(times)} ms (min {1000 * min(times):.0f}, max {1000 * max(times):.0f})")
    print("save -> full rebuild done (its line printed), ms:",
          " ".join(f"{1000 * t:.0f}" for t in done))
    print(f"median {_ms(done)} ms; the rebuilds' own time (as printed): "
          f"median {_ms(builds)} ms")
    bare = _without_build(args.runs)
    print(f"with a builder that does next to nothing: median {_ms(bare)} ms "
          f"(min {1000 * min(bare):.0f}, max {1000 * max(bare):.0f})")
    return 0


def _without_build(runs: int) -> list[float]:
    """Return save-to-served times of the watcher, debouncer and server alone."""

    sys.path.insert(0, str(REPO))
    from timeline.serve.preview import Preview
    from timeline.serve.server import PreviewServer
    from timeline.serve.watcher import Debouncer, Watcher

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(REPO / "content", project / "content")

        def copy_title(output: Path) -> str:
            output.mkdir(exist_ok=True)
            text = (project / "content" / f"{EVENT}.md").read_text(encoding="utf-8")
            (output / "index.html").write_text(f"<html><body>{text}</body></html>")
            return "1 page"

        preview = Preview(copy_title, Path(tmp) / "site")
        preview.rebuild()
        server = PreviewServer(port=0)
        debouncer = Debouncer(lambda changes: (preview.rebuild(), server.reload()))
        watcher = Watcher(project, debouncer.add)
        watcher.start()
        debouncer.start()
        thread = threading.Thread(target=server.run, args=(preview,))
        thread.start()
        try:
            return [_one_run(project, server.url, run, "/")[0] for run in range(runs + 1)][1:]
        finally:
            server.stop()
            thread.join()
            watcher.stop()
            debouncer.stop()


def _ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):.0f}"


def _read_lines(server: subprocess.Popen[str], lines: list[tuple[float, str]]) -> None:
    """Append each line the server prints, with when it was read."""
    assert server.stdout is not None
    for line in server.stdout:
        lines.append((time.perf_counter(), line.rstrip("\n")))


def _wait_for_url(server: subprocess.Popen[str], lines: list[tuple[float, str]]) -> str:
    deadline = time.perf_counter() + 900  # the first build of a large corpus
    while time.perf_counter() < deadline and server.poll() is None:
        for _, line in list(lines):
            match = re.search(r"Serving (http://\S+)", line)
            if match:
                return match.group(1)
        time.sleep(0.05)
    raise SystemExit("timeline serve did not start")


def _one_run(project: Path, url: str, run: int, page: str, slug: str = EVENT,
             lines: list[tuple[float, str]] | None = None) -> tuple[float, float | None]:
    """Save a new title; return the seconds until the page served has it, and (with
    lines) until serve printed that the rebuild was done."""
    path = next((project / "content").rglob(f"{slug}.md"))
    title = f"Latency run {run} {time.time_ns()}"
    text = re.sub(r"(?m)^title: .*$", f'title: "{title}"', path.read_text(encoding="utf-8"),
                  count=1)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    time.sleep(0.5)  # let the previous run settle: each run is one lone save
    started = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while True:
        conn.request("GET", page)
        if title in conn.getresponse().read().decode("utf-8"):
            served = time.perf_counter() - started
            break
        if time.perf_counter() - started > 60:
            raise SystemExit("the new title was not served within 60 s")
        time.sleep(POLL)
    if lines is None:
        return served, None
    while time.perf_counter() - started < 900:
        done = [when for when, line in list(lines)
                if when >= started and re.search(r"\brebuil(t|d failed)\b", line)]
        if done:
            return served, done[0] - started
        time.sleep(POLL)
    raise SystemExit("the rebuild did not end within 900 s")


if __name__ == "__main__":
    raise SystemExit(main())
