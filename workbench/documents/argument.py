"""The sentences of a document argued from a method-2 scenario, written from the engine's results.

The ask is the scenario's (its model, payer, rate schedule, level quote and terms); profiles only
decide emphasis. Figures are formatted as the templates format them; nothing here computes one.
"""

from collections.abc import Sequence
from decimal import Decimal

from workbench.documents import narrative
from workbench.documents.environment import money, percent, ratio
from workbench.documents.snapshot import EvidenceInfo, LibrarySnapshot, ProfileInfo
from workbench.engine.contract import (
    ContractEvaluation,
    ContractMonteCarlo,
    ContractResult,
    ContractScenario,
)
from workbench.engine.sensitivity import BREAKEVEN_MAX_CASELOAD

# Above this chance of a loss over the term the executive is told to look again.
LOSS_WARNING = Decimal("0.2")
HALF = Decimal("0.5")
PER_TREATED = "per_treated_month"
PAYER_CATEGORIES = ("payer",)


def level_rate(result: ContractResult) -> Decimal:
    """The one rate quoted for the whole term: the level case rate, else the level PMPM."""
    return result.level_case_rate if result.model == "bundled" else result.level_pmpm


def _years(result: ContractResult) -> str:
    count = result.term_years
    return "contract year 1" if count == 1 else f"contract years 1 to {count}"


def _series(values: Sequence[Decimal]) -> str:
    shown = [money(value) for value in values]
    if len(set(shown)) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + f" and {shown[-1]}"


def _schedule(result: ContractResult) -> str:
    """The rate of each year and the level quote, in words."""
    if result.model == "bundled":
        rates = [year.case_rate_per_enrolled_month for year in result.years]
    else:
        rates = [year.proposed_pmpm for year in result.years]
    text = f"{_series(rates)} in {_years(result)}"
    if result.term_years > 1:
        text += f" (or one level rate of {money(level_rate(result))} for the whole term)"
    return text


def ask(evaluation: ContractEvaluation) -> str:
    """Say what we ask of the focus payer, in our own voice, from the scenario's terms."""
    result, scenario = evaluation.result, evaluation.scenario
    terms, payer = scenario.terms, result.focus_payer
    incentives = result.years[0].expected_incentives
    asks = {
        "ffs": "pay the Collaborative Care codes 99492, 99493 and 99494 at its contracted rates "
        f"for the members our program serves, over a {result.term_years}-year term",
        "ffs_plus_incentives": "add to the Collaborative Care codes a care-management fee of "
        f"{_schedule(result)} per attributed member per month, with quality incentives worth "
        f"{money(incentives)} a year at the attainment we expect",
        "bundled": "pay, in place of the Collaborative Care codes, a case rate per enrolled "
        f"patient-month of {_schedule(result)}",
        "total_cost_of_care": "pay, on top of the Collaborative Care codes, a care-coordination "
        f"fee of {_schedule(result)} per attributed member per month, and share "
        f"{percent(terms.shared_savings_rate, 0)} of net savings above a "
        f"{percent(terms.minimum_savings_rate)} minimum savings rate, capped at "
        f"{percent(terms.savings_cap_rate, 0)} of the benchmark",
    }
    return f"We propose that {payer} {asks[result.model]}."


def value_first(result: ContractResult) -> bool:
    """Tell whether the payer's savings over the term fall short of what it pays (ROI below 1)."""
    return result.payer_roi is not None and result.payer_roi < 1


def lede(evaluation: ContractEvaluation) -> str:
    """Open the proposal: the savings case if it repays the payer, else what is no cost offset."""
    result, payer = evaluation.result, evaluation.result.focus_payer
    if value_first(result):
        return (
            f"{ask(evaluation)} What {payer} buys is measured care it is already judged on: "
            "depression follow-up and remission that count in its quality ratings, access to "
            "psychiatric expertise inside primary care, and behavioral-health coverage on the "
            "same footing as medical care. The medical savings are upside on top: on our "
            "assumptions they repay "
            f"{ratio(result.payer_roi)} of each dollar over the term and "
            f"{ratio(result.payer_roi_with_tail)} once the savings after the term are counted."
        )
    return (
        f"{ask(evaluation)} On our savings assumption the program repays {payer} "
        f"{ratio(result.payer_roi)} for each dollar over the term, in present value, and "
        f"{ratio(result.payer_roi_with_tail)} once the savings that continue after the term are "
        "counted; the quality measures below come with it."
    )


def return_in_words(evaluation: ContractEvaluation) -> str:
    """Say what the payer pays and gets back over the term and after it."""
    result, scenario = evaluation.result, evaluation.scenario
    payer, rate = result.focus_payer, percent(scenario.contract.discount_rate)
    net = result.pv_payer_net_savings
    outcome = (
        f"{money(net)} more than it pays"
        if net >= 0
        else f"{money(-net)} less than it pays within the term"
    )
    return (
        f"Over the {result.term_years}-year term {payer} pays the program "
        f"{money(result.pv_payer_added_payments)} and its members' medical costs fall by "
        f"{money(result.pv_gross_savings)}, both in present value at {rate} a year: {outcome}, "
        f"a return of {ratio(result.payer_roi)} per dollar. Patients treated during the term go "
        f"on saving after it ends, another {money(result.pv_tail_savings)} in present value, "
        f"which brings the return to {ratio(result.payer_roi_with_tail)}; that tail is never "
        "counted in the term's settlement."
    )


def _savings_figure(basis: str, value: Decimal) -> str:
    if basis == PER_TREATED:
        return f"{money(value)} per treated patient-month"
    return f"{percent(value, 2)} of the treated cohort's cost"


def savings_case(
    evaluation: ContractEvaluation, library: LibrarySnapshot, numbering: dict[str, int]
) -> tuple[str, ...]:
    """Set the payer's break-even savings against the evidence the assumption rests on."""
    result, savings = evaluation.result, evaluation.scenario.savings
    payer, basis = result.focus_payer, savings.basis
    if result.payer_breakeven_savings is None:
        return (f"The program is not expected to lower {payer}'s medical costs in the term.",)
    paragraphs = [
        f"The program pays for itself for {payer} if gross medical savings reach "
        f"{_savings_figure(basis, result.payer_breakeven_savings)} (year-1 dollars, from "
        f"{savings.lag_months} months into each episode for {savings.duration_months} months). "
        f"We assume {_savings_figure(basis, savings.amount)}."
    ]
    source = library.evidence_item(savings.source) if savings.source else None
    if source is None or not source.verified:
        paragraphs.append(
            "That assumption is our own planning figure: no verified published result stands "
            "behind it, so weigh the break-even against the studies below rather than against it."
        )
    else:
        paragraphs.append(_against_source(source, basis, result, numbering))
    counter = [
        item
        for item in library.evidence
        if item.key in numbering
        and item.stance == "against"
        and item.savings is not None
        and item.savings.basis == basis
    ]
    paragraphs += [
        f"{item.study} [{numbering[item.key]}] cuts the other way: its interval runs from "
        f"{_savings_figure(basis, item.savings.low)} to "
        f"{_savings_figure(basis, item.savings.high)}. {item.caution or ''}".strip()
        for item in counter
    ]
    return tuple(paragraphs)


def _against_source(
    source: EvidenceInfo, basis: str, result: ContractResult, numbering: dict[str, int]
) -> str:
    reference = f"{source.study} [{numbering[source.key]}]"
    text = f"The assumption rests on {reference}: {source.effect}"
    found = source.savings
    if found is not None and found.basis == basis:
        breakeven = result.payer_breakeven_savings
        if breakeven < found.low:
            where = "below the low end of that range"
        elif breakeven > found.high:
            where = "above the high end of that range"
        else:
            where = "inside that range"
        text += (
            f" On our basis that is {_savings_figure(basis, found.low)} to "
            f"{_savings_figure(basis, found.high)}; the break-even sits {where}."
        )
    if source.caution:
        text += f" {source.caution}"
    return text


def brief_title(profile: ProfileInfo, payer: str) -> str:
    """Name the real party: the payer itself for a payer's brief, else the stakeholder and payer."""
    if profile.category in PAYER_CATEGORIES:
        return f"Brief for {payer}"
    return f"Brief for {profile.name.lower()} · our proposal to {payer}"


REACH = {
    "payer": "These terms are priced for {payer} itself: from its attributed members, its "
    "contracted code rates, its baseline cost and its share of our caseload. Each payer we work "
    "with is priced separately, on the same program and the same method.",
    "employer": "The terms below are with {payer}, not with you. If your plan is self-funded "
    "and {payer} administers it, the fee and any shared savings are charged to your plan's "
    "claims like any other medical cost, so ask {payer} to carry the same terms for your "
    "employees, with the reports below as your evidence of what the money buys.",
    "aco": "The terms below are with {payer}. Inside a total-cost-of-care contract the "
    "program's payments count as spending against your benchmark and its savings count toward "
    "your shared savings, so the break-even below is yours too.",
    "state_agency": "The terms below are with {payer}, a plan you contract with. What we ask of "
    "you is that the plan's rate setting recognize these payments, so that the plan can sustain "
    "them beyond the pilot.",
    "provider": "The terms below are with {payer}. For a practice like yours they show what a "
    "sustained program is paid, year by year, and what it must deliver in return.",
    "patient": "The payments below are between the program and {payer}. Under a case rate or "
    "a care-coordination fee there is nothing extra for patients to pay; under the codes alone "
    "a copay can apply.",
}


def how_the_ask_reaches(profile: ProfileInfo, evaluation: ContractEvaluation) -> str:
    """Say how an ask priced for the focus payer reaches the stakeholder (the payer itself too)."""
    template = REACH.get(profile.category)
    if template is None:
        return ""
    return template.format(payer=evaluation.result.focus_payer)


def timeline(scenario: ContractScenario) -> tuple[tuple[str, str], ...]:
    """The first year's steps, then each later year's reconciliation and the term's end."""
    steps = narrative.timeline(scenario)
    years = scenario.contract.term_years
    if years == 1:
        return steps
    return (
        *steps,
        (
            f"Years 2 to {years}",
            "Each year's rate as scheduled; a yearly reconciliation of payments, enrollment and "
            "quality measures; savings measured against the same method as year 1.",
        ),
        (
            f"End of year {years}",
            "Renewal on the term's results, with the savings still accruing after the term "
            "reported beside them.",
        ),
    )


def breakeven_caseload_sentence(
    result: ContractResult, scenario: ContractScenario, caseload: int | None
) -> str:
    """Say from what caseload the program covers its cost over the term, with the terms fixed."""
    planned = scenario.program.caseload_per_fte
    if caseload is None:
        where = f"at no caseload up to {BREAKEVEN_MAX_CASELOAD:,} active patients per care manager"
    else:
        where = f"from a caseload of {caseload:,} active patients per care manager"
    return (
        f"With the rates fixed as quoted, the program covers the cost of "
        f"{result.focus_payer}'s patients over the term {where}; the plan is {planned}."
    )


def recommendation(
    evaluation: ContractEvaluation, no_savings: ContractResult, risk: ContractMonteCarlo
) -> str:
    """Say what to ask for and what it does for us, its floor and its risk."""
    result = evaluation.result
    text = (
        f"{ask(evaluation)} Over the term this nets us {money(result.pv_provider_net)} in present "
        f"value on {result.focus_payer}'s patients, after their share of the program's cost "
        f"({money(result.pv_allocated_cost)})."
    )
    zone = result.zone
    if zone is not None:
        text += (
            f" Our walk-away is a level {money(zone.walk_away)} and their ceiling "
            f"{money(zone.ceiling)}; we quote {money(zone.proposed)}."
        )
    text += (
        f" If the savings never come, we net {money(no_savings.pv_provider_net)}; the program "
        f"loses money in {percent(risk.probability_provider_net_negative)} of "
        f"{risk.draws:,} simulated terms."
    )
    return text


MSR_FIELD = "terms.minimum_savings_rate"


def warnings_for_reader(evaluation: ContractEvaluation) -> list[str]:
    """The engine's warnings with its one-per-year credible-MSR lines said once, as percentages.

    Each stays "field: rule", so a page can still put it beside its input.
    """
    warnings = [w for w in evaluation.warnings if not w.startswith(f"{MSR_FIELD}:")]
    msr = evaluation.scenario.terms.minimum_savings_rate
    below = [
        y for y in evaluation.result.years if y.credible_msr is not None and msr < y.credible_msr
    ]
    if below and evaluation.result.model == "total_cost_of_care":
        numbers = [str(y.year) for y in below]
        years = (
            f"year {numbers[0]}"
            if len(numbers) == 1
            else (f"years {', '.join(numbers[:-1])} and {numbers[-1]}")
        )
        credible = sorted({percent(y.credible_msr) for y in below})
        warnings.append(
            f"{MSR_FIELD}: {percent(msr)} is below what a benchmark of this size can tell from"
            f" noise (credible MSR {' to '.join(credible)} in {years}): savings that small prove"
            " nothing either way, so the ask should not rest on them"
        )
    return warnings


def warnings_in_words(evaluation: ContractEvaluation) -> tuple[str, ...]:
    """The warnings as a document's reader gets them: said once, as sentences, no field paths."""
    return tuple(_in_words(w) for w in warnings_for_reader(evaluation))


def _in_words(warning: str) -> str:
    """A warning for a reader of the document: without its field path, as a sentence."""
    _, _, rule = warning.partition(": ")
    if not rule:
        return warning
    if warning.startswith(f"{MSR_FIELD}:"):
        rule = "The minimum savings rate of " + rule
    return rule[:1].upper() + rule[1:] + "."


def open_issues(
    evaluation: ContractEvaluation, no_savings: ContractResult, risk: ContractMonteCarlo
) -> tuple[str, ...]:
    """List what the executive should settle before approving, from this scenario's figures."""
    result, scenario = evaluation.result, evaluation.scenario
    payer = result.focus_payer
    issues = list(warnings_in_words(evaluation))
    if not scenario.focus.rates and result.model != "bundled":
        issues.append(f"{payer} does not pay the CoCM codes yet: the ask assumes it will.")
    if value_first(result):
        issues.append(
            f"{payer} gets back {ratio(result.payer_roi)} per dollar over the term: savings "
            f"must reach {_savings_figure(scenario.savings.basis, result.payer_breakeven_savings)}"
            f" against our {_savings_figure(scenario.savings.basis, scenario.savings.amount)}. "
            "The proposal leads with quality and access; expect a counteroffer near the ceiling."
        )
    zone = result.zone
    if zone is not None and not zone.agreement:
        issues.append(
            f"No level rate both covers our cost and is repaid by the savings: our walk-away "
            f"{money(zone.walk_away)} is above their ceiling {money(zone.ceiling)}."
        )
    elif zone is not None and zone.proposed > zone.ceiling:
        issues.append(
            f"Our quote {money(zone.proposed)} is above their ceiling {money(zone.ceiling)}: "
            "the savings alone do not repay it."
        )
    if result.model == "total_cost_of_care" and not any(y.shared_savings for y in result.years):
        issues.append(
            "No year's savings clear the minimum savings rate against the benchmark: the "
            "shared savings in the ask are worth nothing on these assumptions."
        )
    if no_savings.pv_provider_net < 0:
        issues.append(
            f"If the savings never come we lose {money(-no_savings.pv_provider_net)} over the "
            "term in present value: that is the contingent part of the revenue."
        )
    if risk.probability_provider_net_negative > LOSS_WARNING:
        issues.append(
            f"The program loses money in {percent(risk.probability_provider_net_negative)} of "
            "simulated terms: review the caseload and billing assumptions."
        )
    if risk.probability_payer_roi_below_one > HALF:
        issues.append(
            f"{payer}'s return is below 1 in {percent(risk.probability_payer_roi_below_one)} of "
            "simulated terms: expect its analyst to test the savings assumption first."
        )
    if scenario.savings.source is None:
        issues.append("The savings assumption names no evidence item (savings.source).")
    return tuple(issues)
