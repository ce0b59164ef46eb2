"""Errors format themselves: one problem is one line, read left to right, counted in English."""

from __future__ import annotations

import pytest

from timeline.build import TemplateError
from timeline.errors import (
    BuildError,
    ContentError,
    Diagnostic,
    Severity,
    TimelineError,
    UsageError,
    plural,
    printable,
)


def test_plural() -> None:
    assert plural(0, "event") == "0 events"
    assert plural(1, "event") == "1 event"
    assert plural(2, "event") == "2 events"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"


@pytest.mark.parametrize(("text", "shown"), [
    ("content/a\nb.md", r"content/a\nb.md"),
    ("content/a\rb.md", r"content/a\rb.md"),
    ("content/a\tb.md", r"content/a\tb.md"),
    ("content/\x1b[31mred.md", r"content/\x1b[31mred.md"),
    ("content/a\x00\x7fb.md", r"content/a\x00\x7fb.md"),
    ("content/a\x85b.md", r"content/a\u0085b.md"),  # NEXT LINE, a C1 control
    ("content/evil\u202edm.md", r"content/evil\u202edm.md"),
    ("content/\u2066a\u2067b\u2068c\u2069.md", r"content/\u2066a\u2067b\u2068c\u2069.md"),
    ("content/\u200ea\u200fb\u061c.md", r"content/\u200ea\u200fb\u061c.md"),
    ("content/\u202a\u202b\u202c\u202d.md", r"content/\u202a\u202b\u202c\u202d.md"),
    ("content/a\u2028b\u2029c.md", r"content/a\u2028b\u2029c.md"),
    ("content/\udcff\udce9.md", r"content/\xff\xe9.md"),  # bytes of a name that is not UTF-8
    ("content/\ud800.md", r"content/\ud800.md"),
    ("content/café Страйк 東京 👩\u200d🔬.md", "content/café Страйк 東京 👩\u200d🔬.md"),
    ("a\\nb", "a\\nb"),
])
def test_printable_escapes_what_would_split_or_reverse_a_line(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(text).encode("utf-8")  # never a UnicodeEncodeError


def test_a_diagnostic_is_one_line_whatever_its_path_and_message() -> None:
    diagnostic = Diagnostic("content/a\n\u202eb.md", 3, "invalid date 'x\ny'")
    assert str(diagnostic) == r"content/a\n\u202eb.md:3: error: invalid date 'x\ny'"
    warning = Diagnostic("content/\udcff.md", 0, "no source", Severity.WARNING)
    assert str(warning) == r"content/\xff.md: warning: no source"


def test_errors_format_themselves() -> None:
    assert TimelineError("no project folder at x\ny").format() == \
        r"error: no project folder at x\ny"
    assert UsageError("bad").format() == "error: bad"
    assert UsageError("bad").exit_code == 2
    content = ContentError("content/e\u202e.md", 3, "invalid date 'soonish'")
    assert content.format() == r"content/e\u202e.md:3: error: invalid date 'soonish'"
    assert str(content) == content.format()


def test_a_template_error_has_a_place_when_a_template_is_to_blame() -> None:
    located = TemplateError("template syntax: unexpected '}'", "/p/templates/event.html", 3)
    assert located.format() == \
        "/p/templates/event.html:3: error: template syntax: unexpected '}'"
    assert str(located) == "template syntax: unexpected '}'"
    missing = TemplateError("template 'nope.html' not found; looked in: /p/templates")
    assert missing.format() == "error: template 'nope.html' not found; looked in: /p/templates"


def test_a_build_error_lists_its_problems_then_counts_the_errors() -> None:
    error = BuildError([Diagnostic("content/b.md", 5, "unknown source '@nope'"),
                        Diagnostic("content/a.md", 4, "unknown field 'x'", Severity.WARNING),
                        Diagnostic("content/a.md", 3, "invalid date 'soonish'")])
    assert error.format().splitlines() == [
        "content/a.md:3: error: invalid date 'soonish'",
        "content/a.md:4: warning: unknown field 'x'",
        "content/b.md:5: error: unknown source '@nope'",
        "2 errors; the site was not changed",
    ]
    one = BuildError([Diagnostic("content/a\nb.md", 3, "invalid date 'soonish'")])
    assert one.format().splitlines() == [r"content/a\nb.md:3: error: invalid date 'soonish'",
                                         "1 error; the site was not changed"]
