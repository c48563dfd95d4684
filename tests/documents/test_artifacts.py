"""Generated documents are stored artifacts: served again from storage, frozen once approved."""

import hashlib
import re

import pytest
from sqlalchemy import func, select

from tests.documents.conftest import EXAMPLES, example
from tests.pdf_text import pdf_pages
from workbench.cli import cli
from workbench.documents.pdf import RenderError
from workbench.extensions import db
from workbench.models import AuditEvent, DocumentArtifact
from workbench.models.documents import FrozenArtifactError
from workbench.models.enums import DocumentStatus
from workbench.services.documents import build_document_request, generate_document


def test_the_same_request_is_served_from_storage(app, library):
    scenario = example("worked-example.yaml")
    request = build_document_request(db.session, "executive-summary", (), "Riverside")

    first, created = generate_document(db.session, scenario, request)
    db.session.commit()
    again, created_again = generate_document(db.session, scenario, request)

    assert created and not created_again
    assert again.id == first.id
    assert first.sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert first.inputs_snapshot["scenario"]["name"] == scenario.name
    assert first.method_version == 1
    assert db.session.scalar(select(func.count()).select_from(DocumentArtifact)) == 1
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("document.generated") == 1


@pytest.fixture
def approved(app, library) -> DocumentArtifact:
    scenario = example("worked-example.yaml")
    request = build_document_request(db.session, "executive-summary", (), "Riverside")
    artifact, _ = generate_document(db.session, scenario, request)
    artifact.status, artifact.review_comment = DocumentStatus.APPROVED, "Approved for the meeting"
    db.session.commit()
    return artifact


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pdf", b"%PDF-1.7 something else"),
        ("sha256", "0" * 64),
        ("title", "Another title"),
        ("template_version", "0"),
        ("review_comment", "Changed my mind"),
        ("status", DocumentStatus.DRAFT),
        ("status", DocumentStatus.IN_REVIEW),
    ],
)
def test_an_approved_artifact_cannot_change(approved, field, value):
    setattr(approved, field, value)

    with pytest.raises(FrozenArtifactError, match=f"approved; {field} cannot change"):
        db.session.flush()
    db.session.rollback()


def test_an_approved_artifact_cannot_be_unapproved_in_two_steps(approved):
    approved.status = DocumentStatus.SENT
    db.session.commit()

    approved.status = DocumentStatus.DRAFT
    with pytest.raises(FrozenArtifactError, match="sent; status cannot change"):
        db.session.flush()
    db.session.rollback()


def test_an_approved_artifact_cannot_be_deleted(approved):
    db.session.delete(approved)

    with pytest.raises(FrozenArtifactError, match="cannot be deleted"):
        db.session.flush()
    db.session.rollback()


def test_render_command_writes_the_proposal_of_the_issue(app, library, runner, tmp_path):
    out, html = tmp_path / "proposal.pdf", tmp_path / "proposal.html"
    arguments = ["render", "--scenario", str(EXAMPLES / "worked-example.yaml")]
    arguments += ["--document", "proposal", "--stakeholder", "commercial_payer"]

    result = runner.invoke(cli, [*arguments, "--out", str(out), "--html", str(html)])
    again = runner.invoke(cli, [*arguments, "--out", str(out)])

    assert result.exit_code == 0, result.output
    pages = int(re.search(r": (\d+) pages", result.stdout)[1])
    assert 8 <= pages <= 15 and "rendered" in result.stdout
    assert "--prepared-by" in result.stderr
    assert "served from storage" in again.stdout
    assert out.read_bytes().startswith(b"%PDF")
    assert '<h1 class="doc-title">Proposal to Commercial Plan A</h1>' in html.read_text()


def test_render_command_writes_the_pdf_and_refuses_unknown_names(app, library, runner, tmp_path):
    out = tmp_path / "summary.pdf"
    scenario = str(EXAMPLES / "worked-example.yaml")

    result = runner.invoke(
        cli,
        ["render", "--scenario", scenario, "--document", "executive-summary", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")

    unknown_doc = runner.invoke(
        cli, ["render", "--scenario", scenario, "--document", "memo", "--out", str(out)]
    )
    assert unknown_doc.exit_code == 2
    assert "proposal, brief, executive-summary, meeting-packet" in unknown_doc.stderr

    unknown_person = runner.invoke(
        cli,
        [
            "render",
            "--scenario",
            scenario,
            "--document",
            "brief",
            "--stakeholder",
            "nobody",
            "--out",
            str(out),
        ],
    )
    assert unknown_person.exit_code == 2
    assert "commercial_payer" in unknown_person.stderr

    payer = ["--stakeholder", "commercial_payer"]
    method_2 = ["render", "--scenario", str(EXAMPLES.parent / "worked-example.yaml")]
    unnamed = runner.invoke(cli, [*method_2, "--document", "brief", "--out", str(out), *payer])
    assert unnamed.exit_code == 2
    assert "name our organization first" in unnamed.stderr

    named = runner.invoke(
        cli,
        [*method_2, "--document", "brief", "--out", str(out), "--prepared-by", "Riverside", *payer],
    )
    assert named.exit_code == 0, named.stderr
    text = " ".join(pdf_pages(out.read_bytes())[0].split())
    assert "Brief for Commercial Plan A" in text and "rate method 2" in text


def test_a_render_past_its_limits_fails_cleanly_on_the_command_line(
    library, runner, tmp_path, monkeypatch
):
    def too_slow(context):
        raise RenderError("the document took longer than 120 s to render")

    monkeypatch.setattr("workbench.services.documents.render_document", too_slow)
    out = tmp_path / "summary.pdf"
    scenario = str(EXAMPLES / "worked-example.yaml")

    result = runner.invoke(
        cli,
        ["render", "--scenario", scenario, "--document", "executive-summary", "--out", str(out)],
    )

    assert result.exit_code == 2
    assert "could not be rendered: the document took longer than 120 s" in result.stderr
    assert not out.exists()
