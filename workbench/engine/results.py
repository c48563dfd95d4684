"""Frozen result objects: what an evaluation of rate method 1 reports."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .schema import Scenario


@dataclass(frozen=True, slots=True)
class ProgramFigures:
    """The program, all payers together (RATE_METHOD.md section 2)."""

    active_caseload: Decimal
    enrolled_patient_months: Decimal
    personnel: Decimal
    annual_cost: Decimal
    cost_per_enrolled_month: Decimal


@dataclass(frozen=True, slots=True)
class PayerFigures:
    """One payer's part of the program under fee-for-service (section 3)."""

    name: str
    caseload_share: Decimal
    enrolled_patient_months: Decimal
    episodes_started: Decimal
    billable_units_value: Decimal
    ffs_revenue: Decimal
    allocated_cost: Decimal
    ffs_margin: Decimal
    member_months: Decimal


@dataclass(frozen=True, slots=True)
class ModelResult:
    """The focus payer under one payment model (section 4); None where the model has no figure."""

    model: str
    focus_payer: str
    member_months: Decimal
    allocated_cost: Decimal
    ffs_revenue: Decimal
    expected_incentives: Decimal | None
    proposed_pmpm: Decimal
    annual_pmpm_payments: Decimal
    case_rate_per_enrolled_month: Decimal | None
    episode_rate: Decimal | None
    breakeven_billable_fraction: Decimal | None
    gross_savings: Decimal
    shared_savings: Decimal | None
    savings_rate: Decimal | None
    payer_added_payments: Decimal
    payer_net_savings: Decimal
    payer_roi: Decimal | None
    provider_net: Decimal
    benchmark: Decimal | None
    need: Decimal


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A scenario evaluated under one payment model, with the warnings that travel with it."""

    method: int
    scenario: Scenario
    program: ProgramFigures
    payers: tuple[PayerFigures, ...]
    result: ModelResult
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """A scenario evaluated under every payment model, side by side."""

    method: int
    scenario: Scenario
    program: ProgramFigures
    payers: tuple[PayerFigures, ...]
    models: Mapping[str, ModelResult]
    warnings: tuple[str, ...]
