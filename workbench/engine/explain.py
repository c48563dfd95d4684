"""How each figure was derived: RATE_METHOD.md's formulas with this scenario's numbers put in.

A proposal prints these steps so that a payer's analyst can reproduce every figure by hand.
Values are the evaluation's own figures; the substitutions show the inputs that produced them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .decimals import CENTS, ZERO, engine_context, rounded
from .models import Focus, Settlement, settle_tcoc
from .results import Evaluation, ModelResult, PayerFigures
from .schema import Terms


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the derivation: the figure, its formula, the numbers put in, the result."""

    figure: str
    formula: str
    substitution: str
    value: Decimal | None
    kind: str  # money | count | ratio | rate


def explain(evaluation: Evaluation) -> tuple[Step, ...]:
    """Return the steps from the scenario's inputs to the proposed PMPM and what it means."""
    focus = next(p for p in evaluation.payers if p.name == evaluation.scenario.focus_payer)
    return (
        *_program_steps(evaluation),
        *_payer_steps(evaluation, focus),
        *_model_steps(evaluation, focus),
        *_settlement_steps(evaluation.result),
    )


def _num(value: Decimal) -> str:
    """Show an input as written, with thousands separators and no trailing zeros."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "") if whole != "-0" else text


def _usd(value: Decimal) -> str:
    shown = rounded(value, CENTS)
    return f"−${abs(shown):,.2f}" if shown < 0 else f"${shown:,.2f}"


def _program_steps(evaluation: Evaluation) -> list[Step]:
    s, p = evaluation.scenario, evaluation.program
    program, costs = s.program, s.costs
    return [
        Step(
            "Active caseload K",
            "F × C",
            f"{_num(program.care_manager_fte)} × {_num(program.caseload_per_fte)}",
            p.active_caseload,
            "count",
        ),
        Step(
            "Enrolled patient-months E",
            "K × (12 − r / 2)",
            f"{_num(p.active_caseload)} × (12 − {_num(program.ramp_months)} / 2)",
            p.enrolled_patient_months,
            "count",
        ),
        Step(
            "Personnel",
            "F × S × (1 + β) + R × (h × F + d) × w",
            f"{_num(program.care_manager_fte)} × {_usd(costs.care_manager_salary)}"
            f" × (1 + {_num(costs.benefits_rate)}) + {_usd(costs.consultant_hourly_rate)}"
            f" × ({_num(program.consultant_hours_per_week_per_fte)} × "
            f"{_num(program.care_manager_fte)} + {_num(program.direct_psychiatric_hours_per_week)})"
            f" × {_num(program.weeks_per_year)}",
            p.personnel,
            "money",
        ),
        Step(
            "Annual cost T",
            "(personnel + O) × (1 + η) + I / A",
            f"({_usd(p.personnel)} + {_usd(costs.other_direct_annual)}) × "
            f"(1 + {_num(costs.overhead_rate)}) + {_usd(costs.startup_costs)} / "
            f"{_num(costs.amortization_years)}",
            p.annual_cost,
            "money",
        ),
        Step(
            "Cost per enrolled patient-month",
            "T / E",
            f"{_usd(p.annual_cost)} / {_num(p.enrolled_patient_months)}",
            p.cost_per_enrolled_month,
            "money",
        ),
    ]


def _payer_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    s = evaluation.scenario
    payer, billing = s.focus, s.billing
    rate = {code: _usd(payer.rate(code)) for code in ("99492", "99493", "99494")}
    subsequent = focus.enrolled_patient_months - focus.episodes_started
    return [
        Step(
            f"{focus.name}: enrolled patient-months E_f",
            "E × σ_f",
            f"{_num(evaluation.program.enrolled_patient_months)} × {_num(focus.caseload_share)}",
            focus.enrolled_patient_months,
            "count",
        ),
        Step(
            "Episodes started n_f",
            "E_f / L",
            f"{_num(focus.enrolled_patient_months)} / {_num(s.program.episode_months)}",
            focus.episodes_started,
            "count",
        ),
        Step(
            "Billable units value U_f",
            "n_f × rate(99492) + (E_f − n_f) × rate(99493) + E_f × a × rate(99494)",
            f"{_num(focus.episodes_started)} × {rate['99492']} + {_num(subsequent)} × "
            f"{rate['99493']} + {_num(focus.enrolled_patient_months)} × "
            f"{_num(billing.addon_units_per_billed_month)} × {rate['99494']}",
            focus.billable_units_value,
            "money",
        ),
        Step(
            "FFS revenue",
            "c × b × U_f",
            f"{_num(billing.collection_rate)} × {_num(billing.billable_fraction)} × "
            f"{_usd(focus.billable_units_value)}",
            focus.ffs_revenue,
            "money",
        ),
        Step(
            "Allocated cost",
            "T × σ_f",
            f"{_usd(evaluation.program.annual_cost)} × {_num(focus.caseload_share)}",
            focus.allocated_cost,
            "money",
        ),
        Step(
            "Need (cost with the target margin)",
            "allocated cost × (1 + m)",
            f"{_usd(focus.allocated_cost)} × (1 + {_num(s.terms.target_margin)})",
            evaluation.result.need,
            "money",
        ),
        _gross_savings_step(evaluation, focus),
    ]


def _gross_savings_step(evaluation: Evaluation, focus: PayerFigures) -> Step:
    savings, value = evaluation.scenario.savings, evaluation.result.gross_savings
    if savings.basis == "percent_of_cohort_tcoc":
        return Step(
            "Gross savings G",
            "g × B_f × μ × E_f",
            f"{_num(savings.amount)} × {_usd(evaluation.scenario.focus.baseline_tcoc_pmpm)} × "
            f"{_num(savings.cohort_cost_multiplier)} × {_num(focus.enrolled_patient_months)}",
            value,
            "money",
        )
    return Step(
        "Gross savings G",
        "s × E_f",
        f"{_usd(savings.amount)} × {_num(focus.enrolled_patient_months)}",
        value,
        "money",
    )


def _model_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    return _MODEL_STEPS[evaluation.result.model](evaluation, focus)


def _ffs_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    r, billing = evaluation.result, evaluation.scenario.billing
    return [
        Step(
            "Annual PMPM payments P",
            "none under fee-for-service",
            "—",
            r.annual_pmpm_payments,
            "money",
        ),
        Step(
            "Break-even billable fraction",
            "allocated cost / (c × U_f)",
            f"{_usd(focus.allocated_cost)} / ({_num(billing.collection_rate)} × "
            f"{_usd(focus.billable_units_value)})",
            r.breakeven_billable_fraction,
            "ratio",
        ),
    ]


def _incentive_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    r = evaluation.result
    terms = " + ".join(
        f"{_usd(q.annual_amount)} × {_num(q.expected_attainment)}"
        for q in evaluation.scenario.terms.quality_incentives
    )
    return [
        Step(
            "Expected incentives Q",
            "Σ annual amount × attainment",
            terms or "none",
            r.expected_incentives,
            "money",
        ),
        Step(
            "Annual PMPM payments P",
            "max(0, need − FFS revenue − Q)",
            f"max(0, {_usd(r.need)} − {_usd(r.ffs_revenue)} − "
            f"{_usd(r.expected_incentives or ZERO)})",
            r.annual_pmpm_payments,
            "money",
        ),
    ]


def _bundled_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    r, need = evaluation.result, _usd(evaluation.result.need)
    return [
        Step(
            "Annual case-rate payments P",
            "need (the case rate replaces the codes)",
            need,
            r.annual_pmpm_payments,
            "money",
        ),
        Step(
            "Case rate per enrolled patient-month",
            "need / E_f",
            f"{need} / {_num(focus.enrolled_patient_months)}",
            r.case_rate_per_enrolled_month,
            "money",
        ),
        Step(
            "Episode rate",
            # From need, not the rounded case rate, so that the shown figures reproduce it.
            "case rate × L = need / E_f × L",
            f"{need} / {_num(focus.enrolled_patient_months)} × "
            f"{_num(evaluation.scenario.program.episode_months)}",
            r.episode_rate,
            "money",
        ),
    ]


def _tcoc_steps(evaluation: Evaluation, focus: PayerFigures) -> list[Step]:
    r, terms = evaluation.result, evaluation.scenario.terms
    benchmark = r.benchmark or ZERO
    with engine_context():
        settled = settle_tcoc(terms, Focus(focus, r.need, r.gross_savings), benchmark)
        k = terms.shared_savings_rate * terms.quality_score
    return [
        _benchmark_step(evaluation, focus),
        Step(
            "Annual PMPM payments P, if savings are shared (step 1)",
            "max(0, (need − FFS revenue − k × G) / (1 − k)), k = ρ × q",
            f"max(0, ({_usd(r.need)} − {_usd(r.ffs_revenue)} − {_num(k)} × "
            f"{_usd(r.gross_savings)}) / (1 − {_num(k)}))",
            settled.solved,
            "money",
        ),
        _tcoc_payment_step(r, terms, settled),
        Step(
            "Savings rate",
            "(G − P) / benchmark",
            f"({_usd(r.gross_savings)} − {_usd(r.annual_pmpm_payments)}) / {_usd(benchmark)}",
            r.savings_rate,
            "ratio",
        ),
        _shared_step(r, terms, settled, k),
    ]


def _benchmark_step(evaluation: Evaluation, focus: PayerFigures) -> Step:
    s, r = evaluation.scenario, evaluation.result
    baseline = _usd(s.focus.baseline_tcoc_pmpm)
    if s.terms.benchmark_scope == "cohort":
        cohort = f"{_num(s.savings.cohort_cost_multiplier)} × {_num(focus.enrolled_patient_months)}"
        return Step(
            "Benchmark",
            "B_f × μ × E_f (the treated cohort)",
            f"{baseline} × {cohort}",
            r.benchmark,
            "money",
        )
    return Step(
        "Benchmark",
        "B_f × MM_f (the whole attributed population)",
        f"{baseline} × {_num(focus.member_months)}",
        r.benchmark,
        "money",
    )


def _tcoc_payment_step(r: ModelResult, terms: Terms, settled: Settlement) -> Step:
    need, revenue = _usd(r.need), _usd(r.ffs_revenue)
    if settled.rule == "shared":
        formula = "P of step 1: the savings clear the MSR and stay under the cap"
        substitution = _usd(settled.solved)
    elif settled.rule == "capped":
        formula = "max(0, need − FFS revenue − cap × benchmark): sharing is capped (step 3)"
        substitution = (
            f"max(0, {need} − {revenue} − {_num(terms.savings_cap_rate)} × "
            f"{_usd(r.benchmark or ZERO)})"
        )
    else:
        formula = f"max(0, need − FFS revenue): {_no_sharing_reason(r, terms, settled)} (step 2)"
        substitution = f"max(0, {need} − {revenue})"
    return Step("Annual PMPM payments P", formula, substitution, r.annual_pmpm_payments, "money")


def _no_sharing_reason(r: ModelResult, terms: Terms, settled: Settlement) -> str:
    if not r.benchmark:
        return "the benchmark is 0, so nothing is shared"
    if r.gross_savings - settled.solved <= 0:
        return "G − P of step 1 is not above 0, so nothing is shared"
    msr = _num(terms.minimum_savings_rate)
    return f"(G − P) / benchmark is below the MSR of {msr}, so nothing is shared"


def _shared_step(r: ModelResult, terms: Terms, settled: Settlement, k: Decimal) -> Step:
    if settled.rule == "shared":
        formula = "k × (G − P)"
        substitution = f"{_num(k)} × ({_usd(r.gross_savings)} − {_usd(settled.solved)})"
    elif settled.rule == "capped":
        formula = "cap × benchmark (k × (G − P) would exceed it)"
        substitution = f"{_num(terms.savings_cap_rate)} × {_usd(r.benchmark or ZERO)}"
    else:
        formula = "none: no sharing (step 2)"
        substitution = "0"
    return Step("Shared savings", formula, substitution, r.shared_savings, "money")


def _settlement_steps(r: ModelResult) -> list[Step]:
    added = r.payer_added_payments
    return [
        Step(
            "Proposed PMPM",
            "P / MM_f",
            f"{_usd(r.annual_pmpm_payments)} / {_num(r.member_months)}",
            r.proposed_pmpm,
            "rate",
        ),
        Step(
            "Payer added payments",
            "FFS revenue + Q + P + shared savings",
            f"{_usd(r.ffs_revenue)} + {_usd(r.expected_incentives or ZERO)} + "
            f"{_usd(r.annual_pmpm_payments)} + {_usd(r.shared_savings or ZERO)}",
            added,
            "money",
        ),
        Step(
            "Payer net savings",
            "G − added payments",
            f"{_usd(r.gross_savings)} − {_usd(added)}",
            r.payer_net_savings,
            "money",
        ),
        Step(
            "Payer ROI",
            "G / added payments",
            f"{_usd(r.gross_savings)} / {_usd(added)}",
            r.payer_roi,
            "ratio",
        ),
        Step(
            "Provider net",
            "added payments − allocated cost",
            f"{_usd(added)} − {_usd(r.allocated_cost)}",
            r.provider_net,
            "money",
        ),
    ]


_MODEL_STEPS: dict[str, Callable[[Evaluation, PayerFigures], list[Step]]] = {
    "ffs": _ffs_steps,
    "ffs_plus_incentives": _incentive_steps,
    "bundled": _bundled_steps,
    "total_cost_of_care": _tcoc_steps,
}
