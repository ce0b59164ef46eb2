"""The one exception family, and diagnostics that format themselves."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in the content: where it is and what to do about it."""

    path: str
    line: int
    message: str = field(compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.message}"


class TimelineError(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code = 1


class ContentError(TimelineError):
    """One problem in one content file, at one line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(path, line, message)

    def __str__(self) -> str:
        return str(self.diagnostic)


class BuildError(TimelineError):
    """Content problems, reported together: the errors, and the warnings found with them."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


class UsageError(TimelineError):
    """A command used wrongly (bad option, refused output folder)."""

    exit_code = 2


@dataclass
class Report:
    """Collect the errors and warnings of one run, to report them together."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error."""
        self.diagnostics.append(Diagnostic(path, line, message, Severity.ERROR))

    def warn(self, path: str, line: int, message: str) -> None:
        """Record a warning."""
        self.diagnostics.append(Diagnostic(path, line, message, Severity.WARNING))

    def add(self, error: ContentError) -> None:
        """Record a raised content error."""
        self.diagnostics.append(error.diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted(d for d in self.diagnostics if d.severity is Severity.WARNING)

    def summary(self) -> str:
        """Return 'N errors, M warnings'."""
        return f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"

    def promote_warnings(self) -> None:
        """Treat every warning as an error (--strict)."""
        self.diagnostics = [Diagnostic(d.path, d.line, d.message, Severity.ERROR)
                            for d in self.diagnostics]

    def raise_if_errors(self) -> None:
        """Raise one BuildError holding every problem recorded so far, if any is an error."""
        if self.errors:
            raise BuildError(self.diagnostics)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """Return ' Did you mean 'x'?' for a close match among choices, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" Did you mean '{close[0]}'?" if close else ""
