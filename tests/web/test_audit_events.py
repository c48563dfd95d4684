"""What the audit trail records besides changes: reading health data and money, downloads,
exports, refused uploads and server paths, with the client address, user agent and session."""

import io

from tests.web.conftest import add_payer, events


def only(web, action: str):
    (event,) = events(web, action)
    return event


def test_a_document_read_on_its_page_and_as_a_pdf_is_recorded(web, document_id):
    web.sign_in("viewer")
    web.get(f"/documents/{document_id}")
    web.get(f"/documents/{document_id}.pdf?download=1")

    viewed = only(web, "document.viewed")
    assert (viewed.target_type, viewed.target_id) == ("documents", document_id)
    assert viewed.user_id == web.accounts["viewer"].id
    assert viewed.client_address == "127.0.0.1" and viewed.session_id
    assert only(web, "document.pdf_read").details == {"disposition": "attachment"}


def test_a_document_fetched_through_the_api_is_recorded(web, document_id):
    web.sign_in("viewer")
    page = web.post("/account/token", page="/account").get_data(as_text=True)
    token = page.split('<pre class="token"><code>')[1].split("<")[0]
    bearer = {"Authorization": f"Bearer {token}", "User-Agent": "report-script/1.0"}

    web.get(f"/api/v1/documents/{document_id}.pdf", headers=bearer)

    read = only(web, "document.pdf_read")
    assert read.details == {"disposition": "api"}
    assert read.user_agent == "report-script/1.0"


def test_a_yaml_export_is_recorded(web, scenario_id):
    web.sign_in("lead")
    web.get(f"/scenarios/{scenario_id}/export.yaml")

    assert only(web, "scenario.exported").details["scenario_id"] == scenario_id


def test_viewing_the_audit_log_is_recorded(web):
    web.sign_in("admin")
    web.get("/admin/audit?action=user.")

    assert only(web, "audit.viewed").details == {"filter": {"action": "user."}}


def test_a_refused_upload_and_a_server_path_attempt_are_recorded(web, tmp_path):
    web.sign_in("lead")
    payer_id = add_payer(web)
    page = f"/organizations/{payer_id}"
    empty = {"members": (io.BytesIO(b""), "members.csv"), "claims": (io.BytesIO(b"x"), "c.csv")}
    refused = web.post(f"{page}/claims", empty, page=page, content_type="multipart/form-data")
    sneaked = web.post(f"{page}/claims", {"server-members_path": "/etc/shadow"}, page=page)
    web.post("/logout")
    web.sign_in("admin")
    missing = {"server-members_path": "/etc/shadow", "server-claims_path": str(tmp_path / "x")}
    by_admin = web.post(f"{page}/claims/server-files", missing, page=page)

    assert (refused.status_code, sneaked.status_code, by_admin.status_code) == (422, 403, 422)
    assert only(web, "claims.upload_refused").details["fields"]
    attempts = events(web, "claims.server_path_refused")
    assert [event.user_id for event in attempts] == [
        web.accounts["lead"].id,
        web.accounts["admin"].id,
    ]
