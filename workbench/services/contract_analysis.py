"""The Sensitivity page of a method-2 scenario: both tornados, Monte Carlo with the terms fixed,
the break-even caseload; one definition (the scenario's `contract.uncertain_inputs`, drawn
MONTE_CARLO_DRAWS times from MONTE_CARLO_SEED as documents/sensitivity.py fixes them for the
documents) that `workbench rates` reproduces with those flags."""

from dataclasses import dataclass
from decimal import Decimal

from workbench.documents.charts import Chart, tornado
from workbench.documents.labels import SHORT_MODEL_LABELS, describe_input
from workbench.documents.render import term_distribution_chart
from workbench.documents.sensitivity import MONTE_CARLO_DRAWS, MONTE_CARLO_SEED, analyse_contract
from workbench.engine import contract
from workbench.models import Scenario

# What each tornado's output is, in words, and its unit on the chart's axis.
TORNADO_OUTPUTS = {
    "level_pmpm": ("our level PMPM", "US dollars per attributed member per month"),
    "level_case_rate": ("our level case rate", "US dollars per enrolled patient-month"),
    "pv_provider_net": ("provider net over the term", "US dollars, present value"),
}
TORNADO_TITLES = {
    contract.ASK: "What moves our ask",
    contract.MARGIN: "What puts our margin at risk",
}
# Method 2's own inputs, which the documents' labels do not name yet.
METHOD_2_INPUTS = {
    "savings.amount_per_treated_month": ("Savings per treated patient-month", "money"),
    "savings.lag_months": ("Months before savings start", "count"),
    "savings.duration_months": ("Months savings last", "count"),
}


@dataclass(frozen=True)
class SwingRow:
    """One bar of a tornado, labelled for a person."""

    label: str
    kind: str
    low: Decimal
    high: Decimal
    output_low: Decimal
    output_high: Decimal
    swing: Decimal


@dataclass(frozen=True)
class TornadoView:
    """One tornado: its rows that move the output, the inputs that do not, and its chart."""

    kind: str
    heading: str
    title: str
    output: str
    base_output: Decimal
    rows: tuple[SwingRow, ...]
    unmoved: tuple[str, ...]
    chart: Chart | None


@dataclass(frozen=True)
class InputRange:
    """An uncertain input with the triangle the analysis draws it from."""

    label: str
    kind: str
    low: Decimal
    mode: Decimal
    high: Decimal


@dataclass(frozen=True)
class ContractAnalysis:
    """Sensitivity and uncertainty of a method-2 scenario under one payment model."""

    scenario: Scenario
    model: str
    result: contract.ContractResult
    tornados: tuple[TornadoView, ...]
    risk: contract.ContractMonteCarlo
    ranges: tuple[InputRange, ...]
    breakeven_caseload: int | None
    distribution_chart: Chart | None
    command: str


def build_contract_analysis(
    record: Scenario, scenario: contract.ContractScenario, model: str
) -> ContractAnalysis:
    """Run the scenario's one analysis under `model` and label it for the page."""
    analysis = analyse_contract(scenario, model)
    risk = analysis.risk
    return ContractAnalysis(
        scenario=record,
        model=model,
        result=contract.evaluate(scenario, model).result,
        tornados=(_tornado_view(analysis.ask), _tornado_view(analysis.margin)),
        risk=risk,
        ranges=tuple(
            InputRange(*label_input(d.input), d.low, d.mode, d.high) for d in risk.distributions
        ),
        breakeven_caseload=analysis.breakeven_caseload,
        distribution_chart=term_distribution_chart(risk),
        command=(
            f"workbench rates FILE --model {model} --tornado --monte-carlo "
            f"{MONTE_CARLO_DRAWS} --seed {MONTE_CARLO_SEED} --breakeven"
        ),
    )


def label_input(name: str) -> tuple[str, str]:
    """Return the label and value kind of an engine input of either method."""
    return METHOD_2_INPUTS.get(name) or describe_input(name)


def _tornado_view(swings: contract.ContractTornado) -> TornadoView:
    """Keep the bars that move the output; name the inputs that move nothing under this model."""
    moving = [bar for bar in swings.bars if bar.swing != 0]
    output, unit = TORNADO_OUTPUTS[swings.output]
    title = f"{TORNADO_TITLES[swings.kind]}: {output}, {SHORT_MODEL_LABELS[swings.model]}"
    labels = [label_input(bar.input)[0] for bar in moving]
    chart = None
    if moving:
        chart = tornado(
            title,
            labels,
            [float(bar.output_low) for bar in moving],
            [float(bar.output_high) for bar in moving],
            float(swings.base_output),
            f"{output[0].upper()}{output[1:]}, {unit}",
        )
    return TornadoView(
        kind=swings.kind,
        heading=TORNADO_TITLES[swings.kind],
        title=title,
        output=output,
        base_output=swings.base_output,
        rows=tuple(
            SwingRow(
                label,
                label_input(bar.input)[1],
                bar.low,
                bar.high,
                bar.output_low,
                bar.output_high,
                bar.swing,
            )
            for label, bar in zip(labels, moving, strict=True)
        ),
        unmoved=tuple(label_input(bar.input)[0] for bar in swings.bars if bar.swing == 0),
        chart=chart,
    )
