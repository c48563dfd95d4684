"""People who use the workbench, and the record of what they did."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, Name, utcnow
from workbench.models.enums import PERMISSIONS, Role
from workbench.models.mixins import Timestamped


class User(UserMixin, Timestamped, ModelBase):
    """An account with one role; `session_nonce` changes to end every session of the user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[Name]
    role: Mapped[Role]
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    session_nonce: Mapped[str] = mapped_column(String(64))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    api_token_expires_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]
    # An IANA zone ("America/Chicago") the pages read and show times in; None: the server's.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    def get_id(self) -> str:
        """Identify the session by id and nonce, so a new nonce ends every existing session."""
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse a disabled account."""
        return self.active

    def can(self, permission: str) -> bool:
        """Tell whether this person's role grants `permission` (see workbench.web.security)."""
        return permission in PERMISSIONS[self.role]


class AuditEvent(ModelBase):
    """One thing a person did (or `workbench init`), written in the same transaction.

    Append-only: a database trigger refuses UPDATE and DELETE, and each row carries the hash of
    its content and of the previous row (`prev_hash`), so `workbench audit verify` finds any row
    changed, removed or inserted behind the app's back (services/audit.py chains them).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    session_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    user: Mapped[User | None] = relationship()


class AuditChainHead(ModelBase):
    """The one row holding the last audit event's hash; updating it serialises appends."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
