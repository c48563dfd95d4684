"""Claims sizing as a use case: the savings rates from the evidence library, then the sizing.

The sizing itself (workbench.claims) is pure; this module brings what only the application has:
the published savings percentages in the database and the settings in the app's configuration.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from workbench.claims import (
    ProgressCallback,
    SavingsRate,
    SizingOptions,
    SizingResult,
    size_claims,
)
from workbench.models import EvidenceItem, live
from workbench.models.enums import EvidenceKind
from workbench.services.library_files import LibraryError, read_library

# The evidence unit of a percentage saving of total cost (library_schema.Effect.unit).
SAVINGS_UNIT = "percent_savings"
VERIFIED = "verified"
HUNDRED = Decimal(100)
FROM_DATABASE = "the evidence library in the database"
FROM_REFERENCE = "the reference evidence file (the database has none: run `workbench init`)"
FROM_NOWHERE = "nowhere: no savings evidence loaded"


@dataclass(frozen=True)
class SavingsEvidence:
    """The savings rates to apply, and where they were found."""

    rates: tuple[SavingsRate, ...]
    source: str


@dataclass(frozen=True)
class SizedExtract:
    result: SizingResult
    evidence_source: str


def get_savings_rates(session: Session) -> list[SavingsRate]:
    """Return the published, verified percentage savings in the database, as fractions.

    An unverified figure (one known only second-hand) never sizes a payer's opportunity.
    """
    query = (
        select(EvidenceItem)
        .where(
            EvidenceItem.effect_unit == SAVINGS_UNIT,
            EvidenceItem.kind == EvidenceKind.PUBLISHED,
            EvidenceItem.verification_status == VERIFIED,
            live(EvidenceItem),
        )
        .order_by(EvidenceItem.key)
    )
    if not inspect(session.connection()).has_table(EvidenceItem.__tablename__):
        return []  # `workbench init` has not been run on this database yet
    items = session.scalars(query).all()
    return [
        _rate(item.key, item.study, item.effect_value, item.effect_low, item.effect_high)
        for item in items
    ]


def reference_savings_rates(profiles_dir: Path) -> list[SavingsRate]:
    """Return the same rates from the reference evidence file, or none if it cannot be read."""
    try:
        library = read_library(Path(profiles_dir))
    except LibraryError:
        return []
    return [
        _rate(item.key, item.study, item.effect.value, item.effect.low, item.effect.high)
        for item in sorted(library.evidence, key=lambda item: item.key)
        if item.effect.unit == SAVINGS_UNIT
        and item.kind == EvidenceKind.PUBLISHED
        and item.verification.status == VERIFIED
    ]


def load_savings_rates(session: Session, profiles_dir: Path) -> SavingsEvidence:
    """Return the database's savings rates, else the reference file's, saying which."""
    rates = get_savings_rates(session)
    if rates:
        return SavingsEvidence(tuple(rates), FROM_DATABASE)
    rates = reference_savings_rates(profiles_dir)
    if rates:
        return SavingsEvidence(tuple(rates), FROM_REFERENCE)
    return SavingsEvidence((), FROM_NOWHERE)


def sizing_options(
    config: Mapping[str, Any],
    payer: str | None = None,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
) -> SizingOptions:
    """Build the sizing options from the app's configuration and the caller's choices."""
    defaults = SizingOptions()
    return SizingOptions(
        memory_limit=memory_limit
        or config.get("WORKBENCH_CLAIMS_MEMORY_LIMIT")
        or defaults.memory_limit,
        temp_directory=temp_directory or config.get("WORKBENCH_CLAIMS_TEMP_DIR"),
        threads=config.get("WORKBENCH_CLAIMS_THREADS") or defaults.threads,
        max_claims_bytes=config.get("WORKBENCH_CLAIMS_MAX_BYTES") or defaults.max_claims_bytes,
        payer=payer,
        max_rows=config.get("WORKBENCH_CLAIMS_MAX_ROWS"),
        max_seconds=config.get("WORKBENCH_CLAIMS_SECONDS"),
    )


def size_extract(
    session: Session,
    members: Path,
    claims: Path,
    options: SizingOptions,
    profiles_dir: Path,
    progress: ProgressCallback | None = None,
) -> SizedExtract:
    """Size a claims extract with the library's savings rates; raises ClaimsSizingError."""
    evidence = load_savings_rates(session, profiles_dir)
    result = size_claims(members, claims, evidence.rates, options, progress)
    return SizedExtract(result, evidence.source)


def _rate(
    key: str, label: str, value: Decimal | None, low: Decimal | None, high: Decimal | None
) -> SavingsRate:
    """A rate from an evidence effect written in percent (8.1 means 8.1%)."""
    low = value if low is None else low
    high = value if high is None else high
    return SavingsRate(key, label, Decimal(low) / HUNDRED, Decimal(high) / HUNDRED)
