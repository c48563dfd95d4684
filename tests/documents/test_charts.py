"""Charts are Vega-Lite specifications built from the engine's figures; documents print the same
specification as SVG (vl-convert), deterministic and safe: labels typed by a user stay escaped."""

import base64
import re
from pathlib import Path

import workbench
from workbench.documents.charts import (
    VEGA_LITE_VERSION,
    Series,
    distribution,
    grouped_bars,
    lines_by_round,
    tornado,
)
from workbench.documents.render import ASK_AXIS, MARGIN_AXIS, TERM

HOSTILE = "<script>alert(1)</script> & {{ 7*7 }}"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_same_inputs_draw_the_same_svg():
    draw = lambda: grouped_bars("Models", ["FFS", "Bundled"], [Series("Net", (-1.0, 2.0))], "$")  # noqa: E731

    assert draw().spec == draw().spec
    assert draw().svg == draw().svg
    assert draw().svg.startswith("<svg")


def test_labels_are_escaped_in_every_chart():
    charts = [
        grouped_bars(HOSTILE, [HOSTILE], [Series(HOSTILE, (1.0,))], HOSTILE),
        tornado(HOSTILE, [HOSTILE], [1.0], [3.0], 2.0, HOSTILE),
        distribution(HOSTILE, [(0.0, 1.0, 3), (1.0, 2.0, 5)], {HOSTILE: 1.0}, HOSTILE),
        lines_by_round(HOSTILE, [1, 2], [Series(HOSTILE, (1.0, float("nan")))], HOSTILE),
    ]

    for chart in charts:
        assert "<script>" not in chart.svg
        assert "&lt;script&gt;" in chart.svg
        assert "<script>" not in chart.__html__()


def test_a_round_a_side_skipped_is_a_gap_not_a_number():
    chart = lines_by_round("Offers", [1, 2], [Series("Their offer", (4.5, float("nan")))], "PMPM")

    assert [row["value"] for row in chart.spec["data"]["values"]] == [4.5, None]


def test_the_pdfs_charts_are_the_specifications_svg(render_contract):
    """The axis titles and legends exist only inside the SVG images: finding them in the PDF's
    text shows WeasyPrint drew the charts, and the bars are the engine's figures."""
    summary = render_contract("worked-example.yaml", "executive-summary")
    proposal = render_contract("worked-example.yaml", "proposal", "commercial_payer")
    text = squeeze(summary.text + proposal.text)
    term = proposal.context.charts.term
    result = proposal.context.result

    for label in (TERM, ASK_AXIS, MARGIN_AXIS, "at high value", "share of simulated terms"):
        assert label in text, label
        assert label not in re.sub(r'src="data:[^"]+"', "", summary.html + proposal.html)
    assert base64.b64encode(term.svg.encode()).decode() in proposal.html
    paid = [row["value"] for row in term.spec["data"]["values"] if row["series"].startswith("Pay")]
    assert paid[:-1] == [float(year.payer_added_payments) for year in result.years]


def test_the_page_draws_with_the_vega_lite_the_documents_print_with():
    import vl_convert

    vendored = Path(workbench.__file__).parent / "static" / "vendor" / "vega" / "vega-lite.min.js"
    version = re.search(r'var \w+="(\d+\.\d+)\.\d+"', vendored.read_text()[:2000])

    assert version is not None and version[1] == VEGA_LITE_VERSION
    assert VEGA_LITE_VERSION in vl_convert.get_vegalite_versions()
