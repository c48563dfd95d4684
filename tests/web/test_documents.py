"""Documents in the browser: generate, preview, download, versions, submit, review, approve."""

import re
from decimal import Decimal
from pathlib import Path

from tests.pdf_text import pdf_pages
from tests.web.conftest import PASSWORD, events, wait_for_result
from workbench import engine
from workbench.models import AuditEvent, DocumentArtifact
from workbench.models.enums import DocumentStatus

CENT = Decimal("0.01")
WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def test_a_lead_generates_a_document_in_the_background_and_downloads_it(web, scenario_id):
    web.sign_in("lead")
    form = {"scenario": scenario_id, "kind": "executive-summary"}

    started = web.post("/documents/generate", form, page="/documents/")

    assert started.status_code == 302
    job_url = started.headers["Location"]
    assert job_url.startswith("/jobs/")
    waiting = web.get(job_url)  # the job page while it renders, or on to the document once done
    assert waiting.status_code == 302 or "Rendering the document" in waiting.get_data(as_text=True)
    document_url = wait_for_result(web, job_url)
    page = web.get(document_url).get_data(as_text=True)
    assert "Every version" in page and "draft" in page
    download = web.get(document_url + ".pdf?download=1")
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(download.data)
    evaluation = engine.evaluate(engine.scenario_from_text(WORKED.read_text()))
    assert f"${evaluation.result.proposed_pmpm.quantize(CENT)}" in text

    again = web.post("/documents/generate", form, page="/documents/")
    assert again.headers["Location"] == document_url  # same inputs: served from storage


def test_a_brief_needs_a_stakeholder_and_the_form_keeps_the_choice(web, scenario_id):
    web.sign_in("lead")

    response = web.post(
        "/documents/generate", {"scenario": scenario_id, "kind": "brief"}, page="/documents/"
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one stakeholder" in page
    assert re.search(r'<option selected value="brief">|<option value="brief" selected>', page)


def test_submit_approve_and_the_approved_pdf_is_frozen(web, document_id):
    web.sign_in("lead")
    submitted = web.post(f"/documents/{document_id}/submit", page=f"/documents/{document_id}")
    assert submitted.status_code == 302

    web.sign_in("executive")
    queue = web.get("/documents/review").get_data(as_text=True)
    assert f"/documents/{document_id}" in queue
    approved = web.post(
        f"/documents/{document_id}/approve",
        {"comment": "Good to go."},
        page=f"/documents/{document_id}",
    )

    assert approved.status_code == 302
    with web.db() as session:
        artifact = session.get(DocumentArtifact, document_id)
        assert artifact.status == DocumentStatus.APPROVED
        assert artifact.reviewed_by_id == web.accounts["executive"].id
        actions = [e.action for e in session.query(AuditEvent).filter_by(target_id=document_id)]
        assert {"document.submitted", "document.approved"} <= set(actions)
    again = web.post(f"/documents/{document_id}/approve", page=f"/documents/{document_id}")
    assert again.status_code == 409


def test_a_stale_sign_in_is_confirmed_in_the_decision_form_keeping_the_comment(web, document_id):
    web.sign_in("lead")
    web.post(f"/documents/{document_id}/submit", page=f"/documents/{document_id}")
    web.sign_in("executive")
    with web.client.session_transaction() as session:
        session["signed_in_at"] -= 11 * 60
    page = f"/documents/{document_id}"
    shown = web.get(page).get_data(as_text=True)
    assert 'name="password"' in shown
    assert 'value="executive@example.org" readonly' in shown

    wrong = web.post(
        f"{page}/approve", {"comment": "Fine for January.", "password": "not it at all"}, page=page
    )

    assert wrong.status_code == 401
    html = wrong.get_data(as_text=True)
    assert "Fine for January.</textarea>" in html
    assert "This is not your current password. Type it again; your comment is kept." in html
    with web.db() as session:
        assert session.get(DocumentArtifact, document_id).status == DocumentStatus.IN_REVIEW
    assert len(events(web, "user.reauth_failed")) == 1

    right = web.post(
        f"{page}/approve", {"comment": "Fine for January.", "password": PASSWORD}, page=page
    )

    assert right.status_code == 302
    with web.db() as session:
        artifact = session.get(DocumentArtifact, document_id)
        assert artifact.status == DocumentStatus.APPROVED
        assert artifact.review_comment == "Fine for January."


def test_a_reload_of_a_decision_address_goes_to_the_document(web, document_id):
    web.sign_in("executive")

    for step in ("approve", "send-back"):
        response = web.get(f"/documents/{document_id}/{step}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/documents/{document_id}"


def test_sending_back_needs_a_comment_and_the_lead_can_resubmit(web, document_id):
    web.sign_in("lead")
    web.post(f"/documents/{document_id}/submit", page=f"/documents/{document_id}")
    web.sign_in("executive")

    bare = web.post(f"/documents/{document_id}/send-back", page=f"/documents/{document_id}")
    assert bare.status_code == 422
    assert "a comment is required" in bare.get_data(as_text=True)

    sent_back = web.post(
        f"/documents/{document_id}/send-back",
        {"comment": "Use the cohort benchmark."},
        page=f"/documents/{document_id}",
    )
    assert sent_back.status_code == 302
    web.sign_in("lead")
    page = web.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "Use the cohort benchmark." in page
    assert (
        web.post(f"/documents/{document_id}/submit", page=f"/documents/{document_id}").status_code
        == 302
    )
    with web.db() as session:
        assert session.get(DocumentArtifact, document_id).status == DocumentStatus.IN_REVIEW


def test_the_pdf_may_be_framed_only_by_our_own_pages(web, document_id):
    web.sign_in("viewer")

    response = web.get(f"/documents/{document_id}.pdf")

    assert response.mimetype == "application/pdf"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    page = web.get(f"/documents/{document_id}").get_data(as_text=True)
    assert f'<iframe class="preview" src="/documents/{document_id}.pdf"' in page
