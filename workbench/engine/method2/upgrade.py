"""Write a method-1 scenario as a method-2 one (one contract year, no trends, no lag), and say
which figures the new method changes and why."""

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from ..decimals import money, plain, ratio
from ..evaluate import evaluate as evaluate_method_1
from ..parse import parse_scenario
from ..schema import Scenario
from .evaluate import evaluate
from .schema import METHOD, ContractScenario

LONGEST_DURATION = 60
# Why each figure differs, in the words a lead can repeat to the payer's analyst.
REASONS = {
    "gross_savings": (
        "savings now start with the episodes that begin in the term; patients already on the "
        "caseload were treated before it, and savings after the year are the tail"
    ),
    "proposed_pmpm": "rates are quoted in whole cents, rounded up",
    "annual_pmpm_payments": "payments follow from the quote in whole cents",
    "case_rate_per_enrolled_month": "rates are quoted in whole cents, rounded up",
    "shared_savings": "savings are shared on net savings, after the program's own payments",
    "savings_rate": "the savings rate is net of the program's own payments",
    "payer_added_payments": "it follows from the figures above",
    "payer_net_savings": "it follows from the figures above",
    "payer_roi": "it follows from the figures above",
    "provider_net": "it follows from the figures above",
}


@dataclass(frozen=True, slots=True)
class Upgrade:
    """The method-2 scenario, its YAML text, and one line per figure that changed."""

    scenario: ContractScenario
    text: str
    changes: tuple[str, ...]


def upgrade(old: Scenario) -> Upgrade:
    """Make the method-2 scenario that keeps the method-1 one's program, payers and terms."""
    data = old.model_dump(mode="json")
    duration = min(LONGEST_DURATION, math.ceil(old.program.episode_months))
    savings = old.savings
    data["method"] = METHOD
    data["contract"] = {
        "term_years": 1,
        "discount_rate": "0",
        "medical_trend": "0",
        "cost_trend": "0",
        "rate_escalator": "0",
    }
    data["savings"] = {
        "basis": "per_treated_month" if savings.basis == "per_enrolled_month" else savings.basis,
        savings.amount_field.replace("enrolled", "treated"): str(savings.amount),
        "cohort_cost_multiplier": str(savings.cohort_cost_multiplier),
        "lag_months": 0,
        "duration_months": duration,
    }
    new = parse_scenario(_ordered(data))
    assert isinstance(new, ContractScenario)  # nosec B101 # an invariant of the engine, not a check of input
    notes = []
    if duration < old.program.episode_months:
        notes.append(
            f"savings.duration_months: {duration}, the longest method 2 allows; the episode "
            f"is {plain(old.program.episode_months)} months"
        )
    return Upgrade(new, _yaml_text(old, new), (*notes, *_changes(old, new)))


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    order = ("method", "name", "payment_model", "focus_payer", "contract", "program", "costs")
    return {key: data[key] for key in order} | data


def _changes(old: Scenario, new: ContractScenario) -> list[str]:
    before = evaluate_method_1(old).result
    after = evaluate(new).result
    year = after.years[0]
    pairs = {
        "gross_savings": (before.gross_savings, year.gross_savings, money),
        "proposed_pmpm": (before.proposed_pmpm, year.proposed_pmpm, money),
        "annual_pmpm_payments": (before.annual_pmpm_payments, year.pmpm_payments, money),
        "case_rate_per_enrolled_month": (
            before.case_rate_per_enrolled_month,
            year.case_rate_per_enrolled_month,
            money,
        ),
        "shared_savings": (before.shared_savings, year.shared_savings, money),
        "savings_rate": (before.savings_rate, year.savings_rate, ratio),
        "payer_added_payments": (before.payer_added_payments, year.payer_added_payments, money),
        "payer_net_savings": (before.payer_net_savings, year.payer_net_savings, money),
        "payer_roi": (before.payer_roi, after.payer_roi, ratio),
        "provider_net": (before.provider_net, year.provider_net, money),
    }
    lines = []
    for name, (was, now, show) in pairs.items():
        if show(was) != show(now):
            label = name.replace("_", " ")
            lines.append(f"{label}: {show(was)} -> {show(now)} ({REASONS[name]})")
    return lines


def _yaml_text(old: Scenario, new: ContractScenario) -> str:
    header = (
        f"# {new.name}: written as rate method 2 from a method-1 scenario.\n"
        "# One contract year, no trends, savings from the first month of each episode for\n"
        f"# {new.savings.duration_months} months. Set contract.term_years, the trends and "
        "savings.lag_months to what\n# the evidence and the contract say.\n"
    )
    data = new.model_dump(exclude={"uncertainty"} if not new.uncertainty else set())
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return header + body


class _Dumper(yaml.SafeDumper):
    """Write Decimals as plain numbers that read back exactly."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = plain(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)
