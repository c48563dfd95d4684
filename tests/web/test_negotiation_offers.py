"""Offers that say what they mean: each read against the method-2 scenario it was priced from,
a counteroffer previewed before it is recorded, the zone on the gap chart, the dashboard."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.web.test_negotiations import offer_fields, open_negotiation
from tests.web.test_scenarios import figure, import_file
from workbench import engine
from workbench.documents.environment import money
from workbench.engine import contract
from workbench.models import Offer, Scenario

pytestmark = pytest.mark.usefixtures("library")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"


@pytest.fixture
def priced(web) -> tuple[int, int, contract.ContractScenario]:
    """A negotiation and the method-2 worked example it is priced from (lead signed in)."""
    web.sign_in("lead")
    response = import_file(web, EXAMPLE.read_bytes())
    scenario_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with web.db() as session:
        scenario = engine.parse_scenario(session.get(Scenario, scenario_id).inputs)
    return open_negotiation(web), scenario_id, scenario


def offer(web, negotiation_id: int, **changes):
    page = f"/negotiations/{negotiation_id}"
    return web.post(f"{page}/offers", offer_fields(**changes), page=page)


def test_each_offer_says_what_it_means_for_both_sides(web, priced):
    negotiation_id, scenario_id, scenario = priced
    model = "total_cost_of_care"
    ask = contract.evaluate(scenario, model).result.level_pmpm

    offer(web, negotiation_id, payment_model=model, pmpm=str(ask), scenario_id=str(scenario_id))
    offer(
        web, negotiation_id, side="theirs", payment_model=model, pmpm="0.20",
        scenario_id=str(scenario_id), response="countered",
    )  # fmt: skip
    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)

    theirs = contract.evaluate_offer(scenario, Decimal("0.20"), model)
    ours = contract.evaluate_offer(scenario, ask, model)
    assert page.count('data-figure="offer-provider-net"') == 2
    assert money(ours.pv_provider_net) in page and money(theirs.pv_provider_net) in page
    assert f"$0.20 PMPM is {theirs.position}." in page
    assert theirs.position == "below our walk-away"
    assert money(theirs.pv_payer_net_savings) in page
    # The gap chart's table names the walk-away and ceiling it draws.
    assert f"our walk-away {money(theirs.zone.walk_away)}" in page
    assert f"their ceiling {money(theirs.zone.ceiling)}" in page
    with web.db() as session:
        sides = session.scalars(select(Offer.scenario_id)).all()
        assert sides == [scenario_id, scenario_id]  # the counteroffer names it too


def test_a_counteroffer_is_previewed_before_it_is_recorded(web, priced):
    negotiation_id, scenario_id, scenario = priced
    page = f"/negotiations/{negotiation_id}"
    fields = offer_fields(
        side="theirs",
        payment_model="ffs_plus_incentives",
        pmpm="1.10",
        scenario_id=str(scenario_id),
    )

    preview = web.post(f"{page}/offers/preview", fields, page=page).get_data(as_text=True)
    empty = web.post(
        f"{page}/offers/preview", offer_fields(scenario_id=str(scenario_id), pmpm=""), page=page
    ).get_data(as_text=True)

    meaning = contract.evaluate_offer(scenario, Decimal("1.10"), "ffs_plus_incentives")
    assert figure(preview, "offer-provider-net") == money(meaning.pv_provider_net)
    assert figure(preview, "offer-payer-net") == money(meaning.pv_payer_net_savings)
    assert figure(preview, "offer-payer-roi") == f"{money(meaning.payer_roi)} back per $1"
    assert figure(preview, "zone-offer") == "$1.10"
    assert figure(preview, "zone-walk_away") == money(meaning.zone.walk_away)
    assert "Type a PMPM" in empty
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == 0


def test_a_viewer_may_not_preview_offers(web, priced):
    negotiation_id = priced[0]
    page = f"/negotiations/{negotiation_id}"
    web.sign_in("viewer")

    response = web.post(f"{page}/offers/preview", offer_fields(pmpm="1"), page=page)

    assert response.status_code == 403


def test_the_dashboard_cards_show_the_current_ask_and_the_gap(web, priced):
    negotiation_id, scenario_id, _ = priced
    offer(web, negotiation_id, pmpm="0.45", scenario_id=str(scenario_id))
    offer(web, negotiation_id, side="theirs", pmpm="0.30")

    home = web.get("/").get_data(as_text=True)

    assert figure(home, f"ask-{negotiation_id}") == "$0.45"
    assert figure(home, f"gap-{negotiation_id}") == "$0.15"
