"""JSON or YAML nested thousands of levels deep: a clear refusal naming the input, never a 500."""

import shutil

import pytest

from tests.conftest import PROFILES_DIR
from tests.web.test_api import bearer, issue_token
from tests.web.test_scenarios import import_file
from workbench.services.library_files import LibraryError, read_library

DEPTH = 5000
DEEP_JSON = "[" * DEPTH + "]" * DEPTH
DEEP_YAML = "a: " + "{a: " * DEPTH + "1" + "}" * DEPTH  # flow mappings: YAML, not JSON


@pytest.mark.parametrize("text", [DEEP_JSON, DEEP_YAML], ids=["json", "yaml"])
def test_a_deep_scenario_file_is_a_form_error(web, text):
    web.sign_in("lead")

    response = import_file(web, text.encode())

    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", [DEEP_JSON, DEEP_YAML], ids=["json", "yaml"])
def test_a_deep_body_to_evaluate_is_a_400_in_the_json_shape(web, text):
    token = issue_token(web, "viewer")

    response = web.client.post("/api/v1/evaluate", data=text, headers=bearer(token))

    assert response.status_code == 400 and response.is_json
    [error] = response.get_json()["errors"]
    assert "nested too deeply" in error["message"]


def test_a_deep_offer_body_is_a_400(web, library):
    from tests.web.test_negotiations import open_negotiation

    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    token = issue_token(web, "lead")

    response = web.client.post(
        f"/api/v1/negotiations/{negotiation_id}/offers",
        data=DEEP_JSON,
        headers=bearer(token) | {"Content-Type": "application/json"},
    )

    assert response.status_code == 400 and response.is_json
    assert "nested too deeply" in response.get_json()["errors"][0]["message"]


def test_a_deep_library_file_is_named(tmp_path):
    folder = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, folder)
    (folder / "aco.yaml").write_text(DEEP_YAML)

    with pytest.raises(LibraryError) as caught:
        read_library(folder)

    assert "aco.yaml: not valid YAML (nested too deeply" in str(caught.value)
