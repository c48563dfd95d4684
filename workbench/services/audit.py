"""The audit trail: what people did, in the same transaction, chained so tampering shows.

Each event stores the hash of its content and of the event before it (`prev_hash`). Appends are
serialised by updating the one row of `audit_chain_head` first: on PostgreSQL that row lock is
held until the transaction ends, on SQLite the write lock is; so two requests appending at
once never read the same tail and the chain cannot fork. The head also keeps the last hash,
so removing the newest events is noticed too.

Who asked (client address, user agent, session id) comes from `request_context`, which the
web layer sets for each request (web/security.py), so services need not pass it along.
"""

import hashlib
import json
from contextlib import closing
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from workbench.models import AuditChainHead, AuditEvent, utcnow

GENESIS = "0" * 64
CHAIN_HEAD_ID = 1
_TAIL = "workbench.audit_tail"


@dataclass(frozen=True)
class RequestContext:
    """Where an audited request came from."""

    client_address: str | None = None
    user_agent: str | None = None
    session_id: str | None = None


request_context: ContextVar[RequestContext] = ContextVar("audit_request_context")
NO_ORIGIN = RequestContext()  # a command or a job: no client


def current_origin() -> RequestContext:
    """Where the current request came from (nothing outside a request)."""
    return request_context.get(NO_ORIGIN)


def record_event(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for `action` (e.g. 'scenario.updated') on `target`, by `user_id`."""
    origin = current_origin()
    audit_event = AuditEvent(
        action=action,
        user_id=user_id,
        target_type=getattr(target, "__tablename__", None),
        target_id=getattr(target, "id", None),
        # Stored as JSON gives it back, so the hash made now matches the one verified later.
        details=json.loads(json.dumps(details or {}, default=str)),
        client_address=origin.client_address,
        user_agent=(origin.user_agent or "")[:256] or None,
        session_id=origin.session_id,
    )
    session.add(audit_event)
    return audit_event


def event_hash(audit_event: AuditEvent, prev_hash: str) -> str:
    """Return the hash of an event's content chained to the previous event's hash."""
    content = {
        "at": audit_event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": audit_event.user_id,
        "action": audit_event.action,
        "target_type": audit_event.target_type,
        "target_id": audit_event.target_id,
        "details": audit_event.details,
        "client_address": audit_event.client_address,
        "user_agent": audit_event.user_agent,
        "session_id": audit_event.session_id,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _context: Any, _instances: Any) -> None:
    """Give each new audit event its place in the chain, in the order they were added."""
    new_events = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEvent)),
        key=lambda obj: inspect(obj).insert_order,
    )
    if not new_events:
        return
    tail = session.info.get(_TAIL) or _lock_chain_tail(session)
    for audit_event in new_events:
        audit_event.at = audit_event.at or utcnow()
        audit_event.details = audit_event.details or {}
        audit_event.prev_hash = tail
        audit_event.hash = tail = event_hash(audit_event, tail)
    session.connection().execute(
        update(AuditChainHead).where(AuditChainHead.id == CHAIN_HEAD_ID).values(last_hash=tail)
    )
    session.info[_TAIL] = tail


def _lock_chain_tail(session: Session) -> str:
    """Lock the chain's head row until this transaction ends, and return the last hash."""
    connection = session.connection()
    locked = connection.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_hash=AuditChainHead.last_hash)
    )
    if locked.rowcount == 0:  # a database made before the chain's migration seeded it
        connection.execute(
            AuditChainHead.__table__.insert().values(id=CHAIN_HEAD_ID, last_hash=GENESIS)
        )
    return connection.scalar(
        select(AuditChainHead.last_hash).where(AuditChainHead.id == CHAIN_HEAD_ID)
    )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_tail(session: Session) -> None:
    """The tail read under the lock is valid only inside the transaction that holds it."""
    session.info.pop(_TAIL, None)


@dataclass(frozen=True)
class ChainBreak:
    """The first audit event whose stored hash does not follow from the chain."""

    event_id: int | None
    reason: str


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """Check every event in order; return how many were checked and the first break, if any."""
    tail, checked = GENESIS, 0
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    with closing(events):
        for audit_event in events:
            broken = _break_at(audit_event, tail)
            if broken is not None:
                return checked, broken
            tail, checked = audit_event.hash, checked + 1
    head = session.scalar(
        select(AuditChainHead.last_hash).where(AuditChainHead.id == CHAIN_HEAD_ID)
    )
    if (head or GENESIS) != tail:
        return checked, ChainBreak(None, "the newest events were removed (the head does not match)")
    return checked, None


def _break_at(audit_event: AuditEvent, tail: str) -> ChainBreak | None:
    if audit_event.prev_hash != tail:
        reason = "does not follow the event before it (one removed or inserted)"
        return ChainBreak(audit_event.id, reason)
    if audit_event.hash != event_hash(audit_event, tail):
        return ChainBreak(audit_event.id, "its content was changed after it was written")
    return None
