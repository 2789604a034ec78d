"""The Open Contracting (OCDS 1.1.5) publication through the real app: every page of the demo's
and of a generated larger set's release and record packages validates against the official
schemas; links.next walks every release exactly once; the filters; the tags, methods and
amounts; compiled releases equal the reference merge (ocdsmerge); no person's ID number or
phone and no staff account is ever published; a district that does not enable the module
publishes nothing and its ocids 404; the package streams."""

from __future__ import annotations

import asyncio
from datetime import timezone
from urllib.parse import urlsplit

import ocdsmerge
import pytest

from core.tables import Organization, Person
from plugins.procurement import ocds_package, states
from plugins.procurement.delivery_tables import ContractDocument, DeliveryMilestone, Payment
from plugins.procurement.demo import CANCEL_REASON
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.conftest import OTHER, OWN, run
from tests.plugins.procurement import ocds_data
from tests.plugins.procurement.ocds_schemas import load, problems

RELEASES, RECORDS = "/opendata/ocds/releases", "/opendata/ocds/records"


def walk(client, path: str, **params) -> list[dict]:
    """Every page from the first by links.next, each validated against the official schema."""
    schema = "release-package-schema.json" if path == RELEASES else "record-package-schema.json"
    pages, url = [], path
    while url:
        answer = client.get(url, params=params if url == path else None)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        page = answer.json()
        assert problems(schema, page) == [], url
        pages.append(page)
        assert len(pages) < 2000
        url = page.get("links", {}).get("next")
        if url:
            parts = urlsplit(url)
            url = f"{parts.path}?{parts.query}"
    return pages


def expected_ids(code: str) -> list[str]:
    """The release ids of a district's projects, in package order: per project its creation,
    stage changes, acceptances, payments and contract documents by moment (then that kind order,
    then id)."""
    def micro(at):
        return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)

    out = []
    for project in run(PurchaseProject.select(PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.created_at).where(
            PurchaseProject.district_code == code).order_by(PurchaseProject.id)):
        pid, ocid = project["id"], project["ocid"]
        events = [(micro(project["created_at"]), 0, 0, f"{ocid}-planning")]
        events += [(micro(c["at"]), 1, c["id"], f"{ocid}-{c['id']}") for c in run(StageChange.select().where(
            StageChange.project == pid))]
        events += [(micro(m["decided_at"]), 2, m["id"], f"{ocid}-milestone-{m['id']}") for m in run(
            DeliveryMilestone.select().where((DeliveryMilestone.project == pid) & (DeliveryMilestone.state == "accepted")))]
        events += [(micro(p["recorded_at"]), 3, p["id"], f"{ocid}-payment-{p['id']}") for p in run(
            Payment.select().where(Payment.project == pid))]
        events += [(micro(d["attached_at"]), 4, d["id"], f"{ocid}-document-{d['id']}") for d in run(
            ContractDocument.select().where(ContractDocument.contract.project == pid))]
        out += [e[3] for e in sorted(events)]
    return out


@pytest.fixture(scope="module")
def generated(app, tokens):
    """300 generated projects in OTHER (ocds_data.published)."""
    with ocds_data.published(app, tokens, OTHER, 300) as ids:
        yield ids


def test_demo_packages_validate_and_paging_walks_every_release_once(client):
    pages = walk(client, RELEASES, district=OWN, limit=7)
    ids = [r["id"] for page in pages for r in page["releases"]]
    assert len(pages) > 3 and all(len(p["releases"]) <= 7 for p in pages)
    assert ids == expected_ids(OWN)  # each once, in the stable order
    first = pages[0]
    assert first["version"] == "1.1" and first["publisher"]["name"] == "常德市武陵区民政局"
    assert first["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert first["publicationPolicy"].endswith("/opendata/ocds")
    assert "links" not in pages[-1]
    whole = walk(client, RELEASES, district=OWN, limit=1000)
    assert len(whole) == 1 and [r["id"] for r in whole[0]["releases"]] == ids


def test_demo_releases_carry_tags_methods_amounts_and_parties(client):
    releases = walk(client, RELEASES, district=OWN, limit=1000)[0]["releases"]
    by_ocid: dict[str, list[dict]] = {}
    for release in releases:
        by_ocid.setdefault(release["ocid"], []).append(release)
    demo = {r["title"]: r for r in run(PurchaseProject.select().where(
        (PurchaseProject.district_code == OWN) & PurchaseProject.title.like("%（示范）")))}
    home = demo["武陵区居家社区养老上门服务（示范）"]
    tags = [r["tag"] for r in by_ocid[home["ocid"]]]
    assert tags == [["planning"], ["tender"], ["tenderUpdate"], ["award"], ["contract"], ["implementationUpdate"],
                    ["implementationUpdate"], ["implementation"]]  # accepted, paid, then delivery starts
    last = by_ocid[home["ocid"]][-1]
    assert last["tender"]["value"] == {"amount": 480000, "currency": "CNY"}
    assert last["planning"]["budget"]["amount"] == {"amount": 480000, "currency": "CNY"}
    assert last["tender"]["procurementMethod"] == "open" and last["tender"]["procurementMethodDetails"] == "公开招标"
    assert last["tender"]["status"] == "complete" and last["contracts"][0]["status"] == "active"
    assert last["tender"]["mainProcurementCategory"] == "services" and last["language"] == "zh"
    assert last["tender"]["items"][0]["classification"]["id"] == "社区养老"
    assert last["tender"]["contractPeriod"]["startDate"].endswith("T00:00:00+08:00")
    assert last["parties"][0]["roles"] == ["buyer", "procuringEntity"]
    assert last["buyer"] == {"id": last["parties"][0]["id"], "name": home["buyer"]}
    assert last["id"] == f"{home['ocid']}-{run(StageChange.select().where(StageChange.project == home['id']))[-1]['id']}"
    assert [r["id"].split("-")[-2] for r in by_ocid[home["ocid"]][5:7]] == ["milestone", "payment"]
    single = by_ocid[demo["武陵区精神障碍患者社区康复（示范）"]["ocid"]][-1]
    assert single["tender"]["procurementMethod"] == "direct"
    assert single["tender"]["procurementMethodRationale"].startswith("区内唯一具备精神康复资质")
    cancelled = by_ocid[demo["武陵区婚前辅导与家庭教育指导（示范）"]["ocid"]]
    assert [r["tag"] for r in cancelled] == [["planning"], ["tender"], ["tenderCancellation"]]
    assert cancelled[-1]["tender"]["status"] == "cancelled"
    [notice] = cancelled[-1]["tender"]["documents"]
    assert notice["documentType"] == "cancellationDetails" and notice["description"] == CANCEL_REASON
    closed = by_ocid[demo["武陵区困境儿童与留守青少年关爱（示范）"]["ocid"]]
    assert closed[-1]["tag"] == ["contractTermination"] and closed[-1]["contracts"][0]["status"] == "terminated"
    assert by_ocid[demo["武陵区老年人防跌倒与健康管理（示范）"]["ocid"]][0]["tender"]["status"] == "planning"


def test_filters_by_ocid_district_and_since(client, generated):
    ocid = run(PurchaseProject.select(PurchaseProject.ocid).where(PurchaseProject.id == generated[40]).first())["ocid"]
    [page] = walk(client, RELEASES, ocid=ocid)
    assert {r["ocid"] for r in page["releases"]} == {ocid} and len(page["releases"]) >= 1
    assert [r["id"] for r in page["releases"]] == [i for i in expected_ids(OTHER) if i.startswith(f"{ocid}-")]
    other = [r for p in walk(client, RELEASES, district=OTHER, limit=1000) for r in p["releases"]]
    assert {r["ocid"].split("-")[2] for r in other} == {OTHER}
    since = "2025-06-01T00:00:00+08:00"
    later = [r for p in walk(client, RELEASES, district=OTHER, since=since, limit=500) for r in p["releases"]]
    assert later and all(r["date"] >= "2025-05-31T16:00:00Z" for r in later)
    assert [r["id"] for r in later] == [r["id"] for r in other if r["date"] >= "2025-05-31T16:00:00Z"]
    records = [r for p in walk(client, RECORDS, district=OTHER, since=since, limit=500) for r in p["records"]]
    assert {r["ocid"] for r in records} == {r["ocid"] for r in later}
    assert client.get(RELEASES, params={"since": "2999-01-01T00:00:00Z"}).status_code == 404
    assert client.get(RELEASES, params={"ocid": "ocds-sanshe-430702-987654321"}).json()["code"] == "not_found"
    bad = client.get(RELEASES, params={"district": "43070x", "limit": 1001})
    assert bad.status_code == 400
    assert client.get(RELEASES, params={"colour": "red"}).json()["errors"][0]["field"] == "colour"
    assert client.get(RELEASES, params={"cursor": "12"}).json()["errors"][0]["field"] == "cursor"


def test_generated_set_validates_and_walks_every_release_once(client, generated):
    pages = walk(client, RELEASES, district=OTHER, limit=37)
    ids = [r["id"] for page in pages for r in page["releases"]]
    assert len(ids) == len(set(ids)) and ids == expected_ids(OTHER) and len(ids) > 1000
    tags = {t for page in pages for r in page["releases"] for t in r["tag"]}
    assert tags == {"planning", "tender", "tenderUpdate", "tenderCancellation", "award", "awardCancellation",
                    "contract", "implementation", "implementationUpdate", "contractTermination"}
    statuses = {r["tender"]["status"] for page in pages for r in page["releases"]}
    assert statuses == {"planning", "active", "complete", "cancelled", "unsuccessful"}
    uscc = {p["identifier"]["id"] for page in pages for r in page["releases"] for p in r["parties"]
            if "identifier" in p}
    assert uscc and all(len(code) == 18 for code in uscc)
    assert all(p["identifier"]["scheme"] == "CN-USCC" for page in pages for r in page["releases"]
               for p in r["parties"] if "identifier" in p)


def test_records_validate_and_compile_as_the_reference_merge(client, generated):
    merger = ocdsmerge.Merger(schema=load("release-schema.json"))
    releases = {}
    for page in walk(client, RELEASES, limit=1000):
        for release in page["releases"]:
            releases.setdefault(release["ocid"], []).append(release)
    pages = walk(client, RECORDS, limit=50)
    records = [r for page in pages for r in page["records"]]
    assert [r["ocid"] for r in records] == list(releases)  # every process once, in order
    for record in records:
        own = releases[record["ocid"]]
        assert [(link["date"], link["tag"]) for link in record["releases"]] == [(r["date"], r["tag"]) for r in own]
        assert all(link["url"].endswith(f"#{r['id']}") for link, r in zip(record["releases"], own))
        assert record["compiledRelease"] == merger.create_compiled_release(own), record["ocid"]
    one = client.get(f"{RECORDS}/{records[5]['ocid']}")
    assert one.status_code == 200 and problems("record-package-schema.json", one.json()) == []
    assert one.json()["records"] == [records[5]]


def test_a_district_without_the_module_publishes_nothing(client, tokens, generated):
    """OTHER keeps the generated projects while the module is switched off there: nothing of
    them is published and their ocids 404, until the module is on again."""
    ocid = run(PurchaseProject.select(PurchaseProject.ocid).where(PurchaseProject.id == generated[0]).first())["ocid"]
    assert client.get(f"{RECORDS}/{ocid}").status_code == 200
    ocds_data.set_module(client, tokens, OTHER, False)
    try:
        for path, params in ((f"{RECORDS}/{ocid}", None), (RELEASES, {"district": OTHER}),
                             (RECORDS, {"district": OTHER}), (RELEASES, {"ocid": ocid})):
            answer = client.get(path, params=params)
            assert answer.status_code == 404 and answer.json()["code"] == "not_found", path
        everything = client.get(RELEASES, params={"limit": 1000}).content + client.get(
            RECORDS, params={"limit": 1000}).content
        assert f"-{OWN}-".encode() in everything and f"-{OTHER}-".encode() not in everything
        assert run(ocds_package.publishing_districts(client.app.state.ctx)) == [OWN]
    finally:
        ocds_data.set_module(client, tokens, OTHER, True)
    assert client.get(f"{RECORDS}/{ocid}").status_code == 200


def test_no_id_number_phone_or_staff_account_is_published(client, generated):
    raw = b"".join(client.get(url, params=params).content for url, params in (
        (RELEASES, {"limit": 1000}), (RELEASES, {"limit": 1000, "cursor": f"{generated[150]}-0-0-0"}),
        (RECORDS, {"limit": 1000}), ("/opendata/ocds", None)))
    assert b"ocds-sanshe-" in raw and len(raw) > 100_000
    text = raw.decode()
    people = run(Person.select(Person.id_number, Person.phone))
    orgs = run(Organization.select(Organization.contact_phone, Organization.contact_name))
    secrets = [p["id_number"] for p in people] + [p["phone"] for p in people if p["phone"]]
    secrets += [o["contact_phone"] for o in orgs if o["contact_phone"]]
    secrets += [o["contact_name"] for o in orgs if o["contact_name"]] + [f"{OWN}-admin", f"{OTHER}-admin"]
    assert len(secrets) > 80
    assert [s for s in secrets if s in text] == []


def test_the_package_streams_in_chunks_before_the_items_run_out():
    """write_package yields its first chunks while most items are still unread (constant memory)."""
    consumed = []

    async def items():
        for i in range(1, 5000):
            consumed.append(i)
            yield str(i), {"ocid": f"o-{i}", "padding": "x" * 200}

    async def first_chunks():
        rest = items()
        first = await anext(rest)
        chunks = []
        async for chunk in ocds_package.write_package({"uri": "u"}, "releases", first, rest, 4000, lambda c: c):
            chunks.append((len(consumed), len(chunk)))
        return chunks

    chunks = asyncio.run(first_chunks())
    assert len(chunks) > 5 and chunks[0][0] < 400  # the first chunk left after a few hundred items
    assert all(size <= ocds_package.CHUNK + 1000 for _, size in chunks)
    assert max(n for n, _ in chunks) == 4001  # one item read past the page: links.next is known


def test_stage_tags_cover_every_stage():
    from plugins.procurement.ocds import TAGS, TENDER_STATUS

    assert set(TAGS) == set(states.STAGES) == set(TENDER_STATUS)
