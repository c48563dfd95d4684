"""Columns several models share: timestamps, optimistic versions, file provenance."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.models.base import utcnow


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Versioned:
    """A version number the edit forms carry, so a stale save is refused instead of lost."""

    version: Mapped[int] = mapped_column(default=1)


class LoadedFromFile:
    """Provenance of a row that `workbench init` loads from the profiles folder.

    `source_hash` is the hash of the file entry last loaded; `locally_edited` is set by the app when
    a person changes the row, and protects that change from the next `init` unless it is forced.
    """

    source_hash: Mapped[str | None] = mapped_column(String(64))
    locally_edited: Mapped[bool] = mapped_column(default=False)
