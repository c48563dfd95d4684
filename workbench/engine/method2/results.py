"""Frozen result objects of rate method 2: the contract term year by year, and its totals."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..results import Distribution, HistogramBin, Percentiles, TornadoBar
from .schema import ContractScenario

# The two tornados: what moves our ask (re-solved), what puts our margin at risk (terms held).
ASK = "ask"
MARGIN = "margin"


@dataclass(frozen=True, slots=True)
class ProgramYear:
    """The program in one contract year, all payers together (RATE_METHOD_2.md section 2)."""

    year: int
    enrolled_patient_months: Decimal
    annual_cost: Decimal
    cost_per_enrolled_month: Decimal


@dataclass(frozen=True, slots=True)
class ContractProgram:
    """The program over the term; `monthly_caseload` is E_t for t = 1..M."""

    active_caseload: Decimal
    personnel: Decimal
    unrecovered_startup: Decimal
    monthly_caseload: tuple[Decimal, ...]
    years: tuple[ProgramYear, ...]


@dataclass(frozen=True, slots=True)
class PayerYear:
    """One payer's part of the program in one year, as if every month were billed (section 3)."""

    year: int
    enrolled_patient_months: Decimal
    episodes_started: Decimal
    billable_units_value: Decimal
    ffs_revenue: Decimal
    allocated_cost: Decimal
    ffs_margin: Decimal


@dataclass(frozen=True, slots=True)
class ContractPayer:
    """One payer over the term; member-months are for one year (attributed members held)."""

    name: str
    caseload_share: Decimal
    member_months: Decimal
    years: tuple[PayerYear, ...]


@dataclass(frozen=True, slots=True)
class FixedTerms:
    """What the contract fixes: the quoted rates by year, the incentives and the sharing rules.

    `pmpm` holds the PMPM quoted for each year (0 under ffs and bundled); `case_rates` the case
    rate per enrolled patient-month for each year under bundled, else None.
    """

    model: str
    pmpm: tuple[Decimal, ...]
    case_rates: tuple[Decimal, ...] | None
    incentives: Decimal
    sharing_rate: Decimal
    minimum_savings_rate: Decimal
    cap_rate: Decimal


@dataclass(frozen=True, slots=True)
class ResultYear:
    """The focus payer's contract in one year (section 5); None where the model has no figure."""

    year: int
    enrolled_patient_months: Decimal
    episodes_started: Decimal
    allocated_cost: Decimal
    ffs_revenue: Decimal
    expected_incentives: Decimal | None
    pmpm_payments: Decimal
    proposed_pmpm: Decimal
    case_rate_per_enrolled_month: Decimal | None
    episode_rate: Decimal | None
    gross_savings: Decimal
    benchmark: Decimal | None
    shared_savings: Decimal | None
    savings_rate: Decimal | None
    credible_msr: Decimal | None
    payer_added_payments: Decimal
    payer_net_savings: Decimal
    provider_net: Decimal


@dataclass(frozen=True, slots=True)
class Zone:
    """The level rates between which both sides come out ahead (section 8), unrounded."""

    walk_away: Decimal
    ceiling: Decimal
    proposed: Decimal

    @property
    def agreement(self) -> bool:
        """Tell whether a rate exists that covers the program and that the savings repay."""
        return self.walk_away <= self.ceiling


@dataclass(frozen=True, slots=True)
class ContractResult:
    """The focus payer's contract over the whole term under one payment model (section 6)."""

    model: str
    focus_payer: str
    term_years: int
    member_months: Decimal
    level_pmpm: Decimal
    level_case_rate: Decimal | None
    pv_allocated_cost: Decimal
    pv_payer_added_payments: Decimal
    pv_gross_savings: Decimal
    pv_payer_net_savings: Decimal
    pv_provider_net: Decimal
    pv_tail_savings: Decimal
    tail_savings: Decimal
    payer_roi: Decimal | None
    payer_roi_with_tail: Decimal | None
    payer_breakeven_savings: Decimal | None
    unrecovered_startup: Decimal
    breakeven_billable_fraction: Decimal | None
    years: tuple[ResultYear, ...]
    zone: Zone | None
    terms: FixedTerms


@dataclass(frozen=True, slots=True)
class ContractEvaluation:
    """A method-2 scenario evaluated under one payment model, with its warnings."""

    method: int
    scenario: ContractScenario
    program: ContractProgram
    payers: tuple[ContractPayer, ...]
    result: ContractResult
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContractComparison:
    """A method-2 scenario evaluated under every payment model, side by side."""

    method: int
    scenario: ContractScenario
    program: ContractProgram
    payers: tuple[ContractPayer, ...]
    models: Mapping[str, ContractResult]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContractMonteCarlo:
    """The spread of the contract's outcomes over many draws, with the terms held."""

    model: str
    draws: int
    seed: int
    distributions: tuple[Distribution, ...]
    level_rate: Decimal
    provider_net: Percentiles
    payer_net_savings: Percentiles
    payer_roi: Percentiles
    probability_provider_net_negative: Decimal
    probability_payer_roi_below_one: Decimal
    provider_net_histogram: tuple[HistogramBin, ...]


@dataclass(frozen=True, slots=True)
class ContractTornado:
    """One-at-a-time swings: what moves our ask (re-solved) or our margin once signed (held).

    `output` is the level PMPM (level case rate under bundled) for the ask, PV provider net for
    the margin. Bars come largest swing first.
    """

    model: str
    kind: str
    output: str
    base_output: Decimal
    bars: tuple[TornadoBar, ...]
