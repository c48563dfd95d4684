"""Numeric scenario inputs named by dotted path, with their legal domains."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .constraints import Range
from .decimals import ONE, ZERO, engine_context
from .errors import ScenarioError
from .schema import NON_NEGATIVE, RATE_CODES

if TYPE_CHECKING:
    from .parse import AnyScenario

SECTIONS = ("program", "costs", "billing", "savings", "terms")
# Method 2's contract section, less the term itself: a term of other length is another contract.
CONTRACT = "contract"
FIXED_FIELDS = ("contract.term_years",)
FOCUS_PREFIX = "focus_payer."
SAVINGS_AMOUNT = "savings.amount"
# Open ends and whole numbers need a finite step when a value is clipped into the domain.
FINE_STEP = Decimal("0.0001")
WHOLE_STEP = ONE
DEFAULT_SPREAD = Decimal("0.2")
# The inputs sensitivity analysis moves when none are named.
DEFAULT_INPUTS = (
    "program.caseload_per_fte",
    "billing.billable_fraction",
    "focus_payer.rates.99493",
    "costs.care_manager_salary",
    "savings.amount",
    "terms.shared_savings_rate",
)
# The largest caseload per FTE the break-even search tries.
BREAKEVEN_MAX_CASELOAD = 1000


@dataclass(frozen=True, slots=True)
class Input:
    """One numeric scenario field: its name, where it sits, its value and its legal values."""

    name: str
    keys: tuple[str | int, ...]
    value: Decimal
    domain: Range
    whole: bool

    def clipped(self, value: Decimal) -> Decimal:
        """Bring a value into this input's domain, whole when the field counts things."""
        if self.whole:
            value = value.to_integral_value(ROUND_HALF_UP)
        return self.domain.clip(value, WHOLE_STEP if self.whole else FINE_STEP)

    def spread(self) -> tuple[Decimal, Decimal]:
        """Return the default low and high: 20% either side of the value, clipped."""
        with engine_context():
            low, high = sorted(self.value * (ONE + side * DEFAULT_SPREAD) for side in (-1, 1))
        return self.clipped(low), self.clipped(high)

    def given(self, numbers: Iterable[object], ends: tuple[str, ...]) -> tuple[Decimal, ...]:
        """Read the numbers given for this input, such as (low, high), and clip them."""
        try:
            read = tuple(_as_decimal(number) for number in numbers)
        except (TypeError, ValueError, InvalidOperation):
            read = ()
        finite = all(number.is_finite() for number in read)
        if len(read) != len(ends) or not finite or list(read) != sorted(read):
            problem = f"give {', '.join(ends)} as numbers in increasing order"
            raise ScenarioError([f"inputs.{self.name}: {problem}"])
        return tuple(self.clipped(number) for number in read)


def numeric_inputs(scenario: "AnyScenario") -> dict[str, Input]:
    """List every numeric input of the scenario by its canonical dotted name."""
    found: dict[str, Input] = {}
    sections: tuple[str, ...] = (CONTRACT, *SECTIONS) if scenario.method == 2 else SECTIONS
    for section in sections:
        _add_fields(found, section, (section,), getattr(scenario, section))
    for name in FIXED_FIELDS:
        found.pop(name, None)
    for index, incentive in enumerate(scenario.terms.quality_incentives):
        keys = ("terms", "quality_incentives", index)
        _add_fields(found, f"terms.quality_incentives[{index}]", keys, incentive)
    for index, payer in enumerate(scenario.payers):
        prefix = f"payers.{payer.name}"
        _add_fields(found, prefix, ("payers", index), payer)
        for code in RATE_CODES:
            rate_keys = ("payers", index, "rates", code)
            found[f"{prefix}.rates.{code}"] = Input(
                f"{prefix}.rates.{code}", rate_keys, payer.rate(code), NON_NEGATIVE, whole=False
            )
    _tighten_payer_domains(scenario, found)
    return found


def resolve_inputs(scenario: "AnyScenario", names: Iterable[str]) -> list[Input]:
    """Look inputs up by name, aliases included; refuse unknown names, listing the valid ones."""
    known = numeric_inputs(scenario)
    asked = list(names)
    canonical = [canonical_name(scenario, name) for name in asked]
    unknown = [name for name, found in zip(asked, canonical, strict=True) if found not in known]
    if unknown:
        problems = [f"inputs: {name!r} is not a numeric input of this scenario" for name in unknown]
        raise ScenarioError([*problems, f"inputs: valid names are {', '.join(known)}"])
    return [known[name] for name in canonical]


def canonical_name(scenario: "AnyScenario", name: str) -> str:
    """Translate the aliases savings.amount and focus_payer.* into canonical names."""
    if name == SAVINGS_AMOUNT:
        return f"savings.{scenario.savings.amount_field}"
    if name.startswith(FOCUS_PREFIX):
        return f"payers.{scenario.focus_payer}.{name.removeprefix(FOCUS_PREFIX)}"
    return name


def with_values_data(scenario: "AnyScenario", values: Mapping[Input, Decimal]) -> dict:
    """Return the scenario's data with the given inputs set, to be validated again."""
    data = scenario.model_dump()
    for field, value in values.items():
        *path, last = field.keys
        target: Any = data
        for key in path:
            target = target[key]
        target[last] = int(value) if field.whole else value
    return data


def _add_fields(found: dict[str, Input], prefix: str, keys: tuple, model: BaseModel) -> None:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            continue
        domain = next((item for item in info.metadata if isinstance(item, Range)), Range())
        found[f"{prefix}.{name}"] = Input(
            f"{prefix}.{name}", (*keys, name), Decimal(value), domain, isinstance(value, int)
        )


def _tighten_payer_domains(scenario: "AnyScenario", found: dict[str, Input]) -> None:
    # Two rules span fields: shares sum to at most 1, and the focus payer has members.
    with engine_context():
        total = sum((payer.caseload_share for payer in scenario.payers), ZERO)
        for payer in scenario.payers:
            share = found[f"payers.{payer.name}.caseload_share"]
            room = min(ONE, ONE - total + payer.caseload_share)
            found[share.name] = replace(share, domain=replace(share.domain, high=room))
    members = found[f"payers.{scenario.focus_payer}.attributed_members"]
    found[members.name] = replace(members, domain=replace(members.domain, low_open=True))


def _as_decimal(number: object) -> Decimal:
    # A float the caller wrote as 0.8 should mean 0.8, not its binary neighbour.
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(str(number))
