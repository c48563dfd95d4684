"""Imported once by the render fork server: warms WeasyPrint so each render child starts warm.

A fresh process spends most of its first render loading fonts and building caches; children
forked from a server that has already rendered once inherit all of that.
"""

from workbench.documents.layout import render_pdf_here
from workbench.documents.pdf import PdfRequest

WARM_UP = PdfRequest(
    html="<html><body><h1>Warm</h1><p style='font-family: DejaVu Serif'>up <b>bold</b> "
    "<i>italic</i></p><table><tr><td>1</td></tr></table></body></html>",
)

render_pdf_here(WARM_UP)
