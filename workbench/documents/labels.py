"""What documents call the engine's payment models and inputs, and how each input is shown."""

from workbench.vocabulary import PaymentModel, TornadoOutput

MODEL_LABELS = PaymentModel.labels()
SHORT_MODEL_LABELS = {model.value: model.short for model in PaymentModel}
OUTPUT_LABELS = TornadoOutput.labels()
# Canonical engine input names (workbench.engine.inputs) -> (label, how its values are shown).
# The kinds are those of the templates' `figure` macro: money, percent, ratio, count.
INPUTS = {
    "program.caseload_per_fte": ("Caseload per care manager", "count"),
    "program.care_manager_fte": ("Care managers, full-time", "count"),
    "program.episode_months": ("Months on the caseload", "count"),
    "billing.billable_fraction": ("Billable share of patient-months", "percent"),
    "billing.collection_rate": ("Collection rate", "percent"),
    "billing.addon_units_per_billed_month": ("99494 units per billed month", "count"),
    "costs.care_manager_salary": ("Care manager salary", "money"),
    "costs.consultant_hourly_rate": ("Consultant hourly rate", "money"),
    "savings.amount_per_enrolled_month": ("Savings per enrolled patient-month", "money"),
    "savings.percent_of_cohort_tcoc": ("Savings, share of the cohort's cost", "percent"),
    "savings.amount_per_treated_month": ("Savings per treated patient-month", "money"),
    "savings.lag_months": ("Months before savings start", "count"),
    "savings.duration_months": ("Months savings last", "count"),
    "terms.shared_savings_rate": ("Shared savings rate", "percent"),
}
RATE_PREFIX = "payers."
RATE_INFIX = ".rates."


def describe_input(name: str) -> tuple[str, str]:
    """Return the label and value kind of an engine input, by its canonical dotted name."""
    if name in INPUTS:
        return INPUTS[name]
    if name.startswith(RATE_PREFIX) and RATE_INFIX in name:
        payer, code = name.removeprefix(RATE_PREFIX).rsplit(RATE_INFIX, 1)
        return f"{payer}’s {code} rate", "money"
    return name, "count"
