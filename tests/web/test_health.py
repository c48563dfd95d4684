"""Health and logs: /healthz for the proxy, a request id on every log line, timeouts, and a 503
page while the database is away that goes once it is back."""

import io
import json
import logging
import shutil
import socket

import pytest

from tests.conftest import make_app
from workbench.log import JsonLines, install_log_format


def test_healthz_answers_without_sign_in_and_shows_no_secrets(app, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "disk": {"ok": True}},
    }
    body = response.get_data(as_text=True)
    assert app.config["SECRET_KEY"] not in body and "sqlite" not in body.lower()


def test_healthz_is_503_and_names_what_failed(app_with):
    app = app_with(
        WORKBENCH_REDIS_URL="redis://:secret-password@127.0.0.1:9/0",
        WORKBENCH_REDIS_TIMEOUT_SECONDS=1,
        WORKBENCH_MIN_FREE_BYTES=10**18,
    )

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    checks = response.json["checks"]
    assert response.json["status"] == "failing"
    assert checks["database"] == {"ok": True}
    assert checks["redis"] == {"ok": False, "detail": "Redis did not answer (ConnectionError)"}
    assert checks["disk"]["ok"] is False
    assert "(WORKBENCH_MIN_FREE_BYTES)" in checks["disk"]["detail"]
    assert "secret-password" not in response.get_data(as_text=True)


def test_every_log_line_of_a_request_carries_its_id_and_the_answer_returns_it(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz")

    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    lines = [record for record in caplog.records if record.name == "workbench.requests"]
    assert [record.getMessage().split(" ms=")[0] for record in lines] == [
        "method=GET path=/healthz status=200"
    ]
    assert {record.request_id for record in lines} == {request_id}


@pytest.mark.parametrize(
    ("trusted", "offered", "accepted"),
    [(True, "proxy-7f3a.1", True), (True, 'bad id" x', False), (False, "proxy-7f3a.1", False)],
)
def test_the_proxys_request_id_is_taken_only_when_trusted_and_well_formed(
    app_with, trusted, offered, accepted
):
    client = app_with(WORKBENCH_TRUST_REQUEST_ID=trusted).test_client()

    answered = client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"]

    assert (answered == offered) is accepted


def test_log_lines_are_json_with_the_request_id(app, client):
    stream = io.StringIO()
    handler = install_log_format(stream=stream)
    handler.setStream(stream)
    try:
        response = client.get("/healthz")
    finally:
        handler.setStream(io.StringIO())

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_line = next(line for line in lines if line["logger"] == "workbench.requests")
    assert request_line["request_id"] == response.headers["X-Request-ID"]
    assert request_line["level"] == "INFO"
    assert request_line["message"].startswith("method=GET path=/healthz status=200")
    assert isinstance(JsonLines().format(logging.makeLogRecord({"msg": "x"})), str)


def signed_in_cookie(client) -> None:
    """A session cookie as a signed-in browser holds one (the loader reads the database)."""
    with client.session_transaction() as session:
        session["_user_id"] = "1:nonce"
        session["_fresh"] = True


def test_while_the_database_is_away_pages_answer_503_and_recover_when_it_returns(
    database_url, tmp_path, backend
):
    if backend["name"] != "sqlite":
        pytest.skip("the file-based outage is a SQLite one; PostgreSQL's is the next test")
    stored = tmp_path / "workbench.sqlite3"
    away = tmp_path / "away" / "workbench.sqlite3"
    app = make_app(f"sqlite:///{away}", tmp_path / "instance")
    client = app.test_client()
    signed_in_cookie(client)

    down = client.get("/")
    health = client.get("/healthz")
    away.parent.mkdir()
    shutil.copy(stored, away)
    back = client.get("/")

    assert down.status_code == 503
    assert "Not available for a moment" in down.get_data(as_text=True)
    assert down.headers["Retry-After"] == "30"
    assert health.status_code == 503
    assert health.json["checks"]["database"]["ok"] is False
    assert back.status_code == 302  # the stale session is sent to sign in: the site answers


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word (a hung database)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_postgresql_that_never_answers_times_out_instead_of_hanging(
    silent_server, tmp_path, monkeypatch
):
    monkeypatch.setenv("WORKBENCH_DB_CONNECT_TIMEOUT", "1")
    url = f"postgresql://nobody@127.0.0.1:{silent_server}/workbench"
    client = make_app(url, tmp_path / "instance").test_client()
    signed_in_cookie(client)

    page = client.get("/")
    health = client.get("/healthz")

    assert page.status_code == 503
    assert health.status_code == 503
    assert health.json["checks"]["database"] == {
        "ok": False,
        "detail": "the database did not answer (OperationalError)",
    }
