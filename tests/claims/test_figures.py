"""The figures of the hand extract (conftest.py), worked out line by line."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from tests.claims.conftest import (
    CLAIM_HEADER,
    MEMBER_HEADER,
    RATES,
    member_rows,
    write_csv,
)
from workbench.claims import SizingOptions, size_claims
from workbench.claims.results import SizingResult

# Allowed, counted lines only:
#   with BH:    12 x 300.00 + (500.00 + 250.00) + (400.00 + 600.00) - 100.00 + 5,000.00 = 10,250.00
#   without BH: 12 x 100.00                                                        =  1,200.00
#   all:                                                                             11,450.00
# Member-months: 24 members x 3 months = 72 (A01's repeated January counted once); 36 per cohort.
# Chronic with BH:    A01-A11: 11 x 300.00 + 750.00 + 1,000.00 - 100.00 + 5,000.00 = 9,950.00
#                     over 11 x 3 = 33 member-months
# Chronic without BH: B01-B11: 11 x 100.00 = 1,100.00 over 33 member-months
# ED visits: A01 one (two lines, one day), A02 two = 3; admissions: A06 one.
EXPECTED_OVERALL = {
    "members": 24,
    "member_months": 72,
    "allowed": "11450.00",
    "tcoc_pmpm": "159.03",  # 11,450.00 / 72 = 159.0277...
    "bh_prevalence": "0.5000",  # 12 / 24
    "bh_cost_multiplier": "8.5417",  # (10,250 / 36) / (1,200 / 36) = 8.541666...
    "cohort_cost_multiplier": "1.7904",  # (10,250 / 36) / (11,450 / 72) = 1.790393...
    "ed_visits_per_1000": "500.00",  # 3 x 12,000 / 72
    "admissions_per_1000": "166.67",  # 1 x 12,000 / 72 = 166.666...
    "top5pct_cost_share": None,  # ceil(24 / 20) = 2 members: fewer than 11, suppressed
    "suppressed": False,
}
EXPECTED_COHORTS = {
    "with_bh": {
        "members": 12,
        "member_months": 36,
        "allowed": "10250.00",
        "pmpm": "284.72",  # 10,250.00 / 36 = 284.7222...
        "ed_visits_per_1000": "1000.00",  # 3 x 12,000 / 36
        "admissions_per_1000": "333.33",  # 1 x 12,000 / 36
        "suppressed": False,
    },
    "without_bh": {
        "members": 12,
        "member_months": 36,
        "allowed": "1200.00",
        "pmpm": "33.33",  # 1,200.00 / 36
        "ed_visits_per_1000": "0.00",
        "admissions_per_1000": "0.00",
        "suppressed": False,
    },
    "chronic_with_bh": {
        "members": 11,
        "member_months": 33,
        "allowed": "9950.00",
        "pmpm": "301.52",  # 9,950.00 / 33 = 301.5151...
        "ed_visits_per_1000": "1090.91",  # 3 x 12,000 / 33 = 1,090.909...
        "admissions_per_1000": "363.64",  # 1 x 12,000 / 33 = 363.636...
        "suppressed": False,
    },
    "chronic_without_bh": {
        "members": 11,
        "member_months": 33,
        "allowed": "1100.00",
        "pmpm": "33.33",  # 1,100.00 / 33
        "ed_visits_per_1000": "0.00",
        "admissions_per_1000": "0.00",
        "suppressed": False,
    },
}


@pytest.fixture
def sized(hand_extract):
    members, claims = hand_extract
    return size_claims(members, claims, RATES)


def test_overall_figures_match_the_hand_computation(sized):
    overall = sized.to_json()["overall"]

    assert {name: overall[name] for name in EXPECTED_OVERALL} == EXPECTED_OVERALL
    assert overall["cohorts"] == EXPECTED_COHORTS


def test_the_one_payer_has_the_overall_figures(sized):
    data = sized.to_json()

    assert list(data["payers"]) == ["Acme"]
    assert data["payers"]["Acme"] == data["overall"]


def test_figures_are_exact_decimals_until_shown(sized):
    assert sized.overall.allowed == Decimal("11450")
    # Kept to 34 significant digits, rounded only when shown.
    assert abs(sized.overall.tcoc_pmpm - Decimal("11450") / 72) < Decimal("1e-25")
    assert isinstance(sized.overall.cohorts.with_bh.pmpm, Decimal)


def test_unmatched_lines_are_reported_and_left_out(sized):
    # Z99 999.99 (not a member) + A04 in May 50.00 (not eligible) under Acme; A05 under Other.
    assert sized.to_json()["unmatched"] == {
        "claim_lines": 3,
        "allowed": "1069.99",
        "payers": {
            "Acme": {"claim_lines": 2, "allowed": "1049.99"},
            "Other": {"claim_lines": 1, "allowed": "20.00"},
        },
    }


def test_a_reversal_lowers_the_cost_of_its_member(sized, hand_extract, tmp_path):
    members, claims = hand_extract
    without_reversal = [line for line in claims.read_text().splitlines() if "-100.00" not in line]
    other_claims = tmp_path / "no-reversal.csv"
    other_claims.write_text("\n".join(without_reversal) + "\n")

    before = size_claims(members, other_claims).overall

    # The -100.00 line takes 100.00 off the BH cohort and the total.
    assert before.cohorts.with_bh.allowed - sized.overall.cohorts.with_bh.allowed == 100
    assert before.allowed - sized.overall.allowed == 100


def test_an_ed_visit_and_an_admission_on_one_day_count_one_each(hand_extract, tmp_path):
    members, claims = hand_extract
    admitted = tmp_path / "admitted.csv"
    # A02's ED visit on 1 February is followed by an admission the same day.
    admitted.write_text(claims.read_text() + "C999,A02,Acme,2024-02-01,inpatient,3000.00,F41.1\n")

    overall = size_claims(members, admitted).to_json()["overall"]

    assert overall["ed_visits_per_1000"] == "500.00"  # still 3 visits x 12,000 / 72
    assert overall["admissions_per_1000"] == "333.33"  # 2 admissions x 12,000 / 72


def test_savings_opportunity_per_year(sized):
    # Excess: 10,250/36 - 1,200/36 = 251.3888... PMPM, x 36 BH member-months = 9,050.00 over the
    # 3 months covered, so 9,050.00 x 12 / 3 = 36,200.00 a year.
    # Milliman 2017, 9% to 17%: 3,258.00, mid 13% 4,706.00, high 6,154.00.
    # Missouri, 8.1%: 2,932.20 low, mid and high.
    # Range: lowest low 2,932.20; median of the mids (4,706.00 + 2,932.20) / 2 = 3,819.10;
    # highest high 6,154.00.
    opportunity = sized.to_json()["opportunity"]

    assert opportunity["excess_pmpm"] == "251.39"
    assert opportunity["bh_member_months"] == 36
    assert opportunity["months_covered"] == 3
    assert opportunity["annual_excess_cost"] == "36200.00"
    assert [(e["key"], e["low"], e["mid"], e["high"]) for e in opportunity["estimates"]] == [
        ("milliman_2017_savings_pct", "3258.00", "4706.00", "6154.00"),
        ("missouri_cmhc_health_homes", "2932.20", "2932.20", "2932.20"),
    ]
    assert (opportunity["low"], opportunity["mid"], opportunity["high"]) == (
        "2932.20",
        "3819.10",
        "6154.00",
    )
    assert opportunity["suppressed"] is False


def test_no_savings_evidence_still_gives_the_excess_cost(hand_extract):
    opportunity = size_claims(*hand_extract).opportunity

    assert opportunity.annual_excess_cost == Decimal("36200")
    assert opportunity.estimates == ()
    assert opportunity.low is None
    assert "no savings evidence" in opportunity.note


def test_duplicate_member_rows_are_counted_once_and_reported(sized):
    assert sized.extract.member_rows == 73
    assert sized.warnings == (
        "members.csv: 1 duplicate row(s) (same member_id, payer and month) counted once",
    )


def test_the_extract_is_described(sized):
    assert sized.to_json()["extract"] == {
        "members_file": "members.csv",
        "claims_file": "claims.csv",
        "member_rows": 73,
        "claim_lines": 33,  # 12 + 12 + 9 lines, matched or not
        "first_month": "2024-01",
        "last_month": "2024-03",
        "months_covered": 3,
        "payer": None,
    }


def test_top_five_percent_share(tmp_path):
    # 220 members, member n costs n dollars: total 220 x 221 / 2 = 24,310; the top 5% are
    # ceil(220 / 20) = 11 members, 210 to 220, costing 11 x 215 = 2,365; 2,365 / 24,310 = 0.09728...
    ids = [f"M{n:03}" for n in range(1, 221)]
    members = write_csv(tmp_path / "m.csv", MEMBER_HEADER, member_rows(ids, months=["2024-01"]))
    claims = write_csv(
        tmp_path / "c.csv",
        CLAIM_HEADER,
        [
            [f"C{n}", f"M{n:03}", "Acme", "2024-01-02", "other", f"{n}.00", ""]
            for n in range(1, 221)
        ],
    )

    assert size_claims(members, claims).to_json()["overall"]["top5pct_cost_share"] == "0.0973"


def test_one_payer_only(hand_extract, tmp_path):
    members, claims = hand_extract
    extra = write_csv(
        tmp_path / "more.csv",
        MEMBER_HEADER,
        [line.split(",") for line in members.read_text().splitlines()[1:]]
        + member_rows(["Q1"], payer="Other"),
    )

    result = size_claims(extra, claims, options=SizingOptions(payer="Acme"))

    assert [name for name, _ in result.payers] == ["Acme"]
    assert result.overall.allowed == Decimal("11450")
    assert result.unmatched.claim_lines == 2  # A05's line under Other is out of scope
    assert result.extract.payer == "Acme"


def test_any_column_order_and_a_non_ascii_payer_give_the_same_figures(
    sized, hand_extract, tmp_path
):
    payer = "Salud Comunitária Ñandú"
    reordered = [reorder(path, tmp_path / f"reordered-{path.name}", payer) for path in hand_extract]

    result = size_claims(*reordered, RATES)

    assert result.overall.to_json() == sized.overall.to_json()
    assert list(result.to_json()["payers"]) == [payer]


def reorder(source: Path, target: Path, payer: str) -> Path:
    """Write `source` with its columns reversed and the payer Acme renamed `payer`."""
    with source.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    renamed = [[payer if value == "Acme" else value for value in row] for row in rows]
    return write_csv(target, header[::-1], [row[::-1] for row in renamed])


def test_stored_figures_read_back_as_the_typed_result_they_came_from(sized):
    """What a sizing stores reads back into the same types, at the precision it was stored."""
    stored = sized.to_json()
    read = SizingResult.from_json(stored)
    assert read.to_json() == stored
    assert read.overall.tcoc_pmpm == Decimal("159.03")
    assert read.overall.cohort_cost_multiplier == Decimal("1.7904")
    assert read.extract.first_month == sized.extract.first_month
    assert read.payers[0][0] == sized.payers[0][0]
