"""The library's pages: stakeholder profiles to read, the evidence library, local pilot results.

Profiles and published evidence come from the files `workbench init` loads. A lead adds local
evidence (pilot results) here; those rows are marked `locally_edited` so a later load keeps them.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.documents.snapshot import ProfileInfo
from workbench.models import EvidenceItem, User, ValueDomain, live
from workbench.models.enums import EvidenceKind, Stance
from workbench.services.audit import record_event
from workbench.services.documents import get_library_snapshot

LOCAL_KEY_PREFIX = "local_"
KEY_LENGTH = 64
# How each effect unit of the evidence file reads on a page (sign: positive = savings).
EFFECT_UNITS = {
    "usd_pmpm": "$ PMPM",
    "usd_per_patient": "$ per patient",
    "usd_per_employee_year": "$ per employee a year",
    "usd_billion_per_year": "$ billion a year",
    "percent": "%",
    "percent_savings": "% of cost saved",
    "multiplier": "× (times)",
    "ratio": "ratio",
    "count": "count",
    "percent_of_patients": "% of patients",
}


@dataclass(frozen=True)
class EvidenceLine:
    """One study in the evidence table, its effect trimmed of stored trailing zeros."""

    key: str
    study: str
    year: int | None
    effect_value: Decimal | None
    effect_low: Decimal | None
    effect_high: Decimal | None
    unit: str
    stance: str
    kind: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceDetail:
    """One study or pilot in full: its line in the table plus the citation, population, note."""

    line: EvidenceLine
    citation: str
    population: str
    effect_description: str
    follow_up_years: Decimal | None
    source_pages: str | None
    note: str | None


@dataclass(frozen=True)
class EvidenceLibrary:
    """The evidence table as filtered, and the choices of the filters."""

    items: tuple[EvidenceLine, ...]
    domains: tuple[tuple[str, str], ...]
    domain: str
    stance: str
    kind: str


@dataclass(frozen=True)
class EvidenceRef:
    key: str
    study: str
    year: int | None
    known: bool


@dataclass(frozen=True)
class Objection:
    objection: str
    response: str
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class DomainWeight:
    name: str
    weight: Decimal


@dataclass(frozen=True)
class ProfilePage:
    """A stakeholder profile as its page shows it: weights heaviest first, references named."""

    info: ProfileInfo
    weights: tuple[DomainWeight, ...]
    objections: tuple[Objection, ...]
    metrics: tuple[str, ...]
    evidence_focus: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class LocalEvidence:
    """A local pilot result as a lead enters it, with its source."""

    study: str
    citation: str
    source_pages: str | None
    year: int | None
    population: str
    effect_value: Decimal | None
    effect_low: Decimal | None
    effect_high: Decimal | None
    effect_unit: str
    effect_description: str
    follow_up_years: Decimal | None
    domains: tuple[str, ...]
    stance: str
    note: str | None


def list_domains(session: Session) -> list[tuple[str, str]]:
    """Return the value domains as (key, name), in their canonical order."""
    rows = session.execute(select(ValueDomain.key, ValueDomain.name).order_by(ValueDomain.position))
    return [(key, name) for key, name in rows]


def list_evidence(
    session: Session, domain: str = "", stance: str = "", kind: str = ""
) -> EvidenceLibrary:
    """Return the evidence, optionally only one value domain's, stance or kind."""
    query = (
        select(EvidenceItem)
        .where(live(EvidenceItem))
        .options(selectinload(EvidenceItem.domains))
        .order_by(EvidenceItem.study)
    )
    domains = tuple(list_domains(session))
    domain = domain if domain in dict(domains) else ""
    if domain:
        query = query.where(EvidenceItem.domains.any(ValueDomain.key == domain))
    stance = stance if stance in {s.value for s in Stance} else ""
    if stance:
        query = query.where(EvidenceItem.stance == Stance(stance))
    kind = kind if kind in {k.value for k in EvidenceKind} else ""
    if kind:
        query = query.where(EvidenceItem.kind == EvidenceKind(kind))
    items = tuple(_evidence_line(item) for item in session.scalars(query))
    return EvidenceLibrary(items, domains, domain, stance, kind)


def get_evidence(session: Session, key: str) -> EvidenceDetail | None:
    """Return one evidence item in full by key, or None."""
    item = session.scalar(
        select(EvidenceItem)
        .where(EvidenceItem.key == key, live(EvidenceItem))
        .options(selectinload(EvidenceItem.domains))
    )
    if item is None:
        return None
    return EvidenceDetail(
        line=_evidence_line(item),
        citation=item.citation,
        population=item.population,
        effect_description=item.effect_description,
        follow_up_years=_trimmed(item.follow_up_years),
        source_pages=item.source_pages,
        note=item.note,
    )


def get_profile(session: Session, key: str) -> ProfilePage | None:
    """Return a stakeholder profile with its weights ordered and its references named."""
    library = get_library_snapshot(session)
    info = next((profile for profile in library.profiles if profile.key == key), None)
    if info is None:
        return None
    names = {domain.key: domain.name for domain in library.domains}
    order = list(names)
    metric_names = dict(pair for domain in library.domains for pair in domain.metrics)
    evidence = {item.key: item for item in library.evidence}

    def reference(evidence_key: str) -> EvidenceRef:
        item = evidence.get(evidence_key)
        if item is None:
            return EvidenceRef(evidence_key, evidence_key, None, False)
        return EvidenceRef(evidence_key, item.study, item.year, True)

    heaviest = sorted(info.weights, key=lambda pair: (-pair[1], order.index(pair[0])))
    return ProfilePage(
        info=info,
        weights=tuple(DomainWeight(names[domain], weight) for domain, weight in heaviest),
        objections=tuple(
            Objection(objection, response, tuple(reference(k) for k in keys))
            for objection, response, keys in info.objections
        ),
        metrics=tuple(metric_names.get(m, m.replace("_", " ")) for m in info.metrics),
        evidence_focus=tuple(reference(k) for k in info.evidence_focus),
    )


def create_local_evidence(session: Session, evidence: LocalEvidence, user: User) -> EvidenceItem:
    """Add a local pilot result to the evidence library, under a new unique key."""
    domains = session.scalars(select(ValueDomain).where(ValueDomain.key.in_(evidence.domains)))
    item = EvidenceItem(
        key=_unique_key(session, evidence.study, evidence.year),
        study=evidence.study,
        citation=evidence.citation,
        source_pages=evidence.source_pages,
        year=evidence.year,
        population=evidence.population,
        effect_value=evidence.effect_value,
        effect_low=evidence.effect_low,
        effect_high=evidence.effect_high,
        effect_unit=evidence.effect_unit,
        effect_description=evidence.effect_description,
        follow_up_years=evidence.follow_up_years,
        kind=EvidenceKind.LOCAL_PILOT,
        stance=Stance(evidence.stance),
        note=evidence.note,
        domains=list(domains),
        locally_edited=True,
    )
    session.add(item)
    session.flush()
    details = {"key": item.key, "study": item.study}
    record_event(session, "evidence.created", user_id=user.id, target=item, details=details)
    return item


def _evidence_line(item: EvidenceItem) -> EvidenceLine:
    return EvidenceLine(
        key=item.key,
        study=item.study,
        year=item.year,
        effect_value=_trimmed(item.effect_value),
        effect_low=_trimmed(item.effect_low),
        effect_high=_trimmed(item.effect_high),
        unit=EFFECT_UNITS.get(item.effect_unit, item.effect_unit),
        stance=str(item.stance),
        kind=str(item.kind),
        domains=tuple(domain.name for domain in item.domains),
    )


def _trimmed(value: Decimal | None) -> Decimal | None:
    """Drop the zeros the column's four places add (70.0000 is shown as 70)."""
    if value is None:
        return None
    trimmed = value.normalize()
    return trimmed.quantize(Decimal(1)) if trimmed == trimmed.to_integral_value() else trimmed


def _unique_key(session: Session, study: str, year: int | None) -> str:
    """Make a key like local_collaborative_care_pilot_2025, numbered if it is taken."""
    words = re.sub(r"[^a-z0-9]+", "_", study.lower()).strip("_")
    stem = f"{LOCAL_KEY_PREFIX}{words}"[: KEY_LENGTH - 8].rstrip("_")
    if year is not None:
        stem = f"{stem}_{year}"
    taken = set(
        session.scalars(
            select(EvidenceItem.key).where(EvidenceItem.key.startswith(stem, autoescape=True))
        )
    )
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}_{number}", number + 1
    return key
