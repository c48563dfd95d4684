"""Generated documents: immutable PDF artifacts with the inputs that made them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, utcnow
from workbench.models.enums import DocumentKind, DocumentStatus
from workbench.models.organizations import Organization
from workbench.models.profiles import StakeholderProfile
from workbench.models.scenarios import Scenario
from workbench.models.users import User


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
