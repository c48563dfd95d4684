"""Scenarios: the rate method's inputs saved, copied, imported, exported, deleted and evaluated.

A scenario is stored as the JSON the engine's schema validated (`engine.scenario_to_dict`), so
every figure a page shows comes from `engine.evaluate` on exactly what was saved. Changing
functions flush and audit in the caller's transaction; the view commits.
"""

import functools
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any

import yaml
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from workbench import engine
from workbench.documents.argument import warnings_for_reader
from workbench.documents.charts import Chart
from workbench.documents.labels import OUTPUT_LABELS, describe_input
from workbench.documents.render import make_charts, models_chart, term_chart
from workbench.documents.sensitivity import analyse
from workbench.engine import contract
from workbench.errors import NotFoundError, WorkbenchError, problems_from_lines
from workbench.models import (
    DocumentArtifact,
    EvidenceItem,
    Offer,
    Organization,
    Scenario,
    User,
    live,
    utcnow,
)
from workbench.models.enums import OrganizationKind
from workbench.services.audit import record_event
from workbench.services.contract_analysis import (
    ContractAnalysis,
    InputRange,
    SwingRow,
    build_contract_analysis,
)
from workbench.services.contract_figures import ZoneLine, result_warnings, zone_line
from workbench.services.library_schema import PRESET_AMOUNT
from workbench.services.organizations import get_newest_fees
from workbench.services.versioning import save_if_unchanged

COPY_SUFFIX = " (copy)"
IMPORT_SUFFIX = " (imported)"
EXPORTED_ORGANIZATION = re.compile(r"^# organization: (.+)$", re.MULTILINE)
# A new scenario is method 2 and starts from the staffing and cost guidelines of the method's
# worked example (docs/rate-method-2.md section 1); the lead fills in the payer and the savings.
NEW_SCENARIO: dict[str, Any] = {
    "method": contract.METHOD,
    "name": "New scenario",
    "payment_model": "ffs_plus_incentives",
    "focus_payer": "",
    "contract": {
        "term_years": "3",
        "discount_rate": "0.03",
        "medical_trend": "0.05",
        "cost_trend": "0.03",
        "rate_escalator": "0",
    },
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
    "savings": {
        "basis": "per_treated_month",
        "amount_per_treated_month": "70",
        "lag_months": "0",
        "duration_months": "12",
    },
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
    method: int
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
    """The engine's answer to a set of inputs: its figures, or the rules they break.

    Method 2's figures come with the zone drawn as a number line (None under ffs). The chart is
    the one the documents print (method 2: the proposal's term chart), drawn by the browser.
    """

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    evaluation: engine.Evaluation | contract.ContractEvaluation | None = None
    comparison: engine.Comparison | contract.ContractComparison | None = None
    chart: Chart | None = None
    zone: ZoneLine | None = None


@dataclass(frozen=True)
class SavingsPreset:
    """An evidence item's savings inputs for method 2, offered in the scenario editor."""

    key: str
    label: str
    basis: str
    amount: Decimal
    lag_months: int
    duration_months: int
    triangle: tuple[Decimal, Decimal, Decimal]

    @property
    def amount_field(self) -> str:
        """Name the savings field the amount fills for this basis."""
        return PRESET_AMOUNT[self.basis]


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
    presets: tuple[SavingsPreset, ...]
    preview: Preview


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


# The previews of the inputs seen last, by the inputs' repr: opening a scenario shows its saved
# inputs' figures, and the page then recalculates the same inputs (its htmx "load" trigger).
_PREVIEWS: "OrderedDict[str, Preview]" = OrderedDict()
PREVIEWS_KEPT = 256


def preview_scenario(data: Mapping[str, Any]) -> Preview:
    """Evaluate inputs without saving: the figures under every model, or the broken rules.

    The engine is a pure function of the inputs, so the same inputs are answered from the last
    previews (a repr that differs only in order is a miss, never a wrong answer).
    """
    key = repr(data)
    preview = _PREVIEWS.get(key)
    if preview is None:
        preview = _previewed(data)
        _PREVIEWS[key] = preview
        while len(_PREVIEWS) > PREVIEWS_KEPT:
            _PREVIEWS.popitem(last=False)
    return preview


def _previewed(data: Mapping[str, Any]) -> Preview:
    try:
        scenario, comparison = _evaluated(data)
    except engine.ScenarioError as error:
        return Preview(errors=tuple(error.errors))
    if isinstance(scenario, contract.ContractScenario):
        # The warnings of the model proposed: another model's (a TCOC credible MSR under a fee
        # model) would alarm about terms that are not on the table.
        evaluation = contract.evaluate(scenario)
        return Preview(
            warnings=(
                *warnings_for_reader(evaluation),
                *result_warnings(scenario, evaluation.result),
            ),
            evaluation=evaluation,
            comparison=comparison,
            chart=term_chart(evaluation),
            zone=None
            if evaluation.result.zone is None
            else zone_line(evaluation.result.zone, evaluation.result.model),
        )
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
    return Editor(
        record, data, _organizations(session), list_savings_presets(session), preview_scenario(data)
    )


def list_savings_presets(session: Session) -> tuple[SavingsPreset, ...]:
    """Return the evidence items that carry method-2 savings inputs, by study name."""
    # Three columns, not the items and their long texts (the page asks for this on each view).
    rows = session.execute(
        select(EvidenceItem.key, EvidenceItem.study, EvidenceItem.savings_preset)
        .where(EvidenceItem.deleted_at.is_(None), EvidenceItem.savings_preset.is_not(None))
        .order_by(EvidenceItem.study)
    )
    return tuple(_preset(key, study, preset) for key, study, preset in rows if preset)


def get_savings_preset(session: Session, key: str) -> SavingsPreset | None:
    """Return one evidence item's savings preset by its key, or None."""
    return next((p for p in list_savings_presets(session) if p.key == key), None)


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
    """Validate the inputs with the engine and save them as a new scenario owned by `user`.

    A copy whose name is its original's is named "(copy)", "(copy 2)"...; any other name used by
    a scenario in the list is refused, so no drop-down shows two scenarios alike.
    """
    scenario = _parsed(data)
    original = session.get(Scenario, copy_of) if copy_of is not None else None
    if original is not None and scenario.name == original.name:
        scenario = scenario.model_copy(update={"name": _copy_name(session, scenario.name)})
    _refuse_taken_name(session, scenario.name)
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
    _refuse_taken_name(session, scenario.name, scenario_id)
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
    """Read a scenario file (YAML or JSON) of either method and save it; a bad file is refused,
    naming why. A file whose name a scenario already has is saved as "(imported)"."""
    try:
        scenario = engine.scenario_from_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise WorkbenchError("The file is not UTF-8 text; save it as YAML or JSON.") from None
    except engine.ScenarioFileError as error:
        raise WorkbenchError(str(error)) from None
    except engine.ScenarioError as error:
        raise WorkbenchError(str(error), problems=problems_from_lines(error.errors)) from None
    inputs = engine.scenario_to_dict(scenario)
    if _name_taken(session, scenario.name):
        # A file read back in (an export, a colleague's copy) sits beside the scenario it came from.
        inputs["name"] = _free_name(session, scenario.name + IMPORT_SUFFIX)
    return create_scenario(session, inputs, user, _exported_organization(session, data))


def create_upgraded_scenario(
    session: Session, scenario_id: int, user: User
) -> tuple[Scenario, tuple[str, ...]]:
    """Save a method-1 scenario again as a new method-2 one, the original untouched; return it
    with one line per figure the new method changes, and why."""
    original = get_scenario(session, scenario_id)
    if original is None:
        raise ScenarioNotFound(scenario_id)
    old = engine.parse_scenario(original.inputs)
    if not isinstance(old, engine.Scenario):
        raise WorkbenchError("this scenario already follows rate method 2", "method")
    upgraded = contract.upgrade(old)
    name = _free_name(session, f"{old.name} (method 2)")
    record = create_scenario(
        session,
        engine.scenario_to_dict(upgraded.scenario) | {"name": name},
        user,
        original.organization_id,
    )
    return record, upgraded.changes


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
        "workbench.\n# `workbench rates THIS_FILE` prints its figures; the scenario page's help "
        "beside each input explains its field.\n"
    )
    if record.organization is not None:
        # Read back by the import, so the scenario finds its organization again.
        header += f"# organization: {record.organization.name}\n"
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


def get_analysis(
    session: Session, scenario_id: int, model: str | None = None
) -> Analysis | ContractAnalysis | None:
    """Return the tornado, Monte Carlo run and break-even caseload of a saved scenario (method
    2: both tornados and the spread with the terms fixed)."""
    record = get_scenario(session, scenario_id)
    if record is None:
        return None
    scenario = engine.parse_scenario(record.inputs)
    chosen = model if model in engine.PAYMENT_MODELS else scenario.payment_model
    if isinstance(scenario, contract.ContractScenario):
        return build_contract_analysis(record, scenario, chosen)
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


def _parsed(data: Mapping[str, Any]) -> engine.AnyScenario:
    """Parse the inputs with the engine's schema, refusing any the engine cannot compute."""
    return _evaluated(data)[0]


def _evaluated(
    data: Mapping[str, Any],
) -> tuple[engine.AnyScenario, engine.Comparison | contract.ContractComparison]:
    scenario = engine.parse_scenario(data)
    try:
        if isinstance(scenario, contract.ContractScenario):
            return scenario, contract.compare(scenario)
        return scenario, engine.compare(scenario)
    except DecimalException:
        # Legal but astronomically large numbers overflow Decimal's exponent range.
        raise engine.ScenarioError(["scenario: a number is too large to compute with"]) from None


def _exported_organization(session: Session, data: bytes) -> int | None:
    """Find the organization an exported file names in its header comment, if it still exists."""
    found = EXPORTED_ORGANIZATION.search(data.decode("utf-8"))
    if found is None:
        return None
    return session.scalar(
        select(Organization.id).where(
            Organization.name == found.group(1).strip(), Organization.deleted_at.is_(None)
        )
    )


def _refuse_taken_name(session: Session, name: str, scenario_id: int | None = None) -> None:
    if _name_taken(session, name, scenario_id):
        raise engine.ScenarioError(
            [f"name: another scenario is already called “{name}”; choose a name of its own"]
        )


def _name_taken(session: Session, name: str, scenario_id: int | None = None) -> bool:
    query = select(Scenario.id).where(Scenario.name == name, Scenario.deleted_at.is_(None))
    if scenario_id is not None:
        query = query.where(Scenario.id != scenario_id)
    return session.scalar(query.limit(1)) is not None


def _copy_name(session: Session, name: str) -> str:
    return _free_name(session, name + COPY_SUFFIX)


def _free_name(session: Session, name: str) -> str:
    """Return `name`, or `name` numbered (“… 2”, “… 3”) when a scenario already has it."""
    if not _name_taken(session, name):
        return name
    stem, number = (name[:-1], 2) if name.endswith(")") else (name, 2)
    while True:
        candidate = f"{stem} {number})" if name.endswith(")") else f"{stem} {number}"
        if not _name_taken(session, candidate):
            return candidate
        number += 1


def _preset(key: str, study: str, preset: dict[str, Any]) -> SavingsPreset:
    basis = preset["basis"]
    low, mode, high = (Decimal(str(end)) for end in preset["triangle"])
    return SavingsPreset(
        key=key,
        label=study,
        basis=basis,
        amount=Decimal(str(preset[PRESET_AMOUNT[basis]])),
        lag_months=int(preset["lag_months"]),
        duration_months=int(preset["duration_months"]),
        triangle=(low, mode, high),
    )


def _columns(scenario: engine.AnyScenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "method_version": scenario.method,
        "payment_model": scenario.payment_model,
        "inputs": engine.scenario_to_dict(scenario),
    }


def _line(record: Scenario) -> ScenarioLine:
    pmpm, net = _headline_figures(json.dumps(record.inputs, sort_keys=True))
    return ScenarioLine(
        id=record.id,
        name=record.name,
        method=record.method_version,
        payment_model=str(record.payment_model),
        focus_payer=str(record.inputs.get("focus_payer", "")),
        proposed_pmpm=pmpm,
        provider_net=net,
        owner=record.owner.name if record.owner else "—",
        updated_at=record.updated_at,
    )


@functools.lru_cache(maxsize=4096)
def _headline_figures(inputs: str) -> tuple[Decimal | None, Decimal | None]:
    """Return the level (or proposed) PMPM and provider net of a scenario's inputs (as JSON).

    Cached by the inputs themselves: the engine is a pure function of them, and the list would
    otherwise evaluate every scenario on every view (a third of its time under load).
    """
    try:
        scenario = engine.parse_scenario(json.loads(inputs))
        if isinstance(scenario, contract.ContractScenario):
            term = contract.evaluate(scenario).result
            return term.level_pmpm, term.pv_provider_net
        result = engine.evaluate(scenario).result
        return result.proposed_pmpm, result.provider_net
    except engine.ScenarioError:
        return None, None


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
