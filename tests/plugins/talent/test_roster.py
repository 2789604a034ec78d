"""Roster import and export: a valid file is written whole (upsert by ID number,
one audit event), any invalid row rejects the file with the exact row and column
and writes nothing, CSV in UTF-8 or GB18030, the row cap and body limit, access,
the template, the masked and audited export, the round trip, and the CLI."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from core.codes import id_check_char, make_id_number, make_uscc
from core.tables import AuditEvent, Community, Organization, Person
from plugins.talent import cli
from plugins.talent.roster import HEADERS, MAX_ROWS
from plugins.talent.tables import SocialWorker
from tests.conftest import OTHER, OWN, bearer, run, table_counts

BASE = f"/api/districts/{OWN}/talent/workers"
AREA = "430781"  # birthplace prefix no other test uses, so these IDs never collide
_serial = itertools.count(1)


def new_id() -> str:
    k = next(_serial)
    return make_id_number(AREA, date(1970, 1, 1) + timedelta(days=k), k % 1000)


def counts() -> dict[str, int]:
    return {**table_counts(), "SocialWorker": run(SocialWorker.count())}


@pytest.fixture(scope="module")
def refs(ctx) -> dict[str, list[str]]:
    """The demo district's registered credit codes and community codes."""
    orgs = run(Organization.select(Organization.uscc).where(
        (Organization.district_code == OWN) & Organization.uscc.is_not_null()).order_by(Organization.id))
    communities = run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).order_by(Community.code))
    return {"uscc": [o["uscc"] for o in orgs], "communities": [c["code"] for c in communities]}


def record(refs, **cells: Any) -> dict[str, Any]:
    row = {"姓名": "导入社工", "身份证号": new_id(), "手机号": "13900001234", "学历": "本科", "所学专业": "社会工作",
           "职业资格等级": "社会工作师", "证书编号": "S2019001", "取证年份": 2019,
           "工作单位统一社会信用代码": refs["uscc"][0], "所在社区代码": refs["communities"][0],
           "岗位类型": "社区专职工作者", "入职日期": datetime(2019, 7, 1)}
    return {**row, **cells}


def xlsx(records: list[dict], headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for r in records:
        sheet.append([r.get(h) for h in headers])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a clerk might type it
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(records: list[dict], encoding: str = "utf-8-sig", headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in records:
        writer.writerow(["" if r.get(h) is None else r[h].strftime("%Y/%-m/%-d") if isinstance(r.get(h), datetime)
                         else r[h] for h in headers])
    return out.getvalue().encode(encoding)


def upload(client, tokens, content: bytes, name: str = "花名册.xlsx", role: str = "district_admin",
           district: str = OWN, **params):
    return client.post(f"/api/districts/{district}/talent/workers/import", params=params,
                       files={"file": (name, content, "application/octet-stream")}, headers=bearer(tokens[role]))


def rejected(response, before: dict[str, int]) -> list[tuple[int | None, str | None]]:
    """The (row, column) pairs of a 422 import_invalid answer, after checking nothing was written."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_invalid" and body["detail"] and set(body) == {"detail", "code", "errors"}
    assert all(e["message"] for e in body["errors"])
    assert counts() == before  # Person, SocialWorker and AuditEvent unchanged
    return [(e["row"], e["column"]) for e in body["errors"]]


# --- a valid file -----------------------------------------------------------------------------


def test_a_valid_file_is_written_with_identity_from_the_id_number(client, tokens, refs):
    rows = [record(refs, 姓名="张导入"),
            record(refs, 所学专业="心理学", 职业资格等级=None, 证书编号=None, 取证年份=None, 入职日期="2020/3/5",
                   工作单位统一社会信用代码=refs["uscc"][1], 手机号=13800138000),
            record(refs, 入职日期="2021-11-30", 学历="硕士研究生", 岗位类型="机构社工")]
    before = counts()
    response = upload(client, tokens, xlsx(rows))
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 3, "created": 3, "updated": 0, "ignored_columns": [], "dry_run": False}
    after = counts()
    assert (after["Person"] - before["Person"], after["SocialWorker"] - before["SocialWorker"],
            after["AuditEvent"] - before["AuditEvent"]) == (3, 3, 1)
    event = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    assert (event["action"], event["entity"], event["entity_id"], event["district_code"]) == (
        "import", "social_worker", "3 rows", OWN)
    assert json.loads(event["after"]) == {"created": 3, "updated": 0, "file": "花名册.xlsx"}
    ids = [r["身份证号"] for r in rows]
    people = {p["id_number"]: p for p in run(Person.select().where(Person.id_number.is_in(ids)))}
    first = people[ids[0]]
    assert first["birth_date"] == date(int(ids[0][6:10]), int(ids[0][10:12]), int(ids[0][12:14]))
    assert first["gender"] == ("男" if int(ids[0][16]) % 2 else "女") and first["district_code"] == OWN
    assert first["community_code"] == refs["communities"][0] and people[ids[1]]["phone"] == "13800138000"
    workers = {w["person_id"]: w for w in run(SocialWorker.select())}
    w1, w2, w3 = (workers[people[i]["id"]] for i in ids)
    org_ids = {o["uscc"]: o["id"] for o in run(Organization.select(Organization.id, Organization.uscc))}
    assert (w1["social_work_major"], w1["employer_org_id"], w1["start_date"]) == (
        True, org_ids[refs["uscc"][0]], date(2019, 7, 1))
    assert (w2["social_work_major"], w2["qualification"], w2["certificate_year"], w2["start_date"],
            w2["employer_org_id"]) == (False, "无", None, date(2020, 3, 5), org_ids[refs["uscc"][1]])
    assert (w3["education"], w3["post_type"], w3["start_date"], w3["employer_community_code"]) == (
        "硕士研究生", "机构社工", date(2021, 11, 30), refs["communities"][0])


def test_dry_run_checks_and_writes_nothing(client, tokens, refs):
    before = counts()
    response = upload(client, tokens, xlsx([record(refs), record(refs)]), dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 2, "created": 2, "updated": 0, "ignored_columns": [], "dry_run": True}
    assert counts() == before


def test_importing_again_updates_and_never_duplicates(client, tokens, refs):
    rows = [record(refs), record(refs)]
    assert upload(client, tokens, xlsx(rows)).json()["created"] == 2
    before = counts()
    changed = [{**rows[0], "学历": "硕士研究生"}, rows[1]]
    dry = upload(client, tokens, xlsx(changed), dry_run="true").json()
    assert (dry["created"], dry["updated"]) == (0, 2)
    again = upload(client, tokens, xlsx(changed))
    assert again.json() == {"rows": 2, "created": 0, "updated": 2, "ignored_columns": [], "dry_run": False}
    after = counts()
    assert after == {**before, "AuditEvent": before["AuditEvent"] + 1}  # one event, no new person or worker
    person = run(Person.select(Person.id).where(Person.id_number == rows[0]["身份证号"]).first())
    assert run(SocialWorker.select(SocialWorker.education).where(
        SocialWorker.person_id == person["id"]).first())["education"] == "硕士研究生"


def test_csv_in_gb18030_and_in_utf8_with_bom(client, tokens, refs):
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        rows = [record(refs, 姓名="欧阳娜娜"), record(refs, 入职日期=datetime(2018, 2, 9))]
        content = csv_bytes(rows, encoding)
        if encoding == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                content.decode("utf-8")
        response = upload(client, tokens, content, name="roster.csv")
        assert response.status_code == 200, (encoding, response.text)
        assert response.json()["created"] == 2
        person = run(Person.select(Person.id, Person.name).where(Person.id_number == rows[1]["身份证号"]).first())
        worker = run(SocialWorker.select().where(SocialWorker.person_id == person["id"]).first())
        assert worker["start_date"] == date(2018, 2, 9)
        assert run(Person.select(Person.name).where(Person.id_number == rows[0]["身份证号"]).first())["name"] == "欧阳娜娜"


def test_extra_columns_are_reported_as_ignored(client, tokens, refs):
    headers = ("序号", *HEADERS[:3], "备注", *HEADERS[3:])
    rows = [{**record(refs), "序号": 1, "备注": "新入职"}]
    response = upload(client, tokens, xlsx(rows, headers=headers))
    assert response.status_code == 200, response.text
    assert response.json()["ignored_columns"] == ["序号", "备注"]


# --- every invalid row rejects the whole file -------------------------------------------------


def _id_with_birth(born: str) -> str:
    first17 = f"{AREA}{born}123"
    return first17 + id_check_char(first17)


def _bad_check_digit() -> str:
    valid = new_id()
    return valid[:17] + ("0" if valid[17] != "0" else "1")


FUTURE = (date.today() + timedelta(days=400)).strftime("%Y%m%d")  # midnight-safe: 400 days ahead
CASES = {
    "bad ID check digit": ("身份证号", _bad_check_digit, "校验位"),
    "impossible birth date": ("身份证号", lambda: _id_with_birth("19990230"), "出生日期"),
    "birth date in the future": ("身份证号", lambda: _id_with_birth(FUTURE), "出生日期"),
    "unregistered organisation": ("工作单位统一社会信用代码", lambda: make_uscc("2", OWN, 99_000_123), "本区县"),
    "unknown qualification": ("职业资格等级", lambda: "社工大师", "社会工作师"),
    "month 13": ("入职日期", lambda: "2020-13-01", "日期"),
    "not a date": ("入职日期", lambda: "abc", "日期"),
    "start date in the future": ("入职日期", lambda: (date.today() + timedelta(days=3)).isoformat(), "晚于"),
    "empty name": ("姓名", lambda: "", "必填"),
    "empty ID number": ("身份证号", lambda: None, "必填"),
    "empty education": ("学历", lambda: "  ", "必填"),
    "empty post type": ("岗位类型", lambda: None, "必填"),
    "unknown community": ("所在社区代码", lambda: f"{OTHER}001001", "社区"),
    "ID stored as a number": ("身份证号", lambda: 430781198001011234, "文本"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_bad_cell_rejects_the_file_naming_its_row_and_column(client, tokens, refs, case):
    column, value, words = CASES[case]
    rows = [record(refs), record(refs, **{column: value()}), record(refs)]
    before = counts()
    response = upload(client, tokens, xlsx(rows))
    assert rejected(response, before) == [(3, column)]
    error = response.json()["errors"][0]
    assert words in error["message"] and error["field"] == column
    assert "整个文件未导入" in response.json()["detail"]


def test_every_bad_row_is_listed(client, tokens, refs):
    rows = [record(refs, 学历="小学"), record(refs), record(refs, 岗位类型="志愿者", 入职日期="2020-02-30")]
    before = counts()
    assert rejected(upload(client, tokens, xlsx(rows)), before) == [(2, "学历"), (4, "岗位类型"), (4, "入职日期")]


def test_a_duplicate_id_number_names_the_second_row_and_the_first(client, tokens, refs):
    first = record(refs)
    rows = [first, record(refs), record(refs, 身份证号=f" {first['身份证号'].lower()} ")]  # same ID, untidy
    before = counts()
    response = upload(client, tokens, xlsx(rows))
    assert rejected(response, before) == [(4, "身份证号")]
    assert "第2行" in response.json()["errors"][0]["message"]


def test_another_districts_person_is_not_changed_from_here(client, tokens, refs):
    other = run(Person.select(Person.id_number).where(Person.district_code == OTHER).first())["id_number"]
    before = counts()
    assert rejected(upload(client, tokens, xlsx([record(refs), record(refs, 身份证号=other)])), before) == [
        (3, "身份证号")]


def test_a_missing_header_is_named_on_row_1(client, tokens, refs):
    headers = [h for h in HEADERS if h not in ("岗位类型", "手机号")]
    before = counts()
    response = upload(client, tokens, xlsx([record(refs)], headers=headers))
    assert rejected(response, before) == [(1, "手机号"), (1, "岗位类型")]
    assert "岗位类型" in response.json()["detail"]


@pytest.mark.parametrize("content, words", [
    (b"", "文件为空"),
    (b"\xef\xbb\xbf\r\n", "文件为空"),
    (",".join(HEADERS).encode(), "没有数据行"),
    (random.Random(7).randbytes(4096), "不是表格"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls"),
    (b"PK\x03\x04" + bytes(100), "Excel"),
], ids=["empty", "only a BOM", "header only", "random bytes", "pdf", "old xls", "broken zip"])
def test_a_file_that_is_not_a_roster_is_rejected_clearly(client, tokens, content, words):
    before = counts()
    response = upload(client, tokens, content, name="upload.xlsx")
    rejected(response, before)
    assert words in response.json()["detail"]


def test_more_than_the_row_cap_is_rejected(client, tokens):
    lines = [",".join(HEADERS)] + ["甲" + "," * (len(HEADERS) - 1)] * (MAX_ROWS + 1)
    content = "\n".join(lines).encode()
    before = counts()
    response = upload(client, tokens, content, name="big.csv")
    assert rejected(response, before) == [(MAX_ROWS + 2, None)]
    assert str(MAX_ROWS) in response.json()["detail"]


def test_a_workbook_that_unpacks_too_far_is_refused_before_parsing(client, tokens):
    """A zip bomb: 1 MB that unpacks to 150 MB of shared strings (once this grew the server by 500 MB)."""
    from plugins.talent._roster_read import MAX_UNPACKED_BYTES

    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 50):
                member.write(chunk)
    assert len(book.getvalue()) < 2_000_000  # it fits under the default request body limit
    before = counts()
    response = upload(client, tokens, book.getvalue(), name="bomb.xlsx")
    rejected(response, before)
    assert "解压后超过" in response.json()["detail"]


def test_a_file_over_the_body_limit_is_refused(client, tokens, ctx):
    response = upload(client, tokens, b"a" * (ctx.settings.max_body_bytes + 1), name="huge.csv")
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"


def test_only_the_districts_admins_may_import(client, tokens, refs):
    content = xlsx([record(refs)])
    before = counts()
    assert upload(client, tokens, content, district=OTHER).status_code == 403  # OWN's admin, OTHER's roster
    for role in ("social_worker", "supervisor", "org_staff"):
        assert upload(client, tokens, content, role=role).status_code == 403
    assert client.post(f"{BASE}/import", files={"file": ("a.xlsx", content)}).status_code == 401
    assert counts() == before


# --- template, export, round trip ----------------------------------------------------------


def _sheet(content: bytes, index: int = 0) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[index].iter_rows(values_only=True)]


def test_the_template_has_the_headers_and_the_allowed_values(client, tokens):
    response = client.get(f"{BASE}/template.xlsx", headers=bearer(tokens["district_admin"]))
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    assert 'filename="talent-roster-template.xlsx"' in response.headers["content-disposition"]
    assert _sheet(response.content) == [list(HEADERS)]
    choices = _sheet(response.content, 1)
    assert choices[0] == ["学历", "职业资格等级", "岗位类型"]
    assert {r[1] for r in choices[1:]} - {None} == {"无", "助理社会工作师", "社会工作师", "高级社会工作师"}
    assert client.get(f"{BASE}/template.xlsx", headers=bearer(tokens["supervisor"])).status_code == 403


def test_the_openapi_document_names_the_xlsx_media_type_of_the_template_and_the_export(client):
    """Found by the fuzzer (tests/test_fuzz.py): the template answered XLSX where the document said JSON."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    for name in ("template.xlsx", "export.xlsx"):
        content = paths[f"/api/districts/{{code}}/talent/workers/{name}"]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"], name


def test_export_is_unmasked_and_audited_for_an_admin_and_imports_back_unchanged(client, tokens, refs):
    admin = bearer(tokens["district_admin"])
    mine = [record(refs, 姓名="=HYPERLINK(\"x\")"), record(refs, 入职日期=None, 工作单位统一社会信用代码=None)]
    assert upload(client, tokens, xlsx(mine)).status_code == 200
    before = counts()
    response = client.get(f"{BASE}/export.xlsx", headers=admin)
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    assert f'filename="talent-roster-{OWN}.xlsx"' in response.headers["content-disposition"]
    rows = _sheet(response.content)
    assert rows[0] == list(HEADERS)
    total = run(SocialWorker.count().where(SocialWorker.district_code == OWN))
    assert len(rows) == total + 1
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id[mine[0]["身份证号"]][0] == "=HYPERLINK(\"x\")"  # text, not a formula
    assert by_id[mine[0]["身份证号"]][11] == datetime(2019, 7, 1)
    event = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    assert (event["action"], event["entity"], event["district_code"]) == ("reveal", "social_worker_roster", OWN)
    assert counts() == {**before, "AuditEvent": before["AuditEvent"] + 1}
    snapshot = run(SocialWorker.select().where(SocialWorker.district_code == OWN).order_by(SocialWorker.id))
    again = upload(client, tokens, response.content, name="export.xlsx")
    assert again.status_code == 200, again.text
    assert again.json() == {"rows": total, "created": 0, "updated": total, "ignored_columns": [], "dry_run": False}
    assert counts() == {**before, "AuditEvent": before["AuditEvent"] + 2}
    strip = ("updated_at",)
    assert [{k: v for k, v in w.items() if k not in strip} for w in run(SocialWorker.select().where(
        SocialWorker.district_code == OWN).order_by(SocialWorker.id))] == [
        {k: v for k, v in w.items() if k not in strip} for w in snapshot]


def test_a_masked_export_reveals_nothing_and_is_not_a_reveal(client, tokens, refs):
    mine = record(refs, 手机号="13712345678")
    assert upload(client, tokens, xlsx([mine])).status_code == 200
    before = counts()
    response = client.get(f"{BASE}/export.xlsx", params={"masked": "true"}, headers=bearer(tokens["district_admin"]))
    assert response.status_code == 200
    assert counts() == before
    rows = _sheet(response.content)
    masked = mine["身份证号"][:6] + "*" * 8 + mine["身份证号"][-4:]
    assert [masked, "137****5678"] in [r[1:3] for r in rows]
    assert mine["身份证号"].encode() not in response.content
    flat = {str(v) for r in rows[1:] for v in r[1:3]}
    assert all("*" in v for v in flat if v and v != "None")


# --- the CLI --------------------------------------------------------------------------------


def test_cli_imports_with_the_same_checks(tmp_path, capsys, refs, ctx):
    good = tmp_path / "good.xlsx"
    rows = [record(refs), record(refs)]
    good.write_bytes(xlsx(rows))
    before = counts()
    assert cli.main(["import", str(good), "--district", OWN, "--dry-run"]) == 0
    assert "新增 2 人" in capsys.readouterr().out and counts() == before
    assert cli.main(["import", str(good), "--district", OWN]) == 0
    assert counts()["SocialWorker"] == before["SocialWorker"] + 2
    event = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    assert (event["actor"], event["action"], json.loads(event["after"])["file"]) == ("cli", "import", "good.xlsx")
    capsys.readouterr()

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([record(refs), record(refs, 学历="", 入职日期="2020-13-01")], "gb18030"))
    before = counts()
    assert cli.main(["import", str(bad), "--district", OWN]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["第3行 [学历] （空）: 必填项不能为空",
                   "第3行 [入职日期] 2020-13-01: 日期无效：应为真实日期，格式 YYYY-MM-DD 或 YYYY/M/D（或 Excel 日期单元格）"]
    assert counts() == before
    assert cli.main(["import", str(good), "--district", "999999"]) == 2
