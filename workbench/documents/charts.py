"""Charts as Vega-Lite specifications: one specification serves the page and the PDF.

Functions take plain numbers and labels (figures already computed by the engine) and return a
`Chart`: the page draws its `spec` in the browser (static/js/charts.js, vega-embed), documents
print its `svg`, the same specification rendered by vl-convert with the Vega-Lite version the
page's vendored library has, so page and PDF cannot drift. Output is deterministic: the same
inputs give the same specification and the same SVG bytes.
"""

import base64
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

# The Vega-Lite version vl-convert renders with; the Makefile's `vendor` target vendors the
# same minor version for the page (VEGA_LITE_VERSION there).
VEGA_LITE_VERSION = "6.4"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
PALETTE = ("#1f5f8b", "#d98c2b", "#5b8c5a", "#8c3b3b", "#6b5b95")
WIDTH = 560
# Noto CJK (Debian fonts-noto-cjk) covers the glyphs DejaVu lacks: a payer named in Chinese.
FONT = "DejaVu Sans, Noto Sans CJK SC, sans-serif"
CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 10, "titleFontSize": 10, "titleFontWeight": "normal"},
    "legend": {"orient": "bottom", "labelFontSize": 10, "title": None, "labelLimit": 320},
    "title": {"anchor": "start", "fontSize": 12, "fontWeight": "bold", "offset": 10},
}
# d3-format patterns for axes: whole dollars, or cents when every value is under $100 (PMPM).
DOLLARS = "$,.0f"
CENTS = "$,.2f"


@dataclass(frozen=True)
class Chart:
    """A chart: `spec` for the page to draw, `svg` to print; printed in a template, an <img>.

    WeasyPrint applies the page's CSS cascade to inline SVG, so documents embed the SVG as a
    data: image instead.
    """

    title: str
    spec: dict[str, Any] = field(hash=False, compare=False)

    @cached_property
    def svg(self) -> Markup:
        """Render the specification to SVG (vl-convert escapes every label it writes)."""
        import vl_convert

        svg = vl_convert.vegalite_to_svg(self.spec, vl_version=VEGA_LITE_VERSION)
        return Markup(svg)  # nosec B704 # vl-convert's own SVG, every label escaped by it

    def __html__(self) -> str:
        encoded = base64.b64encode(self.svg.encode()).decode()
        return str(
            Markup('<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">').format(
                self.title, encoded
            )
        )


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


def money_format(values: Sequence[float]) -> str:
    """Whole dollars, or cents when every value is under $100 (PMPM rates)."""
    return CENTS if max((abs(v) for v in values), default=0) < 100 else DOLLARS


def dollars(value: float, pattern: str = DOLLARS) -> str:
    """Format a value as the axis does, for a legend label ("P50 $1,234")."""
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.{2 if pattern == CENTS else 0}f}"


def _chart(title: str, height: int, layers: list[dict[str, Any]], **extra: Any) -> Chart:
    """Wrap layers in the house specification: title, size, fonts, colours."""
    spec = {
        "$schema": SCHEMA,
        # Broken over lines: a long title would be cut at the edge of a narrow page column.
        "title": {"text": textwrap.wrap(title, 55) or [title]},
        "width": WIDTH,
        "height": height,
        "config": CONFIG,
        **extra,
        "layer": layers,
    }
    return Chart(title, spec)


def _colours(labels: Sequence[str]) -> dict[str, Any]:
    """A colour scale that keeps the labels' order and the house palette."""
    return {"domain": list(labels), "range": list(PALETTE[: len(labels)])}


def _category_axis(title: str | None = None) -> dict[str, Any]:
    """Category labels level and broken over lines at the newlines `wrapped` put in them."""
    return {
        "title": title,
        "labelAngle": 0,
        "labelLimit": 0,
        "labelExpr": "split(datum.label, '\\n')",
    }


def wrapped(label: str, width: int) -> str:
    """Break a long tick label over lines so it is not cut at the chart's edge."""
    return "\n".join(textwrap.wrap(label, width)) or label


def grouped_bars(
    title: str, categories: Sequence[str], series: Sequence[Series], y_label: str
) -> Chart:
    """Bars per category, one colour per series (models compared; cost vs revenue by payer)."""
    names = [wrapped(c, 22) for c in categories]
    values = [
        {"category": name, "series": entry.label, "value": value}
        for entry in series
        for name, value in zip(names, entry.values, strict=True)
    ]
    bars = {
        "mark": "bar",
        "encoding": {
            "x": {"field": "category", "type": "nominal", "sort": names, "axis": _category_axis()},
            "xOffset": {"field": "series", "sort": [s.label for s in series]},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": y_label,
                "axis": {"format": money_format([v["value"] for v in values])},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": _colours([s.label for s in series]),
            },
        },
    }
    return _chart(title, 200, [bars, _zero_rule("y")], data={"values": values})


def _zero_rule(axis: str, at: float = 0.0) -> dict[str, Any]:
    """A dark line across the plot at `at` (zero, or a tornado's base value)."""
    return {
        "mark": {"type": "rule", "color": "#333333", "strokeWidth": 1},
        "encoding": {axis: {"datum": at, "type": "quantitative"}},
    }


def tornado(
    title: str,
    labels: Sequence[str],
    lows: Sequence[float],
    highs: Sequence[float],
    base: float,
    x_label: str,
) -> Chart:
    """Horizontal bars from the base value to the output at each input's low and high."""
    names = [wrapped(label, 30) for label in labels]
    sides = ("at low value", "at high value")
    values = [
        {"input": name, "side": side, "value": value}
        for name, low, high in zip(names, lows, highs, strict=True)
        for side, value in zip(sides, (low, high), strict=True)
    ]
    bars = {
        "mark": "bar",
        "encoding": {
            "y": {"field": "input", "type": "nominal", "sort": names, "axis": _category_axis()},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": x_label,
                "scale": {"zero": False},
                "axis": {"format": money_format([*lows, *highs, base]), "tickCount": 6},
            },
            "x2": {"datum": base},
            "color": {
                "field": "side",
                "type": "nominal",
                "scale": {"domain": list(sides), "range": [PALETTE[1], PALETTE[0]]},
            },
        },
    }
    return _chart(
        title, 28 * len(labels) + 10, [bars, _zero_rule("x", base)], data={"values": values}
    )


def distribution(
    title: str,
    bins: Sequence[tuple[float, float, int]],
    markers: dict[str, float],
    x_label: str,
    y_label_share: str = "share of simulated years",
) -> Chart:
    """A histogram of simulated outcomes, from (low, high, count) bins, with marked values.

    The markers' names and values go in the legend: percentiles close together would overlap
    as labels on the plot.
    """
    total = sum(count for _, _, count in bins) or 1
    pattern = money_format([edge for low, high, _ in bins for edge in (low, high)])
    bars = {
        "data": {
            "values": [
                {"low": low, "high": high, "draws": count, "share": count / total}
                for low, high, count in bins
            ]
        },
        "mark": {"type": "bar", "color": PALETTE[0]},
        "encoding": {
            "x": {
                "field": "low",
                "type": "quantitative",
                "title": x_label,
                "scale": {"zero": False, "nice": False},
                "axis": {"format": pattern, "tickCount": 7},
            },
            "x2": {"field": "high"},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": y_label_share,
                "axis": {"format": ".0%", "tickCount": 4},
            },
            "y2": {"datum": 0},
        },
    }
    labels = [f"{name} {dollars(value, pattern)}" for name, value in markers.items()]
    rules = {
        "data": {
            "values": [
                {"marker": label, "value": value}
                for label, value in zip(labels, markers.values(), strict=True)
            ]
        },
        "mark": {"type": "rule", "strokeWidth": 1.6},
        "encoding": {
            "x": {"field": "value", "type": "quantitative"},
            "color": {
                "field": "marker",
                "type": "nominal",
                "scale": {"domain": labels, "range": list(PALETTE[1 : len(labels) + 1])},
            },
        },
    }
    return _chart(title, 170, [bars, rules] if markers else [bars])


def lines_by_round(
    title: str, rounds: Sequence[int], series: Sequence[Series], y_label: str
) -> Chart:
    """A line per series over negotiation rounds (our ask, their offer); NaN leaves a gap."""
    # NaN is the one value unequal to itself: a round a side skipped is null, a gap in its line.
    values = [
        {"round": f"Round {number}", "series": entry.label, "value": v if v == v else None}
        for entry in series
        for number, v in zip(rounds, entry.values, strict=True)
    ]
    shown = [v["value"] for v in values if v["value"] is not None]
    lines = {
        "mark": {"type": "line", "point": True, "strokeWidth": 1.8},
        "encoding": {
            "x": {
                "field": "round",
                "type": "ordinal",
                "sort": [f"Round {n}" for n in rounds],
                "axis": _category_axis(),
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": y_label,
                "scale": {"zero": False},
                "axis": {"format": money_format(shown)},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": _colours([s.label for s in series]),
            },
        },
    }
    return _chart(title, 180, [lines], data={"values": values})
