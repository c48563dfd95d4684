"""Reading the audit trail: who did what, when, to which record."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.models import AuditEvent, User

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log page is narrowed to; empty fields match everything."""

    user_id: int | None = None
    action: str = ""
    target_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


def get_audit_events(
    session: Session, audit_filter: AuditFilter, page: int = 1
) -> list[AuditEvent]:
    """Return one page of events matching the filter, newest first."""
    query = select(AuditEvent).options(selectinload(AuditEvent.user))
    if audit_filter.user_id:
        query = query.where(AuditEvent.user_id == audit_filter.user_id)
    if audit_filter.action:
        query = query.where(AuditEvent.action.startswith(audit_filter.action))
    if audit_filter.target_type:
        query = query.where(AuditEvent.target_type == audit_filter.target_type)
    if audit_filter.since:
        query = query.where(AuditEvent.at >= audit_filter.since)
    if audit_filter.until:
        query = query.where(AuditEvent.at < audit_filter.until)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))


def get_audit_choices(session: Session) -> tuple[list[User], list[str], list[str]]:
    """Return the people, actions and record types the log can be filtered by."""
    users = list(session.scalars(select(User).order_by(User.email)))
    actions = sorted(set(session.scalars(select(AuditEvent.action).distinct())))
    targets = sorted(t for t in session.scalars(select(AuditEvent.target_type).distinct()) if t)
    return users, actions, targets


def list_users(session: Session) -> list[User]:
    """Return every account, by email."""
    return list(session.scalars(select(User).order_by(User.email)))
