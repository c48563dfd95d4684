"""Build the context of a document argued from a method-2 scenario: the ask, the term, the risk.

Two audiences read these documents. Payer-facing ones (proposal, brief) get a context whose
`internal` part is None, so no template can print our costs, margin, walk-away or zone to the
payer; internal ones (executive summary, meeting packet) get it filled: the zone, the revenue
that is guaranteed and the revenue that is contingent, the no-savings case, the Monte Carlo and
both tornados with the terms fixed. Every figure is the engine's; the sentences are in
`argument`.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from workbench.documents import argument
from workbench.documents.charts import Chart
from workbench.documents.context import (
    Citation,
    DocumentRequest,
    InputRange,
    Meta,
    StakeholderView,
    TornadoRow,
    choose_measures,
    citation_of,
    input_range,
    number_citations,
    provider_of,
    stakeholder_view,
)
from workbench.documents.labels import MODEL_LABELS
from workbench.documents.sensitivity import analyse_contract
from workbench.documents.snapshot import LibrarySnapshot, MeasureInfo, ModelInfo, ProfileInfo
from workbench.engine.contract import (
    ContractEvaluation,
    ContractMonteCarlo,
    ContractResult,
    ContractScenario,
    ContractTornado,
    Zone,
    compare,
    evaluate,
    outcome,
)

TEMPLATE_VERSION = "2026.12.1"
PAYER, INTERNAL = "payer", "internal"
AUDIENCES = {
    "proposal": PAYER,
    "brief": PAYER,
    "executive-summary": INTERNAL,
    "meeting-packet": INTERNAL,
}
# Measures for people with schizophrenia or bipolar disorder: only for a program that serves them.
SMI_MEASURES = frozenset({"ssd", "smd", "smc", "saa"})
SMI_PROGRAMS = frozenset({"reverse_integration"})
SMI_WORDS = frozenset(
    {"schizophrenia", "schizophrenia,", "bipolar", "antipsychotic", "antipsychotics"}
)


@dataclass(frozen=True)
class ModelRow:
    """One payment model as the payer weighs it (payer-side figures only)."""

    key: str
    label: str
    result: ContractResult
    chosen: bool


@dataclass(frozen=True)
class Swings:
    """A tornado as a table: what it moves, its base, and one row per uncertain input."""

    output: str
    base: Decimal
    rows: tuple[TornadoRow, ...]


@dataclass(frozen=True)
class Internal:
    """What only our own side reads: the zone, the downside, the risk with the terms fixed."""

    zone: Zone | None
    no_savings: ContractResult
    risk: ContractMonteCarlo
    drawn: tuple[InputRange, ...]
    ask_swings: Swings
    margin_swings: Swings
    breakeven: str
    recommendation: str
    open_issues: tuple[str, ...]


@dataclass(frozen=True)
class ContractCharts:
    """The charts a method-2 document prints; None where it prints none."""

    term: Chart | None = None
    ask: Chart | None = None
    margin: Chart | None = None
    distribution: Chart | None = None


@dataclass(frozen=True)
class ContractDocumentContext:
    """Everything a method-2 document prints, decided: figures, sentences, citations."""

    meta: Meta
    audience: str
    scenario: ContractScenario
    model_key: str
    model_label: str
    evaluation: ContractEvaluation
    result: ContractResult
    level_rate: Decimal
    ask: str
    lede: str
    value_first: bool
    savings_case: tuple[str, ...]
    return_text: str
    reach: tuple[tuple[str, str], ...]  # (stakeholder key, how the ask reaches them)
    stakeholders: tuple[StakeholderView, ...]
    citations: tuple[Citation, ...]
    measures: tuple[MeasureInfo, ...]
    integration_model: ModelInfo | None
    timeline: tuple[tuple[str, str], ...]
    models: tuple[ModelRow, ...]
    warnings: tuple[str, ...]
    internal: Internal | None
    charts: ContractCharts


def build_contract_context(
    request: DocumentRequest, scenario: ContractScenario, library: LibrarySnapshot, charts_for
) -> ContractDocumentContext:
    """Evaluate the contract and gather what the document needs, for its audience."""
    evaluation = evaluate(scenario)
    result = evaluation.result
    comparison = compare(scenario)
    profiles = tuple(library.profile(key) for key in request.stakeholders)
    # Only the evidence the document argues from: the domains are described, not cited.
    numbering = number_citations(
        profiles, library, extra=_savings_keys(scenario, library), domain_evidence=False
    )
    citations = tuple(
        citation_of(number, library.evidence_item(key)) for key, number in numbering.items()
    )
    views = tuple(_for_program(stakeholder_view(p, library, numbering), scenario) for p in profiles)
    audience = AUDIENCES[request.kind]
    internal = _internal(evaluation) if audience == INTERNAL else None
    model = next(
        (m for m in library.integration_models if m.key == scenario.integration_model), None
    )
    return ContractDocumentContext(
        meta=_meta(request, scenario, profiles),
        audience=audience,
        scenario=scenario,
        model_key=result.model,
        model_label=MODEL_LABELS[result.model],
        evaluation=evaluation,
        result=result,
        level_rate=argument.level_rate(result),
        ask=argument.ask(evaluation),
        lede=argument.lede(evaluation),
        value_first=argument.value_first(result),
        savings_case=argument.savings_case(evaluation, library, numbering),
        return_text=argument.return_in_words(evaluation),
        reach=tuple((p.key, argument.how_the_ask_reaches(p, evaluation)) for p in profiles),
        stakeholders=views,
        citations=citations,
        measures=_measures(library, views, scenario),
        integration_model=model,
        timeline=argument.timeline(scenario),
        models=_models(comparison.models, result.model),
        warnings=argument.warnings_in_words(evaluation),
        internal=internal,
        charts=charts_for(evaluation, internal, request.kind),
    )


def _savings_keys(scenario: ContractScenario, library: LibrarySnapshot) -> tuple[str, ...]:
    """The savings assumption's source and the counter-evidence with a range on its basis."""
    keys = [scenario.savings.source] if scenario.savings.source else []
    keys += [
        item.key
        for item in library.evidence
        if item.verified
        and item.stance == "against"
        and item.savings is not None
        and item.savings.basis == scenario.savings.basis
    ][:1]
    return tuple(keys)


def _meta(
    request: DocumentRequest, scenario: ContractScenario, profiles: tuple[ProfileInfo, ...]
) -> Meta:
    payer = scenario.focus_payer
    provider, contact = provider_of(request)
    titles = {
        "proposal": f"Proposal to {payer}",
        "brief": argument.brief_title(profiles[0], payer) if profiles else f"Brief for {payer}",
        "executive-summary": f"Executive summary: {scenario.name}",
        "meeting-packet": f"Meeting packet: {payer}",
    }
    internal = AUDIENCES[request.kind] == INTERNAL
    mark = (
        f"Internal and confidential: not for distribution outside {provider}"
        if internal
        else f"Confidential: prepared by {provider} for {payer}"
    )
    label = MODEL_LABELS[scenario.payment_model]
    return Meta(
        kind=request.kind,
        title=titles[request.kind],
        prepared_by=provider,
        provider=provider,
        contact=contact,
        prepared_for=payer,
        issued=request.issued,
        version=f"{request.version} · rate method {scenario.method} · template {TEMPLATE_VERSION}"
        + ("" if request.approval else " · draft, not approved"),
        confidentiality=mark,
        subject=f"{label} for integrated behavioral health, "
        f"{scenario.contract.term_years}-year term",
        keywords=("Collaborative Care", "behavioral health integration", label, payer),
        approval=request.approval,
    )


def _internal(evaluation: ContractEvaluation) -> Internal:
    scenario, result = evaluation.scenario, evaluation.result
    analysis = analyse_contract(scenario, result.model)
    risk = analysis.risk
    no_savings = outcome(_without_savings(scenario), result.terms).result
    return Internal(
        zone=result.zone,
        no_savings=no_savings,
        risk=risk,
        drawn=tuple(input_range(d.input, d.low, d.mode, d.high) for d in risk.distributions),
        ask_swings=_swings(analysis.ask),
        margin_swings=_swings(analysis.margin),
        breakeven=argument.breakeven_caseload_sentence(
            result, scenario, analysis.breakeven_caseload
        ),
        recommendation=argument.recommendation(evaluation, no_savings, risk),
        open_issues=argument.open_issues(evaluation, no_savings, risk),
    )


def _without_savings(scenario: ContractScenario) -> ContractScenario:
    """The same scenario with no medical savings at all (the terms are held by the caller)."""
    savings = scenario.savings.model_copy(update={scenario.savings.amount_field: Decimal(0)})
    return scenario.model_copy(update={"savings": savings})


def _swings(swings: ContractTornado) -> Swings:
    return Swings(
        output=swings.output,
        base=swings.base_output,
        rows=tuple(
            TornadoRow(
                input_range(bar.input, bar.low, bar.base, bar.high),
                bar.output_low,
                bar.output_high,
                bar.swing,
            )
            for bar in swings.bars
        ),
    )


def _models(models, chosen: str) -> tuple[ModelRow, ...]:
    return tuple(
        ModelRow(key, MODEL_LABELS[key], result, key == chosen) for key, result in models.items()
    )


def _for_program(view: StakeholderView, scenario: ContractScenario) -> StakeholderView:
    """Measure each domain by what this stakeholder tracks, and by SMI metrics only for SMI care."""
    smi = scenario.integration_model in SMI_PROGRAMS

    def kept(metrics: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(m for m in metrics if smi or not SMI_WORDS & set(m.lower().split()))

    tracked = kept(view.metrics)
    domains = tuple(
        replace(point, metrics=tuple(m for m in point.metrics if m in tracked))
        for point in view.domains
    )
    return replace(
        view,
        metrics=tracked,
        domains=domains,
        top_domains=domains[: len(view.top_domains)],
    )


def _measures(
    library: LibrarySnapshot, views: tuple[StakeholderView, ...], scenario: ContractScenario
) -> tuple[MeasureInfo, ...]:
    """The measures led by the audience's two heaviest domains, SMI measures only for SMI care.

    A measure's first domain is what it mainly measures; all the measures touching the top
    four domains would be nearly the whole list for every audience.
    """
    names = {point.name for view in views for point in view.top_domains[:2]}
    keys = {domain.key for domain in library.domains if domain.name in names}
    led = tuple(m for m in library.measures if m.domains[:1] and m.domains[0] in keys)
    chosen = led or choose_measures(library, views)
    if scenario.integration_model in SMI_PROGRAMS:
        return chosen
    return tuple(m for m in chosen if m.key not in SMI_MEASURES)
