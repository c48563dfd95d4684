"""Fixtures for documents: the loaded reference library as a snapshot, and rendered PDFs."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import fill_template, make_app
from tests.pdf_text import pdf_pages
from workbench.documents.context import DocumentRequest
from workbench.documents.render import render_document, render_html
from workbench.engine import scenario_from_text
from workbench.extensions import db
from workbench.services.documents import document_context, get_library_snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "method-1"
CONTRACT_EXAMPLES = EXAMPLES.parent
ISSUED = date(2026, 11, 23)


@pytest.fixture(scope="session")
def library_snapshot(tmp_path_factory):
    """The repository's profiles and reference data, loaded once and copied out as plain data."""
    folder = tmp_path_factory.mktemp("library")
    url = f"sqlite:///{folder / 'library.sqlite3'}"
    fill_template(url, folder, with_library=True)
    app = make_app(url, folder)
    with app.app_context():
        snapshot = get_library_snapshot(db.session)
        db.session.remove()
        db.engine.dispose()
    return snapshot


def example(name: str, folder: Path = EXAMPLES, **replacements: str):
    text = (folder / name).read_text()
    for old, new in replacements.items():
        text = text.replace(old, new)
    return scenario_from_text(text)


def request_for(kind: str, *stakeholders: str, approval: str | None = None) -> DocumentRequest:
    return DocumentRequest(kind, stakeholders, "Riverside Primary Care", ISSUED, approval=approval)


class Rendered:
    """A document rendered from a scenario: its context, HTML, PDF, and its text page by page."""

    def __init__(self, library, scenario, request):
        self.context = document_context(request, scenario, library)
        self.html = render_html(self.context)
        rendered = render_document(self.context)
        self.pdf, self.page_count = rendered.pdf, rendered.page_count
        self.reader = PdfReader(io.BytesIO(self.pdf))
        self.pages = pdf_pages(self.pdf)
        self.text = "\n".join(self.pages)


def renderer(library, folder: Path):
    """Render a document from an example of `folder` once for each distinct request."""
    cache: dict = {}

    def rendered(scenario_name: str, kind: str, *stakeholders: str, **replacements: str):
        key = (scenario_name, kind, stakeholders, tuple(sorted(replacements.items())))
        if key not in cache:
            scenario = example(scenario_name, folder, **replacements)
            cache[key] = Rendered(library, scenario, request_for(kind, *stakeholders))
        return cache[key]

    return rendered


@pytest.fixture(scope="session")
def render(library_snapshot):
    """Render a document from a method-1 example once per session for each distinct request."""
    return renderer(library_snapshot, EXAMPLES)


@pytest.fixture(scope="session")
def render_contract(library_snapshot):
    """Render a document from a method-2 example once per session for each distinct request."""
    return renderer(library_snapshot, CONTRACT_EXAMPLES)
