"""The live charts: the scenario and Sensitivity pages embed a Vega-Lite specification built from
the engine's result, drawn in the browser by the vendored vega-embed (no CDN, no eval)."""

import json
import re
from pathlib import Path

import pytest

from tests.web.test_scenarios import form_fields, import_file, preview
from workbench import engine
from workbench.engine import contract
from workbench.services.scenarios import get_analysis

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SPEC = re.compile(r'<script type="application/json" class="chart-spec">(.*?)</script>', re.S)
VENDORED = ("vendor/vega/vega.min.js", "vendor/vega/vega-lite.min.js", "js/charts.js")


def specs(html: str) -> list[dict]:
    """Return every chart specification the page embeds, as the browser's script reads it."""
    return [json.loads(text) for text in SPEC.findall(html)]


def bars(spec: dict, series: str, key: str = "category") -> dict[str, float]:
    return {row[key]: row["value"] for row in spec["data"]["values"] if row["series"] == series}


def imported(web, path: Path) -> int:
    web.sign_in("lead")
    response = import_file(web, path.read_bytes(), path.name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def contract_id(web) -> int:
    """The method-2 worked example, imported by the lead, who stays signed in."""
    return imported(web, EXAMPLES / "worked-example.yaml")


def contract_result(path: Path) -> contract.ContractResult:
    return contract.evaluate(engine.scenario_from_text(path.read_text())).result


def assert_term_chart_is(spec: dict, result: contract.ContractResult) -> None:
    paid = bars(spec, "Payments to the program")
    saved = bars(spec, "Gross medical savings")
    for year in result.years:
        assert paid[f"Year {year.year}"] == float(year.payer_added_payments)
        assert saved[f"Year {year.year}"] == float(year.gross_savings)
    assert saved["After the term"] == float(result.tail_savings)


def test_the_scenario_page_embeds_the_term_chart_from_the_engines_figures(web, contract_id):
    response = web.get(f"/scenarios/{contract_id}")
    page = response.get_data(as_text=True)
    (spec,) = specs(page)

    assert_term_chart_is(spec, contract_result(EXAMPLES / "worked-example.yaml"))
    assert spec["title"]["text"] == ["What the payer pays and saves, year by year"]
    assert 'role="img" aria-label="What the payer pays and saves, year by year"' in page
    for script in VENDORED:
        assert f'src="/static/{script}"' in page
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "<svg" not in page  # drawn by the browser, not the server


def test_a_recalculation_sends_the_chart_of_the_inputs_as_typed(web, contract_id):
    fields = form_fields(web.get(f"/scenarios/{contract_id}").get_data(as_text=True))
    text = (EXAMPLES / "worked-example.yaml").read_text()
    typed = fields["contract-term_years"]
    changed = "2" if typed != "2" else "3"
    expected = contract_result(EXAMPLES / "worked-example.yaml")

    (spec,) = specs(preview(web, contract_id, fields, {"contract-term_years": changed}))

    typed_text = text.replace(f"term_years: {typed}", f"term_years: {changed}")
    shorter = engine.scenario_from_text(typed_text)
    assert len(contract.evaluate(shorter).result.years) == int(changed) != len(expected.years)
    assert_term_chart_is(spec, contract.evaluate(shorter).result)


def test_a_method_1_page_embeds_the_models_chart_from_the_comparison(web):
    path = EXAMPLES / "method-1" / "worked-example.yaml"
    scenario_id = imported(web, path)
    comparison = engine.compare(engine.scenario_from_text(path.read_text()))

    (spec,) = specs(web.get(f"/scenarios/{scenario_id}").get_data(as_text=True))

    provider = bars(spec, "Provider net")
    payer = bars(spec, "Payer net savings")
    assert sorted(provider.values()) == sorted(
        float(m.provider_net) for m in comparison.models.values()
    )
    assert sorted(payer.values()) == sorted(
        float(m.payer_net_savings) for m in comparison.models.values()
    )


def test_the_sensitivity_page_embeds_both_tornados_and_the_spread(web, contract_id):
    page = web.get(f"/scenarios/{contract_id}/analysis").get_data(as_text=True)
    with web.db() as session:
        analysis = get_analysis(session, contract_id)
    *tornados, spread = specs(page)

    assert len(tornados) == len([v for v in analysis.tornados if v.chart])
    for spec, view in zip(tornados, analysis.tornados, strict=False):
        values = spec["data"]["values"]
        assert [row["value"] for row in values] == [
            float(edge) for row in view.rows for edge in (row.output_low, row.output_high)
        ]
        assert spec["layer"][1]["encoding"]["x"]["datum"] == float(view.base_output)
    histogram = analysis.risk.provider_net_histogram
    assert [row["draws"] for row in spread["layer"][0]["data"]["values"]] == [
        b.draws for b in histogram
    ]
    assert spread["layer"][0]["data"]["values"][0]["low"] == float(histogram[0].low)
    markers = [row["value"] for row in spread["layer"][1]["data"]["values"]]
    assert float(analysis.risk.provider_net.p50) in markers
    for script in VENDORED:
        assert f'src="/static/{script}"' in page
