"""Scenarios as a service: save from a file, copy, save over someone else's, refuse bad input."""

from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.extensions import db
from workbench.models import Scenario
from workbench.services.scenarios import (
    ScenarioNotFound,
    create_copy,
    create_scenario_from_text,
    update_scenario,
)
from workbench.services.versioning import EditConflict

WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"


@pytest.fixture
def saved(lead) -> Scenario:
    return create_scenario_from_text(db.session, WORKED.read_bytes(), lead)


def test_a_scenario_file_is_saved_with_its_figures_columns(saved):
    stored = db.session.scalars(select(Scenario)).one()

    assert stored.name == "Commercial Plan A - 2027 renewal"
    assert stored.inputs["program"]["care_manager_fte"] in ("2", 2)


def test_a_copy_gets_a_name_of_its_own(saved, lead):
    copy = create_copy(db.session, saved.id, lead)

    assert copy.id != saved.id
    assert copy.name != saved.name and copy.name.startswith(saved.name)


def test_a_bad_file_names_each_field_at_fault(lead):
    text = WORKED.read_text().replace("care_manager_fte: 2", "care_manager_fte: -1")

    with pytest.raises(WorkbenchError) as refused:
        create_scenario_from_text(db.session, text.encode(), lead)

    assert [problem.field for problem in refused.value.problems] == ["program.care_manager_fte"]
    assert db.session.scalars(select(Scenario)).all() == []


def test_text_that_is_not_utf_8_is_refused_in_words(lead):
    with pytest.raises(WorkbenchError, match="not UTF-8 text"):
        create_scenario_from_text(db.session, "name: café".encode("latin-1"), lead)


def test_saving_over_a_newer_version_is_a_conflict(saved, lead):
    inputs = saved.inputs

    update_scenario(db.session, saved.id, saved.version, inputs, None, lead)

    with pytest.raises(EditConflict):
        update_scenario(db.session, saved.id, 0, inputs, None, lead)


def test_saving_a_scenario_that_does_not_exist_is_not_found(lead):
    with pytest.raises(ScenarioNotFound) as missing:
        update_scenario(db.session, 999, 0, {}, None, lead)

    assert missing.value.status == 404
