"""Routes of the example module; access declared in `opt` like every route."""

from typing import Annotated

import msgspec
from litestar import Request, get, post
from litestar.response import Template

from core import audit, db
from core.auth import Principal
from core.errors import ApiError
from core.modules import module_settings
from tests.example_plugin.tables import Note


class NoteCreate(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    author_phone: str = ""


class NoteOut(msgspec.Struct):
    id: int
    text: str


@get("/api/districts/{code:str}/example/notes", opt={"module": "example", "permission": "example.note.read"})
async def list_notes(code: str) -> list[NoteOut]:
    rows = await Note.select(Note.id, Note.text).where(Note.district_code == code).order_by(Note.id)
    return [NoteOut(**r) for r in rows]


@post("/api/districts/{code:str}/example/notes", opt={"module": "example", "permission": "example.note.write"})
async def add_note(request: Request, code: str, data: NoteCreate, principal: Principal) -> NoteOut:
    settings = await module_settings(request.app.state.ctx, code, "example")
    async with db.write_transaction():
        if await Note.count().where(Note.district_code == code) >= settings["max_notes"]:
            raise ApiError(409, "便签数量已达上限", "limit_reached")
        row = (await Note.insert(Note(district_code=code, text=data.text, author_phone=data.author_phone))
               .returning(Note.id))[0]
        await audit.record(actor=principal.username, action="create", entity="example_note", entity_id=row["id"],
                           district_code=code, after={"text": data.text})
    return NoteOut(id=row["id"], text=data.text)


@get("/districts/{code:str}/example", opt={"module": "example", "public": True}, include_in_schema=False)
async def notes_page(request: Request, code: str, principal: Principal) -> Template:
    from core.web.pages import render

    settings = await module_settings(request.app.state.ctx, code, "example")
    notes = await Note.select(Note.text).where(Note.district_code == code)
    return render(request, "example/notes.html", principal, greeting=settings["greeting"], notes=notes)


ROUTES = [list_notes, add_note, notes_page]
