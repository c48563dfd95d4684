"""Scenarios in the browser: import, live figures, save, conflicts, copies, export, analysis."""

import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.engine.section5 import PROGRAM, TABLE, column, shown_figures
from tests.web.test_roles import row_count
from workbench import engine
from workbench.cli import cli
from workbench.documents.environment import money, percent
from workbench.documents.sensitivity import analyse
from workbench.models import AuditEvent, Negotiation, Offer, Organization, Scenario
from workbench.models.enums import OfferSide, OrganizationKind, PaymentModel

WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"


class FormReader(HTMLParser):
    """Read the values a browser would post from the scenario form, as a person left them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "scenario-form" in (attributes.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        name = attributes.get("name")
        if (
            tag == "input"
            and name
            and (attributes.get("type") != "radio" or "checked" in attributes)
        ):
            self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value") or ""
        elif tag == "textarea":
            self.textarea = name

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] = data
            self.textarea = None


def form_fields(html: str) -> dict[str, str]:
    """Return the scenario form's fields as a browser would post them (less the CSRF token)."""
    reader = FormReader()
    reader.feed(html)
    reader.values.pop("action", None)
    reader.values.pop("csrf_token", None)  # web.post brings a fresh one
    return reader.values


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1)


def focused(html: str) -> str:
    """Return the id of the element the page gives the focus to (autofocus)."""
    tags = [
        tag for tag in re.findall(r"<(?:input|button|select)\b[^>]*>", html) if " autofocus" in tag
    ]
    assert len(tags) == 1, tags
    return re.search(r'id="([^"]+)"', tags[0]).group(1)


def help_beside(html: str, field_id: str) -> tuple[str, str]:
    """Return (class, text) of the help shown beside an input."""
    match = re.search(
        rf'<small id="{re.escape(field_id)}-help" class="([^"]*)"[^>]*>(.*?)</small>', html, re.S
    )
    assert match, f"no help beside {field_id}"
    return match.group(1), re.sub(r"<[^>]+>", " ", match.group(2))


def import_file(web, content: bytes, filename: str = "scenario.yaml"):
    return web.client.post(
        "/scenarios/import",
        data={"csrf_token": web.token("/scenarios/"), "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def scenario_id(web) -> int:
    """The worked example, imported through the page by the lead, who stays signed in."""
    web.sign_in("lead")
    response = import_file(web, WORKED.read_bytes(), "worked-example.yaml")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def saved(web, scenario_id: int) -> Scenario:
    with web.db() as session:
        record = session.get(Scenario, scenario_id)
        session.expunge(record)
        return record


def count(web, model) -> int:
    with web.db() as session:
        return session.scalar(select(func.count()).select_from(model))


def page_form(web, scenario_id: int) -> dict[str, str]:
    return form_fields(web.get(f"/scenarios/{scenario_id}").get_data(as_text=True))


def send(web, scenario_id: int, fields: dict, changes: dict | None = None, to: str = ""):
    """Post the scenario page's form as loaded, with some fields changed (to the page itself)."""
    page = f"/scenarios/{scenario_id}"
    return web.post(to or page, {**fields, **(changes or {})}, page=page)


def preview(web, scenario_id: int, fields: dict, changes: dict | None = None) -> str:
    """Return the live figures for the form with some fields changed (and so touched, as the
    page's script lists them)."""
    touched = {"touched": " ".join(changes or {})}
    response = send(
        web, scenario_id, fields, {**(changes or {}), **touched}, to="/scenarios/preview"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_importing_the_worked_example_saves_the_figures_of_section_5(web, scenario_id):
    record = saved(web, scenario_id)
    comparison = engine.comparison_json(engine.compare(engine.parse_scenario(record.inputs)))

    assert record.method_version == 1
    assert record.payment_model == PaymentModel.TOTAL_COST_OF_CARE
    assert record.inputs == engine.scenario_to_dict(engine.scenario_from_text(WORKED.read_text()))
    assert shown_figures(comparison["program"], PROGRAM) == PROGRAM
    for model, figures in comparison["models"].items():
        assert shown_figures(figures, TABLE) == column(model), model
    page = web.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert figure(page, "annual_cost") == "$312,560.00"
    assert figure(page, "proposed_pmpm") == "$0.37"
    assert figure(page, "payer_roi") == "$0.36 back per $1"
    listing = web.get("/scenarios/").get_data(as_text=True)
    assert "Commercial Plan A - 2027 renewal" in listing
    assert "$0.37" in listing and "$7,032.60" in listing
    with web.db() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "scenario.created"))
        assert event.target_id == scenario_id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name: [unclosed\nmethod: 1\n", "not valid YAML"),
        (
            WORKED.read_bytes().replace(b"caseload_share: 0.35", b"caseload_share: 1.5"),
            "payers[0].caseload_share: must be between 0 and 1",
        ),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"- just\n- a list\n", "must be a mapping"),
    ],
)
def test_a_bad_file_is_refused_with_the_engine_s_message_and_nothing_is_saved(
    web, content, message
):
    web.sign_in("lead")
    before = row_count(web)

    response = import_file(web, content)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert row_count(web) == before


def test_the_live_preview_recalculates_when_a_field_changes(web, scenario_id):
    fields = page_form(web, scenario_id)
    before = row_count(web)

    same = preview(web, scenario_id, fields)
    changed = preview(web, scenario_id, fields, {"program-caseload_per_fte": "100"})

    assert figure(same, "proposed_pmpm") == "$0.37"
    recalculated = figure(changed, "proposed_pmpm")
    assert recalculated != "$0.37"
    scenario = engine.scenario_from_text(
        WORKED.read_text().replace("caseload_per_fte: 70", "caseload_per_fte: 100")
    )
    expected = engine.evaluate(scenario).result.proposed_pmpm.quantize(Decimal("0.01"))
    assert recalculated == f"${expected}"
    assert row_count(web) == before  # a preview writes nothing, not even an audit event
    assert saved(web, scenario_id).version == 1


def test_the_preview_puts_an_error_and_a_warning_beside_their_fields(web, scenario_id):
    fields = page_form(web, scenario_id)

    negative = preview(web, scenario_id, fields, {"program-care_manager_fte": "-1"})
    unusual = preview(web, scenario_id, fields, {"program-caseload_per_fte": "150"})

    kind, text = help_beside(negative, "program-care_manager_fte")
    assert "error" in kind and "must be greater than 0" in text
    assert 'data-figure="proposed_pmpm"' not in negative  # no figures from invalid inputs
    kind, text = help_beside(unusual, "program-caseload_per_fte")
    assert "warning" in kind and "150 is outside the usual 40-120" in text
    assert figure(unusual, "proposed_pmpm")  # a warning still gives figures


def test_an_error_naming_no_single_field_is_shown_at_the_top(web, scenario_id):
    fields = page_form(web, scenario_id)

    page = preview(web, scenario_id, fields, {"payers-2-caseload_share": "0.5"})

    top = page[page.index('id="scenario-messages"') :]
    assert "payers: caseload shares sum to 1.3, must be at most 1" in top[: top.index("</div>")]


def test_a_viewer_sees_the_figures_and_may_try_values_but_has_no_save_button(web, scenario_id):
    fields = page_form(web, scenario_id)
    web.sign_in("viewer")

    page = web.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    tried = preview(web, scenario_id, fields, {"program-caseload_per_fte": "100"})

    assert figure(page, "proposed_pmpm") == "$0.37"
    assert 'value="save"' not in page and "Duplicate" not in page and "Add a payer" not in page
    assert figure(tried, "proposed_pmpm") != "$0.37"


def test_saving_changes_the_inputs_and_the_version(web, scenario_id):
    fields = page_form(web, scenario_id)

    response = send(
        web,
        scenario_id,
        fields,
        {"name": "Plan A, 80 a caseload", "program-caseload_per_fte": "80"},
    )

    assert response.status_code == 302
    record = saved(web, scenario_id)
    assert record.version == 2
    assert record.name == record.inputs["name"] == "Plan A, 80 a caseload"
    assert record.inputs["program"]["caseload_per_fte"] == "80"
    assert record.inputs["payers"][1]["rates"] == {
        "99492": "180.00",
        "99493": "145.00",
        "99494": "70.00",
    }
    assert record.inputs["payers"][2]["rates"] == {}
    with web.db() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "scenario.updated" in actions


def test_a_scenario_is_linked_to_the_organization_it_is_for(web, scenario_id):
    with web.db() as session:
        payer = Organization(name="Commercial Plan A", kind=OrganizationKind.PAYER)
        session.add(payer)
        session.commit()
        payer_id = payer.id
    fields = page_form(web, scenario_id)

    unknown = send(web, scenario_id, fields, {"organization": "999"})
    linked = send(web, scenario_id, fields, {"organization": str(payer_id)})

    assert unknown.status_code == 422
    kind, text = help_beside(unknown.get_data(as_text=True), "organization")
    assert "error" in kind and "there is no organization 999" in text
    assert linked.status_code == 302
    assert saved(web, scenario_id).organization_id == payer_id
    page = web.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert "for Commercial Plan A" in page
    assert form_fields(page)["organization"] == str(payer_id)


def test_the_second_of_two_saves_from_the_same_version_gets_409_and_keeps_its_input(
    web, scenario_id
):
    fields = page_form(web, scenario_id)  # both people open version 1
    first = send(web, scenario_id, fields, {"program-caseload_per_fte": "80"})

    second = send(
        web, scenario_id, fields, {"name": "My own variation", "program-caseload_per_fte": "90"}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this scenario after you opened it" in page
    assert form_fields(page)["name"] == "My own variation"
    assert form_fields(page)["program-caseload_per_fte"] == "90"
    record = saved(web, scenario_id)
    assert record.version == 2 and record.inputs["program"]["caseload_per_fte"] == "80"


def test_a_save_with_bad_input_keeps_what_was_typed_with_422(web, scenario_id):
    fields = page_form(web, scenario_id)

    response = send(web, scenario_id, fields, {"program-care_manager_fte": "two"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert form_fields(page)["program-care_manager_fte"] == "two"
    kind, text = help_beside(page, "program-care_manager_fte")
    assert "error" in kind and "must be a number" in text
    assert saved(web, scenario_id).version == 1


def test_save_as_a_copy_and_duplicate_leave_the_original_alone(web, scenario_id):
    fields = page_form(web, scenario_id)

    copy = send(web, scenario_id, fields, {"action": "save_copy", "program-caseload_per_fte": "90"})
    duplicate = web.post(f"/scenarios/{scenario_id}/duplicate", page=f"/scenarios/{scenario_id}")

    copy_id = int(copy.headers["Location"].rsplit("/", 1)[1])
    duplicate_id = int(duplicate.headers["Location"].rsplit("/", 1)[1])
    original = saved(web, scenario_id)
    assert original.version == 1 and original.inputs["program"]["caseload_per_fte"] == "70"
    assert saved(web, copy_id).name == "Commercial Plan A - 2027 renewal (copy)"
    assert saved(web, copy_id).inputs["program"]["caseload_per_fte"] == "90"
    # Two copies of one scenario are told apart in every drop-down.
    assert saved(web, duplicate_id).inputs == {
        **original.inputs,
        "name": original.name + " (copy 2)",
    }


def test_the_export_reads_back_through_workbench_rates_to_the_same_figures(
    web, scenario_id, tmp_path
):
    response = web.get(f"/scenarios/{scenario_id}/export.yaml")
    exported = tmp_path / "exported.yaml"
    exported.write_bytes(response.data)

    result = CliRunner().invoke(cli, ["rates", str(exported), "--json", "--compare"])
    reimport = import_file(web, response.data, "exported.yaml")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert result.exit_code == 0, result.output
    record = saved(web, scenario_id)
    stored = engine.comparison_json(engine.compare(engine.parse_scenario(record.inputs)))
    assert json.loads(result.stdout) == stored
    reimported = saved(web, int(reimport.headers["Location"].rsplit("/", 1)[1]))
    assert reimported.inputs == {**record.inputs, "name": record.name + " (imported)"}


def test_deleting_a_scenario_nothing_refers_to_removes_it(web, scenario_id):
    response = web.post(f"/scenarios/{scenario_id}/delete", page=f"/scenarios/{scenario_id}")

    assert response.status_code == 302
    assert count(web, Scenario) == 0
    assert web.get(f"/scenarios/{scenario_id}").status_code == 404


def test_deleting_a_scenario_an_offer_refers_to_only_hides_it(web, scenario_id):
    with web.db() as session:
        payer = Organization(name="Commercial Plan A", kind=OrganizationKind.PAYER)
        negotiation = Negotiation(organization=payer, title="2027 renewal")
        session.add(negotiation)
        session.flush()
        session.add(
            Offer(
                negotiation_id=negotiation.id,
                round=1,
                side=OfferSide.OURS,
                payment_model=PaymentModel.BUNDLED,
                scenario_id=scenario_id,
            )
        )
        session.commit()

    response = web.post(f"/scenarios/{scenario_id}/delete", page=f"/scenarios/{scenario_id}")

    assert response.status_code == 302
    assert "archived" in web.get("/scenarios/").get_data(as_text=True)
    assert saved(web, scenario_id).deleted_at is not None
    assert "Commercial Plan A - 2027 renewal" not in web.get("/scenarios/").get_data(as_text=True)
    assert web.get(f"/scenarios/{scenario_id}").status_code == 404


def test_a_new_scenario_is_built_row_by_row_and_saved(web, library):
    web.sign_in("lead")
    fields = form_fields(web.get("/scenarios/new").get_data(as_text=True))
    with web.db() as session:
        medicare = session.scalar(select(Organization).where(Organization.name.like("Medicare%")))
        medicare_id = medicare.id

    filled = web.post(
        "/scenarios/new",
        {**fields, "action": "add_organization_payer", "fill_organization": str(medicare_id)},
        page="/scenarios/new",
    )
    fields = form_fields(filled.get_data(as_text=True))
    added = web.post("/scenarios/new", {**fields, "action": "add_payer"}, page="/scenarios/new")
    fields = form_fields(added.get_data(as_text=True))
    removed = web.post(
        "/scenarios/new", {**fields, "action": "remove_payer-1"}, page="/scenarios/new"
    )
    fields = form_fields(removed.get_data(as_text=True))
    fields |= {
        "name": "Medicare, CoCM codes",
        "payers-0-caseload_share": "40%",
        "payers-0-attributed_members": "3,000",
        "payers-0-baseline_tcoc_pmpm": "1050",
        "payers-0-rate_99493": "128.88",
    }
    created = web.post("/scenarios/new", {**fields, "action": "save"}, page="/scenarios/new")

    assert filled.status_code == added.status_code == removed.status_code == 200
    # The organization's row took the place of the empty one, as the focus payer.
    assert "payers-1-name" not in form_fields(filled.get_data(as_text=True))
    assert focused(added.get_data(as_text=True)) == "payers-1-name"
    assert focused(removed.get_data(as_text=True)) == "add-payer"
    assert created.status_code == 302, created.get_data(as_text=True)
    record = saved(web, int(created.headers["Location"].rsplit("/", 1)[1]))
    payer = record.inputs["payers"][0]
    assert record.inputs["focus_payer"] == payer["name"] == medicare.name
    assert payer["attributed_members"] == 3000
    assert payer["caseload_share"] == "0.4"
    assert payer["rates"] == {"99492": "149.30", "99493": "128.88", "99494": "55.96"}
    assert record.owner_id == web.accounts["lead"].id
    assert record.method_version == 2


def test_the_analysis_shows_the_tornado_monte_carlo_and_break_even(web, scenario_id):
    scenario = engine.scenario_from_text(WORKED.read_text())
    _, risk = analyse(scenario, "ffs")

    page = web.get(f"/scenarios/{scenario_id}/analysis?model=ffs").get_data(as_text=True)

    assert figure(page, "p50") == money(risk.provider_net.p50)
    assert figure(page, "p90") == money(risk.provider_net.p90)
    assert figure(page, "breakeven_caseload") == str(engine.breakeven_caseload(scenario, "ffs"))
    assert figure(page, "probability_loss") == percent(risk.probability_provider_net_negative)
    assert figure(page, "probability_roi_below_one") == percent(
        risk.probability_payer_roi_below_one
    )
    assert "10,000 simulated years" in page
    assert page.count('<figure class="chart">') == 2
    assert "Care manager salary" in page  # a tornado bar, labelled for a person
    assert "What moves provider net" in page


def test_under_a_solved_payment_the_analysis_swings_the_pmpm_as_documents_do(web, scenario_id):
    scenario = engine.scenario_from_text(WORKED.read_text())
    _, risk = analyse(scenario, scenario.payment_model)
    web.sign_in("lead")

    page = web.get(f"/scenarios/{scenario_id}/analysis").get_data(as_text=True)

    assert "What moves proposed PMPM" in page
    assert figure(page, "p50") == money(risk.provider_net.p50)


STATE_CHANGES = [
    ("/scenarios/new", {"name": "x"}),
    ("/scenarios/{id}", {"name": "x", "version": "1"}),
    ("/scenarios/{id}/duplicate", {}),
    ("/scenarios/{id}/delete", {}),
    ("/scenarios/import", {}),
]


@pytest.mark.parametrize("role", ["viewer", "executive"])
@pytest.mark.parametrize(("url", "data"), STATE_CHANGES)
def test_only_a_lead_may_change_scenarios(web, scenario_id, role, url, data):
    web.sign_in(role)
    before = row_count(web)

    response = web.post(url.format(id=scenario_id), data, page="/scenarios/")

    assert response.status_code == 403
    assert row_count(web) == before
    assert saved(web, scenario_id).version == 1
