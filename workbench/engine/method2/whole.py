"""Whole-number fields with a range, refused in one sentence whatever was typed."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from ..constraints import Range


@dataclass(frozen=True, slots=True)
class WholeRange(Range):
    """A whole number from low to high: 2.5, "three" and 9 all get "a whole number from 1 to 5"."""

    def __init__(self, low: int, high: int) -> None:
        super(WholeRange, self).__init__(low=Decimal(low), high=Decimal(high))

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self._whole)

    def _whole(self, value: object) -> int:
        number = _integral(value)
        if number is None or self.problem(number) is not None:
            message = f"must be a whole number from {self.low} to {self.high}"
            raise PydanticCustomError("range", "{message}", {"message": message})
        return number


def _integral(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value)) if isinstance(value, float | str | Decimal) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
