"""Turn mappings and YAML or JSON text into a Scenario, and a Scenario back into plain data."""

import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

import yaml
from pydantic import ValidationError

from .constraints import not_one_of
from .errors import ScenarioError, ScenarioFileError
from .inputs import Input, with_values_data
from .method2.schema import METHOD as CONTRACT_METHOD
from .method2.schema import ContractScenario
from .method2.uncertainty import uncertainty_problems
from .schema import KNOWN_METHODS, KNOWN_METHODS_NOUN, NAME_LENGTH, Scenario

# A scenario of either method: method 1's single year, or method 2's contract term.
AnyScenario = Scenario | ContractScenario
SameMethod = TypeVar("SameMethod", Scenario, ContractScenario)

# pydantic's wording, shortened to the rule a person has to fix.
PYDANTIC_RULES = {
    "missing": "field required",
    "extra_forbidden": "unknown field",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_too_long": f"must be at most {NAME_LENGTH} characters",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
}
_YAML_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
_MERGE_TAG = "tag:yaml.org,2002:merge"


def parse_scenario(data: Mapping[str, Any]) -> AnyScenario:
    """Validate a mapping as a scenario of its method, reporting every broken rule at once."""
    method = data.get("method") if isinstance(data, Mapping) else None
    if method is not None and _whole(method) not in KNOWN_METHODS:
        # Another method's fields would only bury the one error that matters.
        raise ScenarioError([f"method: {not_one_of(method, KNOWN_METHODS, KNOWN_METHODS_NOUN)}"])
    schema = ContractScenario if _whole(method) == CONTRACT_METHOD else Scenario
    try:
        scenario = schema.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_messages(error)) from None
    if isinstance(scenario, ContractScenario) and (problems := uncertainty_problems(scenario)):
        raise ScenarioError(problems)
    return scenario


def _whole(value: object) -> int | None:
    try:
        return int(str(value)) if not isinstance(value, bool) else None
    except ValueError:
        return None


def scenario_from_text(text: str) -> AnyScenario:
    """Parse YAML or JSON text into a scenario, reading every number exactly."""
    return parse_scenario(_mapping_from_text(text))


def with_values(scenario: SameMethod, values: Mapping[Input, Decimal]) -> SameMethod:
    """Return a copy of the scenario with the given inputs set, validated again."""
    return cast(SameMethod, parse_scenario(with_values_data(scenario, values)))


def scenario_to_dict(scenario: AnyScenario) -> dict[str, Any]:
    """Return the scenario as plain data, numbers as decimal strings, that reads back the same."""
    return scenario.model_dump(mode="json")


def dotted(location: tuple[int | str, ...]) -> str:
    """Write a pydantic error location as a dotted path such as payers[1].caseload_share."""
    path = ""
    for part in location:
        if part == "[key]":
            continue
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "scenario"


def _messages(error: ValidationError) -> list[str]:
    messages: list[str] = []
    for item in error.errors():
        if item["type"] == "rules":
            messages.extend(f"{path}: {message}" for path, message in item["ctx"]["problems"])
        else:
            rule = PYDANTIC_RULES.get(item["type"], item["msg"])
            messages.append(f"{dotted(item['loc'])}: {rule}")
    return messages


def _mapping_from_text(text: str) -> Mapping[str, Any]:
    if not text.strip():
        raise ScenarioFileError("the scenario text is empty")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError:
        data = _yaml(text)
    except RecursionError:
        raise ScenarioFileError(TOO_DEEP) from None
    if data is None:
        raise ScenarioFileError("the scenario text is empty")
    if not isinstance(data, Mapping):
        raise ScenarioFileError(f"the scenario must be a mapping of fields, not {_kind(data)}")
    return data


# Said of JSON or YAML nested deeper than the parser's recursion allows (a hostile file).
TOO_DEEP = "nested too deeply (lists or mappings inside one another, hundreds of levels down)"


def decimal_yaml(text: str) -> Any:
    """Parse YAML with every decimal number exact and duplicate keys refused (yaml.YAMLError,
    also for a document nested too deeply to parse)."""
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # nosec B506 # _DecimalLoader is a yaml.SafeLoader
    except RecursionError:
        raise yaml.YAMLError(TOO_DEEP) from None
    except yaml.MarkedYAMLError as error:
        # libyaml stops at its own nesting limit (1,000 levels) before Python would recurse.
        if error.problem == "exceeded maximum nesting depth":
            raise yaml.YAMLError(TOO_DEEP) from None
        raise


def _yaml(text: str) -> Any:
    try:
        return decimal_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context
        raise ScenarioFileError(f"not valid YAML: {problem}{where}") from None
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"not valid YAML: {' '.join(str(error).split())}") from None


def _kind(data: object) -> str:
    if isinstance(data, list):
        return "a list"
    return "plain text" if isinstance(data, str) else "a single value"


# libyaml's parser when PyYAML was built with it (its wheels are): the library's fourteen files
# parse in a tenth of the pure-Python time. Construction, where our rules live, is the same.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DecimalLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that reads decimal numbers from their text and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = Counter(
            key.value
            for key, _ in node.value
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG
        )
        repeated = next((key for key, times in keys.items() if times > 1), None)
        if repeated is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {repeated!r}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(_YAML_FLOATS.get(text.lower(), text))
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a decimal number", node.start_mark
        ) from None


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
