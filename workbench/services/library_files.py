"""Read the profiles folder (profiles + reference/) into one validated, cross-checked library."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from workbench.engine.parse import PYDANTIC_RULES, decimal_yaml
from workbench.errors import WorkbenchError, problems_from_lines
from workbench.services import library_schema as schema


class LibraryError(WorkbenchError):
    """The profiles folder cannot be loaded; `errors` name the file, the entry and the field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors), problems=problems_from_lines(errors))
        self.errors = errors


@dataclass(frozen=True)
class ReferenceLibrary:
    """Everything `workbench init` loads, validated and cross-checked."""

    domains: list[schema.Domain]
    evidence: list[schema.Evidence]
    codes: list[schema.BillingCodeEntry]
    fee_schedules: list[schema.FeeSchedule]
    measures: list[schema.Measure]
    levels: list[schema.Level]
    models: list[schema.NamedModel]
    guidelines: list[schema.GuidelineEntry]
    profiles: list[schema.Profile]


def read_library(folder: Path) -> ReferenceLibrary:
    """Read and validate every profile and reference file under `folder`, or raise LibraryError."""
    errors: list[str] = []
    if not folder.is_dir():
        raise LibraryError([f"{folder}: not a folder"])
    reference = {
        name: _read_file(folder / "reference" / name, model, errors)
        for name, model in schema.REFERENCE_FILES.items()
    }
    profile_paths = sorted(folder.glob("*.yaml"))
    if not profile_paths:
        errors.append(f"{folder}: no stakeholder profile files (*.yaml)")
    profiles = [_read_file(path, schema.Profile, errors) for path in profile_paths]
    if errors:
        raise LibraryError(errors)
    library = ReferenceLibrary(
        domains=reference["value_domains.yaml"].domains,
        evidence=reference["evidence.yaml"].evidence,
        codes=reference["billing_codes.yaml"].codes,
        fee_schedules=reference["billing_codes.yaml"].fee_schedules,
        measures=reference["quality_measures.yaml"].measures,
        levels=reference["integration_models.yaml"].levels,
        models=reference["integration_models.yaml"].models,
        guidelines=reference["integration_models.yaml"].guidelines,
        profiles=profiles,
    )
    errors.extend(_cross_reference_errors(library, profile_paths))
    if errors:
        raise LibraryError(errors)
    return library


def _read_file(path: Path, model: type[BaseModel], errors: list[str]) -> Any:
    """Parse and validate one YAML file, adding any problems to `errors`."""
    try:
        data = decimal_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(f"{path}: file not found")
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        errors.append(f"{path}: not valid YAML ({_first_line(exc)})")
        return None
    if not isinstance(data, dict):
        errors.append(f"{path}: must be a mapping of keys to values")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.extend(f"{path}: {_located(data, e)}" for e in exc.errors())
        return None


def _located(data: Any, error: dict) -> str:
    """Put the field's path before the message; a whole-entry rule names its own field."""
    if not error["loc"]:
        return message(error)
    return f"{describe_location(data, error['loc'])}: {message(error)}"


def describe_location(data: Any, loc: tuple) -> str:
    """Name a field by its path, naming list entries by their key (`evidence[3] impact_2002`)."""
    parts: list[str] = []
    node = data
    for step in loc:
        if step == "[key]":  # pydantic's marker for a bad dict key: the key is already named
            continue
        if isinstance(step, int):
            label = _entry_label(node[step]) if isinstance(node, list) and step < len(node) else ""
            parts[-1] = f"{parts[-1] if parts else ''}[{step}]{label}"
        else:
            parts.append(str(step))
        node = node[step] if _can_descend(node, step) else None
    return ".".join(parts) or "(top level)"


def _entry_label(entry: Any) -> str:
    if isinstance(entry, dict):
        for name in ("key", "code", "payer", "level"):
            if entry.get(name) is not None:
                return f" ({entry[name]})"
    return ""


def _can_descend(node: Any, step: Any) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and step < len(node)


def message(error: dict) -> str:
    """Say what a pydantic error means in a few plain words."""
    kind, ctx = error["type"], error.get("ctx", {})
    bounds = {
        "less_than_equal": "must be at most {le}",
        "greater_than_equal": "must be at least {ge}",
        "greater_than": "must be greater than {gt}",
        "less_than": "must be less than {lt}",
        "too_short": "must have at least {min_length} item(s)",
        "string_pattern_mismatch": "must match the pattern {pattern}",
        "literal_error": "must be one of {expected}",
        "enum": "must be one of {expected}",
    }
    if kind in bounds:
        return bounds[kind].format(**ctx)
    if kind.startswith("date"):
        return "must be a date (YYYY-MM-DD)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return PYDANTIC_RULES.get(kind, error["msg"])


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _cross_reference_errors(library: ReferenceLibrary, profile_paths: list[Path]) -> list[str]:
    """Check the references between files: keys exist, are unique, and profiles match their file."""
    errors = _duplicate_errors(library)
    domain_keys = [domain.key for domain in library.domains]
    if sorted(domain_keys) != sorted(schema.DOMAIN_KEYS):
        expected = ", ".join(schema.DOMAIN_KEYS)
        errors.append(f"reference/value_domains.yaml: domains: must be exactly {expected}")
    metric_keys = {metric.key for domain in library.domains for metric in domain.metrics}
    evidence_keys = {item.key for item in library.evidence}
    code_keys = {code.code for code in library.codes}
    for path, profile in zip(profile_paths, library.profiles, strict=True):
        where = f"{path}"
        if profile.key != path.stem:
            errors.append(f"{where}: key: '{profile.key}' must equal the file name '{path.stem}'")
        errors += _unknown(where, "metrics", profile.metrics, metric_keys)
        errors += _unknown(where, "evidence_focus", profile.evidence_focus, evidence_keys)
        for index, objection in enumerate(profile.objections):
            errors += _unknown(
                where, f"objections[{index}].evidence", objection.evidence, evidence_keys
            )
    for model in library.models:
        errors += _unknown(
            f"reference/integration_models.yaml: models ({model.key})",
            "codes",
            model.codes,
            code_keys,
        )
    for schedule in library.fee_schedules:
        errors += _unknown(
            f"reference/billing_codes.yaml: fee_schedules ({schedule.payer} {schedule.year})",
            "rates",
            list(schedule.rates),
            code_keys,
        )
    return errors


def _unknown(where: str, field: str, used: list[str], known: set[str]) -> list[str]:
    return [
        f"{where}: {field}: '{key}' is not defined in the reference files"
        for key in used
        if key not in known
    ]


def _duplicate_errors(library: ReferenceLibrary) -> list[str]:
    groups = {
        "reference/value_domains.yaml: metrics": [
            m.key for d in library.domains for m in d.metrics
        ],
        "reference/evidence.yaml: evidence": [e.key for e in library.evidence],
        "reference/billing_codes.yaml: codes": [c.code for c in library.codes],
        "reference/quality_measures.yaml: measures": [m.key for m in library.measures],
        "reference/integration_models.yaml: levels and models": [
            entry.key for entry in (*library.levels, *library.models)
        ],
        "reference/integration_models.yaml: guidelines": [g.key for g in library.guidelines],
    }
    errors = []
    for where, keys in groups.items():
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                errors.append(f"{where}: '{key}' appears more than once")
            seen.add(key)
    return errors
