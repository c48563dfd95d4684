"""A sizing has a row limit and a time limit: a small Parquet "bomb" cannot hold a worker."""

import duckdb
import pytest

from tests.claims.conftest import MEMBER_HEADER, member_rows, write_csv
from workbench.claims import ClaimsInputError, ClaimsSizingError, SizingOptions, size_claims

ROWS = 20_000_000


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """Twenty million identical claim lines: about a hundred kB of Parquet, seconds to size."""
    path = tmp_path_factory.mktemp("bomb") / "claims.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'C1' AS claim_id, 'A01' AS member_id, 'Acme' AS payer, "
            "DATE '2024-01-10' AS service_date, 'professional' AS setting, "
            "300.00 AS allowed_amount, 'F32.9' AS dx_codes "
            f"FROM range({ROWS})) TO '{path}' (FORMAT parquet)"
        )
    return path


@pytest.fixture
def members(tmp_path):
    return write_csv(tmp_path / "members.csv", MEMBER_HEADER, member_rows(["A01"]))


def test_a_parquet_file_over_the_row_limit_is_refused_before_it_is_read(members, bomb):
    with pytest.raises(ClaimsInputError) as caught:
        size_claims(members, bomb, options=SizingOptions(max_rows=1_000_000))

    assert str(caught.value) == (
        "claims.parquet: has 20,000,000 rows, over the 1,000,000-row limit for a file "
        "(WORKBENCH_CLAIMS_MAX_ROWS); it was not read"
    )


def test_a_sizing_past_its_time_limit_is_stopped_and_says_which_limit(members, bomb):
    with pytest.raises(ClaimsSizingError) as caught:
        size_claims(members, bomb, options=SizingOptions(max_seconds=0.05, threads=1))

    assert str(caught.value).startswith(
        "the sizing took longer than its 0.05 s limit (WORKBENCH_CLAIMS_SECONDS) and was stopped"
    )
