"""The JSON API: token authentication, the same role checks, the CLI's JSON for evaluations."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from workbench.cli import cli
from workbench.models import Offer

WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"


def issue_token(web, role: str) -> str:
    """Sign in as `role` and issue an API token on the Account page, as a person would."""
    web.sign_in(role)
    page = web.post("/account/token", page="/account").get_data(as_text=True)
    return re.search(r'<pre class="token"><code>([^<]+)</code>', page).group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def scenario_json() -> str:
    from workbench import engine

    return json.dumps(engine.scenario_to_dict(engine.scenario_from_text(WORKED.read_text())))


def test_evaluate_reads_a_method_2_file_as_the_cli_does(web, runner):
    token = issue_token(web, "viewer")
    method_2 = WORKED.parents[1] / "worked-example.yaml"

    response = web.client.post(
        "/api/v1/evaluate?compare=1", data=method_2.read_text(), headers=bearer(token)
    )
    printed = runner.invoke(cli, ["rates", str(method_2), "--json", "--compare"])

    assert response.status_code == 200
    assert response.get_json()["method"] == 2
    assert response.get_json()["models"]["bundled"]["level_case_rate"] == "200.79"
    assert response.get_json() == json.loads(printed.output)


def test_no_token_or_a_wrong_one_is_401(web):
    assert web.client.post("/api/v1/evaluate", data="{}").status_code == 401
    wrong = web.client.get("/api/v1/documents", headers=bearer("not-a-token"))
    assert wrong.status_code == 401
    assert wrong.get_json() == {
        "errors": [
            {
                "field": None,
                "message": "a valid API token is required (Authorization: Bearer <token>)",
            }
        ]
    }


def test_the_session_cookie_does_not_open_the_api(web):
    web.sign_in("lead")

    assert web.client.get("/api/v1/documents").status_code == 401


def test_evaluate_answers_exactly_as_the_cli_does(web, runner):
    token = issue_token(web, "viewer")

    response = web.client.post(
        "/api/v1/evaluate?compare=1", data=scenario_json(), headers=bearer(token)
    )
    printed = runner.invoke(cli, ["rates", str(WORKED), "--json", "--compare"])

    assert response.status_code == 200
    assert response.get_json()["models"]["bundled"]["case_rate_per_enrolled_month"] == "195.35"
    assert response.get_json() == json.loads(printed.output)


def test_evaluate_names_the_field_of_a_bad_scenario(web):
    token = issue_token(web, "viewer")
    bad = json.loads(scenario_json())
    bad["program"]["care_manager_fte"] = "-1"

    response = web.client.post("/api/v1/evaluate", data=json.dumps(bad), headers=bearer(token))

    assert response.status_code == 422
    problem = {"field": "program.care_manager_fte", "message": "must be greater than 0"}
    assert problem in response.get_json()["errors"]


def test_every_refusal_has_the_same_shape(web):
    token = issue_token(web, "viewer")

    missing = web.client.get("/api/v1/documents/999", headers=bearer(token))
    forbidden = web.client.post("/api/v1/negotiations/1/offers", json={}, headers=bearer(token))
    bad_model = web.client.post(
        "/api/v1/evaluate?model=barter", data=scenario_json(), headers=bearer(token)
    )

    for response, status in ((missing, 404), (forbidden, 403), (bad_model, 422)):
        assert response.status_code == status
        [problem] = response.get_json()["errors"]
        assert set(problem) == {"field", "message"} and problem["message"]
    assert bad_model.get_json()["errors"][0]["field"] == "model"


def test_documents_are_listed_and_fetched(web, document_id):
    token = issue_token(web, "viewer")

    listing = web.client.get("/api/v1/documents", headers=bearer(token)).get_json()
    detail = web.client.get(f"/api/v1/documents/{document_id}", headers=bearer(token)).get_json()
    pdf = web.client.get(f"/api/v1/documents/{document_id}.pdf", headers=bearer(token))

    assert [d["id"] for d in listing["documents"]] == [document_id]
    assert detail["status"] == "draft" and len(detail["sha256"]) == 64
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_a_new_token_revokes_the_old_one(web):
    first = issue_token(web, "viewer")
    second = issue_token(web, "viewer")

    assert web.client.get("/api/v1/documents", headers=bearer(first)).status_code == 401
    assert web.client.get("/api/v1/documents", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize("role", ["viewer", "executive", "admin"])
def test_recording_an_offer_needs_the_lead_role(web, role):
    token = issue_token(web, role)

    response = web.client.post(
        "/api/v1/negotiations/1/offers", json={"round": 1}, headers=bearer(token)
    )

    assert response.status_code == 403


def test_a_lead_records_a_counteroffer_through_the_api(web, library):
    from tests.web.test_negotiations import open_negotiation

    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    token = issue_token(web, "lead")
    counteroffer = {
        "round": 1,
        "side": "theirs",
        "payment_model": "ffs",
        "rates": {"99492": "140.00", "99493": 128.5},
        "response": "countered",
    }

    response = web.client.post(
        f"/api/v1/negotiations/{negotiation_id}/offers", json=counteroffer, headers=bearer(token)
    )
    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["side"] == "theirs"
    with web.db() as session:
        offer = session.get(Offer, response.get_json()["id"])
        assert offer.rates == {"99492": "140.00", "99493": "128.50"}
    assert "$140.00" in page


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"round": 0, "side": "ours", "payment_model": "ffs"}, "round", "must be a whole number"),
        ({"round": 1, "side": "ours", "payment_model": "ffs", "pmpm": "x"}, "pmpm", "must be"),
        ({"round": 1, "side": "ours", "payment_model": "ffs", "colour": 1}, None, "unknown field"),
    ],
)
def test_a_bad_offer_names_its_field_and_stores_nothing(web, library, body, field, message):
    from tests.web.test_negotiations import open_negotiation

    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    token = issue_token(web, "lead")

    response = web.client.post(
        f"/api/v1/negotiations/{negotiation_id}/offers", json=body, headers=bearer(token)
    )

    assert response.status_code == 422
    [problem] = response.get_json()["errors"]
    assert problem["field"] == field and problem["message"].startswith(message)
    with web.db() as session:
        assert session.scalar(select(func.count(Offer.id))) == 0


def test_an_offer_cannot_name_another_payer_s_scenario(web, library):
    from tests.web.test_negotiations import open_negotiation
    from workbench.models import Negotiation, Organization, Scenario
    from workbench.models.enums import OrganizationKind

    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    with web.db() as session:
        other = Organization(name="Blue Valley Health Plan", kind=OrganizationKind.PAYER)
        session.add(other)
        session.flush()
        ours_id = session.get(Negotiation, negotiation_id).organization_id
        made = {}
        for name, organization_id in (("theirs", other.id), ("ours", ours_id), ("any", None)):
            scenario = Scenario(
                name=f"Scenario for {name}",
                method_version=2,
                payment_model="ffs",
                inputs={},
                organization_id=organization_id,
            )
            session.add(scenario)
            session.flush()
            made[name] = scenario.id
        session.commit()
    token = issue_token(web, "lead")
    offer = {"round": 1, "side": "ours", "payment_model": "ffs"}

    def record(scenario: str):
        return web.client.post(
            f"/api/v1/negotiations/{negotiation_id}/offers",
            json=offer | {"scenario_id": made[scenario]},
            headers=bearer(token),
        )

    refused = record("theirs")

    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "scenario_id"
    assert "another organization" in refused.get_json()["errors"][0]["message"]
    assert (record("ours").status_code, record("any").status_code) == (201, 201)
    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)
    assert "Scenario for ours" in page and "Scenario for theirs" not in page
