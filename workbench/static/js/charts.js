// Draw the live charts: each <figure class="chart"> carries the Vega-Lite specification the
// server built from the engine's figures (documents/charts.py) in a JSON script element, and the
// same specification prints in the documents. vega-embed runs vega's expression interpreter
// (ast: true) so no code is ever evaluated from a string, as the Content-Security-Policy requires.
"use strict";

const CHART_OPTIONS = { ast: true, actions: false, renderer: "svg", defaultStyle: false };

function drawCharts(root) {
  root.querySelectorAll("script.chart-spec").forEach((script) => {
    const canvas = script.parentElement.querySelector(".chart-canvas");
    const spec = JSON.parse(script.textContent);
    // The page's chart fills its column; the printed one keeps the specification's width.
    spec.width = "container";
    vegaEmbed(canvas, spec, CHART_OPTIONS).catch((error) => {
      canvas.textContent = "The chart could not be drawn; its figures are in the table beside it.";
      console.error(error);
    });
  });
}

// Called for the page once loaded and again for every fragment htmx swaps in (recalculation).
htmx.onLoad(drawCharts);
