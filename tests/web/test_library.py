"""The library in the browser: stakeholder profiles, the evidence library and local evidence."""

import re

import pytest
from sqlalchemy import select

from tests.web.test_roles import row_count
from workbench.cli import cli
from workbench.models import AuditEvent, EvidenceItem, StakeholderProfile, ValueDomain
from workbench.models.enums import EvidenceKind

PILOT = {
    "study": "Eastside clinic CoCM pilot, first year",
    "citation": "Eastside Health registry extract, 2025-12-31, prepared by the quality team",
    "source_pages": "Table 2",
    "year": "2025",
    "population": "212 adults with PHQ-9 of 10 or more in two primary-care clinics",
    "effect_value": "52",
    "effect_low": "45",
    "effect_high": "59",
    "effect_unit": "percent_of_patients",
    "effect_description": "52% reached a 50% drop in PHQ-9 within 6 months",
    "follow_up_years": "0.5",
    "domains": ["patient_outcomes", "quality_of_care"],
    "stance": "supports",
    "note": "Registry data, not a trial; no comparison group.",
}


@pytest.fixture
def lead(web, library):
    """The lead signed in, with the profiles and reference library loaded."""
    web.sign_in("lead")


def studies(html: str) -> set[str]:
    """Return the study keys the evidence table links to."""
    return set(re.findall(r'href="/library/evidence/(?!new")([a-z0-9_]+)"', html))


def test_the_profiles_list_links_every_profile(web, lead):
    page = web.get("/library/").get_data(as_text=True)

    with web.db() as session:
        keys = session.scalars(select(StakeholderProfile.key)).all()
    assert len(keys) >= 9
    for key in keys:
        assert f'href="/library/profiles/{key}"' in page


def test_a_profile_page_orders_the_nine_weights_and_shows_objections(web, lead):
    page = web.get("/library/profiles/commercial_payer").get_data(as_text=True)

    weights = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="weight-bar">', page)
    assert len(weights) == 9
    assert weights[0] == "Health care savings"  # weighted 1.0 in commercial_payer.yaml
    assert weights[-1] == "Billing expertise"  # weighted 0.1
    assert "The savings studies are twenty years old" in page  # an objection
    assert "The newest data are from our setting (AJMC 2023" in page  # its response
    assert 'href="/library/evidence/ajmc_2023_total_cost"' in page  # its evidence, linked
    assert "Fee-for-service plus quality incentives" in page  # a favoured model, named
    assert "Emergency department visits per 1,000 members per year" in page  # a metric, named
    assert web.get("/library/profiles/nobody").status_code == 404


def test_the_evidence_library_filters_by_value_domain(web, lead):
    everything = studies(web.get("/library/evidence").get_data(as_text=True))
    filtered = studies(
        web.get("/library/evidence?domain=patient_experience").get_data(as_text=True)
    )

    with web.db() as session:
        expected = set(
            session.scalars(
                select(EvidenceItem.key).where(
                    EvidenceItem.domains.any(ValueDomain.key == "patient_experience")
                )
            )
        )
    assert filtered == expected
    assert 0 < len(filtered) < len(everything)


def test_the_evidence_library_filters_by_stance(web, lead):
    against = studies(web.get("/library/evidence?stance=against").get_data(as_text=True))

    with web.db() as session:
        expected = set(
            session.scalars(select(EvidenceItem.key).where(EvidenceItem.stance == "against"))
        )
    assert against == expected and against


def test_an_evidence_page_shows_the_full_citation_and_note(web, lead):
    page = web.get("/library/evidence/impact_2002").get_data(as_text=True)

    assert "Long-term cost effects of collaborative care for late-life depression" in page
    assert "$3,363 over 48 months = $70.06 a month net" in page
    assert "$ per patient" in page
    assert web.get("/library/evidence/no_such_study").status_code == 404


def test_a_lead_adds_local_evidence_with_its_source(web, lead):
    response = web.post("/library/evidence/new", PILOT, page="/library/evidence/new")
    again = web.post("/library/evidence/new", PILOT, page="/library/evidence/new")

    assert response.status_code == again.status_code == 302
    key = response.headers["Location"].rsplit("/", 1)[1]
    assert key == "local_eastside_clinic_cocm_pilot_first_year_2025"
    assert again.headers["Location"].endswith(key + "_2")  # a new key, never a clash
    with web.db() as session:
        item = session.scalar(select(EvidenceItem).where(EvidenceItem.key == key))
        assert item.kind == EvidenceKind.LOCAL_PILOT
        assert item.locally_edited is True
        assert item.citation == PILOT["citation"]
        assert str(item.effect_value.normalize()) == "52"
        assert {domain.key for domain in item.domains} == set(PILOT["domains"])
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.created"))
        assert event.target_id == item.id and event.user_id == web.accounts["lead"].id
    page = web.get(f"/library/evidence/{key}").get_data(as_text=True)
    assert PILOT["citation"] in page and PILOT["note"] in page
    pilots = studies(web.get("/library/evidence?kind=local_pilot").get_data(as_text=True))
    assert pilots == {key, key + "_2"}
    outcomes = studies(web.get("/library/evidence?domain=patient_outcomes").get_data(as_text=True))
    assert key in outcomes


def test_local_evidence_survives_loading_the_library_again(web, lead, runner):
    web.post("/library/evidence/new", PILOT, page="/library/evidence/new")

    runner.invoke(cli, ["init"], catch_exceptions=False)

    assert PILOT["study"] in web.get("/library/evidence").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"domains": []}, "Choose at least one value domain."),
        ({"effect_value": "", "effect_low": "", "effect_high": ""}, "Give the effect"),
        ({"effect_low": "60", "effect_high": "40"}, "must not be below the low end"),
        ({"year": "last year"}, "Not a valid integer value"),
        ({"effect_value": "fifty"}, "Not a valid decimal value"),
        ({"citation": "  "}, "This field is required"),
    ],
)
def test_bad_local_evidence_is_kept_with_422_and_nothing_saved(web, lead, change, message):
    before = row_count(web)

    response = web.post("/library/evidence/new", {**PILOT, **change}, page="/library/evidence/new")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert PILOT["study"] in page  # what was typed stays on the page
    assert row_count(web) == before


@pytest.mark.parametrize("role", ["viewer", "executive"])
def test_only_a_lead_may_add_evidence(web, lead, role):
    web.sign_in(role)
    before = row_count(web)

    form = web.get("/library/evidence/new")
    response = web.post("/library/evidence/new", PILOT, page="/library/evidence")

    assert form.status_code == response.status_code == 403
    assert row_count(web) == before
    assert "Add local evidence" not in web.get("/library/evidence").get_data(as_text=True)
