"""Generate documents into stored artifacts, serve them again from storage, approve them.

An artifact is keyed by a hash of everything that decides its bytes: the scenario's inputs, the
document kind and stakeholders, who it is from and the date, the engine method, the template
version and the reference library it cites. The same request returns the stored artifact.
"""

import dataclasses
import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from workbench import engine
from workbench.documents.context import (
    TEMPLATE_VERSION,
    UNNAMED_PROVIDER,
    DocumentRequest,
    build_context,
)
from workbench.documents.contract import TEMPLATE_VERSION as CONTRACT_TEMPLATE_VERSION
from workbench.documents.contract import build_contract_context
from workbench.documents.pdf import RenderError
from workbench.documents.render import (
    design_fingerprint,
    make_charts,
    make_contract_charts,
    render_document,
)
from workbench.documents.snapshot import (
    DomainInfo,
    EvidenceInfo,
    LibrarySnapshot,
    MeasureInfo,
    ModelInfo,
    OwnOrganization,
    ProfileInfo,
    SavingsRange,
)
from workbench.engine.method2.results import ContractResult
from workbench.errors import ConflictError, WorkbenchError
from workbench.models import (
    DocumentArtifact,
    EvidenceItem,
    IntegrationModel,
    Job,
    QualityMeasure,
    StakeholderProfile,
    ValueDomain,
    live,
    utcnow,
)
from workbench.models.enums import (
    DocumentKind,
    IntegrationKind,
)
from workbench.services.audit import record_event
from workbench.services.jobs import enqueue_job, job_handler, live_jobs
from workbench.services.our_organization import get_our_organization


class DocumentError(WorkbenchError):
    """A document request that cannot be met (unknown stakeholder, nothing loaded...)."""


def get_library_snapshot(session: Session) -> LibrarySnapshot:
    """Copy the reference library the documents draw on out of the database."""
    domains = session.scalars(
        select(ValueDomain)
        .options(selectinload(ValueDomain.metrics))
        .order_by(ValueDomain.position)
    ).all()
    evidence = session.scalars(
        select(EvidenceItem)
        .where(live(EvidenceItem))
        .options(selectinload(EvidenceItem.domains))
        .order_by(EvidenceItem.id)
    ).all()
    measures = session.scalars(
        select(QualityMeasure)
        .options(selectinload(QualityMeasure.domains))
        .order_by(QualityMeasure.id)
    ).all()
    profiles = session.scalars(
        select(StakeholderProfile).where(live(StakeholderProfile)).order_by(StakeholderProfile.id)
    ).all()
    models = session.scalars(
        select(IntegrationModel).where(IntegrationModel.kind == IntegrationKind.MODEL)
    ).all()
    return LibrarySnapshot(
        domains=tuple(_domain_info(d) for d in domains),
        evidence=tuple(_evidence_info(e) for e in evidence),
        measures=tuple(_measure_info(m) for m in measures),
        profiles=tuple(_profile_info(p) for p in profiles),
        integration_models=tuple(_model_info(m) for m in models),
    )


def validate_request(
    request: DocumentRequest, library: LibrarySnapshot, scenario: engine.AnyScenario
) -> None:
    """Refuse an unknown document kind or stakeholder, naming the valid ones.

    A method-2 document names who it is from and cites the savings' evidence item: it is not
    made with a placeholder for our organization or a source the library does not hold.
    """
    if DocumentKind.from_slug(request.kind) is None:
        raise DocumentError(
            f"unknown document '{request.kind}'; choose one of {', '.join(DocumentKind.slugs())}"
        )
    known = [profile.key for profile in library.profiles]
    if not known:
        raise DocumentError("no stakeholder profiles are loaded: run `workbench init` first")
    unknown = [key for key in request.stakeholders if key not in known]
    if unknown:
        raise DocumentError(
            f"unknown stakeholder {', '.join(unknown)}; choose from {', '.join(sorted(known))}"
        )
    if DocumentKind.from_slug(request.kind).needs_stakeholder and not request.stakeholders:
        raise DocumentError(f"a {request.kind} needs at least one --stakeholder")
    if scenario.method != engine.METHOD_VERSION:
        _validate_contract_request(request, library, scenario)


def _validate_contract_request(request, library: LibrarySnapshot, scenario) -> None:
    given = (request.prepared_by or "").strip()
    if not given or given == UNNAMED_PROVIDER:
        raise DocumentError(
            "name our organization first (an administrator sets it under Our organization; "
            "or --prepared-by on the command line): "
            "a document argued from the contract term is not issued by an unnamed provider"
        )
    kind = scenario.focus_payer_kind
    misfits = [
        key
        for key in request.stakeholders
        if kind and key != kind and library.profile(key).category == "payer"
    ]
    if misfits:
        raise DocumentError(
            f"stakeholder {', '.join(misfits)} does not fit {scenario.focus_payer}, a "
            f"{kind} (focus_payer_kind); use {kind} or a stakeholder who is not a payer"
        )
    source = scenario.savings.source
    if source is not None and source not in {item.key for item in library.evidence}:
        raise DocumentError(
            f"savings.source: {source} is not in the evidence library; name an evidence item's key"
        )


def build_document_request(
    session: Session, kind: str, stakeholders: tuple[str, ...], prepared_by: str | None
) -> DocumentRequest:
    """Fill in a document request's defaults: our organization's name, today's date."""
    own = own_organization(session)
    return DocumentRequest(
        kind=kind,
        stakeholders=tuple(stakeholders),
        prepared_by=prepared_by or (own.name if own else UNNAMED_PROVIDER),
        issued=utcnow().date(),
        own_organization=own,
    )


def own_organization(session: Session) -> OwnOrganization | None:
    """Our own organization (services/our_organization.py), with its first contact if any."""
    organization = get_our_organization(session)
    if organization is None:
        return None
    contacts = sorted(organization.contacts, key=lambda contact: contact.id)
    contact = None
    if contacts:
        first = contacts[0]
        contact = ", ".join(
            part for part in (first.name, first.title, first.email, first.phone) if part
        )
    return OwnOrganization(organization.name, contact)


def preview_context(session: Session, scenario: engine.AnyScenario, request: DocumentRequest):
    """Build the context of a document without storing anything (for an HTML preview)."""
    library = get_library_snapshot(session)
    validate_request(request, library, scenario)
    return document_context(request, scenario, library)


def document_context(
    request: DocumentRequest, scenario: engine.AnyScenario, library: LibrarySnapshot
):
    """Build a document's context by the scenario's method: one year (1) or the term (2)."""
    if scenario.method == engine.METHOD_VERSION:
        return build_context(request, scenario, library, make_charts)
    return build_contract_context(request, scenario, library, make_contract_charts)


def request_document(
    session: Session,
    scenario: engine.AnyScenario,
    request: DocumentRequest,
    *,
    user_id: int | None = None,
    scenario_id: int | None = None,
) -> tuple[DocumentArtifact | None, Job | None]:
    """Return the stored artifact for this request, or a job that renders it in the background.

    WeasyPrint takes about 0.3 s a page, so a render must not hold a request thread; and a
    request already being rendered is answered with that job rather than a second render.
    """
    _, inputs, stored = _stored_artifact(session, scenario, request)
    if stored is not None:
        return stored, None
    key = _cache_key(inputs)
    pending = _pending_render(session, key)
    if pending is not None:
        return None, pending
    params = {
        "cache_key": key,
        "scenario": engine.scenario_to_dict(scenario),
        "request": {
            "kind": request.kind,
            "stakeholders": list(request.stakeholders),
            "prepared_by": request.prepared_by,
            "issued": request.issued.isoformat(),
            "version": request.version,
            "own_organization": _own_organization_dict(request),
            "approval": request.approval,
        },
        "user_id": user_id,
        "scenario_id": scenario_id,
    }
    return None, enqueue_job(session, "render_document", params, user_id)


@job_handler("render_document")
def _render_job(session: Session, params: dict[str, Any], job: Job) -> tuple[str, int]:
    saved = params["request"]
    request = DocumentRequest(
        kind=saved["kind"],
        stakeholders=tuple(saved["stakeholders"]),
        prepared_by=saved["prepared_by"],
        issued=date.fromisoformat(saved["issued"]),
        version=saved["version"],
        own_organization=OwnOrganization(**saved["own_organization"])
        if saved.get("own_organization")
        else None,
        approval=saved.get("approval"),
    )
    scenario = engine.parse_scenario(params["scenario"])
    artifact, _ = generate_document(
        session, scenario, request, user_id=params["user_id"], scenario_id=params["scenario_id"]
    )
    return "document", artifact.id


def generate_document(
    session: Session,
    scenario: engine.AnyScenario,
    request: DocumentRequest,
    *,
    user_id: int | None = None,
    scenario_id: int | None = None,
) -> tuple[DocumentArtifact, bool]:
    """Return the artifact for this request (and whether it is new), rendering only if unstored."""
    library, inputs, stored = _stored_artifact(session, scenario, request)
    if stored is not None:
        return stored, False
    context = document_context(request, scenario, library)
    try:
        rendered = render_document(context)
    except RenderError as error:
        raise DocumentError(f"the {request.kind} could not be rendered: {error}") from error
    artifact = DocumentArtifact(
        kind=DocumentKind.from_slug(request.kind),
        title=context.meta.title,
        scenario_id=scenario_id,
        profile_id=_profile_id(session, request),
        cache_key=_cache_key(inputs),
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        pdf=rendered.pdf,
        page_count=rendered.page_count,
        inputs_snapshot=inputs,
        key_figures=key_figures(context.result),
        method_version=scenario.method,
        template_version=_template_version(scenario),
        created_by_id=user_id,
    )
    session.add(artifact)
    session.flush()
    record_event(
        session,
        "document.generated",
        user_id=user_id,
        target=artifact,
        details={"kind": request.kind, "stakeholders": list(request.stakeholders)},
    )
    return artifact, True


def key_figures(result: engine.ModelResult | ContractResult) -> dict[str, str | None]:
    """Copy the figures an executive decides on out of the engine's result, as text.

    Method 2: the first contract year's quoted rate (the ask), the level rate over the term,
    the payer's ROI and our net over the term. Method 1 has one year: the ask is its rate.
    """
    if isinstance(result, ContractResult):
        figures = {
            "ask": result.years[0].proposed_pmpm,
            "level_pmpm": result.level_pmpm,
            "payer_roi": result.payer_roi,
            "provider_net": result.pv_provider_net,
        }
    else:
        figures = {
            "ask": result.proposed_pmpm,
            "level_pmpm": result.proposed_pmpm,
            "payer_roi": result.payer_roi,
            "provider_net": result.provider_net,
        }
    return {name: None if value is None else str(value) for name, value in figures.items()}


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What a method-2 document is rendered again from when it is approved."""

    request: DocumentRequest
    scenario: engine.AnyScenario
    library: LibrarySnapshot


def prepare_stamp(session: Session, artifact: DocumentArtifact) -> Stamp | None:
    """Check that a method-2 document can be stamped "Approved by ..." where it said DRAFT.

    Only the stamp may change: the scenario, the library and the design must still be those of
    the version the executive reviewed (the same cache key), or approving is refused. Method-1
    documents print no draft mark and are kept as they are (None).
    """
    inputs = artifact.inputs_snapshot
    if inputs.get("method") == engine.METHOD_VERSION:
        return None
    scenario = engine.parse_scenario(inputs["scenario"])
    own = inputs.get("own_organization")
    request = DocumentRequest(
        kind=inputs["document"],
        stakeholders=tuple(inputs["stakeholders"]),
        prepared_by=inputs["prepared_by"],
        issued=date.fromisoformat(inputs["issued"]),
        version=inputs["version"],
        own_organization=OwnOrganization(**own) if own else None,
    )
    library = get_library_snapshot(session)
    if _cache_key(_inputs_snapshot(scenario, request, library)) != artifact.cache_key:
        raise ConflictError(
            "the evidence library or the document design changed after this version was made; "
            "generate it again and approve the new version",
            "document",
        )
    return Stamp(request, scenario, library)


def write_stamp(session: Session, artifact: DocumentArtifact, stamp: Stamp, approval: str) -> None:
    """Render the document again with "Approved by <approval>" and store those bytes.

    Called by approving, in its unit of work, once the transition is claimed: the row is then
    approved, which the ORM's frozen-artifact guard protects, so the stamp is written by an
    update of its own (the approval and its stamp commit together, or neither does).
    """
    request = dataclasses.replace(stamp.request, approval=approval)
    context = document_context(request, stamp.scenario, stamp.library)
    try:
        rendered = render_document(context)
    except RenderError as error:
        raise DocumentError(f"the approved {request.kind} could not be stamped: {error}") from error
    session.execute(
        update(DocumentArtifact)
        .where(DocumentArtifact.id == artifact.id)
        .values(
            pdf=rendered.pdf,
            page_count=rendered.page_count,
            sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(artifact)


def _stored_artifact(
    session: Session, scenario: engine.AnyScenario, request: DocumentRequest
) -> tuple[LibrarySnapshot, dict[str, Any], DocumentArtifact | None]:
    """Check the request, and find the artifact already made from the same inputs, if any."""
    library = get_library_snapshot(session)
    validate_request(request, library, scenario)
    inputs = _inputs_snapshot(scenario, request, library)
    query = select(DocumentArtifact).where(DocumentArtifact.cache_key == _cache_key(inputs))
    return library, inputs, session.scalars(query.limit(1)).first()


def _pending_render(session: Session, key: str) -> Job | None:
    """The live job already rendering these inputs, if any (never one whose process died)."""
    jobs = live_jobs(session, "render_document")
    return next((job for job in jobs if job.params.get("cache_key") == key), None)


def _inputs_snapshot(
    scenario: engine.AnyScenario, request: DocumentRequest, library: LibrarySnapshot
) -> dict[str, Any]:
    library_json = json.dumps(dataclasses.asdict(library), sort_keys=True, default=str)
    return {
        "scenario": engine.scenario_to_dict(scenario),
        "document": request.kind,
        "stakeholders": list(request.stakeholders),
        "prepared_by": request.prepared_by,
        "own_organization": _own_organization_dict(request),
        "issued": request.issued.isoformat(),
        "version": request.version,
        "method": scenario.method,
        "template_version": _template_version(scenario),
        "approval": request.approval,
        "design_sha256": design_fingerprint(),
        "library_sha256": hashlib.sha256(library_json.encode()).hexdigest(),
    }


def _template_version(scenario: engine.AnyScenario) -> str:
    if scenario.method == engine.METHOD_VERSION:
        return TEMPLATE_VERSION
    return CONTRACT_TEMPLATE_VERSION


def _own_organization_dict(request: DocumentRequest) -> dict[str, Any] | None:
    own = request.own_organization
    return dataclasses.asdict(own) if own else None


def _cache_key(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _profile_id(session: Session, request: DocumentRequest) -> int | None:
    if not request.stakeholders:
        return None
    return session.scalar(
        select(StakeholderProfile.id).where(StakeholderProfile.key == request.stakeholders[0])
    )


def _domain_info(domain: ValueDomain) -> DomainInfo:
    return DomainInfo(
        domain.key, domain.name, domain.description, tuple((m.key, m.name) for m in domain.metrics)
    )


def _evidence_info(item: EvidenceItem) -> EvidenceInfo:
    return EvidenceInfo(
        key=item.key,
        study=item.study,
        citation=item.citation,
        year=item.year,
        population=item.population,
        effect=item.effect_description,
        caution=item.effect_caution,
        verified=item.verification_status == "verified",
        stance=str(item.stance),
        kind=str(item.kind),
        domains=tuple(d.key for d in item.domains),
        note=item.note,
        design=item.design,
        savings=_savings_range(item),
    )


def _savings_range(item: EvidenceItem) -> SavingsRange | None:
    """The savings an item supports: its preset's triangle, else a range of percent savings."""
    preset = item.savings_preset
    if preset:
        basis = preset["basis"]
        amount = preset.get("amount_per_treated_month", preset.get("percent_of_cohort_tcoc"))
        low, _, high = (Decimal(str(value)) for value in preset["triangle"])
        return SavingsRange(basis, Decimal(str(amount)), low, high)
    if item.effect_unit == "percent_savings" and item.effect_low is not None:
        hundred = Decimal(100)
        amount = None if item.effect_value is None else item.effect_value / hundred
        return SavingsRange(
            "percent_of_cohort_tcoc", amount, item.effect_low / hundred, item.effect_high / hundred
        )
    return None


def _measure_info(measure: QualityMeasure) -> MeasureInfo:
    return MeasureInfo(
        measure.key,
        measure.name,
        measure.abbreviation,
        measure.program,
        measure.description,
        measure.target,
        tuple(d.key for d in measure.domains),
    )


def _profile_info(profile: StakeholderProfile) -> ProfileInfo:
    content = profile.content
    positions = {w.domain.key: w.domain.position for w in profile.weights}
    weights = sorted(
        ((w.domain.key, w.weight) for w in profile.weights), key=lambda kw: positions[kw[0]]
    )
    return ProfileInfo(
        key=profile.key,
        name=profile.name,
        category=str(profile.category),
        summary=profile.summary,
        weights=tuple(weights),
        whats_in_it_for_them=tuple(content["whats_in_it_for_them"]),
        asks=tuple(content["asks"]),
        objections=tuple(
            (o["objection"], o["response"], tuple(o.get("evidence", ())))
            for o in content["objections"]
        ),
        metrics=tuple(content["metrics"]),
        payment_models=tuple(content["payment_models"]),
        talking_points=tuple(content["talking_points"]),
        ask_in_their_terms=content["ask_in_their_terms"],
        evidence_focus=tuple(content["evidence_focus"]),
    )


def _model_info(model: IntegrationModel) -> ModelInfo:
    details = model.details
    return ModelInfo(
        model.key,
        model.name,
        model.description,
        tuple(details.get("team", ())),
        tuple(details.get("codes", ())),
    )
