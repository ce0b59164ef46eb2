"""The one exception family, and diagnostics that format themselves."""

from __future__ import annotations

import difflib
import unicodedata
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
        return printable(f"{where}: {self.severity.value}: {self.message}")


class TimelineError(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code = 1

    def format(self) -> str:
        """Return the error as printed: 'error: MESSAGE', on one line that reads left to right."""
        return printable(f"error: {self}")


class ContentError(TimelineError):
    """One problem in one content file, at one line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(path, line, message)

    def __str__(self) -> str:
        return str(self.diagnostic)

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, int, str]]:
        """Pickle with the path and line (a worker process sends the error back)."""
        where = self.diagnostic
        return (type(self), (where.path, where.line, where.message))

    def format(self) -> str:
        """Return the error as printed: 'PATH:LINE: error: MESSAGE'."""
        return str(self.diagnostic)


class BuildError(TimelineError):
    """Content problems, reported together: the errors, and the warnings found with them."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def format(self) -> str:
        """Return every problem, one per line, then how many errors kept the site unchanged."""
        lines = [str(d) for d in self.diagnostics]
        return "\n".join([*lines, f"{plural(len(self.errors), 'error')}; "
                                   "the site was not changed"])


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
        return f"{plural(len(self.errors), 'error')}, {plural(len(self.warnings), 'warning')}"

    def promote_warnings(self) -> None:
        """Treat every warning as an error (--strict)."""
        self.diagnostics = [Diagnostic(d.path, d.line, d.message, Severity.ERROR)
                            for d in self.diagnostics]

    def raise_if_errors(self) -> None:
        """Raise one BuildError holding every problem recorded so far, if any is an error."""
        if self.errors:
            raise BuildError(self.diagnostics)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return '1 event', '2 events', '0 events' (nouns: the plural, when not noun + 's')."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


# Characters that move the rest of a line about without showing: the bidirectional
# formatting characters (Unicode's Bidi_Control property) and the line and paragraph
# separators; every control character (Cc) and lone surrogate (Cs) is escaped too.
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\u2028\u2029")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """Return text with control, bidi and undecodable characters written as escapes.

    A newline becomes `\\n`, U+202E `\\u202e`, the byte 0xff of a file name that is
    not UTF-8 (which Python holds as the surrogate U+DCFF) `\\xff`: so one problem
    is one line, read left to right, and printing it never fails.
    """
    if text.isprintable():  # the common case: nothing to do
        return text
    return "".join(_escape(c) if c in _INVISIBLE or unicodedata.category(c) in ("Cc", "Cs")
                   else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if code < 0x80 or 0xDC80 <= code <= 0xDCFF:  # ASCII control, or a byte kept as a surrogate
        return f"\\x{code & 0xFF:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """Return ' Did you mean 'x'?' for a close match among choices, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" Did you mean '{close[0]}'?" if close else ""
