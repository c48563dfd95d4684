"""The request's unit of work, as the views see it.

A view never opens, commits or rolls back a session: it hands `work()` to the services it calls,
and the hook below commits the request's work once, when the answer is a success or a redirect,
or rolls it all back (services/unit_of_work.py says why the work that waits for the commit lives
in the session's `info`).
"""

from flask import Response
from sqlalchemy.orm import Session

from workbench.extensions import db
from workbench.services.unit_of_work import finish


def work() -> Session:
    """The session of this request's unit of work, for the services the view calls."""
    return db.session


def finish_unit_of_work(response: Response) -> Response:
    """Commit the request's work when its answer is a success or a redirect, else roll it back.

    This is the one commit of a request: views and services only add and flush. A commit that
    fails raises here, so the person gets the error page rather than a success that was not saved.
    """
    finish(db.session, response.status_code < 400)
    return response
