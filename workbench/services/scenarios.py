"""Scenarios: the rate method's inputs saved, copied, imported, exported, deleted and evaluated.

A scenario is stored as the JSON the engine's schema validated (`engine.scenario_to_dict`), so
every figure a page shows comes from `engine.evaluate` on exactly what was saved. Changing
functions flush and audit in the caller's transaction; the view commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any

import yaml
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from workbench import engine
from workbench.documents.charts import Chart
from workbench.documents.labels import OUTPUT_LABELS, describe_input
from workbench.documents.render import make_charts, models_chart
from workbench.documents.sensitivity import analyse
from workbench.errors import NotFoundError, WorkbenchError, problems_from_lines
from workbench.models import (
    DocumentArtifact,
    Offer,
    Organization,
    Scenario,
    User,
    live,
    utcnow,
)
from workbench.models.enums import OrganizationKind
from workbench.services.audit import record_event
from workbench.services.organizations import get_newest_fees
from workbench.services.versioning import save_if_unchanged

COPY_SUFFIX = " (copy)"
# A new scenario starts from the staffing and cost guidelines of the method's worked example
# (RATE_METHOD.md section 1); the lead fills in the payer.
NEW_SCENARIO: dict[str, Any] = {
    "method": engine.METHOD_VERSION,
    "name": "New scenario",
    "payment_model": "ffs_plus_incentives",
    "focus_payer": "",
    "program": {
        "care_manager_fte": "1",
        "caseload_per_fte": "70",
        "episode_months": "6",
        "consultant_hours_per_week_per_fte": "3",
        "direct_psychiatric_hours_per_week": "0",
        "weeks_per_year": "52",
        "ramp_months": "0",
    },
    "costs": {
        "care_manager_salary": "72000",
        "benefits_rate": "0.25",
        "consultant_hourly_rate": "200",
        "other_direct_annual": "12000",
        "overhead_rate": "0.15",
        "startup_costs": "60000",
        "amortization_years": "3",
    },
    "billing": {
        "billable_fraction": "0.80",
        "addon_units_per_billed_month": "0.2",
        "collection_rate": "0.95",
    },
    "savings": {"basis": "per_enrolled_month", "amount_per_enrolled_month": "70"},
    "payers": [{"name": "", "caseload_share": "1", "rates": {}}],
    "terms": {"target_margin": "0.05"},
}


class ScenarioNotFound(NotFoundError):
    """No scenario (or only a deleted one) has that id."""

    def __init__(self, scenario_id: int) -> None:
        super().__init__(f"Scenario {scenario_id} does not exist, or it was deleted.")


@dataclass(frozen=True)
class ScenarioLine:
    """One row of the scenario list, with the figures the engine gives for its stored inputs."""

    id: int
    name: str
    payment_model: str
    focus_payer: str
    proposed_pmpm: Decimal | None
    provider_net: Decimal | None
    owner: str
    updated_at: Any

    @property
    def loses_money(self) -> bool:
        """Tell whether the provider's net is below zero."""
        return self.provider_net is not None and self.provider_net < 0


@dataclass(frozen=True)
class Preview:
    """The engine's answer to a set of inputs: its figures, or the rules they break."""

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    evaluation: engine.Evaluation | None = None
    comparison: engine.Comparison | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class OrganizationChoice:
    id: int
    name: str


@dataclass(frozen=True)
class Editor:
    """What the scenario page shows: the saved record, the inputs, their figures, the payers."""

    scenario: Scenario | None
    inputs: Mapping[str, Any]
    organizations: tuple[OrganizationChoice, ...]
    preview: Preview


@dataclass(frozen=True)
class InputRange:
    """An uncertain input: how it is labelled and shown, and the values analysis gives it."""

    label: str
    kind: str
    low: Decimal
    mode: Decimal
    high: Decimal


@dataclass(frozen=True)
class SwingRow:
    """One bar of the tornado, labelled for a person."""

    label: str
    kind: str
    low: Decimal
    high: Decimal
    output_low: Decimal
    output_high: Decimal
    swing: Decimal


@dataclass(frozen=True)
class Analysis:
    """Sensitivity and uncertainty of a saved scenario under one payment model."""

    scenario: Scenario
    model: str
    evaluation: engine.Evaluation
    tornado: engine.Tornado
    output_label: str
    swings: tuple[SwingRow, ...]
    risk: engine.MonteCarlo
    ranges: tuple[InputRange, ...]
    breakeven_caseload: int | None
    tornado_chart: Chart | None
    distribution_chart: Chart | None


def list_scenarios(session: Session) -> list[ScenarioLine]:
    """Return the scenarios not deleted, each with its figures from the engine."""
    records = session.scalars(
        select(Scenario)
        .where(live(Scenario))
        .options(selectinload(Scenario.owner))
        .order_by(Scenario.updated_at.desc())
    )
    return [_line(record) for record in records]


def get_scenario(session: Session, scenario_id: int) -> Scenario | None:
    """Return a scenario that has not been deleted, or None."""
    record = session.get(
        Scenario,
        scenario_id,
        options=[selectinload(Scenario.owner), selectinload(Scenario.organization)],
    )
    return record if record is not None and record.deleted_at is None else None


def preview_scenario(data: Mapping[str, Any]) -> Preview:
    """Evaluate inputs without saving: the figures under every model, or the broken rules."""
    try:
        scenario, comparison = _evaluated(data)
    except engine.ScenarioError as error:
        return Preview(errors=tuple(error.errors))
    return Preview(
        warnings=comparison.warnings,
        evaluation=engine.evaluate(scenario),
        comparison=comparison,
        chart=models_chart(comparison),
    )


def get_editor(
    session: Session, scenario_id: int | None = None, data: Mapping[str, Any] | None = None
) -> Editor | None:
    """Return the scenario page's content: the stored (or a new, or the given) inputs evaluated."""
    record = None
    if scenario_id is not None:
        record = get_scenario(session, scenario_id)
        if record is None:
            return None
    if data is None:
        data = record.inputs if record is not None else NEW_SCENARIO
    return Editor(record, data, _organizations(session), preview_scenario(data))


def get_organization_payer(session: Session, organization_id: int) -> dict[str, Any] | None:
    """Return a payer row filled from an organization: members, baseline and CoCM rates."""
    organization = session.get(Organization, organization_id)
    if organization is None or organization.deleted_at is not None:
        return None
    row: dict[str, Any] = {"name": organization.name, "rates": _latest_rates(session, organization)}
    if organization.attributed_members is not None:
        row["attributed_members"] = organization.attributed_members
    if organization.baseline_tcoc_pmpm is not None:
        row["baseline_tcoc_pmpm"] = str(organization.baseline_tcoc_pmpm)
    return row


def create_scenario(
    session: Session,
    data: Mapping[str, Any],
    user: User,
    organization_id: int | None = None,
    copy_of: int | None = None,
) -> Scenario:
    """Validate the inputs with the engine and save them as a new scenario owned by `user`."""
    scenario = _parsed(data)
    original = session.get(Scenario, copy_of) if copy_of is not None else None
    if original is not None and scenario.name == original.name:
        scenario = scenario.model_copy(update={"name": scenario.name + COPY_SUFFIX})
    record = Scenario(
        owner_id=user.id,
        organization_id=_organization_id(session, organization_id),
        **_columns(scenario),
    )
    session.add(record)
    session.flush()
    details = {"name": record.name, "payment_model": str(record.payment_model)}
    if copy_of is not None:
        details["copy_of"] = copy_of
    record_event(session, "scenario.created", user_id=user.id, target=record, details=details)
    return record


def update_scenario(
    session: Session,
    scenario_id: int,
    form_version: int,
    data: Mapping[str, Any],
    organization_id: int | None,
    user: User,
) -> Scenario:
    """Save new inputs over a scenario, unless someone else saved it since the form was opened."""
    if get_scenario(session, scenario_id) is None:
        raise ScenarioNotFound(scenario_id)
    scenario = _parsed(data)
    values = _columns(scenario) | {"organization_id": _organization_id(session, organization_id)}
    version = save_if_unchanged(session, Scenario, scenario_id, form_version, values)
    record = session.get(Scenario, scenario_id)
    details = {"name": record.name, "version": version}
    record_event(session, "scenario.updated", user_id=user.id, target=record, details=details)
    return record


def create_copy(session: Session, scenario_id: int, user: User) -> Scenario:
    """Save a copy of a scenario's inputs, to try a variation without touching the original."""
    original = get_scenario(session, scenario_id)
    if original is None:
        raise ScenarioNotFound(scenario_id)
    return create_scenario(session, original.inputs, user, original.organization_id, original.id)


def create_scenario_from_text(session: Session, data: bytes, user: User) -> Scenario:
    """Read a scenario file (YAML or JSON) and save it; a bad file is refused, naming why."""
    try:
        scenario = engine.scenario_from_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise WorkbenchError("The file is not UTF-8 text; save it as YAML or JSON.") from None
    except engine.ScenarioFileError as error:
        raise WorkbenchError(str(error)) from None
    except engine.ScenarioError as error:
        raise WorkbenchError(str(error), problems=problems_from_lines(error.errors)) from None
    if scenario.method != engine.METHOD_VERSION:
        message = f"the scenario pages read method-1 files; this is method {scenario.method}"
        raise WorkbenchError(f"{message} (`workbench rates` reads it)", "method")
    return create_scenario(session, engine.scenario_to_dict(scenario), user)


def get_scenario_yaml(session: Session, scenario_id: int) -> tuple[str, str] | None:
    """Return (file name, YAML text) of a scenario, in the file format `workbench rates` reads."""
    record = get_scenario(session, scenario_id)
    if record is None:
        return None
    scenario = engine.parse_scenario(record.inputs)
    body = yaml.dump(
        _plain(scenario.model_dump()),
        Dumper=_ScenarioDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    header = (
        f"# A scenario of rate method {scenario.method}, exported from the payer negotiation "
        "workbench.\n# `workbench rates THIS_FILE` reads it; RATE_METHOD.md explains each field.\n"
    )
    return f"{_slug(record.name)}.yaml", header + body


def delete_scenario(session: Session, scenario_id: int, user: User) -> bool:
    """Delete a scenario; keep it hidden instead when documents or offers refer to it.

    Return True when the deletion was soft (the row stays, marked deleted).
    """
    record = get_scenario(session, scenario_id)
    if record is None:
        raise ScenarioNotFound(scenario_id)
    soft = _is_referred_to(session, scenario_id)
    details = {"name": record.name, "soft": soft}
    record_event(session, "scenario.deleted", user_id=user.id, target=record, details=details)
    if soft:
        record.deleted_at = utcnow()
    else:
        session.delete(record)
    session.flush()
    return soft


def get_analysis(session: Session, scenario_id: int, model: str | None = None) -> Analysis | None:
    """Return the tornado, Monte Carlo run and break-even caseload of a saved scenario."""
    record = get_scenario(session, scenario_id)
    if record is None:
        return None
    scenario = engine.parse_scenario(record.inputs)
    chosen = model if model in engine.PAYMENT_MODELS else scenario.payment_model
    evaluation = engine.evaluate(scenario, chosen)
    swings, risk = analyse(scenario, chosen)
    charts = make_charts(
        evaluation,
        engine.compare(scenario),
        swings,
        risk,
        wanted=("tornado", "distribution"),
    )
    return Analysis(
        scenario=record,
        model=chosen,
        evaluation=evaluation,
        tornado=swings,
        output_label=OUTPUT_LABELS[swings.output],
        swings=tuple(_swing_row(bar) for bar in swings.bars),
        risk=risk,
        ranges=tuple(_input_range(triangle) for triangle in risk.distributions),
        breakeven_caseload=engine.breakeven_caseload(scenario, chosen),
        tornado_chart=charts.tornado,
        distribution_chart=charts.distribution,
    )


def _parsed(data: Mapping[str, Any]) -> engine.Scenario:
    """Parse the inputs with the engine's schema, refusing any the engine cannot compute."""
    return _evaluated(data)[0]


def _evaluated(data: Mapping[str, Any]) -> tuple[engine.Scenario, engine.Comparison]:
    scenario = engine.parse_scenario(data)
    try:
        return scenario, engine.compare(scenario)
    except DecimalException:
        # Legal but astronomically large numbers overflow Decimal's exponent range.
        raise engine.ScenarioError(["scenario: a number is too large to compute with"]) from None


def _columns(scenario: engine.Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "method_version": scenario.method,
        "payment_model": scenario.payment_model,
        "inputs": engine.scenario_to_dict(scenario),
    }


def _line(record: Scenario) -> ScenarioLine:
    try:
        result = engine.evaluate(engine.parse_scenario(record.inputs)).result
    except engine.ScenarioError:
        result = None
    return ScenarioLine(
        id=record.id,
        name=record.name,
        payment_model=str(record.payment_model),
        focus_payer=str(record.inputs.get("focus_payer", "")),
        proposed_pmpm=result.proposed_pmpm if result else None,
        provider_net=result.provider_net if result else None,
        owner=record.owner.name if record.owner else "—",
        updated_at=record.updated_at,
    )


def _organizations(session: Session) -> tuple[OrganizationChoice, ...]:
    """List the organizations a scenario can be for: every counterparty, not our own."""
    rows = session.execute(
        select(Organization.id, Organization.name)
        .where(live(Organization), Organization.kind != OrganizationKind.OWN)
        .order_by(Organization.name)
    )
    return tuple(OrganizationChoice(id, name) for id, name in rows)


def _organization_id(session: Session, organization_id: int | None) -> int | None:
    if organization_id is None:
        return None
    if session.get(Organization, organization_id) is None:
        raise engine.ScenarioError([f"organization: there is no organization {organization_id}"])
    return organization_id


def _latest_rates(session: Session, organization: Organization) -> dict[str, str]:
    """Each CoCM code's rate from the most recent fee-schedule entry that states one."""
    entries = get_newest_fees(session, organization.id, stating_a_rate=True).values()
    rates = {entry.code.code: str(entry.rate) for entry in entries}
    return {code: rates[code] for code in engine.RATE_CODES if code in rates}


def _is_referred_to(session: Session, scenario_id: int) -> bool:
    documents = exists().where(DocumentArtifact.scenario_id == scenario_id)
    offers = exists().where(Offer.scenario_id == scenario_id)
    return bool(session.scalar(select(documents | offers)))


def _swing_row(bar: engine.TornadoBar) -> SwingRow:
    label, kind = describe_input(bar.input)
    return SwingRow(label, kind, bar.low, bar.high, bar.output_low, bar.output_high, bar.swing)


def _input_range(triangle: engine.Distribution) -> InputRange:
    label, kind = describe_input(triangle.input)
    return InputRange(label, kind, triangle.low, triangle.mode, triangle.high)


def _slug(name: str) -> str:
    safe = "".join(c.lower() if c.isalnum() else "-" for c in name)
    return "-".join(part for part in safe.split("-") if part)[:80] or "scenario"


def _plain(value: Any) -> Any:
    """Turn the scenario's tuples into lists, so YAML writes them as ordinary sequences."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class _ScenarioDumper(yaml.SafeDumper):
    """Writes every Decimal as the exact number it is (72000, 0.80), never as a float's guess."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    whole = value == value.to_integral_value()
    tag = "tag:yaml.org,2002:int" if whole and "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_ScenarioDumper.add_representer(Decimal, _represent_decimal)
