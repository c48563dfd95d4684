"""The library: stakeholder profiles, the evidence library, and local evidence a lead adds."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workbench.models.enums import EDIT
from workbench.services.evidence import (
    create_local_evidence,
    get_evidence,
    get_profile,
    list_domains,
    list_evidence,
)
from workbench.services.overview import get_library_overview
from workbench.web.forms.evidence import LocalEvidenceForm
from workbench.web.security import permission_required
from workbench.web.unit import work

blueprint = Blueprint("library", __name__, url_prefix="/library")


CATEGORY_LABELS = {
    "payer": "Payer",
    "employer": "Employer",
    "aco": "ACO or clinically integrated network",
    "provider": "Provider",
    "patient": "Patients and families",
    "state_agency": "State agency",
}


@blueprint.context_processor
def library_names() -> dict:
    """Give the library pages what the stakeholder categories are called."""
    return {"category_labels": CATEGORY_LABELS}


@blueprint.get("/", endpoint="profiles")
def profiles() -> str:
    """List the stakeholder profiles with the value domains each weighs most."""
    return render_template("library/profiles.html", overview=get_library_overview(work()))


@blueprint.get("/profiles/<key>")
def profile(key: str) -> str:
    """Show one stakeholder profile: weights, what is in it for them, objections, asks."""
    page = get_profile(work(), key) or abort(404)
    return render_template("library/profile.html", profile=page)


@blueprint.get("/evidence")
def evidence() -> str:
    """List the evidence, filtered by value domain, stance or kind."""
    library = list_evidence(
        work(),
        domain=request.args.get("domain", ""),
        stance=request.args.get("stance", ""),
        kind=request.args.get("kind", ""),
    )
    return render_template("library/evidence.html", library=library)


@blueprint.route("/evidence/new", methods=["GET", "POST"])
@permission_required(EDIT)
def new_evidence():
    """Add local evidence (a pilot's results) with its source."""
    form = LocalEvidenceForm(list_domains(work()))
    if form.validate_on_submit():
        item = create_local_evidence(work(), form.evidence(), current_user)
        flash(f"Added “{item.study}” to the evidence library.", "info")
        return redirect(url_for("library.evidence_item", key=item.key))
    status = 422 if form.errors else 200
    return render_template("library/new_evidence.html", form=form), status


@blueprint.get("/evidence/<key>")
def evidence_item(key: str) -> str:
    """Show one study or pilot with its full citation and note."""
    item = get_evidence(work(), key) or abort(404)
    return render_template("library/evidence_item.html", item=item)
