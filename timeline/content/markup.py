"""Render event bodies: Markdown to safe HTML, with citations, callouts and a summary."""

from __future__ import annotations

import copy
import functools
import queue
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from timeline.content.citations import BRACKET, Cite, Numbering, bracket_end, parse_bracket
from timeline.content.links import XREF, xref_end
from timeline.site.urls import event_path, notes_path, rebase_url, relative_url

_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_CALLOUT = re.compile(r"^\s*\[!NOTE\][ \t]*\n?", re.IGNORECASE)

# nh3 (ammonia) keeps what Markdown makes and what authors reasonably write;
# scripts, event handlers, iframes and javascript:/data: URLs never survive.
_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "section", "aside"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang", "dir", "role", "aria-label"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "time": {"datetime"},
}


@dataclass(frozen=True)
class Rendered:
    """A body rendered to HTML, with what rendering learned about it."""

    html: str
    summary: str
    numbering: Numbering
    notes: tuple[str, ...] = ()  # each editor's note, as HTML for the notes page


@dataclass
class _Document:
    """What one render needs and learns: which ids are known, the numbering, the summary."""

    known: Callable[[str], bool]
    numbering: Numbering
    summary: str = ""
    rebase: Callable[[str], str] | None = None  # set: copy notes, their links rebased
    whole: bool = False  # the whole text is an editor's note
    notes: list[str] = field(default_factory=list)
    size: Callable[[str], tuple[int, int] | None] | None = None  # an image's, by its src


class _Converter:
    """One Markdown instance, and the document it is converting now (one at a time)."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.document = _Document(renderer.known, Numbering())
        self.md = markdown.Markdown(
            extensions=["extra", "sane_lists", _TimelineExtension(self)],
            output_format="html",
        )

    def convert(self, body: str, document: _Document) -> str:
        """Return body as HTML, filling in document."""
        self.document = document
        html = self.md.reset().convert(body)
        for index, note in enumerate(document.notes):  # what convert does to the whole
            for processor in self.md.postprocessors:
                note = processor.run(note)
            document.notes[index] = note.strip()
        return html


class Renderer:
    """Render Markdown bodies; one instance serves every event of a build, from any thread.

    The renderer keeps no document state: each render gets its own, and takes
    an idle Markdown converter (making one if every converter is busy).
    """

    def __init__(self, *, unsafe_html: bool = False, note_label: str = "Editor's note",
                 known: Callable[[str], bool] = lambda _id: True, pretty_urls: bool = False,
                 titles: Mapping[str, str] | None = None) -> None:
        self.unsafe_html = unsafe_html
        self.pretty_urls = pretty_urls
        self.titles = titles or {}
        self.note_label = note_label
        self.known = known
        self._idle: queue.SimpleQueue[_Converter] = queue.SimpleQueue()

    def render(self, body: str, known: Callable[[str], bool] | None = None,
               numbering: Numbering | None = None, *, page: str | None = None,
               note: bool = False,
               size: Callable[[str], tuple[int, int] | None] | None = None) -> Rendered:
        """Return the body as HTML; citations of known ids become numbered links.

        Pass the numbering of an earlier render (the body) to go on numbering
        from it (an editor's note citing the same sources). Pass the site path of
        the page the HTML is for to get its editor's notes (the whole text, with
        note) for the notes page too, their links leading back to that page.
        size gives an image's width and height by its src, for the img's attributes
        (so the page does not shift as it loads).
        """
        rebase = None
        if page is not None:
            rebase = functools.partial(rebase_url, from_path=page, to_path=notes_path(),
                                       pretty=self.pretty_urls)
        document = _Document(known if known is not None else self.known,
                             numbering if numbering is not None else Numbering(),
                             rebase=rebase, whole=note, size=size)
        try:
            converter = self._idle.get_nowait()
        except queue.Empty:
            converter = _Converter(self)
        try:
            html = converter.convert(body, document)
        finally:
            self._idle.put(converter)
        notes = document.notes
        if not self.unsafe_html:
            html = sanitise(html)
            notes = [sanitise(n) for n in notes]
        return Rendered(html, document.summary, document.numbering, tuple(notes))

    def render_inline(self, text: str) -> str:
        """Return a short text (an editor's note) as HTML."""
        return self.render(text).html


def sanitise(html: str) -> str:
    """Return html with everything outside the allow-list removed."""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


class _CitationPattern(InlineProcessor):
    """Turn `[@id, p. 3]` into numbered links, when every id is known."""

    def __init__(self, converter: _Converter, md: markdown.Markdown) -> None:
        super().__init__(BRACKET.pattern, md)
        self.converter = converter

    def handleMatch(self, m: re.Match[str], data: str):  # type: ignore[no-untyped-def, override]
        document = self.converter.document
        end = bracket_end(data, m)
        cites = None if end is None else parse_bracket(m.group("body"))
        if cites is None or not all(document.known(c.id) for c in cites):
            return None, None, None
        # Text made here is final (AtomicString): Markdown would otherwise run every
        # inline pattern again over each piece, which made citations the slowest
        # part of a build.
        # One mark per source: a bracket citing a source at two places is one link.
        grouped: dict[str, list[Cite]] = {}
        for cite in cites:
            grouped.setdefault(cite.id, []).append(cite)
        sup = etree.Element("sup", {"class": "citation"})
        pieces = ["["]
        for index, (source_id, same) in enumerate(grouped.items()):
            number, anchor, place = document.numbering.cite_all(
                source_id, [c.locator for c in same])
            prefix = same[0].prefix
            pieces.append((", " if index else "") + (prefix + " " if prefix else ""))
            label = f"Source {number}" + (f", {place}" if place else "")
            link = etree.SubElement(sup, "a", {
                "href": f"#source-{number}", "id": anchor, "role": "doc-noteref",
                "class": "citation-link", "aria-label": label,
            })
            if place:
                link.set("title", place)
            link.text = AtomicString(str(number))
        pieces.append("]")
        sup.text = AtomicString(pieces[0] + pieces[1])
        for link, tail in zip(sup, pieces[2:], strict=True):
            link.tail = AtomicString(tail)
        return sup, m.start(0), end


class _CrossReference(InlineProcessor):
    """Turn `[[slug]]` and `[[slug|text]]` into links to other event pages."""

    def __init__(self, renderer: Renderer, md: markdown.Markdown) -> None:
        super().__init__(XREF.pattern, md)
        self.renderer = renderer

    def handleMatch(self, m: re.Match[str], data: str):  # type: ignore[no-untyped-def, override]
        slug = m.group("slug").strip()
        end = xref_end(data, m)
        if end is None or slug not in self.renderer.titles:
            return None, None, None
        href = relative_url(event_path("x"), event_path(slug), pretty=self.renderer.pretty_urls)
        link = etree.Element("a", {"href": href, "class": "xref"})
        link.text = AtomicString((m.group("text") or self.renderer.titles[slug]).strip())
        return link, m.start(0), end


class _Callouts(Treeprocessor):
    """Turn `> [!NOTE]` blockquotes into editor's notes."""

    def __init__(self, renderer: Renderer, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: etree.Element) -> None:
        for element in root.iter("blockquote"):
            first = element[0] if len(element) else None
            if first is None or first.tag != "p" or not _CALLOUT.match(first.text or ""):
                continue
            first.text = _CALLOUT.sub("", first.text or "", count=1)
            if not first.text and not len(first):
                element.remove(first)
            element.tag = "aside"
            element.set("class", "editor-note")
            element.set("role", "note")
            element.set("aria-label", self.renderer.note_label)
            label = etree.Element("p", {"class": "editor-note-label"})
            label.text = self.renderer.note_label
            element.insert(0, label)


class _Detach(Treeprocessor):
    """Copy the editor's notes (or the whole text, a note) for the notes page: without
    ids (the page shows many) and with links leading where they led on their own page."""

    def __init__(self, converter: _Converter, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        document = self.converter.document
        if document.rebase is None:
            return
        notes = [root] if document.whole else [
            e for e in root.iter("aside") if e.get("class") == "editor-note"]
        for note in notes:
            detached = copy.deepcopy(note)
            detached.tag = "div"
            detached.attrib.clear()
            detached.set("class", "editor-note-text")
            for element in list(detached.iter()):
                element.attrib.pop("id", None)
                for name in ("href", "src"):
                    value = element.get(name)
                    if value is not None:
                        element.set(name, document.rebase(value))
            for label in detached.findall("p[@class='editor-note-label']"):
                detached.remove(label)
            document.notes.append(self.md.serializer(detached))


class _ImageSizes(Treeprocessor):
    """Give each image whose size is known its width and height."""

    def __init__(self, converter: _Converter, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        size = self.converter.document.size
        if size is None:
            return
        for image in root.iter("img"):
            found = size(image.get("src", ""))
            if found is not None and "width" not in image.attrib:
                image.set("width", str(found[0]))
                image.set("height", str(found[1]))


class _Summary(Treeprocessor):
    """Record the plain text of the first paragraph, without citation marks."""

    def __init__(self, converter: _Converter, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        for element in root:
            if element.tag == "p":
                text = _PLACEHOLDER.sub("", "".join(_text_without_citations(element)))
                summary = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))
                self.converter.document.summary = summary
                return


def _text_without_citations(element: etree.Element) -> list[str]:
    """Return the text of element, leaving out citation and footnote marks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "sup":
            parts.extend(_text_without_citations(child))
        parts.append(child.tail or "")
    return parts


# Python-Markdown's link processors find the `]` closing a link text by reading
# to it from every `[`: a line of `[`s took minutes. Same answers, read once.
_LINK_PROCESSORS = {"reference": 170, "link": 160, "image_link": 150, "image_reference": 140,
                    "short_reference": 130, "short_image_ref": 125}


def closing_brackets(text: str) -> dict[int, int]:
    """Return, for each `[` of text that is closed, the index of its `]`."""
    closes: dict[int, int] = {}
    opened: list[int] = []
    for match in re.finditer(r"[\[\]]", text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            closes[opened.pop()] = match.start()
    return closes


class _ClosingIndex:
    """The closing brackets of the last text asked about (a memo of closing_brackets)."""

    def __init__(self) -> None:
        self.text = ""
        self.closes: dict[int, int] = {}

    def get_text(self, data: str, index: int) -> tuple[str, int, bool] | None:
        """Return what LinkInlineProcessor.getText does, or None if index follows no `[`.

        An unclosed text comes back empty: every caller drops it, and copying the
        rest of the line for each `[` would make a line of them quadratic again.
        """
        if index == 0 or data[index - 1] != "[":
            return None
        if data is not self.text:
            self.text, self.closes = data, closing_brackets(data)
        close = self.closes.get(index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True


def _linear_link_processor(old: LinkInlineProcessor, md: markdown.Markdown) -> InlineProcessor:
    """Return old's processor, finding the end of link texts through a closing index."""
    index = _ClosingIndex()
    base: type[LinkInlineProcessor] = type(old)

    class Linear(base):  # type: ignore[valid-type, misc]
        def getText(self, data: str, start: int) -> tuple[str, int, bool]:  # noqa: N802
            found = index.get_text(data, start)
            return found if found is not None else super().getText(data, start)

    return Linear(old.pattern, md)


class _TimelineExtension(Extension):
    def __init__(self, converter: _Converter) -> None:
        super().__init__()
        self.converter = converter

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        renderer = self.converter.renderer
        md.inlinePatterns.register(_CitationPattern(self.converter, md), "citation", 175)
        md.inlinePatterns.register(_CrossReference(renderer, md), "xref", 176)
        md.treeprocessors.register(_Callouts(renderer, md), "callouts", 15)
        md.treeprocessors.register(_Summary(self.converter, md), "summary", 14)
        md.treeprocessors.register(_ImageSizes(self.converter, md), "image-sizes", 13)
        md.treeprocessors.register(_Detach(self.converter, md), "detach", -10)  # last
        for name, priority in _LINK_PROCESSORS.items():
            stock = md.inlinePatterns[name]
            assert isinstance(stock, LinkInlineProcessor), name
            md.inlinePatterns.register(_linear_link_processor(stock, md), name, priority)
