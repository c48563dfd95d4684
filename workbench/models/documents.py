"""Generated documents: immutable PDF artifacts with the inputs that made them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Connection,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from workbench.models.base import ModelBase, utcnow
from workbench.models.enums import DocumentKind, DocumentStatus
from workbench.models.organizations import Organization
from workbench.models.profiles import StakeholderProfile
from workbench.models.scenarios import Scenario
from workbench.models.users import User

# Where a document may go from each status: review, then out; approved and sent are frozen.
NEXT_STATUSES = {
    DocumentStatus.DRAFT: (DocumentStatus.IN_REVIEW,),
    DocumentStatus.SENT_BACK: (DocumentStatus.IN_REVIEW,),
    DocumentStatus.IN_REVIEW: (DocumentStatus.APPROVED, DocumentStatus.SENT_BACK),
    DocumentStatus.APPROVED: (DocumentStatus.SENT,),
    DocumentStatus.SENT: (),
}
FINAL_STATUSES = (DocumentStatus.APPROVED, DocumentStatus.SENT)


class FrozenArtifactError(RuntimeError):
    """An approved artifact was about to change or be deleted (a bug: no page offers it)."""


class DocumentArtifact(ModelBase):
    """A rendered PDF: its bytes and sha256, the inputs snapshot and the versions that made it.

    `cache_key` hashes everything that determines the bytes (inputs, stakeholders, engine method,
    template version), so the same request is served from storage instead of rendered again.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind]
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[DocumentStatus] = mapped_column(default=DocumentStatus.DRAFT)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_profiles.id"))
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    storage_path: Mapped[str | None] = mapped_column(String(500))
    page_count: Mapped[int | None]
    inputs_snapshot: Mapped[dict] = mapped_column(JSON)
    # The engine's figures an executive reads before deciding (services/documents.key_figures).
    key_figures: Mapped[dict | None] = mapped_column(JSON)
    method_version: Mapped[int]
    template_version: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    scenario: Mapped[Scenario | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    profile: Mapped[StakeholderProfile | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def can_move_to(self, status: DocumentStatus) -> bool:
        """Say whether the document may go from its status to `status` (NEXT_STATUSES)."""
        return status in NEXT_STATUSES[self.status]


@event.listens_for(DocumentArtifact, "before_update")
def _refuse_changes_to_approved(
    _mapper: Mapper, connection: Connection, artifact: DocumentArtifact
) -> None:
    """Stop any flush that would change an approved artifact, but for marking it sent."""
    state = inspect(artifact)
    was = _stored_status(connection, artifact)
    if was not in FINAL_STATUSES:
        return
    changed = [
        attr.key for attr in state.attrs if attr.key != "status" and attr.history.has_changes()
    ]
    if state.attrs.status.history.has_changes() and artifact.status not in NEXT_STATUSES[was]:
        changed.append("status")
    if changed:
        raise FrozenArtifactError(
            f"document {artifact.id} is {was}; {', '.join(changed)} cannot change"
        )


@event.listens_for(DocumentArtifact, "before_delete")
def _refuse_deleting_approved(
    _mapper: Mapper, connection: Connection, artifact: DocumentArtifact
) -> None:
    """Stop any flush that would delete an approved artifact."""
    was = _stored_status(connection, artifact)
    if was in FINAL_STATUSES:
        raise FrozenArtifactError(f"document {artifact.id} is {was}; it cannot be deleted")


def _stored_status(connection: Connection, artifact: DocumentArtifact) -> DocumentStatus:
    """The status the database holds, before the changes this flush is writing.

    Read from the row itself: after a commit the loaded status has expired, and setting it
    again records no old value to compare with.
    """
    return connection.scalar(
        select(DocumentArtifact.status).where(DocumentArtifact.id == artifact.id)
    )
