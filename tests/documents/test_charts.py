"""Charts are deterministic SVG, safe to inline: labels typed by a user stay escaped."""

from workbench.documents.charts import Series, distribution, grouped_bars, tornado

HOSTILE = "<script>alert(1)</script> & {{ 7*7 }}"


def test_the_same_inputs_draw_the_same_svg():
    draw = lambda: grouped_bars("Models", ["FFS", "Bundled"], [Series("Net", (-1.0, 2.0))], "$")  # noqa: E731

    assert draw().svg == draw().svg
    assert draw().svg.startswith("<svg")


def test_labels_are_escaped_in_every_chart():
    charts = [
        grouped_bars(HOSTILE, [HOSTILE], [Series(HOSTILE, (1.0,))], HOSTILE),
        tornado(HOSTILE, [HOSTILE], [1.0], [3.0], 2.0, HOSTILE),
        distribution(HOSTILE, [(0.0, 1.0, 3), (1.0, 2.0, 5)], {HOSTILE: 1.0}, HOSTILE),
    ]

    for chart in charts:
        assert "<script>" not in chart.svg
        assert "&lt;script&gt;" in chart.svg
        assert "<script>" not in chart.__html__()
