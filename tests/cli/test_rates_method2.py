"""`workbench rates` on method-2 files: section 10 to the cent, offers, upgrades, bad files."""

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.engine.section5 import TABLE
from tests.engine.section10 import (
    COHORT,
    COHORT_SAVINGS,
    FOCUS_YEARS,
    MODELS,
    TAIL,
    shown,
)
from workbench.cli import cli
from workbench.engine import PAYMENT_MODELS, scenario_from_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKED = EXAMPLES / "worked-example.yaml"
METHOD_1 = EXAMPLES / "method-1" / "worked-example.yaml"


def rates(*args: str):
    return CliRunner().invoke(cli, ["rates", *args])


def test_compare_json_reproduces_section_10() -> None:
    result = rates(str(WORKED), "--json", "--compare")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == 2
    assert list(data["models"]) == list(PAYMENT_MODELS)
    for model, figures in data["models"].items():
        assert shown(figures, MODELS[model]) == MODELS[model], model
        assert shown(figures, FOCUS_YEARS) == FOCUS_YEARS
        assert shown(figures, TAIL) == TAIL
    assert len(data["warnings"]) == 3


def test_the_cohort_variant_from_a_file(tmp_path: Path) -> None:
    data = yaml.safe_load(WORKED.read_text())
    data["savings"] = COHORT_SAVINGS
    data["terms"]["benchmark_scope"] = "cohort"
    path = tmp_path / "cohort.yaml"
    path.write_text(yaml.safe_dump(data))

    result = rates(str(path), "--json", "--model", "total_cost_of_care")

    assert result.exit_code == 0, result.output
    assert shown(json.loads(result.stdout)["result"], COHORT) == COHORT


def test_the_json_has_the_shape_of_section_9() -> None:
    data = json.loads(rates(str(WORKED), "--json", "--model", "bundled").stdout)

    assert set(data) == {"method", "program", "payers", "result", "warnings"}
    assert set(data["program"]) == {"active_caseload", "unrecovered_startup", "years"}
    assert set(data["program"]["years"][0]) == {
        "year",
        "enrolled_patient_months",
        "annual_cost",
        "cost_per_enrolled_month",
    }
    assert set(data["payers"][0]["years"][0]) == {
        "year",
        "enrolled_patient_months",
        "ffs_revenue",
        "allocated_cost",
        "ffs_margin",
    }
    result = data["result"]
    assert {"level_pmpm", "level_case_rate", "payer_breakeven_savings", "zone"} <= set(result)
    assert result["zone"] == {
        "walk_away": "191.22",
        "ceiling": "202.43",
        "proposed": "200.79",
        "agreement": True,
    }
    assert result["years"][0]["episode_rate"] == "1172.10"
    assert result["years"][0]["benchmark"] is None


def test_the_readable_table_shows_the_years_and_the_term() -> None:
    result = rates(str(WORKED), "--model", "ffs_plus_incentives")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("ffs_plus_incentives, Commercial"))
    assert header.split()[-10:] == [
        *("year", "1", "year", "2", "year", "3"),
        *("term", "(PV,", "level", "rates)"),
    ]
    proposed = next(line for line in lines if line.startswith("proposed PMPM"))
    assert proposed.split()[-4:] == ["0.31", "0.33", "0.34", "0.33"]
    assert any(line.startswith("payer break-even savings") and "79.76" in line for line in lines)
    assert any(line.startswith("our walk-away") and "0.27" in line for line in lines)


def test_the_analyses_hold_the_terms() -> None:
    result = rates(
        str(WORKED),
        "--json",
        "--model",
        "bundled",
        "--tornado",
        "--monte-carlo",
        "2000",
        "--seed",
        "1",
        "--breakeven",
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["tornado"]) == {"ask", "margin"}
    assert data["tornado"]["ask"]["base_output"] == "200.79"
    simulation = data["monte_carlo"]
    assert simulation["terms_fixed"] is True
    assert float(simulation["probability_provider_net_negative"]) > 0
    assert set(simulation["payer_net_savings"]) == {"p10", "p50", "p90"}
    assert data["breakeven"]["terms_fixed"] is True
    assert int(data["breakeven"]["caseload_per_fte"]) > 1

    text = rates(str(WORKED), "--model", "bundled", "--tornado", "--monte-carlo", "500")
    assert "What moves our ask (re-solved)" in text.stdout
    assert "What puts our margin at risk once signed (terms fixed)" in text.stdout
    assert "No effect here:" in text.stdout


def test_an_offer_says_what_it_means() -> None:
    result = rates(str(WORKED), "--offer", "0.30")

    assert result.exit_code == 0, result.output
    assert "0.30 level PMPM under total_cost_of_care" in result.stdout
    assert "below our walk-away" in result.stdout
    data = json.loads(rates(str(WORKED), "--offer", "0.36", "--json").stdout)
    assert data["position"] == "inside the zone of agreement"
    assert data["zone"]["walk_away"] == "0.33"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--offer", "abc"], "--offer: 'abc' must be a rate of at least 0"),
        (["--offer", "-1"], "--offer: '-1' must be a rate of at least 0"),
        (["--offer", "0.3", "--model", "ffs"], "ffs has no rate to offer"),
    ],
)
def test_a_bad_offer_is_refused(args: list[str], message: str) -> None:
    result = rates(str(WORKED), *args)

    assert result.exit_code == 2
    assert message in result.output


def test_an_offer_on_a_method_1_file_is_refused() -> None:
    result = rates(str(METHOD_1), "--offer", "0.3")

    assert result.exit_code == 2
    assert "upgrade the file with --upgrade" in result.output


def test_upgrade_writes_a_method_2_file_and_says_what_changes() -> None:
    result = CliRunner().invoke(cli, ["rates", "--upgrade", str(METHOD_1)])

    assert result.exit_code == 0, result.output
    upgraded = scenario_from_text(result.stdout)
    assert upgraded.method == 2
    assert upgraded.contract.term_years == 1
    assert upgraded.savings.amount_per_treated_month == 70
    assert (upgraded.savings.lag_months, upgraded.savings.duration_months) == (0, 6)
    assert "gross savings: 52920.00 -> 41895.00" in result.stderr
    assert "payments follow from the quote in whole cents" in result.stderr


def test_the_upgraded_file_keeps_method_1s_costs_and_revenue(tmp_path: Path) -> None:
    path = tmp_path / "upgraded.yaml"
    path.write_text(CliRunner().invoke(cli, ["rates", "--upgrade", str(METHOD_1)]).stdout)

    data = json.loads(rates(str(path), "--json", "--model", "ffs").stdout)

    assert data["program"]["years"][0]["annual_cost"] == "312560.00"
    assert data["result"]["years"][0]["ffs_revenue"] == TABLE["ffs_revenue"][0]


def test_upgrading_a_method_2_file_is_refused() -> None:
    result = rates("--upgrade", str(WORKED))

    assert result.exit_code == 2
    assert "the file is method 2 already" in result.output


def test_a_bad_method_2_file_names_the_field(tmp_path: Path) -> None:
    data = yaml.safe_load(WORKED.read_text())
    data["contract"]["term_years"] = 7
    data["uncertainty"] = {"savings.amount": [100, 80, 150]}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))

    result = rates(str(path))

    assert result.exit_code == 2
    assert "contract.term_years: must be a whole number from 1 to 5" in result.output
