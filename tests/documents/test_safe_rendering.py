"""Rendering fetches nothing but our static files, and stops cleanly past its limits."""

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.urls import URLFetcher

from tests.pdf_text import pdf_text
from workbench.documents.layout import StaticOnlyFetcher, render_pdf_here
from workbench.documents.pdf import STATIC_ROOT, PdfRequest, RenderError, render_pdf, static_path

HOSTILE_URLS = [
    "file:///etc/hostname",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1/",
    "https://127.0.0.1/",
    "ftp://127.0.0.1/file",
    (STATIC_ROOT / ".." / ".." / "pyproject.toml").as_uri(),
    STATIC_ROOT.as_uri() + "/css/app.css?x=1",
]

HOSTILE_HTML = f"""
<html><head>
<link rel="attachment" href="file:///etc/hostname">
<link rel="attachment" href="http://127.0.0.1/">
<link rel="stylesheet" href="http://169.254.169.254/style.css">
<style>@import url("file:///etc/hostname"); @import url("http://127.0.0.1/x.css");</style>
</head><body>
<p>Proposal body</p>
<img src="file:///etc/hostname"><img src="http://169.254.169.254/latest/meta-data/">
<img src="http://127.0.0.1/pixel.png">
<a rel="attachment" href="file:///etc/hostname">attached</a>
<div style="background: url('{HOSTILE_URLS[5]}')">x</div>
</body></html>
"""


# The three targets of the issue, each through every way a document can ask for a resource.
TARGETS = ["file:///etc/hostname", "http://169.254.169.254/", "http://127.0.0.1/"]
ASKING = {
    "img": '<img src="{}">',
    "import": '<style>@import url("{}");</style>',
    "attachment": '<link rel="attachment" href="{}">',
    "stylesheet": '<link rel="stylesheet" href="{}">',
}


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_fetcher_refuses_anything_but_static_files(url, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)
    assert "Refused to fetch" in caplog.text


def test_the_fetcher_serves_a_static_file():
    response = StaticOnlyFetcher().fetch((STATIC_ROOT / "css" / "app.css").as_uri())

    assert b":root" in response.read()
    assert static_path((STATIC_ROOT / "css" / "app.css").as_uri()) is not None


def test_hostile_html_renders_without_fetching_or_embedding_anything():
    rendered = render_pdf(PdfRequest(html=HOSTILE_HTML))

    reader = PdfReader(io.BytesIO(rendered.pdf))
    text = pdf_text(rendered.pdf)
    assert "Proposal body" in text
    assert reader.attachments == {}
    hostname = Path("/etc/hostname").read_text().strip()
    assert hostname not in text
    assert b"EmbeddedFile" not in rendered.pdf


def test_a_document_over_the_page_cap_fails_cleanly():
    html = "<p style='page-break-after: always'>page</p>" * 5

    with pytest.raises(RenderError, match="5 pages, over the limit of 3"):
        render_pdf(PdfRequest(html=html, max_pages=3))


def test_a_render_past_the_time_limit_is_stopped():
    html = "<table>" + "<tr><td>cell</td></tr>" * 20000 + "</table>"

    with pytest.raises(RenderError, match=r"longer than 0\.2 s"):
        render_pdf(PdfRequest(html=html, max_pages=10_000), timeout=0.2)


def test_embedded_chart_images_are_allowed_but_no_other_data_urls(caplog):
    fetcher = StaticOnlyFetcher()
    svg = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="

    assert b"<svg" in fetcher.fetch(svg).read()
    with caplog.at_level(logging.WARNING), pytest.raises(ValueError):
        fetcher.fetch("data:text/css;base64,QGltcG9ydCB1cmwoZmlsZTovLy9ldGMvcGFzc3dkKTs=")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("how", ASKING)
def test_each_way_of_asking_reaches_our_fetcher_and_is_refused(target, how, caplog, monkeypatch):
    opened = []
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: opened.append(url))
    html = f"<html><head>{ASKING[how].format(target)}</head><body><p>Body</p></body></html>"

    with caplog.at_level(logging.WARNING, logger="workbench.documents.pdf"):
        rendered = render_pdf_here(PdfRequest(html=html))

    assert opened == []
    assert f"Refused to fetch {target!r}" in caplog.text
    assert PdfReader(io.BytesIO(rendered.pdf)).attachments == {}


def test_a_stylesheet_passed_beside_the_html_fetches_nothing_either(caplog, monkeypatch):
    opened = []
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: opened.append(url))
    css = "@import url('file:///etc/hostname'); p { background: url('http://127.0.0.1/x.png') }"

    with caplog.at_level(logging.WARNING, logger="workbench.documents.pdf"):
        render_pdf_here(PdfRequest(html="<p>Body</p>", stylesheets=(css,)))

    assert opened == []
    assert caplog.text.count("Refused to fetch") == 2
