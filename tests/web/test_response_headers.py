"""What answers tell browsers and proxies: no caching of private content, HSTS, no Host echo."""

from tests.web.test_api import bearer, issue_token


def test_pdfs_json_and_yaml_are_never_cached(web, scenario_id, document_id):
    token = issue_token(web, "viewer")  # and signed in as the viewer
    yaml_export = web.get(f"/scenarios/{scenario_id}/export.yaml")
    pdf = web.get(f"/documents/{document_id}.pdf")
    listed = web.client.get("/api/v1/documents", headers=bearer(token))
    api_pdf = web.client.get(f"/api/v1/documents/{document_id}.pdf", headers=bearer(token))

    for response in (yaml_export, pdf, listed, api_pdf):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", response.mimetype


def test_hsts_is_sent_only_when_cookies_are_https_only(app, web):
    plain = web.get("/login")
    app.config["SESSION_COOKIE_SECURE"] = True
    secure = web.get("/login")

    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_api_links_ignore_the_host_header(app, web, document_id):
    token = issue_token(web, "viewer")
    headers = bearer(token) | {"Host": "evil.example"}

    unconfigured = web.client.get(f"/api/v1/documents/{document_id}", headers=headers)
    app.config["WORKBENCH_EXTERNAL_URL"] = "https://workbench.example.org/"
    configured = web.client.get(f"/api/v1/documents/{document_id}", headers=headers)

    assert unconfigured.get_json()["pdf"] == f"/api/v1/documents/{document_id}.pdf"
    assert configured.get_json()["pdf"] == (
        f"https://workbench.example.org/api/v1/documents/{document_id}.pdf"
    )
