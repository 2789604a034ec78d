"""Checked uploads for every module: evidence files (PDF, PNG, JPEG, DOCX, XLSX) whose type is
read from the first bytes, never from the name or the browser's claim; whose size is capped by
the caller's setting; whose content is kept once under `<data dir>/evidence/<sha256[:2]>/<sha256>`
and never deleted. Moved here from supervision (issue 13) so every module stores evidence alike.

A caller checks who may attach, then: `stored = await prepare(ctx, filename, data, limit_mb)`
(422 on `file` for an empty, too large or unaccepted file; the file is on disk afterwards), and
inside its own write transaction `upload = await insert(stored, code, username)` next to the row
that links it. To send one back: `download(ctx, await get(code, upload_id), "佐证材料")`.
Routes take the file with `FileUpload`/`MULTIPART`, `BODY_LIMIT` and `received()`.

Why a core `upload` table rather than each module keeping name, type, size, hash, uploader and
time itself: a module's link row is then one foreign key, the metadata is typed, checked,
audited and district-scoped once, and there is one list of every stored file — what an integrity
check or a backup needs, and the only safe basis for ever removing a file that several rows (of
several modules or districts, since identical content is stored once) may share.

Why the files stay under `evidence/`: existing instances and their backups already hold them
there, and the backup takes every file of the data folder, so no file moves. The files are
written before the row naming them commits, so a backup never names a file it lacks.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import anyio
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import File

from core import audit
from core.context import AppContext
from core.errors import ApiError, invalid, not_found
from core.tables import Upload

FOLDER = "evidence"
ENTITY = "upload"
MAX_MB = 50
"""The largest per-file cap a module setting may allow."""
BODY_LIMIT = (MAX_MB + 1) * 1024 * 1024
"""`request_max_body_size` for upload routes: MAX_MB plus room for the multipart envelope (the
app's general limit is far lower; the caller's own cap is checked on the file itself)."""

TYPES = {  # content type → (label, extension)
    "application/pdf": ("PDF", "pdf"),
    "image/png": ("PNG 图片", "png"),
    "image/jpeg": ("JPEG 图片", "jpg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word 文档", "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel 表格", "xlsx"),
}
ACCEPTED = "只接受 PDF、PNG、JPEG、Word（docx）或 Excel（xlsx）文件"
_OOXML = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_NAME_LENGTH = 150


def sniff(data: bytes) -> str | None:
    """The content type of `data` from its signature; None for anything not accepted (a zip
    that is not a Word or Excel document included)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, content_type in _OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return content_type
    return None


def download_name(filename: str | None, content_type: str) -> str:
    """The name a file is offered under: the last part of what the browser sent (either slash),
    without control characters, at most 150 characters, ending in the type's own extension.
    Only ever a download name: stored files are named by their hash."""
    name = _UNPRINTABLE.sub("", re.split(r"[/\\]", filename or "")[-1]).strip()[:_NAME_LENGTH]
    if name in ("", ".", ".."):
        name = "evidence"
    extension = TYPES[content_type][1]
    return name if name.lower().endswith("." + extension) else f"{name}.{extension}"


def check(data: bytes, limit_mb: int) -> str:
    """The accepted content type of `data`, or 422 on `file`: empty, over `limit_mb`, not accepted."""
    if not data:
        raise invalid([("file", "文件是空的")])
    if len(data) > limit_mb * 1024 * 1024:
        raise invalid([("file", f"文件大小 {len(data) / 1024 / 1024:.1f} MB 超过上限 {limit_mb} MB")])
    content_type = sniff(data)
    if content_type is None:
        raise invalid([("file", ACCEPTED)])
    return content_type


def path(data_dir: Path, sha256: str) -> Path:
    """Where the content with this SHA-256 is kept."""
    return data_dir / FOLDER / sha256[:2] / sha256


def _keep(data_dir: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = path(data_dir, digest)
    if not target.exists():  # same content, same file: kept once
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f"{digest}.{os.getpid()}.tmp"  # the backup skips *.tmp
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: a reader sees the whole file or none
    return digest


@dataclass(frozen=True)
class StoredFile:
    """A checked file already on disk, not yet named by any row."""

    sha256: str
    size: int
    content_type: str
    filename: str


async def prepare(ctx: AppContext, filename: str | None, data: bytes, limit_mb: int) -> StoredFile:
    """Check `data` (422 on `file`) and keep it on disk; call before the write transaction, so
    no database lock is held while a large file is written."""
    content_type = await anyio.to_thread.run_sync(check, data, limit_mb)
    digest = await anyio.to_thread.run_sync(_keep, ctx.settings.data_dir, data)
    return StoredFile(digest, len(data), content_type, download_name(filename, content_type))


async def insert(stored: StoredFile, code: str, username: str) -> dict[str, Any]:
    """The upload row for `stored` in district `code`, audited; call inside the caller's write
    transaction, with the row that links to it."""
    values = {"district_code": code, "sha256": stored.sha256, "size": stored.size,
              "content_type": stored.content_type, "filename": stored.filename, "uploaded_by": username}
    row = (await Upload.insert(Upload(**values)).returning(*Upload.all_columns()))[0]
    await audit.record(actor=username, action="upload", entity=ENTITY, entity_id=row["id"], district_code=code,
                       after=values)
    return row


async def get(code: str, upload_id: int, what: str = "文件") -> dict[str, Any]:
    """The upload row `upload_id` of district `code`; 404 (naming `what`) for another district's."""
    row = await Upload.select().where((Upload.id == upload_id) & (Upload.district_code == code)).first()
    if row is None:
        raise not_found(what)
    return row


def download(ctx: AppContext, upload: dict[str, Any], what: str = "文件") -> File:
    """The stored file as a download under its checked name and type; 410 if the file is gone
    from the data folder (restore it from a backup)."""
    stored = path(ctx.settings.data_dir, upload["sha256"])
    if not stored.is_file():
        raise ApiError(410, f"{what}文件已丢失，请联系管理员从备份恢复", "gone")
    return File(path=stored, filename=upload["filename"], media_type=upload["content_type"],
                headers={"X-Content-Type-Options": "nosniff"})


# -- routes ---------------------------------------------------------------------------------------


@dataclass
class FileUpload:
    """A multipart form with one file field `file` (subclass it to name the form in the API)."""

    file: UploadFile
    """PDF, PNG, JPEG, DOCX or XLSX, within the module's size setting."""


MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)

DOWNLOAD = "*/*"
"""The media type a download route documents (`@get(..., media_type=uploads.DOWNLOAD)`): each file
answers with its own checked type, which is only known per file."""
FileForm = Annotated[FileUpload, MULTIPART]
"""A handler's `data: FileForm` takes the file; give the route `request_max_body_size=BODY_LIMIT`."""


async def received(form: FileUpload) -> tuple[str, bytes]:
    """(the name the browser sent, the content) of the form's file."""
    return form.file.filename, await form.file.read()
