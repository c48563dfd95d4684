"""Organizations as a service: create, rename against someone else's save, delete or archive."""

import pytest
from sqlalchemy import select

from tests.services.conftest import payer_values
from workbench.extensions import db
from workbench.models import AuditEvent, Negotiation, Organization
from workbench.models.enums import NegotiationStage
from workbench.services.organizations import (
    OrganizationError,
    add_contact,
    create_organization,
    delete_organization,
    update_organization,
)
from workbench.services.unit_of_work import unit_of_work
from workbench.services.versioning import EditConflict


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_creating_an_organization_writes_its_row_and_its_audit_event(payer):
    stored = db.session.scalars(select(Organization)).one()

    assert (stored.name, stored.attributed_members) == ("Great Lakes Health Plan", 12000)
    assert actions()[-1] == "organization.created"


def test_a_second_organization_with_the_same_name_is_refused_on_the_name_field(payer, lead):
    with pytest.raises(OrganizationError) as refused:
        create_organization(db.session, payer_values(), lead)

    assert refused.value.field == "name"
    assert refused.value.status == 422


def test_a_save_over_someone_elses_is_a_conflict_and_the_unit_writes_nothing(payer, lead):
    opened = payer.version
    with unit_of_work(db.session):
        update_organization(db.session, payer, opened, payer_values(notes="theirs"), lead)
    before = actions()

    with pytest.raises(EditConflict), unit_of_work(db.session):
        update_organization(db.session, payer, opened, payer_values(notes="mine"), lead)

    db.session.expire_all()
    assert (payer.notes, payer.version) == ("theirs", opened + 1)
    assert actions() == before


def test_an_organization_nothing_refers_to_is_deleted_with_its_contacts(payer, lead):
    add_contact(
        db.session, payer, {"name": "Dana", "title": None, "email": None, "phone": None}, lead
    )

    assert delete_organization(db.session, payer, lead) == "deleted"
    assert db.session.scalars(select(Organization)).all() == []


def test_an_organization_a_negotiation_refers_to_is_archived(payer, lead):
    db.session.add(
        Negotiation(
            organization=payer, title="2027", stage=NegotiationStage.BACKGROUND, owner_id=lead.id
        )
    )
    db.session.flush()

    assert delete_organization(db.session, payer, lead) == "archived"
    assert payer.deleted_at is not None
    assert actions()[-1] == "organization.archived"
