"""The home page (pipeline, meetings ahead, documents awaiting review) and job progress."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workbench.errors import WorkbenchError
from workbench.models.enums import ADMINISTER, EDIT, JobStatus
from workbench.services.claims_sizings import claims_sizing_organization
from workbench.services.jobs import get_visible_job
from workbench.services.our_organization import (
    get_our_organization,
    get_our_organization_values,
    set_our_organization,
)
from workbench.services.overview import get_dashboard
from workbench.web.errors import show_on_form
from workbench.web.forms.our_organization import OurOrganizationForm
from workbench.web.security import now, permission_required
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
def home():
    """Show the dashboard; an administrator is led to set our organization until it is set."""
    if current_user.can(ADMINISTER) and get_our_organization(work()) is None:
        return redirect(url_for("main.our_organization"))
    return render_template("main/home.html", dashboard=get_dashboard(work(), now(), current_user))


@blueprint.route("/our-organization", methods=["GET", "POST"])
@permission_required(ADMINISTER)
def our_organization():
    """Set who "we" are: the name documents are prepared by, and the person to contact."""
    form = OurOrganizationForm(data=_our_organization_data())
    if form.validate_on_submit():
        try:
            set_our_organization(work(), form.our_organization(), current_user)
        except WorkbenchError as error:
            show_on_form(form, error, "organization", aliases={"name": "organization"})
        else:
            flash("Saved: documents now say they are prepared by it.", "info")
            return redirect(url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("main/our_organization.html", form=form), status


def _our_organization_data() -> dict:
    values = get_our_organization_values(work())
    if values is None:
        return {}
    return {
        "organization": values.name,
        "name": values.contact_name,
        "title": values.contact_title,
        "email": values.contact_email,
        "phone": values.contact_phone,
    }


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
