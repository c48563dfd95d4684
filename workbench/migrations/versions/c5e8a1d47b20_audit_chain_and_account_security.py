"""audit chain and account security

The audit table becomes append-only (a trigger refuses UPDATE and DELETE on SQLite and
PostgreSQL) and hash-chained (existing events are chained in id order); events record the
client address, user agent and session id. Accounts get an API token expiry (existing tokens
expire 90 days from now) and a flag forcing a password change after an administrator's reset.

Revision ID: c5e8a1d47b20
Revises: c4f8a1d2e3b5
Create Date: 2026-12-04 20:00:00.000000

"""
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa

from workbench.services.audit import GENESIS, event_hash


# revision identifiers, used by Alembic.
revision = 'c5e8a1d47b20'
down_revision = 'c4f8a1d2e3b5'
branch_labels = None
depends_on = None

REFUSE = "audit_events is append-only"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSE}'; END $$",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]
EVENTS = sa.table(
    'audit_events',
    sa.column('id', sa.Integer()),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('user_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('target_type', sa.String()),
    sa.column('target_id', sa.Integer()),
    sa.column('details', sa.JSON()),
    sa.column('prev_hash', sa.String()),
    sa.column('hash', sa.String()),
)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        sa.text("UPDATE users SET api_token_expires_at = :at WHERE api_token_hash IS NOT NULL")
        .bindparams(at=datetime.now(UTC) + timedelta(days=90))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_address', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('session_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    tail = chain_existing_events()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.bulk_insert(head, [{'id': 1, 'last_hash': tail}])
    for statement in POSTGRES_TRIGGERS if is_postgres() else SQLITE_TRIGGERS:
        op.execute(statement)


def chain_existing_events() -> str:
    """Hash the events already written, in id order; return the last hash."""
    connection = op.get_bind()
    tail = GENESIS
    for row in connection.execute(sa.select(EVENTS).order_by(EVENTS.c.id)).mappings().fetchall():
        at = row['at'] if row['at'].tzinfo else row['at'].replace(tzinfo=UTC)
        event = SimpleNamespace(**{**row, 'at': at, 'client_address': None, 'user_agent': None, 'session_id': None})
        digest = event_hash(event, tail)
        connection.execute(
            EVENTS.update().where(EVENTS.c.id == row['id']).values(prev_hash=tail, hash=digest)
        )
        tail = digest
    return tail


def is_postgres() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def downgrade():
    if is_postgres():
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('session_id')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('client_address')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('api_token_expires_at')
