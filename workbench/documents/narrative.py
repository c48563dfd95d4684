"""The sentences documents print about the figures: what we ask, what it means, what to watch.

Each is written from the engine's results; money and ratios are formatted as the templates format
them, and nothing here computes a figure the engine did not.
"""

from decimal import Decimal

from workbench.documents.environment import money, percent, ratio
from workbench.engine import Comparison, Evaluation, ModelResult, MonteCarlo, Scenario
from workbench.engine.inputs import BREAKEVEN_MAX_CASELOAD

# Above this chance of a loss the executive is told to look again at the assumptions.
LOSS_WARNING = Decimal("0.2")
TIMELINE_START = {
    "ffs": "CoCM codes 99492-99494 turned on at the contracted rates",
    "ffs_plus_incentives": "CoCM codes turned on; the care-management fee and the incentive "
    "measures set up",
    "bundled": "the monthly case-rate code loaded in place of the CoCM codes",
    "total_cost_of_care": "CoCM codes turned on; the care-coordination fee set up; the "
    "benchmark and its attribution agreed",
}

TIMELINE_CLOSE = {
    "total_cost_of_care": "Reconciliation against the benchmark; shared savings paid if the "
    "savings rate clears the minimum.",
    "bundled": "Case-rate reconciliation; the pilot renewed, with the option to widen it.",
    "ffs_plus_incentives": "Incentive measures scored and paid; the care-management fee "
    "reviewed against results.",
    "ffs": "Rate review on a year of claims, with a view to a bundled pilot.",
}


def timeline(scenario: Scenario) -> tuple[tuple[str, str], ...]:
    """The implementation steps from signature to the first year's reconciliation."""
    program = scenario.program
    caseload = f"{program.caseload_per_fte:,} active patients per care manager"
    ramp = (
        f"Caseload grows evenly to {caseload} by month {program.ramp_months.normalize():f}."
        if program.ramp_months
        else f"Full caseload of {caseload} from the first month."
    )
    return (
        (
            "Before the start",
            f"Contract signed; {TIMELINE_START[scenario.payment_model]}; data-sharing "
            "agreement for claims and registry extracts.",
        ),
        (
            "Months 1-3",
            "Registry and measurement-based care tools live; care managers and the psychiatric "
            f"consultant trained; billing workflow and time documentation audited. {ramp}",
        ),
        (
            "End of quarter 1",
            "First report: enrollment, PHQ-9 at intake, share of the caseload reviewed by the "
            "psychiatric consultant; baseline of each quality measure.",
        ),
        (
            "Month 6",
            "PHQ-9 response and remission at 6 months for the first patients; joint review, "
            "where the quality targets are set from the baseline.",
        ),
        ("Month 12", TIMELINE_CLOSE[scenario.payment_model]),
    )


def recommendation(evaluation: Evaluation, comparison: Comparison) -> str:
    """Say what to ask for and what it does for both sides, from the engine's figures."""
    result, terms = evaluation.result, evaluation.scenario.terms
    asks = {
        "ffs": "pay the CoCM codes at the contracted rates",
        "ffs_plus_incentives": f"add a care-management fee of {money(result.proposed_pmpm)} PMPM "
        f"to the codes, with {money(result.expected_incentives)} of expected quality incentives",
        "bundled": f"pay a case rate of {money(result.case_rate_per_enrolled_month)} per enrolled "
        f"patient-month ({money(result.episode_rate)} an episode), "
        f"{money(result.proposed_pmpm)} PMPM across attributed members",
        "total_cost_of_care": f"pay a care-coordination fee of {money(result.proposed_pmpm)} PMPM "
        f"and share {percent(terms.shared_savings_rate, 0)} of savings above a "
        f"{percent(terms.minimum_savings_rate)} minimum savings rate",
    }
    ffs = comparison.models["ffs"]
    text = (
        f"Ask {result.focus_payer} to {asks[result.model]}. On these terms the program nets "
        f"{money(result.provider_net)} on {result.focus_payer}'s patients after their share of "
        f"the cost ({money(result.allocated_cost)}), and the payer's return is "
        f"{ratio(result.payer_roi)} on {money(result.gross_savings)} of expected savings."
    )
    if ffs.provider_net < 0 and result.model != "ffs":
        text += (
            f" The codes alone would leave the program {money(-ffs.provider_net)} short with this "
            "payer, which is why the ask goes beyond fee-for-service."
        )
    return text


def open_issues(
    evaluation: Evaluation, risk: MonteCarlo, comparison: Comparison
) -> tuple[str, ...]:
    """List what the executive should know before approving: the risks the figures show."""
    result, scenario = evaluation.result, evaluation.scenario
    issues = list(evaluation.warnings)
    if not scenario.focus.rates:
        issues.append(f"{scenario.focus_payer} does not pay the CoCM codes yet.")
    if result.payer_roi is not None and result.payer_roi < 1:
        issues.append(
            f"On these savings assumptions the payer gets back {ratio(result.payer_roi)} per "
            "dollar within the year: expect pushback; have the cohort benchmark or a phased "
            "rate ready."
        )
    if result.model == "total_cost_of_care" and not result.shared_savings:
        issues.append(
            "The savings do not clear the minimum savings rate against this benchmark: "
            "no shared savings are expected."
        )
    if risk.probability_provider_net_negative > LOSS_WARNING:
        issues.append(
            f"The program loses money in {percent(risk.probability_provider_net_negative)} of "
            "simulated years: review the caseload and billing assumptions."
        )
    return tuple(issues)


PAYER_ASKS = {
    "ffs": "pay the Collaborative Care codes (99492, 99493 and 99494) at its contracted rates "
    "for the members our program serves",
    "ffs_plus_incentives": "add to the Collaborative Care codes a care-management fee of "
    "{pmpm} per attributed member per month ({annual} a year) and quality incentives worth "
    "{incentives} a year at the attainment we expect",
    "bundled": "pay a case rate of {case_rate} per enrolled patient-month ({episode} for an "
    "episode of {months} months) in place of the Collaborative Care codes: {pmpm} per "
    "attributed member per month, {annual} a year",
    "total_cost_of_care": "pay, on top of the Collaborative Care codes, a care-coordination "
    "fee of {pmpm} per attributed member per month ({annual} a year), and share {rho} of the "
    "savings above a {msr} minimum savings rate",
}


def proposal_summary(evaluation: Evaluation) -> str:
    """Say to the payer what we propose and what it costs and returns, in our own voice."""
    result, scenario = evaluation.result, evaluation.scenario
    ask = PAYER_ASKS[result.model].format(
        pmpm=money(result.proposed_pmpm),
        annual=money(result.annual_pmpm_payments),
        incentives=money(result.expected_incentives),
        case_rate=money(result.case_rate_per_enrolled_month),
        episode=money(result.episode_rate),
        months=scenario.program.episode_months,
        rho=percent(scenario.terms.shared_savings_rate, 0),
        msr=percent(scenario.terms.minimum_savings_rate),
    )
    return (
        f"We propose that {result.focus_payer} {ask}. {_what_it_pays(result, scenario)} "
        f"We expect the program to lower its members' medical costs by "
        f"{money(result.gross_savings)} in the same year: {ratio(result.payer_roi)} back for "
        "each dollar paid within the year, before the savings of the years that follow."
    )


def _what_it_pays(result: ModelResult, scenario: Scenario) -> str:
    paid = f"In all, {result.focus_payer} would pay {money(result.payer_added_payments)}"
    if result.provider_net < 0:
        return (
            f"{paid} in the contract year against its share of the program's cost, "
            f"{money(result.allocated_cost)}, leaving {money(-result.provider_net)} of that "
            "cost uncovered."
        )
    return (
        f"{paid} in the contract year: its share of the program's cost, "
        f"{money(result.allocated_cost)}, and a {percent(scenario.terms.target_margin)} margin."
    )


def breakeven_sentence(
    scenario: Scenario, result: ModelResult, proposed: int | None, codes_only: int | None
) -> str:
    """Say from what caseload the program covers its cost: as proposed, and by the codes alone."""
    payer, planned = result.focus_payer, scenario.program.caseload_per_fte
    by_codes = _from_caseload(codes_only)
    if result.model == "ffs":
        return (
            f"Paid by the codes, the program covers the cost of {payer}'s patients {by_codes}; "
            f"the plan is {planned}."
        )
    # A fee solved from the cost covers it at every caseload: the engine reports 1.
    covered = (
        "at any caseload, since the payment is set from the program's cost"
        if proposed == 1
        else _from_caseload(proposed)
    )
    return (
        f"Under this proposal the program covers the cost of {payer}'s patients {covered}. "
        f"Paid by the codes alone it would cover it {by_codes}; the plan is {planned}."
    )


def _from_caseload(caseload: int | None) -> str:
    if caseload is None:
        return f"at no caseload up to {BREAKEVEN_MAX_CASELOAD:,} active patients per care manager"
    return f"from a caseload of {caseload:,} active patients per care manager"
