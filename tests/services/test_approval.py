"""Approving a method-2 document stamps it: the reviewed version, with "Approved by" for DRAFT."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.pdf_text import pdf_text
from workbench.documents.context import DocumentRequest
from workbench.engine import scenario_from_text
from workbench.errors import ConflictError
from workbench.extensions import db
from workbench.models import EvidenceItem
from workbench.models.enums import DocumentStatus, Role
from workbench.services.accounts import create_user
from workbench.services.documents import generate_document
from workbench.services.review import approve

WORKED = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"
TODAY = date(2026, 12, 4)


@pytest.fixture
def in_review(library, lead):
    scenario = scenario_from_text(WORKED.read_text())
    request = DocumentRequest("brief", ("commercial_payer",), "Riverside Primary Care", TODAY)
    artifact, _ = generate_document(db.session, scenario, request, user_id=lead.id)
    artifact.status = DocumentStatus.IN_REVIEW
    db.session.flush()
    return artifact


@pytest.fixture
def executive(app):
    return create_user(
        db.session, "cfo@example.org", "a long test passphrase 42", Role.EXECUTIVE, "Dana Reyes"
    )


def text_of(pdf: bytes) -> str:
    return pdf_text(pdf)


def test_the_approved_pdf_names_its_approver_where_it_said_draft(in_review, executive):
    draft, draft_sha = in_review.pdf, in_review.sha256
    assert "DRAFT" in text_of(draft)

    approve(db.session, in_review, executive, "Good to go.")
    db.session.flush()

    approved = text_of(in_review.pdf)
    assert in_review.status == DocumentStatus.APPROVED
    assert "DRAFT" not in approved
    assert "Approved by Dana Reyes on " in " ".join(approved.split())
    assert in_review.sha256 != draft_sha
    # Everything else is the version reviewed: the same pages and words but the stamp.
    assert in_review.page_count == len(PdfReader(io.BytesIO(draft)).pages)


def test_a_version_made_from_another_library_is_not_stamped_but_refused(in_review, executive):
    item = db.session.scalars(select(EvidenceItem).where(EvidenceItem.key == "impact_2002")).one()
    item.study = "IMPACT, as edited after the version was made"
    db.session.flush()

    with pytest.raises(ConflictError, match="generate it again"):
        approve(db.session, in_review, executive, "")
    assert in_review.status == DocumentStatus.IN_REVIEW
