"""Migrations upgrade an empty database to the models' schema and downgrade it back to empty."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import make_app
from workbench import MIGRATIONS_DIR
from workbench.extensions import db
from workbench.models import ModelBase


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
