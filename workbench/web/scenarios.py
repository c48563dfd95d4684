"""Scenarios: the list, the page with live figures, save and copy, import and export, analysis."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workbench import engine
from workbench.errors import ConflictError, WorkbenchError
from workbench.models.enums import EDIT, READ
from workbench.services.claims_sizings import (
    ClaimsOffer,
    fill_from_claims,
    get_claims_offer,
    get_claims_source,
    latest_claims_offer,
    use_claims_sizing,
)
from workbench.services.contract_analysis import ContractAnalysis
from workbench.services.scenarios import (
    Editor,
    create_copy,
    create_scenario,
    create_scenario_from_text,
    create_upgraded_scenario,
    delete_scenario,
    get_analysis,
    get_editor,
    get_organization_payer,
    get_savings_preset,
    get_scenario_yaml,
    list_scenarios,
    preview_scenario,
    update_scenario,
)
from workbench.services.versioning import EditConflict
from workbench.web.errors import show_on_form
from workbench.web.forms.scenarios import (
    RowAction,
    ScenarioForm,
    ScenarioImportForm,
    apply_preset,
    apply_row_action,
    focus_after,
    form_data,
    form_state,
    place_messages,
    row_action,
    scenario_mapping,
    touched_inputs,
)
from workbench.web.security import audit_view, permission_required
from workbench.web.unit import work

blueprint = Blueprint("scenarios", __name__, url_prefix="/scenarios")


@blueprint.get("/")
def index() -> str:
    """List the scenarios with their proposed PMPM and provider net, and the import form."""
    return _index_page(ScenarioImportForm(formdata=None))


@blueprint.post("/import")
@permission_required(EDIT)
def import_file():
    """Save a scenario read from an uploaded YAML or JSON file; a bad file saves nothing."""
    form = ScenarioImportForm()
    if not form.validate_on_submit():
        return _index_page(form), 422
    try:
        record = create_scenario_from_text(work(), form.file.data.read(), current_user)
    except WorkbenchError as error:
        show_on_form(form, error, "file")
        return _index_page(form), 422
    flash(f"Imported “{record.name}”.", "info")
    return redirect(url_for("scenarios.show", scenario_id=record.id))


@blueprint.get("/new")
@permission_required(EDIT)
def new() -> str:
    """Show the form for a new scenario, starting from the staffing and cost guidelines.

    With `?claims=<sizing id>` (from an organization page) it is for that organization, with the
    baseline and cohort multiplier of its claims filled in.
    """
    editor = get_editor(work())
    data = form_data(editor.inputs, None, 0)
    chosen = request.args.get("claims", "")
    offer = get_claims_offer(work(), int(chosen)) if chosen.isdigit() else None
    if offer is None:
        return _editor_page(ScenarioForm(formdata=None, data=data), editor)
    data = _with_claims(data | {"organization": str(offer.organization_id)}, offer)
    return _changed_rows_page(None, data, claims_used=offer)


@blueprint.post("/new")
@permission_required(EDIT)
def create():
    """Save a new scenario, or add or remove a row of the form."""
    return _submit(None)


@blueprint.get("/<int:scenario_id>")
def show(scenario_id: int) -> str:
    """Show a scenario's inputs with their figures; leads can edit them here."""
    editor = get_editor(work(), scenario_id) or abort(404)
    record = editor.scenario
    data = form_data(editor.inputs, record.organization_id, record.version)
    return _editor_page(ScenarioForm(formdata=None, data=data), editor)


@blueprint.post("/<int:scenario_id>")
@permission_required(EDIT)
def save(scenario_id: int):
    """Save the scenario (or a copy of it), or add or remove a row of the form."""
    return _submit(scenario_id)


@blueprint.post("/preview")
@permission_required(READ)
def preview() -> str:
    """Recalculate the figures for the inputs as typed; nothing is saved (htmx, as you type)."""
    form = ScenarioForm()
    result = preview_scenario(scenario_mapping(form))
    touched = touched_inputs(request.form.get("touched"))
    messages = place_messages(form, result.errors, result.warnings, touched)
    response = make_response(
        render_template("scenarios/_preview.html", form=form, preview=result, messages=messages)
    )
    if result.errors:
        # Keep the last good figures on the page, greyed; only the problems and help change.
        response.headers["HX-Reswap"] = "none"
    return response


@blueprint.post("/<int:scenario_id>/duplicate")
@permission_required(EDIT)
def duplicate(scenario_id: int):
    """Save a copy of the scenario to try a variation on."""
    copy = create_copy(work(), scenario_id, current_user)
    flash(f"Saved a copy as “{copy.name}”.", "info")
    return redirect(url_for("scenarios.show", scenario_id=copy.id))


@blueprint.post("/<int:scenario_id>/upgrade")
@permission_required(EDIT)
def upgrade(scenario_id: int):
    """Save a method-1 scenario again as a new method-2 one and say which figures changed."""
    try:
        record, changes = create_upgraded_scenario(work(), scenario_id, current_user)
    except WorkbenchError as error:
        flash(error.message, "error")
        return redirect(url_for("scenarios.show", scenario_id=scenario_id))
    flash(f"Saved “{record.name}”, the method-2 scenario; the original is unchanged.", "info")
    for change in changes:
        flash(change, "change")
    return redirect(url_for("scenarios.show", scenario_id=record.id))


@blueprint.post("/<int:scenario_id>/delete")
@permission_required(EDIT)
def delete(scenario_id: int):
    """Delete the scenario; one that documents or offers refer to is hidden instead."""
    soft = delete_scenario(work(), scenario_id, current_user)
    if soft:
        flash(
            "Documents or offers refer to this scenario, so it is archived: hidden from the list "
            "but kept for them.",
            "info",
        )
    else:
        flash("Scenario deleted.", "info")
    return redirect(url_for("scenarios.index"))


@blueprint.get("/<int:scenario_id>/export.yaml")
def export(scenario_id: int) -> Response:
    """Download the scenario as a YAML file that `workbench rates` reads."""
    filename, text = get_scenario_yaml(work(), scenario_id) or abort(404)
    audit_view("scenario.exported", scenario_id=scenario_id, filename=filename)
    response = Response(text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blueprint.get("/<int:scenario_id>/analysis")
def analysis(scenario_id: int) -> str:
    """Show what moves the figures (tornado), their spread (Monte Carlo) and the break-even."""
    result = get_analysis(work(), scenario_id, request.args.get("model")) or abort(404)
    template = "analysis_contract" if isinstance(result, ContractAnalysis) else "analysis"
    return render_template(f"scenarios/{template}.html", analysis=result)


def _submit(scenario_id: int | None):
    """Handle a post of the scenario form: a row change re-renders; a save validates and saves."""
    form = ScenarioForm()
    verb, _, chosen = (request.form.get("action") or "").partition("-")
    if verb == "use_claims":
        offer = get_claims_offer(work(), int(chosen)) if chosen.isdigit() else None
        if offer is None:
            abort(404)
        return _changed_rows_page(scenario_id, _with_claims(form_state(form), offer), offer)
    if verb == "use_preset":
        preset = get_savings_preset(work(), request.form.get("savings_preset", ""))
        if preset is None:
            abort(404)
        return _changed_rows_page(scenario_id, apply_preset(form_state(form), preset))
    action = row_action(request.form.get("action"))
    if action is not None:
        payer = None
        if action.verb in ("add_organization_payer", "use_organization"):
            # The organization picked to fill a new row, or the one the scenario is for.
            field = (
                "fill_organization" if action.verb == "add_organization_payer" else "organization"
            )
            chosen = request.form.get(field, "")
            payer = get_organization_payer(work(), int(chosen)) if chosen.isdigit() else None
        data = apply_row_action(form_state(form), action, payer)
        return _changed_rows_page(scenario_id, data, focus=focus_after(action, data))
    mapping = scenario_mapping(form)
    claims_used = request.form.get("claims_sizing", "")
    try:
        record = _save(scenario_id, form, mapping)
        if claims_used.isdigit():
            use_claims_sizing(work(), record, int(claims_used), current_user.id)
    except engine.ScenarioError as error:
        return _posted_page(form, scenario_id, mapping, errors=error.errors), 422
    except EditConflict as error:
        return _posted_page(form, scenario_id, mapping, conflict=str(error)), 409
    except ConflictError as error:  # another organization's claims: nothing is saved
        return _posted_page(form, scenario_id, mapping, errors=[str(error.problems[0])]), 409
    flash(f"Saved “{record.name}”.", "info")
    return redirect(url_for("scenarios.show", scenario_id=record.id))


def _with_claims(data: dict, offer: ClaimsOffer) -> dict:
    """Fill the offer's baseline and cohort multiplier in; add the payer's row if it is missing."""

    def add_payer(state: dict) -> dict:
        payer = get_organization_payer(work(), offer.organization_id)
        return apply_row_action(state, RowAction("add_organization_payer"), payer)

    return fill_from_claims(data, offer, add_payer)


def _save(scenario_id: int | None, form: ScenarioForm, mapping: dict):
    organization_id = form.organization_id()
    if scenario_id is None or request.form.get("action") == "save_copy":
        return create_scenario(work(), mapping, current_user, organization_id, scenario_id)
    return update_scenario(
        work(), scenario_id, form.form_version(), mapping, organization_id, current_user
    )


def _changed_rows_page(
    scenario_id: int | None,
    data: dict,
    claims_used: ClaimsOffer | None = None,
    focus: str | None = None,
) -> str:
    form = ScenarioForm(formdata=None, data=data)
    editor = get_editor(work(), scenario_id, scenario_mapping(form)) or abort(404)
    return _editor_page(form, editor, claims_used=claims_used, focus=focus)


def _posted_page(
    form: ScenarioForm,
    scenario_id: int | None,
    mapping: dict,
    errors: list[str] | None = None,
    conflict: str | None = None,
) -> str:
    """Re-render what the person posted, with the save's errors (or its conflict)."""
    editor = get_editor(work(), scenario_id, mapping) or abort(404)
    if conflict and editor.scenario is not None:
        # Saving again on purpose, after reading the message, overwrites the newer version.
        form.version.data = str(editor.scenario.version)
    return _editor_page(form, editor, conflict, errors)


def _editor_page(
    form: ScenarioForm,
    editor: Editor,
    conflict: str | None = None,
    errors: list[str] | None = None,
    claims_used: ClaimsOffer | None = None,
    focus: str | None = None,
) -> str:
    form.offer_organizations(editor.organizations)
    # A refused save shows every problem; a page opened or re-rendered, those of touched inputs.
    touched = None if errors else touched_inputs(request.form.get("touched"))
    messages = place_messages(
        form, errors or editor.preview.errors, editor.preview.warnings, touched
    )
    if claims_used is None:
        # A row change or a refused save keeps the claims figures filled in before it.
        kept = request.form.get("claims_sizing", "")
        claims_used = get_claims_offer(work(), int(kept)) if kept.isdigit() else None
    return render_template(
        "scenarios/edit.html",
        claims_offer=latest_claims_offer(work(), form.organization_id()),
        claims_used=claims_used,
        claims_source=get_claims_source(work(), editor.scenario),
        form=form,
        editor=editor,
        record=editor.scenario,
        preview=editor.preview,
        messages=messages,
        conflict=conflict,
        touched=request.form.get("touched", ""),
        focus=focus,
        not_saved=bool(errors or conflict),
    )


def _index_page(form: ScenarioImportForm) -> str:
    return render_template(
        "scenarios/index.html", scenarios=list_scenarios(work()), import_form=form
    )
