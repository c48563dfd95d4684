"""A render that is not in storage runs as a background job; the site keeps answering."""

import os
import uuid

import pytest
from sqlalchemy import select

from tests.documents.conftest import example
from workbench.claims.errors import ClaimsInputError
from workbench.cli import cli
from workbench.extensions import db
from workbench.models import Job
from workbench.models.enums import JobStatus
from workbench.services.documents import build_document_request, request_document
from workbench.services.jobs import enqueue_job, job_handler, job_queue
from workbench.services.unit_of_work import commit


@job_handler("test_failure")
def _fail(session, params, job):
    raise RuntimeError("the extract was unreadable")


@job_handler("test_bad_input")
def _bad_input(session, params, job):
    raise ClaimsInputError("claims.csv", "unknown setting 'er'", row=3, column="setting")


@job_handler("test_value_error")
def _value_error(session, params, job):
    raise ValueError("invalid literal for int() with base 10: 'x'")


def test_an_uncached_render_is_a_job_and_the_site_keeps_answering(library, client, finished_job):
    scenario = example("worked-example.yaml")
    request = build_document_request(db.session, "executive-summary", (), "Riverside")

    artifact, job = request_document(db.session, scenario, request)
    commit(db.session)
    page = client.get("/login")
    status_while_serving = db.session.scalar(select(Job.status).where(Job.id == job.id))

    assert artifact is None
    assert page.status_code == 200
    assert status_while_serving in (JobStatus.QUEUED, JobStatus.RUNNING)
    finished = finished_job(job.id)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert finished.result_type == "document"

    stored, no_job = request_document(db.session, scenario, request)
    assert no_job is None
    assert stored.id == finished.result_id


def test_a_failing_job_records_why(library, finished_job):
    job = enqueue_job(db.session, "test_failure", {}, user_id=None)
    commit(db.session)

    finished = finished_job(job.id)

    assert finished.status == JobStatus.FAILED
    assert finished.error == (
        "An unexpected error (RuntimeError) stopped this job; see the server log."
    )
    assert finished.finished_at is not None


def test_a_job_refused_for_its_input_says_why_in_the_inputs_own_words(library, finished_job):
    job = enqueue_job(db.session, "test_bad_input", {}, user_id=None)
    commit(db.session)

    assert finished_job(job.id).error == "claims.csv row 3, column setting: unknown setting 'er'"


def test_a_value_error_is_a_bug_and_its_text_is_not_shown(library, finished_job):
    job = enqueue_job(db.session, "test_value_error", {}, user_id=None)
    commit(db.session)

    assert finished_job(job.id).error == (
        "An unexpected error (ValueError) stopped this job; see the server log."
    )


def test_a_request_already_rendering_is_answered_with_the_same_job(library, finished_job):
    scenario = example("worked-example.yaml")
    request = build_document_request(db.session, "executive-summary", (), "Riverside")

    _, first = request_document(db.session, scenario, request)
    _, second = request_document(db.session, scenario, request)
    commit(db.session)

    assert second.id == first.id
    assert finished_job(first.id).status == JobStatus.SUCCEEDED


@pytest.mark.skipif(
    not os.environ.get("WORKBENCH_TEST_REDIS_URL"), reason="WORKBENCH_TEST_REDIS_URL is not set"
)
def test_with_redis_a_render_waits_on_the_queue_until_a_worker_runs_it(app_with):
    queue_name = f"test-{uuid.uuid4()}"
    app = app_with(
        WORKBENCH_REDIS_URL=os.environ["WORKBENCH_TEST_REDIS_URL"], WORKBENCH_JOB_QUEUE=queue_name
    )
    runner = app.test_cli_runner()
    with app.app_context():
        runner.invoke(cli, ["init"], catch_exceptions=False)
        request = build_document_request(db.session, "executive-summary", (), "Riverside")
        _, job = request_document(db.session, example("worked-example.yaml"), request)
        commit(db.session)
        queue = job_queue(app, "render")
        waiting = (queue.count, db.session.get(Job, job.id).status)

        worked = runner.invoke(cli, ["worker", "--burst"], catch_exceptions=False)

        db.session.expire_all()
        finished = db.session.get(Job, job.id)
    assert waiting == (1, JobStatus.QUEUED)
    assert worked.exit_code == 0, worked.output
    assert f"'{queue_name}' queue" in worked.output
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert finished.result_type == "document" and finished.result_id is not None
    assert queue.count == 0


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(cli, ["worker", "--burst"])

    assert result.exit_code == 2
    assert "WORKBENCH_REDIS_URL" in result.output
