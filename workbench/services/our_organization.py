"""Who "we" are: our own organization and the person to contact, set by an administrator on
first sign-in.

It is the organization of kind "own" (the first one, not archived) and its first contact, the
same record documents read for "Prepared by" (services/documents.own_organization); until it is
set, a method-1 document is marked DRAFT and a method-2 one is not made.
"""

from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.models import Contact, Organization, User, live
from workbench.models.enums import OrganizationKind
from workbench.services.audit import record_event
from workbench.services.organizations import (
    OrganizationValues,
    create_organization,
    update_organization,
)


@dataclass(frozen=True)
class OurOrganization:
    """What the first-run form asks: our name, and the person a payer should contact."""

    name: str
    contact_name: str
    contact_title: str | None
    contact_email: str | None
    contact_phone: str | None


def get_our_organization(session: Session) -> Organization | None:
    """Return our own organization (the first recorded, not archived), or None if not set."""
    return session.scalars(
        select(Organization)
        .where(Organization.kind == OrganizationKind.OWN, live(Organization))
        .options(selectinload(Organization.contacts))
        .order_by(Organization.id)
        .limit(1)
    ).first()


def get_our_organization_values(session: Session) -> OurOrganization | None:
    """Return what the first-run form shows for our organization, or None if not set."""
    organization = get_our_organization(session)
    if organization is None:
        return None
    contact = _first_contact(organization)
    return OurOrganization(
        organization.name,
        contact.name if contact else "",
        contact.title if contact else None,
        contact.email if contact else None,
        contact.phone if contact else None,
    )


def set_our_organization(session: Session, values: OurOrganization, user: User) -> Organization:
    """Record our organization and its contact (creating or updating them) and audit it."""
    organization = get_our_organization(session)
    if organization is None:
        organization = create_organization(session, _organization_values(values.name), user)
    elif organization.name != values.name:
        renamed = replace(_values_of(organization), name=values.name)
        update_organization(session, organization, organization.version, renamed, user)
        session.refresh(organization)
    contact = _first_contact(organization)
    if contact is None:
        contact = Contact(organization=organization, name=values.contact_name)
        session.add(contact)
    contact.name, contact.title = values.contact_name, values.contact_title
    contact.email, contact.phone = values.contact_email, values.contact_phone
    session.flush()
    record_event(
        session,
        "our_organization.set",
        user_id=user.id,
        target=organization,
        details={"name": values.name, "contact": values.contact_name},
    )
    return organization


def _first_contact(organization: Organization) -> Contact | None:
    return min(organization.contacts, key=lambda contact: contact.id, default=None)


def _values_of(organization: Organization) -> OrganizationValues:
    return OrganizationValues(
        **{field.name: getattr(organization, field.name) for field in fields(OrganizationValues)}
    )


def _organization_values(name: str) -> OrganizationValues:
    return OrganizationValues(
        name=name,
        kind=OrganizationKind.OWN,
        payer_type=None,
        profile_id=None,
        attributed_members=None,
        baseline_tcoc_pmpm=None,
        notes=None,
    )
