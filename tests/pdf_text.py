"""A PDF's text and word boxes as poppler's tools (poppler-utils) read them.

pypdf's text extraction took about a second a document and pdfplumber's word boxes half a
second a page, most of a document test's own time; pdftotext reads the same text from the same
ToUnicode maps in a twentieth of that. `-raw` keeps the order the text was drawn in and a hyphen
at the end of a line.
"""

import html
import re
import subprocess
from dataclasses import dataclass

# The diagonal DRAFT watermark comes out a letter or two a line ("D\nR\nA\nFT"); joined again.
_WATERMARK = re.compile(r"D\s+R\s+A\s+F\s*T\b")


def pdf_pages(pdf: bytes) -> list[str]:
    """Return the text of each page of `pdf`, in the order it was drawn."""
    pages = _poppler(pdf, "pdftotext", "-raw", "-enc", "UTF-8").split("\f")[:-1]
    return [_WATERMARK.sub("DRAFT", page).rstrip() for page in pages]


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page of `pdf`, one page after another."""
    return "\n".join(pdf_pages(pdf))


@dataclass(frozen=True)
class Word:
    """A word as printed: its text and its box, in points from the page's top left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


def pdf_layout(pdf: bytes) -> list[Page]:
    """Return each page's size and words with their boxes (pdftotext -bbox)."""
    layout = _poppler(pdf, "pdftotext", "-bbox", "-enc", "UTF-8")
    return [
        Page(
            float(width),
            float(height),
            tuple(
                Word(html.unescape(text), float(x0), float(top), float(x1), float(bottom))
                for x0, top, x1, bottom, text in _WORD.findall(body)
            ),
        )
        for width, height, body in _PAGE.findall(layout)
    ]


def pdf_fonts(pdf: bytes, first_page: int = 1, last_page: int = 0) -> set[str]:
    """Return the names of the fonts used on pages `first_page` to `last_page` (0: the last)."""
    pages = ["-f", str(first_page)] + (["-l", str(last_page)] if last_page else [])
    result = subprocess.run(["pdffonts", *pages, "-"], input=pdf, capture_output=True, check=True)
    rows = result.stdout.decode().splitlines()[2:]
    return {row.split()[0].split("+", 1)[-1] for row in rows if row.strip()}


def _poppler(pdf: bytes, command: str, *options: str) -> str:
    """Run one of poppler's tools (poppler-utils) on `pdf` from standard input; its output."""
    arguments = [command, *options, "-"] + (["-"] if command == "pdftotext" else [])
    result = subprocess.run(arguments, input=pdf, capture_output=True, check=True)
    return result.stdout.decode()
