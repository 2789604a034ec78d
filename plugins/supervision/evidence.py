"""Evidence files on findings: the type is read from the file's first bytes (not its
name), the size is capped by the district's `evidence_max_mb`, and the content is kept
once under `<data dir>/evidence/<sha256[:2]>/<sha256>`. Files are never deleted."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path
from typing import Any

from core import audit, db
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, invalid, not_found
from core.modules import module_settings
from plugins.supervision import campaigns
from plugins.supervision.tables import Evidence

TYPES = {  # content type → (label, extension)
    "application/pdf": ("PDF", "pdf"),
    "image/png": ("PNG 图片", "png"),
    "image/jpeg": ("JPEG 图片", "jpg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word 文档", "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel 表格", "xlsx"),
}
_OOXML = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sniff(data: bytes) -> str | None:
    """The content type of `data` from its signature; None for anything not accepted."""
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


def folder(ctx: AppContext) -> Path:
    return ctx.settings.data_dir / "evidence"


def _safe_name(filename: str, extension: str) -> str:
    name = Path(filename or "").name.replace("\x00", "").strip()[:150] or "evidence"
    return name if name.lower().endswith("." + extension) else f"{name}.{extension}"


async def add(ctx: AppContext, code: str, item_id: int, principal: Principal, filename: str,
              data: bytes) -> dict[str, Any]:
    row = await campaigns.item(code, item_id)
    supervisor = principal.can("supervision.campaign.manage", code)
    if not supervisor and not campaigns.may_answer(principal, code, row):
        raise not_found("抽查记录")
    if row["state"] == "closed":
        raise ApiError(409, "抽查记录已结束，不能再添加佐证材料", "invalid_transition")
    if not supervisor and row["state"] == "pending":
        raise not_found("抽查记录")
    limit_mb = (await module_settings(ctx, code, "supervision"))["evidence_max_mb"]
    if not data:
        raise invalid([("file", "文件是空的")])
    if len(data) > limit_mb * 1024 * 1024:
        raise invalid([("file", f"文件大小 {len(data) / 1024 / 1024:.1f} MB 超过上限 {limit_mb} MB")])
    content_type = sniff(data)
    if content_type is None:
        raise invalid([("file", "只接受 PDF、PNG、JPEG、Word（docx）或 Excel（xlsx）文件")])
    digest = hashlib.sha256(data).hexdigest()
    path = folder(ctx) / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    values = {"item": item_id, "district_code": code, "filename": _safe_name(filename, TYPES[content_type][1]),
              "content_type": content_type, "size": len(data), "sha256": digest, "uploaded_by": principal.username}
    async with db.write_transaction():
        evidence_id = (await Evidence.insert(Evidence(**values)).returning(Evidence.id))[0]["id"]
        await audit.record(actor=principal.username, action="attach", entity="supervision_evidence",
                           entity_id=evidence_id, district_code=code, after={**values, "item": item_id})
    return {"id": evidence_id, **values}


async def get(ctx: AppContext, code: str, evidence_id: int, principal: Principal) -> tuple[dict[str, Any], Path]:
    row = await Evidence.select().where((Evidence.id == evidence_id) & (Evidence.district_code == code)).first()
    if row is None:
        raise not_found("佐证材料")
    if not principal.can("supervision.read", code):
        item = await campaigns.item(code, row["item"])
        if item["state"] == "pending" or not campaigns.may_answer(principal, code, item):
            raise not_found("佐证材料")
    path = folder(ctx) / row["sha256"][:2] / row["sha256"]
    if not path.is_file():
        raise ApiError(410, "佐证材料文件已丢失，请联系管理员从备份恢复", "gone")
    return row, path
