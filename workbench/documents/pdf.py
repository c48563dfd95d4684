"""HTML to PDF with WeasyPrint, fetching nothing but the package's own static files.

A render runs in a child process so a time limit can really stop it; WeasyPrint itself is
imported there (documents/layout.py), never by the web or command-line process.
"""

import logging
import multiprocessing
import queue
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workbench.errors import WorkbenchError

LOGGER = logging.getLogger(__name__)
# Render workers are children of a fork server that has imported and warmed WeasyPrint once
# (forking the threaded web process itself would be unsafe). Two workers: one per core.
_PROCESSES = multiprocessing.get_context("forkserver")
_PROCESSES.set_forkserver_preload(["workbench.documents.render_server"])
RENDER_WORKERS = 2
STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_BASE_URL = STATIC_ROOT.as_uri() + "/"


class RenderError(WorkbenchError):
    """A document could not be rendered: too slow, too long, or WeasyPrint failed."""


class RefusedURL(ValueError):
    """A document asked for something outside the static folder; WeasyPrint skips it."""


def static_path(url: str) -> Path | None:
    """Return the static file a file:// URL names, or None if it names anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
        return None
    return path


@dataclass(frozen=True)
class PdfRequest:
    """Everything a render needs, as plain data that can cross to the child process.

    The PDF's metadata (title, author, subject, keywords) comes from the HTML head's
    <title> and <meta> elements, which WeasyPrint reads itself.
    """

    html: str
    stylesheets: tuple[str, ...] = ()
    max_pages: int = 60


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int


def render_pdf(request: PdfRequest, timeout: float = 60) -> RenderedPdf:
    """Render in a worker process, stopped (RenderError) if it takes longer than `timeout` s."""
    worker = _IDLE_WORKERS.get()
    try:
        return worker.render(request, timeout)
    finally:
        _IDLE_WORKERS.put(worker)


class RenderWorker:
    """A long-lived child process that renders one request at a time.

    It is started on first use and replaced after a timeout or a crash, so a render that runs
    away is really stopped, and a normal render pays no process start-up.
    """

    def __init__(self) -> None:
        self._process = None
        self._connection = None

    def render(self, request: PdfRequest, timeout: float) -> RenderedPdf:
        if self._process is None or not self._process.is_alive():
            self._start()
        self._connection.send(request)
        try:
            if not self._connection.poll(timeout):
                raise RenderError(f"the document took longer than {timeout:g} s to render")
            outcome = self._connection.recv()
        except (EOFError, OSError) as error:
            self._stop()
            raise RenderError("the renderer stopped without an answer") from error
        except RenderError:
            self._stop()
            raise
        if isinstance(outcome, str):
            raise RenderError(outcome)
        return outcome

    def _start(self) -> None:
        parent, child = _PROCESSES.Pipe()
        self._process = _PROCESSES.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent

    def _stop(self) -> None:
        self._process.kill()
        self._process.join()
        self._connection.close()
        self._process = self._connection = None


def _serve(connection) -> None:
    """Render each request that arrives until the parent goes away."""
    from workbench.documents import layout

    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        try:
            connection.send(layout.render_pdf_here(request))
        except RenderError as error:
            connection.send(str(error))
        except Exception as error:  # the parent needs a message, not a dead pipe
            LOGGER.exception("WeasyPrint failed")
            connection.send(f"the renderer failed: {error.__class__.__name__}: {error}")


_IDLE_WORKERS: queue.Queue[RenderWorker] = queue.Queue()
for _ in range(RENDER_WORKERS):
    _IDLE_WORKERS.put(RenderWorker())
