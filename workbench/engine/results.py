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


@dataclass(frozen=True, slots=True)
class Distribution:
    """A triangular distribution for one input."""

    input: str
    low: Decimal
    mode: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class Percentiles:
    """P10, P50 and P90 of one output; None when no draw defines it."""

    p10: Decimal | None
    p50: Decimal | None
    p90: Decimal | None


@dataclass(frozen=True, slots=True)
class HistogramBin:
    """How many draws fell between two values of an output."""

    low: Decimal
    high: Decimal
    draws: int


@dataclass(frozen=True, slots=True)
class MonteCarlo:
    """The spread of the headline figures over many draws of the uncertain inputs."""

    model: str
    draws: int
    seed: int
    distributions: tuple[Distribution, ...]
    provider_net: Percentiles
    proposed_pmpm: Percentiles
    payer_roi: Percentiles
    probability_provider_net_negative: Decimal
    probability_payer_roi_below_one: Decimal
    provider_net_histogram: tuple[HistogramBin, ...]


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One input moved to its low and high value, and what the output did."""

    input: str
    base: Decimal
    low: Decimal
    high: Decimal
    output_low: Decimal
    output_high: Decimal
    swing: Decimal


@dataclass(frozen=True, slots=True)
class Tornado:
    """One-at-a-time sensitivity of an output, largest swing first."""

    model: str
    output: str
    base_output: Decimal
    bars: tuple[TornadoBar, ...]
