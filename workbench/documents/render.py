"""Turn a document context into HTML (Jinja) and into a PDF (WeasyPrint)."""

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from markupsafe import Markup

from workbench.documents.charts import Chart, Series, distribution, grouped_bars
from workbench.documents.charts import tornado as tornado_chart
from workbench.documents.context import Charts, DocumentContext
from workbench.documents.contract import (
    ContractCharts,
    ContractDocumentContext,
    Internal,
    Swings,
)
from workbench.documents.environment import TEMPLATES_DIR, make_environment
from workbench.documents.labels import (
    MODEL_LABELS,
    OUTPUT_LABELS,
    SHORT_MODEL_LABELS,
    describe_input,
)
from workbench.documents.pdf import PdfRequest, RenderedPdf, render_pdf
from workbench.engine import Comparison, Evaluation, MonteCarlo, Tornado
from workbench.engine.contract import ContractEvaluation, ContractMonteCarlo
from workbench.vocabulary import DocumentKind

PRINT_STYLESHEET = TEMPLATES_DIR / "print.css"
TEMPLATE_FILES = {kind.slug: f"{kind.value}.html" for kind in DocumentKind}
CONTRACT_YEAR = "US dollars in the contract year"
CHART_NAMES = ("models", "tornado", "payers", "distribution")
_ENVIRONMENT = make_environment()


@functools.cache
def design_fingerprint() -> str:
    """Hash the templates, print stylesheet and document code that shape every artifact.

    Part of an artifact's cache key: an edited template must not be answered from storage with
    bytes the old one made, even if nobody remembered to raise TEMPLATE_VERSION.
    """
    digest = hashlib.sha256()
    sources = [*TEMPLATES_DIR.rglob("*"), *Path(__file__).parent.glob("*.py")]
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_html(
    context: DocumentContext | ContractDocumentContext, standalone: bool = False
) -> str:
    """Render the document's template; standalone, with the print stylesheet inside it.

    WeasyPrint gets the stylesheet on its own; a standalone page is for opening in a browser.
    A method-2 context renders the templates in contract/, which argue from the contract term.
    """
    folder = "contract/" if isinstance(context, ContractDocumentContext) else ""
    template = _ENVIRONMENT.get_template(folder + TEMPLATE_FILES[context.meta.kind])
    # Our own stylesheet, not user input: it must reach the page unescaped.
    css = Markup(PRINT_STYLESHEET.read_text(encoding="utf-8")) if standalone else None  # nosec B704 # the package's own stylesheet
    return template.render(doc=context, print_css=css)


def render_document(
    context: DocumentContext | ContractDocumentContext, max_pages: int = 60, timeout: float = 120
) -> RenderedPdf:
    """Render the document to PDF under a page cap and a time limit."""
    html = render_html(context)
    css = PRINT_STYLESHEET.read_text(encoding="utf-8")
    return render_pdf(PdfRequest(html=html, stylesheets=(css,), max_pages=max_pages), timeout)


def make_charts(
    evaluation: Evaluation,
    comparison: Comparison,
    swings: Tornado,
    risk: MonteCarlo,
    wanted: Iterable[str] = CHART_NAMES,
) -> Charts:
    """Draw the charts named in `wanted` from the engine's results (no figure is computed here)."""
    drawers = {
        "models": lambda: _models_chart(comparison),
        "tornado": lambda: _tornado_chart(swings),
        "payers": lambda: _payers_chart(evaluation),
        "distribution": lambda: _distribution_chart(risk),
    }
    return Charts(**{name: drawers[name]() for name in wanted})


def _models_chart(comparison: Comparison) -> Chart:
    """Provider net and payer net savings under each payment model."""
    models = list(comparison.models.values())
    return grouped_bars(
        "Provider net and payer net savings under each payment model",
        [SHORT_MODEL_LABELS[m.model] for m in models],
        [
            Series("Provider net", tuple(float(m.provider_net) for m in models)),
            Series("Payer net savings", tuple(float(m.payer_net_savings) for m in models)),
        ],
        CONTRACT_YEAR,
    )


def _payers_chart(evaluation: Evaluation) -> Chart:
    """Each payer's allocated cost against its fee-for-service revenue."""
    payers = evaluation.payers
    return grouped_bars(
        "Allocated cost and fee-for-service revenue by payer",
        [payer.name for payer in payers],
        [
            Series("Allocated cost", tuple(float(p.allocated_cost) for p in payers)),
            Series("FFS revenue", tuple(float(p.ffs_revenue) for p in payers)),
        ],
        CONTRACT_YEAR,
    )


def _tornado_chart(swings: Tornado) -> Chart:
    """The output at each input's low and high value, around its base value."""
    output = OUTPUT_LABELS[swings.output]
    unit = "per attributed member per month" if swings.output == "proposed_pmpm" else "a year"
    return tornado_chart(
        f"What moves the {output}: {MODEL_LABELS[swings.model]}",
        [describe_input(bar.input)[0] for bar in swings.bars],
        [float(bar.output_low) for bar in swings.bars],
        [float(bar.output_high) for bar in swings.bars],
        float(swings.base_output),
        f"{output[0].upper()}{output[1:]}, US dollars {unit}",
    )


def _distribution_chart(risk: MonteCarlo) -> Chart | None:
    """The spread of provider net over the simulated years, with its P10, P50 and P90."""
    if not risk.provider_net_histogram:
        return None
    return distribution(
        f"Provider net over {risk.draws:,} simulated contract years",
        [(float(b.low), float(b.high), b.draws) for b in risk.provider_net_histogram],
        _percentile_markers(risk.provider_net),
        "Provider net, " + CONTRACT_YEAR,
    )


def models_chart(comparison: Comparison) -> Chart:
    """Draw provider net and payer net savings under each payment model (the live page's chart)."""
    return _models_chart(comparison)


# The charts each method-2 document prints: the term for every reader, the risk for our own side.
CONTRACT_CHARTS = {
    "proposal": ("term",),
    "executive-summary": ("ask", "margin", "distribution"),
}
TERM = "US dollars, in the year paid"
ASK_TITLE = "What moves our ask: the level rate solved again"
ASK_AXIS = "Level rate, US dollars"
MARGIN_TITLE = "What puts our margin at risk once signed: the rates held"
MARGIN_AXIS = "Provider net over the term, present value, US dollars"


def make_contract_charts(
    evaluation: ContractEvaluation, internal: Internal | None, kind: str
) -> ContractCharts:
    """Draw a method-2 document's charts from the engine's results (no figure computed here)."""
    drawers = {
        "term": lambda: term_chart(evaluation),
        "ask": lambda: _swings_chart(internal.ask_swings, ASK_TITLE, ASK_AXIS),
        "margin": lambda: _swings_chart(internal.margin_swings, MARGIN_TITLE, MARGIN_AXIS),
        "distribution": lambda: term_distribution_chart(internal.risk),
    }
    return ContractCharts(**{name: drawers[name]() for name in CONTRACT_CHARTS.get(kind, ())})


def term_chart(evaluation: ContractEvaluation) -> Chart:
    """What the payer pays and saves in each contract year, and the savings after the term."""
    result = evaluation.result
    years = [f"Year {year.year}" for year in result.years]
    return grouped_bars(
        "What the payer pays and saves, year by year",
        [*years, "After the term"],
        [
            Series(
                "Payments to the program",
                (*(float(y.payer_added_payments) for y in result.years), 0.0),
            ),
            Series(
                "Gross medical savings",
                (*(float(y.gross_savings) for y in result.years), float(result.tail_savings)),
            ),
        ],
        TERM,
    )


def _swings_chart(swings: Swings, title: str, axis: str) -> Chart:
    """A tornado of one of the two kinds, from the rows the document prints."""
    return tornado_chart(
        title,
        [row.input.label for row in swings.rows],
        [float(row.output_low) for row in swings.rows],
        [float(row.output_high) for row in swings.rows],
        float(swings.base),
        axis,
    )


def term_distribution_chart(risk: ContractMonteCarlo) -> Chart | None:
    """The spread of PV provider net over the simulated terms, with its P10, P50 and P90."""
    if not risk.provider_net_histogram:
        return None
    return distribution(
        f"Provider net over {risk.draws:,} simulated terms, rates held",
        [(float(b.low), float(b.high), b.draws) for b in risk.provider_net_histogram],
        _percentile_markers(risk.provider_net),
        "Provider net over the term, present value, US dollars",
        "share of simulated terms",
    )


def _percentile_markers(percentiles) -> dict[str, float]:
    """P10, P50 and P90 as the chart's marked values (those the engine reported)."""
    return {
        name: float(value)
        for name, value in (
            ("P10", percentiles.p10),
            ("P50", percentiles.p50),
            ("P90", percentiles.p90),
        )
        if value is not None
    }
