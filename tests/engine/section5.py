"""RATE_METHOD.md section 5 as printed: the figures the worked example must give, to the cent.

Shared by the engine tests and the `workbench rates` tests, so both check the same table.
"""

from workbench.engine import PAYMENT_MODELS

# The program rows of the table: the same under every payment model.
PROGRAM = {"annual_cost": "312560.00", "cost_per_enrolled_month": "186.05"}

# figure: (ffs, ffs_plus_incentives, bundled, total_cost_of_care); None where the table shows "—".
TABLE = {
    "ffs_revenue": ("94706.64", "94706.64", "0.00", "94706.64"),
    "allocated_cost": ("140652.00",) * 4,
    "expected_incentives": (None, "9000.00", None, None),
    "proposed_pmpm": ("0.00", "0.31", "1.03", "0.37"),
    "annual_pmpm_payments": ("0.00", "43977.96", "147684.60", "52977.96"),
    "case_rate_per_enrolled_month": (None, None, "195.35", None),
    "episode_rate": (None, None, "1172.10", None),
    "breakeven_billable_fraction": ("1.1881", None, None, None),
    "gross_savings": ("52920.00",) * 4,
    "shared_savings": (None, None, None, "0.00"),
    "payer_roi": ("0.5588", "0.3583", "0.3583", "0.3583"),
    "provider_net": ("-45945.36", "7032.60", "7032.60", "7032.60"),
}

# The cohort variant under total_cost_of_care (section 5, last paragraph).
COHORT = {
    "gross_savings": "90720.00",
    "annual_pmpm_payments": "22098.11",
    "proposed_pmpm": "0.15",
    "shared_savings": "30879.85",
    "savings_rate": "0.0756",
    "payer_roi": "0.6143",
}
COHORT_SAVINGS = {
    "basis": "percent_of_cohort_tcoc",
    "percent_of_cohort_tcoc": "0.10",
    "cohort_cost_multiplier": "2.5",
}


def column(model: str) -> dict[str, str | None]:
    """Return the table's column for one payment model, figure by figure."""
    index = PAYMENT_MODELS.index(model)
    return {figure: values[index] for figure, values in TABLE.items()}


def shown_figures(result: dict[str, str | None], figures: dict) -> dict[str, str | None]:
    """Pick from a shown result the figures the table prints, for comparison with it."""
    return {figure: result[figure] for figure in figures}
