"""The review steps as services: one conditional update decides who was first; versions."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from workbench import engine
from workbench.extensions import db
from workbench.models import AuditEvent, DocumentArtifact, Scenario, User
from workbench.models.enums import DocumentStatus, Role
from workbench.services.accounts import create_user
from workbench.services.documents import build_document_request, generate_document
from workbench.services.review import ReviewError, approve, mark_sent, send_back, submit_for_review

WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"


@pytest.fixture
def executives(app) -> tuple[User, User]:
    return tuple(
        create_user(
            db.session, f"{name}@example.org", "a long test passphrase 42", Role.EXECUTIVE, name
        )
        for name in ("Dana", "Lee")
    )


def make_version(lead: User, care_managers: str = "2") -> DocumentArtifact:
    """Generate the worked example's summary, a version of the document of its saved scenario."""
    inputs = engine.scenario_to_dict(engine.scenario_from_text(WORKED.read_text()))
    inputs["program"]["care_manager_fte"] = care_managers
    scenario = db.session.scalar(select(Scenario)) or Scenario(
        name=inputs["name"],
        method_version=1,
        payment_model=inputs["payment_model"],
        inputs=inputs,
        owner_id=lead.id,
    )
    db.session.add(scenario)
    db.session.flush()
    request = build_document_request(db.session, "executive-summary", (), "Riverside")
    artifact, _ = generate_document(
        db.session, engine.parse_scenario(inputs), request, user_id=lead.id, scenario_id=scenario.id
    )
    return artifact


def approvals() -> int:
    query = select(func.count()).where(AuditEvent.action == "document.approved")
    return db.session.scalar(query)


@pytest.mark.parametrize("step", [approve, send_back])
def test_a_decision_taken_meanwhile_in_another_transaction_wins(library, lead, executives, step):
    artifact = make_version(lead)
    artifact.status = DocumentStatus.IN_REVIEW
    db.session.commit()
    first, second = executives
    stale = db.session.get(DocumentArtifact, artifact.id)  # read before the other decides

    with Session(db.engine) as other:
        approve(other, other.get(DocumentArtifact, artifact.id), other.get(User, first.id), "")
        other.commit()
    with pytest.raises(ReviewError, match="this document is approved by Dana") as refused:
        step(db.session, stale, second, "Not this one.")

    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.get(DocumentArtifact, artifact.id).reviewed_by_id == first.id
    assert approvals() == 1


def test_a_claim_that_waits_too_long_for_sqlite_s_lock_is_told_someone_is_deciding(
    library, lead, executives, database_url
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock: PostgreSQL waits for the row lock")
    artifact = make_version(lead)
    artifact.status = DocumentStatus.IN_REVIEW
    db.session.commit()
    impatient = create_engine(database_url, connect_args={"timeout": 0.2}, poolclass=NullPool)
    deciding = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    deciding.execute("BEGIN IMMEDIATE")  # the other approval, holding the lock while it stamps
    try:
        with Session(impatient) as session, pytest.raises(ReviewError) as refused:
            approve(session, session.get(DocumentArtifact, artifact.id), executives[1], "")
    finally:
        deciding.rollback()
        deciding.close()
        impatient.dispose()

    assert refused.value.status == 409
    assert "someone else is deciding on this document right now" in refused.value.message


def test_mark_sent_happens_once(library, lead, executives):
    artifact = make_version(lead)
    artifact.status = DocumentStatus.IN_REVIEW
    approve(db.session, artifact, executives[0], "")
    mark_sent(db.session, artifact, lead)

    with pytest.raises(ReviewError, match="this document is sent by Dana, so it cannot be sent"):
        mark_sent(db.session, artifact, lead)


def test_a_superseded_version_cannot_be_submitted(library, lead):
    old = make_version(lead)
    new = make_version(lead, care_managers="3")

    with pytest.raises(ReviewError, match="a newer version of this document exists"):
        submit_for_review(db.session, old, lead)
    submit_for_review(db.session, new, lead)

    assert (old.status, new.status) == (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW)
