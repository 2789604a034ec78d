"""Service logs as delivery evidence: a worker names a delivery record another module offers
for their employer (hook `offer_delivery_refs`; here the example plugin's), anything else is
refused field by field with nothing written, and the hours of submitted, current logs roll up
per record (hook `delivery_hours`): drafts and corrected originals do not count."""

from __future__ import annotations

from datetime import date

import pytest

from core.plugins import call_async
from core.tables import Organization, User
from plugins.talent.tables import ServiceLog, SocialWorker
from tests.conftest import OWN, bearer, login, run

API = f"/api/districts/{OWN}/talent"
HTML = {"Accept": "text/html"}


def my_worker() -> dict:
    user = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())
    return run(SocialWorker.select().where(SocialWorker.person_id == user["person_id"]).first())


@pytest.fixture(scope="module", autouse=True)
def employed(ctx):
    """The demo worker is posted to a community; here an organisation employs them (restored after)."""
    worker = my_worker()
    org = run(Organization.select(Organization.id).where(Organization.district_code == OWN).first())["id"]
    run(SocialWorker.update({SocialWorker.employer_org_id: org}).where(SocialWorker.id == worker["id"]))
    yield org
    run(SocialWorker.update({SocialWorker.employer_org_id: worker["employer_org_id"]}).where(
        SocialWorker.id == worker["id"]))


def rolled_up(ctx, ref: str) -> dict:
    results = run(call_async(ctx.pm.hook.delivery_hours, ctx=ctx, district_code=OWN, refs=[ref]))
    [hours] = [r for r in results if r]
    return hours[ref]


def log(client, ref, hours=2.0, **extra):
    return client.post(f"{API}/me/logs", json={"day": date.today().isoformat(), "hours": hours, "kind": "个案",
                                                "beneficiaries": 3, "delivery_ref": ref, **extra})


def example_refs(client) -> list[dict]:
    """The example plugin's refs offered to the worker (procurement's demo contracts offer others)."""
    return [r for r in client.get(f"{API}/me/delivery-refs").json() if r["ref"].startswith("example:")]


def test_hook_offer_delivery_refs(client, tokens):
    ref = f"example:delivery-{my_worker()['employer_org_id']}"
    admin = bearer(tokens["district_admin"])
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": False}, headers=admin)
    login(client, f"{OWN}-worker")
    assert example_refs(client) == []
    before = run(ServiceLog.count())
    refused = log(client, ref)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "delivery_ref"
    assert run(ServiceLog.count()) == before

    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": True}, headers=admin)
    login(client, f"{OWN}-worker")
    assert example_refs(client) == [{"ref": ref, "title": "示例服务项目"}]
    page = client.get(f"/districts/{OWN}/talent/me", headers=HTML).text
    assert 'data-testid="log-delivery-ref"' in page and f'value="{ref}"' in page
    assert log(client, "example:delivery-999999").status_code == 422  # another organisation's record
    created = log(client, ref)
    assert created.status_code == 201, created.text
    assert created.json()["delivery_ref"] == ref
    page = client.get(f"/districts/{OWN}/talent/me", headers=HTML).text
    assert "服务项目：示例服务项目" in page


def test_hook_delivery_hours(ctx, client, tokens):
    ref = f"example:delivery-{my_worker()['employer_org_id']}"
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": True},
               headers=bearer(tokens["district_admin"]))
    start = rolled_up(ctx, ref)
    login(client, f"{OWN}-worker")
    submitted = log(client, ref, hours=2.5).json()["id"]
    assert client.post(f"{API}/me/logs/{submitted}/submit").status_code == 200
    log(client, ref, hours=7)  # a draft: not evidence yet
    after = rolled_up(ctx, ref)
    assert after["hours"] == start["hours"] + 2.5 and after["logs"] == start["logs"] + 1
    assert after["beneficiaries"] == start["beneficiaries"] + 3 and after["workers"] == 1

    fixed = client.post(f"{API}/me/logs/{submitted}/correction", json={
        "day": date.today().isoformat(), "hours": 1.5, "kind": "个案", "beneficiaries": 3, "delivery_ref": ref,
        "reason": "时长记错"})
    assert fixed.status_code == 201, fixed.text
    corrected = rolled_up(ctx, ref)
    assert corrected["hours"] == start["hours"] + 1.5 and corrected["logs"] == start["logs"] + 1
    assert rolled_up(ctx, "example:nothing-logged") == {"hours": 0.0, "logs": 0, "beneficiaries": 0, "workers": 0}
