"""Sample the memory of a process and every process it started, while it runs.

ru_maxrss from wait4 is the peak of the largest single process: it misses a pool's
workers. TreeMemory polls /proc (Linux), four times a second after the first, and
keeps the peak of the sum, over the process and its descendants, of each one's PSS
(proportional set size: a page shared by a parent and its forked workers is counted
once, split between them), so the figure is what the whole build asked of the machine.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

PROC = Path("/proc")


def descendants(pid: int) -> list[int]:
    """Return pid and every process below it (children of every thread, recursively)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list((PROC / str(current) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except (OSError, ValueError):
                continue
    return found


def pss_kb(pid: int) -> int:
    """Return the PSS of one process in KiB (0 if it is gone or cannot be read)."""
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Poll a process tree's total PSS until stopped; peak_mb is the highest sum seen.

    Reading smaps_rollup walks a process's page tables: every 20 ms it took a quarter
    of a core and slowed Hugo's build by a third, every 250 ms it costs little. The first
    second is sampled every 20 ms, so that a short run is measured too.
    """

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.processes = 1  # the most processes seen at once
        self._done = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self._done.is_set():
            tree = descendants(self.pid)
            self.peak_kb = max(self.peak_kb, sum(pss_kb(pid) for pid in tree))
            self.processes = max(self.processes, len(tree))
            # the first second closely, so that a short run is seen too; then lightly
            self._done.wait(0.02 if time.monotonic() - started < 1 else self.interval)

    def stop(self) -> float:
        """Stop sampling and return the peak in MB (NaN if the process ended before a
        sample could read it: a run shorter than a sampling interval)."""
        self._done.set()
        self.join()
        return self.peak_kb / 1024 if self.peak_kb else float("nan")

    @property
    def available(self) -> bool:
        """Whether this system lets a process tree be read (Linux with smaps_rollup)."""
        return (PROC / "self" / "smaps_rollup").exists()
