"""Run slow work (a PDF render, a claims extract) off the request thread, with a status record.

A job row is written in the caller's unit of work; the work is handed to a worker only after
that unit commits (services/unit_of_work.py), so the worker always finds its row. The default
worker is an in-process thread pool, which suits the embedded single-process setup. With
WORKBENCH_REDIS_URL set, the job goes on an RQ queue instead and `workbench worker` processes
run it, apart from the web workers.
Either way the job's row in the database carries its status and progress, which the pages poll.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.models import Job, utcnow
from workbench.models.enums import JobStatus
from workbench.services.unit_of_work import after_commit, unit_of_work

if TYPE_CHECKING:  # RQ and Redis are imported only when jobs go to Redis
    from rq import Queue

LOGGER = logging.getLogger(__name__)
WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbench-job")
# RQ stops a job past this; a document render has its own, shorter limit.
JOB_TIMEOUT_SECONDS = 3600
# Each handler does the work of one kind of job and returns (result type, result id).
Handler = Callable[[Session, dict[str, Any], Job], tuple[str, int]]
HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work of jobs of `kind`."""

    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


def enqueue_job(session: Session, kind: str, params: dict[str, Any], user_id: int | None) -> Job:
    """Record a job and start it once the caller's unit of work commits."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(kind=kind, params=params, created_by_id=user_id)
    session.add(job)
    session.flush()
    app, job_id = current_app._get_current_object(), job.id
    after_commit(session, lambda: start_job(app, job_id))
    return job


def start_job(app: Flask, job_id: int) -> None:
    """Hand a committed job to the RQ queue, or to the in-process workers."""
    if app.config.get("WORKBENCH_REDIS_URL"):
        job_queue(app).enqueue(run_queued_job, job_id, job_timeout=JOB_TIMEOUT_SECONDS)
    else:
        WORKERS.submit(run_job, app, job_id).add_done_callback(_log_crash)


def job_queue(app: Flask) -> "Queue":
    """Return the RQ queue on the configured Redis."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["WORKBENCH_REDIS_URL"])
    return Queue(app.config["WORKBENCH_JOB_QUEUE"], connection=connection)


def run_queued_job(job_id: int) -> None:
    """Run a job taken from the RQ queue, in the app `workbench worker` runs under."""
    run_job(current_app._get_current_object(), job_id)


def run_job(app: Flask, job_id: int) -> None:
    """Do one job in its own app context and session, recording how it ended."""
    from workbench.extensions import db

    with app.app_context():
        with unit_of_work(db.session) as session:
            job = session.get(Job, job_id)
            job.status, job.started_at = JobStatus.RUNNING, utcnow()
        try:
            with unit_of_work(db.session) as session:
                job = session.get(Job, job_id)
                job.result_type, job.result_id = HANDLERS[job.kind](session, job.params, job)
                job.status, job.progress, job.finished_at = JobStatus.SUCCEEDED, 100, utcnow()
        except Exception as error:  # the job's record must say it failed, whatever the cause
            LOGGER.exception("Job %s failed", job_id)
            with unit_of_work(db.session) as session:
                job = session.get(Job, job_id)
                job.status, job.error = JobStatus.FAILED, failure_message(error)
                job.finished_at = utcnow()
        db.session.remove()


def failure_message(error: Exception) -> str:
    """Say why a job failed: a refusal's own message, which names the file, row or field; for
    anything else, only that it was unexpected (its traceback is in the server log)."""
    if isinstance(error, WorkbenchError):
        return error.message
    return f"An unexpected error ({error.__class__.__name__}) stopped this job; see the server log."


def _log_crash(future: Future) -> None:
    if future.exception() is not None:
        LOGGER.error("A job runner crashed", exc_info=future.exception())


def get_job(session: Session, job_id: int) -> Job | None:
    """Return a job's record, or None."""
    return session.get(Job, job_id)
