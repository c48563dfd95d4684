"""Organizations: payers, employers, ACOs, agencies and our own; contacts, fees, code coverage."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workbench.errors import Problem
from workbench.models import Organization
from workbench.models.enums import ADMINISTER, EDIT
from workbench.services.claims_jobs import request_sizing
from workbench.services.claims_sizings import latest_claims_offer, list_claims_sizings
from workbench.services.claims_uploads import (
    CLAIMS,
    CLAIMS_FORMAT,
    MEMBERS,
    SERVER_PATH,
    UPLOAD,
    ClaimsUploadError,
    discard,
    save_upload,
    server_file,
    size_text,
)
from workbench.services.organizations import (
    OrganizationError,
    add_contact,
    create_organization,
    delete_contact,
    delete_organization,
    get_organization,
    get_organization_page,
    list_organizations,
    list_profiles,
    update_contact,
    update_coverage_matrix,
    update_organization,
)
from workbench.services.versioning import EditConflict
from workbench.web.errors import show_on_form
from workbench.web.forms.claims import ClaimsPathsForm, ClaimsUploadForm
from workbench.web.forms.organizations import (
    COVERAGE_LABELS,
    KIND_LABELS,
    PAYER_TYPE_LABELS,
    ContactForm,
    CoverageForm,
    OrganizationForm,
)
from workbench.web.security import (
    audit_listing,
    audit_refusal,
    large_body,
    permission_required,
)
from workbench.web.unit import work

blueprint = Blueprint("organizations", __name__, url_prefix="/organizations")


@blueprint.context_processor
def vocabulary() -> dict:
    """Give this blueprint's templates the labels of the organization vocabularies."""
    return {
        "kind_labels": KIND_LABELS,
        "payer_type_labels": PAYER_TYPE_LABELS,
        "coverage_labels": COVERAGE_LABELS,
    }


@blueprint.get("/")
def index() -> str:
    """List the organizations with their lives, baseline cost and code coverage."""
    return render_template("organizations/index.html", organizations=list_organizations(work()))


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def new():
    """Add an organization."""
    form = OrganizationForm(list_profiles(work()))
    if form.validate_on_submit():
        try:
            organization = create_organization(work(), form.values(), current_user)
        except OrganizationError as error:
            show_on_form(form, error, "name")
        else:
            flash(f"{organization.name} added.", "info")
            return redirect(url_for("organizations.show", organization_id=organization.id))
    status = 422 if form.errors else 200
    return render_template("organizations/form.html", form=form, organization=None), status


@blueprint.get("/<int:organization_id>")
def show(organization_id: int) -> str:
    """Show an organization: profile, contacts, lives, cost, fee schedule and code coverage."""
    page = get_organization_page(work(), organization_id) or abort(404)
    return _show_page(page, ContactForm(formdata=None))


@blueprint.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(organization_id: int):
    """Edit an organization; a save after someone else's is refused (409) with the input kept."""
    organization = _organization(organization_id)
    form = OrganizationForm(list_profiles(work()), obj=organization)
    if request.method == "GET":
        form.version.data = str(organization.version)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return _edit_page(form, organization), status
    try:
        update_organization(
            work(), organization, int(form.version.data), form.values(), current_user
        )
    except OrganizationError as error:
        show_on_form(form, error, "name")
        return _edit_page(form, organization), 422
    except EditConflict as error:
        return _edit_page(form, _organization(organization_id), conflict=str(error)), 409
    flash("Saved.", "info")
    return redirect(url_for("organizations.show", organization_id=organization_id))


@blueprint.post("/<int:organization_id>/delete")
@permission_required(EDIT)
def delete(organization_id: int):
    """Delete an organization, or archive it when scenarios, negotiations or documents use it."""
    organization = _organization(organization_id)
    name = organization.name
    outcome = delete_organization(work(), organization, current_user)
    if outcome == "archived":
        flash(
            f"{name} is used by scenarios, negotiations, documents or claims sizings, so it was "
            "archived instead of deleted: it is hidden from the lists and its history stays.",
            "warning",
        )
    else:
        flash(f"{name} deleted.", "info")
    return redirect(url_for("organizations.index"))


@blueprint.post("/<int:organization_id>/contacts")
@permission_required(EDIT)
def new_contact(organization_id: int):
    """Add a contact at the organization."""
    organization = _organization(organization_id)
    form = ContactForm()
    if not form.validate_on_submit():
        page = get_organization_page(work(), organization_id)
        return _show_page(page, form), 422
    contact = add_contact(work(), organization, form.values(), current_user)
    flash(f"{contact.name} added to the contacts.", "info")
    return _back(organization_id, "contacts")


@blueprint.route("/<int:organization_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit_contact(organization_id: int, contact_id: int):
    """Change a contact's name, title, email or phone."""
    organization = _organization(organization_id)
    contact = next((c for c in organization.contacts if c.id == contact_id), None) or abort(404)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        update_contact(work(), organization, contact_id, form.values(), current_user)
        flash(f"{form.values()['name']} saved.", "info")
        return _back(organization_id, "contacts")
    page = render_template(
        "organizations/contact.html", form=form, organization=organization, contact=contact
    )
    return page, 422 if form.errors else 200


@blueprint.post("/<int:organization_id>/contacts/<int:contact_id>/delete")
@permission_required(EDIT)
def remove_contact(organization_id: int, contact_id: int):
    """Remove a contact from the organization."""
    organization = _organization(organization_id)
    contact = delete_contact(work(), organization, contact_id, current_user) or abort(404)
    flash(f"{contact.name} removed from the contacts.", "info")
    return _back(organization_id, "contacts")


@blueprint.post("/<int:organization_id>/coverage")
@permission_required(EDIT)
def save_coverage(organization_id: int):
    """Save the coverage matrix with one button: every changed row, or none (422 with the rows
    as typed and each problem under its row; 409 when someone saved a row since)."""
    page = get_organization_page(work(), organization_id) or abort(404)
    forms = {
        row.code_id: CoverageForm(prefix=f"c{row.code_id}")
        for row in page.coverage
        if f"c{row.code_id}-version" in request.form
    }
    if not all([form.validate_on_submit() for form in forms.values()]):
        return _show_page(page, ContactForm(formdata=None), coverage_forms=forms), 422
    edits = {code_id: (int(form.version.data), form.values()) for code_id, form in forms.items()}
    try:
        saved = update_coverage_matrix(work(), page.organization, edits, current_user)
    except OrganizationError as error:
        for code_id, form in forms.items():
            show_on_form(form, _row_problems(error, code_id), "status")
        return _show_page(page, ContactForm(formdata=None), coverage_forms=forms), 422
    except EditConflict as error:
        page = get_organization_page(work(), organization_id)
        # Their save stands; saving these rows again now replaces it on purpose.
        for row in page.coverage:
            if row.code_id in forms:
                forms[row.code_id].version.data = str(row.coverage_version)
        return _show_page(
            page, ContactForm(formdata=None), coverage_forms=forms, conflict=str(error)
        ), 409
    flash(f"Saved {', '.join(saved)}." if saved else "Nothing had changed.", "info")
    return _back(organization_id, "coverage")


def _row_problems(error: OrganizationError, code_id: int) -> OrganizationError:
    """The problems of one matrix row, named as that row's form names its fields."""
    prefix = f"c{code_id}-"
    return OrganizationError(
        error.message,
        problems=[
            Problem(p.field.removeprefix(prefix), p.message)
            for p in error.problems
            if p.field and p.field.startswith(prefix)
        ],
    )


@blueprint.post("/<int:organization_id>/claims")
@permission_required(EDIT)
@large_body("WORKBENCH_UPLOAD_MAX_REQUEST_BYTES")
def upload_claims(organization_id: int):
    """Take an uploaded members and claims file and size them in the background (job page)."""
    organization = _organization(organization_id)
    if any(name.endswith("_path") for name in request.form):
        audit_refusal("claims.server_path_refused", organization, reason="not an administrator")
        abort(403)  # files on the server are an administrator's choice (size_server_claims)
    form = ClaimsUploadForm()
    if not form.validate_on_submit():
        return _claims_refused(organization_id, upload_form=form), 422
    config = current_app.config
    folder, limit = config["WORKBENCH_UPLOAD_DIR"], config["WORKBENCH_CLAIMS_MAX_BYTES"]
    files = []
    try:
        files.append(save_upload(form.members.data, MEMBERS, folder, limit))
        files.append(save_upload(form.claims.data, CLAIMS, folder, limit))
        job = request_sizing(
            work(), organization, files, form.payer_name(), current_user.id, UPLOAD
        )
    except ClaimsUploadError as error:
        discard(files)
        audit_refusal("claims.upload_refused", organization, error)
        show_on_form(form, error, "claims")
        return _claims_refused(organization_id, upload_form=form), error.status
    except BaseException:
        discard(files)  # the job never started, so nothing else will delete them
        raise
    return redirect(url_for("main.job", job_id=job.id))


@blueprint.post("/<int:organization_id>/claims/server-files")
@permission_required(ADMINISTER)
def size_server_claims(organization_id: int):
    """Size two files already on the server (administrators only); they are never deleted."""
    organization = _organization(organization_id)
    form = ClaimsPathsForm(prefix="server")
    if not form.validate_on_submit():
        return _claims_refused(organization_id, paths_form=form), 422
    config = current_app.config
    folder, limit = config["WORKBENCH_CLAIMS_SERVER_DIR"], config["WORKBENCH_CLAIMS_MAX_BYTES"]
    try:
        files = [
            server_file(form.members_path.data, MEMBERS, folder, limit),
            server_file(form.claims_path.data, CLAIMS, folder, limit),
        ]
    except ClaimsUploadError as error:
        audit_refusal("claims.server_path_refused", organization, error)
        show_on_form(
            form, error, "claims_path", {"members": "members_path", "claims": "claims_path"}
        )
        return _claims_refused(organization_id, paths_form=form), 422
    job = request_sizing(
        work(), organization, files, form.payer_name(), current_user.id, SERVER_PATH
    )
    return redirect(url_for("main.job", job_id=job.id))


def _claims_refused(organization_id: int, upload_form=None, paths_form=None) -> str:
    page = get_organization_page(work(), organization_id)
    return _show_page(
        page, ContactForm(formdata=None), upload_form=upload_form, paths_form=paths_form
    )


def _back(organization_id: int, anchor: str):
    return redirect(url_for("organizations.show", organization_id=organization_id, _anchor=anchor))


def _organization(organization_id: int) -> Organization:
    return get_organization(work(), organization_id) or abort(404)


def _show_page(
    page,
    contact_form: ContactForm,
    upload_form: ClaimsUploadForm | None = None,
    paths_form: ClaimsPathsForm | None = None,
    coverage_forms: dict[int, CoverageForm] | None = None,
    conflict: str = "",
) -> str:
    """Render the page; the matrix rows posted come back as typed, the others as saved."""
    forms = {row.code_id: _coverage_form(row) for row in page.coverage} | (coverage_forms or {})
    organization_id = page.organization.id
    return render_template(
        "organizations/show.html",
        page=page,
        contact_form=contact_form,
        coverage_forms=forms,
        sizings=audit_listing(
            "claims_sizings.viewed", list_claims_sizings(work(), organization_id)
        ),
        claims_offer=latest_claims_offer(work(), organization_id),
        upload_form=upload_form or ClaimsUploadForm(formdata=None),
        paths_form=paths_form or ClaimsPathsForm(formdata=None, prefix="server"),
        claims_limit=size_text(current_app.config["WORKBENCH_CLAIMS_MAX_BYTES"]),
        claims_format=CLAIMS_FORMAT,
        coverage_conflict=conflict,
    )


def _edit_page(form: OrganizationForm, organization: Organization, conflict: str = "") -> str:
    if conflict:
        # Their save stands; saving this form again now replaces it on purpose.
        form.version.data = str(organization.version)
    return render_template(
        "organizations/form.html", form=form, organization=organization, conflict=conflict
    )


def _coverage_form(row) -> CoverageForm:
    """A row's form filled from the saved values (not from the request)."""
    return CoverageForm(
        formdata=None, prefix=f"c{row.code_id}", obj=row, version=str(row.coverage_version)
    )
