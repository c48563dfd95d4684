"""A job starts only after the transaction that recorded it commits, whatever other threads do."""

import threading
import time

import pytest
from sqlalchemy import select

from workbench.extensions import db
from workbench.models import Job
from workbench.models.enums import JobStatus
from workbench.services.jobs import enqueue_job, job_handler
from workbench.services.unit_of_work import commit, unit_of_work


@job_handler("test_echo")
def _echo(session, params, job):
    return "echo", params["number"]


def test_another_threads_commit_does_not_start_a_job_before_its_row_exists(app, finished_job):
    """Two gunicorn-style threads: one records a job, the other commits first."""
    recorded, other_committed = threading.Event(), threading.Event()
    job_ids: list[int] = []

    def request_recording_a_job() -> None:
        with app.app_context():
            job_ids.append(enqueue_job(db.session, "test_echo", {"number": 7}, None).id)
            recorded.set()
            other_committed.wait(10)
            time.sleep(0.5)  # the request goes on working, long enough for a worker to start
            commit(db.session)

    def another_request() -> None:
        with app.app_context():
            recorded.wait(10)
            db.session.execute(select(1))
            commit(db.session)
            other_committed.set()

    threads = [
        threading.Thread(target=request_recording_a_job),
        threading.Thread(target=another_request),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    finished = finished_job(job_ids[0], 10)
    assert (finished.status, finished.result_id) == (JobStatus.SUCCEEDED, 7), finished.error


def test_a_unit_that_raises_writes_nothing_and_starts_no_job(app):
    with pytest.raises(RuntimeError), unit_of_work(db.session) as session:
        enqueue_job(session, "test_echo", {"number": 1}, None)
        raise RuntimeError("the request failed after recording its job")

    assert db.session.scalars(select(Job)).all() == []
    assert db.session.info == {}


def test_views_and_services_leave_the_commit_to_the_unit_of_work():
    """Views hand `work()` to services; only the edges that open a unit name db.session or commit.

    The edges: a request (web/unit.py), a job run (services/jobs.py), the unit itself.
    """
    import pathlib

    package = pathlib.Path(__file__).parents[2] / "workbench"
    edges = ("web/unit.py", "services/jobs.py", "services/unit_of_work.py")
    allowed = {package / edge for edge in edges}
    offenders = [
        f"{path.relative_to(package)}: {needle}"
        for folder in ("web", "services")
        for path in sorted((package / folder).rglob("*.py"))
        if path not in allowed
        for needle in ("db.session", ".commit()", ".rollback()")
        if needle in path.read_text()
    ]
    assert offenders == []
