"""Migrations upgrade an empty database to the models' schema and downgrade it back to empty."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import make_app
from workbench import MIGRATIONS_DIR
from workbench.extensions import db
from workbench.models import ModelBase, utcnow


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_go_from_empty_to_head_and_back(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    with app.app_context():
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert table_names() == set()

        upgrade(directory=str(MIGRATIONS_DIR))
        assert table_names() == set(ModelBase.metadata.tables)

        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert table_names() == set()

        db.engine.dispose()


def test_the_models_match_the_latest_migration(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, ModelBase.metadata) == []


def test_a_claims_note_becomes_the_scenario_s_sizing_in_a_database_in_use(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    note = "Claims: baseline_tcoc_pmpm 512.40 from the claims sizing 1 of Acme: claims.csv."
    with app.app_context():
        downgrade(directory=str(MIGRATIONS_DIR), revision="3905785a4dec")
        now = utcnow()
        for statement, values in (
            (
                "INSERT INTO organizations (id, name, kind, locally_edited, created_at,"
                " updated_at, version) VALUES (1, 'Acme', 'payer', false, :now, :now, 1)",
                {},
            ),
            (
                "INSERT INTO claims_sizings (id, organization_id, figures, provenance, created_at)"
                " VALUES (1, 1, '{}', '{}', :now)",
                {},
            ),
            (
                "INSERT INTO scenarios (id, name, method_version, payment_model, inputs,"
                " description, created_at, updated_at, version)"
                " VALUES (1, 'A', 1, 'ffs', '{}', :description, :now, :now, 1)",
                {"description": f"Kept line.\n{note}"},
            ),
            # Rows that refer to the scenario: SQLite rebuilds its table to add the column.
            (
                "INSERT INTO negotiations (id, organization_id, title, stage, created_at,"
                " updated_at, version) VALUES (1, 1, 'Renewal', 'background', :now, :now, 1)",
                {},
            ),
            (
                "INSERT INTO offers (id, negotiation_id, round, side, payment_model, rates,"
                " response, scenario_id, created_at) VALUES"
                " (1, 1, 1, 'ours', 'ffs', '{}', 'pending', 1, :now)",
                {},
            ),
        ):
            db.session.execute(text(statement), {"now": now, **values})
        db.session.commit()

        upgrade(directory=str(MIGRATIONS_DIR))

        row = db.session.execute(
            text("SELECT claims_sizing_id, description FROM scenarios WHERE id = 1")
        ).one()
        db.session.remove()
        db.engine.dispose()
    assert tuple(row) == (1, "Kept line.")


def test_a_meeting_s_profile_attendees_become_named_attendees_and_back(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    with app.app_context():
        downgrade(directory=str(MIGRATIONS_DIR), revision="9c1e7b2f4a10")
        now = utcnow()
        for statement in (
            "INSERT INTO organizations (id, name, kind, locally_edited, created_at,"
            " updated_at, version) VALUES (1, 'Acme', 'payer', false, :now, :now, 1)",
            "INSERT INTO stakeholder_profiles (id, key, name, category, summary, content,"
            " locally_edited, created_at, updated_at, version) VALUES (7, 'medicaid_mco',"
            " 'Medicaid managed care organization', 'payer', '', '{}', false, :now, :now, 1)",
            "INSERT INTO negotiations (id, organization_id, title, stage, created_at,"
            " updated_at, version) VALUES (1, 1, 'Renewal', 'background', :now, :now, 1)",
            "INSERT INTO meetings (id, negotiation_id, held_at, title, created_at, updated_at)"
            " VALUES (1, 1, :now, 'Intro', :now, :now)",
            "INSERT INTO meeting_attendees (meeting_id, profile_id) VALUES (1, 7)",
        ):
            db.session.execute(text(statement), {"now": now})
        db.session.commit()

        upgrade(directory=str(MIGRATIONS_DIR))
        people = db.session.execute(
            text("SELECT meeting_id, name, profile_id, contact_id FROM meeting_attendees")
        ).all()
        # End the read: on PostgreSQL its lock would make the downgrade's DROP TABLE wait forever.
        db.session.commit()
        downgrade(directory=str(MIGRATIONS_DIR), revision="9c1e7b2f4a10")
        profiles = db.session.execute(
            text("SELECT meeting_id, profile_id FROM meeting_attendees")
        ).all()
        db.session.commit()
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()

    assert [tuple(row) for row in people] == [(1, "Medicaid managed care organization", 7, None)]
    assert [tuple(row) for row in profiles] == [(1, 7)]
