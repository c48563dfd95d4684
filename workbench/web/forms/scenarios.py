"""The scenario form: every input of rate method 1, grouped as a contracting lead thinks.

The form validates nothing itself. It gathers what was typed into the nested mapping the
engine's schema reads (`engine.parse_scenario`), which is the one place inputs are validated, and
places the engine's "dotted.path: rule" messages beside the field each path names. Field names
mirror the schema (`program-caseload_per_fte`, `payers-1-caseload_share`), so the path of a
message leads straight to its input. Help text states each input's RATE_METHOD symbol and the
range the engine's schema allows, read from the schema itself so the two cannot drift apart.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.core import Field

from workbench import engine
from workbench.documents.labels import MODEL_LABELS
from workbench.engine import schema
from workbench.engine.constraints import Range
from workbench.web.forms import WorkbenchForm, choices

MAX_SCENARIO_FILE_BYTES = 1024 * 1024
NUMBER_INPUT = {"inputmode": "decimal", "autocomplete": "off"}
SECTION_MODELS = {
    "program": schema.Program,
    "costs": schema.Costs,
    "billing": schema.Billing,
    "savings": schema.Savings,
    "payers": schema.Payer,
    "terms": schema.Terms,
    "incentives": schema.QualityIncentive,
}
RATE_PREFIX = "rate_"
_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_WHOLE = re.compile(r"[+-]?\d+")
# Thousands separators, spaces and a dollar sign are how people write amounts, not errors.
_DECORATION = str.maketrans("", "", ", $")


class NumberField(StringField):
    """A number typed as text: what was typed is kept and handed to the engine as it is."""

    def __init__(
        self, label: str, path: str, note: str = "", symbol: str = "", **kwargs: Any
    ) -> None:
        description = describe(path, note, symbol)
        super().__init__(label, description=description, render_kw=NUMBER_INPUT, **kwargs)


def describe(path: str, note: str = "", symbol: str = "") -> str:
    """Say an input's RATE_METHOD symbol, allowed range and default, from the engine's schema."""
    section, name = path.split(".")
    info = SECTION_MODELS[section].model_fields[name]
    if name == "rates":
        domain = schema.NON_NEGATIVE  # the range of each rate in the mapping
    else:
        domain = next((item for item in info.metadata if isinstance(item, Range)), None)
    parts = [symbol or SYMBOLS.get(path, ""), _range_text(domain)]
    if not info.is_required() and info.default is not None:
        parts.append(f"default {info.default}")
    parts.append(note)
    return " · ".join(part for part in parts if part)


def _range_text(domain: Range | None) -> str:
    if domain is None:
        return "any number"
    low, high = domain.low, domain.high
    if high is None:
        return f"more than {low}" if domain.low_open else f"{low} or more"
    upper = f"less than {high}" if domain.high_open else str(high)
    return f"{low} to {upper}".replace("-", "−")


SYMBOLS = {
    "program.care_manager_fte": "F",
    "program.caseload_per_fte": "C",
    "program.episode_months": "L",
    "program.consultant_hours_per_week_per_fte": "h",
    "program.direct_psychiatric_hours_per_week": "d",
    "program.weeks_per_year": "w",
    "program.ramp_months": "r",
    "costs.care_manager_salary": "S",
    "costs.benefits_rate": "β",
    "costs.consultant_hourly_rate": "R",
    "costs.other_direct_annual": "O",
    "costs.overhead_rate": "η",
    "costs.startup_costs": "I",
    "costs.amortization_years": "A",
    "billing.billable_fraction": "b",
    "billing.addon_units_per_billed_month": "a",
    "billing.collection_rate": "c",
    "savings.amount_per_enrolled_month": "s",
    "savings.percent_of_cohort_tcoc": "g",
    "savings.cohort_cost_multiplier": "μ",
    "payers.caseload_share": "σₚ",
    "payers.attributed_members": "Nₚ",
    "payers.baseline_tcoc_pmpm": "Bₚ",
    "terms.target_margin": "m",
    "terms.minimum_savings_rate": "MSR",
    "terms.shared_savings_rate": "ρ",
    "terms.quality_score": "q",
    "terms.savings_cap_rate": "cap",
}
PAYMENT_MODEL_CHOICES = choices((model, MODEL_LABELS[model]) for model in engine.PAYMENT_MODELS)
SAVINGS_BASIS_CHOICES = choices(
    [
        ("per_enrolled_month", "An amount per enrolled patient-month (s)"),
        ("percent_of_cohort_tcoc", "A share of the treated cohort's total cost of care (g)"),
    ]
)
BENCHMARK_SCOPE_CHOICES = choices(
    [
        ("population", "Population: every attributed member (Bₚ × member-months)"),
        ("cohort", "Cohort: the treated patients only (Bₚ × μ × enrolled months)"),
    ]
)


class ProgramForm(Form):
    care_manager_fte = NumberField("Care managers, full-time", "program.care_manager_fte")
    caseload_per_fte = NumberField(
        "Caseload per care manager", "program.caseload_per_fte", "guideline 60–100"
    )
    episode_months = NumberField(
        "Months a patient stays", "program.episode_months", "usually up to 12"
    )
    consultant_hours_per_week_per_fte = NumberField(
        "Consultant hours a week per FTE", "program.consultant_hours_per_week_per_fte"
    )
    direct_psychiatric_hours_per_week = NumberField(
        "Direct psychiatric hours a week", "program.direct_psychiatric_hours_per_week"
    )
    weeks_per_year = NumberField("Weeks a year", "program.weeks_per_year")
    ramp_months = NumberField("Ramp-up months", "program.ramp_months")


class CostsForm(Form):
    care_manager_salary = NumberField(
        "Care manager salary, per FTE", "costs.care_manager_salary", "a year"
    )
    benefits_rate = NumberField("Benefits rate", "costs.benefits_rate", "0.25 = 25%")
    consultant_hourly_rate = NumberField("Consultant hourly rate", "costs.consultant_hourly_rate")
    other_direct_annual = NumberField(
        "Other direct costs", "costs.other_direct_annual", "a year: registry, supplies"
    )
    overhead_rate = NumberField("Overhead rate", "costs.overhead_rate", "on direct costs")
    startup_costs = NumberField("Start-up costs", "costs.startup_costs", "one-time")
    amortization_years = NumberField("Years to spread start-up over", "costs.amortization_years")


class BillingForm(Form):
    billable_fraction = NumberField(
        "Billable share of patient-months", "billing.billable_fraction", "usually up to 0.95"
    )
    addon_units_per_billed_month = NumberField(
        "99494 units per billed month", "billing.addon_units_per_billed_month"
    )
    collection_rate = NumberField("Collection rate", "billing.collection_rate")


class SavingsForm(Form):
    basis = SelectField("Savings basis", choices=SAVINGS_BASIS_CHOICES)
    amount_per_enrolled_month = NumberField(
        "Savings per enrolled patient-month",
        "savings.amount_per_enrolled_month",
        "needed for the per-month basis",
    )
    percent_of_cohort_tcoc = NumberField(
        "Savings, share of the cohort's cost",
        "savings.percent_of_cohort_tcoc",
        "needed for the share basis; 0.05 = 5%",
    )
    cohort_cost_multiplier = NumberField(
        "Cohort cost multiplier", "savings.cohort_cost_multiplier", "typically 2–3"
    )


class PayerForm(Form):
    name = StringField("Payer name")
    caseload_share = NumberField("Caseload share", "payers.caseload_share", "shares sum ≤ 1")
    attributed_members = NumberField(
        "Attributed members", "payers.attributed_members", "whole number"
    )
    baseline_tcoc_pmpm = NumberField("Baseline TCOC PMPM", "payers.baseline_tcoc_pmpm")
    rate_99492 = NumberField("99492 rate", "payers.rates", "blank = not paid", "initial month")
    rate_99493 = NumberField("99493 rate", "payers.rates", "blank = not paid", "later months")
    rate_99494 = NumberField("99494 rate", "payers.rates", "blank = not paid", "add-on unit")


class IncentiveForm(Form):
    measure = StringField("Quality measure")
    annual_amount = NumberField("Bonus a year", "incentives.annual_amount", "in dollars")
    expected_attainment = NumberField(
        "Expected attainment", "incentives.expected_attainment", "share of the bonus earned"
    )


class TermsForm(Form):
    target_margin = NumberField("Target margin", "terms.target_margin", "0.05 = 5%")
    quality_incentives = FieldList(FormField(IncentiveForm))
    minimum_savings_rate = NumberField("Minimum savings rate", "terms.minimum_savings_rate")
    shared_savings_rate = NumberField("Shared savings rate", "terms.shared_savings_rate")
    quality_score = NumberField("Quality score", "terms.quality_score")
    savings_cap_rate = NumberField(
        "Savings cap", "terms.savings_cap_rate", "share of the benchmark"
    )
    benchmark_scope = SelectField("Benchmark", choices=BENCHMARK_SCOPE_CHOICES)


class ScenarioForm(WorkbenchForm):
    """The whole scenario; `focus_payer` holds the index of the payer row chosen as focus
    (its radio buttons sit in the payer rows)."""

    version = HiddenField()
    name = StringField("Scenario name")
    payment_model = SelectField("Payment model proposed", choices=PAYMENT_MODEL_CHOICES)
    organization = SelectField(
        "For the organization",
        description="Optional: the payer, employer or ACO this scenario is for.",
        choices=[],
    )
    focus_payer = StringField(
        "Focus payer", description="Choose the focus payer with the button in its row."
    )
    program = FormField(ProgramForm)
    costs = FormField(CostsForm)
    billing = FormField(BillingForm)
    savings = FormField(SavingsForm)
    payers = FieldList(FormField(PayerForm))
    terms = FormField(TermsForm)

    def inputs(self) -> list[Field]:
        """List every input of the form, sections and rows included, in page order."""
        return list(_leaves(self))

    def offer_organizations(self, organizations: Iterable[Any]) -> None:
        """Offer these organizations (with .id and .name) in the organization list."""
        self.organization.choices = choices(
            [("", "None"), *((str(o.id), o.name) for o in organizations)]
        )

    def focus_index(self) -> int | None:
        """Return the row index of the focus payer, or None when none is chosen."""
        text = self.focus_payer.data or ""
        return int(text) if text.isdigit() and int(text) < len(self.payers) else None

    def organization_id(self) -> int | None:
        """Return the chosen organization's id, or None."""
        text = self.organization.data or ""
        return int(text) if text.isdigit() else None

    def form_version(self) -> int:
        """Return the version of the scenario this form was opened on."""
        text = self.version.data or ""
        return int(text) if text.isdigit() else 0


class ScenarioImportForm(WorkbenchForm):
    file = FileField(
        "Scenario file",
        validators=[
            FileRequired("Choose a scenario file (YAML or JSON)."),
            FileSize(MAX_SCENARIO_FILE_BYTES, message="A scenario file is at most 1 MB."),
        ],
        render_kw={"accept": ".yaml,.yml,.json"},
    )


def scenario_mapping(form: ScenarioForm) -> dict[str, Any]:
    """Gather the form into the nested mapping the engine's schema reads (nothing validated)."""
    payers = [_payer(entry.form) for entry in form.payers]
    focus = form.focus_index()
    mapping: dict[str, Any] = {"method": engine.METHOD_VERSION}
    mapping |= _fields(form, ("name", "payment_model"))
    if focus is not None:
        mapping["focus_payer"] = payers[focus].get("name", "")
    for section in ("program", "costs", "billing", "savings"):
        mapping[section] = _fields(form[section].form)
    mapping["payers"] = payers
    terms = form.terms.form
    mapping["terms"] = _fields(terms, exclude=("quality_incentives",)) | {
        "quality_incentives": [_fields(entry.form) for entry in terms.quality_incentives]
    }
    return mapping


def form_data(inputs: Mapping[str, Any], organization_id: int | None, version: int) -> dict:
    """Turn an engine mapping (stored or new) into the form's data, every number as text."""
    payers = [_payer_data(payer) for payer in inputs.get("payers", ())]
    names = [payer["name"] for payer in payers]
    focus = inputs.get("focus_payer")
    terms = dict(inputs.get("terms", {}))
    terms["quality_incentives"] = [_texts(i) for i in terms.get("quality_incentives", ())]
    return {
        "version": str(version),
        "name": inputs.get("name", ""),
        "payment_model": inputs.get("payment_model", ""),
        "organization": "" if organization_id is None else str(organization_id),
        "focus_payer": str(names.index(focus)) if focus in names else "",
        **{s: _texts(inputs.get(s, {})) for s in ("program", "costs", "billing", "savings")},
        "payers": payers,
        "terms": _texts(terms),
    }


def form_state(form: ScenarioForm) -> dict:
    """Return what the form holds, as data a new form can be built from."""
    return {name: value for name, value in form.data.items() if name != "csrf_token"}


@dataclass(frozen=True)
class RowAction:
    """A button that changes the form's rows rather than saving: add or remove a row."""

    verb: str
    index: int | None = None


ROW_VERBS = (
    "add_payer",
    "add_organization_payer",
    "remove_payer",
    "add_incentive",
    "remove_incentive",
)


def row_action(text: str | None) -> RowAction | None:
    """Read the pressed button's value (e.g. "remove_payer-2"); None for a save."""
    verb, _, index = (text or "").partition("-")
    if verb not in ROW_VERBS:
        return None
    return RowAction(verb, int(index) if index.isdigit() else None)


def apply_row_action(state: dict, action: RowAction, payer: Mapping | None = None) -> dict:
    """Return the form data with a row added or removed; the focus follows its payer."""
    payers = list(state["payers"])
    incentives = list(state["terms"]["quality_incentives"])
    focus = state.get("focus_payer") or ""
    if action.verb == "add_payer":
        payers.append({})
    elif action.verb == "add_organization_payer" and payer is not None:
        payers.append(_payer_data(payer))
    elif action.verb == "remove_payer" and action.index is not None:
        payers = [p for i, p in enumerate(payers) if i != action.index]
        focus = _focus_after_removal(focus, action.index)
    elif action.verb == "add_incentive":
        incentives.append({})
    elif action.verb == "remove_incentive" and action.index is not None:
        incentives = [q for i, q in enumerate(incentives) if i != action.index]
    terms = state["terms"] | {"quality_incentives": incentives}
    return state | {"payers": payers, "terms": terms, "focus_payer": focus}


def _focus_after_removal(focus: str, removed: int) -> str:
    if not focus.isdigit() or int(focus) == removed:
        return ""
    return str(int(focus) - 1) if int(focus) > removed else focus


@dataclass
class Messages:
    """The engine's errors and warnings, each beside the input it names or at the top."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    top_errors: list[str] = field(default_factory=list)
    top_warnings: list[str] = field(default_factory=list)


def place_messages(
    form: ScenarioForm, errors: tuple[str, ...] | list[str], warnings: tuple[str, ...] = ()
) -> Messages:
    """Put each "dotted.path: rule" message beside its input, or at the top if it names none."""
    messages = Messages()
    for found, beside, top in (
        (errors, messages.errors, messages.top_errors),
        (warnings, messages.warnings, messages.top_warnings),
    ):
        for message in found:
            path, _, rule = message.partition(": ")
            target = field_for(form, path)
            if target is None:
                top.append(message)
            else:
                beside.setdefault(target.id, []).append(rule)
    return messages


def field_for(form: ScenarioForm, path: str) -> Field | None:
    """Find the input a dotted engine path names (payers[1].rates.99492), or None."""
    node: Any = form
    prefix = ""
    try:
        for index, name in _PATH_TOKEN.findall(path):
            if index:
                node = node[int(index)]
            elif name == "rates":
                prefix = RATE_PREFIX
            else:
                node = node[prefix + name]
    except (KeyError, IndexError, TypeError):
        return None
    # Rows, sections and the hidden focus index are not inputs a message can sit beside.
    return None if isinstance(node, FormField | FieldList | Form | HiddenField) else node


def _leaves(form: Form) -> Iterator[Field]:
    for entry in form:
        if isinstance(entry, FormField):
            yield from _leaves(entry.form)
        elif isinstance(entry, FieldList):
            for row in entry:
                yield from _leaves(row.form)
        elif not isinstance(entry, HiddenField):
            yield entry


def _fields(form: Form, names: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> dict:
    """Read a form's inputs into a mapping, leaving out the empty ones (the engine's defaults)."""
    chosen = [form[name] for name in names] if names else list(form)
    values = {f.short_name: _value(f) for f in chosen if f.short_name not in exclude}
    return {name: value for name, value in values.items() if value is not None}


def _value(entry: Field) -> Any:
    text = (entry.data or "").strip()
    if not text:
        return None
    if isinstance(entry, NumberField):
        number = text.translate(_DECORATION)
        # The schema counts members in whole numbers and refuses text for them.
        return int(number) if _WHOLE.fullmatch(number) else number
    return text


def _payer(form: PayerForm) -> dict[str, Any]:
    rates = {
        code: value
        for code in engine.RATE_CODES
        if (value := _value(form[RATE_PREFIX + code])) is not None
    }
    return _fields(form, exclude=tuple(RATE_PREFIX + code for code in engine.RATE_CODES)) | {
        "rates": rates
    }


def _payer_data(payer: Mapping[str, Any]) -> dict[str, str]:
    rates = payer.get("rates") or {}
    data = _texts({key: value for key, value in payer.items() if key != "rates"})
    return data | {RATE_PREFIX + code: _text(rates.get(code)) for code in engine.RATE_CODES}


def _texts(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, list) else _text(value) for key, value in values.items()
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)
