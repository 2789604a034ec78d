"""Roster import and export: upload an XLSX/CSV roster (all rows or none), download
the roster (masked unless the user may reveal ID numbers) and the blank template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Stream

from core.auth import Principal
from core.views import view
from plugins.talent import roster
from plugins.talent import schemas as s
from plugins.talent.routes._common import BASE, MODULE

IMPORT = {**MODULE, "permission": "talent.import"}
REVEAL = "registry.person.reveal"


@dataclass
class RosterUpload:
    file: UploadFile
    """The roster: .xlsx or .csv (UTF-8 or GB18030), first row the headers."""


def _attachment(name: str, fallback: str) -> dict[str, str]:
    """A Chinese file name for browsers that read filename*, an ASCII one for the rest."""
    return {"Content-Disposition": f"attachment; filename=\"{fallback}.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx",
            "X-Content-Type-Options": "nosniff"}


@post(BASE + "/workers/import", opt=IMPORT, tags=["talent"], status_code=200,
      summary="Import a roster (XLSX or CSV): every row valid or nothing written; upsert by ID number")
async def import_workers(
    code: str,
    data: Annotated[RosterUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: Principal,
    dry_run: Annotated[bool, Parameter(description="validate only, write nothing")] = False,
) -> s.RosterImported:
    content = await data.file.read()
    return view(await roster.import_roster(code, principal.username, content, data.file.filename, dry_run=dry_run), s.RosterImported)


@get(BASE + "/workers/export.xlsx", opt={**IMPORT, "downloads": (roster.XLSX,)}, tags=["talent"],
     summary="The roster as XLSX in the import columns (unmasked only with registry.person.reveal; audited)")
async def export_workers(
    code: str,
    principal: Principal,
    masked: Annotated[bool, Parameter(description="mask ID numbers and phones even when allowed to see them")] = False,
) -> Stream:
    reveal = principal.can(REVEAL, code) and not masked
    chunks = await roster.export_roster(code, principal.username, reveal)
    return Stream(chunks, media_type=roster.XLSX, headers=_attachment(f"社工花名册-{code}", f"talent-roster-{code}"))


@get(BASE + "/workers/template.xlsx", opt={**IMPORT, "downloads": (roster.XLSX,)}, tags=["talent"],
     summary="Blank roster template with the allowed values")
async def roster_template() -> Response[bytes]:
    return Response(roster.template_xlsx(), media_type=roster.XLSX,
                    headers=_attachment("社工花名册导入模板", "talent-roster-template"))


ROUTES = [import_workers, export_workers, roster_template]
