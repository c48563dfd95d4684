"""Structured logs: one JSON object a line, each carrying the request id of the request it is in.

The request id comes from the proxy's X-Request-ID when WORKBENCH_TRUST_REQUEST_ID is set (so a
request can be followed from the proxy's log into ours), else it is generated; the answer
carries it back in X-Request-ID. Every record gets it through the log record factory, so the
lines of any library (SQLAlchemy, RQ, WeasyPrint) carry it too.
"""

import json
import logging
import re
import sys
import time
import uuid
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context, request

if TYPE_CHECKING:
    from flask import Flask, Response

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is taken only in this shape: no spaces, quotes or line breaks reach a log line.
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NO_REQUEST = "-"
LOGGER = logging.getLogger("workbench.requests")
_installed: dict[str, logging.Handler] = {}


class JsonLines(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, request id, message."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def current_request_id() -> str:
    """The id of the request being answered, or '-' outside a request (a job, a command)."""
    if has_request_context():
        return g.get("request_id", NO_REQUEST)
    return NO_REQUEST


def _with_request_id(factory: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    make.adds_request_id = True
    return make


def add_request_id_to_records() -> None:
    """Make every log record carry `request_id` (once per process)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "adds_request_id", False):
        logging.setLogRecordFactory(_with_request_id(factory))


def install_log_format(level: str = "INFO", stream: Any = None) -> logging.Handler:
    """Send every log record to stderr (or `stream`) as JSON lines, once per process."""
    add_request_id_to_records()
    if "handler" not in _installed:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonLines())
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(level)
        _installed["handler"] = handler
    return _installed["handler"]


def register_request_logging(app: "Flask") -> None:
    """Give each request an id, log one line when it is answered, and return the id."""
    add_request_id_to_records()
    # Tests read the records through pytest's handler; commands print for a person.
    if app.config["WORKBENCH_JSON_LOGS"] and not app.testing:
        install_log_format(app.config["WORKBENCH_LOG_LEVEL"])
    trust = app.config["WORKBENCH_TRUST_REQUEST_ID"]

    @app.before_request
    def assign_request_id() -> None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        accepted = trust and ACCEPTED_ID.fullmatch(offered)
        g.request_id = offered if accepted else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: "Response") -> "Response":
        response.headers[REQUEST_ID_HEADER] = current_request_id()
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        LOGGER.info(
            "method=%s path=%s status=%s ms=%.0f",
            request.method,
            request.path,
            response.status_code,
            elapsed * 1000,
        )
        return response
