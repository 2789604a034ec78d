"""Services offered by another module (hook `offer_services`): created once per (source,
name), updated and re-statused on a second offer, audited, searchable while published and
gone from search when suspended; an offer the catalogue cannot take is skipped with its
reason; where the catalogue is off the hook answers nothing and writes nothing."""

from __future__ import annotations

from core.contrib import ServiceOffer
from core.plugins import call_async
from core.tables import AuditEvent, Community
from plugins.catalogue.tables import Service
from tests.conftest import OWN, bearer, index_now, run
from tests.plugins.catalogue.test_catalogue import own_org_id, search

SOURCE = "test-offers:ocds-test-1"


def offer(ctx, status: str, *offers: ServiceOffer, code: str = OWN) -> list:
    results = run(call_async(ctx.pm.hook.offer_services, ctx=ctx, district_code=code, source=SOURCE,
                             offers=list(offers), status=status, actor="tester"))
    return [r for r in results if r is not None]


def test_hook_offer_services(ctx, client):
    community = run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).first())["code"]
    good = ServiceOffer(name="失独老人心理慰藉（购买服务）", organization_id=own_org_id(), field="社区养老",
                        description="政府购买服务项目：上门陪伴与心理慰藉", communities=(community,),
                        target_groups=("老年人", "不存在的人群"))
    unknown_field = ServiceOffer(name="桥梁维修", organization_id=own_org_id(), field="市政工程")
    audits = run(AuditEvent.count())

    [results] = offer(ctx, "published", good, unknown_field)
    assert [r["status"] for r in results] == ["published", None]
    assert "市政工程" in results[1]["error"]
    rows = run(Service.select().where(Service.source == SOURCE))
    assert len(rows) == 1 and rows[0]["status"] == "published" and rows[0]["target_groups"] == '["老年人"]'
    assert rows[0]["communities"] == f'["{community}"]'
    assert run(AuditEvent.count()) == audits + 1
    index_now(ctx)
    assert any(h["name"] == good.name for h in search(client, q="心理慰藉", per_page=50)["hits"])

    [again] = offer(ctx, "suspended", good)
    assert again == [{"id": rows[0]["id"], "name": good.name, "status": "suspended"}]
    assert run(Service.count().where(Service.source == SOURCE)) == 1
    assert run(AuditEvent.count()) == audits + 2
    index_now(ctx)
    assert all(h["name"] != good.name for h in search(client, q="心理慰藉", per_page=50)["hits"])

    [unchanged] = offer(ctx, "suspended", good)  # nothing changed: no new audit event
    assert unchanged[0]["id"] == rows[0]["id"] and run(AuditEvent.count()) == audits + 2


def test_offers_are_ignored_where_the_catalogue_is_off(ctx, client, tokens):
    admin = bearer(tokens["district_admin"])
    assert client.put(f"/api/districts/{OWN}/modules/catalogue", json={"enabled": False}, headers=admin).status_code == 200
    try:
        before = run(Service.count())
        assert offer(ctx, "published", ServiceOffer(name="不会出现的服务", organization_id=own_org_id(),
                                                     field="社区养老")) == []
        assert run(Service.count()) == before
    finally:
        client.put(f"/api/districts/{OWN}/modules/catalogue", json={"enabled": True}, headers=admin)
