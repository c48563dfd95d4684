"""`workbench init`: loads the profiles folder, idempotently, and refuses bad files untouched."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from tests.conftest import PROFILES_DIR
from workbench.cli import cli
from workbench.extensions import db
from workbench.models import (
    BillingCode,
    EvidenceItem,
    FeeScheduleEntry,
    ModelBase,
    StakeholderProfile,
    ValueDomain,
)
from workbench.services.library_schema import DOMAIN_KEYS

PROFILE_KEYS = {
    "commercial_payer",
    "medicare_advantage",
    "medicaid_mco",
    "state_medicaid_agency",
    "self_funded_employer",
    "aco",
    "primary_care_group",
    "community_mental_health_center",
    "patients_and_families",
}


def run_init(runner, *args):
    return runner.invoke(cli, ["init", *args], catch_exceptions=False)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in ModelBase.metadata.sorted_tables
    }


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that nothing at all was written or changed."""
    db.session.rollback()
    return {
        table.name: sorted(map(tuple, db.session.execute(select(table))), key=repr)
        for table in ModelBase.metadata.sorted_tables
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def profile(key: str) -> StakeholderProfile:
    return db.session.scalar(select(StakeholderProfile).where(StakeholderProfile.key == key))


@pytest.fixture
def profiles_copy(tmp_path) -> Path:
    """A copy of the repository's profiles folder that a test may break."""
    folder = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, folder)
    return folder


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_init_loads_every_profile_and_the_reference_library(runner):
    result = run_init(runner)

    assert result.exit_code == 0, result.output
    assert "added" in result.output
    assert {p.key for p in db.session.scalars(select(StakeholderProfile))} == PROFILE_KEYS
    assert count(ValueDomain) == 9
    assert all(len(p.weights) == 9 for p in db.session.scalars(select(StakeholderProfile)))
    assert count(EvidenceItem) >= 20
    codes = set(db.session.scalars(select(BillingCode.code)))
    assert {"99492", "99493", "99494", "G2214", "99484", "90791", "90837", "96156"} <= codes
    rate = db.session.scalar(
        select(FeeScheduleEntry.rate)
        .join(BillingCode)
        .where(BillingCode.code == "99492", FeeScheduleEntry.rate.is_not(None))
        .order_by(FeeScheduleEntry.effective_from.desc())
    )
    assert str(rate) == "149.30"


def test_init_twice_leaves_the_same_rows(runner):
    run_init(runner)
    first = row_counts()
    rows = snapshot()

    second_run = run_init(runner)

    assert second_run.exit_code == 0
    assert "0 added, 0 updated" in second_run.output
    assert row_counts() == first
    assert snapshot() == rows


def test_local_edits_survive_init_unless_forced(runner):
    run_init(runner)
    edited = profile("aco")
    original_summary = edited.summary
    edited.summary = "Our own notes on the ACO."
    edited.locally_edited = True
    db.session.commit()

    kept = run_init(runner)
    db.session.expire_all()
    assert kept.exit_code == 0
    assert profile("aco").summary == "Our own notes on the ACO."
    assert "1 kept" in kept.output

    run_init(runner, "--force")
    db.session.expire_all()
    assert profile("aco").summary == original_summary
    assert profile("aco").locally_edited is False


def test_init_reads_another_profiles_folder(runner, profiles_copy):
    edit_yaml(profiles_copy / "aco.yaml", lambda d: d.update(name="Valley Health ACO"))

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 0, result.output
    assert profile("aco").name == "Valley Health ACO"


def test_a_changed_file_updates_its_row_on_the_next_init(runner, profiles_copy):
    run_init(runner, "--profiles", str(profiles_copy))
    edit_yaml(profiles_copy / "aco.yaml", lambda d: d.update(summary="A newer summary."))

    result = run_init(runner, "--profiles", str(profiles_copy))

    db.session.expire_all()
    assert "1 updated" in result.output
    assert profile("aco").summary == "A newer summary."


ALLOWED_DOMAINS = ", ".join(f"'{key}'" for key in DOMAIN_KEYS[:-1])
NOT_A_DOMAIN = f"must be one of {ALLOWED_DOMAINS} or '{DOMAIN_KEYS[-1]}'"


def entry(data: dict, listing: str, index: int) -> tuple[dict, str]:
    """Return a list entry of a reference file and the name an error gives it."""
    item = data[listing][index]
    return item, f"{listing}[{index}] ({item.get('key') or item.get('code') or item['payer']})"


def profile_without_name(data):
    del data["name"]
    return "name: field required"


def profile_without_a_domain_weight(data):
    del data["domain_weights"]["new_funding"]
    return "domain_weights: missing new_funding"


def profile_objections_not_a_list(data):
    data["objections"] = "none"
    return "objections: must be a list"


def profile_response_not_text(data):
    data["objections"][1]["response"] = 42
    return "objections[1].response: must be text"


def profile_weight_above_1(data):
    data["domain_weights"]["quality_of_care"] = 1.5
    return "domain_weights.quality_of_care: must be at most 1"


def profile_weight_below_0(data):
    data["domain_weights"]["new_funding"] = -0.2
    return "domain_weights.new_funding: must be at least 0"


def profile_unknown_domain(data):
    data["domain_weights"]["happiness"] = 0.5
    return f"domain_weights.happiness: {NOT_A_DOMAIN}"


def evidence_without_citation(data):
    item, name = entry(data, "evidence", 2)
    del item["citation"]
    return f"{name}.citation: field required"


def evidence_year_not_a_number(data):
    item, name = entry(data, "evidence", 3)
    item["year"] = "soon"
    return f"{name}.year: must be a whole number"


def evidence_unknown_domain(data):
    item, name = entry(data, "evidence", 1)
    item["domains"] = ["happiness"]
    return f"{name}.domains[0]: {NOT_A_DOMAIN}"


def evidence_without(field: str, index: int = 0):
    """A change that removes one of the fields every evidence item must carry (issue 16)."""

    def change(data):
        item, name = entry(data, "evidence", index)
        *parents, last = field.split(".")
        node = item
        for part in parents:
            node = node[part]
        del node[last]
        return f"{name}.{field}: field required"

    change.__name__ = f"evidence_without_{field.replace('.', '_')}"
    return change


def evidence_verified_without_source(data):
    item, name = entry(data, "evidence", 0)
    item["verification"]["source"] = None
    return f"{name}.verification: source: a verified item needs its DOI or address"


def evidence_unverified_without_why(data):
    item, name = entry(data, "evidence", 2)
    del item["verification"]["why"]
    return f"{name}.verification: why: say why the item could not be verified"


def preset_amount_of_the_other_basis(data):
    item, name = entry(data, "evidence", 0)
    item["savings_preset"]["basis"] = "percent_of_cohort_tcoc"
    return (
        f"{name}.savings_preset: percent_of_cohort_tcoc: required when basis is "
        "'percent_of_cohort_tcoc'"
    )


def preset_mode_off_its_amount(data):
    item, name = entry(data, "evidence", 0)
    item["savings_preset"]["triangle"] = [-40, 70, 200]
    return f"{name}.savings_preset: triangle: the mode must equal amount_per_treated_month (80.94)"


def preset_lag_beyond_36_months(data):
    item, name = entry(data, "evidence", 0)
    item["savings_preset"]["lag_months"] = 48
    return f"{name}.savings_preset.lag_months: must be at most 36"


def preset_unknown_key(data):
    item, name = entry(data, "evidence", 0)
    item["savings_preset"]["lag"] = 3
    return f"{name}.savings_preset.lag: unknown field"


def effect_interval_without_bounds(data):
    item, name = entry(data, "evidence", 0)
    item["effect"]["interval"] = "ci95"
    return f"{name}.effect: interval: 'ci95' needs both low and high"


def measure_without_steward(data):
    item, name = entry(data, "measures", 0)
    del item["steward"]
    return f"{name}.steward: field required"


def code_threshold_not_a_number(data):
    item, name = entry(data, "codes", 0)
    item["time_threshold_minutes"] = "lots"
    return f"{name}.time_threshold_minutes: must be a whole number"


def fee_schedule_negative_rate(data):
    item, name = entry(data, "fee_schedules", 0)
    item["rates"]["99492"] = -3
    return f"{name}.rates.99492: must be at least 0"


def measure_unknown_domain(data):
    item, name = entry(data, "measures", 0)
    item["domains"] = ["happiness"]
    return f"{name}.domains[0]: {NOT_A_DOMAIN}"


def metric_without_unit(data):
    domain, domain_name = entry(data, "domains", 0)
    del domain["metrics"][0]["unit"]
    return f"{domain_name}.metrics[0] ({domain['metrics'][0]['key']}).unit: field required"


def unknown_value_domain(data):
    item, _ = entry(data, "domains", 0)
    item["key"] = "happiness"
    return f"domains[0] (happiness).key: {NOT_A_DOMAIN}"


def integration_level_out_of_range(data):
    item, name = entry(data, "levels", 0)
    item["level"] = 7
    return f"{name}.level: must be at most 5"


# Issue 2: a missing key, a wrong type, a weight outside 0-1 or an unknown value domain, in a
# profile or in a reference file. Each change returns the message that must follow the file's path.
BAD_INPUT = {
    "aco.yaml": [
        profile_without_name,
        profile_without_a_domain_weight,
        profile_objections_not_a_list,
        profile_response_not_text,
        profile_weight_above_1,
        profile_weight_below_0,
        profile_unknown_domain,
    ],
    "reference/evidence.yaml": [
        evidence_without_citation,
        evidence_year_not_a_number,
        evidence_unknown_domain,
        *(
            evidence_without(field)
            for field in (
                "setting",
                "design",
                "horizon_months",
                "effect.interval",
                "effect.net_of_program_cost",
                "verification",
                "verification.checked",
                "savings_preset",
                "savings_preset.derivation",
            )
        ),
        evidence_verified_without_source,
        evidence_unverified_without_why,
        preset_amount_of_the_other_basis,
        preset_mode_off_its_amount,
        preset_lag_beyond_36_months,
        preset_unknown_key,
        effect_interval_without_bounds,
    ],
    "reference/billing_codes.yaml": [code_threshold_not_a_number, fee_schedule_negative_rate],
    "reference/quality_measures.yaml": [measure_unknown_domain, measure_without_steward],
    "reference/value_domains.yaml": [metric_without_unit, unknown_value_domain],
    "reference/integration_models.yaml": [integration_level_out_of_range],
}
BAD_CASES = [
    pytest.param(file, change, id=change.__name__)
    for file, changes in BAD_INPUT.items()
    for change in changes
]


def break_file(path: Path, change) -> str:
    """Apply a change to a YAML file; return the error line init must print for it."""
    data = yaml.safe_load(path.read_text())
    message = change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return f"{path}: {message}"


@pytest.mark.parametrize(("file", "change"), BAD_CASES)
def test_bad_input_stops_init_names_file_entry_and_field_and_writes_nothing(
    runner, profiles_copy, file, change
):
    run_init(runner, "--profiles", str(profiles_copy))
    before = snapshot()
    # A good edit in another file must not be loaded either: all in one transaction, or nothing.
    edit_yaml(profiles_copy / "medicaid_mco.yaml", lambda d: d.update(summary="Not loaded."))
    expected = break_file(profiles_copy / file, change)

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"workbench init: {expected}"]
    assert snapshot() == before


def test_bad_input_on_an_empty_database_leaves_it_empty(runner, profiles_copy):
    empty = snapshot()
    expected = break_file(profiles_copy / "aco.yaml", profile_weight_above_1)

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 2
    assert f"workbench init: {expected}" in result.stderr.splitlines()
    assert snapshot() == empty
    # The only row a migrated database starts with: the audit chain's head (no event yet).
    assert {name: rows for name, rows in empty.items() if rows} == {
        "audit_chain_head": [(1, empty["audit_chain_head"][0][1])]
    }


def test_every_problem_is_listed_at_once(runner, profiles_copy):
    lines = [
        break_file(profiles_copy / "aco.yaml", profile_unknown_domain),
        break_file(profiles_copy / "reference/evidence.yaml", evidence_without_citation),
    ]

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 2
    assert "fix 2 problem(s)" in result.stderr
    assert {f"  {line}" for line in lines} <= set(result.stderr.splitlines())


def test_a_file_that_is_not_yaml_is_named(runner, profiles_copy):
    (profiles_copy / "aco.yaml").write_text("key: [unclosed\n")

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 2
    assert "aco.yaml: not valid YAML" in result.stderr
    assert count(StakeholderProfile) == 0


def test_an_evidence_key_that_does_not_exist_is_refused(runner, profiles_copy):
    edit_yaml(profiles_copy / "aco.yaml", lambda d: d.update(evidence_focus=["no_such_study"]))

    result = run_init(runner, "--profiles", str(profiles_copy))

    assert result.exit_code == 2
    assert "aco.yaml: evidence_focus: 'no_such_study' is not defined" in result.stderr


def test_a_missing_folder_is_refused(runner, tmp_path):
    result = run_init(runner, "--profiles", str(tmp_path / "nowhere"))

    assert result.exit_code == 2
    assert "nowhere: not a folder" in result.stderr


def test_national_medicare_rates_carry_their_year_and_source(runner):
    run_init(runner)

    entries = list(db.session.scalars(select(FeeScheduleEntry)))
    dated = {(entry.effective_from.year, entry.source.split(",")[1].strip()) for entry in entries}

    assert dated == {
        (2025, "CY 2025 Medicare Physician Fee Schedule final rule (CMS-1807-F"),
        (2026, "CY 2026 Medicare Physician Fee Schedule final rule (CMS-1832-F"),
    }
    assert all(
        "https://www.cms.gov/medicare/physician-fee-schedule/search" in e.source for e in entries
    )
    rates = {
        (entry.code.code, entry.effective_from.year): str(entry.rate)
        for entry in entries
        if entry.rate is not None
    }
    assert rates[("99492", 2025)] == "145.24"
    assert rates[("99492", 2026)] == "149.30"
    assert ("99493", 2026) not in rates  # no reliable figure: left for the user to enter


def test_init_stores_each_items_verification_design_and_savings_preset(runner):
    run_init(runner)

    def item(key: str) -> EvidenceItem:
        return db.session.scalar(select(EvidenceItem).where(EvidenceItem.key == key))

    impact, mddp = item("impact_2002"), item("mddp_2010")
    assert (impact.design, impact.horizon_months, impact.effect_interval) == (
        "randomized_trial",
        48,
        "none",
    )
    assert impact.effect_net_of_program_cost is True
    assert impact.effect_caution.startswith("The difference was not statistically significant")
    assert (impact.verification_status, impact.checked_on) == ("verified", date(2026, 12, 4))
    assert impact.verified_source == "https://pmc.ncbi.nlm.nih.gov/articles/PMC3810022"
    assert impact.follow_up_years == 4
    preset = impact.savings_preset
    assert {key: preset[key] for key in preset if key != "derivation"} == {
        "basis": "per_treated_month",
        "amount_per_treated_month": "80.94",
        "lag_months": 0,
        "duration_months": 48,
        "triangle": ["-42.39", "80.94", "204.27"],
    }
    assert "($3,363 + $522) / 48 = $80.94" in preset["derivation"]
    assert (mddp.verification_status, mddp.verified_source, mddp.savings_preset) == (
        "unverified",
        None,
        None,
    )
    assert "Hay et al., Value in Health 2012" in mddp.verification_note
