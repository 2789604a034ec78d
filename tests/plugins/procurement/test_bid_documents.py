"""A bid's documents through the real app: the bidder's staff attach checked files (type from
the content) to their own submitted bid before the deadline; the bid lists them; who may
download (the bidder; district readers and panel members only after the deadline; never another
district); refusals (another organisation's bid, after the deadline, a withdrawn bid, the
eleventh file, a file that is not an accepted type) with nothing written."""

from __future__ import annotations

from core.tables import Upload
from plugins.procurement import bid_documents
from plugins.procurement.tables import BidDocument
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.procurement.delivery_support import PDF
from tests.plugins.procurement.support import bid, deadline_passes, new_org, open_tender, panelist, staff_of
from tests.plugins.procurement.test_projects import API


def _attach(client, headers, project_id: int, bid_id: int, name: str = "资质证明.pdf", content: bytes = PDF):
    return client.post(f"{API}/{project_id}/bids/{bid_id}/documents", headers=headers,
                       files={"file": (name, content, "application/pdf")})


def _counts() -> tuple[int, int]:
    return run(BidDocument.count()), run(Upload.count())


def test_attach_list_and_download_by_who_may_see_the_bid(client, as_role):
    admin = as_role("district_admin")
    project = open_tender(client, admin, "投标文件：上传与查看")
    org = new_org()
    staff = staff_of(org)
    made = bid(client, staff, project["id"]).json()
    assert made["documents"] == []
    answer = _attach(client, staff, project["id"], made["id"])
    assert answer.status_code == 201, answer.text
    documents = answer.json()["documents"]
    assert [(d["filename"], d["content_type"], d["size"]) for d in documents] == [
        ("资质证明.pdf", "application/pdf", len(PDF))]
    url = f"{API}/{project['id']}/bids/{made['id']}/documents/{documents[0]['id']}"
    got = client.get(url, headers=staff)
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"].startswith("application/pdf")
    member = panelist(1)
    assert client.post(f"{API}/{project['id']}/panel", headers=admin,
                       json={"username": f"{OWN}-panelist-1"}).status_code == 201
    # Sealed until the deadline: the district reader and the panel get 404, as for the bid itself.
    assert client.get(url, headers=admin).status_code == 404
    assert client.get(url, headers=member).status_code == 404
    deadline_passes(project["id"])
    assert client.get(url, headers=admin).content == PDF
    assert client.get(url, headers=member).content == PDF
    listed = client.get(f"{API}/{project['id']}/bids", headers=admin).json()["items"]
    assert [d["filename"] for d in listed[0]["documents"]] == ["资质证明.pdf"]
    # Another organisation's staff and another district never see it.
    assert client.get(url, headers=staff_of(new_org())).status_code == 404
    other = client.get(url.replace(f"/{OWN}/", f"/{OTHER}/"), headers=bearer_for(client, f"{OTHER}-admin"))
    assert other.status_code in (403, 404)
    # The deadline has passed: no more files.
    before = _counts()
    late = _attach(client, staff, project["id"], made["id"])
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed" and _counts() == before


def test_refusals_write_nothing(client, as_role):
    admin = as_role("district_admin")
    project = open_tender(client, admin, "投标文件：拒绝")
    org = new_org()
    staff = staff_of(org)
    made = bid(client, staff, project["id"]).json()
    before = _counts()
    not_ours = _attach(client, staff_of(new_org()), project["id"], made["id"])
    assert not_ours.status_code == 404
    text = _attach(client, staff, project["id"], made["id"], "方案.pdf", "一份文本文件".encode())
    assert text.status_code == 422 and text.json()["errors"][0]["field"] == "file"
    assert _counts() == before
    for n in range(bid_documents.MAX_DOCUMENTS):
        assert _attach(client, staff, project["id"], made["id"], f"附件{n}.pdf").status_code == 201
    eleventh = _attach(client, staff, project["id"], made["id"], "附件10.pdf")
    assert eleventh.status_code == 409 and eleventh.json()["code"] == "too_many_documents"
    assert run(BidDocument.count().where(BidDocument.bid == made["id"])) == bid_documents.MAX_DOCUMENTS
    assert client.post(f"{API}/{project['id']}/bids/{made['id']}/withdraw", headers=staff).status_code == 200
    withdrawn = _attach(client, staff, project["id"], made["id"])
    assert withdrawn.status_code == 409 and withdrawn.json()["code"] == "not_submitted"
    # The withdrawn bid keeps its files on the record; a new bid starts with none.
    again = bid(client, staff, project["id"]).json()
    assert again["documents"] == []
    kept = client.get(f"{API}/{project['id']}/bids", headers=staff).json()["items"]
    assert {b["id"]: len(b["documents"]) for b in kept} == {made["id"]: 10, again["id"]: 0}


def test_the_tender_page_offers_the_upload_and_lists_the_files(client, as_role):
    admin = as_role("district_admin")
    project = open_tender(client, admin, "投标文件：页面")
    staff = staff_of(new_org())
    made = bid(client, staff, project["id"]).json()
    page = client.get(f"/districts/{OWN}/procurement/tenders/{project['id']}", headers=staff).text
    assert f'data-upload="bids/{made["id"]}/documents"' in page and 'data-testid="bid-document"' not in page
    assert _attach(client, staff, project["id"], made["id"], "报价明细.pdf").status_code == 201
    page = client.get(f"/districts/{OWN}/procurement/tenders/{project['id']}", headers=staff).text
    assert 'data-testid="bid-document"' in page and "报价明细.pdf" in page
