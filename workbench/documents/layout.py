"""Lay out HTML as PDF with WeasyPrint, in the process that calls (a render child, a test).

WeasyPrint's default fetcher reads local files and follows redirects, which has been exploited
(CVE-2024-28184, CVE-2025-68616, GHSA-jf6q-chmf-3h3v). Every WeasyPrint object here gets
`StaticOnlyFetcher`. Only render children import this module (documents/pdf.py).
"""

import mimetypes

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from workbench.documents.pdf import (
    LOGGER,
    STATIC_BASE_URL,
    PdfRequest,
    RefusedURL,
    RenderedPdf,
    RenderError,
    static_path,
)


class StaticOnlyFetcher(URLFetcher):
    """Serve files under workbench/static/ and data: images; refuse everything else, logged.

    data: URLs carry their own bytes (the charts are embedded that way), so nothing is fetched.
    """

    def __init__(self) -> None:
        super().__init__(
            allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False
        )

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:image/"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            LOGGER.warning("Refused to fetch %r while rendering a document", url[:200])
            raise RefusedURL(f"only the workbench's static files may be fetched, not {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def render_pdf_here(request: PdfRequest) -> RenderedPdf:
    """Lay out and write the PDF in this process (the child, or a benchmark)."""
    fetcher = StaticOnlyFetcher()
    html = HTML(string=request.html, base_url=STATIC_BASE_URL, url_fetcher=fetcher)
    stylesheets = [
        CSS(string=css, base_url=STATIC_BASE_URL, url_fetcher=fetcher)
        for css in request.stylesheets
    ]
    document = html.render(stylesheets=stylesheets)
    if len(document.pages) > request.max_pages:
        raise RenderError(
            f"the document has {len(document.pages)} pages, over the limit of {request.max_pages}"
        )
    return RenderedPdf(pdf=document.write_pdf(), page_count=len(document.pages))
