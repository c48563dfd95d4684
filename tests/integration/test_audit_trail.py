"""The audit trail is append-only (a trigger on both databases) and hash-chained, checked by
`workbench audit verify`; appends from concurrent transactions never fork the chain."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workbench.cli import cli
from workbench.extensions import db
from workbench.models import AuditEvent
from workbench.services.audit import record_event, verify_chain


def write_events(count: int) -> None:
    for number in range(count):
        record_event(db.session, "test.event", details={"number": number})
    db.session.commit()


def disable_guard(verb: str) -> None:
    """Remove the append-only trigger, as someone with the database owner's rights could."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    else:
        db.session.execute(text(f"DROP TRIGGER audit_events_no_{verb}"))
    db.session.commit()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'nothing.happened'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_to_change_or_remove_audit_events(app, statement):
    write_events(2)

    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_an_intact_trail_verifies(app, runner):
    write_events(5)

    result = runner.invoke(cli, ["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "intact: 5 events checked" in result.output


def test_a_changed_event_is_named(app, runner):
    write_events(4)
    disable_guard("update")
    second = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()[1]
    db.session.execute(
        text("UPDATE audit_events SET details = :details WHERE id = :id"),
        {"details": '{"number": 99}', "id": second},
    )
    db.session.commit()

    result = runner.invoke(cli, ["audit", "verify"])

    assert result.exit_code == 2
    assert f"event {second}: its content was changed" in result.output


def test_a_removed_event_is_noticed_at_the_next_one(app, runner):
    write_events(4)
    disable_guard("delete")
    ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    db.session.commit()

    result = runner.invoke(cli, ["audit", "verify"])

    assert result.exit_code == 2
    assert f"event {ids[2]}: does not follow the event before it" in result.output


def test_removing_the_newest_events_is_noticed(app, runner):
    write_events(3)
    disable_guard("delete")
    db.session.execute(
        text("DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)")
    )
    db.session.commit()

    result = runner.invoke(cli, ["audit", "verify"])

    assert result.exit_code == 2
    assert "the newest events were removed" in result.output


def test_concurrent_appends_keep_one_chain(app):
    engine = db.engine

    def append(worker: int) -> None:
        for number in range(10):
            with Session(engine) as session:
                record_event(session, "test.concurrent", details={"worker": worker, "n": number})
                session.commit()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(append, range(6)))

    checked, broken = verify_chain(db.session)
    assert broken is None
    assert checked == 60
