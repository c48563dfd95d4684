"""Documents name our own organization (kind OWN, not archived) as their author, or fall back."""

import re

from tests.documents.conftest import example
from tests.pdf_text import pdf_text
from workbench.documents.context import UNNAMED_PROVIDER
from workbench.extensions import db
from workbench.models import Contact, Organization
from workbench.models.base import utcnow
from workbench.models.enums import OrganizationKind
from workbench.services.documents import build_document_request, generate_document

OURS = "Lakeside Family Medicine"


def add_own(name: str = OURS, *, archived: bool = False, contact: bool = True) -> Organization:
    organization = Organization(name=name, kind=OrganizationKind.OWN)
    if contact:
        organization.contacts.append(
            Contact(name="Dana Reyes", title="Director of Finance", email="dreyes@lakeside.example")
        )
    if archived:
        organization.deleted_at = utcnow()
    db.session.add(organization)
    db.session.flush()
    return organization


def document_text(kind: str, *stakeholders: str) -> str:
    request = build_document_request(db.session, kind, stakeholders, None)
    artifact, _ = generate_document(db.session, example("worked-example.yaml"), request)
    return re.sub(r"\s+", " ", pdf_text(artifact.pdf))


def test_without_an_organization_of_our_own_the_document_keeps_the_unnamed_wording(app, library):
    text = document_text("brief", "commercial_payer")

    assert f"PREPARED BY {UNNAMED_PROVIDER}" in text
    assert "Contact:" not in text
    assert "DRAFT" in text  # until an administrator sets who we are


def test_the_brief_is_prepared_by_our_own_organization_with_its_contact(app, library):
    add_own()
    text = document_text("brief", "commercial_payer")

    assert f"PREPARED BY {OURS}" in text
    assert "Contact: Dana Reyes, Director of Finance, dreyes@lakeside.example" in text
    assert UNNAMED_PROVIDER not in text
    assert "DRAFT" not in text


def test_the_proposal_names_our_organization_on_the_cover_and_as_the_program(app, library):
    add_own(contact=False)
    text = document_text("proposal", "commercial_payer")

    assert f"PREPARED BY {OURS}" in text
    assert f"program run by {OURS}, serving Commercial Plan A" in text
    assert UNNAMED_PROVIDER not in text and "Contact:" not in text


def test_the_executive_summary_keeps_itself_inside_our_organization(app, library):
    add_own()
    text = document_text("executive-summary")

    assert f"not for distribution outside {OURS}" in text


def test_an_archived_organization_of_our_own_is_not_named(app, library):
    add_own("Old Name Clinic", archived=True)
    text = document_text("brief", "commercial_payer")

    assert "Old Name Clinic" not in text
    assert f"PREPARED BY {UNNAMED_PROVIDER}" in text


def test_a_name_given_for_the_document_wins_and_carries_no_contact_of_ours(app, library):
    add_own()
    request = build_document_request(db.session, "brief", ("commercial_payer",), "Consultancy X")
    artifact, _ = generate_document(db.session, example("worked-example.yaml"), request)
    text = pdf_text(artifact.pdf)

    assert "Consultancy X" in text
    assert "Dana Reyes" not in text
