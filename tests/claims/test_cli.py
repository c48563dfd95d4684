"""`workbench claims size`: JSON and a table on stdout; bad input exits 2 with one line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.claims.conftest import CLAIM_HEADER, write_csv
from workbench.cli import cli


def size(runner, *args: str):
    return runner.invoke(cli, ["claims", "size", *args])


def files(hand_extract) -> list[str]:
    members, claims = hand_extract
    return ["--members", str(members), "--claims", str(claims)]


def test_json_has_the_documented_shape(runner, hand_extract):
    result = size(runner, *files(hand_extract), "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"overall", "payers", "unmatched", "opportunity"} <= set(data)
    assert data["overall"]["tcoc_pmpm"] == "159.03"
    assert data["overall"]["cohort_cost_multiplier"] == "1.7904"
    assert data["overall"]["top5pct_cost_share"] is None
    assert data["payers"]["Acme"]["cohorts"]["with_bh"]["pmpm"] == "284.72"
    assert data["unmatched"]["claim_lines"] == 3


def test_savings_rates_come_from_the_evidence_library(runner, hand_extract):
    # The test database is empty, so the reference evidence file is read instead. Its verified
    # percent_savings items, applied to the 36,200.00 yearly excess (Missouri's 8.1% is known
    # only second-hand, so it sizes nothing):
    #   milliman_2014 9-16%: 3,258.00 / 4,525.00 / 5,792.00 (of the excess, the report's own base)
    #   milliman_2017 9-17%: 3,258.00 / 4,706.00 / 6,154.00
    opportunity = json.loads(size(runner, *files(hand_extract), "--json").stdout)["opportunity"]

    assert [(e["key"], e["low"], e["mid"], e["high"]) for e in opportunity["estimates"]] == [
        ("milliman_2014_savings_pct", "3258.00", "4525.00", "5792.00"),
        ("milliman_2017_savings_pct", "3258.00", "4706.00", "6154.00"),
    ]
    # Range: lowest low, median of the mids (4,615.50), highest high.
    assert (opportunity["low"], opportunity["mid"], opportunity["high"]) == (
        "3258.00",
        "4615.50",
        "6154.00",
    )


def test_text_output_is_a_readable_table(runner, hand_extract):
    result = size(runner, *files(hand_extract))

    assert result.exit_code == 0, result.output
    assert "TCOC PMPM" in result.stdout
    assert "11,450.00" in result.stdout
    assert "Acme" in result.stdout
    assert "36,200.00" in result.stdout
    assert "duplicate row(s)" in result.stdout
    assert "Savings rates from the reference evidence file" in result.stdout


def test_one_payer(runner, hand_extract):
    result = size(runner, *files(hand_extract), "--payer", "Acme", "--json")

    assert json.loads(result.stdout)["extract"]["payer"] == "Acme"


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        pytest.param(
            ["C1", "A01", "Acme", "2024-13-01", "ed", "1.00", ""],
            "claims.csv row 2, column service_date: not a date in YYYY-MM-DD form (2024-01-31)",
            id="date",
        ),
        pytest.param(
            ["C1", "A01", "Acme", "2024-01-01", "lab", "1.00", ""],
            "claims.csv row 2, column setting: not one of the settings",
            id="setting",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(runner, hand_extract, tmp_path, claim, message):
    members, _ = hand_extract
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, [claim])

    result = size(runner, "--members", str(members), "--claims", str(claims), "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"workbench claims size: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(runner, hand_extract, tmp_path):
    members, _ = hand_extract

    result = size(runner, "--members", str(members), "--claims", str(tmp_path / "none.csv"))

    assert result.exit_code == 2
    assert result.stderr.strip() == "workbench claims size: none.csv: no such file"


def test_the_command_sizes_in_its_own_process_from_the_instance_database(
    embedded_env, hand_extract
):
    """As a person runs it: its own process, the instance's database, no app around it."""
    workbench = str(Path(sys.executable).parent / "workbench")
    subprocess.run([workbench, "init"], env=embedded_env, check=True, capture_output=True)
    result = subprocess.run(
        [workbench, "claims", "size", *files(hand_extract)],
        env=embedded_env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "36,200.00" in result.stdout
    assert "Savings rates from the evidence library in the database." in result.stdout
