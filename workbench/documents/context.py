"""Build the frozen context a document template renders: engine figures, profile, evidence.

Everything a template prints is here, already decided: which domains lead, which studies are
cited and under which numbers, which objections to prepare for, what to recommend. Templates
only lay it out and format numbers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workbench.documents import narrative
from workbench.documents.charts import Chart
from workbench.documents.labels import MODEL_LABELS, OUTPUT_LABELS, describe_input
from workbench.documents.sensitivity import analyse
from workbench.documents.snapshot import (
    EvidenceInfo,
    LibrarySnapshot,
    MeasureInfo,
    ModelInfo,
    OwnOrganization,
    ProfileInfo,
)
from workbench.engine import (
    Comparison,
    Evaluation,
    ModelResult,
    MonteCarlo,
    Scenario,
    Tornado,
    breakeven_caseload,
    compare,
    evaluate,
)
from workbench.engine.explain import Step, explain
from workbench.vocabulary import DocumentKind

TEMPLATE_VERSION = "2026.11.1"
TOP_DOMAINS = 4
# Drawing a chart costs more than the engine's whole evaluation: draw only what a kind prints.
CHARTS_BY_KIND = {
    "proposal": ("models", "tornado", "payers", "distribution"),
    DocumentKind.EXECUTIVE_SUMMARY.slug: ("models",),
}
# Who a document is from when no name was given and no organization of our own is recorded.
UNNAMED_PROVIDER = "The provider organization"


@dataclass(frozen=True)
class Meta:
    kind: str
    title: str
    prepared_by: str
    # Our organization's name where the text names the provider; None when nobody was named.
    provider: str | None
    contact: str | None  # our organization's contact, printed under "Prepared by"
    prepared_for: str
    issued: date
    version: str
    confidentiality: str
    subject: str
    keywords: tuple[str, ...]
    # Who approved it and when ("Dana Reyes, CFO, on December 4, 2026"); None prints DRAFT.
    approval: str | None = None


@dataclass(frozen=True)
class Citation:
    number: int
    study: str
    citation: str
    effect: str
    caution: str | None  # printed with the effect: its significance, interval or limits
    population: str
    year: int | None
    stance: str
    note: str | None  # the library's caution for our own negotiators, not for the payer
    design: str | None = None  # the study design: only outcome studies get a "mixed result" tag


@dataclass(frozen=True)
class DomainPoint:
    name: str
    description: str
    weight: Decimal
    metrics: tuple[str, ...]
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Objection:
    objection: str
    response: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class StakeholderView:
    """One stakeholder as a document shows them: their domains first, their evidence, their ask."""

    key: str
    name: str
    category: str
    summary: str
    whats_in_it_for_them: tuple[str, ...]
    asks: tuple[str, ...]
    objections: tuple[Objection, ...]
    metrics: tuple[str, ...]
    talking_points: tuple[str, ...]
    ask_in_their_terms: str
    favoured_models: tuple[str, ...]
    domains: tuple[DomainPoint, ...]
    top_domains: tuple[DomainPoint, ...]
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class ModelColumn:
    key: str
    label: str
    result: ModelResult
    chosen: bool


@dataclass(frozen=True)
class InputRange:
    """An uncertain input as a document shows it: label, value kind, low, base and high."""

    label: str
    kind: str
    low: Decimal
    base: Decimal
    high: Decimal


@dataclass(frozen=True)
class TornadoRow:
    input: InputRange
    output_low: Decimal
    output_high: Decimal
    swing: Decimal


@dataclass(frozen=True)
class Sensitivity:
    """What moves the headline figure, what the simulation draws, and the break-even caseload."""

    model_label: str
    output: str
    base: Decimal
    rows: tuple[TornadoRow, ...]
    drawn: tuple[InputRange, ...]
    breakeven: str


@dataclass(frozen=True)
class Charts:
    """The charts a document prints; None where its template prints none (or no data)."""

    models: Chart | None = None
    tornado: Chart | None = None
    payers: Chart | None = None
    distribution: Chart | None = None


@dataclass(frozen=True)
class DocumentContext:
    meta: Meta
    scenario: Scenario
    model_key: str
    model_label: str
    evaluation: Evaluation
    result: ModelResult
    derivation: tuple[Step, ...]
    comparison: tuple[ModelColumn, ...]
    sensitivity: Sensitivity
    risk: MonteCarlo
    stakeholders: tuple[StakeholderView, ...]
    citations: tuple[Citation, ...]
    measures: tuple[MeasureInfo, ...]
    integration_model: ModelInfo | None
    timeline: tuple[tuple[str, str], ...]
    summary: str
    recommendation: str
    open_issues: tuple[str, ...]
    warnings: tuple[str, ...]
    charts: Charts


@dataclass(frozen=True)
class DocumentRequest:
    """What to make: the kind, for whom, by whom, on what day.

    `prepared_by` is a name given for this document; left empty (or the unnamed wording), the
    document names `own_organization`, our organization as recorded, and falls back to
    UNNAMED_PROVIDER when none is.
    """

    kind: str
    stakeholders: tuple[str, ...]
    prepared_by: str | None
    issued: date
    version: str = "1"
    own_organization: OwnOrganization | None = None
    approval: str | None = None


def build_context(
    request: DocumentRequest, scenario: Scenario, library: LibrarySnapshot, charts_for
) -> DocumentContext:
    """Evaluate the scenario and gather what the document needs, for its stakeholders."""
    evaluation = evaluate(scenario)
    comparison = compare(scenario)
    swings, risk = analyse(scenario, scenario.payment_model)
    profiles = tuple(library.profile(key) for key in request.stakeholders)
    numbering = number_citations(profiles, library)
    stakeholders = tuple(stakeholder_view(p, library, numbering) for p in profiles)
    return DocumentContext(
        meta=_meta(request, scenario, profiles),
        scenario=scenario,
        model_key=scenario.payment_model,
        model_label=MODEL_LABELS[scenario.payment_model],
        evaluation=evaluation,
        result=evaluation.result,
        derivation=explain(evaluation),
        comparison=_columns(comparison, scenario.payment_model),
        sensitivity=_sensitivity(evaluation, swings, risk),
        risk=risk,
        stakeholders=stakeholders,
        citations=tuple(
            citation_of(number, library.evidence_item(key)) for key, number in numbering.items()
        ),
        measures=choose_measures(library, stakeholders),
        integration_model=next((m for m in library.integration_models if m.key == "cocm"), None),
        timeline=narrative.timeline(scenario),
        summary=narrative.proposal_summary(evaluation),
        recommendation=narrative.recommendation(evaluation, comparison),
        open_issues=narrative.open_issues(evaluation, risk, comparison),
        warnings=evaluation.warnings,
        charts=charts_for(
            evaluation, comparison, swings, risk, CHARTS_BY_KIND.get(request.kind, ())
        ),
    )


def _meta(request: DocumentRequest, scenario: Scenario, profiles: tuple[ProfileInfo, ...]) -> Meta:
    titles = {
        "proposal": f"Proposal to {scenario.focus_payer}",
        "brief": f"Brief for {profiles[0].name if profiles else scenario.focus_payer}",
        DocumentKind.EXECUTIVE_SUMMARY.slug: f"Executive summary: {scenario.name}",
        DocumentKind.MEETING_PACKET.slug: f"Meeting packet: {scenario.focus_payer}",
    }
    provider, contact = provider_of(request)
    internal = request.kind == DocumentKind.EXECUTIVE_SUMMARY.slug
    mark = (
        f"Internal and confidential: not for distribution outside {provider or 'the organization'}"
        if internal
        else f"Confidential: prepared for negotiation with {scenario.focus_payer}"
    )
    return Meta(
        kind=request.kind,
        title=titles[request.kind],
        prepared_by=provider or UNNAMED_PROVIDER,
        provider=provider,
        contact=contact,
        prepared_for=scenario.focus_payer,
        issued=request.issued,
        version=f"Version {request.version} · rate method 1 · template {TEMPLATE_VERSION}",
        confidentiality=mark,
        subject=f"{MODEL_LABELS[scenario.payment_model]} for integrated behavioral health",
        keywords=(
            "Collaborative Care",
            "behavioral health integration",
            "PMPM",
            scenario.payment_model.replace("_", " "),
            scenario.focus_payer,
        ),
    )


def provider_of(request: DocumentRequest) -> tuple[str | None, str | None]:
    """Who the document is from, and their contact: the name given, else our own organization.

    Our organization's contact is printed only when the document is from our organization.
    """
    own = request.own_organization
    given = (request.prepared_by or "").strip()
    name = given if given and given != UNNAMED_PROVIDER else (own.name if own else None)
    contact = own.contact if own and name == own.name else None
    return name, contact


def number_citations(
    profiles: tuple[ProfileInfo, ...],
    library: LibrarySnapshot,
    extra: tuple[str, ...] = (),
    domain_evidence: bool = True,
) -> dict[str, int]:
    """Number the evidence the document cites, in the order it is first used.

    Each stakeholder's chosen evidence comes first, then what backs their objections, then what
    speaks to their heaviest domains (unless `domain_evidence` is off); one piece of
    counter-evidence is always cited, since a payer's analyst will bring it anyway; then `extra`
    (what the savings assumption rests on).
    Only items checked against their primary source are cited: a figure that could not be
    verified never reaches a document. Findings of one report share its number.
    """
    keys: list[str] = []
    for profile in profiles:
        keys += profile.evidence_focus
        keys += [key for _, _, evidence in profile.objections for key in evidence]
        if domain_evidence:
            keys += [item.key for item in _domain_evidence(profile, library)]
    keys += [item.key for item in _citable(library) if item.stance != "supports"][:1]
    keys += extra
    citable = {item.key for item in _citable(library)}
    ordered = list(dict.fromkeys(key for key in keys if key in citable))
    # One reference per source: findings of the same report share its number.
    sources: dict[str, int] = {}
    for key in ordered:
        citation = library.evidence_item(key).citation
        sources.setdefault(citation, len(sources) + 1)
    return {key: sources[library.evidence_item(key).citation] for key in ordered}


def _citable(library: LibrarySnapshot) -> list[EvidenceInfo]:
    return [item for item in library.evidence if item.verified]


def _domain_evidence(profile: ProfileInfo, library: LibrarySnapshot) -> list[EvidenceInfo]:
    top = [key for key, _ in _ordered_weights(profile)[:TOP_DOMAINS]]
    return [
        item
        for item in _citable(library)
        if item.stance == "supports" and item.kind == "published" and item.domains[0] in top[:2]
    ][:3]


def _ordered_weights(profile: ProfileInfo) -> list[tuple[str, Decimal]]:
    """The profile's domains, heaviest first (ties keep the library's order)."""
    return sorted(profile.weights, key=lambda pair: -pair[1])


def stakeholder_view(
    profile: ProfileInfo, library: LibrarySnapshot, numbering: dict[str, int]
) -> StakeholderView:
    """Show a profile as documents do: its domains heaviest first, its evidence numbered."""
    domains = tuple(
        _domain_point(library, key, weight, numbering) for key, weight in _ordered_weights(profile)
    )
    metric_names = dict(pair for domain in library.domains for pair in domain.metrics)
    return StakeholderView(
        key=profile.key,
        name=profile.name,
        category=profile.category,
        summary=profile.summary,
        whats_in_it_for_them=profile.whats_in_it_for_them,
        asks=profile.asks,
        objections=tuple(
            Objection(objection, response, _numbers(evidence, numbering))
            for objection, response, evidence in profile.objections
        ),
        metrics=tuple(metric_names[key] for key in profile.metrics if key in metric_names),
        talking_points=profile.talking_points,
        ask_in_their_terms=profile.ask_in_their_terms,
        favoured_models=tuple(MODEL_LABELS[model] for model in profile.payment_models),
        domains=domains,
        top_domains=domains[:TOP_DOMAINS],
        evidence=_numbers(profile.evidence_focus, numbering),
    )


def _domain_point(
    library: LibrarySnapshot, key: str, weight: Decimal, numbering: dict[str, int]
) -> DomainPoint:
    domain = library.domain(key)
    cited = [item.key for item in library.evidence if key in item.domains]
    return DomainPoint(
        name=domain.name,
        description=domain.description,
        weight=weight,
        metrics=tuple(name for _, name in domain.metrics),
        citations=_numbers(cited, numbering),
    )


def _numbers(keys, numbering: dict[str, int]) -> tuple[int, ...]:
    return tuple(sorted({numbering[key] for key in keys if key in numbering}))


def citation_of(number: int, item: EvidenceInfo) -> Citation:
    """Cite an evidence item under its reference number."""
    return Citation(
        number,
        item.study,
        item.citation,
        item.effect,
        item.caution,
        item.population,
        item.year,
        item.stance,
        item.note,
        item.design,
    )


def _columns(comparison: Comparison, chosen: str) -> tuple[ModelColumn, ...]:
    return tuple(
        ModelColumn(key, MODEL_LABELS[key], result, key == chosen)
        for key, result in comparison.models.items()
    )


def _sensitivity(evaluation: Evaluation, swings: Tornado, risk: MonteCarlo) -> Sensitivity:
    scenario = evaluation.scenario
    return Sensitivity(
        model_label=MODEL_LABELS[swings.model],
        output=OUTPUT_LABELS[swings.output],
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
        drawn=tuple(input_range(d.input, d.low, d.mode, d.high) for d in risk.distributions),
        breakeven=narrative.breakeven_sentence(
            scenario,
            evaluation.result,
            breakeven_caseload(scenario),
            breakeven_caseload(scenario, "ffs"),
        ),
    )


def input_range(name: str, low: Decimal, base: Decimal, high: Decimal) -> InputRange:
    """Label an engine input and its low, base and high values for a table."""
    label, kind = describe_input(name)
    return InputRange(label, kind, low, base, high)


def choose_measures(
    library: LibrarySnapshot, stakeholders: tuple[StakeholderView, ...]
) -> tuple[MeasureInfo, ...]:
    """The quality measures that speak to the audience's heaviest domains (all if none match)."""
    names = {point.name for view in stakeholders for point in view.top_domains}
    keys = {domain.key for domain in library.domains if domain.name in names}
    chosen = tuple(m for m in library.measures if keys & set(m.domains))
    return chosen or library.measures
