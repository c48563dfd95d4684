"""job heartbeat

A job's holder writes `heartbeat_at` while it has the job, so a job left by a killed process
can be told from a slow one and failed. Jobs already in the table get their last known time.

Revision ID: e5c1a9d3b7f2
Revises: c4a8e91d2b57
Create Date: 2026-12-04 19:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c1a9d3b7f2'
down_revision = 'c4a8e91d2b57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE jobs SET heartbeat_at = COALESCE(started_at, created_at)")


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
