"""Claims sizings as the pages read them: an organization's sizings, and a scenario's offer.

The sizing itself is services/claims.py (and the pure workbench.claims); the files are
services/claims_uploads.py and the background job services/claims_jobs.py. This module turns a
stored ClaimsSizing into what the organization page shows, and what the scenario editor offers
to fill in from it.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.claims import MIN_CELL_MEMBERS
from workbench.claims.results import Cohort, Population, SizingResult
from workbench.errors import ConflictError
from workbench.models import ClaimsSizing, Scenario
from workbench.services.audit import record_event
from workbench.services.claims_uploads import CLAIMS, UPLOAD

METHOD = (
    f"workbench.claims (DuckDB): allowed amounts over eligible member-months; figures about "
    f"fewer than {MIN_CELL_MEMBERS} members suppressed"
)
SHORT_HASH = 12


# -- what the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of a sizing: its value (None when suppressed) and how to show it."""

    label: str
    value: Decimal | None
    kind: str  # money, ratio, percent, count, per_thousand
    suppressed: bool
    note: str | None = None  # what the figure is for, where two look alike


@dataclass(frozen=True)
class CohortLine:
    label: str
    members: Decimal | None
    pmpm: Decimal | None
    ed_visits_per_1000: Decimal | None
    admissions_per_1000: Decimal | None
    suppressed: bool


@dataclass(frozen=True)
class SavingsLine:
    label: str
    low_rate: Decimal | None
    high_rate: Decimal | None
    low: Decimal | None
    mid: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class FileLine:
    role: str
    name: str
    sha256: str
    sha256_short: str
    bytes: int | None
    rows_read: int | None
    path: str | None


@dataclass(frozen=True)
class SizingView:
    """A stored sizing as the organization page shows it: typed figures, never arithmetic."""

    id: int
    scope: str
    payer: str | None
    baseline_tcoc_pmpm: Decimal | None
    cohort_cost_multiplier: Decimal | None
    figures: tuple[Figure, ...]
    cohorts: tuple[CohortLine, ...]
    savings_low: Decimal | None
    savings_mid: Decimal | None
    savings_high: Decimal | None
    savings_suppressed: bool
    savings_note: str | None
    savings_lines: tuple[SavingsLine, ...]
    annual_excess_cost: Decimal | None
    unmatched_lines: int
    unmatched_allowed: Decimal | None
    first_month: str
    last_month: str
    months_covered: int | None
    files: tuple[FileLine, ...]
    sized_at: datetime
    sized_by: str
    delivery: str
    method: str
    evidence_source: str
    warnings: tuple[str, ...]
    other_payers: tuple[str, ...]


USED_BY_SCENARIOS = (
    "the multiplier a scenario made from these claims uses (savings: cohort cost multiplier)"
)
FOR_COMPARISON = (
    "members with behavioral health against those without; shown for comparison, "
    "not used by scenarios (they use μ, against everyone)"
)
# (key, label, kind, note)
POPULATION_FIGURES = (
    ("members", "members", "count", None),
    ("member_months", "member-months", "count", None),
    ("tcoc_pmpm", "total cost of care PMPM", "money", None),
    ("bh_prevalence", "behavioral-health prevalence", "percent", None),
    (
        "bh_cost_multiplier",
        "cost multiplier, with vs without behavioral health",
        "ratio",
        FOR_COMPARISON,
    ),
    (
        "cohort_cost_multiplier",
        "cohort cost multiplier (μ), with BH vs everyone",
        "ratio",
        USED_BY_SCENARIOS,
    ),
    ("ed_visits_per_1000", "ED visits per 1,000 a year", "per_thousand", None),
    ("admissions_per_1000", "admissions per 1,000 a year", "per_thousand", None),
    ("top5pct_cost_share", "share of cost in the costliest 5% of members", "percent", None),
)
COHORTS = (
    ("with_bh", "with behavioral health"),
    ("without_bh", "without behavioral health"),
    ("chronic_with_bh", "chronic condition, with behavioral health"),
    ("chronic_without_bh", "chronic condition, without behavioral health"),
)


def list_claims_sizings(session: Session, organization_id: int) -> list[SizingView]:
    """Return the organization's sizings, newest first, ready to show."""
    records = session.scalars(
        select(ClaimsSizing)
        .where(ClaimsSizing.organization_id == organization_id)
        .options(selectinload(ClaimsSizing.created_by), selectinload(ClaimsSizing.organization))
        .order_by(ClaimsSizing.created_at.desc(), ClaimsSizing.id.desc())
    )
    return [sizing_view(record) for record in records]


def sizing_view(record: ClaimsSizing) -> SizingView:
    """Turn a stored sizing into typed figures for a page."""
    result = stored_result(record)
    provenance = record.provenance or {}
    payer = record.payer_name
    population = population_of(result, payer)
    hidden = population.suppressed
    shown = tuple(
        Figure(
            label,
            None if hidden else _figure(population, key),
            kind,
            hidden or _gone(population, key),
            note,
        )
        for key, label, kind, note in POPULATION_FIGURES
    )
    cohort_lines = tuple(
        _cohort_line(label, getattr(population.cohorts, key), hidden) for key, label in COHORTS
    )
    found = result.opportunity
    return SizingView(
        id=record.id,
        scope=f"payer {payer}" if payer else "all payers in the extract",
        payer=payer,
        baseline_tcoc_pmpm=record.baseline_tcoc_pmpm,
        cohort_cost_multiplier=record.cohort_cost_multiplier,
        figures=shown,
        cohorts=cohort_lines,
        savings_low=found.low,
        savings_mid=found.mid,
        savings_high=found.high,
        savings_suppressed=found.suppressed,
        savings_note=found.note,
        savings_lines=tuple(
            SavingsLine(item.label, item.low_rate, item.high_rate, item.low, item.mid, item.high)
            for item in found.estimates
        ),
        annual_excess_cost=found.annual_excess_cost,
        unmatched_lines=result.unmatched.claim_lines,
        unmatched_allowed=result.unmatched.allowed,
        first_month=f"{result.extract.first_month:%Y-%m}",
        last_month=f"{result.extract.last_month:%Y-%m}",
        months_covered=result.extract.months_covered,
        files=tuple(_file_line(item) for item in provenance.get("files") or ()),
        sized_at=record.created_at,
        sized_by=record.created_by.name if record.created_by else "—",
        delivery=provenance.get("delivery", UPLOAD),
        method=provenance.get("method", METHOD),
        evidence_source=provenance.get("evidence_source", ""),
        warnings=result.warnings,
        other_payers=other_payers(
            [name for name, _ in result.payers], record.organization.name, payer
        ),
    )


def stored_result(record: ClaimsSizing) -> SizingResult:
    """Read a sizing's stored figures as the typed result the sizing produced."""
    return SizingResult.from_json(record.figures)


def other_payers(names: Iterable[str], organization: str, payer: str | None) -> tuple[str, ...]:
    """The payers of the extract other than this one: neither the organization nor the payer
    the sizing was limited to, however the extract writes them ("BLUE VALLEY HEALTH PLAN, INC.")."""
    ours = {payer_key(name) for name in (organization, payer) if name}
    return tuple(name for name in names if payer_key(name) not in ours)


# Words a payer's name may carry or drop without naming another payer.
_NAME_SUFFIXES = {"inc", "llc", "corp", "corporation", "co", "company", "the"}


def payer_key(name: str) -> str:
    """A payer's name compared loosely: case, punctuation, spacing and legal suffixes aside."""
    words = re.sub(r"[^0-9a-z]+", " ", name.casefold()).split()
    return " ".join(word for word in words if word not in _NAME_SUFFIXES)


def claims_sizing_organization(session: Session, sizing_id: int) -> int | None:
    """Return the organization a sizing belongs to (where a finished job sends the person)."""
    return session.scalar(select(ClaimsSizing.organization_id).where(ClaimsSizing.id == sizing_id))


# -- scenarios ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimsOffer:
    """What a payer's latest sizing offers a scenario: the baseline and the cohort multiplier."""

    sizing_id: int
    organization_id: int
    organization_name: str
    payer_name: str | None
    baseline_tcoc_pmpm: Decimal | None
    cohort_cost_multiplier: Decimal | None
    claims_file: str
    sha256: str
    sha256_short: str
    rows_read: int | None
    sized_at: datetime

    def source(self) -> str:
        """Say where the figures came from: file, hash, rows and date."""
        rows = f", {self.rows_read:,} rows" if self.rows_read is not None else ""
        return (
            f"from {self.claims_file}, sha256 {self.sha256_short}…{rows}, {self.sized_at:%Y-%m-%d}"
        )


def get_claims_offer(session: Session, sizing_id: int) -> ClaimsOffer | None:
    """Return what one sizing offers a scenario, or None if it has neither figure."""
    record = session.get(ClaimsSizing, sizing_id)
    return _offer(record) if record is not None else None


def latest_claims_offer(session: Session, organization_id: int | None) -> ClaimsOffer | None:
    """Return the offer of the organization's latest sizing that has a figure to use."""
    if organization_id is None:
        return None
    records = session.scalars(
        select(ClaimsSizing)
        .where(ClaimsSizing.organization_id == organization_id)
        .order_by(ClaimsSizing.created_at.desc(), ClaimsSizing.id.desc())
    )
    return next((offer for offer in map(_offer, records) if offer is not None), None)


def fill_from_claims(
    data: Mapping[str, Any],
    offer: ClaimsOffer,
    add_payer: Callable[[dict], dict] | None = None,
) -> dict:
    """Return scenario form data with the offer's baseline and cohort multiplier filled in.

    The baseline goes to the payer row named as the organization (or as the sized payer); failing
    that to a single unnamed row; failing that `add_payer(data)` adds the organization's row.
    """
    data = dict(data)
    if offer.cohort_cost_multiplier is not None:
        savings = dict(data.get("savings") or {})
        savings["cohort_cost_multiplier"] = str(offer.cohort_cost_multiplier)
        data["savings"] = savings
    if offer.baseline_tcoc_pmpm is None:
        return data
    baseline = str(offer.baseline_tcoc_pmpm)
    names = {name.strip().lower() for name in (offer.organization_name, offer.payer_name) if name}
    payers = [dict(row) for row in data.get("payers") or ()]
    index = next(
        (i for i, row in enumerate(payers) if (row.get("name") or "").strip().lower() in names),
        None,
    )
    # A lone unnamed row takes the organization's name only when it cannot be filled from the
    # organization itself (members, rates and focus come with `add_payer`).
    unnamed = len(payers) == 1 and not (payers[0].get("name") or "").strip()
    if index is None and unnamed and add_payer is None:
        index = 0
        payers[0]["name"] = offer.organization_name
    if index is None and add_payer is not None:
        data = add_payer(data | {"payers": payers})
        payers = [dict(row) for row in data["payers"]]
        index = len(payers) - 1
    if index is not None:
        payers[index]["baseline_tcoc_pmpm"] = baseline
    return data | {"payers": payers}


def get_claims_source(session: Session, scenario: Scenario | None) -> ClaimsOffer | None:
    """Return the sizing a saved scenario's claims figures came from, or None."""
    if scenario is None or scenario.claims_sizing_id is None:
        return None
    return get_claims_offer(session, scenario.claims_sizing_id)


def use_claims_sizing(session: Session, scenario: Scenario, sizing_id: int, user_id: int) -> None:
    """Record that the scenario's baseline and cohort multiplier came from this sizing, which
    must be of the organization the scenario is for (ConflictError on `organization`)."""
    offer = get_claims_offer(session, sizing_id)
    if offer is None:
        return
    if offer.organization_id != scenario.organization_id:
        raise ConflictError(
            f"the claims figures filled in are {offer.organization_name}'s; the scenario must "
            "be for that organization to keep them (or fill them from this one's claims)",
            "organization",
        )
    scenario.claims_sizing_id = sizing_id
    record_event(
        session,
        "scenario.claims_used",
        user_id=user_id,
        target=scenario,
        details={"claims_sizing_id": sizing_id, "organization_id": offer.organization_id},
    )


def _offer(record: ClaimsSizing) -> ClaimsOffer | None:
    if record.baseline_tcoc_pmpm is None and record.cohort_cost_multiplier is None:
        return None
    files = {item.get("role"): item for item in (record.provenance or {}).get("files") or ()}
    claims = files.get(CLAIMS) or {}
    digest = claims.get("sha256") or ""
    return ClaimsOffer(
        sizing_id=record.id,
        organization_id=record.organization_id,
        organization_name=record.organization.name,
        payer_name=record.payer_name,
        baseline_tcoc_pmpm=record.baseline_tcoc_pmpm,
        cohort_cost_multiplier=record.cohort_cost_multiplier,
        claims_file=claims.get("name") or "the claims file",
        sha256=digest,
        sha256_short=digest[:SHORT_HASH],
        rows_read=claims.get("rows_read"),
        sized_at=record.created_at,
    )


def _file_line(item: Mapping[str, Any]) -> FileLine:
    digest = item.get("sha256") or ""
    return FileLine(
        role=item.get("role", ""),
        name=item.get("name", ""),
        sha256=digest,
        sha256_short=digest[:SHORT_HASH],
        bytes=item.get("bytes"),
        rows_read=item.get("rows_read"),
        path=item.get("path"),
    )


def _cohort_line(label: str, cohort: Cohort, hidden: bool) -> CohortLine:
    gone = hidden or cohort.suppressed
    return CohortLine(
        label=label,
        members=None if gone or cohort.members is None else Decimal(cohort.members),
        pmpm=None if gone else cohort.pmpm,
        ed_visits_per_1000=None if gone else cohort.ed_visits_per_1000,
        admissions_per_1000=None if gone else cohort.admissions_per_1000,
        suppressed=gone,
    )


def population_of(result: SizingResult, payer: str | None) -> Population:
    """The figures a sizing is about: its payer's when it was limited to one, else everyone's."""
    return dict(result.payers).get(payer, result.overall) if payer else result.overall


def _figure(population: Population, key: str) -> Decimal | None:
    value = getattr(population, key)
    return None if value is None else Decimal(value)


def _gone(population: Population, key: str) -> bool:
    return getattr(population, key) is None
