"""A progress bar on a terminal: the stage of a build and how far it is, redrawn in place."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping
from typing import TextIO

BAR_WIDTH = 24
INTERVAL = 0.1  # seconds between redraws: at most ten a second


class Progress:
    """Show the stage of a build and its count on stream, only when stream is a terminal.

    Progress(None), or a stream that is not a terminal (a pipe, a file), shows nothing
    at all; nor does a terminal in CI (CI set, as CI services do) or one that cannot
    redraw a line (TERM=dumb, as in Emacs shells); so code reports its progress without
    asking whether anyone looks. environ is os.environ unless given.
    """

    def __init__(self, stream: TextIO | None, *, interval: float = INTERVAL,
                 clock: Callable[[], float] = time.monotonic,
                 environ: Mapping[str, str] | None = None) -> None:
        shown = (stream is not None and _is_terminal(stream)
                 and _interactive(os.environ if environ is None else environ))
        self.stream = stream if shown else None
        self.interval = interval
        self.clock = clock
        self.name = ""
        self.total = 0
        self.count = 0
        self._drawn_at: float | None = None
        self._width = 0  # of the line on screen, to blank what a shorter one leaves

    def stage(self, name: str, total: int) -> None:
        """Start a stage of total steps (reading, rendering Markdown...) and show it now."""
        self.name, self.total, self.count = name, total, 0
        self._draw()

    def advance(self, steps: int = 1) -> None:
        """Count steps done; redraw if the last redraw is old enough, or the stage is done."""
        self.count = min(self.count + steps, self.total)
        if (self._drawn_at is None or self.count == self.total
                or self.clock() - self._drawn_at >= self.interval):
            self._draw()

    def close(self) -> None:
        """Draw the last state and end the line, if anything was drawn."""
        if self.stream is not None and self._drawn_at is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
            self._drawn_at = None
            self._width = 0

    def line(self) -> str:
        """Return the line shown: the stage, a bar and the count."""
        done = self.count / self.total if self.total else 1.0
        filled = round(done * BAR_WIDTH)
        return (f"{self.name:<18} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                f"{self.count}/{self.total}")

    def _draw(self) -> None:
        if self.stream is None:
            return
        columns = shutil.get_terminal_size().columns
        text = self.line()[:max(columns - 1, 1)]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)
        self._drawn_at = self.clock()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def _interactive(environ: Mapping[str, str]) -> bool:
    """Tell whether the environment is a person's terminal: not CI, not TERM=dumb."""
    ci = environ.get("CI", "").strip().lower()
    return ci in ("", "0", "false", "no") and environ.get("TERM", "") != "dumb"
