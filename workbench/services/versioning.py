"""Saving an edit only if nobody else saved first (optimistic concurrency across requests).

SQLAlchemy's version_id_col checks the version the session loaded, which is the *current* one
by the time the second person's request runs; it cannot see that their form was opened on an
older version. So the version travels in the form, and the save is one
`UPDATE ... WHERE id = :id AND version = :form_version`: no row updated means a conflict.
"""

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workbench.errors import ConflictError
from workbench.models import utcnow


class EditConflict(ConflictError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Someone else saved this {what} after you opened it. Your changes are kept below; "
            "review them against the current version and save again."
        )


def save_if_unchanged(
    session: Session, model: type, record_id: int, form_version: int, values: dict[str, Any]
) -> int:
    """Write `values` to the record if its version is still `form_version`; return the new one."""
    if hasattr(model, "updated_at"):
        values = {**values, "updated_at": utcnow()}
    result = session.execute(
        update(model)
        .where(model.id == record_id, model.version == form_version)
        .values(**values, version=form_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise EditConflict(model.__tablename__.rstrip("s").replace("_", " "))
    session.expire_all()
    return form_version + 1


def insert_unless_taken(session: Session, model: type, values: dict[str, Any]) -> int | None:
    """Insert a row and return its id, or None when a unique key it needs is already taken.

    Two requests can both see that a row is missing and both insert it; the second one's insert
    would break the unique constraint and spoil the request's transaction (a 500). `INSERT ... ON
    CONFLICT DO NOTHING` waits for the first to commit and then inserts nothing, so the caller can
    answer a conflict and the rest of the request's unit of work stays usable.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return session.execute(statement).scalar()
