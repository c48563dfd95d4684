"""Readable fixed-width text tables of engine results, for a terminal."""

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from .evaluate import chosen_model
from .inputs import BREAKEVEN_MAX_CASELOAD
from .results import Comparison, Evaluation, MonteCarlo, Tornado
from .schema import Scenario

if TYPE_CHECKING:
    from .parse import AnyScenario

from .serialise import (
    PAYER_FIELDS,
    PROGRAM_FIELDS,
    RESULT_FIELDS,
    comparison_json,
    evaluation_json,
    monte_carlo_json,
    tornado_json,
)

NONE = "-"
LABELS = {
    "active_caseload": "active caseload",
    "enrolled_patient_months": "enrolled patient-months",
    "annual_cost": "annual cost",
    "cost_per_enrolled_month": "cost per enrolled patient-month",
    "name": "payer",
    "ffs_revenue": "FFS revenue",
    "allocated_cost": "allocated cost",
    "ffs_margin": "FFS margin",
    "member_months": "member-months",
    "expected_incentives": "expected incentives",
    "proposed_pmpm": "proposed PMPM",
    "annual_pmpm_payments": "annual PMPM payments",
    "case_rate_per_enrolled_month": "case rate per enrolled patient-month",
    "episode_rate": "episode rate",
    "breakeven_billable_fraction": "break-even billable fraction",
    "gross_savings": "gross savings",
    "shared_savings": "shared savings",
    "savings_rate": "savings rate",
    "payer_added_payments": "payer added payments",
    "payer_net_savings": "payer net savings",
    "payer_roi": "payer ROI",
    "provider_net": "provider net",
}
_FIGURES = [name for name in RESULT_FIELDS if name not in ("model", "focus_payer")]


def format_evaluation(evaluation: Evaluation) -> str:
    """Lay an evaluation out as text tables."""
    data = evaluation_json(evaluation)
    result = data["result"]
    rows = [[LABELS[name], grouped(result[name])] for name in _FIGURES if result[name] is not None]
    return text_blocks(
        title_line(evaluation.scenario, f"{result['model']}, focus payer {result['focus_payer']}"),
        _program_table(data["program"]),
        _payers_table(data["payers"]),
        text_table(["figure", "value"], rows),
        warnings_block(data["warnings"]),
    )


def format_comparison(comparison: Comparison) -> str:
    """Lay the four payment models out side by side."""
    data = comparison_json(comparison)
    models = data["models"]
    rows = [
        [LABELS[name], *(grouped(figures[name]) for figures in models.values())]
        for name in _FIGURES
    ]
    return text_blocks(
        title_line(
            comparison.scenario,
            f"all payment models, focus payer {comparison.scenario.focus_payer}",
        ),
        _program_table(data["program"]),
        _payers_table(data["payers"]),
        text_table(["figure", *models], rows),
        warnings_block(data["warnings"]),
    )


def format_tornado(tornado: Tornado) -> str:
    """Lay a tornado out as a table, largest swing first."""
    data = tornado_json(tornado)
    keys = ("low", "high", "output_low", "output_high", "swing")
    rows = [[bar["input"], *(grouped(bar[key]) for key in keys)] for bar in data["bars"]]
    header = ["input", "low", "high", "output at low", "output at high", "swing"]
    title = (
        f"Tornado of {LABELS[tornado.output]} under {tornado.model} "
        f"(base {grouped(data['base_output'])})"
    )
    return text_blocks(title, text_table(header, rows))


def format_monte_carlo(simulation: MonteCarlo) -> str:
    """Lay a Monte Carlo run out as percentile and distribution tables."""
    data = monte_carlo_json(simulation)
    spread = [
        [LABELS[name], *(grouped(data[name][p]) for p in ("p10", "p50", "p90"))]
        for name in ("provider_net", "proposed_pmpm", "payer_roi")
    ]
    chances = [
        ["P(provider net < 0)", data["probability_provider_net_negative"]],
        ["P(payer ROI < 1)", data["probability_payer_roi_below_one"]],
    ]
    ends = ("low", "mode", "high")
    inputs = [[d["input"], *(grouped(d[end]) for end in ends)] for d in data["distributions"]]
    return text_blocks(
        f"Monte Carlo under {simulation.model}: {simulation.draws:,} draws, seed {simulation.seed}",
        text_table(["figure", "P10", "P50", "P90"], spread),
        text_table(["probability", "value"], chances),
        text_table(["input (triangular)", "low", "mode", "high"], inputs),
    )


def format_breakeven(scenario: Scenario, caseload: int | None, model: str | None = None) -> str:
    """Say the break-even caseload per FTE next to the scenario's own."""
    chosen = chosen_model(scenario, model)
    return f"Break-even caseload under {chosen}: {caseload_found(scenario, caseload)}"


def caseload_found(scenario: "AnyScenario", caseload: int | None) -> str:
    """Say the break-even caseload found, or that none was, beside the scenario's own."""
    current = grouped(str(scenario.program.caseload_per_fte))
    if caseload is None:
        found = f"none up to {BREAKEVEN_MAX_CASELOAD:,} patients per FTE"
    else:
        found = f"{caseload:,} {'patient' if caseload == 1 else 'patients'} per FTE"
    return f"{found} (scenario: {current})"


def title_line(scenario: "AnyScenario", subject: str) -> str:
    """Name the scenario, its method and what the table shows."""
    return f"{scenario.name}\nRate method {scenario.method}, {subject}"


def _program_table(program: dict[str, str | None]) -> str:
    rows = [[LABELS[name], grouped(program[name])] for name in PROGRAM_FIELDS]
    return text_table(["program", "value"], rows)


def _payers_table(payers: list[dict[str, str | None]]) -> str:
    figures = [name for name in PAYER_FIELDS if name != "name"]
    rows = [[str(payer["name"]), *(grouped(payer[name]) for name in figures)] for payer in payers]
    return text_table([LABELS[name] for name in PAYER_FIELDS], rows)


def warnings_block(warnings: list[str]) -> str:
    """List the warnings under a heading, or nothing when there are none."""
    return "\n".join(["Warnings", *(f"- {warning}" for warning in warnings)]) if warnings else ""


def grouped(figure: str | None) -> str:
    """Show a figure with thousands separators, or a dash when there is none."""
    return NONE if figure is None else f"{Decimal(figure):,}"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Lay rows out in columns: the first left-aligned, the figures right-aligned."""
    lines = [list(header), *map(list, rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = [
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    ]
    return "\n".join([text[0], "-" * len(text[0]), *text[1:]])


def text_blocks(*blocks: str) -> str:
    """Join the non-empty blocks with a blank line between them."""
    return "\n\n".join(block for block in blocks if block) + "\n"
