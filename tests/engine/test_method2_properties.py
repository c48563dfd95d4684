"""Method 2's identities, checked on generated contracts over every field's legal range."""

import math
from decimal import Decimal, localcontext
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.engine.test_properties import amounts, scenarios
from workbench.engine import PAYMENT_MODELS, evaluate, parse_scenario
from workbench.engine.contract import (
    PRICED_MODELS,
    compare,
    evaluate_offer,
    monte_carlo,
    outcome,
    uncertain_inputs,
)
from workbench.engine.contract import evaluate as evaluate_contract
from workbench.engine.method2.arithmetic import contract_context

FAST = settings(max_examples=60, deadline=None)
# Float figures agree with the Decimal ones to within a millionth of their size (and a cent).
TOLERANCE = Decimal("1e-6")


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    """Method-2 scenario data: method 1's ranges plus the contract and the savings timing."""
    data = draw(scenarios())
    savings = data["savings"]
    basis = "per_treated_month" if savings["basis"] == "per_enrolled_month" else savings["basis"]
    data["method"] = 2
    data["contract"] = {
        "term_years": draw(st.integers(1, 5)),
        "discount_rate": draw(amounts("0", "0.2", 3)),
        "medical_trend": draw(amounts("-0.1", "0.3", 3)),
        "cost_trend": draw(amounts("-0.1", "0.3", 3)),
        "rate_escalator": draw(amounts("-0.1", "0.3", 3)),
    }
    data["savings"] = {
        "basis": basis,
        "amount_per_treated_month": savings["amount_per_enrolled_month"],
        "percent_of_cohort_tcoc": savings["percent_of_cohort_tcoc"],
        "cohort_cost_multiplier": savings["cohort_cost_multiplier"],
        "lag_months": draw(st.integers(0, 36)),
        "duration_months": draw(st.integers(1, 60)),
    }
    data["terms"]["cost_cv"] = draw(amounts("0.1", "3"))
    return data


def same(a: Decimal, b: Decimal) -> bool:
    """Tell whether method 2's 28-digit figure is method 1's 34-digit one, to the last digits."""
    return abs(a - b) <= abs(b) * Decimal("1e-24")


def close(a: Decimal | None, b: Decimal | None) -> bool:
    """Tell whether a float-derived figure matches the Decimal one."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= max(Decimal("0.01"), TOLERANCE * abs(b))


@FAST
@given(contracts())
def test_pv_provider_net_is_pv_added_less_pv_cost(data: dict[str, Any]) -> None:
    for result in compare(parse_scenario(data)).models.values():
        with contract_context():
            assert result.pv_provider_net == (
                result.pv_payer_added_payments - result.pv_allocated_cost
            )
            assert result.pv_payer_net_savings == (
                result.pv_gross_savings - result.pv_payer_added_payments
            )


@FAST
@given(contracts())
def test_payments_follow_from_the_quote(data: dict[str, Any]) -> None:
    for model, result in compare(parse_scenario(data)).models.items():
        for year in result.years:
            if model == "bundled":
                rate = year.case_rate_per_enrolled_month
                assert rate == rate.quantize(Decimal("0.01"))
                assert year.pmpm_payments == rate * year.enrolled_patient_months
            else:
                assert year.proposed_pmpm == year.proposed_pmpm.quantize(Decimal("0.01"))
                assert year.pmpm_payments == year.proposed_pmpm * result.member_months
        assert result.level_pmpm == result.level_pmpm.quantize(Decimal("0.01"))


@FAST
@given(contracts(), st.sampled_from(PAYMENT_MODELS))
def test_an_outcome_at_the_point_estimate_is_the_point_estimate(
    data: dict[str, Any], model: str
) -> None:
    scenario = parse_scenario(data)
    point = evaluate_contract(scenario, model)

    assert outcome(scenario, point.result.terms) == point


@FAST
@given(contracts(), st.sampled_from(PAYMENT_MODELS))
def test_monte_carlo_with_degenerate_triangles_is_the_point_estimate(
    data: dict[str, Any], model: str
) -> None:
    scenario = parse_scenario(data)
    data["uncertainty"] = {t.input: [str(t.mode)] * 3 for t in uncertain_inputs(scenario)}
    scenario = parse_scenario(data)
    point = evaluate_contract(scenario, model).result
    simulation = monte_carlo(scenario, model, draws=20)

    assert close(simulation.provider_net.p50, point.pv_provider_net)
    assert close(simulation.payer_net_savings.p50, point.pv_payer_net_savings)
    if point.payer_roi is not None and point.pv_payer_added_payments > 1:
        assert close(simulation.payer_roi.p50, point.payer_roi)


@FAST
@given(scenarios())
def test_one_plain_year_gives_method_1s_program_cost_and_revenue(data: dict[str, Any]) -> None:
    # Method 1 charges I / A every year, even a start-up amortised in under a year; method 2
    # charges what is left of it. The two agree for A of a year or more.
    amortisation = max(Decimal(1), Decimal(data["costs"]["amortization_years"]))
    data["costs"]["amortization_years"] = str(amortisation)
    old = evaluate(parse_scenario(data))
    savings = data["savings"]
    data["method"] = 2
    data["contract"] = {"term_years": 1}
    data["savings"] = {
        "basis": "per_treated_month",
        "amount_per_treated_month": savings["amount_per_enrolled_month"],
        "lag_months": 0,
        "duration_months": min(60, math.ceil(Decimal(data["program"]["episode_months"]))),
    }
    new = evaluate_contract(parse_scenario(data))
    year = new.program.years[0]

    assert new.program.active_caseload == old.program.active_caseload
    assert same(year.enrolled_patient_months, old.program.enrolled_patient_months)
    assert same(year.annual_cost, old.program.annual_cost)
    for before, after in zip(old.payers, new.payers, strict=True):
        assert same(after.years[0].ffs_revenue, before.ffs_revenue)
        assert same(after.years[0].allocated_cost, before.allocated_cost)


@FAST
@given(contracts(), st.sampled_from(PRICED_MODELS))
def test_the_zone_says_when_walk_away_meets_ceiling(data: dict[str, Any], model: str) -> None:
    scenario = parse_scenario(data)
    zone = evaluate_contract(scenario, model).result.zone
    if zone is None:  # the focus payer has no enrolled patients to price
        return

    assert zone.agreement == (zone.walk_away <= zone.ceiling)
    if model == "total_cost_of_care" or zone.walk_away < 0:
        return
    at_walk_away = evaluate_offer(scenario, zone.walk_away, model)
    assert abs(at_walk_away.pv_provider_net) < Decimal("0.000001")
    if zone.ceiling >= 0:
        with localcontext() as context:
            context.prec = 28
            at_ceiling = evaluate_offer(scenario, zone.ceiling, model)
        assert abs(at_ceiling.pv_payer_net_savings) < Decimal("0.000001")


@FAST
@given(contracts())
def test_under_bundled_a_caseload_below_the_mode_can_lose(data: dict[str, Any]) -> None:
    data["terms"]["target_margin"] = str(
        min(Decimal(data["terms"]["target_margin"]), Decimal("0.2"))
    )
    mode = Decimal(str(data["program"]["caseload_per_fte"]))
    data["uncertainty"] = {"program.caseload_per_fte": [str(mode / 2), str(mode), str(mode)]}
    scenario = parse_scenario(data)
    point = evaluate_contract(scenario, "bundled").result
    months = [year.enrolled_patient_months for year in point.years]
    # A case rate is rounded to the cent: a cost of cents per case (a generated dollar spread
    # over a hundred cases) could be rounded up to twice itself and cover any caseload.
    assume(all(months) and point.pv_allocated_cost > sum(months))

    simulation = monte_carlo(scenario, "bundled", draws=200, seed=7)

    assert simulation.probability_provider_net_negative > 0
