"""Read-only summaries for the home page: the pipeline, meetings ahead, the review queue."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from workbench.models import (
    BillingCode,
    DocumentArtifact,
    EvidenceItem,
    Negotiation,
    Organization,
    ProfileDomainWeight,
    QualityMeasure,
    Scenario,
    StakeholderProfile,
    User,
    ValueDomain,
    live,
)
from workbench.models.enums import DocumentKind, DocumentStatus, NegotiationStage, OrganizationKind
from workbench.services.negotiations import current_ask, latest_gap, offer_gaps
from workbench.services.our_organization import get_our_organization
from workbench.services.review import newer_version


@dataclass(frozen=True)
class ProfileLine:
    key: str
    name: str
    category: str
    top_domains: tuple[str, ...]


@dataclass(frozen=True)
class LibraryOverview:
    profiles: tuple[ProfileLine, ...]
    counts: dict[str, int]


def get_library_overview(session: Session) -> LibraryOverview:
    """Return the loaded profiles, with their three heaviest domains, and row counts."""
    # Columns, not profiles: the dashboard shows every one of them, and a profile's `content`
    # (its whole document) and two lazy loads each made the page's slowest part.
    profiles = session.execute(
        select(
            StakeholderProfile.id,
            StakeholderProfile.key,
            StakeholderProfile.name,
            StakeholderProfile.category,
        )
        .where(live(StakeholderProfile))
        .order_by(StakeholderProfile.category, StakeholderProfile.name)
    ).all()
    heaviest_first = session.execute(
        select(ProfileDomainWeight.profile_id, ValueDomain.name)
        .join(ValueDomain, ProfileDomainWeight.domain)
        .order_by(ProfileDomainWeight.weight.desc(), ValueDomain.position)
    ).all()
    counted = {
        "value domains": ValueDomain,
        "evidence items": EvidenceItem,
        "billing codes": BillingCode,
        "quality measures": QualityMeasure,
        "organizations": Organization,
    }
    each_count = (
        select(func.count()).select_from(model).scalar_subquery() for model in counted.values()
    )
    counts = dict(zip(counted, session.execute(select(*each_count)).one(), strict=True))
    domains: dict[int, list[str]] = {}
    for profile_id, domain in heaviest_first:
        domains.setdefault(profile_id, []).append(domain)
    lines = tuple(
        ProfileLine(key, name, str(category), tuple(domains.get(profile_id, [])[:3]))
        for profile_id, key, name, category in profiles
    )
    return LibraryOverview(profiles=lines, counts=counts)


@dataclass(frozen=True)
class PipelineCard:
    negotiation_id: int
    title: str
    payer: str
    next_meeting_at: datetime | None
    ask: Decimal | None
    gap: Decimal | None


@dataclass(frozen=True)
class ReviewLine:
    document_id: int
    title: str
    kind: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class SentBackLine:
    """A document of yours an executive sent back, with what to change (its latest version)."""

    document_id: int
    title: str
    reviewer: str
    comment: str


@dataclass(frozen=True)
class ChecklistStep:
    """One step of a new team's way to a first negotiation, ticked from what the database holds."""

    key: str
    done: bool


@dataclass(frozen=True)
class Dashboard:
    pipeline: tuple[tuple[str, tuple[PipelineCard, ...]], ...]
    next_meetings: tuple[PipelineCard, ...]
    awaiting_review: tuple[ReviewLine, ...]
    sent_back: tuple[SentBackLine, ...]
    checklist: tuple[ChecklistStep, ...]
    our_organization: str | None
    library: LibraryOverview

    @property
    def checklist_done(self) -> bool:
        """Tell whether every first-run step is done (the checklist is then left out)."""
        return all(step.done for step in self.checklist)


def get_checklist(session: Session, ours: Organization | None) -> tuple[ChecklistStep, ...]:
    """Tick the first-run steps: ours, payer, scenario, proposal, review, negotiation (one
    query for the five that the database answers)."""
    proposal = DocumentArtifact.kind == DocumentKind.PROPOSAL
    approved = DocumentArtifact.status.in_((DocumentStatus.APPROVED, DocumentStatus.SENT))
    found = {
        # A payer the team added: `workbench init` loads Medicare's fee schedule as one.
        "payer": exists().where(
            Organization.kind == OrganizationKind.PAYER,
            Organization.source_hash.is_(None),
            live(Organization),
        ),
        "scenario": exists().where(live(Scenario)),
        "proposal": exists().where(proposal),
        "review": exists().where(proposal, approved),
        "negotiation": exists().where(Negotiation.id.is_not(None)),
    }
    done = session.execute(select(*(q.label(key) for key, q in found.items()))).one()
    return (
        ChecklistStep("our_organization", ours is not None),
        *(ChecklistStep(key, bool(value)) for key, value in zip(found, done, strict=True)),
    )


def list_sent_back(session: Session, user: User) -> tuple[SentBackLine, ...]:
    """Return the author's documents sent back and not yet followed by a newer version."""
    documents = session.scalars(
        select(DocumentArtifact)
        .where(
            DocumentArtifact.status == DocumentStatus.SENT_BACK,
            DocumentArtifact.created_by_id == user.id,
        )
        .options(selectinload(DocumentArtifact.reviewed_by))
        .order_by(DocumentArtifact.reviewed_at.desc())
    ).all()
    return tuple(
        SentBackLine(
            d.id, d.title, d.reviewed_by.name if d.reviewed_by else "—", d.review_comment or ""
        )
        for d in documents
        if newer_version(session, d) is None
    )


def get_dashboard(session: Session, now: datetime, user: User) -> Dashboard:
    """Return the pipeline stage by stage, the meetings ahead, the documents awaiting review,
    the person's documents sent back and the first-run checklist."""
    negotiations = session.scalars(
        select(Negotiation)
        .options(selectinload(Negotiation.organization), selectinload(Negotiation.offers))
        .order_by(Negotiation.next_meeting_at.is_(None), Negotiation.next_meeting_at)
    ).all()
    cards = {negotiation.id: _card(negotiation) for negotiation in negotiations}
    pipeline = tuple(
        (str(stage), tuple(cards[n.id] for n in negotiations if n.stage == stage))
        for stage in NegotiationStage
    )
    upcoming = tuple(
        cards[n.id] for n in negotiations if n.next_meeting_at and n.next_meeting_at >= now
    )
    documents = session.scalars(
        select(DocumentArtifact)
        .where(DocumentArtifact.status == DocumentStatus.IN_REVIEW)
        .options(selectinload(DocumentArtifact.created_by))
        .order_by(DocumentArtifact.created_at)
    ).all()
    review = tuple(
        ReviewLine(
            d.id, d.title, str(d.kind), d.created_by.name if d.created_by else "—", d.created_at
        )
        for d in documents
    )
    ours = get_our_organization(session)
    return Dashboard(
        pipeline,
        upcoming[:8],
        review,
        list_sent_back(session, user),
        get_checklist(session, ours),
        ours.name if ours else None,
        get_library_overview(session),
    )


def _card(negotiation: Negotiation) -> PipelineCard:
    gaps = offer_gaps(negotiation.offers)
    gap = latest_gap(gaps)
    return PipelineCard(
        negotiation.id,
        negotiation.title,
        negotiation.organization.name,
        negotiation.next_meeting_at,
        ask=current_ask(gaps),
        gap=gap.gap if gap else None,
    )
