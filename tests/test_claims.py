"""Claims: reading an event's `claims:`, their notes, tables, exports, claims and source pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.check import check
from timeline.content.load import load_timeline

CLAIMS = """
  - label: Killed
    accounts:
      - value: 89
        by: Ministry of Defence
        source: "article, para. 12"
        as_of: "2023-01-04"
      - value: 63
        by: Ministry of Defence
        source: "@article, para. 3"
        as_of: "2023-01-02"
      - value: "closer to 300"
        by: Ukraine
        source: report
"""


def project_with(make_project: MakeProject, claims: str = CLAIMS,
                 body: str = "Text [@article, p. 1].") -> Path:
    text = event(title="Strike", body=body, sources="[article, report]")
    text = text.replace("---\nText", f"claims:{claims}---\nText", 1)
    return make_project({"content/strike.md": text,
                         "content/other.md": event(title="Other", date='"2023-02-01"')})


def messages(project: Path) -> list[str]:
    return [str(d) for d in check(project).errors]


def test_claims_are_read_with_their_sources_numbered_after_the_body(
        make_project: MakeProject) -> None:
    timeline, report = load_timeline(project_with(make_project))
    assert not report.errors
    strike = next(e for e in timeline.events if e.slug == "strike")
    (claim,) = strike.claims
    assert claim.label == "Killed" and claim.disputed
    assert [(a.value, a.by, a.source, a.locator, a.note, a.anchor)
            for a in claim.accounts] == [
        ("89", "Ministry of Defence", "article", "para. 12", 1, "cite-1-2"),
        ("63", "Ministry of Defence", "article", "para. 3", 1, "cite-1-3"),
        ("closer to 300", "Ukraine", "report", None, 2, "cite-2-1")]
    assert [a.value for a in claim.in_order()] == ["63", "89", "closer to 300"]
    # the note lists every place it is cited, the body's first
    assert [(n.number, n.anchors, n.places) for n in strike.notes] == [
        (1, ("cite-1-1", "cite-1-2", "cite-1-3"), ("p. 1", "para. 12", "para. 3")),
        (2, ("cite-2-1",), ("",))]


def test_one_account_or_equal_values_are_not_disputed(make_project: MakeProject) -> None:
    claims = """
  - label: Injured
    accounts:
      - {value: "100", by: A, source: article}
  - label: Missing
    accounts:
      - {value: "about  12", by: A, source: article}
      - {value: "About 12", by: B, source: report}
"""
    timeline, report = load_timeline(project_with(make_project, claims))
    assert not report.errors
    strike = next(e for e in timeline.events if e.slug == "strike")
    assert [c.disputed for c in strike.claims] == [False, False]


@pytest.mark.parametrize(("claims", "expected"), [
    ("\n  - label: Killed\n    accounts:\n      - value: 1\n        by: A\n"
     "        source: articel\n",
     "content/strike.md:10: error: unknown source 'articel'. Did you mean 'article'?"),
    ("\n  - label: Killed\n    accounts:\n      - by: A\n        source: article\n",
     "content/strike.md:8: error: an account needs 'value': the figure or statement "
     "as the source gives it"),
    ("\n  - label: Killed\n    accounts:\n      - value: ''\n        by: A\n"
     "        source: article\n",
     "content/strike.md:8: error: an account needs 'value': the figure or statement "
     "as the source gives it"),
    ("\n  - label: Killed\n    accounts:\n      - value: 1\n        source: article\n",
     "content/strike.md:8: error: an account needs 'by': who gives the value"),
    ("\n  - label: Killed\n    accounts:\n      - value: 1\n        by: A\n",
     "content/strike.md:8: error: an account needs 'source': the id of the source that "
     "gives it, e.g. source: \"article-2023-01-05, para. 3\""),
    ("\n  - label: Killed\n    accounts:\n      - value: 1\n        by: A\n"
     "        source: article\n        as_of: last week\n",
     "content/strike.md:11: error: 'as_of': invalid date 'last week': relative dates such "
     "as 'last week' cannot be dated by the build: write the date itself, worked out from "
     "the source's date"),
    ("\n  - label: Killed\n    accounts: []\n",
     "content/strike.md:7: error: claim 'Killed' needs at least one account in "
     "'accounts', each with value, by and source"),
    ("\n  - label: Killed\n",
     "content/strike.md:6: error: claim 'Killed' needs at least one account in "
     "'accounts', each with value, by and source"),
    ("\n  - accounts:\n      - {value: 1, by: A, source: article}\n",
     "content/strike.md:6: error: a claim needs 'label': what is claimed, e.g. label: Killed"),
    ("\n  - label: Killed\n    acounts: []\n",
     "content/strike.md:6: error: claim 'Killed' needs at least one account in "
     "'accounts', each with value, by and source\n"
     "content/strike.md:7: error: unknown claim field 'acounts'. Did you mean 'accounts'?"),
    ("\n  - label: Killed\n    accounts:\n      - {value: 1, by: A, source: article, "
     "asof: '2023'}\n",
     "content/strike.md:8: error: unknown account field 'asof'. Did you mean 'as_of'?"),
    ("\n  - label: [Killed]\n    accounts:\n      - {value: 1, by: A, source: article}\n",
     "content/strike.md:6: error: 'label' of a claim must be text, not a list"),
    ("\n  - label: Killed\n    accounts:\n      - {value: {n: 1}, by: A, source: article}\n",
     "content/strike.md:8: error: 'value' of an account must be text, not a mapping"),
    ("\n  - label: Killed\n    accounts: {value: 1}\n",
     "content/strike.md:7: error: 'accounts' of claim 'Killed' must be a list"),
    ("\n  - label: Killed\n    accounts:\n      - 89\n",
     "content/strike.md:8: error: each account must be a mapping with value, by and source"),
    ("\n  - Killed\n",
     "content/strike.md:6: error: each claim must be a mapping with 'label' and 'accounts'"),
    (" Killed\n",
     "content/strike.md:5: error: 'claims' must be a list of claims, each with a label "
     "and accounts"),
    ("\n  - label: Killed\n    accounts:\n      - {value: 1, by: A, source: 'article; report'}\n",
     "content/strike.md:8: error: invalid source 'article; report': give one source id and "
     "an optional locator, e.g. source: \"article-2023-01-05, para. 3\""),
])
def test_a_bad_claim_is_reported_whole_at_its_line(make_project: MakeProject, claims: str,
                                                   expected: str) -> None:
    assert messages(project_with(make_project, claims)) == expected.split("\n")


def test_the_event_page_has_a_table_per_claim_linked_to_its_notes(
        make_project: MakeProject) -> None:
    project = project_with(make_project)
    build(project)
    page = (project / "site" / "events" / "strike" / "index.html").read_text()
    start = page.index('<table class="claim is-disputed" role="table">')
    table = page[start:page.index("</table>")]
    assert ('<caption><span class="claim-label">Killed</span> '
            '<span class="claim-status">disputed</span></caption>') in table
    rows = re.findall(r'<tr role="row">\n(.*?)\n</tr>', table, re.S)
    assert [re.findall(r'<td class="claim-value" role="cell">(.*?)</td>', row) for row in rows] == [
        ["63"], ["89"], ["closer to 300"]]  # earliest first, undated last
    assert ('<a class="citation-link" href="#source-1" id="cite-1-3" role="doc-noteref" '
            'aria-label="Source 1, para. 3">1</a>]</sup> '
            '<span class="claim-locator">para. 3</span>') in rows[0]
    assert '<time datetime="2023-01-02">2 January 2023</time>' in rows[0]
    assert 'href="#source-2" id="cite-2-1"' in rows[2]
    assert ('<td class="claim-as-of is-undated" role="cell"><span class="claim-cell-label" '
            'aria-hidden="true">As of </span><span class="claim-undated">not given</span>'
            '</td>') in rows[2]
    # each note links back to the accounts that cite it
    assert 'href="#cite-1-3"' in page and 'href="#cite-2-1"' in page


def test_claim_values_are_escaped_everywhere(make_project: MakeProject) -> None:
    claims = """
  - label: "<b>Killed</b>"
    accounts:
      - {value: "<script>alert(1)</script>", by: "<i>A</i>", source: article}
"""
    project = project_with(make_project, claims)
    build(project, base_url="https://example.org/")
    for path in ["events/strike/index.html", "claims/index.html",
                 "sources/article/index.html", "timeline.json", "feed.xml"]:
        text = (project / "site" / path).read_text()
        assert "<script>alert" not in text and "<b>Killed" not in text, path
        assert "<i>A</i>" not in text, path
    page = (project / "site" / "events" / "strike" / "index.html").read_text()
    assert ('<td class="claim-value" role="cell">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
            in page)
    assert "claim-status" not in page  # one account: not disputed


def test_events_json_holds_the_claims_structured(make_project: MakeProject) -> None:
    project = project_with(make_project)
    build(project)
    data = json.loads((project / "site" / "events.json").read_text())
    strike = next(e for e in data if e["slug"] == "strike")
    assert strike["claims"] == [{"label": "Killed", "disputed": True, "accounts": [
        {"value": "89", "by": "Ministry of Defence", "source": "article",
         "locator": "para. 12", "as_of": "2023-01-04", "note": 1},
        {"value": "63", "by": "Ministry of Defence", "source": "article",
         "locator": "para. 3", "as_of": "2023-01-02", "note": 1},
        {"value": "closer to 300", "by": "Ukraine", "source": "report", "locator": None,
         "as_of": None, "note": 2}]}]
    assert next(e for e in data if e["slug"] == "other")["claims"] == []


def test_timeline_json_shows_the_claims_in_the_slide_text(make_project: MakeProject) -> None:
    project = project_with(make_project)
    build(project)
    data = json.loads((project / "site" / "timeline.json").read_text())
    text = next(e for e in data["events"] if e["unique_id"] == "strike")["text"]["text"]
    assert ("<h2>Claims</h2><table><caption>Killed (disputed)</caption><tr><th>Value</th>"
            "<th>According to</th><th>Source</th><th>As of</th></tr>"
            '<tr><td>63</td><td>Ministry of Defence</td><td><a href="events/strike/'
            'index.html#source-1">[1]</a> para. 3</td><td>2 January 2023</td></tr>') in text
    assert ('<tr><td>closer to 300</td><td>Ukraine</td><td><a href="events/strike/'
            'index.html#source-2">[2]</a></td><td></td></tr></table>') in text


def test_the_claims_page_groups_by_label_and_is_linked_only_when_there_are_claims(
        make_project: MakeProject) -> None:
    claims = CLAIMS + """  - label: Injured
    accounts:
      - {value: "100", by: A, source: article}
"""
    project = project_with(make_project, claims)
    build(project)
    site = project / "site"
    page = (site / "claims" / "index.html").read_text()
    assert page.index('<h2 id="claims-1">Injured</h2>') < page.index(
        '<h2 id="claims-2">Killed <span class="claim-group-count">1 disputed</span></h2>')
    assert ('<h3 class="claim-event" id="claims-2-1"><a href="../events/strike/index.html">'
            'Strike</a></h3>') in page
    assert 'href="../events/strike/index.html#source-1"' in page
    assert 'id="cite-' not in page  # the anchors are the event page's
    nav = '<a href="claims/index.html">Claims</a>'
    assert nav in (site / "index.html").read_text()
    assert '<a href="../claims/index.html" aria-current="page">Claims</a>' in page

    plain = make_project({"content/e.md": event()}, name="plain")
    build(plain)
    assert not (plain / "site" / "claims").exists()
    assert "claims/index.html" not in (plain / "site" / "index.html").read_text()


def test_a_source_page_groups_the_events_and_the_claims_resting_on_it(
        make_project: MakeProject) -> None:
    project = project_with(make_project)
    build(project)
    page = (project / "site" / "sources" / "report" / "index.html").read_text()
    events = page[page.index('<h2 id="source-events-heading">Events</h2>'):
                  page.index('<h2 id="source-claims-heading">Claims</h2>')]
    assert '<a href="../../events/strike/index.html">Strike</a>' in events
    claims = page[page.index('<h2 id="source-claims-heading">Claims</h2>'):]
    assert "1 account of a claim rests on this source" in claims
    assert ('<li class="source-claim"><a href="../../events/strike/index.html#cite-2-1">'
            'Strike</a>: <span class="claim-label">Killed</span> '
            '<span class="claim-status">disputed</span>:\n'
            '<span class="source-claim-account"><strong class="claim-value">closer to 300'
            '</strong>, according to Ukraine</span></li>') in claims
    article = (project / "site" / "sources" / "article" / "index.html").read_text()
    assert "2 accounts of claims rest on this source" in article
    assert "(para. 3), as of" in article
    # a source no claim rests on keeps its plain listing
    plain = make_project({"content/e.md": event()}, name="plain")
    build(plain)
    assert "source-claims" not in (plain / "site" / "sources" / "article" /
                                   "index.html").read_text()


def test_the_example_strike_gives_the_death_toll_accounts_of_the_article(
        example: Path) -> None:
    timeline, report = load_timeline(example)
    assert not report.diagnostics
    strike = next(e for e in timeline.events if e.slug == "makiivka-strike")
    (claim,) = strike.claims
    assert claim.disputed
    assert [(a.value, a.locator) for a in claim.accounts][:2] == [
        ("89", "para. 12"), ("closer to 300", "para. 13")]
