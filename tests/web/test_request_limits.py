"""Request bodies: who sends one is decided before it is read, and each route has its limit.

The body is a stream that counts what is read from it, so "not read" is observed, not assumed.
"""

import io

import pytest

from tests.web.test_api import bearer, issue_token
from tests.web.test_claims_upload import extract, job_id, payer_id, upload  # noqa: F401

HUGE = 300 * 1000**2  # what the request says it carries; the stream never has to produce it


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes of "a", produced on demand, counting the bytes read.

    Seekable only so the test client can measure it, as it does a real file."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"a" * count
        self.position += count
        self.read_bytes += count
        return count


def post_body(client, url: str, stream: CountingStream, **kwargs):
    return client.post(
        url,
        input_stream=stream,
        content_length=stream.size,
        content_type="application/x-www-form-urlencoded",
        **kwargs,
    )


def test_an_anonymous_post_is_sent_to_sign_in_without_its_body_being_read(web, payer_id):  # noqa: F811
    stream = CountingStream(HUGE)

    response = post_body(web.client, f"/organizations/{payer_id}/claims", stream)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert stream.read_bytes == 0


def test_a_role_without_the_permission_is_refused_before_the_body_is_read(web, payer_id):  # noqa: F811
    web.sign_in("viewer")
    stream = CountingStream(HUGE)

    response = post_body(web.client, f"/organizations/{payer_id}/claims", stream)

    assert response.status_code == 403
    assert stream.read_bytes == 0


def test_an_ordinary_form_takes_at_most_the_small_global_limit(app, web):
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1000**2
    web.sign_in("lead")
    stream = CountingStream(3 * 1000**2)

    response = post_body(web.client, "/scenarios/new", stream)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than the 2 MB this workbench accepts" in page
    assert stream.read_bytes == 0


def test_the_claims_upload_alone_takes_more_than_the_global_limit(app, web, payer_id, extract):  # noqa: F811
    members, claims = extract
    app.config["MAX_CONTENT_LENGTH"] = 1000
    assert len(members) + len(claims) > 1000
    web.sign_in("lead")

    assert job_id(upload(web, payer_id, members, claims)) > 0


def test_the_api_body_is_capped_and_the_refusal_is_json(web):
    token = issue_token(web, "viewer")
    stream = CountingStream(3 * 1000**2)

    response = web.client.post(
        "/api/v1/evaluate",
        input_stream=stream,
        content_length=stream.size,
        content_type="application/json",
        headers=bearer(token),
    )

    assert response.status_code == 413
    assert response.is_json
    [error] = response.get_json()["errors"]
    assert error["field"] is None and "2 MB" in error["message"]
    assert stream.read_bytes == 0


def test_an_anonymous_api_post_is_refused_before_its_body_is_read(web):
    stream = CountingStream(HUGE)

    response = web.client.post("/api/v1/evaluate", input_stream=stream, content_length=stream.size)

    assert response.status_code == 401 and response.is_json
    assert stream.read_bytes == 0


def test_an_unexpected_api_failure_answers_500_in_the_json_shape(app, web, monkeypatch):
    from workbench.web import api

    token = issue_token(web, "viewer")
    app.testing = False  # answer as in production instead of raising into the test

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "list_documents", broken)

    response = web.client.get("/api/v1/documents", headers=bearer(token))

    assert response.status_code == 500 and response.is_json
    [error] = response.get_json()["errors"]
    assert error["field"] is None and "a bug" not in error["message"]


@pytest.mark.parametrize("url", ["/api/v1/nowhere", "/api/v1/documents/x"])
def test_an_unknown_api_address_answers_json(web, url):
    response = web.client.get(url, headers=bearer(issue_token(web, "viewer")))

    assert response.status_code == 404 and response.is_json
