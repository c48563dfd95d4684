"""Time the worked-example proposals by hand: .venv/bin/python benchmarks/documents.py

The proposal of each method's worked example: method 2 (the contract term, examples/) and
method 1 (one year, examples/method-1/).

Splits one render into context + Jinja (our code), WeasyPrint layout and PDF writing (WeasyPrint),
then times the whole render as a request makes it (in the render worker process) and a cached
second request served from storage. Targets on a 2-core machine: the whole proposal under 3 s,
our own overhead (context, Jinja, handing the work to the worker) under 15% of WeasyPrint's
time, a cached request under 50 ms.
"""

import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from weasyprint import CSS, HTML

from workbench import create_app
from workbench.documents.context import DocumentRequest
from workbench.documents.layout import StaticOnlyFetcher
from workbench.documents.pdf import STATIC_BASE_URL, PdfRequest, render_pdf
from workbench.documents.render import PRINT_STYLESHEET, render_document, render_html
from workbench.engine import scenario_from_text
from workbench.extensions import db
from workbench.services.documents import (
    document_context,
    generate_document,
    get_library_snapshot,
)
from workbench.services.setup import initialise
from workbench.services.unit_of_work import unit_of_work

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = (
    ("method 2", ROOT / "examples" / "worked-example.yaml"),
    ("method 1", ROOT / "examples" / "method-1" / "worked-example.yaml"),
)
REQUEST = DocumentRequest("proposal", ("commercial_payer",), "Riverside Primary Care", date.today())
RUNS = 7


@dataclass(frozen=True)
class Timings:
    """Median milliseconds of each stage."""

    context: float
    jinja: float
    layout: float
    writing: float
    worker: float
    whole: float
    cached: float
    pages: int
    pdf_bytes: int

    @property
    def weasyprint(self) -> float:
        """WeasyPrint's own time: layout and writing."""
        return self.layout + self.writing

    @property
    def handover(self) -> float:
        """What running WeasyPrint in the worker adds: pickling, the pipe, the answer."""
        return max(self.worker - self.weasyprint, 0.0)

    @property
    def overhead_share(self) -> float:
        """Our time (context, Jinja, handover) as a share of WeasyPrint's."""
        return (self.context + self.jinja + self.handover) / self.weasyprint


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """Return the median time of `runs` runs in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    """Time each stage on a fresh database and print the table and the verdicts."""
    logging.disable(logging.INFO)  # the migrations' chatter is not part of the figures
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "benchmark"})
        with app.app_context():
            with unit_of_work(db.session) as session:
                initialise(session, ROOT / "stakeholder_profiles")
            for label, path in SCENARIOS:
                print(f"\nThe worked example's proposal, {label} ({path.relative_to(ROOT)})")
                report(measure(db.session, path))
            db.engine.dispose()


def measure(session, path: Path) -> Timings:
    """Time each stage of a scenario's proposal."""
    scenario = scenario_from_text(path.read_text(encoding="utf-8"))
    library = get_library_snapshot(session)
    css = PRINT_STYLESHEET.read_text(encoding="utf-8")
    context_ms, context = timed(lambda: document_context(REQUEST, scenario, library))
    jinja_ms, html = timed(lambda: render_html(context))
    layout_ms, document = timed(lambda: lay_out(html, css))
    write_ms, pdf = timed(document.write_pdf)
    request = PdfRequest(html=html, stylesheets=(css,))
    render_pdf(request)  # start the worker: a running site has it started already
    worker_ms, _ = timed(lambda: render_pdf(request))
    whole_ms, rendered = timed(
        lambda: render_document(document_context(REQUEST, scenario, library))
    )
    generate_document(session, scenario, REQUEST)
    session.commit()
    cached_ms, _ = timed(lambda: generate_document(session, scenario, REQUEST), runs=21)
    return Timings(
        context_ms,
        jinja_ms,
        layout_ms,
        write_ms,
        worker_ms,
        whole_ms,
        cached_ms,
        rendered.page_count,
        len(pdf),
    )


def lay_out(html: str, css: str):
    """Lay the pages out in this process, as the worker does."""
    fetcher = StaticOnlyFetcher()
    stylesheet = CSS(string=css, base_url=STATIC_BASE_URL, url_fetcher=fetcher)
    page = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher)
    return page.render(stylesheets=[stylesheet])


def report(t: Timings) -> None:
    """Print one row per stage, then the three targets."""
    rows = [
        ("context (engine, charts)", t.context, ""),
        ("Jinja", t.jinja, ""),
        ("WeasyPrint layout", t.layout, f"{t.pages} pages"),
        ("PDF writing", t.writing, f"{t.pdf_bytes / 1024:,.0f} KiB"),
        ("handover to the render worker", t.handover, "worker time less WeasyPrint's"),
        ("whole render", t.whole, _verdict(t.whole < 3000, "< 3 s")),
        ("cached request (from storage)", t.cached, _verdict(t.cached < 50, "< 50 ms")),
    ]
    print(f"{'stage':<32}{'median ms':>10}  note")
    for name, ms, note in rows:
        print(f"{name:<32}{ms:>10.1f}  {note}")
    print(
        f"our overhead / WeasyPrint time: {t.overhead_share:.1%}  "
        f"{_verdict(t.overhead_share < 0.15, '< 15%')}"
    )


def _verdict(met: bool, target: str) -> str:
    return f"target {target}: {'met' if met else 'MISSED'}"


if __name__ == "__main__":
    main()
