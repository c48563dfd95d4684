"""Load the validated reference library into the database: idempotent, keeping local edits.

Each row remembers the hash of the file entry it was loaded from. Loading again adds what is new,
updates what changed in the files, leaves alone what is unchanged, and keeps rows a person edited
in the app (`locally_edited`) unless forced. The caller owns the transaction.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.models import (
    BillingCode,
    DomainMetric,
    EvidenceItem,
    FeeScheduleEntry,
    Guideline,
    IntegrationModel,
    Organization,
    ProfileDomainWeight,
    QualityMeasure,
    StakeholderProfile,
    ValueDomain,
)
from workbench.models.enums import IntegrationKind, OrganizationKind, PayerType
from workbench.services.audit import record_event
from workbench.services.library_files import ReferenceLibrary


@dataclass
class LoadReport:
    """What a load did, per kind of row: added, updated, unchanged, kept (edited locally)."""

    counts: Counter = field(default_factory=Counter)

    def tally(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def total(self, outcome: str) -> int:
        return sum(n for (_, done), n in self.counts.items() if done == outcome)

    def summary(self) -> str:
        outcomes = ("added", "updated", "unchanged", "kept")
        return ", ".join(f"{self.total(outcome)} {outcome}" for outcome in outcomes)


def load_library(session: Session, library: ReferenceLibrary, force: bool = False) -> LoadReport:
    """Write the library's rows, adding and updating as needed; return what was done."""
    loader = _Loader(session, force)
    domains = {}
    for position, entry in enumerate(library.domains):
        domains[entry.key] = loader.upsert(ValueDomain, entry, _domain_values(entry, position))
        if loader.changed:
            _sync_metrics(session, domains[entry.key], entry)
    for item in library.evidence:
        loader.upsert(EvidenceItem, item, _evidence_values(item, domains))
    codes = {
        c.code: loader.upsert(BillingCode, c, c.model_dump(), key="code") for c in library.codes
    }
    for schedule in library.fee_schedules:
        _load_fee_schedule(loader, schedule, codes)
    for measure in library.measures:
        domain_rows = [domains[key] for key in measure.domains]
        loader.upsert(QualityMeasure, measure, measure.model_dump() | {"domains": domain_rows})
    for entry in (*library.levels, *library.models):
        loader.upsert(IntegrationModel, entry, _integration_values(entry))
    for guideline in library.guidelines:
        loader.upsert(Guideline, guideline, guideline.model_dump())
    for profile in library.profiles:
        row = loader.upsert(StakeholderProfile, profile, _profile_values(profile))
        if loader.changed:
            _sync_weights(session, row, profile, domains)
    session.flush()
    if loader.report.total("added") or loader.report.total("updated"):
        summary = loader.report.summary()
        record_event(session, "library.loaded", details={"force": force, "summary": summary})
    return loader.report


class _Loader:
    """Upserts rows by natural key, comparing the entry's hash with the one last loaded."""

    def __init__(self, session: Session, force: bool):
        self.session = session
        self.force = force
        self.report = LoadReport()
        self.changed = False

    def upsert(
        self,
        model: type,
        entry: BaseModel | dict[str, Any],
        values: dict[str, Any],
        key: str = "key",
        where: list | None = None,
    ) -> Any:
        """Add or update the row for `entry` (found by `key`, or by the `where` criteria)."""
        criteria = where if where is not None else [getattr(model, key) == values[key]]
        row = self.session.scalar(select(model).where(*criteria))
        digest = entry_hash(entry)
        if row is None:
            row = model(**values, source_hash=digest)
            self.session.add(row)
            outcome = "added"
        elif row.locally_edited and not self.force:
            outcome = "kept"
        elif row.source_hash == digest and not row.locally_edited:
            outcome = "unchanged"
        else:
            _assign(row, values | {"source_hash": digest, "locally_edited": False})
            outcome = "updated"
        self.changed = outcome in ("added", "updated")
        self.report.tally(model.__tablename__, outcome)
        return row


def entry_hash(entry: BaseModel | dict[str, Any]) -> str:
    """Hash a file entry's content, so a reload can tell an unchanged entry from a changed one."""
    data = entry.model_dump(mode="json") if isinstance(entry, BaseModel) else entry
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _domain_values(entry: BaseModel, position: int) -> dict[str, Any]:
    return {
        "key": entry.key,
        "name": entry.name,
        "description": entry.description,
        "position": position,
    }


def _sync_metrics(session: Session, domain: ValueDomain, entry: BaseModel) -> None:
    """Update a domain's metrics in place by key (delete-then-insert would clash on the key)."""
    existing = {metric.key: metric for metric in domain.metrics}
    for position, metric in enumerate(entry.metrics):
        values = metric.model_dump() | {"position": position}
        row = existing.get(metric.key) or session.scalar(
            select(DomainMetric).where(DomainMetric.key == metric.key)
        )
        if row is None:
            domain.metrics.append(DomainMetric(**values))
        else:
            _assign(row, values | {"domain": domain})


def _evidence_values(item: BaseModel, domains: dict[str, ValueDomain]) -> dict[str, Any]:
    effect, verification, preset = item.effect, item.verification, item.savings_preset
    months = item.horizon_months
    return item.model_dump(exclude={"effect", "domains", "verification", "savings_preset"}) | {
        # The pages and the local-evidence form still speak in years of follow-up.
        "follow_up_years": None if months is None else Decimal(months) / 12,
        "effect_value": effect.value,
        "effect_low": effect.low,
        "effect_high": effect.high,
        "effect_unit": effect.unit,
        "effect_interval": effect.interval,
        "effect_net_of_program_cost": effect.net_of_program_cost,
        "effect_description": effect.description,
        "effect_caution": effect.caution,
        "verification_status": verification.status,
        "verified_source": verification.source,
        "checked_on": verification.checked,
        "verification_note": verification.why,
        # Only the amount of its basis: the keys a method-2 scenario's savings section reads.
        "savings_preset": None
        if preset is None
        else preset.model_dump(mode="json", exclude_none=True),
        "domains": [domains[key] for key in item.domains],
    }


def _load_fee_schedule(loader: _Loader, schedule: BaseModel, codes: dict[str, BillingCode]) -> None:
    """Load a published fee schedule as the rates of a payer organization named after it."""
    payer_values = {
        "name": schedule.payer,
        "kind": OrganizationKind.PAYER,
        "payer_type": PayerType.MEDICARE,
    }
    payer = loader.upsert(Organization, payer_values, payer_values, key="name")
    loader.session.flush()
    source = f"{schedule.source} (conversion factor {schedule.conversion_factor})"
    for code, rate in schedule.rates.items():
        values = {
            "organization_id": payer.id,
            "code_id": codes[code].id,
            "rate": rate,
            "effective_from": schedule.effective_from,
            "effective_to": schedule.effective_to,
            "source": source,
        }
        where = [
            FeeScheduleEntry.organization_id == payer.id,
            FeeScheduleEntry.code_id == codes[code].id,
            FeeScheduleEntry.effective_from == schedule.effective_from,
        ]
        loader.upsert(FeeScheduleEntry, values, values, where=where)


def _integration_values(entry: BaseModel) -> dict[str, Any]:
    data = entry.model_dump(mode="json")
    kind = IntegrationKind.LEVEL if "level" in data else IntegrationKind.MODEL
    common = {"key", "name", "description", "level"}
    return {
        "key": entry.key,
        "kind": kind,
        "level": data.get("level"),
        "name": entry.name,
        "description": entry.description,
        "details": {k: v for k, v in data.items() if k not in common},
    }


def _profile_values(profile: BaseModel) -> dict[str, Any]:
    data = profile.model_dump(mode="json")
    fields = {"key", "name", "category", "summary", "domain_weights"}
    return {
        "key": profile.key,
        "name": profile.name,
        "category": profile.category,
        "summary": profile.summary,
        "content": {k: v for k, v in data.items() if k not in fields},
    }


def _sync_weights(
    session: Session, row: StakeholderProfile, profile: BaseModel, domains: dict[str, ValueDomain]
) -> None:
    """Set the profile's domain weights in place, one row per domain."""
    session.flush()
    existing = {weight.domain_id: weight for weight in row.weights}
    for key, weight in profile.domain_weights.items():
        domain = domains[key]
        if domain.id in existing:
            existing[domain.id].weight = weight
        else:
            row.weights.append(ProfileDomainWeight(domain=domain, weight=weight))


def _assign(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)
