"""The review loop as a lead and an executive live it: send back, a new version that answers the
comment, the old version refused, the queue showing what changed, and the labels on the page."""

import re
from decimal import Decimal

from tests.web.conftest import events
from workbench import engine
from workbench.documents.environment import money
from workbench.models import DocumentArtifact, Scenario
from workbench.models.enums import DocumentStatus
from workbench.services.documents import build_document_request, generate_document

COMMENT = "Use three care managers: the caseload needs them."


def new_version(web, scenario_id: int, kind: str = "executive-summary", stakeholders=()) -> int:
    """Change the scenario (three care managers) and generate the document again; its id."""
    with web.db() as session:
        scenario = session.get(Scenario, scenario_id)
        inputs = dict(scenario.inputs)
        inputs["program"] = {**inputs["program"], "care_manager_fte": "3"}
        scenario.inputs = inputs
        request = build_document_request(session, kind, stakeholders, "Riverside Primary Care")
        artifact, created = generate_document(
            session,
            engine.parse_scenario(inputs),
            request,
            user_id=web.accounts["lead"].id,
            scenario_id=scenario_id,
        )
        assert created
        session.commit()
        return artifact.id


def status_of(web, document_id: int) -> DocumentStatus:
    with web.db() as session:
        return session.get(DocumentArtifact, document_id).status


def key_figure(web, document_id: int, name: str) -> str:
    """A figure stored with the document, as the pages print money."""
    with web.db() as session:
        return money(Decimal(session.get(DocumentArtifact, document_id).key_figures[name]))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_comment_reaches_the_new_version_and_the_old_one_cannot_be_submitted(
    web, scenario_id, document_id
):
    first = f"/documents/{document_id}"
    web.sign_in("lead")
    web.post(f"{first}/submit", page=first)
    web.sign_in("executive")
    web.post(f"{first}/send-back", {"comment": COMMENT}, page=first)

    web.sign_in("lead")
    dashboard = text(web.get("/"))
    assert "Sent back to you" in dashboard
    assert COMMENT in dashboard

    second_id = new_version(web, scenario_id)
    second = f"/documents/{second_id}"
    assert "Sent back to you" not in text(web.get("/"))
    page = text(web.get(second))
    assert f"Version 1 was sent back</strong> by Test executive: {COMMENT}" in page
    assert "Version 2 for Commercial Plan A" in page
    assert "<code>program.care_manager_fte</code>: 2 → 3" in page

    refused = web.post(f"{first}/submit", page=first, follow_redirects=True)
    assert "a newer version of this document exists" in text(refused)
    assert status_of(web, document_id) == DocumentStatus.SENT_BACK
    assert f'action="{first}/submit"' not in text(web.get(first))
    assert web.post(f"{second}/submit", page=second).status_code == 302

    web.sign_in("executive")
    queue = text(web.get("/documents/review"))
    assert "version 2, for Commercial Plan A" in queue
    assert queue.count('<article class="review-item"') == 1
    assert "<code>program.care_manager_fte</code>: 2 → 3" in queue
    level, before = (
        key_figure(web, second_id, "level_pmpm"),
        key_figure(web, document_id, "level_pmpm"),
    )
    assert level != before
    shown = f'data-figure="level_pmpm">{level}</td> <td class="number">{before} <small>(changed)'
    assert shown in queue
    assert f"Version 1 was sent back:</strong> {COMMENT}" in queue


def test_the_pdf_comes_before_the_decision_and_the_page_says_labels_not_keys(web, scenario_id):
    brief_id = new_version(web, scenario_id, "brief", ("commercial_payer",))
    page = f"/documents/{brief_id}"
    web.sign_in("lead")
    web.post(f"{page}/submit", page=page)
    web.sign_in("executive")

    html = text(web.get(page))

    assert html.index('<iframe class="preview"') < html.index('id="decision-heading"')
    assert '<th scope="row">Stakeholders</th><td>Commercial health plan</td>' in html
    assert f'<a href="/scenarios/{scenario_id}">saved as' in html


def test_a_document_from_no_organization_of_ours_is_marked_draft_and_not_approved(web, scenario_id):
    with web.db() as session:
        parsed = engine.parse_scenario(session.get(Scenario, scenario_id).inputs)
        request = build_document_request(session, "executive-summary", (), None)
        artifact, _ = generate_document(session, parsed, request, scenario_id=scenario_id)
        artifact.status = DocumentStatus.IN_REVIEW
        session.commit()
        document_id = artifact.id
    web.sign_in("executive")
    page = f"/documents/{document_id}"

    refused = web.post(f"{page}/approve", page=page)

    assert refused.status_code == 409
    assert "an administrator sets our organization" in text(refused)
    assert status_of(web, document_id) == DocumentStatus.IN_REVIEW
    assert events(web, "document.approved") == []
