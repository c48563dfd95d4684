"""The cell-size rule: no figure about fewer than 11 members."""

from tests.claims.conftest import CLAIM_HEADER, MEMBER_HEADER, member_rows, write_csv
from workbench.claims import size_claims


def extract(tmp_path, groups: dict[str, tuple[int, int]]):
    """Write an extract: per payer, (members with a BH code, members without), one month each."""
    members, claims = [], []
    for payer, (with_bh, without_bh) in groups.items():
        for n in range(with_bh + without_bh):
            member = f"{payer}-{n}"
            members += member_rows([member], payer=payer, months=["2024-01"])
            code = "F32.9" if n < with_bh else "I10"
            claims.append([f"C-{member}", member, payer, "2024-01-05", "other", "10.00", code])
    return (
        write_csv(tmp_path / "members.csv", MEMBER_HEADER, members),
        write_csv(tmp_path / "claims.csv", CLAIM_HEADER, claims),
    )


def test_a_payer_under_11_members_shows_nothing(tmp_path):
    result = size_claims(*extract(tmp_path, {"Big": (11, 11), "Small": (4, 6)})).to_json()

    small = result["payers"]["Small"]
    assert small["suppressed"] is True
    assert small["members"] is None
    assert small["tcoc_pmpm"] is None
    assert all(cohort["suppressed"] for cohort in small["cohorts"].values())
    assert result["payers"]["Big"]["suppressed"] is False
    # Everyone together is 32 members: shown, and the small payer's members are in it.
    assert result["overall"]["members"] == 32


def test_a_small_bh_cohort_is_suppressed_with_its_complement(tmp_path):
    # 5 members with BH, 20 without: the 20 alone would give the 5 away beside the total.
    result = size_claims(*extract(tmp_path, {"Acme": (5, 20)})).to_json()

    overall = result["overall"]
    assert overall["members"] == 25
    assert overall["tcoc_pmpm"] == "10.00"
    assert overall["cohorts"]["with_bh"] == {
        "members": None,
        "member_months": None,
        "allowed": None,
        "pmpm": None,
        "ed_visits_per_1000": None,
        "admissions_per_1000": None,
        "suppressed": True,
    }
    assert overall["cohorts"]["without_bh"]["suppressed"] is True
    assert overall["bh_prevalence"] is None
    assert overall["bh_cost_multiplier"] is None
    assert overall["cohort_cost_multiplier"] is None
    assert result["opportunity"]["suppressed"] is True
    assert result["opportunity"]["annual_excess_cost"] is None


def test_exactly_11_members_are_shown(tmp_path):
    cohorts = size_claims(*extract(tmp_path, {"Acme": (11, 11)})).to_json()["overall"]["cohorts"]

    assert cohorts["with_bh"]["members"] == 11
    assert cohorts["without_bh"]["members"] == 11
    # No chronic code among the BH members: an empty cohort is suppressed too.
    assert cohorts["chronic_with_bh"]["suppressed"] is True
