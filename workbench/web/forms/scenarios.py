"""The scenario form: every input of rate methods 1 and 2, grouped as a contracting lead thinks.

The form validates nothing itself. It gathers what was typed into the nested mapping the
engine's schema reads (`engine.parse_scenario`), which is the one place inputs are validated, and
places the engine's "dotted.path: rule" messages beside the field each path names. Field names
mirror the schema (`program-caseload_per_fte`, `payers-1-caseload_share`), so the path of a
message leads straight to its input. Help text says in plain words what an input is, then the
range the engine's schema allows (read from the schema itself so the two cannot drift apart), and
last the method's symbol. A few inputs belong to one method only (`METHOD_ONLY`); the page shows
them for that method and the mapping leaves them out for the other.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from flask_wtf.file import FileField, FileRequired, FileSize
from markupsafe import Markup
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.core import Field

from workbench import engine
from workbench.documents.labels import MODEL_LABELS
from workbench.engine import schema
from workbench.engine.constraints import Range
from workbench.engine.method2 import schema as schema2
from workbench.web.forms import WorkbenchForm, choices, html_attributes

MAX_SCENARIO_FILE_BYTES = 1024 * 1024
# Where each section's rules live; a field method 1 lacks is read from method 2's section.
SECTION_MODELS: dict[str, tuple[type, ...]] = {
    "program": (schema.Program,),
    "costs": (schema.Costs,),
    "billing": (schema.Billing,),
    "savings": (schema.Savings, schema2.TimedSavings),
    "payers": (schema.Payer,),
    "terms": (schema.Terms, schema2.ContractTerms),
    "incentives": (schema.QualityIncentive,),
    "contract": (schema2.Contract,),
}
METHOD_2 = schema2.METHOD
# Inputs of one method only, by form field id: the page shows them for that method alone.
METHOD_ONLY = {
    "savings-amount_per_enrolled_month": engine.METHOD_VERSION,
    "savings-amount_per_treated_month": METHOD_2,
    "savings-lag_months": METHOD_2,
    "savings-duration_months": METHOD_2,
    "terms-cost_cv": METHOD_2,
}
RATE_PREFIX = "rate_"
_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_WHOLE = re.compile(r"[+-]?\d+")
# Thousands separators, spaces and a dollar sign are how people write amounts, not errors.
_DECORATION = str.maketrans("", "", ", $")
# "25%" is how people write a share: the engine reads 0.25.
_PERCENT = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*%")


class NumberField(StringField):
    """A number typed as text: what was typed is kept and handed to the engine as it is."""

    def __init__(
        self, label: str, path: str | None, note: str = "", symbol: str = "", **kwargs: Any
    ) -> None:
        description = describe(path, note, symbol) if path else note
        super().__init__(label, description=description, **kwargs)

    def __call__(self, **attributes: Any) -> Markup:
        """Write the input itself: the editor has 72 of them, and WTForms' way round (render_kw,
        the widget, its validator flags) was a third of the page's time."""
        written = html_attributes(
            **{
                "autocomplete": "off",
                "id": self.id,
                "inputmode": "decimal",
                "name": self.name,
                "type": "text",
                "value": self._value(),
                **attributes,
            }
        )
        return Markup(f"<input {written}>")  # nosec B704 # html_attributes escapes every value


@cache  # each form binds its fields anew; the schema, and so the words, never change
def describe(path: str, note: str = "", symbol: str = "") -> str:
    """Say what an input is, its allowed range and default (from the schema), then its symbol."""
    section, name = path.split(".")
    info = next(m.model_fields[name] for m in SECTION_MODELS[section] if name in m.model_fields)
    if name == "rates":
        domain = schema.NON_NEGATIVE  # the range of each rate in the mapping
    else:
        domain = next((item for item in info.metadata if isinstance(item, Range)), None)
    parts = [note, _range_text(domain)]
    if not info.is_required() and info.default is not None:
        parts.append(f"default {info.default}")
    symbol = symbol or SYMBOLS.get(path, "")
    if symbol:
        parts.append(f"{symbol} in the method")
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
    "savings.amount_per_treated_month": "s",
    "savings.lag_months": "l",
    "savings.duration_months": "D",
    "terms.cost_cv": "cv",
    "contract.term_years": "Y",
    "contract.discount_rate": "i",
    "contract.medical_trend": "tm",
    "contract.cost_trend": "tc",
    "contract.rate_escalator": "e",
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
# Each method's dollar basis; the share of the cohort's cost is common to both.
SAVINGS_BASIS_CHOICES = {
    engine.METHOD_VERSION: choices(
        [
            ("per_enrolled_month", "An amount per enrolled patient-month"),
            ("percent_of_cohort_tcoc", "A share of the treated cohort's total cost of care"),
        ]
    ),
    METHOD_2: choices(
        [
            ("per_treated_month", "An amount per treated patient-month"),
            ("percent_of_cohort_tcoc", "A share of the treated cohort's total cost of care"),
        ]
    ),
}
BENCHMARK_SCOPE_CHOICES = choices(
    [
        ("population", "Population: every attributed member"),
        ("cohort", "Cohort: the treated patients only"),
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


class ContractForm(Form):
    term_years = NumberField("Contract years", "contract.term_years", "the term quoted")
    discount_rate = NumberField(
        "Discount rate", "contract.discount_rate", "a year, for present values"
    )
    medical_trend = NumberField(
        "Medical cost trend", "contract.medical_trend", "a year: baseline cost and savings grow"
    )
    cost_trend = NumberField("Program cost trend", "contract.cost_trend", "a year: salaries, costs")
    rate_escalator = NumberField(
        "CoCM rate escalator", "contract.rate_escalator", "a year: the payers' code rates"
    )


class SavingsForm(Form):
    basis = SelectField("Savings basis", choices=SAVINGS_BASIS_CHOICES[METHOD_2])
    amount_per_enrolled_month = NumberField(
        "Savings per enrolled patient-month",
        "savings.amount_per_enrolled_month",
        "needed for the per-month basis",
    )
    amount_per_treated_month = NumberField(
        "Savings per treated patient-month",
        "savings.amount_per_treated_month",
        "gross, year-1 dollars; needed for the per-month basis; may be negative",
    )
    percent_of_cohort_tcoc = NumberField(
        "Savings, share of the cohort's cost",
        "savings.percent_of_cohort_tcoc",
        "needed for the share basis; 5% or 0.05",
    )
    cohort_cost_multiplier = NumberField(
        "Cohort cost multiplier", "savings.cohort_cost_multiplier", "typically 2–3"
    )
    lag_months = NumberField(
        "Months before savings start", "savings.lag_months", "from each patient's first month"
    )
    duration_months = NumberField(
        "Months savings last", "savings.duration_months", "per treated patient"
    )
    source = HiddenField()


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
    cost_cv = NumberField(
        "Spread of a member's annual cost",
        "terms.cost_cv",
        "coefficient of variation, for the credible MSR",
    )


class RangeForm(Form):
    """One uncertain input of method 2: its low, most likely and high values."""

    input = SelectField("Uncertain input", choices=[])
    low = NumberField("Low", None, "in the input's own units")
    mode = NumberField("Most likely", None)
    high = NumberField("High", None)


# Inputs a lead most often is unsure of, offered for the uncertainty rows (any numeric field's
# path is allowed; a stored path not listed here is offered too, by its path).
UNCERTAIN_INPUTS = {
    "savings.amount": "Savings (per treated month, or share of cohort cost)",
    "program.caseload_per_fte": "Caseload per care manager",
    "program.episode_months": "Months a patient stays",
    "billing.billable_fraction": "Billable share of patient-months",
    "billing.collection_rate": "Collection rate",
    "costs.care_manager_salary": "Care manager salary",
    "costs.consultant_hourly_rate": "Consultant hourly rate",
    "savings.lag_months": "Months before savings start",
    "savings.duration_months": "Months savings last",
    "focus_payer.rates.99493": "Focus payer's 99493 rate",
}


class ScenarioForm(WorkbenchForm):
    """The whole scenario; `focus_payer` holds the index of the payer row chosen as focus
    (its radio buttons sit in the payer rows)."""

    version = HiddenField()
    method = HiddenField()
    name = StringField("Scenario name")
    payment_model = SelectField("Payment model proposed", choices=PAYMENT_MODEL_CHOICES)
    organization = SelectField(
        "For the organization",
        description="Optional: the payer, employer or ACO this scenario is for; choosing it "
        "fills its payer row (members, baseline, rates) and makes it the focus payer.",
        choices=[],
    )
    focus_payer = StringField(
        "Focus payer", description="Choose the focus payer with the button in its row."
    )
    contract = FormField(ContractForm)
    program = FormField(ProgramForm)
    costs = FormField(CostsForm)
    billing = FormField(BillingForm)
    savings = FormField(SavingsForm)
    payers = FieldList(FormField(PayerForm))
    terms = FormField(TermsForm)
    uncertainty = FieldList(FormField(RangeForm))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.savings.form.basis.choices = SAVINGS_BASIS_CHOICES[self.method_number()]
        for row in self.uncertainty:
            chosen = row.form.input.data or ""
            offered = (
                UNCERTAIN_INPUTS
                if chosen in UNCERTAIN_INPUTS or not chosen
                else (UNCERTAIN_INPUTS | {chosen: chosen})
            )
            row.form.input.choices = choices(offered.items())

    def reads_claims_figures(self) -> bool:
        """Tell whether these inputs use a claims baseline or cohort multiplier at all: only
        total cost of care and the share-of-cohort savings basis do."""
        return (
            self.payment_model.data == "total_cost_of_care"
            or self.savings.form.basis.data == "percent_of_cohort_tcoc"
        )

    def method_number(self) -> int:
        """Return the rate method these inputs follow: method 2 unless the form says 1."""
        return engine.METHOD_VERSION if self.method.data == str(engine.METHOD_VERSION) else METHOD_2

    def shows(self, entry: Field) -> bool:
        """Tell whether an input belongs on the page for the form's method."""
        return METHOD_ONLY.get(entry.id, self.method_number()) == self.method_number()

    def inputs(self) -> list[Field]:
        """List every input of the form for its method, sections and rows included, in order."""
        return [entry for entry in _leaves(self) if self.shows(entry)]

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
    method = form.method_number()
    mapping: dict[str, Any] = {"method": method}
    mapping |= _fields(form, ("name", "payment_model"))
    if focus is not None:
        mapping["focus_payer"] = payers[focus].get("name", "")
    sections = ("contract", "program", "costs", "billing", "savings")
    for section in sections if method == METHOD_2 else sections[1:]:
        mapping[section] = _fields(form[section].form, shown=form.shows)
    mapping["payers"] = payers
    terms = form.terms.form
    mapping["terms"] = _fields(terms, exclude=("quality_incentives",), shown=form.shows) | {
        "quality_incentives": [_fields(entry.form) for entry in terms.quality_incentives]
    }
    if method == METHOD_2:
        mapping["uncertainty"] = {
            row.form.input.data: [_value(row.form[end]) for end in ("low", "mode", "high")]
            for row in form.uncertainty
        }
    return mapping


def form_data(inputs: Mapping[str, Any], organization_id: int | None, version: int) -> dict:
    """Turn an engine mapping (stored or new) into the form's data, every number as text."""
    payers = [_payer_data(payer) for payer in inputs.get("payers", ())]
    names = [payer["name"] for payer in payers]
    focus = inputs.get("focus_payer")
    terms = dict(inputs.get("terms", {}))
    terms["quality_incentives"] = [_texts(i) for i in terms.get("quality_incentives", ())]
    uncertainty = [
        {"input": path, **dict(zip(("low", "mode", "high"), map(_text, ends), strict=True))}
        for path, ends in (inputs.get("uncertainty") or {}).items()
    ]
    return {
        "version": str(version),
        "method": str(inputs.get("method", METHOD_2)),
        "uncertainty": uncertainty,
        "contract": _texts(inputs.get("contract", {})),
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
    "use_organization",
    "remove_payer",
    "add_incentive",
    "remove_incentive",
    "add_range",
    "remove_range",
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
    ranges = list(state.get("uncertainty") or [])
    focus = state.get("focus_payer") or ""
    if action.verb == "add_payer":
        payers.append({})
    elif action.verb in ("add_organization_payer", "use_organization") and payer is not None:
        # The organization's row takes the place of rows with no payer named yet (and of its own
        # earlier row), and becomes the focus payer, with the whole caseload, when it is alone.
        row = _payer_data(payer)
        kept = [p for p in payers if p.get("name") and p.get("name") != row["name"]]
        payers = [*kept, row]
        if len(payers) == 1:
            payers[0]["caseload_share"] = payers[0].get("caseload_share") or "1"
            focus = "0"
        elif not focus.isdigit() or int(focus) >= len(payers):
            focus = ""
    elif action.verb == "remove_payer" and action.index is not None:
        payers = [p for i, p in enumerate(payers) if i != action.index]
        focus = "0" if len(payers) == 1 else _focus_after_removal(focus, action.index)
    elif action.verb == "add_incentive":
        incentives.append({})
    elif action.verb == "remove_incentive" and action.index is not None:
        incentives = [q for i, q in enumerate(incentives) if i != action.index]
    elif action.verb == "add_range":
        ranges.append({})
    elif action.verb == "remove_range" and action.index is not None:
        ranges = [r for i, r in enumerate(ranges) if i != action.index]
    terms = state["terms"] | {"quality_incentives": incentives}
    return state | {"payers": payers, "terms": terms, "focus_payer": focus, "uncertainty": ranges}


def apply_preset(state: dict, preset: Any) -> dict:
    """Return the form data with the savings of an evidence preset (a SavingsPreset) filled in:
    basis, amount, lag, duration, the item's key, and its interval as the savings triangle."""
    savings = state["savings"] | {
        "basis": preset.basis,
        preset.amount_field: _text(preset.amount),
        "lag_months": str(preset.lag_months),
        "duration_months": str(preset.duration_months),
        "source": preset.key,
    }
    low, mode, high = (_text(end) for end in preset.triangle)
    triangle = {"input": "savings.amount", "low": low, "mode": mode, "high": high}
    ranges = [r for r in state.get("uncertainty") or [] if r.get("input") != "savings.amount"]
    return state | {"savings": savings, "uncertainty": [triangle, *ranges]}


# After a row is added, its first input takes the focus; after one is removed, the add button.
_FOCUS_AFTER = {
    "add_payer": ("payers", "payers-{}-name"),
    "add_organization_payer": ("payers", "payers-{}-name"),
    "use_organization": ("payers", "payers-{}-name"),
    "add_incentive": ("incentives", "terms-quality_incentives-{}-measure"),
    "add_range": ("uncertainty", "uncertainty-{}-input"),
    "remove_payer": (None, "add-payer"),
    "remove_incentive": (None, "add-incentive"),
    "remove_range": (None, "add-range"),
}


def focus_after(action: RowAction, state: dict) -> str:
    """Return the id of the element that should have the focus once a row action is shown."""
    rows, target = _FOCUS_AFTER[action.verb]
    counts = {
        "payers": len(state["payers"]),
        "incentives": len(state["terms"]["quality_incentives"]),
        "uncertainty": len(state.get("uncertainty") or []),
    }
    return target.format(counts[rows] - 1) if rows else target


def _focus_after_removal(focus: str, removed: int) -> str:
    if not focus.isdigit() or int(focus) == removed:
        return ""
    return str(int(focus) - 1) if int(focus) > removed else focus


@dataclass
class Messages:
    """The engine's errors and warnings, each beside the input it names or at the top.

    `untouched` counts the errors of inputs the person has not reached yet: not shown, since
    a form that opens in red blames the person for what they have not done.
    """

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    top_errors: list[str] = field(default_factory=list)
    top_warnings: list[str] = field(default_factory=list)
    untouched: int = 0
    # Every warning for the figures panel, led by its input's label rather than its path.
    readable_warnings: list[str] = field(default_factory=list)


# The schema words a missing input two ways; the page says it one way.
ONE_WORDING = {"field required": "must not be empty"}


def place_messages(
    form: ScenarioForm,
    errors: tuple[str, ...] | list[str],
    warnings: tuple[str, ...] = (),
    touched: frozenset[str] | None = None,
) -> Messages:
    """Put each "dotted.path: rule" message beside its input, or at the top if it names none.

    With `touched` (the names of the inputs the person changed), an error of any other input is
    only counted; None (a save) shows them all.
    """
    messages = Messages()
    for found, beside, top in (
        (errors, messages.errors, messages.top_errors),
        (warnings, messages.warnings, messages.top_warnings),
    ):
        for message in found:
            path, _, rule = message.partition(": ")
            rule = ONE_WORDING.get(rule, rule)
            target = field_for(form, path)
            if found is errors and _not_reached(target, touched):
                messages.untouched += 1
                continue
            if found is warnings:
                label = target.label.text if target is not None else ""
                messages.readable_warnings.append(f"{label}: {rule}" if label else message)
            if target is None:
                top.append(message)
            else:
                beside.setdefault(target.id, []).append(rule)
    return messages


def _not_reached(target: Field | None, touched: frozenset[str] | None) -> bool:
    """Tell whether an error's input is one the person has not changed yet (None: a save)."""
    if touched is None:
        return False
    return not touched if target is None else target.name not in touched


def touched_inputs(text: str | None) -> frozenset[str]:
    """Read the names of the inputs a person changed, as the page's script lists them."""
    return frozenset((text or "").split())


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


def _fields(
    form: Form,
    names: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    shown: Callable[[Field], bool] = lambda _entry: True,
) -> dict:
    """Read a form's inputs into a mapping, leaving out the empty ones (the engine's defaults)
    and those the form's method does not show."""
    chosen = [form[name] for name in names] if names else list(form)
    values = {f.short_name: _value(f) for f in chosen if f.short_name not in exclude and shown(f)}
    return {name: value for name, value in values.items() if value is not None}


def _value(entry: Field) -> Any:
    text = (entry.data or "").strip()
    if not text:
        return None
    if isinstance(entry, NumberField):
        number = text.translate(_DECORATION)
        if percent := _PERCENT.fullmatch(number):
            return format(Decimal(percent.group(1)) / 100, "f")
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
