"""The home page (pipeline, meetings ahead, documents awaiting review) and job progress."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from workbench.models.enums import EDIT, JobStatus
from workbench.services.claims_sizings import claims_sizing_organization
from workbench.services.jobs import get_visible_job
from workbench.services.overview import get_dashboard
from workbench.web.security import now
from workbench.web.unit import work

blueprint = Blueprint("main", __name__)


def _document_page(document_id: int) -> str:
    return url_for("documents.show", document_id=document_id)


def _claims_section(sizing_id: int) -> str | None:
    """A sizing is shown in its organization's page, in the claims section."""
    organization_id = claims_sizing_organization(work(), sizing_id)
    if organization_id is None:
        return None
    return url_for("organizations.show", organization_id=organization_id, _anchor="claims")


# Where a finished job's result is shown, by the result type its handler returns.
RESULT_PAGES = {"document": _document_page, "claims_sizing": _claims_section}
# A job page's heading, by the job's kind and whether it is still under way or failed.
JOB_TITLES = {
    "render_document": ("Rendering the document", "The document is ready", "The render failed"),
    "size_claims": ("Sizing the claims extract", "The claims are sized", "The sizing failed"),
}
OTHER_JOB = ("Background work", "The work is done", "The work failed")


@blueprint.get("/")
def home() -> str:
    """Show the dashboard."""
    return render_template("main/home.html", dashboard=get_dashboard(work(), now()))


@blueprint.get("/jobs/<int:job_id>")
def job(job_id: int):
    """Show a background job's progress; htmx polls this until it ends, then goes to the result.

    Only its creator and the roles that may edit see a job (404 for others, as for no job).
    """
    record = get_visible_job(work(), job_id, current_user.id, current_user.can(EDIT)) or abort(404)
    result_url = _result_url(record)
    if request.headers.get("HX-Request"):
        response = render_template("main/_job.html", job=record, result_url=result_url)
        headers = {"HX-Redirect": result_url} if result_url else {}
        return response, 200, headers
    if result_url:
        return redirect(result_url)
    return render_template("main/job.html", job=record, title=_job_title(record))


def _job_title(record) -> str:
    live, succeeded, failed = JOB_TITLES.get(record.kind, OTHER_JOB)
    return {JobStatus.SUCCEEDED: succeeded, JobStatus.FAILED: failed}.get(record.status, live)


def _result_url(record) -> str | None:
    page = RESULT_PAGES.get(record.result_type)
    if record.status != JobStatus.SUCCEEDED or page is None:
        return None
    return page(record.result_id)
