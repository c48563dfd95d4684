"""Plain, frozen copies of the reference library that documents are built from.

Templates never see ORM objects: the service copies what a document needs into these, so a
render cannot lazy-load, and the inputs of an artifact can be hashed and stored.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DomainInfo:
    key: str
    name: str
    description: str
    metrics: tuple[tuple[str, str], ...]  # (key, name)


@dataclass(frozen=True)
class SavingsRange:
    """The savings an evidence item supports, on a scenario's basis: the figure and its range."""

    basis: str  # per_treated_month (dollars) or percent_of_cohort_tcoc (a fraction)
    amount: Decimal | None
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class EvidenceInfo:
    key: str
    study: str
    citation: str
    year: int | None
    population: str
    effect: str
    caution: str | None  # travels with the effect wherever it is printed
    verified: bool  # checked against its primary source; only verified items are cited
    stance: str
    kind: str
    domains: tuple[str, ...]
    note: str | None
    design: str | None = None
    savings: SavingsRange | None = None  # what the item supports as a savings assumption


@dataclass(frozen=True)
class MeasureInfo:
    key: str
    name: str
    abbreviation: str | None
    program: str
    description: str
    target: str | None
    domains: tuple[str, ...]


@dataclass(frozen=True)
class ProfileInfo:
    key: str
    name: str
    category: str
    summary: str
    weights: tuple[tuple[str, Decimal], ...]  # (domain key, weight)
    whats_in_it_for_them: tuple[str, ...]
    asks: tuple[str, ...]
    objections: tuple[tuple[str, str, tuple[str, ...]], ...]  # (objection, response, evidence)
    metrics: tuple[str, ...]
    payment_models: tuple[str, ...]
    talking_points: tuple[str, ...]
    ask_in_their_terms: str
    evidence_focus: tuple[str, ...]


@dataclass(frozen=True)
class ModelInfo:
    """A named integration model (CoCM, PCBH...), for the proposal's program section."""

    key: str
    name: str
    description: str
    team: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class OwnOrganization:
    """Our own organization as the documents name it: its name, and a contact if one is recorded."""

    name: str
    contact: str | None = None  # "Name, title, email, phone" of its first contact


@dataclass(frozen=True)
class LibrarySnapshot:
    """What the documents draw on besides the scenario: profiles, domains, evidence, measures."""

    domains: tuple[DomainInfo, ...]
    evidence: tuple[EvidenceInfo, ...]
    measures: tuple[MeasureInfo, ...]
    profiles: tuple[ProfileInfo, ...]
    integration_models: tuple[ModelInfo, ...]

    def profile(self, key: str) -> ProfileInfo:
        return next(profile for profile in self.profiles if profile.key == key)

    def domain(self, key: str) -> DomainInfo:
        return next(domain for domain in self.domains if domain.key == key)

    def evidence_item(self, key: str) -> EvidenceInfo:
        return next(item for item in self.evidence if item.key == key)
