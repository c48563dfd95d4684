"""Field constraints that validate a scenario and tell sensitivity analysis each field's domain."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema


@dataclass(frozen=True, slots=True)
class Range:
    """The legal values of a number; an open end excludes the bound itself."""

    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._checked, handler(source))

    def _checked(self, value: Decimal | int | None) -> Decimal | int | None:
        problem = None if value is None else self.problem(value)
        if problem is not None:
            raise PydanticCustomError("range", "{message}", {"message": problem})
        return value

    def below(self, value: Decimal | int) -> bool:
        """Tell whether the value falls under the low end."""
        if self.low is None:
            return False
        return value <= self.low if self.low_open else value < self.low

    def above(self, value: Decimal | int) -> bool:
        """Tell whether the value falls over the high end."""
        if self.high is None:
            return False
        return value >= self.high if self.high_open else value > self.high

    def problem(self, value: Decimal | int) -> str | None:
        """Describe how the value breaks the range, or return None."""
        too_low, too_high = self.below(value), self.above(value)
        if not (too_low or too_high):
            return None
        closed = not (self.low_open or self.high_open)
        if closed and self.low is not None and self.high is not None:
            return f"must be between {self.low} and {self.high}"
        if too_low:
            rule = "greater than" if self.low_open else "at least"
            return f"must be {rule} {self.low}"
        rule = "less than" if self.high_open else "at most"
        return f"must be {rule} {self.high}"

    def clip(self, value: Decimal, step: Decimal) -> Decimal:
        """Move the value to the nearest legal one; an open end is kept one step away."""
        if self.low is not None and self.below(value):
            return self.low + step if self.low_open else self.low
        if self.high is not None and self.above(value):
            return self.high - step if self.high_open else self.high
        return value


@dataclass(frozen=True, slots=True)
class Choice:
    """One value out of a fixed list, named in the error when another is given."""

    options: Sequence[object]
    noun: str = ""
    # What the error lists, when more is known than this field accepts (method: 1 or 2).
    listed: Sequence[object] | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._checked, handler(source))

    def _checked(self, value: object) -> object:
        if value not in self.options:
            message = not_one_of(value, self.listed or self.options, self.noun)
            raise PydanticCustomError("choice", "{message}", {"message": message})
        return value


def not_one_of(value: object, options: Sequence[object], noun: str = "") -> str:
    """Say that a value is not among the allowed options, listing them."""
    listed = ", ".join(str(option) for option in options)
    if noun:
        return f"{value!r} is not one of {noun} ({listed})"
    return f"{value!r} is not one of {listed}"


def rule_error(problems: list[tuple[str, str]]) -> PydanticCustomError:
    """Bundle rule breaches, each with its absolute dotted path, into one validation error."""
    summary = "; ".join(f"{path}: {message}" for path, message in problems)
    return PydanticCustomError("rules", "{summary}", {"summary": summary, "problems": problems})
