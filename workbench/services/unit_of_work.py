"""One unit of work per request, command or job: it commits once at the end, or rolls back.

Services add and flush into the session they are given and never commit; the edge that opened
the unit (the request hook in web/, a CLI command, a job run) decides. Work that must wait for
the commit (handing a job to a worker, which reads the job's row) is kept in this session's
`info`, so it runs after this session's commit and no other's: a listener on the session class
would also fire on another thread's commit, before the row exists.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

AFTER_COMMIT = "workbench.after_commit"
KEEP_WHEN_REFUSED = "workbench.keep_when_refused"


def after_commit(session: Session, work: Callable[[], None]) -> None:
    """Run `work` once this session's unit of work has committed (never if it rolls back)."""
    session.info.setdefault(AFTER_COMMIT, []).append(work)


def keep_when_refused(session: Session) -> None:
    """Commit this request's unit even though its answer is a refusal (a failed sign-in's audit)."""
    session.info[KEEP_WHEN_REFUSED] = True


def commit(session: Session) -> None:
    """Commit the unit, then run the work that waited for the commit."""
    session.commit()
    session.info.pop(KEEP_WHEN_REFUSED, None)
    for work in session.info.pop(AFTER_COMMIT, []):
        work()


def rollback(session: Session) -> None:
    """Roll the unit back; the work that waited for a commit is dropped with it."""
    session.rollback()
    session.info.pop(AFTER_COMMIT, None)
    session.info.pop(KEEP_WHEN_REFUSED, None)


def finish(session: Session, succeeded: bool) -> None:
    """Commit if the unit succeeded (or asked to be kept when refused), else roll back."""
    if succeeded or session.info.get(KEEP_WHEN_REFUSED):
        commit(session)
    else:
        rollback(session)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did when it ends normally; roll it all back when it raises."""
    try:
        yield session
    except BaseException:
        rollback(session)
        raise
    commit(session)
