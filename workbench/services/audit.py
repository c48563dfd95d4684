"""The audit trail: every state change writes an event in the same transaction."""

from typing import Any

from sqlalchemy.orm import Session

from workbench.models import AuditEvent


def record_event(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for `action` (e.g. 'scenario.updated') on `target`, by `user_id`."""
    event = AuditEvent(
        action=action,
        user_id=user_id,
        target_type=getattr(target, "__tablename__", None),
        target_id=getattr(target, "id", None),
        details=details or {},
    )
    session.add(event)
    return event
