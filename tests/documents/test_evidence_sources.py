"""Every evidence figure a payer reads comes from an item checked against its primary source.

The library marks each item verified (with its DOI or address and the date checked) or
unverified (with why). Documents cite verified items only, print each item's caution with its
figure, and no figure the check could not trace - or that was retired - reaches a payer.
"""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import PROFILES_DIR
from tests.documents.conftest import example, request_for
from tests.documents.test_payer_facing_text import PAYER_FACING
from workbench.documents.context import build_context
from workbench.documents.render import make_charts
from workbench.services.library_files import read_library

CHECKED = date(2026, 12, 4)
# Rate method 2's savings keys; a preset carries the amount of its own basis only.
PRESET_KEYS = {
    "basis",
    "amount_per_treated_month",
    "lag_months",
    "duration_months",
    "triangle",
    "derivation",
}
# Figures that could not be traced to a primary source (with the item that carries them) or that
# were retired from the library (None). None may be printed for a payer.
UNTRACED = [
    ("$39", "mddp_2010"),
    ("8.1%", "missouri_cmhc_health_homes"),
    ("1 in 4", "specialty_referral_1_in_4"),
    ("two-thirds", "smi_physical_comorbidity"),
    ("up to 50%", "comorbidity_cost_50pct"),
    ("three times as likely", "depression_nonadherence_3x"),
    ("67%", "pcp_prescribing_psychotropics"),
    ("80% of US antidepressant", "pcp_prescribing_antidepressants"),
    ("Over 40%", "bh_prevalence_primary_care"),
    ("$6.50", None),
    ("$1,815", None),
    ("$6 for", None),
    ("5-10%", None),
    ("every payer except Medicare", None),
    ("T2022", None),
    ("Care Connect", None),
    ("more than 80", None),
    ("$10.63", None),
    ("did not rise", None),
    ("did not go up", None),
]
# The profile prose a brief, a proposal or a meeting packet prints.
PRINTED_PROFILE_TEXT = ("summary", "whats_in_it_for_them", "asks", "talking_points")


@pytest.fixture(scope="module")
def files():
    return read_library(PROFILES_DIR)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def untraced_in(text: str) -> list[str]:
    """The untraced figures in a text; "$39" is not found in a computed "$39.12"."""
    text = squeeze(text)
    return [
        figure for figure, _ in UNTRACED if re.search(rf"{re.escape(figure)}(?![\d]|[.,]\d)", text)
    ]


def printed_profile_text(profile) -> list[str]:
    texts = [profile.ask_in_their_terms]
    for field in PRINTED_PROFILE_TEXT:
        value = getattr(profile, field)
        texts += [value] if isinstance(value, str) else list(value)
    for objection in profile.objections:
        texts += [objection.objection, objection.response]
    return texts


def test_every_item_was_checked_and_says_where_or_why(files):
    for item in files.evidence:
        check = item.verification
        assert check.checked == CHECKED, item.key
        if check.status == "verified":
            assert re.match(r"^(10\.\d{4,9}/|https://)", check.source), item.key
        else:
            assert len(check.why) > 30, item.key


def test_the_cost_studies_carry_a_method_2_preset_with_exactly_the_agreed_keys(files):
    presets = {item.key: item.savings_preset for item in files.evidence if item.savings_preset}

    assert set(presets) == {"impact_2002", "pathways_2008", "ajmc_2023_total_cost"}
    for preset in presets.values():
        dumped = preset.model_dump(exclude_none=True)
        assert set(dumped) == PRESET_KEYS
        assert dumped["basis"] == "per_treated_month"
        assert dumped["triangle"][0] < 0 < dumped["triangle"][2]  # every interval reaches a loss


def test_impacts_preset_is_gross_of_its_522_dollar_program_cost_over_48_months(files):
    impact = next(item for item in files.evidence if item.key == "impact_2002")
    preset = impact.savings_preset

    assert impact.effect.net_of_program_cost is True
    assert impact.horizon_months == 48 == preset.duration_months
    assert preset.lag_months == 0
    gross = (impact.effect.value + 522) / 48
    assert preset.amount_per_treated_month == gross.quantize(Decimal("0.01")) == Decimal("80.94")
    assert preset.triangle == (Decimal("-42.39"), Decimal("80.94"), Decimal("204.27"))


def test_the_ajmc_preset_adds_back_the_program_claims_it_was_net_of(files):
    items = {item.key: item for item in files.evidence}
    total, program = items["ajmc_2023_total_cost"], items["ajmc_2023_primary_care_spend"]

    assert total.effect.net_of_program_cost is True
    assert total.stance == "against"
    low, mode, high = total.savings_preset.triangle
    assert mode == total.effect.value - program.effect.value == Decimal("63.46")
    assert (low, high) == (
        total.effect.low - program.effect.value,
        total.effect.high - program.effect.value,
    )


def test_the_profiles_lean_only_on_verified_evidence(files):
    status = {item.key: item.verification.status for item in files.evidence}
    unverified = [
        f"{profile.key}: {key}"
        for profile in files.profiles
        for key in [
            *profile.evidence_focus,
            *(key for objection in profile.objections for key in objection.evidence),
        ]
        if status[key] != "verified"
    ]
    assert unverified == []


def test_the_untraced_figures_are_marked_unverified_or_retired(files):
    status = {item.key: item.verification.status for item in files.evidence}
    for _, key in UNTRACED:
        assert key is None or status[key] == "unverified", key
    retired = {"depression_roi_6_to_1", "employer_roi_6_50", "employer_savings_1815"}
    assert retired.isdisjoint(status)


def test_no_untraced_figure_is_printed_in_a_profile_or_a_value_domain(files):
    texts = [text for profile in files.profiles for text in printed_profile_text(profile)]
    texts += [domain.description for domain in files.domains]
    leaks = [f"{figure!r} in {text[:60]!r}" for text in texts for figure in untraced_in(text)]
    assert leaks == []


@pytest.mark.parametrize(("kind", "stakeholders"), PAYER_FACING)
def test_a_payer_facing_document_cites_only_verified_items_with_their_cautions(
    render, library_snapshot, kind, stakeholders
):
    document = render("worked-example.yaml", kind, *stakeholders)
    text = squeeze(document.text)
    verified = {item.study for item in library_snapshot.evidence if item.verified}
    cautions = {item.study: item.caution for item in library_snapshot.evidence}

    assert document.context.citations
    assert {citation.study for citation in document.context.citations} <= verified
    for citation in document.context.citations:
        assert citation.caution == cautions[citation.study]
        # Wherever an item's effect is printed, its caution is printed with it.
        if citation.caution and squeeze(citation.effect)[:50] in text:
            assert squeeze(citation.caution)[:50] in text
    assert untraced_in(document.text) == []


def test_an_unverified_item_is_not_cited_even_when_a_profile_names_it(library_snapshot):
    unverified = [item.key for item in library_snapshot.evidence if not item.verified]
    profile = replace(library_snapshot.profile("medicaid_mco"), evidence_focus=tuple(unverified))
    profiles = tuple(profile if p.key == profile.key else p for p in library_snapshot.profiles)
    leaning = replace(library_snapshot, profiles=profiles)

    context = build_context(
        request_for("brief", "medicaid_mco"), example("worked-example.yaml"), leaning, make_charts
    )

    studies = {item.key: item.study for item in library_snapshot.evidence}
    cited = {citation.study for citation in context.citations}
    assert len(unverified) >= 10
    assert cited and cited.isdisjoint(studies[key] for key in unverified)
