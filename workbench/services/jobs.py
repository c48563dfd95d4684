"""Run slow work (a PDF render, a claims extract) off the request thread, with a status record.

A job row is written in the caller's unit of work; the work is handed to a worker only after
that unit commits (services/unit_of_work.py), so the worker always finds its row. The default
worker is an in-process thread pool, which suits the embedded single-process setup. With
WORKBENCH_REDIS_URL set, the job goes on an RQ queue instead and `workbench worker` processes
run it, apart from the web workers.
Either way the job's row in the database carries its status and progress, which the pages poll.

Each kind of job has a slot (renders and claims sizings never wait behind each other: their own
thread pool, or their own RQ queue) and a time limit. The process holding a job writes its
heartbeat every few seconds; a job whose heartbeat stopped (its process was killed) or that ran
past its limit is failed by `fail_stale_jobs`, at start-up and every so often after, and its
uploaded files are deleted, so the person can try again.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import inspect, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.models import Job, utcnow
from workbench.models.enums import JobStatus
from workbench.services.unit_of_work import after_commit, unit_of_work

if TYPE_CHECKING:  # RQ and Redis are imported only when jobs go to Redis
    from rq import Queue

LOGGER = logging.getLogger(__name__)
RENDER, CLAIMS = "render", "claims"
SLOTS = (RENDER, CLAIMS)
# Renders are short and many; a claims sizing is long and takes the machine's memory.
WORKERS = {
    RENDER: ThreadPoolExecutor(max_workers=2, thread_name_prefix="workbench-render"),
    CLAIMS: ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-claims"),
}
LIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# A job's own refusal (a WorkbenchError) or anything else that ends it.
Handler = Callable[[Session, dict[str, Any], Job], tuple[str, int]]


@dataclass(frozen=True)
class JobKind:
    """What a kind of job runs, in which slot, and the setting that holds its time limit."""

    handler: Handler
    slot: str
    limit_setting: str


KINDS: dict[str, JobKind] = {}
_last_sweep: dict[str, float] = {}
# The jobs this process runs in its own threads and has not finished (wait_for_local_jobs).
_LOCAL_JOBS: set[Future] = set()


def job_handler(
    kind: str, slot: str = RENDER, limit_setting: str = "WORKBENCH_RENDER_SECONDS"
) -> Callable[[Handler], Handler]:
    """Register the function that does the work of jobs of `kind` (returns result type, id)."""

    def register(handler: Handler) -> Handler:
        KINDS[kind] = JobKind(handler, slot, limit_setting)
        return handler

    return register


def enqueue_job(session: Session, kind: str, params: dict[str, Any], user_id: int | None) -> Job:
    """Record a job and start it once the caller's unit of work commits."""
    if kind not in KINDS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    fail_stale_jobs(session)
    job = Job(kind=kind, params=params, created_by_id=user_id)
    session.add(job)
    session.flush()
    app, job_id = current_app._get_current_object(), job.id
    after_commit(session, lambda: start_job(app, job_id, kind))
    return job


def start_job(app: Flask, job_id: int, kind: str) -> None:
    """Hand a committed job to its RQ queue, or to its in-process slot.

    If Redis cannot take it, the job is failed at once (its uploads deleted), so the person sees
    why rather than a job that waits forever.
    """
    slot = KINDS[kind].slot
    if not app.config.get("WORKBENCH_REDIS_URL"):
        beat = Heartbeat(app, job_id).start()  # while it waits for its slot, too
        future = WORKERS[slot].submit(_run_beating, app, job_id, beat)
        _LOCAL_JOBS.add(future)
        future.add_done_callback(lambda done: (_LOCAL_JOBS.discard(done), _log_crash(done)))
        return
    try:
        limit = app.config[KINDS[kind].limit_setting]
        job_queue(app, slot).enqueue(run_queued_job, job_id, job_timeout=limit)
    except Exception:  # Redis down, refused, or timed out: whatever it is, the job cannot run
        LOGGER.exception("job_id=%s could not be queued", job_id)
        end_job(app, job_id, "The job queue (Redis) could not be reached; try again shortly.")


def _run_beating(app: Flask, job_id: int, beat: "Heartbeat") -> None:
    try:
        run_job(app, job_id)
    finally:
        beat.stop()


def wait_for_local_jobs(timeout: float = 120) -> None:
    """Wait until the jobs this process runs in its own threads have ended, their heartbeats too.

    For whoever closes a database after a request that started one (the tests): a job left
    running would reopen a connection to it and drop it to the garbage collector.
    """
    wait(list(_LOCAL_JOBS), timeout=timeout)


def queue_name(app: Flask, slot: str) -> str:
    """The RQ queue of a slot: renders on `<queue>-render`, claims sizings on `<queue>`."""
    base = app.config["WORKBENCH_JOB_QUEUE"]
    return f"{base}-{RENDER}" if slot == RENDER else base


def job_queue(app: Flask, slot: str = CLAIMS) -> "Queue":
    """Return a slot's RQ queue on the configured Redis (connecting within the set timeout)."""
    from redis import Redis
    from rq import Queue

    timeout = app.config["WORKBENCH_REDIS_TIMEOUT_SECONDS"]
    connection = Redis.from_url(
        app.config["WORKBENCH_REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
    )
    return Queue(queue_name(app, slot), connection=connection)


def run_queued_job(job_id: int) -> None:
    """Run a job taken from the RQ queue, in the app `workbench worker` runs under."""
    app = current_app._get_current_object()
    with Heartbeat(app, job_id):
        run_job(app, job_id)


def run_job(app: Flask, job_id: int) -> None:
    """Do one job in its own app context and session, recording how it ended."""
    from workbench.extensions import db

    with app.app_context():
        with unit_of_work(db.session) as session:
            job = session.get(Job, job_id)
            if job is None or job.status != JobStatus.QUEUED:
                return  # failed as stale while it waited: nobody expects its result now
            job.status, job.started_at = JobStatus.RUNNING, utcnow()
        try:
            with unit_of_work(db.session) as session:
                job = session.get(Job, job_id)
                result = KINDS[job.kind].handler(session, job.params, job)
                _finish(session, job, result)
        except Exception as error:  # the job's record must say it failed, whatever the cause
            log_failure(job_id, error)
            end_job(app, job_id, failure_message(error))
        db.session.remove()


class JobAbandoned(Exception):
    """The job was failed (stale, past its limit) while it ran: its work is not kept."""


def _finish(session: Session, job: Job, result: tuple[str, int]) -> None:
    """Record the result, unless the job was failed meanwhile (then roll its work back)."""
    ended = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.RUNNING)
        .values(
            status=JobStatus.SUCCEEDED,
            progress=100,
            result_type=result[0],
            result_id=result[1],
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:
        raise JobAbandoned(f"job {job.id} was failed while it ran; its result is dropped")


def end_job(app: Flask, job_id: int, message: str) -> None:
    """Mark a live job failed with `message` and delete its uploads, in a unit of its own."""
    from workbench.extensions import db

    with app.app_context(), unit_of_work(db.session) as session:
        job = session.get(Job, job_id)
        if job is not None and job.status in LIVE:
            _fail(session, job, message)


def log_failure(job_id: int, error: Exception) -> None:
    """Log a refusal by its kind only (its text may quote a claims cell); a bug with its trace."""
    if isinstance(error, WorkbenchError):
        LOGGER.warning("job_id=%s refused: %s", job_id, type(error).__name__)
    else:
        LOGGER.exception("job_id=%s failed", job_id)


def failure_message(error: Exception) -> str:
    """Say why a job failed: a refusal's own message, which names the file, row or field; for
    anything else, only that it was unexpected (its traceback is in the server log)."""
    if isinstance(error, WorkbenchError):
        return error.message
    return f"An unexpected error ({error.__class__.__name__}) stopped this job; see the server log."


def _fail(session: Session, job: Job, message: str) -> None:
    """Fail a job and delete its uploaded files once that is committed."""
    from workbench.services.claims_uploads import ClaimsFile, discard

    job.status, job.error, job.finished_at = JobStatus.FAILED, message, utcnow()
    files = [ClaimsFile(**item) for item in job.params.get("files", [])]
    if files:
        after_commit(session, lambda: discard(files))


def _log_crash(future: Future) -> None:
    if future.exception() is not None:
        LOGGER.error("A job runner crashed", exc_info=future.exception())


# -- stale jobs ---------------------------------------------------------------------------------


def stale_reason(job: Job, now: datetime, config: Any) -> str | None:
    """Say why a live job can no longer finish, or None while it may.

    Its heartbeat stopped (its process was killed), or it ran past its kind's time limit. With
    Redis, a queued job waits in Redis where no heartbeat is written: it has the queue's wait.
    """
    kind = KINDS.get(job.kind)
    if kind is None:
        return "This kind of job is no longer run by this version of the workbench."
    silent = now - (job.heartbeat_at or job.created_at)
    waits_in_redis = job.status == JobStatus.QUEUED and config.get("WORKBENCH_REDIS_URL")
    setting = "QUEUE_WAIT" if waits_in_redis else "STALE"
    allowed = config[f"WORKBENCH_JOB_{setting}_SECONDS"]
    if silent > timedelta(seconds=allowed):
        return (
            "The workbench stopped while this job was waiting or running (no sign of it for "
            f"{int(silent.total_seconds())} s); its uploaded files were deleted. Try again."
        )
    # The work stops itself at its limit (RQ's timeout, DuckDB's interrupt); the heartbeat's
    # allowance past it is for that to be recorded.
    limit = config[kind.limit_setting]
    overdue = timedelta(seconds=limit + config["WORKBENCH_JOB_STALE_SECONDS"])
    if job.started_at is not None and now - job.started_at > overdue:
        return (
            f"This job ran past its time limit of {limit:g} s ({kind.limit_setting}) and was "
            "stopped; its uploaded files were deleted."
        )
    return None


def fail_stale_jobs(session: Session) -> list[int]:
    """Fail every live job that can no longer finish; return their ids (files go on commit)."""
    config, now = current_app.config, utcnow()
    failed = []
    for job in session.scalars(select(Job).where(Job.status.in_(LIVE))):
        reason = stale_reason(job, now, config)
        if reason is not None:
            LOGGER.warning("job_id=%s kind=%s failed as stale", job.id, job.kind)
            _fail(session, job, reason)
            failed.append(job.id)
    session.flush()
    return failed


def sweep_stale_jobs(app: Flask, every_seconds: float | None = None) -> None:
    """Fail stale jobs in a unit of their own, at most once every `every_seconds` per database.

    Called in an app context, at start-up (every_seconds None: always) and before requests; a
    database not yet migrated, or one that does not answer, is left for the next time.
    """
    from workbench.extensions import db

    key = app.config["SQLALCHEMY_DATABASE_URI"]
    moment = time.monotonic()
    if every_seconds is not None and moment - _last_sweep.get(key, -every_seconds) < every_seconds:
        return
    _last_sweep[key] = moment
    try:
        with Session(db.engine) as session, unit_of_work(session):
            if inspect(session.connection()).has_table(Job.__tablename__):  # else: before init
                fail_stale_jobs(session)
    except SQLAlchemyError as error:
        LOGGER.warning("stale jobs not checked: %s", error.__class__.__name__)


def live_jobs(session: Session, kind: str) -> list[Job]:
    """Return the jobs of `kind` still queued or running, stale ones failed first."""
    fail_stale_jobs(session)
    return list(session.scalars(select(Job).where(Job.kind == kind, Job.status.in_(LIVE))))


class Heartbeat:
    """Write a job's heartbeat every WORKBENCH_JOB_HEARTBEAT_SECONDS while this process holds it.

    On a connection of its own, never the job's session, so it beats while the job works.
    """

    def __init__(self, app: Flask, job_id: int):
        self.app, self.job_id = app, job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{job_id}")

    def start(self) -> "Heartbeat":
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop beating, and wait for a beat being written to end (its connection returned)."""
        self.stopped.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout=30)

    def __enter__(self) -> "Heartbeat":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _beat(self) -> None:
        from workbench.extensions import db

        interval = self.app.config["WORKBENCH_JOB_HEARTBEAT_SECONDS"]
        with self.app.app_context():
            engine = db.engine
            while not self.stopped.wait(interval):
                try:
                    with engine.begin() as connection:
                        connection.execute(
                            update(Job.__table__)
                            .where(Job.id == self.job_id)
                            .values(heartbeat_at=utcnow())
                        )
                except SQLAlchemyError:  # a missed beat is retried; a dead database fails all
                    LOGGER.warning("job_id=%s heartbeat not written", self.job_id)


def get_job(session: Session, job_id: int) -> Job | None:
    """Return a job's record, or None."""
    return session.get(Job, job_id)


def get_visible_job(session: Session, job_id: int, user_id: int, may_edit: bool) -> Job | None:
    """Return a job for its creator or a person whose role may edit; None (a 404) for others.

    Ids are sequential, and a failed claims job names the files someone uploaded.
    """
    job = session.get(Job, job_id)
    if job is None or not (may_edit or job.created_by_id == user_id):
        return None
    return job
