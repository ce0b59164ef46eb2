"""Split a file into YAML front matter and body; load YAML keeping strings and lines.

The loader is deliberately stricter and plainer than YAML 1.1: every plain
scalar stays the string the author wrote (`NO`, `1.10`, `2023-01-05`, `-0043`),
only `~`/`null`/empty become None, duplicate keys are errors, and the size of
the loaded data is bounded so alias bombs fail fast. Types are checked later,
per field, where the meaning is known.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from timeline.errors import ContentError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_NODES = 20_000  # values beyond one per character of the text: only aliases get there
MAX_DEPTH = 32

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """Loaded YAML data and the file line of every key and item in it."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    first_line: int = 1
    comments: dict[Path_, str] = field(default_factory=dict)  # plain values followed by # ...
    starts: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # text values: where
    text_lines: tuple[str, ...] = ()  # their text begins (line index, column) in these lines

    def text_line(self, path: Path_, value: str, offset: int) -> int:
        """Return the file line of character offset of the text value at path.

        Folding joins the lines of a `>` value, so count instead: the n-th `[` of
        the value is the n-th `[` of the YAML text from where the value starts.
        """
        if path not in self.starts or not 0 <= offset < len(value) or value[offset].isspace():
            return self.line(*path)
        char = value[offset]
        wanted = value.count(char, 0, offset) + 1
        index, column = self.starts[path]
        for number in range(index, len(self.text_lines)):
            wanted -= self.text_lines[number].count(char, column if number == index else 0)
            if wanted <= 0:
                return self.first_line + number
        return self.line(*path)

    def line(self, *path: str | int) -> int:
        """Return the line of the value at path, or of its nearest known parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


@dataclass(frozen=True)
class Split:
    """A file cut at its front matter fences."""

    meta_text: str
    meta_line: int  # line of the first front matter line in the file
    body: str
    body_line: int  # line of the first body line in the file


def split_front_matter(text: str, path: str) -> Split:
    """Cut text into front matter and body, or raise ContentError."""
    if not text.strip():
        raise ContentError(path, 1,
                           "empty file: an event needs front matter with a title and a date")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(
            path, 1, "no front matter: the file must start with a '---' line. "
            "Did you forget the opening '---'?"
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return Split(
                meta_text="\n".join(lines[1:index]),
                meta_line=2,
                body="\n".join(lines[index + 1:]),
                body_line=index + 2,
            )
    raise ContentError(
        path, 1, "front matter is not closed: add a '---' line after the last field"
    )


# YAML ends lines at these too, so its marks count more lines than the file has.
_YAML_BREAK = re.compile("[\n\x85\u2028\u2029]")
# What YAML refuses anywhere in a document (its "printable" set, inverted).
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Marks:
    """Turn PyYAML marks into file lines and columns of lines split at '\\n' only."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        self.starts = [(0, 0)]  # YAML line -> (line index in text, column where it starts)
        line, line_start = 0, 0
        for found in _YAML_BREAK.finditer(text):
            if found.group() == "\n":
                line, line_start = line + 1, found.end()
            self.starts.append((line, found.end() - line_start))

    def index(self, mark: yaml.Mark) -> tuple[int, int]:
        """Return the line index (from 0) and column of mark in the text."""
        line, column = self.starts[min(mark.line, len(self.starts) - 1)]
        return line, column + mark.column

    def line(self, mark: yaml.Mark) -> int:
        """Return the file line of mark."""
        return self.first_line + self.index(mark)[0]


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Load YAML text that starts at first_line of path, or raise ContentError."""
    marks = _Marks(text, first_line)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError:
        bad = _NOT_PRINTABLE.search(text)
        if bad is None:
            raise
        char = bad.group()
        kind = "control character" if unicodedata.category(char) == "Cc" else "character"
        raise ContentError(path, first_line + text.count("\n", 0, bad.start()),
                           f"invalid YAML: {kind} U+{ord(char):04X} is not allowed; "
                           "remove it") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        index = marks.index(mark)[0] if mark else 0
        problem = _yaml_problem(error)
        lines = text.split("\n")
        if mark and index < len(lines) and "\t" in lines[index] and "tab" not in problem:
            problem += " (this line has a tab: YAML indents with spaces only)"
        raise ContentError(path, first_line + index, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ContentError(path, first_line,
                           f"invalid YAML: {str(error).splitlines()[0]}") from None
    except RecursionError:
        raise ContentError(path, first_line, "invalid YAML: nested too deeply") from None
    if node is None:
        return YamlDoc(None, {}, first_line)
    builder = _Builder(path, marks, text.split("\n"), MAX_NODES + len(text))
    value = builder.build(node, (), 0)
    return YamlDoc(value, builder.lines, first_line, builder.comments, builder.starts,
                   tuple(builder.text_lines))


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "syntax error"
    if "\t" in problem or "tab" in problem.lower():
        return f"{problem} (YAML does not allow tabs for indentation; use spaces)"
    if error.context and error.context not in problem:
        return f"{problem} ({error.context})"
    return problem


_COMMENT = re.compile(r"^[ \t]+#(.*)$")


class _Builder:
    """Turn composed YAML nodes into plain data, recording lines and bounding size."""

    def __init__(self, path: str, marks: _Marks, text_lines: list[str], limit: int) -> None:
        self.path = path
        self.limit = limit
        self.marks = marks
        self.text_lines = text_lines
        self.lines: dict[Path_, int] = {}
        self.comments: dict[Path_, str] = {}
        self.starts: dict[Path_, tuple[int, int]] = {}
        self.count = 0

    def build(self, node: yaml.Node, at: Path_, depth: int) -> Any:
        self.count += 1
        line = self.marks.line(node.start_mark)
        if self.count > self.limit:  # a registry of 50,000 sources is fine; a bomb is not
            raise ContentError(
                self.path, line, f"YAML too large: it expands to more than {self.limit} values "
                f"({MAX_NODES} more than its {self.limit - MAX_NODES} characters; an alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise ContentError(self.path, line, f"YAML nested more than {MAX_DEPTH} levels deep")
        self.lines[at] = line
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:
                return None
            if not node.style:
                self._note_comment(node, at)
            line, column = self.marks.index(node.start_mark)
            # a block scalar's text starts on the line after its `|` or `>` header
            self.starts[at] = (line + 1, 0) if node.style in ("|", ">") else (line, column)
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, at + (i,), depth + 1) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = self.marks.line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise ContentError(self.path, key_line, "a key must be a plain name")
            key = key_node.value
            if key in result:
                raise ContentError(self.path, key_line, f"duplicate key '{key}'")
            result[key] = self.build(value_node, at + (key,), depth + 1)
            self.lines[at + (key,)] = key_line
        return result

    def _note_comment(self, node: yaml.ScalarNode, at: Path_) -> None:
        """Remember a comment that follows a plain value: it may be cut-off text."""
        line, column = self.marks.index(node.end_mark)
        if line < len(self.text_lines):
            match = _COMMENT.match(self.text_lines[line][column:])
            if match:
                self.comments[at] = match.group(1).strip()


def kind_of(value: Any) -> str:
    """Return what a YAML value that should be text is, for a message: list, mapping, value."""
    names: dict[type, str] = {list: "list", dict: "mapping"}
    return names.get(type(value), "value")
