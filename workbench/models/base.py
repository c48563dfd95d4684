"""The declarative base every model derives from, and the column types they share."""

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from sqlalchemy import ColumnElement, DateTime, Enum, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp, also on SQLite, which stores no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


# Money is NUMERIC with cents; weights and shares carry more places.
Money = Annotated[Decimal, mapped_column(Numeric(14, 2))]
Weight = Annotated[Decimal, mapped_column(Numeric(5, 4))]
Key = Annotated[str, mapped_column(String(64))]
Name = Annotated[str, mapped_column(String(200))]


class ModelBase(DeclarativeBase):
    """Base of all models: a naming convention for constraints, enums stored as strings."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict] = {
        datetime: UTCDateTime(),
        enum.Enum: Enum(
            enum.Enum,
            native_enum=False,
            length=32,
            validate_strings=True,
            values_callable=lambda members: [member.value for member in members],
        ),
        Decimal: Numeric(14, 4),
    }


def live(model: Any) -> ColumnElement[bool]:
    """The filter that keeps a soft-deleted model's rows that are not archived (deleted_at unset).

    Archived rows stay for the history that refers to them; lists and choices leave them out.
    """
    return model.deleted_at.is_(None)
