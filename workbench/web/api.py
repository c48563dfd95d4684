"""The JSON API: evaluate a scenario, list and fetch documents, record an offer.

Authentication is a per-user bearer token (issued on the Account page), never the session
cookie, so the API needs no CSRF token and a page's cookie cannot be replayed against it. The
same role checks as the pages apply. Every refusal, and any error under /api/ (even a 404 no
route matches, a 413 or a 500), has one shape (web/errors.py json_errors):
`{"errors": [{"field": <name or null>, "message": <why>}]}`.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, url_for

from workbench import engine
from workbench.engine.parse import TOO_DEEP
from workbench.errors import WorkbenchError, problems_from_lines
from workbench.extensions import csrf
from workbench.models import DocumentArtifact
from workbench.models.enums import EDIT, READ
from workbench.services.accounts import get_user_by_token
from workbench.services.negotiations import get_negotiation, record_offer
from workbench.services.rates import RatesRequest, build_rates_report
from workbench.services.review import get_document, list_documents
from workbench.web.security import audit_view, permission_required
from workbench.web.unit import work

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)


@blueprint.before_request
def authenticate_token() -> Any:
    """Identify the caller by `Authorization: Bearer <token>`; anything else is 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = get_user_by_token(work(), token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise WorkbenchError(
            "a valid API token is required (Authorization: Bearer <token>)", status=401
        )
    g.api_user = user
    return None


@blueprint.post("/evaluate")
@permission_required(READ)
def evaluate() -> Any:
    """Evaluate a scenario file's JSON; answer as `workbench rates --json` does."""
    try:
        scenario = engine.scenario_from_text(request.get_data(as_text=True))
    except engine.ScenarioFileError as error:
        raise WorkbenchError(str(error), status=400) from None
    except engine.ScenarioError as error:
        raise WorkbenchError(str(error), problems=problems_from_lines(error.errors)) from None
    options = RatesRequest(
        model=request.args.get("model") or None,
        compare=request.args.get("compare") == "1",
        tornado=request.args.get("tornado") == "1",
    )
    if options.model and options.model not in engine.PAYMENT_MODELS:
        raise WorkbenchError(f"must be one of {', '.join(engine.PAYMENT_MODELS)}", "model")
    return jsonify(build_rates_report(scenario, options).data)


@blueprint.get("/documents")
@permission_required(READ)
def documents() -> Any:
    """List the generated documents, newest first (optionally ?status=approved)."""
    status = request.args.get("status", "")
    return jsonify(documents=[_document_json(d) for d in list_documents(work(), status)])


@blueprint.get("/documents/<int:document_id>")
@permission_required(READ)
def document(document_id: int) -> Any:
    """Describe one document: status, provenance and where to get the PDF."""
    artifact = get_document(work(), document_id) or abort(404)
    audit_view("document.viewed", artifact, via="api")
    return jsonify(_document_json(artifact))


@blueprint.get("/documents/<int:document_id>.pdf")
@permission_required(READ)
def document_pdf(document_id: int) -> Response:
    """Return the document's PDF bytes."""
    artifact = get_document(work(), document_id) or abort(404)
    audit_view("document.pdf_read", artifact, disposition="api")
    return Response(artifact.pdf, mimetype="application/pdf", headers={"ETag": artifact.sha256})


@blueprint.post("/negotiations/<int:negotiation_id>/offers")
@permission_required(EDIT)
def offers(negotiation_id: int) -> Any:
    """Record an offer or counteroffer (round, side, payment_model, pmpm, rates, response)."""
    negotiation = get_negotiation(work(), negotiation_id) or abort(404)
    body = _json_object()
    offer = record_offer(work(), negotiation, user=g.api_user, **_offer_fields(body))
    return jsonify(
        id=offer.id,
        round=offer.round,
        side=str(offer.side),
        pmpm=None if offer.pmpm is None else str(offer.pmpm),
    ), 201


def _json_object() -> dict:
    """The request's JSON object, or a 400 naming what is wrong with it."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise WorkbenchError(f"the body is {TOO_DEEP}", status=400) from None
    if not isinstance(body, dict):
        raise WorkbenchError("the body must be a JSON object", status=400)
    return body


def _offer_fields(body: dict) -> dict:
    allowed = {
        "round",
        "side",
        "payment_model",
        "pmpm",
        "rates",
        "response",
        "notes",
        "scenario_id",
    }
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise WorkbenchError(
            f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    fields = dict(body)
    for key in ("pmpm",):
        if fields.get(key) is not None:
            fields[key] = _decimal(key, fields[key])
    fields["rates"] = {
        code: _decimal(f"rates.{code}", rate) for code, rate in (fields.get("rates") or {}).items()
    }
    return fields


def _decimal(field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise WorkbenchError("must be a number", field) from None


def _link(endpoint: str, **values: Any) -> str:
    """An address for a client: under WORKBENCH_EXTERNAL_URL when it is configured, else a path
    on this site. Never built from the request's Host header, which the client chooses."""
    base = current_app.config.get("WORKBENCH_EXTERNAL_URL")
    path = url_for(endpoint, **values)
    return f"{base.rstrip('/')}{path}" if base else path


def _document_json(artifact: DocumentArtifact) -> dict:
    return {
        "id": artifact.id,
        "title": artifact.title,
        "kind": str(artifact.kind),
        "status": str(artifact.status),
        "pages": artifact.page_count,
        "sha256": artifact.sha256,
        "method_version": artifact.method_version,
        "template_version": artifact.template_version,
        "created_at": artifact.created_at.isoformat(),
        "stakeholders": artifact.inputs_snapshot.get("stakeholders", []),
        "scenario": artifact.inputs_snapshot.get("scenario", {}).get("name"),
        "pdf": _link("api.document_pdf", document_id=artifact.id),
    }
