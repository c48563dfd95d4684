"""Method-2 results as text for a terminal: the contract years as columns, plus the term."""

from decimal import Decimal
from typing import Any

from ..report import (
    LABELS,
    caseload_found,
    grouped,
    text_blocks,
    text_table,
    title_line,
    warnings_block,
)
from .evaluate import OfferOutcome
from .results import (
    ASK,
    MARGIN,
    ContractComparison,
    ContractEvaluation,
    ContractMonteCarlo,
    ContractTornado,
)
from .schema import ContractScenario
from .serialise import (
    TERM_FIELDS,
    contract_comparison_json,
    contract_evaluation_json,
    contract_monte_carlo_json,
    contract_tornado_json,
    offer_json,
)

TORNADO_TITLES = {
    ASK: "What moves our ask (re-solved)",
    MARGIN: "What puts our margin at risk once signed (terms fixed)",
}
CONTRACT_LABELS = LABELS | {
    "term_years": "term (years)",
    "level_pmpm": "level PMPM",
    "level_case_rate": "level case rate",
    "pv_allocated_cost": "PV allocated cost",
    "pv_payer_added_payments": "PV payer added payments",
    "pv_gross_savings": "PV gross savings",
    "pv_payer_net_savings": "PV payer net savings",
    "pv_provider_net": "PV provider net",
    "pv_tail_savings": "PV tail savings (after the term)",
    "tail_savings": "tail savings (after the term)",
    "payer_roi_with_tail": "payer ROI with the tail",
    "payer_breakeven_savings": "payer break-even savings",
    "unrecovered_startup": "start-up not recovered in the term",
    "episodes_started": "episodes started",
    "pmpm_payments": "PMPM payments",
    "benchmark": "benchmark",
    "credible_msr": "credible MSR",
    "walk_away": "our walk-away (level rate)",
    "ceiling": "their ceiling (level rate)",
    "proposed": "our level quote",
    "agreement": "zone of agreement",
}
# The term column: the present value of a flow, or the level rate of a rate schedule.
TERM_COLUMN = {
    "allocated_cost": "pv_allocated_cost",
    "pmpm_payments": None,
    "proposed_pmpm": "level_pmpm",
    "case_rate_per_enrolled_month": "level_case_rate",
    "gross_savings": "pv_gross_savings",
    "payer_added_payments": "pv_payer_added_payments",
    "payer_net_savings": "pv_payer_net_savings",
    "provider_net": "pv_provider_net",
}
YEAR_ROWS = (
    "enrolled_patient_months",
    "episodes_started",
    "allocated_cost",
    "ffs_revenue",
    "expected_incentives",
    "pmpm_payments",
    "proposed_pmpm",
    "case_rate_per_enrolled_month",
    "episode_rate",
    "gross_savings",
    "benchmark",
    "shared_savings",
    "savings_rate",
    "credible_msr",
    "payer_added_payments",
    "payer_net_savings",
    "provider_net",
)
SUMMARY_ROWS = (
    "payer_roi",
    "payer_roi_with_tail",
    "payer_breakeven_savings",
    "tail_savings",
    "pv_tail_savings",
    "unrecovered_startup",
    "breakeven_billable_fraction",
)
COMPARED_ROWS = tuple(name for name in TERM_FIELDS if name not in ("model", "focus_payer"))


def format_contract_evaluation(evaluation: ContractEvaluation) -> str:
    """Lay a method-2 evaluation out: program and payers by year, the contract by year and term."""
    data = contract_evaluation_json(evaluation)
    result = data["result"]
    return text_blocks(
        title_line(evaluation.scenario, _subject(evaluation.scenario, result["model"])),
        _program_table(data),
        _payers_table(data),
        _years_table(result),
        _rows_table(["over the term", "value"], [[name, result[name]] for name in SUMMARY_ROWS]),
        _zone_table(result["zone"]),
        warnings_block(data["warnings"]),
    )


def format_contract_comparison(comparison: ContractComparison) -> str:
    """Lay the four payment models out side by side, with each model's rate schedule."""
    data = contract_comparison_json(comparison)
    models = data["models"]
    rows = [[name, *(figures[name] for figures in models.values())] for name in COMPARED_ROWS]
    schedule = [
        ["proposed PMPM, by year", *(_schedule(f, "proposed_pmpm") for f in models.values())],
        [
            "case rate, by year",
            *(_schedule(f, "case_rate_per_enrolled_month") for f in models.values()),
        ],
        ["provider net, by year", *(_schedule(f, "provider_net") for f in models.values())],
    ]
    zones = [
        [key, *((f["zone"] or {}).get(key) for f in models.values())]
        for key in ("walk_away", "ceiling", "agreement")
    ]
    return text_blocks(
        title_line(comparison.scenario, _subject(comparison.scenario, "all payment models")),
        _program_table(data),
        _payers_table(data),
        _rows_table(["figure", *models], rows + zones),
        text_table(["rate schedule", *models], schedule),
        warnings_block(data["warnings"]),
    )


def format_offer(offer: OfferOutcome) -> str:
    """Say what an offered level rate means for each side and where it sits in the zone."""
    data = offer_json(offer)
    unit = "case rate" if offer.model == "bundled" else "PMPM"
    rows = [
        ["PV provider net", data["pv_provider_net"]],
        ["PV payer net savings", data["pv_payer_net_savings"]],
        ["payer ROI", data["payer_roi"]],
        ["our walk-away", data["zone"]["walk_away"]],
        ["their ceiling", data["zone"]["ceiling"]],
        ["our level quote", data["zone"]["proposed"]],
    ]
    return text_blocks(
        f"An offer of {grouped(data['rate'])} level {unit} under {offer.model}, terms fixed at it: "
        f"{offer.position}",
        text_table(["figure", "value"], [[label, grouped(value)] for label, value in rows]),
    )


def _subject(scenario: ContractScenario, model: str) -> str:
    contract = scenario.contract
    return (
        f"{model}, focus payer {scenario.focus_payer}, {contract.term_years}-year term "
        f"(discount rate {contract.discount_rate}, medical trend {contract.medical_trend}, "
        f"cost trend {contract.cost_trend}, rate escalator {contract.rate_escalator})"
    )


def _program_table(data: dict[str, Any]) -> str:
    program = data["program"]
    years = program["years"]
    names = ("enrolled_patient_months", "annual_cost", "cost_per_enrolled_month")
    rows = [[LABELS[name], *(grouped(y[name]) for y in years)] for name in names]
    rows.append(["active caseload", grouped(program["active_caseload"]), *[""] * (len(years) - 1)])
    return text_table(["program", *(f"year {y['year']}" for y in years)], rows)


def _payers_table(data: dict[str, Any]) -> str:
    header = ["payer", "figure", *(f"year {y['year']}" for y in data["program"]["years"])]
    rows = [
        [
            payer["name"] if index == 0 else "",
            LABELS[name],
            *(grouped(y[name]) for y in payer["years"]),
        ]
        for payer in data["payers"]
        for index, name in enumerate(("ffs_revenue", "allocated_cost", "ffs_margin"))
    ]
    return text_table(header, rows)


def _years_table(result: dict[str, Any]) -> str:
    years = result["years"]
    rows = []
    for name in YEAR_ROWS:
        values = [year[name] for year in years]
        if all(value is None for value in values):
            continue
        term = TERM_COLUMN.get(name)
        rows.append(
            [
                CONTRACT_LABELS[name],
                *(grouped(value) for value in values),
                grouped(result[term]) if term else "",
            ]
        )
    header = [f"{result['model']}, {result['focus_payer']}", *(f"year {y['year']}" for y in years)]
    return text_table([*header, "term (PV, level rates)"], rows)


def _rows_table(header: list[str], rows: list[list[Any]]) -> str:
    shown = [[CONTRACT_LABELS[name], *(_cell(value) for value in values)] for name, *values in rows]
    return text_table(header, shown)


def _zone_table(zone: dict[str, Any] | None) -> str:
    if zone is None:
        return ""
    rows = [[name, zone[name]] for name in ("walk_away", "ceiling", "proposed", "agreement")]
    return _rows_table(["zone of agreement", "value"], rows)


def _schedule(figures: dict[str, Any], name: str) -> str:
    values = [year[name] for year in figures["years"]]
    return "-" if values[0] is None else " / ".join(grouped(value) for value in values)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return grouped(value)


def format_contract_tornado(tornado: ContractTornado) -> str:
    """Lay a tornado out, largest swing first; inputs with no effect are named below it."""
    data = contract_tornado_json(tornado)
    keys = ("low", "high", "output_low", "output_high", "swing")
    moving = [bar for bar in data["bars"] if Decimal(bar["swing"]) != 0]
    rows = [[bar["input"], *(grouped(bar[key]) for key in keys)] for bar in moving]
    header = ["input", "low", "high", "output at low", "output at high", "swing"]
    title = (
        f"{TORNADO_TITLES[tornado.kind]}: {CONTRACT_LABELS[tornado.output]} under "
        f"{tornado.model} (base {grouped(data['base_output'])})"
    )
    still = [bar["input"] for bar in data["bars"] if Decimal(bar["swing"]) == 0]
    note = f"No effect here: {', '.join(still)}." if still else ""
    return text_blocks(title, text_table(header, rows) if rows else "", note).rstrip("\n")


def format_contract_monte_carlo(simulation: ContractMonteCarlo) -> str:
    """Lay a method-2 Monte Carlo run out: the spread over the term, terms held."""
    data = contract_monte_carlo_json(simulation)
    spread = [
        [label, *(grouped(data[name][p]) for p in ("p10", "p50", "p90"))]
        for name, label in (
            ("provider_net", "PV provider net"),
            ("payer_net_savings", "PV payer net savings"),
            ("payer_roi", "payer ROI"),
        )
    ]
    chances = [
        ["P(PV provider net < 0)", data["probability_provider_net_negative"]],
        ["P(payer ROI < 1)", data["probability_payer_roi_below_one"]],
    ]
    ends = ("low", "mode", "high")
    inputs = [[d["input"], *(grouped(d[end]) for end in ends)] for d in data["distributions"]]
    return text_blocks(
        f"Monte Carlo under {simulation.model}, terms fixed at the level rate "
        f"{grouped(data['proposed_pmpm']['p50'])}: {simulation.draws:,} draws, "
        f"seed {simulation.seed}",
        text_table(["over the term", "P10", "P50", "P90"], spread),
        text_table(["probability", "value"], chances),
        text_table(["input (triangular)", "low", "mode", "high"], inputs),
    ).rstrip("\n")


def format_contract_breakeven(scenario: ContractScenario, caseload: int | None, model: str) -> str:
    """Say the break-even caseload per FTE, terms held, next to the scenario's own."""
    found = caseload_found(scenario, caseload)
    return f"Break-even caseload under {model}, terms fixed: {found}"
