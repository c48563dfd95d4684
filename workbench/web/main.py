"""The home page (pipeline, meetings ahead, documents awaiting review) and job progress."""

from flask import Blueprint, abort, render_template, request, url_for

from workbench.extensions import db
from workbench.models.enums import JobStatus
from workbench.services.claims_sizings import claims_sizing_organization
from workbench.services.jobs import get_job
from workbench.services.overview import get_dashboard
from workbench.web.security import now

blueprint = Blueprint("main", __name__)
# Where a finished job's result is shown, by the result type its handler returns.
RESULT_PAGES = {
    "document": ("documents.show", "document_id"),
    "organization": ("organizations.show", "organization_id"),
}
# Results shown in a section of another record's page: how to find that page from the result.
RESULT_SECTIONS = {
    "claims_sizing": (
        "organizations.show",
        "organization_id",
        claims_sizing_organization,
        "claims",
    ),
}


@blueprint.get("/")
def home() -> str:
    """Show the dashboard."""
    return render_template("main/home.html", dashboard=get_dashboard(db.session, now()))


@blueprint.get("/jobs/<int:job_id>")
def job(job_id: int):
    """Show a background job's progress; htmx polls this until it ends, then goes to the result."""
    record = get_job(db.session, job_id) or abort(404)
    result_url = _result_url(record)
    if request.headers.get("HX-Request"):
        response = render_template("main/_job.html", job=record, result_url=result_url)
        headers = {"HX-Redirect": result_url} if result_url else {}
        return response, 200, headers
    return render_template("main/job.html", job=record, result_url=result_url)


def _result_url(record) -> str | None:
    if record.status != JobStatus.SUCCEEDED:
        return None
    if record.result_type in RESULT_SECTIONS:
        endpoint, argument, find_owner, anchor = RESULT_SECTIONS[record.result_type]
        owner = find_owner(db.session, record.result_id)
        if owner is None:
            return None
        return url_for(endpoint, **{argument: owner}, _anchor=anchor)
    if record.result_type not in RESULT_PAGES:
        return None
    endpoint, argument = RESULT_PAGES[record.result_type]
    return url_for(endpoint, **{argument: record.result_id})
