"""Jobs survive a crash: a killed process's job is failed and its uploads deleted; Redis down
fails the job at once; a render never waits on a dead job."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.documents.conftest import example
from workbench.extensions import db
from workbench.models import Job, utcnow
from workbench.models.enums import JobStatus
from workbench.services.documents import build_document_request, request_document
from workbench.services.jobs import enqueue_job, fail_stale_jobs, job_handler
from workbench.services.unit_of_work import commit

REPOSITORY = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("WORKBENCH_TEST_REDIS_URL")
# A process that queues a long job on the test's database, then runs it until it is killed.
RUNNER = textwrap.dedent(
    """
    import sys, time
    from tests.conftest import make_app
    from tests.integration.test_jobs_survive import uploaded
    from workbench.extensions import db
    from workbench.services.jobs import enqueue_job
    from workbench.services.unit_of_work import commit

    app = make_app(sys.argv[1], sys.argv[2], WORKBENCH_JOB_HEARTBEAT_SECONDS=0.2)
    with app.app_context():
        job = enqueue_job(db.session, "test_sleep", {"files": uploaded(sys.argv[3])}, None)
        commit(db.session)
    time.sleep(600)
    """
)

# An RQ worker (`workbench worker`) that knows the test's long job, on the test's Redis queue.
RQ_WORKER = textwrap.dedent(
    """
    import sys
    import tests.integration.test_jobs_survive
    from tests.conftest import make_app
    from workbench.cli import cli

    app = make_app(sys.argv[1], sys.argv[2], WORKBENCH_REDIS_URL=sys.argv[3],
                   WORKBENCH_JOB_QUEUE=sys.argv[4], WORKBENCH_JOB_HEARTBEAT_SECONDS=0.2)
    with app.app_context():
        cli.main(["worker", "--slot", "claims"], standalone_mode=False)
    """
)


@job_handler("test_sleep", "claims", "WORKBENCH_CLAIMS_SECONDS")
def _sleep(session, params, job):
    time.sleep(600)
    raise AssertionError("the test kills this job long before")


RELEASE_SIZINGS = threading.Event()


@job_handler("test_slow_sizing", "claims", "WORKBENCH_CLAIMS_SECONDS")
def _slow_sizing(session, params, job):
    RELEASE_SIZINGS.wait(120)
    raise RuntimeError("released")


def uploaded(folder: str) -> list[dict]:
    """An uploaded claims file in a folder of its own, as a sizing job's params list it."""
    path = Path(folder) / "upload" / "claims.csv"
    path.parent.mkdir(parents=True)
    path.write_text("claim_id,member_id\n1,patient-1\n")
    return [{"role": "claims", "name": "claims.csv", "path": str(path), "uploaded": True}]


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)
    return found


def running_job():
    db.session.expire_all()
    return db.session.scalars(select(Job).where(Job.status == JobStatus.RUNNING)).first()


def test_a_job_killed_mid_run_is_failed_at_the_next_start_and_its_files_deleted(
    app, database_url, tmp_path
):
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, database_url, str(tmp_path / "runner"), str(tmp_path)],
        cwd=REPOSITORY,
        env=env,
    )
    try:
        job = wait_for(running_job)
        started = job.heartbeat_at
        wait_for(lambda: running_job().heartbeat_at > started)  # it beats while it runs
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    upload = tmp_path / "upload" / "claims.csv"
    assert upload.exists()

    time.sleep(1.5)  # longer than the restarted app waits for a heartbeat
    restarted = make_app(database_url, tmp_path / "restarted", WORKBENCH_JOB_STALE_SECONDS=1)

    with restarted.app_context():
        failed = db.session.get(Job, job.id)
        assert failed.status == JobStatus.FAILED
        assert "The workbench stopped while this job was waiting or running" in failed.error
        assert "Try again" in failed.error
        db.session.remove()
        db.engine.dispose()
    assert not upload.exists() and not upload.parent.exists()


@pytest.mark.skipif(not REDIS_URL, reason="WORKBENCH_TEST_REDIS_URL is not set")
def test_a_killed_rq_worker_does_not_leave_its_job_running(app_with, database_url, tmp_path):
    queue = f"test-{uuid.uuid4()}"
    app = app_with(WORKBENCH_REDIS_URL=REDIS_URL, WORKBENCH_JOB_QUEUE=queue)
    with app.app_context():
        job_id = enqueue_job(db.session, "test_sleep", {"files": uploaded(str(tmp_path))}, None).id
        commit(db.session)
    worker = subprocess.Popen(
        [sys.executable, "-c", RQ_WORKER, database_url, str(tmp_path / "w"), REDIS_URL, queue],
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    )
    try:
        with app.app_context():
            wait_for(running_job)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(1.5)

    restarted = make_app(database_url, tmp_path / "restarted", WORKBENCH_JOB_STALE_SECONDS=1)
    with restarted.app_context():
        assert db.session.get(Job, job_id).status == JobStatus.FAILED
        db.session.remove()
        db.engine.dispose()
    assert not (tmp_path / "upload").exists()


def test_with_redis_unreachable_the_job_fails_at_once_and_its_files_go(app_with, tmp_path):
    app = app_with(WORKBENCH_REDIS_URL="redis://127.0.0.1:9/0", WORKBENCH_REDIS_TIMEOUT_SECONDS=1)
    with app.app_context():
        files = uploaded(str(tmp_path))
        job = enqueue_job(db.session, "test_sleep", {"files": files}, None)
        commit(db.session)  # the job goes to Redis after the commit; the port is closed

        db.session.expire_all()
        failed = db.session.get(Job, job.id)
        assert failed.status == JobStatus.FAILED
        assert failed.error == "The job queue (Redis) could not be reached; try again shortly."
        assert not Path(files[0]["path"]).exists()
        db.session.remove()


def make_stale(job_id: int, **fields) -> None:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    for name, value in fields.items():
        setattr(job, name, value)
    commit(db.session)


def test_asking_again_for_a_document_whose_render_died_starts_a_new_render(
    library, app, finished_job
):
    scenario = example("worked-example.yaml")
    request = build_document_request(db.session, "executive-summary", (), "Riverside")
    dead = Job(kind="render_document", status=JobStatus.RUNNING, params={})
    db.session.add(dead)
    _, first = request_document(db.session, scenario, request)
    dead.params = {"cache_key": first.params["cache_key"]}
    db.session.delete(first)  # only the dead job is left rendering these inputs
    long_ago = utcnow() - timedelta(hours=1)
    dead.started_at = dead.heartbeat_at = long_ago
    commit(db.session)

    _, job = request_document(db.session, scenario, request)

    assert job.id != dead.id
    assert db.session.get(Job, dead.id).status == JobStatus.FAILED
    commit(db.session)
    assert finished_job(job.id).status == JobStatus.SUCCEEDED


def test_a_job_past_its_time_limit_is_failed_and_says_which_limit(app_with, tmp_path):
    app = app_with(WORKBENCH_CLAIMS_SECONDS=60, WORKBENCH_JOB_STALE_SECONDS=30)
    with app.app_context():
        files = uploaded(str(tmp_path))
        job = Job(kind="size_claims", status=JobStatus.RUNNING, params={"files": files})
        job.started_at = utcnow() - timedelta(seconds=91)
        db.session.add(job)
        commit(db.session)

        assert fail_stale_jobs(db.session) == [job.id]
        commit(db.session)

        assert db.session.get(Job, job.id).error == (
            "This job ran past its time limit of 60 s (WORKBENCH_CLAIMS_SECONDS) and was "
            "stopped; its uploaded files were deleted."
        )
        assert not Path(files[0]["path"]).exists()
        db.session.remove()


def test_renders_have_their_own_slots_and_never_wait_behind_sizings(library, app, finished_job):
    RELEASE_SIZINGS.clear()
    sizings = [enqueue_job(db.session, "test_slow_sizing", {}, None).id for _ in range(2)]
    commit(db.session)
    try:
        wait_for(running_job)
        request = build_document_request(db.session, "executive-summary", (), "Riverside")
        _, render = request_document(db.session, example("worked-example.yaml"), request)
        commit(db.session)

        assert finished_job(render.id, seconds=90).status == JobStatus.SUCCEEDED
        assert [db.session.get(Job, job_id).status for job_id in sizings] == [
            JobStatus.RUNNING,
            JobStatus.QUEUED,  # one sizing at a time: it takes the machine's memory
        ]
    finally:
        RELEASE_SIZINGS.set()
        for job_id in sizings:
            finished_job(job_id)


def test_building_an_app_leaves_no_connection_open(database_url, tmp_path):
    """The start-up sweep's connection is closed: gunicorn's forked workers must not share it,
    and an app built and dropped must not leave it for the garbage collector."""
    app = make_app(database_url, tmp_path / "built")
    with app.app_context():
        assert db.engine.pool.checkedin() == 0
        db.engine.dispose()
