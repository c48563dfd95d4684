"""Bad input: a typed error naming the file, the row and the column; nothing is computed."""

import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.claims.conftest import CLAIM_HEADER, MEMBER_HEADER, member_rows, write_csv
from workbench.claims import ClaimsInputError, SizingOptions, size_claims
from workbench.claims.columns import CLAIM_COLUMNS, MEMBER_COLUMNS, markdown_table

GOOD_CLAIM = ["C1", "A01", "Acme", "2024-01-10", "professional", "300.00", "F32.9"]


@pytest.fixture
def members(tmp_path):
    return write_csv(tmp_path / "members.csv", MEMBER_HEADER, member_rows(["A01", "A02"]))


def claims_with(tmp_path, *rows, header=CLAIM_HEADER, name="claims.csv"):
    return write_csv(tmp_path / name, header, [GOOD_CLAIM, *rows])


def refused(members, claims, **options) -> str:
    with pytest.raises(ClaimsInputError) as caught:
        size_claims(members, claims, options=SizingOptions(**options))
    return str(caught.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            ["C2", "A02", "Acme", "2024-13-01", "ed", "10.00", ""],
            "claims.csv row 3, column service_date: not a date in YYYY-MM-DD form (2024-01-31)",
            id="date",
        ),
        pytest.param(
            ["C2", "A02", "Acme", "2024-01-02", "ed", "12,50", ""],
            "claims.csv row 3, column allowed_amount: not an amount "
            "(a decimal number such as 1234.56 or -80.00)",
            id="amount",
        ),
        pytest.param(
            ["C2", "A02", "Acme", "2024-01-02", "urgent care", "10.00", ""],
            "claims.csv row 3, column setting: not one of the settings "
            "inpatient, ed, outpatient, professional, pharmacy or other",
            id="setting",
        ),
        pytest.param(
            ["C2", "A02", "", "2024-01-02", "ed", "10.00", ""],
            "claims.csv row 3, column payer: no value (the column is required)",
            id="empty-payer",
        ),
        pytest.param(
            ["C2", "A02", "Acme", "2024-01-02", "ed", "", ""],
            "claims.csv row 3, column allowed_amount: no value (the column is required)",
            id="empty-amount",
        ),
    ],
)
def test_a_bad_claim_value_is_named(tmp_path, members, row, message):
    assert refused(members, claims_with(tmp_path, row)) == message


def test_the_first_bad_row_is_named(tmp_path, members):
    good = [GOOD_CLAIM] * 20
    bad_amount = ["C9", "A02", "Acme", "2024-01-02", "ed", "abc", ""]
    bad_date = ["C9", "A02", "Acme", "2024-02-30", "ed", "1.00", ""]
    claims = claims_with(tmp_path, *good, bad_date, *good, bad_amount)

    # Header line 1, good line 2, 20 good lines 3-22: the bad date is on line 23.
    assert refused(members, claims).startswith("claims.csv row 23, column service_date: ")


def test_every_bad_value_is_named_up_to_twenty_in_file_order(tmp_path, members):
    bad_amount = ["C9", "A02", "Acme", "2024-01-02", "ed", "abc", ""]
    bad_both = ["C9", "A02", "Acme", "2024-02-30", "urgent", "1.00", ""]
    claims = claims_with(tmp_path, bad_amount, GOOD_CLAIM, bad_both)

    with pytest.raises(ClaimsInputError) as caught:
        size_claims(members, claims)

    assert str(caught.value).splitlines() == [
        "claims.csv row 3, column allowed_amount: not an amount "
        "(a decimal number such as 1234.56 or -80.00)",
        "claims.csv row 5, column service_date: not a date in YYYY-MM-DD form (2024-01-31)",
        "claims.csv row 5, column setting: not one of the settings "
        "inpatient, ed, outpatient, professional, pharmacy or other",
    ]
    assert [problem.message for problem in caught.value.problems] == str(caught.value).splitlines()
    assert (caught.value.row, caught.value.column) == (3, "allowed_amount")


def test_past_twenty_problems_the_rest_are_summed_up(tmp_path, members):
    bad = ["C9", "A02", "Acme", "2024-01-02", "ed", "abc", ""]
    claims = claims_with(tmp_path, *[bad] * 25)

    lines = refused(members, claims).splitlines()

    assert len(lines) == 21
    assert lines[0].startswith("claims.csv row 3, column allowed_amount: ")
    assert lines[19].startswith("claims.csv row 22, column allowed_amount: ")
    assert lines[20] == "... and more problems; the first 20 are listed."


HEALTH_DATA = "John Q Patient SSN 123-45-6789"


@pytest.mark.parametrize("column", [3, 4, 5])
def test_a_bad_value_is_never_echoed(tmp_path, members, column):
    row = ["C2", "A02", "Acme", "2024-01-02", "ed", "10.00", ""]
    row[column] = HEALTH_DATA

    message = refused(members, claims_with(tmp_path, row))

    assert message.startswith("claims.csv row 3, column ")
    assert "123-45-6789" not in message and "Patient" not in message


def test_a_bad_month_in_members(tmp_path):
    members = write_csv(
        tmp_path / "members.csv",
        MEMBER_HEADER,
        [["A01", "Acme", "2024-01"], ["A01", "Acme", "Jan-24"]],
    )

    assert refused(members, claims_with(tmp_path)) == (
        "members.csv row 3, column month: not a month in YYYY-MM form (2024-01)"
    )


def test_a_missing_column(tmp_path, members):
    header = [name for name in CLAIM_HEADER if name != "allowed_amount"]
    claims = write_csv(
        tmp_path / "claims.csv", header, [["C1", "A01", "Acme", "2024-01-10", "ed", ""]]
    )

    assert (
        refused(members, claims)
        == "claims.csv row 1, column allowed_amount: missing from the header"
    )


def test_columns_in_any_order_and_any_case(tmp_path, members):
    header = [
        "Allowed_Amount",
        " SETTING",
        "dx_codes",
        "payer",
        "member_id",
        "service_date",
        "claim_id",
        "notes",
    ]
    row = ["300.00", "ed", "F32.9", "Acme", "A01", "2024-01-10", "C1", "free text, quoted"]
    claims = write_csv(tmp_path / "claims.csv", header, [row])

    assert size_claims(members, claims).unmatched.claim_lines == 0


def test_a_line_with_too_many_fields(tmp_path, members):
    claims = claims_with(tmp_path)
    with claims.open("a") as handle:
        handle.write("C2,A01,Acme,2024-01-10,ed,1.00,F32.9,extra\r\n")

    assert refused(members, claims) == "claims.csv row 3: expected 7 fields, found 8"


@pytest.mark.parametrize("which", ["members", "claims"])
def test_an_empty_file(tmp_path, members, which):
    claims = claims_with(tmp_path)
    empty = {"members": members, "claims": claims}[which]
    empty.write_bytes(b"")

    assert refused(members, claims) == f"{which}.csv: the file is empty"


@pytest.mark.parametrize("which", ["members", "claims"])
def test_a_header_without_rows(tmp_path, members, which):
    claims = claims_with(tmp_path)
    header_only = {"members": members, "claims": claims}[which]
    header_only.write_text(header_only.read_text().splitlines()[0] + "\n")

    assert refused(members, claims) == f"{which}.csv row 2: has a header but no rows"


def test_a_spreadsheet_is_not_csv(tmp_path, members):
    workbook = tmp_path / "claims.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")

    assert refused(members, workbook) == "claims.xlsx: not a CSV or Parquet file"


def test_binary_content_named_csv_is_not_csv(tmp_path, members):
    claims = tmp_path / "claims.csv"
    claims.write_bytes(b"PK\x03\x04\x00\x00binary")

    assert refused(members, claims) == "claims.csv: not a CSV or Parquet file"


def test_a_json_file_is_not_csv(tmp_path, members):
    claims = tmp_path / "claims.json"
    claims.write_text('[{"claim_id": "C1"}]')

    assert refused(members, claims) == "claims.json: not a CSV or Parquet file"


def test_a_missing_file(tmp_path, members):
    assert refused(members, tmp_path / "nowhere.csv") == "nowhere.csv: no such file"


def test_a_claims_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, members):
    claims = tmp_path / "claims.csv"
    # Not even valid: the size alone decides, before anything is read.
    claims.write_bytes(b"x" * 2_000_001)

    message = refused(members, claims, max_claims_bytes=1_000_000)

    assert message == "claims.csv: 2.0 MB is over the 1.0 MB limit for this file"


def test_a_members_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    members = tmp_path / "members.csv"
    members.write_bytes(b"x" * 2_000_001)

    message = refused(members, claims_with(tmp_path), max_claims_bytes=1_000_000)

    assert message == "members.csv: 2.0 MB is over the 1.0 MB limit for this file"


def test_an_unknown_payer(tmp_path, members):
    message = refused(members, claims_with(tmp_path), payer="Nobody")

    assert message == "members.csv: no rows for payer 'Nobody' (payers: Acme)"


def test_parquet_files_are_read_and_checked(tmp_path, members):
    claims_csv = claims_with(tmp_path, ["C2", "A02", "Acme", "2024-01-11", "ed", "abc", ""])
    claims = tmp_path / "claims.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{claims_csv}', all_varchar = true)) "
            f"TO '{claims}' (FORMAT parquet)"
        )

    # A Parquet file has no header line: its second row is row 2.
    assert refused(members, claims) == (
        "claims.parquet row 2, column allowed_amount: not an amount "
        "(a decimal number such as 1234.56 or -80.00)"
    )


def test_typed_parquet_columns_are_accepted(tmp_path, members):
    claims = tmp_path / "claims.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'C1' AS claim_id, 'A01' AS member_id, 'Acme' AS payer, "
            "DATE '2024-01-10' AS service_date, 'ed' AS setting, 12.5::DOUBLE AS allowed_amount, "
            f"'F32.9' AS dx_codes) TO '{claims}' (FORMAT parquet)"
        )

    assert size_claims(members, claims).overall.allowed is None  # 2 members: suppressed


def test_an_empty_member_id_in_members(tmp_path):
    members = write_csv(
        tmp_path / "members.csv",
        MEMBER_HEADER,
        [["A01", "Acme", "2024-01"], ["", "Acme", "2024-01"]],
    )

    assert refused(members, claims_with(tmp_path)) == (
        "members.csv row 3, column member_id: no value (the column is required)"
    )


def test_semicolons_and_awkward_folder_names(tmp_path):
    folder = tmp_path / "it's here"
    folder.mkdir()
    members = folder / "members.csv"
    members.write_text("member_id;payer;month\nA01;Acme;2024-01\n")
    claims = folder / "claims.csv"
    claims.write_text(
        "claim_id;member_id;payer;service_date;setting;allowed_amount;dx_codes\n"
        "C1;A01;Acme;2024-01-10;ed;12.50;F32.9\n"
    )

    result = size_claims(members, claims)

    assert (result.extract.claim_lines, result.unmatched.claim_lines) == (1, 0)


def test_a_column_named_twice(tmp_path, members):
    claims = write_csv(tmp_path / "claims.csv", [*CLAIM_HEADER, "Payer"], [[*GOOD_CLAIM, "x"]])

    assert refused(members, claims) == "claims.csv row 1, column payer: appears twice in the header"


def test_a_parquet_month_stored_as_a_number(tmp_path):
    members = tmp_path / "members.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'A01' AS member_id, 'Acme' AS payer, 202401 AS month) "
            f"TO '{members}' (FORMAT parquet)"
        )

    assert refused(members, claims_with(tmp_path)) == (
        "members.parquet row 1, column month: not a month in YYYY-MM form (2024-01)"
    )


def test_the_format_guide_shows_the_columns_the_sizing_reads():
    """docs/claims-format.md and the upload page describe the files from one source."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "claims-format.md").read_text()

    assert markdown_table(MEMBER_COLUMNS) in guide
    assert markdown_table(CLAIM_COLUMNS) in guide
