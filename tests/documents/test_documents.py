"""The PDFs print the engine's figures, cite real references, differ by audience, escape input."""

import base64
import re

import pytest

from tests.pdf_text import pdf_layout, pdf_pages
from workbench.documents.environment import money, percent, ratio
from workbench.documents.pdf import PdfRequest, render_pdf
from workbench.documents.render import PRINT_STYLESHEET

WORKED = "worked-example.yaml"
BUNDLED = {"payment_model: total_cost_of_care": "payment_model: bundled"}
INCENTIVES = {"payment_model: total_cost_of_care": "payment_model: ffs_plus_incentives"}
# One rendering per kind, for the checks every document must pass.
EVERY_KIND = [
    ("proposal", ("commercial_payer",)),
    ("brief", ("commercial_payer",)),
    ("executive-summary", ()),
    ("meeting-packet", ("commercial_payer", "aco")),
]
KIND_IDS = [kind for kind, _ in EVERY_KIND]


def squeeze(text: str) -> str:
    """Join the PDF's text so a figure split across a line break still matches."""
    return re.sub(r"\s+", " ", text)


def test_the_proposal_prints_the_engines_pmpm_and_roi(render):
    proposal = render(WORKED, "proposal", "commercial_payer")
    result = proposal.context.result

    assert money(result.proposed_pmpm) == "$0.37"
    assert "$0.37" in proposal.text
    assert ratio(result.payer_roi) == "0.3583"
    assert "0.3583" in proposal.text
    assert money(result.annual_pmpm_payments) in proposal.text
    assert money(result.payer_net_savings) in proposal.text
    assert 8 <= proposal.page_count <= 15


def test_a_bundled_proposal_prints_the_case_and_episode_rate(render):
    proposal = render(WORKED, "proposal", "commercial_payer", **BUNDLED)
    result = proposal.context.result

    assert money(result.case_rate_per_enrolled_month) == "$195.35"
    assert "$195.35" in proposal.text
    assert money(result.episode_rate) == "$1,172.10" and "$1,172.10" in proposal.text
    assert "$1.03" in proposal.text
    assert 8 <= proposal.page_count <= 15


def test_the_proposal_has_every_section_of_the_issue(render):
    proposal = render(WORKED, "proposal", "commercial_payer")
    text = squeeze(proposal.text)
    cover = squeeze(proposal.pages[0])
    outline = {item.title for item in flatten(proposal.reader.outline)}

    for party in ("Commercial Plan A", "Riverside Primary Care", "November 23, 2026", "Version 1"):
        assert party in cover
    assert "Confidential" in cover
    assert outline >= {
        "Executive summary",
        "What we ask of Commercial Plan A",
        "How the rate was derived",
        "The program",
        "Value by domain",
        "Evidence",
        "Quality measures and targets",
        "Payer return and the four payment models",
        "Sensitivity, risk and break-even",
        "What moves the proposed PMPM",
        "The range of outcomes",
        "Implementation timeline",
        "References",
        "Appendix: inputs and warnings",
    }
    for term in ("Shared savings rate", "Minimum savings rate", "P10", "P90", "Staffing"):
        assert term in text
    for step in proposal.context.derivation:
        assert squeeze(step.substitution) in text


def test_an_incentive_proposal_states_the_incentive_terms(render):
    proposal = render(WORKED, "proposal", "commercial_payer", **INCENTIVES)
    text = squeeze(proposal.text)
    incentive = proposal.context.scenario.terms.quality_incentives[0]

    assert f"Quality incentive: {incentive.measure}" in text
    assert money(proposal.context.result.expected_incentives) in text
    assert 8 <= proposal.page_count <= 15


@pytest.mark.parametrize(("kind", "stakeholders"), EVERY_KIND, ids=KIND_IDS)
def test_every_link_and_citation_resolves(render, kind, stakeholders):
    document = render(WORKED, kind, *stakeholders)
    targets = set(re.findall(r'href="#([^"]+)"', document.html))
    anchors = set(re.findall(r'id="([^"]+)"', document.html))
    numbers = {c.number for c in document.context.citations}
    cited = {
        int(n)
        for group in re.findall(r"\[(\d+(?:, \d+)*)\]", squeeze(document.text))
        for n in group.split(", ")
    }

    assert targets <= anchors, f"links to nothing: {sorted(targets - anchors)}"
    assert cited <= numbers
    if kind != "executive-summary":
        assert cited, "the document cites no evidence"


def test_the_proposal_lists_every_cited_reference(render):
    proposal = render(WORKED, "proposal", "commercial_payer")
    text = squeeze(proposal.text)

    for citation in proposal.context.citations:
        assert f"[{citation.number}] {squeeze(citation.study)[:40]}" in text


def test_two_stakeholder_briefs_differ_in_domains_evidence_and_ask(render):
    payer = render(WORKED, "brief", "commercial_payer")
    employer = render(WORKED, "brief", "self_funded_employer")
    payer_view, employer_view = payer.context.stakeholders[0], employer.context.stakeholders[0]

    printed_order = [printed_domains(brief) for brief in (payer, employer)]
    assert printed_order[0] == [d.name for d in payer_view.top_domains]
    assert printed_order[1] == [d.name for d in employer_view.top_domains]
    assert printed_order[0] != printed_order[1]
    assert printed_order[0][0] != printed_order[1][0]
    assert studies_in_evidence(payer) != studies_in_evidence(employer)
    assert squeeze(payer_view.ask_in_their_terms)[:60] in squeeze(payer.text)
    assert squeeze(employer_view.ask_in_their_terms)[:60] in squeeze(employer.text)
    assert squeeze(employer_view.ask_in_their_terms)[:60] not in squeeze(payer.text)
    # The profiles answer more objections since their check against the sources: up to 5 pages.
    assert 2 <= payer.page_count <= 5 and 2 <= employer.page_count <= 5


@pytest.mark.parametrize("kind", ["brief", "proposal"])
def test_a_hostile_payer_name_is_printed_literally(render, kind):
    name = "Acme <script>alert(1)</script> {{ 7*7 }}"
    document = render(WORKED, kind, "commercial_payer", **{"Commercial Plan A": name})

    assert "&lt;script&gt;" in document.html
    assert "<script>" not in document.html
    assert name in squeeze(document.text)
    assert "Acme <script>alert(1)</script> 49" not in squeeze(document.text)
    assert document.reader.metadata.title == document.context.meta.title


def test_the_executive_summary_shows_risk_and_the_models_compared(render):
    summary = render(WORKED, "executive-summary")
    risk = summary.context.risk
    text = squeeze(summary.text)

    assert 1 <= summary.page_count <= 2
    for value in (risk.provider_net.p10, risk.provider_net.p50, risk.provider_net.p90):
        assert money(value) in text
    assert percent(risk.probability_provider_net_negative) in text
    for column in summary.context.comparison:
        assert column.label in text
        assert money(column.result.provider_net) in text
    for heading in ("Recommendation", "Open issues", "Approved by"):
        assert heading in text
    assert "Internal" in text


def test_the_meeting_packet_carries_a_brief_for_each_attendee(render):
    packet = render(WORKED, "meeting-packet", "commercial_payer", "aco")
    text = squeeze(packet.text)
    outline = [item.title for item in flatten(packet.reader.outline)]

    assert outline[:2] == ["Agenda", "The ask"]
    for view in packet.context.stakeholders:
        assert f"{view.name}: preparation" in outline
        assert f"Brief for {view.name}" in outline
        assert squeeze(view.objections[0].objection)[:50] in text
        assert squeeze(view.talking_points[0])[:50] in text
    assert money(packet.context.result.proposed_pmpm) in text


def test_the_four_charts_are_the_same_svg_in_page_and_pdf(render):
    proposal = render(WORKED, "proposal", "commercial_payer")
    charts = proposal.context.charts
    text = squeeze(proposal.text)

    for chart in (charts.models, charts.tornado, charts.payers, charts.distribution):
        assert chart.svg.startswith("<svg")
        assert base64.b64encode(chart.svg.encode()).decode() in proposal.html
        assert chart.title in text


@pytest.mark.parametrize(("kind", "stakeholders"), EVERY_KIND, ids=KIND_IDS)
def test_the_pdf_has_metadata_and_bookmarks(render, kind, stakeholders):
    document = render(WORKED, kind, *stakeholders)
    metadata = document.reader.metadata

    assert metadata.title == document.context.meta.title
    assert metadata.author == "Riverside Primary Care"
    assert metadata.subject == document.context.meta.subject
    assert "Collaborative Care" in metadata["/Keywords"]
    assert len(document.reader.outline) >= 3


@pytest.mark.parametrize(("kind", "stakeholders"), EVERY_KIND, ids=KIND_IDS)
def test_every_page_is_letter_with_the_running_header_and_footer(render, kind, stakeholders):
    document = render(WORKED, kind, *stakeholders)
    pages = [squeeze(page) for page in document.pages]
    total = len(pages)

    for page in document.reader.pages:
        assert (page.mediabox.width, page.mediabox.height) == (612, 792)
    first_with_header = 2  # the cover and the masthead carry the title themselves
    for number, page in enumerate(pages[first_with_header - 1 :], start=first_with_header):
        assert f"Page {number} of {total}" in page
        assert "onfidential" in page
        assert any(title in page for title in running_titles(document))


@pytest.mark.parametrize(("kind", "stakeholders"), EVERY_KIND, ids=KIND_IDS)
def test_nothing_prints_outside_the_page_margins(render, kind, stakeholders):
    document = render(WORKED, kind, *stakeholders)

    assert words_outside_margins(document.pdf) == []


def test_the_margin_check_catches_a_line_too_wide():
    html = "<table><tr><td class='num'>" + "9" * 200 + "</td></tr></table>"
    css = PRINT_STYLESHEET.read_text()
    rendered = render_pdf(PdfRequest(html=html, stylesheets=(css,)))

    assert words_outside_margins(rendered.pdf)


def test_table_rows_stay_whole_and_headers_repeat_on_each_page():
    rows = "".join(
        f"<tr><th>Row {n}</th><td>row {n} first line<br>row {n} second line<br>"
        f"row {n} third line</td></tr>"
        for n in range(60)
    )
    html = f"<table><thead><tr><th>Header A</th><th>Header B</th></tr></thead>{rows}</table>"
    rendered = render_pdf(PdfRequest(html=html, stylesheets=(PRINT_STYLESHEET.read_text(),)))
    pages = pdf_pages_text(rendered.pdf)

    assert len(pages) > 1
    for page in pages:
        assert "HEADER A" in page.upper()
    for n in range(60):
        holding = [page for page in pages if f"row {n} first line" in page]
        assert len(holding) == 1 and f"row {n} third line" in holding[0]


# ------------------------------------------------------------------------------------ helpers


def flatten(outline):
    """The bookmarks of a pypdf outline, nested ones included, in order."""
    for item in outline:
        yield from flatten(item) if isinstance(item, list) else [item]


def printed_domains(brief) -> list[str]:
    """The ranked domain headings of a brief, in the order the PDF prints them."""
    names = [point.name for point in brief.context.stakeholders[0].top_domains]
    text = squeeze(brief.text)
    ranked = re.findall(r"\b([1-4]) (" + "|".join(map(re.escape, names)) + ")", text)
    return [name for _, name in sorted(dict(ranked).items())]


def studies_in_evidence(brief) -> set[str]:
    """The studies the brief's evidence section prints."""
    text = squeeze(brief.text)
    section = text[text.index("The evidence") : text.index("Questions you may have")]
    return {c.study for c in brief.context.citations if squeeze(c.study) in section}


def running_titles(document) -> set[str]:
    """What the running header may show: the document's title, or a leave-behind's."""
    return {document.context.meta.title} | {
        f"Brief for {view.name}" for view in document.context.stakeholders
    }


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF."""
    return [squeeze(page) for page in pdf_pages(pdf)]


def words_outside_margins(pdf: bytes, margin: float = 0.8 * 72) -> list[tuple[int, str]]:
    """Each word printed (partly) left or right of the page's side margins, or off the page."""
    outside = []
    for number, page in enumerate(pdf_layout(pdf), start=1):
        for word in page.words:
            off_sides = word.x0 < margin - 1 or word.x1 > page.width - margin + 1
            off_page = word.top < 0 or word.bottom > page.height
            if off_sides or off_page:
                outside.append((number, word.text))
    return outside
