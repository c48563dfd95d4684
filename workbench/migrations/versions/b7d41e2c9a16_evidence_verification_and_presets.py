"""evidence verification, design and savings presets; measure stewards

Revision ID: b7d41e2c9a16
Revises: 3905785a4dec
Create Date: 2026-12-04 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e2c9a16'
down_revision = '3905785a4dec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setting', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('design', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('horizon_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('effect_interval', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('effect_net_of_program_cost', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('effect_caution', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'verification_status',
                sa.String(length=16),
                nullable=False,
                server_default='unverified',
            )
        )
        batch_op.add_column(sa.Column('verified_source', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('checked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('verification_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('savings_preset', sa.JSON(), nullable=True))

    with op.batch_alter_table('quality_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steward', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('quality_measures', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('year')
        batch_op.drop_column('steward')

    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        for column in (
            'savings_preset',
            'verification_note',
            'checked_on',
            'verified_source',
            'verification_status',
            'effect_caution',
            'effect_net_of_program_cost',
            'effect_interval',
            'horizon_months',
            'design',
            'setting',
        ):
            batch_op.drop_column(column)
