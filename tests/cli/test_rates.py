"""`workbench rates`: RATE_METHOD.md's worked example to the cent; bad files refused cleanly."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.engine.section5 import COHORT, PROGRAM, column, shown_figures
from workbench.cli import cli
from workbench.engine import PAYMENT_MODELS
from workbench.engine.sensitivity import TORNADO_OUTPUTS
from workbench.vocabulary import TornadoOutput

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "method-1"
WORKED_EXAMPLE = EXAMPLES / "worked-example.yaml"


def rates(*args: str):
    return CliRunner().invoke(cli, ["rates", *args])


def test_compare_json_reproduces_the_worked_example():
    result = rates(str(WORKED_EXAMPLE), "--json", "--compare")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == 1
    assert shown_figures(data["program"], PROGRAM) == PROGRAM
    assert list(data["models"]) == list(PAYMENT_MODELS)
    for model, figures in data["models"].items():
        assert shown_figures(figures, column(model)) == column(model), model
    assert data["warnings"] == []


def test_single_model_json_has_the_documented_shape():
    result = rates(str(WORKED_EXAMPLE), "--json", "--model", "bundled")

    data = json.loads(result.stdout)
    assert set(data) == {"method", "program", "payers", "result", "warnings"}
    assert set(data["program"]) == {
        "active_caseload",
        "enrolled_patient_months",
        "annual_cost",
        "cost_per_enrolled_month",
    }
    assert set(data["payers"][0]) == {
        "name",
        "enrolled_patient_months",
        "ffs_revenue",
        "allocated_cost",
        "ffs_margin",
    }
    assert data["result"]["model"] == "bundled"
    assert data["result"]["case_rate_per_enrolled_month"] == "195.35"


@pytest.fixture
def cohort_file(tmp_path) -> Path:
    """The cohort variant of section 5, written as a user would edit the worked example."""
    text = WORKED_EXAMPLE.read_text()
    text = text.replace("basis: per_enrolled_month", "basis: percent_of_cohort_tcoc")
    text = text.replace("percent_of_cohort_tcoc: null", "percent_of_cohort_tcoc: 0.10")
    text = text.replace("benchmark_scope: population", "benchmark_scope: cohort")
    path = tmp_path / "cohort.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("compare", [False, True], ids=["evaluate", "compare"])
def test_cohort_variant(cohort_file, compare):
    args = ["--json", "--compare"] if compare else ["--json"]
    data = json.loads(rates(str(cohort_file), *args).stdout)

    result = data["models"]["total_cost_of_care"] if compare else data["result"]
    assert shown_figures(result, COHORT) == COHORT


def test_text_output_is_a_readable_table():
    result = rates(str(WORKED_EXAMPLE))

    assert result.exit_code == 0
    assert "312,560.00" in result.stdout
    assert "Commercial Plan A" in result.stdout


def test_analyses_are_added_under_their_keys():
    analyses = ["--tornado", "--monte-carlo", "500", "--seed", "7", "--breakeven"]
    result = rates(str(WORKED_EXAMPLE), "--json", *analyses)

    data = json.loads(result.stdout)
    assert {"tornado", "monte_carlo", "breakeven"} <= set(data)
    again = json.loads(
        rates(str(WORKED_EXAMPLE), "--json", "--monte-carlo", "500", "--seed", "7").stdout
    )
    assert again["monte_carlo"] == data["monte_carlo"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no such file", id="missing"),
        pytest.param("", "the scenario text is empty", id="empty"),
        pytest.param("# nothing but a comment\n", "the scenario text is empty", id="comment-only"),
        pytest.param("name: [unclosed\n", "not valid YAML", id="not-yaml"),
        pytest.param("just some words", "must be a mapping of fields", id="plain-text"),
        pytest.param(b"\xff\xfe\x00\x01", "not a YAML or JSON text file", id="binary"),
        pytest.param("folder", "is a folder, not a scenario file", id="folder"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "scenario.yaml"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)

    result = rates(str(path), "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


# Every rule of RATE_METHOD.md's conventions and issue 3, broken in the file as a user would.
# A typo in a key is an unknown field, and the key it was meant to be is then missing.
BAD_SCENARIOS = [
    (
        "care_manager_fte: 2",
        "care_manager_fte: -1",
        "program.care_manager_fte: must be greater than 0",
    ),
    (
        "caseload_share: 0.45",
        "caseload_share: 1.2",
        "payers[1].caseload_share: must be between 0 and 1",
    ),
    (
        "caseload_share: 0.45",
        "caseload_share: 0.65",
        "payers: caseload shares sum to 1.2, must be at most 1",
    ),
    (
        "payment_model: total_cost_of_care ",
        "payment_model: capitation ",
        "payment_model: 'capitation' is not one of ffs, ffs_plus_incentives, bundled, "
        "total_cost_of_care",
    ),
    (
        "focus_payer: Commercial Plan A",
        "focus_payer: Acme",
        "focus_payer: 'Acme' is not one of the payers (Medicare, Commercial Plan A, "
        "State Medicaid MCO)",
    ),
    (
        "shared_savings_rate: 0.5 ",
        "shared_savings_rate: 1 ",
        "terms.shared_savings_rate: must be less than 1",
    ),
    ("quality_score: 0.9 ", "quality_score: 1.5 ", "terms.quality_score: must be between 0 and 1"),
    ("quality_score: 0.9 ", "quality_score: -0.1 ", "terms.quality_score: must be between 0 and 1"),
    ("ramp_months: 0 ", "ramp_months: 13 ", "program.ramp_months: must be between 0 and 12"),
    (
        "basis: per_enrolled_month ",
        "basis: percent_of_cohort_tcoc ",
        "savings.percent_of_cohort_tcoc: required when basis is percent_of_cohort_tcoc",
    ),
    (
        "amount_per_enrolled_month: 70 ",
        "amount_per_enrolled_month: null ",
        "savings.amount_per_enrolled_month: required when basis is per_enrolled_month",
    ),
    (
        "caseload_per_fte: 70 ",
        "caseload_per_ftee: 70 ",
        ("program.caseload_per_fte: field required", "program.caseload_per_ftee: unknown field"),
    ),
]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize(("old", "new", "message"), BAD_SCENARIOS)
def test_an_invalid_scenario_exits_2_with_its_field_errors_on_stderr(
    tmp_path, old, new, message, as_json
):
    text = WORKED_EXAMPLE.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))

    result = rates(str(path), *(["--json"] if as_json else []), "--compare")

    assert result.exit_code == 2
    assert result.stdout == ""
    messages = (message,) if isinstance(message, str) else message
    header = f"{path}: the scenario is not valid:"
    assert result.stderr.splitlines() == [header, *(f"  {line}" for line in messages)]


def test_every_field_error_is_listed_at_once(tmp_path):
    text = WORKED_EXAMPLE.read_text()
    text = text.replace("care_manager_fte: 2", "care_manager_fte: -1")
    text = text.replace("focus_payer: Commercial Plan A", "focus_payer: Acme")
    path = tmp_path / "bad.yaml"
    path.write_text(text)

    result = rates(str(path), "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "program.care_manager_fte: must be greater than 0" in result.stderr
    assert "focus_payer: 'Acme' is not one of the payers" in result.stderr


def test_an_unknown_model_option_is_refused_before_anything_is_printed():
    result = rates(str(WORKED_EXAMPLE), "--json", "--model", "capitation")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'capitation' is not one of 'ffs'" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "warning"),
    [
        (
            "caseload_per_fte: 70 ",
            "caseload_per_fte: 130 ",
            "program.caseload_per_fte: 130 is outside the usual 40-120 patients per FTE",
        ),
        (
            "episode_months: 6 ",
            "episode_months: 14 ",
            "program.episode_months: 14 is longer than the usual 12 months",
        ),
        (
            "billable_fraction: 0.80 ",
            "billable_fraction: 0.97 ",
            "billing.billable_fraction: 0.97 is above the usual maximum of 0.95",
        ),
    ],
)
def test_warnings_travel_with_the_result(tmp_path, old, new, warning):
    path = tmp_path / "unusual.yaml"
    path.write_text(WORKED_EXAMPLE.read_text().replace(old, new, 1))

    single = json.loads(rates(str(path), "--json").stdout)
    compared = json.loads(rates(str(path), "--json", "--compare").stdout)
    text = rates(str(path)).stdout

    assert single["warnings"] == compared["warnings"] == [warning]
    assert f"Warnings\n- {warning}" in text


def test_the_tornado_can_swing_the_proposed_pmpm():
    args = ["--json", "--model", "bundled", "--tornado", "--tornado-output", "proposed_pmpm"]
    data = json.loads(rates(str(WORKED_EXAMPLE), *args).stdout)

    assert data["tornado"]["output"] == "proposed_pmpm"
    assert data["tornado"]["base_output"] == data["result"]["proposed_pmpm"] == "1.03"
    swings = [bar["swing"] for bar in data["tornado"]["bars"]]
    assert swings == sorted(swings, key=float, reverse=True)


@pytest.mark.parametrize("output", TornadoOutput.values())
def test_the_tornado_offers_every_output_the_engine_can_swing(output):
    """The command line's choices are the vocabulary's, and the vocabulary is the engine's list."""
    assert TornadoOutput.values() == TORNADO_OUTPUTS
    args = ["--json", "--model", "total_cost_of_care", "--tornado", "--tornado-output", output]
    data = json.loads(rates(str(WORKED_EXAMPLE), *args).stdout)
    assert data["tornado"]["output"] == output
    assert data["tornado"]["base_output"] == data["result"][output]
