"""Documents argued from method-2 scenarios: the ask is the scenario's, two audiences, tailoring.

Every check reads the rendered PDF's text (pypdf) or the HTML the PDF was made from.
"""

import json
import re
from decimal import Decimal

import pytest

from tests.documents.conftest import CONTRACT_EXAMPLES, Rendered, example, request_for
from tests.pdf_text import Page, pdf_fonts, pdf_layout
from workbench.documents.environment import money, ratio
from workbench.engine import ScenarioError
from workbench.services.documents import DocumentError, validate_request

WORKED = "worked-example.yaml"
EXAMPLES = ("worked-example.yaml", "large-aco.yaml", "medicaid-cmhc.yaml", "rural-practice.yaml")
PAYER_FACING = [("proposal", ("commercial_payer",)), ("brief", ("commercial_payer",))]
# Words and figures that belong to our own side only.
INTERNAL_WORDS = (
    "walk-away",
    "ceiling",
    "target margin",
    "our margin",
    "overhead",
    "salary",
    "salaries",
    "zone",
)


def squeeze(text: str) -> str:
    """Join the PDF's text so a figure split across a line break still matches."""
    return re.sub(r"\s+", " ", text)


def words(text: str) -> set[str]:
    """The distinct words of a text, lower-cased (figures count as words)."""
    return set(re.findall(r"[a-z0-9$.,%−-]+", text.lower()))


def jaccard(first: str, second: str) -> float:
    """Word-level Jaccard similarity of two texts: shared distinct words over all of them."""
    a, b = words(first), words(second)
    return len(a & b) / len(a | b)


def rate_schedule(result) -> list[str]:
    """The rates the ask quotes, as printed: each year's and the level rate."""
    if result.model == "bundled":
        rates = [year.case_rate_per_enrolled_month for year in result.years]
        return [money(rate) for rate in [*rates, result.level_case_rate]]
    return [money(rate) for rate in [*(y.proposed_pmpm for y in result.years), result.level_pmpm]]


@pytest.mark.parametrize("scenario", EXAMPLES)
@pytest.mark.parametrize("kind", ["proposal", "brief", "executive-summary", "meeting-packet"])
def test_every_documents_ask_is_the_scenarios(render_contract, library_snapshot, scenario, kind):
    payer = example(scenario, CONTRACT_EXAMPLES).focus_payer_kind
    stakeholders = {
        "proposal": (payer,),
        "brief": ("self_funded_employer",),
        "executive-summary": (),
        "meeting-packet": (payer, "aco"),
    }[kind]
    request = request_for(kind, *stakeholders)
    validate_request(request, library_snapshot, example(scenario, CONTRACT_EXAMPLES))
    document = render_contract(scenario, kind, *stakeholders)
    text, result = squeeze(document.text), document.context.result

    assert document.context.model_label in text
    for rate in rate_schedule(result):
        assert rate in text
    assert f"We propose that {result.focus_payer}" in text
    assert result.focus_payer in squeeze(document.pages[0])


@pytest.mark.parametrize(("kind", "stakeholders"), PAYER_FACING)
def test_payer_facing_documents_never_show_our_cost_margin_or_zone(
    render_contract, kind, stakeholders
):
    document = render_contract(WORKED, kind, *stakeholders)
    text, result = squeeze(document.text).lower(), document.context.result

    assert document.context.internal is None
    for word in INTERNAL_WORDS:
        assert word not in text, word
    for figure in (result.pv_provider_net, result.pv_allocated_cost):
        assert money(figure) not in text
    assert money(document.context.scenario.costs.care_manager_salary) not in text
    assert "provider net" not in text and "allocated" not in text


def test_the_proposal_states_its_warnings_in_words_once(render_contract):
    """The payer's analyst reads sentences, not the engine's field paths, one line per year."""
    text = squeeze(render_contract(WORKED, "proposal").text)

    assert "terms.minimum_savings_rate" not in text and "cost_cv" not in text
    assert text.count("The minimum savings rate of 2.0% is below what a benchmark") == 1


def test_the_executive_summary_shows_our_side_with_the_terms_fixed(render_contract):
    document = render_contract(WORKED, "executive-summary")
    text, internal = squeeze(document.text), document.context.internal
    result = document.context.result

    assert internal is not None
    assert "Our walk-away" in text and money(internal.zone.walk_away) in text
    assert money(internal.zone.ceiling) in text
    assert "guaranteed by the contract" in text.lower()
    assert "contingent on results" in text.lower()
    assert "Provider net if there are no savings" in text
    assert money(internal.no_savings.pv_provider_net) in text
    assert money(result.pv_provider_net) in text
    assert money(internal.risk.provider_net.p10) in text
    assert "What moves our ask" in text and "What puts our margin at risk once signed" in text
    assert document.html.count('class="chart"') == 3
    assert ratio(result.payer_roi) in text


def test_the_meeting_packet_prepares_us_and_leaves_behind_only_the_payers_figures(
    render_contract,
):
    packet = render_contract(WORKED, "meeting-packet", "commercial_payer", "aco")
    pages = [squeeze(page) for page in packet.pages]
    leave_behinds = [i for i, page in enumerate(pages) if "leave-behind · from" in page.lower()]
    zone = packet.context.internal.zone

    assert "Our walk-away" in " ".join(pages[: leave_behinds[0]])
    behind = " ".join(pages[leave_behinds[0] :]).lower()
    for word in ("walk-away", "provider net", "salary"):
        assert word not in behind
    assert money(zone.walk_away) not in behind.replace(money(zone.proposed), "")
    # Each leave-behind numbers its own pages and carries its own footer.
    for first in leave_behinds:
        assert pages[first].endswith("Page 1")
        assert "prepared by Riverside Primary Care for Commercial Plan A" in pages[first]


def test_the_proposal_sets_the_break_even_against_the_evidence(render_contract):
    document = render_contract(WORKED, "proposal", "commercial_payer")
    text, result = squeeze(document.text), document.context.result

    assert money(result.payer_breakeven_savings) == "$79.57"
    assert "pays for itself for Commercial Plan A if gross medical savings reach $79.57" in text
    assert "The assumption rests on IMPACT trial, long-term cost follow-up [" in text
    assert "−$42.39 per treated patient-month to $204.27" in text
    assert "the break-even sits inside that range" in text
    assert "not statistically significant" in text  # the item's caution travels with it
    assert money(result.pv_tail_savings) in text


def test_an_unverified_source_is_not_printed_as_fact(render_contract):
    unverified = {"source: pathways_2008": "source: missouri_cmhc_health_homes"}
    document = render_contract("medicaid-cmhc.yaml", "proposal", "medicaid_mco", **unverified)
    text = squeeze(document.text)

    assert "no verified published result stands behind it" in text
    assert "Missouri" not in text


def test_a_reverse_integration_case_rate_lists_no_cocm_codes_and_smi_measures_only_there(
    render_contract,
):
    bundled = render_contract("medicaid-cmhc.yaml", "proposal", "medicaid_mco")
    commercial = render_contract(WORKED, "proposal", "commercial_payer")

    assert "Codes billed" not in bundled.text and "99492" not in bundled.text
    assert "in place of the Collaborative Care codes" in squeeze(bundled.text)
    assert all(m.key not in {"ssd", "smd", "smc", "saa"} for m in commercial.context.measures)
    assert "schizophrenia" not in commercial.text.lower()


def test_one_reference_per_source(render_contract):
    document = render_contract(WORKED, "proposal", "commercial_payer")
    numbers = [c.number for c in document.context.citations]
    sources = {c.citation: c.number for c in document.context.citations}

    assert len(set(numbers)) == len(sources)
    references = document.html.split('id="references"')[1]
    assert references.count('<li id="ref-') == len(sources)


def test_a_return_below_one_leads_with_what_is_not_a_cost_offset(render_contract):
    # The example's own note: at 7% of the cohort's cost the payer's return falls below 1.
    lower = {"percent_of_cohort_tcoc: 0.081": "percent_of_cohort_tcoc: 0.07"}
    document = render_contract("medicaid-cmhc.yaml", "proposal", "medicaid_mco", **lower)
    result = document.context.result

    assert result.payer_roi < 1
    assert document.context.value_first
    assert "not a cost offset" in squeeze(document.text)
    assert "The medical savings are upside" in squeeze(document.text)


# -- tailoring, measured ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "first", "second"),
    [
        (WORKED, "commercial_payer", "aco"),
        ("medicaid-cmhc.yaml", "medicaid_mco", "state_medicaid_agency"),
    ],
)
def test_proposals_for_two_stakeholders_of_one_scenario_differ(
    render_contract, scenario, first, second
):
    one = render_contract(scenario, "proposal", first)
    other = render_contract(scenario, "proposal", second)

    assert jaccard(one.text, other.text) <= 0.70


def test_a_payer_profile_of_another_kind_is_refused_before_rendering(library_snapshot):
    scenario = example(WORKED, CONTRACT_EXAMPLES)

    with pytest.raises(DocumentError) as refused:
        validate_request(request_for("proposal", "medicaid_mco"), library_snapshot, scenario)

    assert "medicaid_mco does not fit Commercial Plan A, a commercial_payer" in str(refused.value)


def test_one_brief_across_two_scenarios_differs(render_contract):
    worked = render_contract(WORKED, "brief", "self_funded_employer")
    cmhc = render_contract("medicaid-cmhc.yaml", "brief", "self_funded_employer")

    assert jaccard(worked.text, cmhc.text) <= 0.85


# -- print ---------------------------------------------------------------------------------------


def test_a_draft_says_so_on_every_page_and_an_approved_one_names_who_approved_it(library_snapshot):
    from tests.documents.conftest import CONTRACT_EXAMPLES, example, request_for

    scenario = example(WORKED, CONTRACT_EXAMPLES)
    draft = Rendered(library_snapshot, scenario, request_for("brief", "commercial_payer"))
    approved = Rendered(
        library_snapshot,
        scenario,
        request_for("brief", "commercial_payer", approval="Dana Reyes, CFO, on December 4, 2026"),
    )

    assert all("DRAFT" in page for page in draft.pages)
    assert "draft, not approved" in squeeze(draft.text)
    assert "DRAFT" not in approved.text
    assert "Approved by Dana Reyes, CFO, on December 4, 2026" in squeeze(approved.text)


# The scenario name carries the payer name too ("... - 2027 renewal"): both stay within 120.
LONG_NAME = ("Blue Valley Health Plan of the Great Plains and Prairie " * 3)[:104]


def test_a_name_too_long_to_print_is_refused_at_entry():
    with pytest.raises(ScenarioError) as refused:
        example(WORKED, CONTRACT_EXAMPLES, **{"Commercial Plan A": "Blue Valley " * 25})

    assert "focus_payer: must be at most 120 characters" in refused.value.errors


@pytest.mark.parametrize("name", ["$5 PPO $10", "青山健康保险", LONG_NAME])
def test_a_hostile_payer_name_prints_as_written(render_contract, name):
    document = render_contract(
        WORKED, "proposal", "commercial_payer", **{"Commercial Plan A": name}
    )

    assert name.split()[0] in document.text
    if name.startswith("青"):
        assert any("CJK" in font for font in pdf_fonts(document.pdf, 1, 2))
    if name == LONG_NAME:  # the running heads stay on one line (cut with an ellipsis)
        head = [w for w in pdf_layout(document.pdf)[2].words if w.bottom < 0.95 * 72]
        assert head and len({round(w.top) for w in head}) == 1
    assert document.page_count <= 14


@pytest.mark.parametrize(
    ("kind", "stakeholders"),
    [
        ("proposal", ("commercial_payer",)),
        ("executive-summary", ()),
        ("brief", ("self_funded_employer",)),
    ],
)
def test_no_page_but_the_last_is_under_a_fifth_full(render_contract, kind, stakeholders):
    document = render_contract(WORKED, kind, *stakeholders)
    fills = [_fill(page) for page in pdf_layout(document.pdf)]

    assert min(fills[:-1]) >= 0.2, fills


def _fill(page: Page) -> float:
    """The share of the page's text area that its words span, top to bottom.

    The DRAFT watermark's letters (set at 110 pt) are not content. The documents print no
    raster images; a chart's axis labels are words.
    """
    top, bottom = 0.95 * 72, page.height - 0.85 * 72
    words = [w for w in page.words if w.height < 40 and top <= w.top and w.bottom <= bottom]
    if not words:
        return 0.0
    return (max(w.bottom for w in words) - min(w.top for w in words)) / (bottom - top)


def test_a_symbol_in_an_uppercased_table_head_keeps_its_case(render):
    proposal = render(WORKED, "proposal", "commercial_payer")

    assert "σ" in proposal.text and "Σ" not in proposal.text


@pytest.mark.parametrize(("kind", "stakeholders"), [("proposal", ("commercial_payer",))])
def test_us_spelling(render_contract, kind, stakeholders):
    text = render_contract(WORKED, kind, *stakeholders).text.lower()

    for british in ("favour", "enrolment", "counselling", "amortisation", "behaviour"):
        assert british not in text


def test_the_executive_summary_prints_the_analysis_the_page_and_the_command_line_show(
    render_contract,
):
    """One analysis: tests/web/test_scenarios_method2.py checks the page against the same run."""
    from click.testing import CliRunner

    from workbench.cli import cli
    from workbench.documents.sensitivity import MONTE_CARLO_DRAWS, MONTE_CARLO_SEED

    document = render_contract(WORKED, "executive-summary")
    text, risk = squeeze(document.text), document.context.internal.risk
    command = [
        "rates", str(CONTRACT_EXAMPLES / WORKED), "--json", "--tornado", "--breakeven",
        "--monte-carlo", str(MONTE_CARLO_DRAWS), "--seed", str(MONTE_CARLO_SEED),
    ]  # fmt: skip
    printed = json.loads(CliRunner().invoke(cli, command).stdout)

    for name in ("p10", "p50", "p90"):
        shown = money(Decimal(printed["monte_carlo"]["provider_net"][name]))
        assert money(getattr(risk.provider_net, name)) == shown
        assert shown in text
    chance = Decimal(printed["monte_carlo"]["probability_provider_net_negative"])
    assert risk.probability_provider_net_negative == chance
    sentence = squeeze(document.context.internal.breakeven)
    assert printed["breakeven"]["caseload_per_fte"] in sentence and sentence in text
