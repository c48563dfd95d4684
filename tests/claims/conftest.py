"""A small extract whose every figure is worked out by hand in test_figures.py.

Payer Acme, 24 members, each eligible January to March 2024 (72 member-months):
- A01-A12 have a behavioral-health code (F...) on a $300.00 professional claim in January;
  A01-A11 also have a chronic code (E11.9) on it, A12 has none.
- B01-B12 have no F code: a $100.00 professional claim in February; B01-B11 coded I10 (chronic),
  B12 coded Z00.00.
- A01: two ED lines on one day ($500.00 + $250.00) = one visit.
- A02: ED on two days ($400.00, $600.00) = two visits.
- A03: a reversal, -$100.00.
- A06: one inpatient admission, $5,000.00.
- Left out: Z99 (not a member, $999.99), A04 in May (not eligible, $50.00), A05 under payer
  Other ($20.00).
- Members lists A01's January row twice.
"""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from workbench.claims import SavingsRate

MEMBER_HEADER = ["member_id", "payer", "month"]
CLAIM_HEADER = [
    "claim_id",
    "member_id",
    "payer",
    "service_date",
    "setting",
    "allowed_amount",
    "dx_codes",
]
MONTHS = ("2024-01", "2024-02", "2024-03")
BH_MEMBERS = [f"A{n:02}" for n in range(1, 13)]
OTHER_MEMBERS = [f"B{n:02}" for n in range(1, 13)]

RATES = [
    SavingsRate("milliman_2017_savings_pct", "Milliman 2017", Decimal("0.09"), Decimal("0.17")),
    SavingsRate("missouri_cmhc_health_homes", "Missouri", Decimal("0.081"), Decimal("0.081")),
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a CSV file with a header line."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def member_rows(members: list[str], payer: str = "Acme", months=MONTHS) -> list[list[str]]:
    return [[member, payer, month] for member in members for month in months]


def hand_claim_rows() -> list[list[str]]:
    rows = []
    for member in BH_MEMBERS:
        codes = "F32.9" if member == "A12" else "F32.9;E11.9"
        rows.append([member, "Acme", "2024-01-10", "professional", "300.00", codes])
    for member in OTHER_MEMBERS:
        codes = "Z00.00" if member == "B12" else "I10"
        rows.append([member, "Acme", "2024-02-05", "professional", "100.00", codes])
    rows += [
        ["A01", "Acme", "2024-01-15", "ed", "500.00", "F41.1"],
        ["A01", "Acme", "2024-01-15", "ed", "250.00", "R07.9"],
        ["A02", "Acme", "2024-02-01", "ed", "400.00", "F41.1"],
        ["A02", "Acme", "2024-03-01", "ed", "600.00", "F411"],
        ["A03", "Acme", "2024-01-10", "professional", "-100.00", "F32.9"],
        ["A06", "Acme", "2024-03-01", "inpatient", "5000.00", "F20.9;I50.9"],
        ["Z99", "Acme", "2024-01-20", "outpatient", "999.99", "F32.9"],
        ["A04", "Acme", "2024-05-01", "professional", "50.00", "F32.9"],
        ["A05", "Other", "2024-01-10", "professional", "20.00", "F32.9"],
    ]
    return [[f"C{number:03}", *row] for number, row in enumerate(rows, start=1)]


@pytest.fixture
def hand_extract(tmp_path) -> tuple[Path, Path]:
    """The extract described above, as two CSV files."""
    rows = member_rows(BH_MEMBERS + OTHER_MEMBERS)
    rows.append(["A01", "Acme", "2024-01"])
    members = write_csv(tmp_path / "members.csv", MEMBER_HEADER, rows)
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, hand_claim_rows())
    return members, claims
