"""The life of a generated document after rendering: listing, versions, review and sending.

A lead submits a draft for review; an executive approves it (after which its bytes can never
change: see services/documents.py) or sends it back with a comment; a lead marks an approved
document as sent. Each step is audited in the same transaction.
"""

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from workbench import engine
from workbench.documents.context import UNNAMED_PROVIDER
from workbench.errors import ConflictError
from workbench.models import (
    DocumentArtifact,
    Job,
    Scenario,
    StakeholderProfile,
    User,
    live,
    utcnow,
)
from workbench.models.enums import DocumentKind, DocumentStatus, NegotiationStage
from workbench.services.audit import record_event
from workbench.services.documents import (
    build_document_request,
    prepare_stamp,
    request_document,
    write_stamp,
)
from workbench.services.negotiations import advance_stage, negotiations_with, scenario_payer


class ReviewError(ConflictError):
    """A review step that does not fit the document's status (409), or lacks its comment."""


@dataclass(frozen=True)
class GenerationChoices:
    """What a person can generate a document from: saved scenarios and loaded profiles."""

    scenarios: tuple[Scenario, ...]
    profiles: tuple[StakeholderProfile, ...]
    kinds: tuple[str, ...]


def get_generation_choices(session: Session) -> GenerationChoices:
    """Return the scenarios and stakeholder profiles the generate form offers."""
    scenarios = session.scalars(
        select(Scenario).where(live(Scenario)).order_by(Scenario.name)
    ).all()
    profiles = session.scalars(
        select(StakeholderProfile).where(live(StakeholderProfile)).order_by(StakeholderProfile.name)
    ).all()
    return GenerationChoices(tuple(scenarios), tuple(profiles), DocumentKind.slugs())


def start_document(
    session: Session, scenario_id: int, kind: str, stakeholders: tuple[str, ...], user: User
) -> tuple[DocumentArtifact | None, Job | None]:
    """Return the stored document for this request, or the job that is now rendering it."""
    scenario = session.get(Scenario, scenario_id)
    if scenario is None or scenario.deleted_at is not None:
        raise ReviewError("that scenario does not exist any more")
    request = build_document_request(session, kind, stakeholders, None)
    made = request_document(
        session,
        engine.parse_scenario(scenario.inputs),
        request,
        user_id=user.id,
        scenario_id=scenario.id,
    )
    if kind == DocumentKind.PROPOSAL:
        _follow_proposal(session, scenario, NegotiationStage.PROPOSAL_DRAFTED, user, "drafted")
    return made


def list_documents(session: Session, status: str = "") -> list[DocumentArtifact]:
    """Return the generated documents, newest first, optionally of one status."""
    query = select(DocumentArtifact).options(
        selectinload(DocumentArtifact.created_by), selectinload(DocumentArtifact.profile)
    )
    if status:
        query = query.where(DocumentArtifact.status == DocumentStatus(status))
    return list(session.scalars(query.order_by(DocumentArtifact.created_at.desc())))


def list_review_queue(session: Session) -> list[DocumentArtifact]:
    """Return the documents waiting for an executive, oldest first."""
    return list(
        session.scalars(
            select(DocumentArtifact)
            .where(DocumentArtifact.status == DocumentStatus.IN_REVIEW)
            .options(selectinload(DocumentArtifact.created_by))
            .order_by(DocumentArtifact.created_at)
        )
    )


def get_document(session: Session, document_id: int) -> DocumentArtifact | None:
    """Return one document, or None."""
    return session.get(DocumentArtifact, document_id)


def list_versions(session: Session, artifact: DocumentArtifact) -> list[DocumentArtifact]:
    """Return every document of the same kind made from the same scenario, newest first."""
    same_source = (
        DocumentArtifact.scenario_id == artifact.scenario_id
        if artifact.scenario_id is not None
        else DocumentArtifact.id == artifact.id
    )
    same_audience = (
        DocumentArtifact.profile_id.is_(None)
        if artifact.profile_id is None
        else DocumentArtifact.profile_id == artifact.profile_id
    )
    query = select(DocumentArtifact).where(
        DocumentArtifact.kind == artifact.kind, same_source, same_audience
    )
    return list(
        session.scalars(
            query.order_by(DocumentArtifact.created_at.desc(), DocumentArtifact.id.desc())
        )
    )


def submit_for_review(session: Session, artifact: DocumentArtifact, user: User) -> None:
    """Send a draft (or a document sent back) to the executives' review queue.

    A version with a newer one beside it is superseded: submitting it would put an old version
    in the queue under the same title as the new one.
    """
    newer = newer_version(session, artifact)
    if newer is not None:
        raise ReviewError(
            f"a newer version of this document exists (made {newer.created_at:%Y-%m-%d %H:%M} "
            "UTC); submit that one instead"
        )
    _claim(session, artifact, artifact.status, DocumentStatus.IN_REVIEW, "submitted")
    record_event(session, "document.submitted", user_id=user.id, target=artifact)
    _follow_document(session, artifact, NegotiationStage.IN_REVIEW, user, "submitted for review")


def newer_version(session: Session, artifact: DocumentArtifact) -> DocumentArtifact | None:
    """Return the newest version made after this one, or None when this is the latest."""
    latest = list_versions(session, artifact)[0]
    return None if latest.id == artifact.id else latest


def approve(session: Session, artifact: DocumentArtifact, user: User, comment: str) -> None:
    """Approve a document in review; from then on it is frozen.

    The transition is claimed first, by one conditional update: of two executives approving at
    once exactly one changes the row, and the other is refused before the ~2 s stamp. The stamp
    is rendered after the claim, in the same unit of work, so a failed render undoes the approval.
    """
    _require_our_name(artifact)
    stamp = prepare_stamp(session, artifact)
    _claim(
        session,
        artifact,
        DocumentStatus.IN_REVIEW,
        DocumentStatus.APPROVED,
        "approved",
        **_reviewed(user, comment.strip() or None),
    )
    record_event(session, "document.approved", user_id=user.id, target=artifact)
    if stamp is not None:
        today = utcnow()
        approval = f"{user.name} on {today:%B} {today.day}, {today.year}"
        write_stamp(session, artifact, stamp, approval)
    _follow_document(session, artifact, NegotiationStage.APPROVED, user, "approved")


def send_back(session: Session, artifact: DocumentArtifact, user: User, comment: str) -> None:
    """Return a document in review to its author with a comment saying what to change."""
    if not comment.strip():
        raise ReviewError(
            "say what has to change: a comment is required to send a document back",
            "comment",
            status=422,
        )
    _claim(
        session,
        artifact,
        DocumentStatus.IN_REVIEW,
        DocumentStatus.SENT_BACK,
        "sent back",
        **_reviewed(user, comment.strip()),
    )
    record_event(
        session,
        "document.sent_back",
        user_id=user.id,
        target=artifact,
        details={"comment": comment.strip()},
    )


def mark_sent(session: Session, artifact: DocumentArtifact, user: User) -> None:
    """Record that an approved document went out to the payer."""
    _claim(session, artifact, DocumentStatus.APPROVED, DocumentStatus.SENT, "sent")
    record_event(session, "document.sent", user_id=user.id, target=artifact)
    _follow_document(session, artifact, NegotiationStage.SENT, user, "sent to the payer")


def _require_our_name(artifact: DocumentArtifact) -> None:
    """Refuse to freeze a version marked DRAFT because it names no organization of ours."""
    if artifact.inputs_snapshot.get("prepared_by") in (None, "", UNNAMED_PROVIDER):
        raise ReviewError(
            "this version does not say who it is from (it is marked DRAFT): an administrator "
            "sets our organization, then generate the document again and approve that version"
        )


def _reviewed(user: User, comment: str | None) -> dict[str, Any]:
    return {"reviewed_by_id": user.id, "reviewed_at": utcnow(), "review_comment": comment}


def _claim(
    session: Session,
    artifact: DocumentArtifact,
    was: DocumentStatus,
    to: DocumentStatus,
    done: str,
    **values: Any,
) -> None:
    """Move the document from `was` to `to` in one conditional update, or refuse with 409.

    `UPDATE documents ... WHERE id = ? AND status = ?` changes the row only if nobody moved it
    since this request read it: the database decides who was first (PostgreSQL's row lock,
    SQLite's write lock), so two people doing the same step at once never both succeed.
    """
    if not artifact.can_move_to(to):
        raise _refusal(artifact, done)
    try:
        claimed = session.execute(
            update(DocumentArtifact)
            .where(DocumentArtifact.id == artifact.id, DocumentArtifact.status == was)
            .values(status=to, **values)
            .execution_options(synchronize_session=False)
        )
    except OperationalError as error:
        if not _waited_too_long(error):
            raise
        raise ReviewError(
            f"someone else is deciding on this document right now, so it cannot be {done} "
            "yet; reload it in a moment to see their decision"
        ) from None
    session.refresh(artifact)
    if claimed.rowcount != 1:
        raise _refusal(artifact, done)


def _waited_too_long(error: OperationalError) -> bool:
    """Tell whether SQLite gave up waiting for another request's write lock.

    The winner of a race keeps SQLite's one write lock while its approval stamp renders (seconds,
    more on a busy machine); the other request's claim waits for it, up to the connection's
    timeout. Running out is the same answer as losing: someone else is deciding.
    """
    return isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig)


def _refusal(artifact: DocumentArtifact, done: str) -> ReviewError:
    """Say what the document is now (and who decided), which the step did not expect."""
    who = f" by {artifact.reviewed_by.name}" if artifact.reviewed_by else ""
    status = artifact.status.replace("_", " ")
    return ReviewError(f"this document is {status}{who}, so it cannot be {done}")


def _follow_document(
    session: Session, artifact: DocumentArtifact, stage: NegotiationStage, user: User, what: str
) -> None:
    if artifact.kind == DocumentKind.PROPOSAL:
        _follow_proposal(session, artifact.scenario, stage, user, what)


def _follow_proposal(
    session: Session, scenario: Scenario | None, stage: NegotiationStage, user: User, what: str
) -> None:
    """Move the payer's negotiations along with its proposal (see advance_stage)."""
    if scenario is None:
        return
    organization_id = scenario_payer(session, scenario)
    because = f"proposal from scenario {scenario.name!r} {what}"
    advance_stage(session, negotiations_with(session, organization_id), stage, user.id, because)
