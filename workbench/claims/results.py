"""What claims sizing hands back: frozen aggregates, never a member-level row.

Figures are kept exact; `to_json()` shows money to the cent and ratios to 4 places (half-up), with
null for a figure suppressed by the cell-size rule. `from_json()` reads that back into the same
types, so a stored sizing is read as a typed result (at the precision it was stored), never as
loose JSON.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from workbench.engine.decimals import CENTS, money, ratio, rounded

# The usual cell-size rule for claims data: no figure about fewer than 11 members.
MIN_CELL_MEMBERS = 11


def per_thousand(value: Decimal | None) -> str | None:
    """Show a rate per 1,000 members a year to 2 places."""
    return None if value is None else str(rounded(value, CENTS))


def stored_decimal(value: str | None) -> Decimal | None:
    """Read a stored figure (text, to keep it exact) as a Decimal; null stays None."""
    return None if value is None else Decimal(value)


def stored_month(value: str) -> date:
    """Read a stored YYYY-MM month as its first day."""
    return datetime.strptime(value, "%Y-%m").date()


@dataclass(frozen=True)
class Cohort:
    """Members sharing a condition: their count, months, cost and use (None when suppressed)."""

    members: int | None
    member_months: int | None
    allowed: Decimal | None
    pmpm: Decimal | None
    ed_visits_per_1000: Decimal | None
    admissions_per_1000: Decimal | None
    suppressed: bool

    def to_json(self) -> dict[str, Any]:
        """Return the cohort as JSON-ready data."""
        return {
            "members": self.members,
            "member_months": self.member_months,
            "allowed": money(self.allowed),
            "pmpm": money(self.pmpm),
            "ed_visits_per_1000": per_thousand(self.ed_visits_per_1000),
            "admissions_per_1000": per_thousand(self.admissions_per_1000),
            "suppressed": self.suppressed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored cohort back."""
        return cls(
            members=data["members"],
            member_months=data["member_months"],
            allowed=stored_decimal(data["allowed"]),
            pmpm=stored_decimal(data["pmpm"]),
            ed_visits_per_1000=stored_decimal(data["ed_visits_per_1000"]),
            admissions_per_1000=stored_decimal(data["admissions_per_1000"]),
            suppressed=data["suppressed"],
        )


@dataclass(frozen=True)
class Cohorts:
    with_bh: Cohort
    without_bh: Cohort
    chronic_with_bh: Cohort
    chronic_without_bh: Cohort

    def to_json(self) -> dict[str, Any]:
        """Return the four cohorts as JSON-ready data, keyed by name."""
        return {name: getattr(self, name).to_json() for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read the four stored cohorts back."""
        return cls(**{name: Cohort.from_json(data[name]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Population:
    """The figures of one payer's members, or of all members together."""

    members: int | None
    member_months: int | None
    allowed: Decimal | None
    tcoc_pmpm: Decimal | None
    bh_prevalence: Decimal | None
    bh_cost_multiplier: Decimal | None
    cohort_cost_multiplier: Decimal | None
    ed_visits_per_1000: Decimal | None
    admissions_per_1000: Decimal | None
    top5pct_cost_share: Decimal | None
    cohorts: Cohorts
    suppressed: bool

    def to_json(self) -> dict[str, Any]:
        """Return the population's figures as JSON-ready data."""
        return {
            "members": self.members,
            "member_months": self.member_months,
            "allowed": money(self.allowed),
            "tcoc_pmpm": money(self.tcoc_pmpm),
            "bh_prevalence": ratio(self.bh_prevalence),
            "bh_cost_multiplier": ratio(self.bh_cost_multiplier),
            "cohort_cost_multiplier": ratio(self.cohort_cost_multiplier),
            "ed_visits_per_1000": per_thousand(self.ed_visits_per_1000),
            "admissions_per_1000": per_thousand(self.admissions_per_1000),
            "top5pct_cost_share": ratio(self.top5pct_cost_share),
            "suppressed": self.suppressed,
            "cohorts": self.cohorts.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored population back."""
        return cls(
            members=data["members"],
            member_months=data["member_months"],
            allowed=stored_decimal(data["allowed"]),
            tcoc_pmpm=stored_decimal(data["tcoc_pmpm"]),
            bh_prevalence=stored_decimal(data["bh_prevalence"]),
            bh_cost_multiplier=stored_decimal(data["bh_cost_multiplier"]),
            cohort_cost_multiplier=stored_decimal(data["cohort_cost_multiplier"]),
            ed_visits_per_1000=stored_decimal(data["ed_visits_per_1000"]),
            admissions_per_1000=stored_decimal(data["admissions_per_1000"]),
            top5pct_cost_share=stored_decimal(data["top5pct_cost_share"]),
            suppressed=data["suppressed"],
            cohorts=Cohorts.from_json(data["cohorts"]),
        )


@dataclass(frozen=True)
class PayerUnmatched:
    payer: str
    claim_lines: int
    allowed: Decimal


@dataclass(frozen=True)
class Unmatched:
    """Claim lines left out: their member, payer and service month are not in the members file."""

    claim_lines: int
    allowed: Decimal
    payers: tuple[PayerUnmatched, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the unmatched lines as JSON-ready data."""
        return {
            "claim_lines": self.claim_lines,
            "allowed": money(self.allowed),
            "payers": {
                item.payer: {"claim_lines": item.claim_lines, "allowed": money(item.allowed)}
                for item in self.payers
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read the stored unmatched lines back."""
        return cls(
            claim_lines=data["claim_lines"],
            allowed=Decimal(data["allowed"]),
            payers=tuple(
                PayerUnmatched(payer, item["claim_lines"], Decimal(item["allowed"]))
                for payer, item in data["payers"].items()
            ),
        )


@dataclass(frozen=True)
class SavingsEstimate:
    """The yearly saving one published percentage implies: low, mid and high."""

    key: str
    label: str
    low_rate: Decimal
    high_rate: Decimal
    low: Decimal
    mid: Decimal
    high: Decimal

    def to_json(self) -> dict[str, Any]:
        """Return the estimate as JSON-ready data."""
        return {
            "key": self.key,
            "label": self.label,
            "low_rate": ratio(self.low_rate),
            "high_rate": ratio(self.high_rate),
            "low": money(self.low),
            "mid": money(self.mid),
            "high": money(self.high),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored estimate back."""
        return cls(
            key=data["key"],
            label=data["label"],
            **{
                name: Decimal(data[name])
                for name in ("low_rate", "high_rate", "low", "mid", "high")
            },
        )


@dataclass(frozen=True)
class Opportunity:
    """The comorbid excess cost a year, and what each published savings percentage makes of it."""

    excess_pmpm: Decimal | None
    bh_member_months: int | None
    months_covered: int
    annual_excess_cost: Decimal | None
    estimates: tuple[SavingsEstimate, ...]
    low: Decimal | None
    mid: Decimal | None
    high: Decimal | None
    suppressed: bool
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the opportunity as JSON-ready data."""
        return {
            "excess_pmpm": money(self.excess_pmpm),
            "bh_member_months": self.bh_member_months,
            "months_covered": self.months_covered,
            "annual_excess_cost": money(self.annual_excess_cost),
            "low": money(self.low),
            "mid": money(self.mid),
            "high": money(self.high),
            "estimates": [estimate.to_json() for estimate in self.estimates],
            "suppressed": self.suppressed,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored opportunity back."""
        return cls(
            excess_pmpm=stored_decimal(data["excess_pmpm"]),
            bh_member_months=data["bh_member_months"],
            months_covered=data["months_covered"],
            annual_excess_cost=stored_decimal(data["annual_excess_cost"]),
            estimates=tuple(SavingsEstimate.from_json(item) for item in data["estimates"]),
            low=stored_decimal(data["low"]),
            mid=stored_decimal(data["mid"]),
            high=stored_decimal(data["high"]),
            suppressed=data["suppressed"],
            note=data["note"],
        )


@dataclass(frozen=True)
class Extract:
    """Which files were sized, how much they held and the months they cover."""

    members_file: str
    claims_file: str
    member_rows: int
    claim_lines: int
    first_month: date
    last_month: date
    months_covered: int
    payer: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the extract's description as JSON-ready data."""
        return {
            "members_file": self.members_file,
            "claims_file": self.claims_file,
            "member_rows": self.member_rows,
            "claim_lines": self.claim_lines,
            "first_month": self.first_month.strftime("%Y-%m"),
            "last_month": self.last_month.strftime("%Y-%m"),
            "months_covered": self.months_covered,
            "payer": self.payer,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored extract description back."""
        return cls(
            members_file=data["members_file"],
            claims_file=data["claims_file"],
            member_rows=data["member_rows"],
            claim_lines=data["claim_lines"],
            first_month=stored_month(data["first_month"]),
            last_month=stored_month(data["last_month"]),
            months_covered=data["months_covered"],
            payer=data["payer"],
        )


@dataclass(frozen=True)
class SizingResult:
    """Everything claims sizing found: overall, by payer, left out, and the savings range."""

    extract: Extract
    overall: Population
    payers: tuple[tuple[str, Population], ...]
    unmatched: Unmatched
    opportunity: Opportunity
    warnings: tuple[str, ...]

    def payer(self, name: str) -> Population:
        """Return one payer's figures, or raise KeyError."""
        return dict(self.payers)[name]

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON-ready data: what `workbench claims size --json` prints."""
        return {
            "overall": self.overall.to_json(),
            "payers": {name: population.to_json() for name, population in self.payers},
            "unmatched": self.unmatched.to_json(),
            "opportunity": self.opportunity.to_json(),
            "extract": self.extract.to_json(),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored sizing back: what `ClaimsSizing.figures` holds."""
        return cls(
            extract=Extract.from_json(data["extract"]),
            overall=Population.from_json(data["overall"]),
            payers=tuple(
                (name, Population.from_json(item)) for name, item in data["payers"].items()
            ),
            unmatched=Unmatched.from_json(data["unmatched"]),
            opportunity=Opportunity.from_json(data["opportunity"]),
            warnings=tuple(data["warnings"]),
        )
