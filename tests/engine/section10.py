"""RATE_METHOD_2.md section 10 as printed: the figures the method-2 worked example must give.

Shared by the engine tests and the `workbench rates` tests, so both check the same table. Keys
are the JSON names of section 9; a figure in a year is a tuple over the three contract years.
"""

from typing import Any

# The program and the focus payer (the same under every model).
PROGRAM = {
    "active_caseload": "140.0000",
    "annual_cost": ("312560.00", "321336.80", "330376.90"),
}
FOCUS_YEARS = {
    "enrolled_patient_months": ("756.0000",) * 3,
    "episodes_started": ("126.0000",) * 3,
    "allocated_cost": ("140652.00", "144601.56", "148669.61"),
    "gross_savings": ("37800.00", "164052.00", "263938.50"),
}
FOCUS_FFS_REVENUE = ("94706.64", "96600.77", "98532.79")
TAIL = {"tail_savings": "343655.22", "pv_tail_savings": "311548.32"}

# model -> term figures and year figures; None where the table shows "—".
MODELS: dict[str, dict[str, Any]] = {
    "ffs": {
        "proposed_pmpm": ("0.00", "0.00", "0.00"),
        "pmpm_payments": ("0.00", "0.00", "0.00"),
        "level_pmpm": "0.00",
        "level_case_rate": None,
        "case_rate_per_enrolled_month": (None, None, None),
        "pv_payer_added_payments": "281370.40",
        "pv_gross_savings": "445861.14",
        "pv_payer_net_savings": "164490.74",
        "payer_roi": "1.5846",
        "payer_roi_with_tail": "2.6919",
        "payer_breakeven_savings": "50.49",
        "pv_provider_net": "-139806.83",
        "provider_net": ("-45945.36", "-48000.79", "-50136.82"),
        "breakeven_billable_fraction": "1.1975",
        "shared_savings": (None, None, None),
        "zone": None,
    },
    "ffs_plus_incentives": {
        "proposed_pmpm": ("0.31", "0.33", "0.34"),
        "pmpm_payments": ("44640.00", "47520.00", "48960.00"),
        "level_pmpm": "0.33",
        "level_case_rate": None,
        "case_rate_per_enrolled_month": (None, None, None),
        "pv_payer_added_payments": "444517.05",
        "pv_gross_savings": "445861.14",
        "pv_payer_net_savings": "1344.09",
        "payer_roi": "1.0030",
        "payer_roi_with_tail": "1.7039",
        "payer_breakeven_savings": "79.76",
        "pv_provider_net": "23339.82",
        "provider_net": ("7694.64", "8519.21", "7823.18"),
        "breakeven_billable_fraction": None,
        "shared_savings": (None, None, None),
        "zone": {"walk_away": "0.27", "ceiling": "0.33"},
    },
    "bundled": {
        "proposed_pmpm": ("1.03", "1.05", "1.08"),
        "pmpm_payments": ("147684.60", "151835.04", "156106.44"),
        "level_pmpm": "1.06",
        "level_case_rate": "200.79",
        "case_rate_per_enrolled_month": ("195.35", "200.84", "206.49"),
        "pv_payer_added_payments": "442242.55",
        "pv_gross_savings": "445861.14",
        "pv_payer_net_savings": "3618.58",
        "payer_roi": "1.0082",
        "payer_roi_with_tail": "1.7127",
        "payer_breakeven_savings": "79.35",
        "pv_provider_net": "21065.32",
        "provider_net": ("7032.60", "7233.48", "7436.83"),
        "breakeven_billable_fraction": None,
        "shared_savings": (None, None, None),
        "zone": {"walk_away": "191.22", "ceiling": "202.43"},
    },
    "total_cost_of_care": {
        "proposed_pmpm": ("0.37", "0.39", "0.40"),
        "pmpm_payments": ("53280.00", "56160.00", "57600.00"),
        "level_pmpm": "0.39",
        "level_case_rate": None,
        "case_rate_per_enrolled_month": (None, None, None),
        "pv_payer_added_payments": "443468.20",
        "pv_gross_savings": "445861.14",
        "pv_payer_net_savings": "2392.94",
        "payer_roi": "1.0054",
        "payer_roi_with_tail": "1.7079",
        "payer_breakeven_savings": "79.57",
        "pv_provider_net": "22290.97",
        "provider_net": ("7334.64", "8159.21", "7463.18"),
        "breakeven_billable_fraction": None,
        "shared_savings": ("0.00", "0.00", "0.00"),
        "savings_rate": ("-0.0016", "0.0002", "0.0014"),
        "credible_msr": ("0.0255",) * 3,
        "zone": {"walk_away": "0.33", "ceiling": "0.39"},
    },
}

# The cohort variant under total_cost_of_care.
COHORT_SAVINGS = {
    "basis": "percent_of_cohort_tcoc",
    "percent_of_cohort_tcoc": "0.10",
    "cohort_cost_multiplier": "2.5",
    "lag_months": 3,
    "duration_months": 24,
}
COHORT = {
    "gross_savings": ("56700.00", "246078.00", "395907.75"),
    "benchmark": ("982800.00", "2937060.00", "4459171.50"),
    "pmpm_payments": ("53280.00", "0.00", "0.00"),
    "proposed_pmpm": ("0.37", "0.00", "0.00"),
    "shared_savings": ("0.00", "67264.75", "133818.73"),
    "savings_rate": ("-0.0929", "0.0509", "0.0667"),
    "credible_msr": ("0.3385", "0.2006", "0.1669"),
    "provider_net": ("7334.64", "19263.97", "83681.91"),
    "level_pmpm": "0.13",
    "pv_payer_net_savings": "142698.73",
    "payer_roi": "1.2712",
    "payer_roi_with_tail": "2.1595",
    "pv_provider_net": "104915.75",
    "payer_breakeven_savings": "0.0500",
    "zone": {"walk_away": "0.33", "ceiling": "0.92"},
}


def shown(result: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """Pick from a section-9 result the figures `expected` names, in its shapes."""
    picked: dict[str, Any] = {}
    for name, figure in expected.items():
        if isinstance(figure, tuple):
            picked[name] = tuple(year[name] for year in result["years"])
        elif name == "zone":
            zone = result["zone"]
            picked[name] = None if zone is None else {key: zone[key] for key in figure}
        else:
            picked[name] = result[name]
    return picked
