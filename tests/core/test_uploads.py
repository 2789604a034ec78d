"""Checked uploads (core/uploads.py): the type read from the bytes for each accepted kind and
refused for a renamed text file or a zip that is no Word/Excel document; the size cap; the
same content kept once; safe download names; rows scoped to their district and audited; a
lost file answers 410; the multipart helper takes a file past the app's general body limit;
and a real HTTP upload and download through supervision's endpoint on a served app."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, post
from litestar.exceptions import HTTPException
from litestar.testing import TestClient
from openpyxl import Workbook

from core import db, uploads
from core.backup import installed_tables
from core.backup_format import dependency_order
from core.errors import ApiError
from core.handlers import http_exception_handler
from core.tables import AuditEvent, Upload
from tests.conftest import OTHER, OWN, PASSWORD, run
from tests.served import Server

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    book, buffer = Workbook(), io.BytesIO()
    book.active["A1"] = "整改台账"
    book.save(buffer)
    return buffer.getvalue()


DOCX = _zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])


def _refusal(data: bytes, limit_mb: int = 1) -> tuple[int, list[dict]]:
    with pytest.raises(ApiError) as caught:
        uploads.check(data, limit_mb)
    return caught.value.status_code, caught.value.errors


def test_sniff_reads_each_accepted_type_from_its_bytes():
    found = {kind: uploads.sniff(data) for kind, data in
             (("pdf", PDF), ("png", PNG), ("jpeg", JPEG), ("docx", DOCX), ("xlsx", _xlsx()))}
    assert found == {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "docx": DOCX_TYPE,
                     "xlsx": XLSX_TYPE}
    assert set(found.values()) == set(uploads.TYPES)


@pytest.mark.parametrize("data", [
    b"just some text, renamed to report.pdf",  # a renamed text file: the name never counts
    b"<html><body>%PDF-1.7</body></html>",  # the signature must be at the start
    _zip(["notes.txt", "photo.jpg"]),  # a plain zip
    _zip(["[Content_Types].xml", "ppt/presentation.xml"]),  # OOXML, but neither Word nor Excel
    _zip(["word/document.xml"]),  # Word's folder without the content-types part
    b"PK\x03\x04 truncated, not a zip at all",
])
def test_sniff_refuses_what_is_not_accepted(data):
    assert uploads.sniff(data) is None
    assert _refusal(data) == (422, [{"field": "file", "message": uploads.ACCEPTED}])


def test_the_size_cap_is_the_callers():
    limit = 1024 * 1024
    assert uploads.check(b"%PDF-" + b"0" * (limit - 5), 1) == "application/pdf"  # exactly 1 MB: taken
    assert _refusal(b"%PDF-" + b"0" * (limit - 4)) == (422, [{"field": "file", "message": "文件大小 1.0 MB 超过上限 1 MB"}])
    assert uploads.check(b"%PDF-" + b"0" * limit, 2) == "application/pdf"  # a larger cap takes it
    assert _refusal(b"") == (422, [{"field": "file", "message": "文件是空的"}])


@pytest.mark.parametrize(("sent", "content_type", "offered"), [
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("..\\..\\Windows\\win.ini", "application/pdf", "win.ini.pdf"),
    ("C:\\Users\\张三\\整改报告.PDF", "application/pdf", "整改报告.PDF"),
    ("a\x00b.png", "image/png", "ab.png"),
    ("签到表\r\nSet-Cookie: x=1.png", "image/png", "签到表Set-Cookie: x=1.png"),
    ("..", "image/jpeg", "evidence.jpg"),
    ("", DOCX_TYPE, "evidence.docx"),
    (None, XLSX_TYPE, "evidence.xlsx"),
    ("台账.xlsx.exe", XLSX_TYPE, "台账.xlsx.exe.xlsx"),
    ("长" * 400, "application/pdf", "长" * 150 + ".pdf"),
])
def test_download_names_are_safe(sent, content_type, offered):
    assert uploads.download_name(sent, content_type) == offered


def test_the_same_content_is_kept_once(ctx):
    data = PDF + os.urandom(16)
    first = run(uploads.prepare(ctx, "a.pdf", data, 1))
    target = uploads.path(ctx.settings.data_dir, first.sha256)
    assert first.sha256 == hashlib.sha256(data).hexdigest() and target.read_bytes() == data
    assert target.relative_to(ctx.settings.data_dir).parts == ("evidence", first.sha256[:2], first.sha256)
    written = target.stat().st_mtime_ns
    second = run(uploads.prepare(ctx, "b.pdf", data, 1))
    assert second.sha256 == first.sha256 and second.filename == "b.pdf"
    assert target.stat().st_mtime_ns == written  # not written again
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(first.sha256)] == [first.sha256]


def test_nothing_is_kept_for_a_refused_file(ctx):
    data = b"plain text " + os.urandom(16)
    with pytest.raises(ApiError):
        run(uploads.prepare(ctx, "x.pdf", data, 1))
    assert not uploads.path(ctx.settings.data_dir, hashlib.sha256(data).hexdigest()).exists()


async def _insert(ctx, code: str, data: bytes) -> dict:
    stored = await uploads.prepare(ctx, "记录.png", data, 1)
    async with db.write_transaction():
        return await uploads.insert(stored, code, "tester")


def test_rows_belong_to_their_district_and_are_audited(ctx):
    row = run(_insert(ctx, OWN, PNG + os.urandom(8)))
    assert run(uploads.get(OWN, row["id"]))["sha256"] == row["sha256"]
    with pytest.raises(ApiError) as other:
        run(uploads.get(OTHER, row["id"], "佐证材料"))
    assert other.value.status_code == 404 and other.value.detail == "佐证材料不存在"
    event = run(AuditEvent.select().where((AuditEvent.entity == "upload") & (AuditEvent.entity_id == str(row["id"])))
                .first())
    assert event["action"] == "upload" and event["district_code"] == OWN and row["sha256"] in event["after"]


def test_a_lost_file_answers_410(ctx):
    row = run(_insert(ctx, OWN, PNG + os.urandom(8)))
    found = uploads.download(ctx, row)
    assert found.file_path == uploads.path(ctx.settings.data_dir, row["sha256"]) and found.filename == "记录.png"
    uploads.path(ctx.settings.data_dir, row["sha256"]).unlink()
    with pytest.raises(ApiError) as gone:
        uploads.download(ctx, row, "佐证材料")
    assert gone.value.status_code == 410 and gone.value.detail == "佐证材料文件已丢失，请联系管理员从备份恢复"


def test_the_backup_takes_the_upload_table_before_the_rows_naming_it():
    tables = [t for _, t in installed_tables()]
    assert Upload in tables
    order = [t._meta.tablename for t in dependency_order(tables)]
    assert order.index("upload") < order.index("supervision_evidence")


def test_the_route_helper_takes_a_file_past_the_general_body_limit(ctx):
    """What a module's upload route looks like with the helper (procurement's milestones next)."""

    @post("/files", request_max_body_size=uploads.BODY_LIMIT)
    async def take(data: uploads.FileForm) -> dict:
        filename, content = await uploads.received(data)
        return {"type": uploads.check(content, 10), "name": filename, "size": len(content)}

    app = Litestar([take], request_max_body_size=2 * 1024 * 1024,
                   exception_handlers={HTTPException: http_exception_handler})
    scan = PDF + b"0" * (3 * 1024 * 1024)
    with TestClient(app=app) as client:
        taken = client.post("/files", files={"file": ("扫描件.pdf", scan, "application/pdf")})
        assert taken.status_code == 201 and taken.json() == {"type": "application/pdf", "name": "扫描件.pdf",
                                                              "size": len(scan)}
        text = client.post("/files", files={"file": ("a.pdf", b"hello", "application/pdf")})
        assert text.status_code == 422 and text.json()["errors"] == [{"field": "file", "message": uploads.ACCEPTED}]
        huge = client.post("/files", files={"file": ("a.pdf", b"%PDF-" + b"0" * uploads.BODY_LIMIT)})
        assert huge.status_code == 413


def test_the_proxy_lets_every_upload_route_take_its_files(app, ctx):
    """Each route allowed a larger body than the app's general limit (an upload route of any
    module) sits under deploy/nginx.conf's evidence location, whose limit is as large."""
    nginx = "\n".join(line for line in (Path(__file__).parents[2] / "deploy" / "nginx.conf").read_text().splitlines()
                      if not line.lstrip().startswith("#"))
    pattern, limit = re.search(r"location ~ (\S+) \{\s*client_max_body_size (\d+)m;", nginx).groups()
    large = {re.sub(r"\{code:str\}", OWN, re.sub(r"\{\w+:int\}", "17", route.path)): handler.request_max_body_size
             for route in app.routes for handler in getattr(route, "route_handlers", ())
             if isinstance(handler.request_max_body_size, int)
             and handler.request_max_body_size > ctx.settings.max_body_bytes}
    assert f"/api/districts/{OWN}/supervision/items/17/evidence" in large
    for path, size in large.items():
        assert re.search(pattern, path) and int(limit) * 1024 * 1024 >= size, path
    assert re.search(pattern, f"/api/districts/{OWN}/procurement/milestones/17/evidence")  # issue 13's next route


def test_evidence_goes_up_and_comes_back_over_http(ctx, tmp_path):
    """A served app (uvicorn over TCP): the supervisor attaches a photo to a finding and downloads it."""
    from plugins.supervision.tables import SampleItem

    item = run(SampleItem.select(SampleItem.id).where(
        (SampleItem.district_code == OWN) & (SampleItem.state != "closed")).order_by(SampleItem.id).first())
    assert item, "the demo data holds findings still open"
    data = JPEG + os.urandom(64)
    with Server(dict(os.environ), tmp_path / "server.log") as served, httpx.Client(base_url=served.url) as http:
        login = http.post("/api/auth/login", json={"username": f"{OWN}-supervisor", "password": PASSWORD})
        assert login.status_code == 200, served.tail()
        http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        api = f"/api/districts/{OWN}/supervision"
        sent = http.post(f"{api}/items/{item['id']}/evidence", files={"file": ("现场照片", data, "image/png")})
        assert sent.status_code == 201, sent.text
        body = sent.json()
        assert (body["filename"], body["content_type"], body["size"]) == ("现场照片.jpg", "image/jpeg", len(data))
        back = http.get(f"{api}/evidence/{body['id']}")
        assert back.status_code == 200 and back.content == data
        assert back.headers["content-type"] == "image/jpeg" and back.headers["x-content-type-options"] == "nosniff"
        assert "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg" in back.headers["content-disposition"]
        listed = http.get(f"{api}/campaigns/{run(_campaign_of(item['id']))}").json()["items"]
        assert any(e["id"] == body["id"] and e["filename"] == "现场照片.jpg"
                   for i in listed for e in i["evidence"])


async def _campaign_of(item_id: int) -> int:
    from plugins.supervision.tables import SampleItem

    return (await SampleItem.select(SampleItem.campaign).where(SampleItem.id == item_id).first())["campaign"]
