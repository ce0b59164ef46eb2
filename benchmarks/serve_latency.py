"""Measure `timeline serve`: from saving an event file to the new page being served.

Runs `timeline serve --port 0` on a copy of the example project, then, ten
times, changes an event's title and polls the event's page until the new
title is served. Prints each time and the median, and the build's own time.
Then measures the same with a builder that only copies the title into a page,
in-process, to show what serving adds to the build: noticing the save,
waiting for quiet, answering the request.

    python benchmarks/serve_latency.py [--runs 10]
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
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
EVENT = "makiivka-strike"
POLL = 0.005  # seconds between requests for the page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(REPO / "content", project / "content")
        shutil.copy(REPO / "timeline.toml", project / "timeline.toml")
        env = dict(os.environ, PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        server = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", str(project), "--port", "0"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            url = _wait_for_url(server)
            times = [_one_run(project, url, run) for run in range(args.runs + 1)][1:]
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(10)
        log = server.stdout.read() if server.stdout else ""
    builds = [float(s) for s in re.findall(r"rebuilt in (\d+\.\d+) s", log)][1:]
    print("save -> new page served, ms:", " ".join(f"{1000 * t:.0f}" for t in times))
    print(f"median {_ms(times)} ms (min {1000 * min(times):.0f}, max {1000 * max(times):.0f}); "
          f"the rebuilds' own time (as printed; it ends after the old site is deleted, "
          f"which is after the new one is served): median {_ms(builds)} ms")
    bare = _without_build(args.runs)
    print(f"with a builder that does next to nothing: median {_ms(bare)} ms "
          f"(min {1000 * min(bare):.0f}, max {1000 * max(bare):.0f})")
    return 0


def _without_build(runs: int) -> list[float]:
    """Return save-to-served times of the watcher, debouncer and server alone."""
    import threading

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
            return [_one_run(project, server.url, run, "/") for run in range(runs + 1)][1:]
        finally:
            server.stop()
            thread.join()
            watcher.stop()
            debouncer.stop()


def _ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):.0f}"


def _wait_for_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        match = re.search(r"Serving (http://\S+)", line)
        if match:
            return match.group(1)
    raise SystemExit("timeline serve did not start")


def _one_run(project: Path, url: str, run: int, page: str = f"/events/{EVENT}/") -> float:
    """Save a new title and return the seconds until the page served has it."""
    path = project / "content" / f"{EVENT}.md"
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
            return time.perf_counter() - started
        if time.perf_counter() - started > 10:
            raise SystemExit("the new title was not served within 10 s")
        time.sleep(POLL)


if __name__ == "__main__":
    raise SystemExit(main())
