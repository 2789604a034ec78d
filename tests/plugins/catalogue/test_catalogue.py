"""The catalogue: staff maintain services (organisation staff only their own),
every write reaches the search index through the outbox, and the public finds
only published services of districts that enable the catalogue."""

from __future__ import annotations

from core.tables import Organization, SearchOutbox
from plugins.catalogue.tables import Service
from tests.conftest import OTHER, OWN, bearer, index_now, run

BASE = f"/api/districts/{OWN}/catalogue/services"


def own_org_id() -> int:
    from core.tables import RoleGrant, User

    user = run(User.select(User.id).where(User.username == f"{OWN}-org").first())
    return run(RoleGrant.select(RoleGrant.organization_id).where(RoleGrant.user == user["id"]).first())["organization_id"]


def other_org_id(district: str, besides: int) -> int:
    return run(Organization.select(Organization.id).where(
        (Organization.district_code == district) & (Organization.id != besides)).first())["id"]


def new_service(**extra) -> dict:
    return {"organization_id": own_org_id(), "name": "测试社区长者食堂", "field": "社区养老",
            "description": "为社区老人提供营养午餐", "target_groups": ["老年人"], "fee": "subsidised",
            "contact_phone": "0736-7123456", "status": "published", **extra}


def search(client, **params) -> dict:
    response = client.get("/api/search/services", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_demo_catalogue_is_searchable_by_two_character_words(client, ctx):
    for word in ("养老", "心理", "就业"):
        body = search(client, q=word, per_page=50)
        assert body["total"] > 10, word
        for hit in body["hits"]:
            text = " ".join([hit["name"], hit["field"], hit["provider"], " ".join(hit["targets"]),
                             hit["description"], hit["address"]])
            assert word in text
            assert f"<mark>{word}</mark>" in "".join(hit["highlight"].values())
    assert set(search(client, q="养老")["facets"]) == {"field", "district", "target", "fee"}


def test_search_counts_match_published_services_exactly(client):
    published = run(Service.count().where(Service.status == "published"))
    assert search(client)["total"] == published
    drafts = run(Service.select(Service.name).where(Service.status == "draft").limit(3))
    for draft in drafts:
        assert all(h["name"] != draft["name"] for h in search(client, q=draft["name"], per_page=50)["hits"])


def test_filters_and_facets(client):
    everything = search(client, q="服务")
    by_district = everything["facets"]["district"]
    assert set(by_district) == {OWN, OTHER}
    own = search(client, q="服务", district=OWN)
    assert own["total"] == by_district[OWN] and all(h["district"] == OWN for h in own["hits"])
    youth = search(client, target="青少年", fee="free", per_page=50)
    assert youth["total"] > 0 and all("青少年" in h["targets"] and h["fee"] == "free" for h in youth["hits"])
    both = search(client, field=["社区养老", "文体教育"])
    assert both["total"] == sum(both["facets"]["field"].get(f, 0) for f in ("社区养老", "文体教育"))


def test_multi_word_queries_need_every_word(client):
    body = search(client, q="老年人 上门", per_page=50)
    assert body["total"] > 0
    for hit in body["hits"]:
        text = hit["name"] + hit["description"] + " ".join(hit["targets"])
        assert "老年人" in text and "上门" in text


def test_no_result_says_what_to_try(client):
    body = search(client, q="火星移民咨询服务")
    assert body["total"] == 0 and body["hits"] == [] and "试试" in body["suggestion"]


def test_writes_reach_the_index_through_the_outbox(client, ctx, tokens):
    staff = bearer(tokens["org_staff"])
    created = client.post(BASE, json=new_service(name="测试银发课堂"), headers=staff)
    assert created.status_code == 201, created.text
    service_id = created.json()["id"]
    # Committed with its outbox row, even before any indexer ran ("crash" here loses nothing).
    assert run(SearchOutbox.exists().where(SearchOutbox.doc_id == str(service_id)))
    index_now(ctx)
    assert not run(SearchOutbox.exists().where(SearchOutbox.doc_id == str(service_id)))
    assert [h["id"] for h in search(client, q="银发课堂")["hits"]] == [service_id]
    client.patch(f"{BASE}/{service_id}", json={"name": "测试金秋课堂"}, headers=staff)
    index_now(ctx)
    assert search(client, q="银发课堂")["total"] == 0
    assert [h["id"] for h in search(client, q="金秋课堂")["hits"]] == [service_id]
    client.patch(f"{BASE}/{service_id}", json={"status": "suspended"}, headers=staff)
    index_now(ctx)
    assert search(client, q="金秋课堂")["total"] == 0
    assert client.get(f"/api/search/services/{service_id}").status_code == 404
    client.patch(f"{BASE}/{service_id}", json={"status": "published"}, headers=staff)
    index_now(ctx)
    assert client.get(f"/api/search/services/{service_id}").json()["service"]["name"] == "测试金秋课堂"
    assert client.delete(f"{BASE}/{service_id}", headers=staff).status_code == 204
    index_now(ctx)
    assert search(client, q="金秋课堂")["total"] == 0


def test_organisation_staff_maintain_only_their_own_services(client, tokens):
    staff = bearer(tokens["org_staff"])
    mine = own_org_id()
    other = other_org_id(OWN, mine)
    refused = client.post(BASE, json=new_service(organization_id=other), headers=staff)
    assert refused.status_code == 403
    theirs = client.post(BASE, json=new_service(organization_id=other, name="他人的服务"),
                         headers=bearer(tokens["district_admin"]))
    assert theirs.status_code == 201
    assert client.patch(f"{BASE}/{theirs.json()['id']}", json={"name": "改名"}, headers=staff).status_code == 404
    listed = client.get(BASE, params={"per_page": 100}, headers=staff).json()
    assert listed["items"] and {s["organization_id"] for s in listed["items"]} == {mine}


def test_service_validation_names_fields(client, tokens):
    admin = bearer(tokens["district_admin"])
    foreign_org = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())["id"]
    bad = client.post(BASE, headers=admin, json=new_service(
        organization_id=foreign_org, field="占星", target_groups=["外星人"], communities=["430703001001"],
        contact_phone="12"))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "organization_id", "field", "target_groups", "communities", "contact_phone"}


def test_a_district_can_add_its_own_fields(client, tokens):
    admin = bearer(tokens["district_admin"])
    assert client.post(BASE, json=new_service(field="法律援助"), headers=admin).status_code == 422
    enabled = client.put(f"/api/districts/{OWN}/modules/catalogue", headers=admin,
                         json={"enabled": True, "settings": {"extra_fields": ["法律援助"]}})
    assert enabled.status_code == 200
    try:
        assert client.post(BASE, json=new_service(field="法律援助", name="社区法律援助"), headers=admin).status_code == 201
        assert "法律援助" in client.get(f"/api/districts/{OWN}/catalogue/fields").json()["fields"]
    finally:
        client.put(f"/api/districts/{OWN}/modules/catalogue", json={"enabled": True, "settings": {"extra_fields": []}},
                   headers=admin)


def test_a_district_without_the_catalogue_disappears_from_search(client, tokens):
    platform = bearer(tokens["platform_admin"])
    assert search(client, district=OTHER)["total"] > 0
    client.put(f"/api/districts/{OTHER}/modules/catalogue", json={"enabled": False}, headers=platform)
    try:
        assert search(client, district=OTHER)["total"] == 0
        assert OTHER not in search(client)["facets"]["district"]
        assert client.get(f"/api/districts/{OTHER}/catalogue/services", headers=platform).status_code == 404
    finally:
        client.put(f"/api/districts/{OTHER}/modules/catalogue", json={"enabled": True}, headers=platform)


def test_public_pages_render_in_chinese(client):
    page = client.get("/services")
    assert page.status_code == 200 and 'data-testid="search-box"' in page.text and "找服务" in page.text
    hit = search(client, q="养老")["hits"][0]
    detail = client.get(f"/services/{hit['id']}")
    assert detail.status_code == 200 and hit["name"] in detail.text and hit["provider"] in detail.text


def test_public_answers_are_reused_for_a_few_seconds(ctx, monkeypatch):
    from dataclasses import replace

    from plugins.catalogue import search as search_module
    from core.search import get_backend

    backend = get_backend(ctx.settings)
    cached_ctx = replace(ctx, settings=replace(ctx.settings, search_cache_seconds=5))
    monkeypatch.setattr(search_module, "ANSWERS", search_module.AnswerCache(size=2))
    calls = []
    real = backend.search
    monkeypatch.setattr(backend, "search", lambda *a, **k: calls.append(a) or real(*a, **k))

    def ask(context, q="养老"):
        return run(search_module.search_services(context, backend, q=q, filters={}, page=1, per_page=5))

    first = ask(cached_ctx)
    assert ask(cached_ctx) is first and len(calls) == 1  # reused
    ask(cached_ctx, "心理"), ask(cached_ctx, "就业")  # the cache holds 2: "养老" falls out
    ask(cached_ctx)
    assert len(calls) == 4
    ask(ctx), ask(ctx)  # cache_seconds = 0: always asks the backend
    assert len(calls) == 6


def test_an_expired_answer_is_served_once_more_while_it_refreshes(ctx, monkeypatch):
    from dataclasses import replace

    from plugins.catalogue import search as search_module
    from core.search import get_backend

    now = [1000.0]
    cache = search_module.AnswerCache(clock=lambda: now[0])
    monkeypatch.setattr(search_module, "ANSWERS", cache)
    backend = get_backend(ctx.settings)
    cached_ctx = replace(ctx, settings=replace(ctx.settings, search_cache_seconds=5))
    calls = []
    real = backend.search
    monkeypatch.setattr(backend, "search", lambda *a, **k: calls.append(a) or real(*a, **k))

    async def scenario():
        def ask():
            return search_module.search_services(cached_ctx, backend, q="养老", filters={}, page=1, per_page=5)

        first = await ask()
        now[0] += 5.5  # past its time (5 s less up to a fifth), within twice it
        assert await ask() is first  # served at once, stale ...
        assert await ask() is first and len(calls) == 1  # ... while one refresh is under way
        await cache.settled()
        assert len(calls) == 2
        refreshed = await ask()
        assert refreshed is not first and refreshed == first  # the new answer, same content
        now[0] += 10.5  # past twice the time: never served, searched again while the visitor waits
        assert await ask() is not refreshed and len(calls) == 3

    run(scenario())


def test_staff_manage_services_on_a_page(client):
    from tests.conftest import login

    login(client, f"{OWN}-org")
    page = client.get(f"/districts/{OWN}/catalogue")
    assert page.status_code == 200 and 'data-testid="service-table"' in page.text
    mine = own_org_id()
    names = {o["id"]: o["name"] for o in run(Organization.select(Organization.id, Organization.name))}
    assert names[mine] in page.text
    other_names = [n for i, n in names.items() if i != mine and n in page.text.split('data-testid="new-service"')[1]]
    assert other_names == []  # the provider choice offers only their own organisation
    client.cookies.clear()
    assert client.get(f"/districts/{OWN}/catalogue", headers={"accept": "text/html"},
                      follow_redirects=False).status_code in (302, 303)


def test_sanshe_reindex_rebuilds_the_index_from_the_database(client, ctx):
    import os
    import subprocess
    import sys

    from core.search import get_backend

    published = run(Service.count().where(Service.status == "published"))
    get_backend(ctx.settings).clear("services")  # an index lost or damaged behind the app's back
    assert search(client)["total"] == 0
    result = subprocess.run([sys.executable, "-m", "core.cli", "reindex"], env=dict(os.environ),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"services: {published} documents indexed" in result.stdout
    assert search(client)["total"] == published
