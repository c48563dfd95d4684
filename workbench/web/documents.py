"""Documents: generate, preview, download, see every version, submit, review, approve, send."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workbench.errors import WorkbenchError
from workbench.models import DocumentArtifact
from workbench.models.enums import EDIT, REVIEW, DocumentStatus
from workbench.services.accounts import AccountError, confirm_password
from workbench.services.documents import DocumentError
from workbench.services.review import (
    ReviewError,
    approve,
    get_document,
    get_generation_choices,
    list_documents,
    list_versions,
    mark_sent,
    send_back,
    start_document,
    submit_for_review,
)
from workbench.services.review_summary import get_review_summary, list_review_summaries
from workbench.web.errors import show_on_form
from workbench.web.forms.documents import GenerateForm, ReviewForm
from workbench.web.security import (
    audit_view,
    login_is_fresh,
    permission_required,
    sign_in_throttle,
    start_session,
)
from workbench.web.unit import work

blueprint = Blueprint("documents", __name__, url_prefix="/documents")


@blueprint.get("/")
def index() -> str:
    """List the generated documents, filterable by status, with the form to generate one."""
    status = request.args.get("status", "")
    if status not in {s.value for s in DocumentStatus}:
        status = ""
    return _index_page(GenerateForm(get_generation_choices(work()), formdata=None), status)


@blueprint.post("/generate")
@permission_required(EDIT)
def generate():
    """Serve the stored document for this request, or start rendering it and show the job."""
    form = GenerateForm(get_generation_choices(work()))
    if not form.validate_on_submit():
        return _index_page(form), 422
    try:
        artifact, job = start_document(
            work(),
            form.scenario.data,
            form.kind.data,
            tuple(form.stakeholders.data),
            current_user,
        )
    except (DocumentError, ReviewError) as error:
        show_on_form(form, error, "kind")
        return _index_page(form), 422
    if artifact is not None:
        flash("This exact document was already generated; here it is, from storage.", "info")
        return redirect(url_for("documents.show", document_id=artifact.id))
    return redirect(url_for("main.job", job_id=job.id))


@blueprint.get("/<int:document_id>")
def show(document_id: int) -> str:
    """Show a document: preview, who made it from which inputs, its versions and review."""
    artifact = _document(document_id)
    audit_view("document.viewed", artifact)
    return _show_page(artifact, ReviewForm(formdata=None))


@blueprint.get("/<int:document_id>.pdf")
def pdf(document_id: int) -> Response:
    """Send the stored PDF bytes (inline for the preview, or as a download)."""
    artifact = _document(document_id)
    disposition = "attachment" if request.args.get("download") else "inline"
    audit_view("document.pdf_read", artifact, disposition=disposition)
    response = Response(artifact.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{_filename(artifact)}"'
    # The preview frames this response in our own page; everything else stays unframeable.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["ETag"] = artifact.sha256
    return response


@blueprint.post("/<int:document_id>/submit")
@permission_required(EDIT)
def submit(document_id: int):
    """Put a draft in the executives' review queue."""
    return _review_step(document_id, submit_for_review, "Submitted for review.")


@blueprint.post("/<int:document_id>/sent")
@permission_required(EDIT)
def sent(document_id: int):
    """Record that an approved document went out."""
    return _review_step(document_id, mark_sent, "Marked as sent.")


@blueprint.get("/review", endpoint="review_queue")
def review_queue() -> str:
    """List the documents waiting for an executive's decision."""
    return render_template("document_pages/review.html", summaries=list_review_summaries(work()))


@blueprint.post("/<int:document_id>/approve")
@permission_required(REVIEW)
def approve_view(document_id: int):
    """Approve a document in review (needs a recent sign-in); it is frozen from then on."""
    return _decision(document_id, approve, "Approved. This PDF is now frozen.")


@blueprint.post("/<int:document_id>/send-back")
@permission_required(REVIEW)
def send_back_view(document_id: int):
    """Send a document back to its author with a comment."""
    return _decision(document_id, send_back, "Sent back to the author with your comment.")


@blueprint.get("/<int:document_id>/approve")
@blueprint.get("/<int:document_id>/send-back")
def decision_reloaded(document_id: int):
    """Answer a reload of a decision's address (the browser shows it after a refusal): the page."""
    return redirect(url_for("documents.show", document_id=document_id))


def _index_page(form: GenerateForm, status: str = "") -> str:
    return render_template(
        "document_pages/index.html",
        documents=list_documents(work(), status),
        status=status,
        statuses=[s.value for s in DocumentStatus],
        form=form,
    )


def _show_page(
    artifact: DocumentArtifact, form: ReviewForm, refusal: str | None = None, status: int = 200
):
    """The document page: its summary and PDF, then the decision, provenance and versions."""
    page = render_template(
        "document_pages/show.html",
        summary=get_review_summary(work(), artifact),
        document=artifact,
        versions=list_versions(work(), artifact),
        form=form,
        fresh=login_is_fresh(),
        refusal=refusal,
    )
    return page, status


def _decision(document_id: int, step, message: str):
    """Approve or send back; a stale sign-in is confirmed here, in the form, keeping the comment."""
    artifact = _document(document_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _show_page(artifact, form, status=422)
    if not login_is_fresh() and not _signed_in_again(form):
        return _show_page(artifact, form, status=401)
    try:
        step(work(), artifact, current_user, form.comment.data or "")
    except WorkbenchError as error:
        show_on_form(form, error, "comment")
        return _show_page(artifact, form, error.message, error.status)
    flash(message, "info")
    return redirect(url_for("documents.show", document_id=document_id))


def _signed_in_again(form: ReviewForm) -> bool:
    """Check the password typed in the decision form (counted and locked like sign-in, and
    audited); a right one starts a fresh session."""
    user = current_user._get_current_object()
    try:
        confirm_password(work(), user, form.password.data or "", sign_in_throttle())
    except AccountError as error:
        form.password.errors = [f"{error.message} Type it again; your comment is kept."]
        return False
    start_session(user)
    return True


def _review_step(document_id: int, step, message: str):
    artifact = _document(document_id)
    try:
        step(work(), artifact, current_user)
    except ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("documents.show", document_id=document_id))
    flash(message, "info")
    return redirect(url_for("documents.show", document_id=document_id))


def _document(document_id: int) -> DocumentArtifact:
    return get_document(work(), document_id) or abort(404)


def _filename(artifact: DocumentArtifact) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in artifact.title)
    return f"{safe[:80].strip('-')}-{artifact.sha256[:8]}.pdf"
