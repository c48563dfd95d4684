"""Claims files for a sizing: uploads saved under the upload folder, files named on the server.

An upload is written to a random folder of its own, counted against the size limit as it
streams, and deleted when its sizing job ends (services/claims_jobs.py), whatever the outcome;
folders left by a process that died first are swept a day later.
"""

import contextlib
import hashlib
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from werkzeug.utils import secure_filename

from workbench.claims.columns import CLAIM_COLUMNS, MEMBER_COLUMNS, Column
from workbench.errors import WorkbenchError

CHUNK_BYTES = 1024 * 1024
# An upload folder this old was left by a process that died before its job ran.
ABANDONED_AFTER_SECONDS = 24 * 3600
MEMBERS, CLAIMS = "members", "claims"
UPLOAD, SERVER_PATH = "upload", "server path"

# The two files' columns, as the upload page describes them (docs/claims-format.md has the same).
CLAIMS_FORMAT: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    (
        MEMBERS,
        "The members (eligibility) file: one row per member per month enrolled",
        MEMBER_COLUMNS,
    ),
    (CLAIMS, "The claims file: one row per claim line", CLAIM_COLUMNS),
)


class ClaimsUploadError(WorkbenchError):
    """A file that cannot be taken (too large: 413; empty, no such path: 422); names the input."""

    def __init__(self, field: str, message: str, status: int = 413):
        super().__init__(message, field, status=status)


@dataclass(frozen=True)
class ClaimsFile:
    """One input file of a sizing job: its role, original name, where it is, and whose it is."""

    role: str
    name: str
    path: str
    uploaded: bool  # an uploaded copy is deleted after the job; a server file never is
    sha256: str | None = None  # known when the file was hashed as it was saved
    size: int | None = None


def size_text(size: int) -> str:
    """Show a byte count as the limits are written: 20 GB, 1.5 MB, 900 bytes."""
    for unit, name in ((1000**3, "GB"), (1000**2, "MB"), (1000, "kB")):
        if size >= unit:
            return f"{size / unit:,.1f}".removesuffix(".0") + f" {name}"
    return f"{size:,} bytes"


def too_large(name: str, size: int | None, limit: int) -> str:
    found = f" is {size_text(size)}," if size is not None else " is"
    return (
        f"{name}{found} over the {size_text(limit)} limit for a claims file "
        "(WORKBENCH_CLAIMS_MAX_BYTES); it was not read."
    )


def save_upload(
    storage: Any, role: str, upload_dir: Path, max_bytes: int | None = None
) -> ClaimsFile:
    """Save an uploaded file under a random folder of `upload_dir`, refusing one over `max_bytes`.

    The size is checked before anything is copied when the upload says it (its part's
    Content-Length, or the spooled stream's length), and again while copying.
    """
    sweep_abandoned_uploads(Path(upload_dir))
    original = Path(storage.filename or "").name or f"{role}.csv"
    stream: IO[bytes] = storage.stream
    declared = storage.content_length or _stream_length(stream)
    if max_bytes is not None and declared and declared > max_bytes:
        raise ClaimsUploadError(role, too_large(original, declared, max_bytes))
    folder = Path(upload_dir) / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    # A random folder keeps the file's own name, so sizing errors name the file the person chose.
    target = folder / (secure_filename(original) or f"{role}.csv")
    written, digest = 0, hashlib.sha256()  # hashed as it is copied, so never read twice for it
    try:
        with target.open("wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                written += len(chunk)
                if max_bytes is not None and written > max_bytes:
                    raise ClaimsUploadError(role, too_large(original, None, max_bytes))
                digest.update(chunk)
                out.write(chunk)
        if written == 0:
            raise ClaimsUploadError(role, f"{original} is empty.", status=422)
    except BaseException:
        _remove(ClaimsFile(role, original, str(target), uploaded=True))
        raise
    return ClaimsFile(role, original, str(target), True, digest.hexdigest(), written)


def sweep_abandoned_uploads(upload_dir: Path, now: float | None = None) -> list[Path]:
    """Delete upload folders older than ABANDONED_AFTER_SECONDS; return them.

    A job deletes its uploads whatever its outcome, so a folder this old belongs to a process that
    died before its job ran: nothing will read it, and a claims extract must not linger on disk.
    """
    if not upload_dir.is_dir():
        return []
    cutoff = (now or time.time()) - ABANDONED_AFTER_SECONDS
    stale = [
        folder
        for folder in upload_dir.iterdir()
        if folder.is_dir() and folder.stat().st_mtime < cutoff
    ]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def server_file(
    text: str, role: str, folder: Path | None, max_bytes: int | None = None
) -> ClaimsFile:
    """Return a file under the configured server folder (an administrator's choice).

    The path, relative to `folder` or absolute, is resolved (symbolic links, `..`) and must stay
    inside it; a file missing and a file outside get the same answer, so the form cannot be used
    to learn what exists elsewhere on the server.
    """
    given = (text or "").strip()
    if folder is None:
        raise ClaimsUploadError(
            role,
            "No folder for extracts on the server is configured (WORKBENCH_CLAIMS_SERVER_DIR).",
            status=422,
        )
    root = Path(folder).resolve()
    path = (root / given).resolve()
    if not given or not path.is_relative_to(root) or not path.is_file():
        raise ClaimsUploadError(
            role, f"{given or 'the path'}: no such file in the server's claims folder.", status=422
        )
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise ClaimsUploadError(role, too_large(given, size, max_bytes))
    return ClaimsFile(role, path.name, str(path), uploaded=False)


def discard(files: Iterable[ClaimsFile]) -> None:
    """Delete uploaded copies (and their random folders); files given by path stay."""
    for item in files:
        _remove(item)


def _stream_length(stream: IO[bytes]) -> int | None:
    """The length of a spooled upload, found by seeking (None if it cannot seek)."""
    try:
        start = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(start)
    except (AttributeError, OSError, ValueError):
        return None
    return end - start


def _remove(item: ClaimsFile) -> None:
    if not item.uploaded:
        return
    path = Path(item.path)
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the file's own random folder
