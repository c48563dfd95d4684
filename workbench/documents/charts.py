"""Charts as SVG from matplotlib: the same chart serves the page and the PDF.

Functions take plain numbers and labels (figures already computed by the engine) and return SVG
text. Output is deterministic (fixed hash salt, no date) so the same inputs give the same bytes.
"""

import base64
import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:  # matplotlib is imported by the first chart drawn, not by every process
    from matplotlib.ticker import FuncFormatter

PALETTE = ("#1f5f8b", "#d98c2b", "#5b8c5a", "#8c3b3b", "#6b5b95")
STYLE = {
    # Noto CJK (Debian fonts-noto-cjk) covers the glyphs DejaVu lacks: a payer named in Chinese.
    "font.family": ["DejaVu Sans", "Noto Sans CJK SC"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
    "svg.fonttype": "none",
    # Names and labels are text, never TeX: "$5 PPO $10" must print as written, not crash.
    "text.parse_math": False,
    "svg.hashsalt": "workbench",
}


@dataclass(frozen=True)
class Chart:
    """An SVG chart: `svg` inlines in a web page; printed in a template it becomes an <img>.

    WeasyPrint applies the page's CSS cascade to inline SVG and logs every SVG style it does not
    know, so documents embed the same SVG as a data: image instead.
    """

    title: str
    svg: Markup

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


def dollars(value: float, _position: int | None = None) -> str:
    """Format an axis value as whole dollars with thousands separators."""
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def cents(value: float, _position: int | None = None) -> str:
    """Format an axis value as dollars and cents (an axis of PMPM amounts)."""
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def money_axis(values: Sequence[float]) -> "FuncFormatter":
    """Whole dollars, or cents when every value is under $100 (PMPM rates)."""
    from matplotlib.ticker import FuncFormatter

    small = max((abs(value) for value in values), default=0) < 100
    return FuncFormatter(cents if small else dollars)


def wrapped(label: str, width: int) -> str:
    """Break a long tick label over lines so it is not cut at the figure's edge."""
    return "\n".join(textwrap.wrap(label, width)) or label


def grouped_bars(
    title: str, categories: Sequence[str], series: Sequence[Series], y_label: str
) -> Chart:
    """Bars per category, one colour per series (models compared; cost vs revenue by payer)."""
    with _figure(3.2) as (figure, axes):
        figure.subplots_adjust(left=0.16, right=0.98, top=0.9, bottom=0.22)
        width = 0.8 / len(series)
        for index, entry in enumerate(series):
            offsets = [c + (index - (len(series) - 1) / 2) * width for c in range(len(categories))]
            axes.bar(offsets, entry.values, width, label=entry.label, color=PALETTE[index])
        axes.set_xticks(range(len(categories)), [wrapped(c, 22) for c in categories])
        axes.axhline(0, color="#333333", linewidth=0.8)
        axes.yaxis.set_major_formatter(money_axis([v for entry in series for v in entry.values]))
        axes.set_ylabel(y_label)
        _title(figure, title)
        axes.legend(frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.12))
        return Chart(title, _svg(figure))


def tornado(
    title: str,
    labels: Sequence[str],
    lows: Sequence[float],
    highs: Sequence[float],
    base: float,
    x_label: str,
) -> Chart:
    """Horizontal bars from the base value to the output at each input's low and high."""
    from matplotlib.ticker import MaxNLocator

    height = 0.45 * len(labels) + 1.5
    with _figure(height) as (figure, axes):
        # Fixed margins (in inches turned into fractions): a tight layout costs a second drawing.
        # The legend sits in its own strip under the axis label, whatever the number of bars.
        figure.subplots_adjust(left=0.33, right=0.97, top=1 - 0.4 / height, bottom=1.05 / height)
        rows = range(len(labels))[::-1]
        axes.barh(
            rows, [low - base for low in lows], left=base, color=PALETTE[1], label="at low value"
        )
        axes.barh(
            rows,
            [high - base for high in highs],
            left=base,
            color=PALETTE[0],
            label="at high value",
        )
        axes.axvline(base, color="#333333", linewidth=0.8)
        axes.set_yticks(list(rows), [wrapped(label, 30) for label in labels])
        # Few ticks: dollar labels are wide, and a 7-inch axis fits about six of them.
        axes.xaxis.set_major_locator(MaxNLocator(6))
        axes.xaxis.set_major_formatter(money_axis([*lows, *highs, base]))
        axes.set_xlabel(x_label)
        _title(figure, title)
        figure.legend(frameon=False, ncols=2, loc="lower right", bbox_to_anchor=(0.97, 0.0))
        return Chart(title, _svg(figure))


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
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with _figure(2.9) as (figure, axes):
        figure.subplots_adjust(left=0.09, right=0.98, top=0.82, bottom=0.2)
        lows = [low for low, _, _ in bins]
        widths = [high - low for low, high, _ in bins]
        axes.bar(lows, [count for _, _, count in bins], widths, align="edge", color=PALETTE[0])
        axis = money_axis([edge for low, high, _ in bins for edge in (low, high)])
        for index, (label, value) in enumerate(markers.items()):
            axes.axvline(
                value,
                color=PALETTE[(index + 1) % len(PALETTE)],
                linewidth=1.4,
                label=f"{label} {axis.func(value)}",
            )
        axes.xaxis.set_major_formatter(axis)
        axes.xaxis.set_major_locator(MaxNLocator(7))
        # The axis spans the data, not matplotlib's padding past the outermost bins.
        axes.set_xlim(min(lows), max(high for _, high, _ in bins))
        total = sum(count for _, _, count in bins) or 1
        axes.yaxis.set_major_locator(MaxNLocator(4))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / total:.0%}"))
        axes.set_ylabel(y_label_share)
        # Above the plot, beside the title: inside it the legend would cover the tallest bins.
        axes.legend(frameon=False, ncols=3, loc="lower right", bbox_to_anchor=(1, 1.0))
        _title(figure, title)
        return Chart(title, _svg(figure))


def _pyplot() -> Any:
    """Import matplotlib's pyplot on its file-only backend (imported once, when first drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


@contextmanager
def _figure(height: float) -> Iterator[tuple[Any, Any]]:
    """Open a 7-inch-wide figure with one axes, in the house style."""
    plt = _pyplot()
    with plt.rc_context(STYLE):
        yield plt.subplots(figsize=(7, height))


def _title(figure, title: str) -> None:
    """Set the title at the figure's left edge, so long titles are not cut by a wide margin."""
    figure.text(0.01, 0.985, title, ha="left", va="top", fontweight="bold", fontsize=10)


def _svg(figure) -> Markup:
    """Return the figure as inline SVG markup and close it.

    Safe to inline: matplotlib escapes every label it writes (a payer's name included).
    """
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    _pyplot().close(figure)
    svg = buffer.getvalue()
    return Markup(svg[svg.index("<svg") :])  # nosec B704 # matplotlib's own SVG, every label escaped by it


def lines_by_round(
    title: str, rounds: Sequence[int], series: Sequence[Series], y_label: str
) -> Chart:
    """A line per series over negotiation rounds (our ask, their offer); NaN leaves a gap."""
    with _figure(2.9) as (figure, axes):
        figure.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.24)
        for index, entry in enumerate(series):
            axes.plot(
                rounds,
                entry.values,
                marker="o",
                linewidth=1.8,
                color=PALETTE[index],
                label=entry.label,
            )
        axes.set_xticks(list(rounds), [f"Round {number}" for number in rounds])
        axes.set_xlim(min(rounds) - 0.3, max(rounds) + 0.3)
        # NaN is the one value unequal to itself: a round a side skipped stays out of the scale.
        shown = [value for entry in series for value in entry.values if value == value]
        axes.yaxis.set_major_formatter(money_axis(shown))
        axes.set_ylabel(y_label)
        _title(figure, title)
        axes.legend(frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.1))
        return Chart(title, _svg(figure))
