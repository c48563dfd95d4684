"""The negotiation log per payer: stage and next steps, meetings, offers by round, the gap."""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workbench.models import utcnow
from workbench.models.enums import EDIT, OfferResponse
from workbench.services.negotiations import (
    OFFER_RATE_CODES,
    NegotiationError,
    NegotiationPage,
    create_negotiation,
    get_negotiation_page,
    get_offer_meaning,
    list_negotiations,
    list_payers,
    proposal_stage,
    record_meeting,
    record_offer,
    update_negotiation,
    update_offer_response,
)
from workbench.services.versioning import EditConflict
from workbench.web.errors import show_on_form
from workbench.web.forms.negotiations import (
    RESPONSE_LABELS,
    SIDE_LABELS,
    STAGE_LABELS,
    MeetingForm,
    NegotiationCreateForm,
    NegotiationStatusForm,
    OfferForm,
    OfferResponseForm,
)
from workbench.web.security import permission_required
from workbench.web.time_zones import local_time
from workbench.web.unit import work

blueprint = Blueprint("negotiations", __name__, url_prefix="/negotiations")
# The offer form names its rate fields rate_<code>; the service names them rates.<code>.
RATE_FIELDS = {f"rates.{code}": f"rate_{code}" for code in OFFER_RATE_CODES}


@blueprint.context_processor
def vocabulary() -> dict:
    """Give this blueprint's templates the labels of the negotiation vocabularies."""
    return {
        "stage_labels": STAGE_LABELS,
        "side_labels": SIDE_LABELS,
        "response_labels": RESPONSE_LABELS,
    }


@blueprint.get("/")
def index() -> str:
    """List the negotiations (optionally one payer's) with stage, next meeting and offer gap."""
    payer = request.args.get("organization", type=int)
    return render_template(
        "negotiations/index.html",
        negotiations=list_negotiations(work(), payer),
        payers=list_payers(work()),
        payer=payer,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def new():
    """Open a negotiation with a payer."""
    form = NegotiationCreateForm(list_payers(work()))
    if request.method == "GET":
        form.organization_id.data = request.args.get("organization_id", type=int)
        reached = form.organization_id.data and proposal_stage(work(), form.organization_id.data)
        if reached:
            form.stage.data = reached.value  # opened from a payer whose proposal has moved on
    if form.validate_on_submit():
        try:
            negotiation = create_negotiation(
                work(),
                organization_id=form.organization_id.data,
                user=current_user,
                **form.values(),
            )
        except NegotiationError as error:
            show_on_form(form, error, "organization_id")
        else:
            flash(f"Negotiation with {negotiation.organization.name} opened.", "info")
            _warn_if_past(negotiation.next_meeting_at)
            return redirect(url_for("negotiations.show", negotiation_id=negotiation.id))
    return render_template("negotiations/new.html", form=form), 422 if form.errors else 200


@blueprint.get("/<int:negotiation_id>")
def show(negotiation_id: int) -> str:
    """Show a negotiation: stage, next steps, meetings, offers by round and the gap chart."""
    return _show_page(_page(negotiation_id))


@blueprint.post("/<int:negotiation_id>/status")
@permission_required(EDIT)
def update_status(negotiation_id: int):
    """Save the stage and next steps; a save after someone else's is refused (409), input kept."""
    page = _page(negotiation_id)
    form = NegotiationStatusForm()
    if not form.validate_on_submit():
        return _show_page(page, status_form=form), 422
    try:
        update_negotiation(
            work(), page.negotiation, int(form.version.data), form.values(), current_user
        )
    except EditConflict as error:
        page = _page(negotiation_id)
        # Their save stands; saving this form again now replaces it on purpose.
        form.version.data = str(page.negotiation.version)
        return _show_page(page, status_form=form, conflict=str(error)), 409
    flash("Stage and next steps saved.", "info")
    _warn_if_past(form.values()["next_meeting_at"])
    return _back(negotiation_id, "status")


@blueprint.post("/<int:negotiation_id>/meetings")
@permission_required(EDIT)
def new_meeting(negotiation_id: int):
    """Record a meeting with the payer and who attended."""
    page = _page(negotiation_id)
    form = MeetingForm(page.attendees, prefix="meeting")
    return _add_to_log(page, "meeting_form", form, record_meeting, "Meeting recorded.", "meetings")


@blueprint.post("/<int:negotiation_id>/offers")
@permission_required(EDIT)
def new_offer(negotiation_id: int):
    """Record an offer or counteroffer in a round."""
    page = _page(negotiation_id)
    form = OfferForm(page.scenarios, prefix="offer")
    return _add_to_log(page, "offer_form", form, record_offer, "Offer recorded.", "offers")


@blueprint.post("/<int:negotiation_id>/offers/preview")
@permission_required(EDIT)
def offer_preview(negotiation_id: int) -> str:
    """Say what the offer as typed means for both sides, before it is recorded (htmx)."""
    page = _page(negotiation_id)
    form = OfferForm(page.scenarios, prefix="offer")
    meaning = get_offer_meaning(
        work(), form.scenario_id.data, form.pmpm.data, form.payment_model.data
    )
    return render_template("negotiations/_offer_meaning.html", meaning=meaning, preview=True)


@blueprint.post("/<int:negotiation_id>/offers/<int:offer_id>/response")
@permission_required(EDIT)
def offer_response(negotiation_id: int, offer_id: int):
    """Record the answer an offer got (accepted, rejected, countered, withdrawn)."""
    page = _page(negotiation_id)
    form = OfferResponseForm(prefix=f"o{offer_id}")
    if not form.validate_on_submit():
        abort(400)
    response = OfferResponse(form.response.data)
    offer = update_offer_response(work(), page.negotiation, offer_id, response, current_user)
    if offer is None:
        abort(404)
    flash("Response saved.", "info")
    return _back(negotiation_id, "offers")


def _add_to_log(page: NegotiationPage, form_name: str, form, record, message: str, anchor: str):
    """Validate a meeting or offer form and record it; on errors, show the page with the input."""
    if form.validate_on_submit():
        try:
            record(work(), page.negotiation, user=current_user, **form.values())
        except NegotiationError as error:
            show_on_form(form, error, "notes", RATE_FIELDS)
        else:
            flash(message, "info")
            return _back(page.negotiation.id, anchor)
    return _show_page(page, **{form_name: form}), 422


def _warn_if_past(when: datetime | None) -> None:
    """Saved as typed, but say so when the next meeting's time has already gone by."""
    if when is not None and when < utcnow():
        flash(f"The next meeting, {local_time(when)}, is in the past: check the date.", "warning")


def _page(negotiation_id: int) -> NegotiationPage:
    return get_negotiation_page(work(), negotiation_id) or abort(404)


def _show_page(
    page: NegotiationPage,
    status_form: NegotiationStatusForm | None = None,
    meeting_form: MeetingForm | None = None,
    offer_form: OfferForm | None = None,
    conflict: str = "",
) -> str:
    """Render the page; the form that was posted comes back as typed, the others fresh."""
    negotiation = page.negotiation
    if status_form is None:
        status_form = NegotiationStatusForm(formdata=None, obj=negotiation)
        status_form.version.data = str(negotiation.version)
    if offer_form is None:
        offer_form = OfferForm(page.scenarios, formdata=None, prefix="offer", round=page.next_round)
    response_forms = {
        offer.id: OfferResponseForm(formdata=None, prefix=f"o{offer.id}", obj=offer)
        for offer in negotiation.offers
    }
    return render_template(
        "negotiations/show.html",
        page=page,
        negotiation=negotiation,
        status_form=status_form,
        meeting_form=meeting_form or MeetingForm(page.attendees, formdata=None, prefix="meeting"),
        offer_form=offer_form,
        offer_meaning=get_offer_meaning(
            work(),
            offer_form.scenario_id.data,
            offer_form.pmpm.data,
            offer_form.payment_model.data,
        ),
        response_forms=response_forms,
        conflict=conflict,
    )


def _back(negotiation_id: int, anchor: str):
    return redirect(url_for("negotiations.show", negotiation_id=negotiation_id, _anchor=anchor))
