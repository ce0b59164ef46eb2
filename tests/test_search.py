"""The search index: folding and words, the text of a body, the files a build writes,
and that an edited build writes the same index as a build from scratch."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MakeProject, event
from test_incremental import age, edit, make

from timeline.build import build
from timeline.site import search
from timeline.site.search import (
    body_text,
    fold,
    pack_words,
    patch_postings,
    postings,
    script,
    shard_of,
    tokens,
    unpack_words,
)


def test_fold_lowers_decomposes_and_drops_accents() -> None:
    assert [fold(text) for text in ("Straße", "ΣΊΣΥΦΟΣ", "Ёлка", "naïve", "ﬁre", "İstanbul")] \
        == ["strasse", "σισυφοσ", "елка", "naive", "fire", "istanbul"]


def test_tokens_are_runs_of_letters_and_digits() -> None:
    assert tokens("Ёлка, naïve ﬁre: Straße_x 2023! don't — Макіївка") == \
        ["елка", "naive", "fire", "strasse", "x", "2023", "don", "t",
         "мак\u0456\u0456вка"]  # Ukrainian ї is і with a diaeresis


def test_an_events_words_are_kept_as_they_were_found() -> None:
    for found in [(["naive", "σισυφοσ"], ["2023", "x"]), ([], ["end"]), (["only"], []), ([], [])]:
        assert unpack_words(pack_words(found)) == found


def test_patched_postings_mark_the_events_that_changed() -> None:
    # events 0 (title), 3 and 4: steps 1*2+1, 3*2, 1*2
    assert patch_postings([3, 6, 2], {3: None, 5: 1, 0: 0}) == [2, 8, 3]  # 0, 4, 5 (title)
    assert patch_postings([3], {0: None}) == []
    assert patch_postings([], {2: 0}) == [6]
    assert postings([(["a"], []), ([], []), ([], ["a"])]) == {"a": [3, 4]}


def test_body_text_leaves_out_citation_marks_and_keeps_blocks_apart() -> None:
    html = ('<p>One <em>two</em> <sup class="citation">[<a href="#source-1">1</a>]</sup>.'
            '</p><ul><li>three</li><li>four &amp; <b>five</b></li></ul>')
    assert body_text(html) == "One two. three four & five"


def test_a_script_file_holds_json_that_cannot_end_a_script_or_a_line() -> None:
    assert script("docs-0", ["</script>\u2028é", {"b": 1, "a": "<!--", "c": "-->&amp;"}]) == (
        b'window.timelineSearch.add("docs-0", ["\\u003c/script\\u003e\\u2028\\u00e9",'
        b'{"a":"\\u003c!--","b":1,"c":"--\\u003e\\u0026amp;"}]);\n')


def test_a_terms_shard_is_chosen_by_its_first_two_characters() -> None:
    assert [shard_of(term, 7) for term in ("missile", "mi", "m", "макіївка", "𝔘x")] == \
        [shard_of("mi", 7), (109 * 31 + 105) % 65521 % 7, 109 % 7, shard_of("ма", 7),
         (((0xD835 * 31 + 0xDD18) % 65521) * 31 + ord("x")) % 65521 % 7]  # UTF-16 units


def test_the_build_writes_the_index_of_every_event_but_drafts(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "content/a.md": event("Naïve <b>start</b>", '"2023-01-04"', "Body [@article] words.",
                              tags="[war]", location="Kyiv"),
        "content/b.md": event("Second", '"2023-02-01"', "Naive end."),
        "content/c.md": event("Secret", '"2023-03-01"', "Hidden.", draft="true"),
    })
    build(project, tmp_path / "site", drafts=True, environ={})
    search = tmp_path / "site" / "search"
    assert sorted(p.name for p in search.iterdir()) == ["docs-0.js", "meta.js", "terms-0.js"]
    assert (search / "meta.js").read_text() == \
        'window.timelineSearch.add("meta", {"docs":2,"size":20,"terms":1});\n'
    assert (search / "docs-0.js").read_text() == (
        'window.timelineSearch.add("docs-0", [\n'
        '["Na\\u00efve \\u003cb\\u003estart\\u003c/b\\u003e","4 January 2023",'
        '"events/a/index.html","Body words."],\n'
        '["Second","1 February 2023","events/b/index.html","Naive end."]]);\n')
    # each term: for each event, the step from the last one doubled, +1 in the title
    assert (search / "terms-0.js").read_text() == (
        'window.timelineSearch.add("terms-0", {"article":[2],"b":[3],"body":[2],"end":[4],'
        '"example":[2],"kyiv":[2],"naive":[3,2],"second":[5],"start":[3],"war":[2],'
        '"words":[2]});\n')
    assert "Secret" not in (search / "docs-0.js").read_text()


def search_files(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "search").iterdir())}


# an edit, and the entries of the index it makes again: the one terms shard, and the
# edited event's document or (when the count of events changes) meta.js
SEARCH_EDITS = {
    "body": (lambda p: edit(p / "content" / "e2.md", "Text", "Stonewalling"), 2),
    "title": (lambda p: edit(p / "content" / "e2.md", "Event 2", "Event two"), 2),
    "deletion": (lambda p: (p / "content" / "e3.md").unlink(), 2),
    "draft": (lambda p: edit(p / "content" / "e1.md", "tags:", "draft: true\ntags:"), 2),
    "new event": (lambda p: (p / "content" / "new.md").write_text(
        '---\ntitle: "Новое"\ndate: "2001-01-15"\n---\nТекст.\n', encoding="utf-8"), 3),
}


@pytest.mark.parametrize("name", sorted(SEARCH_EDITS))
def test_an_edited_build_writes_the_index_a_build_from_scratch_writes(
        tmp_path: Path, name: str) -> None:
    project = make(tmp_path / "p")
    first = build(project, environ={})
    assert first.indexed == 1 + 1 + 6  # meta.js, terms-0.js, an entry per event
    change, expected = SEARCH_EDITS[name]
    change(project)
    result = build(project, environ={})
    copy = tmp_path / "clean"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".timeline-cache", "site"))
    build(copy, copy / "site", cache=False, environ={})
    assert search_files(project / "site") == search_files(copy / "site")
    assert result.indexed == expected


def test_a_build_with_nothing_or_only_a_template_changed_makes_no_search_entry(
        tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project, environ={})
    assert build(project, environ={}).indexed == 0
    (project / "templates").mkdir()
    (project / "templates" / "tag.html").write_text('{% extends "default/tag.html" %}',
                                                    encoding="utf-8")
    age(project)
    result = build(project, environ={})
    assert result.rendered and result.indexed == 0


def make_many(root: Path, count: int) -> Path:
    """Write a project of count events with words of their own and words they share,
    enough for several term shards, all files aged."""
    content = root / "content"
    content.mkdir(parents=True)
    for index in range(count):
        (content / f"m{index}.md").write_text(
            f'---\ntitle: "Event {index} shared"\ndate: "{2000 + index // 12}-'
            f'{index % 12 + 1:02d}-01"\ntags: [t{index % 5}]\n---\n'
            f"Word{index} common w{index % 7} x{index % 3}.\n", encoding="utf-8")
    age(root)
    return root


def count_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the calls of the tokeniser: return the list of texts it is given."""
    texts: list[str] = []

    def counted(text: str) -> list[str]:
        texts.append(text)
        return tokens(text)

    monkeypatch.setattr(search, "tokens", counted)
    return texts


# an edit of the 80-event project, the titles of the events it makes tokenised again,
# and whether the term shards can be patched (as many events, few numbers changed) or
# must be made from every event's words: an event's body; its title (a word of its body
# moves to its title); its date (it moves from number 10 to 13, three others move up);
# an event inserted in the middle (every later number moves; 81 events need a third
# term shard); an event deleted
MANY_EDITS: dict[str, tuple[Callable[[Path], object], list[str], bool]] = {
    "body": (lambda p: edit(p / "content" / "m40.md", "common", "uncommon"),
             ["Event 40 shared"], True),
    "title": (lambda p: edit(p / "content" / "m41.md", "41 shared", "41 common"),
              ["Event 41 common"], True),
    "date": (lambda p: edit(p / "content" / "m10.md", "2000-11-01", "2001-02-15"),
             ["Event 10 shared"], True),
    "insertion": (lambda p: (p / "content" / "inserted.md").write_text(
        '---\ntitle: "Inserted"\ndate: "2003-04-15"\n---\nCommon novelty w3.\n',
        encoding="utf-8"), ["Inserted"], False),
    "deletion": (lambda p: (p / "content" / "m20.md").unlink(), [], False),
}


@pytest.mark.parametrize("names", [["body"], ["title"], ["date"], ["insertion"], ["deletion"],
                                   ["insertion", "body", "deletion", "title", "date"]])
def test_an_incremental_build_writes_the_index_of_a_clean_build_and_tokenises_only_edits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> None:
    project = make_many(tmp_path / "p", 80)
    texts = count_tokens(monkeypatch)
    made: list[int] = []
    postings = search.postings
    monkeypatch.setattr(search, "postings", lambda found: made.append(1) or postings(found))
    build(project, environ={})
    assert len(texts) == 2 * 80  # each event's title, and the rest of it
    assert len(search_files(project / "site")) == 1 + 2 + 4  # meta, 2 term shards, docs
    for name in names:
        change, titles, patched = MANY_EDITS[name]
        change(project)
        texts.clear()
        made.clear()
        build(project, environ={})
        assert texts[::2] == titles  # a title, then the rest of its event
        assert len(texts) == 2 * len(titles)
        assert made == ([] if patched else [1])
        copy = tmp_path / "clean"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".timeline-cache", "site"))
        build(copy, copy / "site", cache=False, environ={})
        assert search_files(project / "site") == search_files(copy / "site")
        age(project)


def test_a_build_that_keeps_the_term_shards_keeps_the_words_of_every_event_in_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_many(tmp_path / "p", 50)
    edit(project / "content" / "m3.md", "tags:", "draft: true\ntags:")
    build(project, drafts=True, environ={})
    # a draft is in events.json, not in the index: its edit makes entries again (from the
    # cache, which is read), and no search file
    edit(project / "content" / "m3.md", "common", "secret")
    result = build(project, drafts=True, environ={})
    assert (result.parsed, result.indexed) == (1, 0) and result.serialised
    texts = count_tokens(monkeypatch)
    edit(project / "content" / "m7.md", "common", "uncommon")
    build(project, drafts=True, environ={})
    assert len(texts) == 2 and "uncommon" in texts[1]
