"""OCDS after the tender, through the real app: a contracted project's compiled release names
its supplier (CN-USCC), the award and contract values, milestones with their statuses and
transactions summing to the payments; tenderers are sealed until the bid deadline; the
contract document is published as metadata only; no person's data in any package; paging
across implementationUpdate releases returns each once; the awards dataset."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core.tables import Organization, Person, Upload, User
from plugins.procurement.delivery_tables import Contract, ContractDocument, DeliveryMilestone, MilestoneEvidence, Payment
from plugins.procurement.tables import Award, Bid, PanelMember, PurchaseProject
from tests.conftest import OTHER, OWN, run
from tests.plugins.procurement import ocds_data
from tests.plugins.procurement.ocds_schemas import problems
from tests.plugins.procurement.test_ocds import RECORDS, RELEASES, expected_ids, walk
from tests.plugins.procurement.test_ocds_catalogue import read_csv, read_xlsx

HOME = "武陵区居家社区养老上门服务（示范）"


@pytest.fixture(scope="module")
def generated(app, tokens):
    with ocds_data.published(app, tokens, OTHER, 60) as ids:
        yield ids


def project(title: str) -> dict:
    return run(PurchaseProject.select().where(PurchaseProject.title == title).first())


def compiled(client, ocid: str) -> dict:
    answer = client.get(f"{RECORDS}/{ocid}")
    assert answer.status_code == 200 and problems("record-package-schema.json", answer.json()) == []
    return answer.json()["records"][0]["compiledRelease"]


def test_a_contracted_project_publishes_supplier_values_milestones_and_transactions(client):
    home = project(HOME)
    release = compiled(client, home["ocid"])
    contract = run(Contract.select().where(Contract.project == home["id"]).first())
    won = run(Award.select().where(Award.project == home["id"]).first())
    org = run(Organization.select().where(Organization.id == contract["organization_id"]).first())
    assert org["uscc"]
    [supplier] = [p for p in release["parties"] if "supplier" in p["roles"]]
    assert supplier["identifier"] == {"scheme": "CN-USCC", "id": org["uscc"], "legalName": org["name"]}
    assert supplier["id"] == f"CN-USCC-{org['uscc']}" and supplier["roles"] == ["tenderer", "supplier"]
    [award] = release["awards"]
    assert award["suppliers"] == [{"id": supplier["id"], "name": org["name"]}] and award["status"] == "active"
    assert award["value"] == {"amount": won["price_fen"] / 100, "currency": "CNY"} and "description" not in award
    [signed] = release["contracts"]
    assert signed["value"]["amount"] * 100 == contract["value_fen"] and signed["value"]["currency"] == "CNY"
    assert signed["dateSigned"] == f"{contract['signed_on'].isoformat()}T00:00:00+08:00"
    assert release["tender"]["numberOfTenderers"] == len(release["tender"]["tenderers"]) >= 1
    milestones = {m["title"]: m for m in signed["implementation"]["milestones"]}
    assert milestones["第一阶段服务"]["status"] == "met" and milestones["第一阶段服务"]["type"] == "delivery"
    assert milestones["第一阶段服务"]["dateMet"] and "验收完成" in milestones["第一阶段服务"]["description"]
    assert milestones["服务对象回访与满意度调查"]["status"] == "notMet"  # due, never accepted: late
    assert milestones["第二阶段服务"]["status"] == "scheduled"  # reported, waiting for acceptance
    assert milestones["第一阶段服务付款"]["type"] == "payment" and milestones["第一阶段服务付款"]["status"] == "met"
    assert milestones["第二阶段服务付款"]["status"] == "scheduled"
    paid = run(Payment.select().where(Payment.project == home["id"]))
    transactions = signed["implementation"]["transactions"]
    assert len(transactions) == len(paid) >= 1
    assert sum(t["value"]["amount"] for t in transactions) * 100 == sum(p["amount_fen"] for p in paid)
    assert {t["payer"]["id"] for t in transactions} == {release["buyer"]["id"]}
    assert {t["payee"]["id"] for t in transactions} == {supplier["id"]}


def test_an_award_not_to_the_top_bid_gives_its_reason_and_a_short_delivery_is_partly_met(client, generated):
    not_top = run(Award.select(Award.project.ocid.as_alias("ocid"), Award.reason).where(
        Award.project.is_in(generated) & (Award.top_ranked == False)).first())  # noqa: E712
    [award] = compiled(client, not_top["ocid"])["awards"]
    assert award["description"].endswith(not_top["reason"])
    evaluated = run(PurchaseProject.select().where(PurchaseProject.id.is_in(generated)
                                                   & (PurchaseProject.stage == "evaluated")).first())
    statuses = {m["title"]: m["status"] for m in compiled(client, evaluated["ocid"])["contracts"][0][
        "implementation"]["milestones"]}
    assert statuses == {"第一阶段": "met", "第一阶段付款": "met", "第二阶段": "partiallyMet", "第二阶段付款": "met",
                        "回访": "notMet"}


def test_tenderers_are_sealed_until_the_bid_deadline(client, generated):
    evaluated = run(PurchaseProject.select().where(PurchaseProject.id.is_in(generated)
                                                   & (PurchaseProject.stage == "evaluation")).first())
    [page] = walk(client, RELEASES, ocid=evaluated["ocid"])
    by_tag = {r["tag"][0]: r for r in page["releases"]}
    opened = by_tag["tenderUpdate"]  # the move to evaluation, after the deadline
    assert opened["date"] > evaluated["bid_deadline"].strftime("%Y-%m-%dT%H:%M:%SZ")
    submitted = run(Bid.select(Bid.organization_id).where((Bid.project == evaluated["id"]) & (Bid.state == "submitted")))
    assert run(Bid.count().where(Bid.project == evaluated["id"])) == 3  # one withdrawn: not a tenderer
    assert opened["tender"]["numberOfTenderers"] == len(submitted) == 2
    assert sorted(p["id"] for p in opened["parties"] if "tenderer" in p["roles"]) == sorted(
        t["id"] for t in opened["tender"]["tenderers"])
    sealed = by_tag["tender"]
    assert "tenderers" not in sealed["tender"] and [p["roles"] for p in sealed["parties"]] == [
        ["buyer", "procuringEntity"]]
    # The demo's open tender has a bid and its deadline ahead: nothing about bidders is out.
    open_tender = project("武陵区婚姻家庭纠纷调解与辅导（示范）")
    assert run(Bid.count().where(Bid.project == open_tender["id"])) >= 1
    raw = client.get(f"{RECORDS}/{open_tender['ocid']}").text + client.get(
        RELEASES, params={"ocid": open_tender["ocid"]}).text
    assert "tenderer" not in raw and "numberOfTenderers" not in raw


def _attach(contract: dict, content_type: str, hours: float) -> tuple[int, int]:
    """An upload attached `hours` after the contract was recorded, as contracts.attach_document
    stores it; (upload id, history row id)."""
    at = contract["recorded_at"] + timedelta(hours=hours)
    [upload] = run(Upload.insert(Upload(
        district_code=OTHER, sha256="0" * 64, size=10, content_type=content_type, filename="张三签字的合同.pdf",
        uploaded_by=f"{OTHER}-admin", uploaded_at=at)).returning(Upload.id))
    run(Contract.update({Contract.document: upload["id"]}).where(Contract.id == contract["id"]))
    [row] = run(ContractDocument.insert(ContractDocument(contract=contract["id"], upload=upload["id"], attached_at=at))
                .returning(ContractDocument.id))
    return upload["id"], row["id"]


def test_the_contract_document_is_metadata_without_url_or_file_name(client, generated):
    """Attached after the last stage change, the document comes out in a contractUpdate release at
    that moment; a replacement is a later contractUpdate with the same document id, and every
    earlier release stays exactly as it was."""
    contracted = run(PurchaseProject.select().where(PurchaseProject.id.is_in(generated)
                                                    & (PurchaseProject.stage == "closed")).first())
    contract = run(Contract.select().where(Contract.project == contracted["id"]).first())
    ocid = contracted["ocid"]
    before = walk(client, RELEASES, ocid=ocid)[0]["releases"]
    last_change = max(r["date"] for r in before)
    uploads = []
    try:
        upload_id, first_row = _attach(contract, "application/pdf", 24 * 400)  # after everything else
        uploads.append(upload_id)
        record = client.get(f"{RECORDS}/{ocid}")
        [document] = record.json()["records"][0]["compiledRelease"]["contracts"][0]["documents"]
        assert document == {"id": f"{ocid}-contract-document", "documentType": "contractSigned",
                            "title": "服务合同文本", "format": "application/pdf",
                            "datePublished": document["datePublished"], "language": "zh"}
        assert "张三" not in record.text and "签字" not in record.text
        once = walk(client, RELEASES, ocid=ocid)[0]["releases"]
        [update] = [r for r in once if r["id"] == f"{ocid}-document-{first_row}"]
        assert update["tag"] == ["contractUpdate"] and update["date"] == document["datePublished"] > last_change
        assert update["contracts"][0]["documents"] == [document]
        assert [r for r in once if r["id"] != update["id"]] == before  # nothing earlier changed
        assert problems("release-package-schema.json", client.get(RELEASES, params={"ocid": ocid}).json()) == []

        upload_id, second_row = _attach(contract, "image/jpeg", 24 * 401)  # replaced a day later
        uploads.append(upload_id)
        twice = walk(client, RELEASES, ocid=ocid)[0]["releases"]
        assert twice[:-1] == once  # the first attaching's release too
        [replaced] = twice[-1]["contracts"][0]["documents"]
        assert twice[-1]["id"] == f"{ocid}-document-{second_row}" and twice[-1]["tag"] == ["contractUpdate"]
        assert replaced["id"] == document["id"] and replaced["format"] == "image/jpeg"
        assert replaced["datePublished"] == document["datePublished"] < replaced["dateModified"] == twice[-1]["date"]
        [merged] = compiled(client, ocid)["contracts"][0]["documents"]
        assert merged == replaced
        signing = [r for r in twice if r["tag"] == ["contract"]]
        assert "documents" not in signing[0]["contracts"][0]  # attached after signing: not in the signing's release
    finally:
        run(ContractDocument.delete().where(ContractDocument.contract == contract["id"]))
        run(Contract.update({Contract.document: None}).where(Contract.id == contract["id"]))
        run(Upload.delete().where(Upload.id.is_in(uploads or [0])))


def test_no_person_data_in_any_package(client):
    raw = "".join(client.get(path, params={"district": OWN, "limit": 1000}).text for path in (RELEASES, RECORDS))
    assert "implementationUpdate" in raw and "CN-USCC" in raw
    secrets = []
    for p in run(Person.select(Person.name, Person.id_number, Person.phone).where(Person.district_code == OWN)):
        secrets += [p["name"], p["id_number"], p["phone"]]
    secrets += [u["username"] for u in run(User.select(User.username))]
    for m in run(PanelMember.select(PanelMember.username, PanelMember.display_name)):
        secrets += [m["username"], m["display_name"]]
    for bid in run(Bid.select(Bid.team, Bid.plan).where(Bid.district_code == OWN)):
        secrets += [member["name"] for member in json.loads(bid["team"])] + [bid["plan"]]
    secrets += [m["note"] for m in run(DeliveryMilestone.select(DeliveryMilestone.note))]
    secrets += [e["upload.filename"] for e in run(MilestoneEvidence.select(MilestoneEvidence.upload.filename))]
    secrets += [o["contact_name"] for o in run(Organization.select(Organization.contact_name))]
    secrets = [s for s in secrets if s and len(s) >= 2]
    assert len(secrets) > 50
    assert [s for s in secrets if f'"{s}"' in raw or (len(s) > 3 and s in raw)] == []


def test_paging_across_implementation_updates_returns_every_release_once(client, generated):
    pages = walk(client, RELEASES, district=OTHER, limit=4)
    ids = [r["id"] for page in pages for r in page["releases"]]
    assert ids == expected_ids(OTHER) and len(ids) == len(set(ids))
    updates = [i for i in ids if "-milestone-" in i or "-payment-" in i]
    accepted = run(DeliveryMilestone.count().where(DeliveryMilestone.project.is_in(generated)
                                                   & (DeliveryMilestone.state == "accepted")))
    assert len(updates) == accepted + run(Payment.count().where(Payment.project.is_in(generated))) > 10
    assert any(page["releases"][-1]["tag"] == ["implementationUpdate"] and "links" in page for page in pages)
    # since = an acceptance's moment: that project's walk starts with it (and misses nothing later)
    first = next(r for page in pages for r in page["releases"] if r["id"] in updates)
    later = [r["id"] for p in walk(client, RELEASES, ocid=first["ocid"], since=first["date"]) for r in p["releases"]]
    own = [i for i in ids if i.startswith(f"{first['ocid']}-")]
    assert later == own[own.index(first["id"]):]


def test_awards_dataset(client):
    rows = read_csv(client, "procurement-awards")
    assert rows[0] == ["开放合同编号", "区县代码", "项目名称", "服务领域", "项目阶段", "承接主体", "统一社会信用代码", "中标金额（元）",
                       "确定日期", "有效投标数"]
    awards = run(Award.select().where(Award.district_code.is_in(sorted({r[1] for r in rows[1:]}))).order_by(Award.id))
    assert len(rows) - 1 == len(awards) and len([r for r in rows if r[1] == OWN]) >= 4
    home = project(HOME)
    won = next(a for a in awards if a["project"] == home["id"])
    org = run(Organization.select().where(Organization.id == won["organization_id"]).first())
    bids = run(Bid.count().where((Bid.project == home["id"]) & (Bid.state == "submitted")))
    [row] = [r for r in rows if r[0] == home["ocid"]]
    assert row[1:] == [OWN, HOME, "社区养老", "服务实施中", org["name"], org["uscc"], f"{won['price_fen'] // 100}",
                       row[8], str(bids)] and row[8][:4].isdigit()
    sheet = read_xlsx(client, "procurement-awards")
    assert len(sheet) == len(rows) and [r[0] for r in sheet[1:]] == [r[0] for r in rows[1:]]
    listed = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}
    assert listed["procurement-awards"]["row_count"] == len(awards)
