"""The scenario editor on rate method 2: a new scenario from an organization and an evidence
preset, the term's figures and the zone, upgrades from method 1, and the editor's manners."""

import json
import re
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from tests.web.conftest import add_payer
from tests.web.test_scenarios import figure, form_fields, import_file, saved
from tests.web.test_scenarios import focused as focused_id
from workbench import engine
from workbench.cli import cli
from workbench.documents.environment import money
from workbench.documents.sensitivity import MONTE_CARLO_DRAWS, MONTE_CARLO_SEED
from workbench.engine import contract
from workbench.models import Organization, Scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NEW = "/scenarios/new"


def post_new(web, fields: dict, **changes):
    return web.post(NEW, {**fields, **changes}, page=NEW)


def organization_id(web, like: str) -> int:
    with web.db() as session:
        return session.scalar(select(Organization.id).where(Organization.name.like(like)))


def built_from_organization_and_preset(web) -> dict:
    """Open a new scenario, pick Medicare as its organization, and take IMPACT's savings."""
    fields = form_fields(web.get(NEW).get_data(as_text=True))
    medicare = str(organization_id(web, "Medicare%"))
    # The browser posts the other list ("or fill a new row from") too, at its first choice.
    other = str(add_payer(web))
    picked = post_new(
        web, fields, organization=medicare, fill_organization=other, action="use_organization"
    )
    fields = form_fields(picked.get_data(as_text=True))
    preset = post_new(web, fields, savings_preset="impact_2002", action="use_preset")
    return form_fields(preset.get_data(as_text=True))


def completed(fields: dict) -> dict:
    """Type what the library's Medicare organization does not hold: members and baseline."""
    return fields | {"payers-0-attributed_members": "3,000", "payers-0-baseline_tcoc_pmpm": "1,050"}


def test_a_new_scenario_is_method_2_and_opens_without_errors(web, library):
    web.sign_in("lead")

    page = web.get(NEW).get_data(as_text=True)

    fields = form_fields(page)
    assert fields["method"] == "2"
    assert {"contract-term_years", "savings-lag_months", "savings-duration_months"} <= set(fields)
    assert "savings-amount_per_enrolled_month" not in fields
    assert "field-help error" not in page and "flash-error" not in page
    assert "still to fill" in page


def test_picking_the_organization_fills_the_payer_as_focus_and_a_preset_fills_the_savings(
    web, library
):
    web.sign_in("lead")

    fields = built_from_organization_and_preset(web)

    assert fields["payers-0-name"].startswith("Medicare")
    assert "payers-1-name" not in fields
    assert fields["focus_payer"] == "0" and fields["payers-0-caseload_share"] == "1"
    assert fields["payers-0-rate_99492"] == "149.30"
    assert fields["savings-amount_per_treated_month"] == "80.94"
    assert (fields["savings-lag_months"], fields["savings-duration_months"]) == ("0", "48")
    assert fields["savings-source"] == "impact_2002"
    assert fields["uncertainty-0-input"] == "savings.amount"
    low_mode_high = [fields[f"uncertainty-0-{end}"] for end in ("low", "mode", "high")]
    assert low_mode_high == ["-42.39", "80.94", "204.27"]  # the interval reaches below zero


def test_the_saved_scenario_records_its_preset_and_shows_the_term_and_the_zone(web, library):
    web.sign_in("lead")
    fields = completed(built_from_organization_and_preset(web))
    fields |= {
        "name": "Medicare TCOC from IMPACT",
        "payment_model": "total_cost_of_care",
        "payers-0-rate_99493": "128.88",
        "terms-shared_savings_rate": "50%",
    }

    created = post_new(web, fields, action="save")

    assert created.status_code == 302, created.get_data(as_text=True)
    record = saved(web, int(created.headers["Location"].rsplit("/", 1)[1]))
    assert record.method_version == 2
    assert record.inputs["savings"]["source"] == "impact_2002"
    assert record.inputs["terms"]["shared_savings_rate"] == "0.5"
    assert record.inputs["uncertainty"] == {"savings.amount": ["-42.39", "80.94", "204.27"]}
    result = contract.evaluate(engine.parse_scenario(record.inputs)).result
    page = web.get(created.headers["Location"]).get_data(as_text=True)
    assert "Method 2" in page
    assert figure(page, "level_pmpm") == money(result.level_pmpm)
    assert figure(page, "pv_provider_net") == money(result.pv_provider_net)
    assert figure(page, "payer_roi") == f"{money(result.payer_roi)} back per $1"
    assert figure(page, "payer_breakeven_savings") == money(result.payer_breakeven_savings)
    assert figure(page, "pv_tail_savings") == money(result.pv_tail_savings)
    for year in result.years:
        assert figure(page, f"year{year.year}-gross_savings") == money(year.gross_savings)
    assert figure(page, "zone-walk_away") == money(result.zone.walk_away)
    assert figure(page, "zone-ask") == money(result.zone.proposed)
    assert figure(page, "zone-ceiling") == money(result.zone.ceiling)


def test_warnings_sit_beside_the_figures(web, library):
    web.sign_in("lead")
    fields = completed(built_from_organization_and_preset(web))
    fields |= {"savings-amount_per_treated_month": "5"}

    page = web.post(
        "/scenarios/preview", {**fields, "touched": "savings-amount_per_treated_month"}, page=NEW
    ).get_data(as_text=True)

    figures = page[page.index('id="scenario-figures"') :]
    assert "Payer ROI: the payer gets back less than it pays" in figures
    assert "Quality incentives" in figures or "terms.quality_incentives" in figures


def test_errors_show_only_for_touched_inputs_and_keep_the_last_figures(web, library):
    web.sign_in("lead")
    fields = form_fields(web.get(NEW).get_data(as_text=True))
    fields |= {"program-care_manager_fte": "-1"}

    untouched = web.post("/scenarios/preview", fields, page=NEW)
    touched = web.post(
        "/scenarios/preview", {**fields, "touched": "program-care_manager_fte"}, page=NEW
    )

    for response in (untouched, touched):
        assert response.headers["HX-Reswap"] == "none"  # the page keeps its last good figures
        assert 'id="scenario-figures"' not in response.get_data(as_text=True)
    assert "must be greater than 0" not in untouched.get_data(as_text=True)
    assert "must be greater than 0" in touched.get_data(as_text=True)


def test_a_refused_save_says_not_saved_shows_every_problem_and_keeps_what_was_typed(web, library):
    web.sign_in("lead")
    fields = form_fields(web.get(NEW).get_data(as_text=True))

    response = post_new(web, fields, action="save", **{"costs-benefits_rate": "25%x"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not saved" in page
    assert 'value="25%x"' in page
    assert "must not be empty" in page and "field required" not in page


def test_percentages_are_read_as_shares(web, library):
    web.sign_in("lead")
    fields = completed(built_from_organization_and_preset(web))
    fields |= {
        "name": "Shares typed as percentages",
        "costs-benefits_rate": "25%",
        "billing-billable_fraction": "70 %",
    }

    created = post_new(web, fields, action="save")

    record = saved(web, int(created.headers["Location"].rsplit("/", 1)[1]))
    assert record.inputs["costs"]["benefits_rate"] == "0.25"
    assert record.inputs["billing"]["billable_fraction"] == "0.7"


def test_a_name_another_scenario_has_is_refused_beside_the_name(web, library):
    web.sign_in("lead")
    fields = completed(built_from_organization_and_preset(web))
    fields |= {"name": "Only one of these"}
    post_new(web, fields, action="save")

    again = post_new(web, fields, action="save")

    assert again.status_code == 422
    assert "another scenario is already called" in again.get_data(as_text=True)
    with web.db() as session:
        assert len(session.scalars(select(Scenario)).all()) == 1


def test_a_method_1_scenario_opens_as_method_1_and_upgrades_to_a_new_scenario(web, library):
    web.sign_in("lead")
    imported = import_file(web, (EXAMPLES / "method-1" / "worked-example.yaml").read_bytes())
    old_id = int(imported.headers["Location"].rsplit("/", 1)[1])
    before = saved(web, old_id)

    page = web.get(f"/scenarios/{old_id}").get_data(as_text=True)
    upgraded = web.post(f"/scenarios/{old_id}/upgrade", page=f"/scenarios/{old_id}")

    assert "Method 1" in page and "Upgrade to method 2" in page
    assert form_fields(page)["method"] == "1"
    assert "savings-amount_per_enrolled_month" in form_fields(page)
    new_id = int(upgraded.headers["Location"].rsplit("/", 1)[1])
    new = saved(web, new_id)
    assert new_id != old_id and new.method_version == 2
    assert new.name == before.name + " (method 2)"
    after = saved(web, old_id)
    assert (after.inputs, after.version) == (before.inputs, before.version)
    shown = web.get(f"/scenarios/{new_id}").get_data(as_text=True)
    assert "the original is unchanged" in shown
    assert "savings now start with the episodes that begin in the term" in shown  # what changed


def test_a_method_2_file_imports(web, library):
    web.sign_in("lead")

    response = import_file(web, (EXAMPLES / "worked-example.yaml").read_bytes())

    assert response.status_code == 302
    record = saved(web, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert record.method_version == 2
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-figure="level_pmpm">\$', page)


def test_row_changes_give_the_focus_to_the_new_row(web, library):
    web.sign_in("lead")
    fields = form_fields(web.get(NEW).get_data(as_text=True))

    added = post_new(web, fields, action="add_range")
    removed = post_new(web, form_fields(added.get_data(as_text=True)), action="remove_range-0")

    assert focused_id(added.get_data(as_text=True)) == "uncertainty-0-input"
    assert focused_id(removed.get_data(as_text=True)) == "add-range"


def test_the_sensitivity_page_shows_the_one_analysis_the_command_line_prints(web, library):
    web.sign_in("lead")
    example = EXAMPLES / "worked-example.yaml"
    imported = import_file(web, example.read_bytes())
    scenario_id = int(imported.headers["Location"].rsplit("/", 1)[1])
    command = [
        "rates", str(example), "--json", "--tornado", "--breakeven",
        "--monte-carlo", str(MONTE_CARLO_DRAWS), "--seed", str(MONTE_CARLO_SEED),
    ]  # fmt: skip

    page = web.get(f"/scenarios/{scenario_id}/analysis").get_data(as_text=True)
    printed = json.loads(CliRunner().invoke(cli, command).stdout)

    risk = printed["monte_carlo"]
    for name in ("p10", "p50", "p90"):
        assert figure(page, name) == money(Decimal(risk["provider_net"][name]))
    assert figure(page, "breakeven_caseload") == printed["breakeven"]["caseload_per_fte"]
    for kind in ("ask", "margin"):
        moving = [bar for bar in printed["tornado"][kind]["bars"] if Decimal(bar["swing"])]
        assert figure(page, f"{kind}-swing-1") == money(Decimal(moving[0]["swing"]))
        assert f'data-figure="{kind}-swing-{len(moving) + 1}"' not in page
    assert "Left out, as they move nothing here" in page  # e.g. the add-on units under TCOC
    assert f"--seed {MONTE_CARLO_SEED}" in page


def test_an_exported_file_names_its_organization_and_finds_it_again_on_import(web, library):
    web.sign_in("lead")
    fields = completed(built_from_organization_and_preset(web))
    created = post_new(web, fields | {"name": "Round trip"}, action="save")
    location = created.headers["Location"]

    exported = web.get(f"{location}/export.yaml")
    reimported = import_file(web, exported.data)

    text = exported.get_data(as_text=True)
    assert "RATE_METHOD.md" not in text
    original = saved(web, int(location.rsplit("/", 1)[1]))
    with web.db() as session:
        name = session.get(Organization, original.organization_id).name
    assert f"# organization: {name}" in text
    copy = saved(web, int(reimported.headers["Location"].rsplit("/", 1)[1]))
    assert copy.organization_id == original.organization_id
    assert copy.name == "Round trip (imported)"
