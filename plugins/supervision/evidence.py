"""Evidence files on findings: who may attach or read them. The files themselves are core
uploads (`core.uploads`: the type read from the first bytes, the size capped by the district's
`evidence_max_mb`, the content kept once under the data folder, never deleted); an `Evidence`
row links one to a finding."""

from __future__ import annotations

from typing import Any

from core import audit, db, uploads
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, not_found
from core.modules import module_settings
from plugins.supervision import campaigns
from plugins.supervision.tables import Evidence

WHAT = "佐证材料"
SHOWN = ("filename", "content_type", "size", "sha256", "uploaded_by")


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
    stored = await uploads.prepare(ctx, filename, data, limit_mb)
    async with db.write_transaction():
        upload = await uploads.insert(stored, code, principal.username)
        evidence_id = (await Evidence.insert(Evidence(item=item_id, district_code=code, upload=upload["id"]))
                       .returning(Evidence.id))[0]["id"]
        values = {"item": item_id, "district_code": code, **{k: upload[k] for k in SHOWN}}
        await audit.record(actor=principal.username, action="attach", entity="supervision_evidence",
                           entity_id=evidence_id, district_code=code, after={**values, "upload": upload["id"]})
    return {"id": evidence_id, **values}


async def get(code: str, evidence_id: int, principal: Principal) -> dict[str, Any]:
    """The upload row of evidence `evidence_id`, if `principal` may read it."""
    row = await Evidence.select().where((Evidence.id == evidence_id) & (Evidence.district_code == code)).first()
    if row is None:
        raise not_found(WHAT)
    if not principal.can("supervision.read", code):
        item = await campaigns.item(code, row["item"])
        if item["state"] == "pending" or not campaigns.may_answer(principal, code, item):
            raise not_found(WHAT)
    return await uploads.get(code, row["upload"], WHAT)
