"""meeting attendees are people; a time zone per user

A meeting's attendees were stakeholder profiles; they are now people (a contact of the payer or
one of our team) with the profile they spoke for as their role. Each old attendee becomes one
row named after its profile. Users get a time zone the pages read and show times in.

Revision ID: c4a8e91d2b57
Revises: c5e8a1d47b20
Create Date: 2026-12-04 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e91d2b57'
down_revision = 'c5e8a1d47b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    # Read the old rows first: the new table takes the old one's name and constraint names.
    old = connection.execute(sa.text(
        "SELECT old.meeting_id, profiles.name, old.profile_id FROM meeting_attendees AS old "
        "JOIN stakeholder_profiles AS profiles ON profiles.id = old.profile_id "
        "ORDER BY old.meeting_id, old.profile_id"
    )).fetchall()
    op.drop_table('meeting_attendees')
    attendees = op.create_table('meeting_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_meeting_attendees_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendees_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['stakeholder_profiles.id'], name=op.f('fk_meeting_attendees_profile_id_stakeholder_profiles')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_attendees_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendees'))
    )
    op.bulk_insert(attendees, [
        {"meeting_id": meeting_id, "name": name, "profile_id": profile_id}
        for meeting_id, name, profile_id in old
    ])


def downgrade():
    connection = op.get_bind()
    people = connection.execute(sa.text(
        "SELECT DISTINCT meeting_id, profile_id FROM meeting_attendees WHERE profile_id IS NOT NULL"
    )).fetchall()
    op.drop_table('meeting_attendees')
    profiles = op.create_table('meeting_attendees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendees_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['stakeholder_profiles.id'], name=op.f('fk_meeting_attendees_profile_id_stakeholder_profiles')),
    sa.PrimaryKeyConstraint('meeting_id', 'profile_id', name=op.f('pk_meeting_attendees'))
    )
    op.bulk_insert(profiles, [
        {"meeting_id": meeting_id, "profile_id": profile_id} for meeting_id, profile_id in people
    ])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
