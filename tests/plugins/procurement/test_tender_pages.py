"""The tender pages rendered by the real app: the demo's project in evaluation shows its bids
with the refusals' named reasons (grade; credit list), the ranking and the award form; an awarded
project shows the award with its reason; the panel member's sheet asks for the declaration first;
the bidders' pages list open tenders with the organisation's eligibility and the bid form; times
in Beijing time; other roles and districts refused."""

from __future__ import annotations

import json

from core.codes import mask_name
from core.tables import Organization
from plugins.procurement.tables import Award, Bid, PurchaseProject
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.procurement.support import declare, in_evaluation, open_tender, panelist
from tests.plugins.procurement.test_projects import ISO_TIME, PAGE


def _demo(stage: str) -> dict:
    return run(PurchaseProject.select().where((PurchaseProject.district_code == OWN) & (PurchaseProject.stage == stage)
                                              & PurchaseProject.title.like("%（示范）")).first())


def test_demo_evaluation_shows_refusals_ranking_and_the_award_form(client, as_role):
    admin = as_role("district_admin")
    project = _demo("evaluation")
    page = client.get(f"{PAGE}/projects/{project['id']}", headers=admin)
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="refusal-reasons"' in text and 'data-code="grade"' in text and 'data-code="credit"' in text
    assert "本项目要求3A及以上" in text and "活动异常名录" in text
    assert text.count('data-testid="ranked-bid"') == 2 and 'data-testid="award-form"' in text
    teams = [json.loads(r["team"]) for r in run(Bid.select(Bid.team).where(
        (Bid.project == project["id"]) & (Bid.state == "submitted")))]
    names = [w["name"] for team in teams for w in team]
    assert names and all(mask_name(n) in text for n in names)  # team names masked for readers
    assert not any(f"{n}（" in text for n in names)
    assert not ISO_TIME.search(text), ISO_TIME.findall(text)
    refused = run(Bid.select(Bid.state).where((Bid.project == project["id"]) & (Bid.state == "refused")))
    assert len(refused) == 2


def test_demo_awards_with_reasons(client, as_role):
    for stage in ("awarded", "contracted", "in_delivery", "evaluated", "closed"):
        project = _demo(stage)
        row = run(Award.select().where(Award.project == project["id"]).first())
        assert row and row["reason"], stage
    page = client.get(f"{PAGE}/projects/{_demo('awarded')['id']}", headers=as_role("supervisor"))
    assert 'data-testid="award"' in page.text and "评审排名第一" in page.text
    assert 'data-testid="award-form"' not in page.text and 'data-testid="terms-form"' not in page.text


def test_terms_form_only_while_editable(client, as_role):
    admin = as_role("district_admin")
    planning = _demo("planning")
    assert 'data-testid="terms-form"' in client.get(f"{PAGE}/projects/{planning['id']}", headers=admin).text
    assert 'data-testid="terms-form"' not in client.get(f"{PAGE}/projects/{planning['id']}",
                                                        headers=as_role("supervisor")).text
    tender = _demo("tender")  # the demo tender has a bid: terms locked, bids sealed for readers
    text = client.get(f"{PAGE}/projects/{tender['id']}", headers=admin).text
    assert 'data-testid="terms-form"' not in text and 'data-testid="bids-sealed"' in text


def test_the_scoring_sheet_asks_for_the_declaration_first(client, as_role):
    admin = as_role("district_admin")
    project, (only,), _, (member,) = in_evaluation(client, admin, "页面：评分表", [6_000_000], members=1)
    url = f"{PAGE}/projects/{project['id']}/panel"
    first = client.get(url, headers=member)
    assert first.status_code == 200 and 'data-testid="declaration-form"' in first.text
    assert 'data-testid="score-row"' not in first.text
    assert declare(client, member, project["id"]).status_code == 201
    after = client.get(url, headers=member).text
    assert 'data-testid="declared"' in after and f'data-bid="{only}"' in after
    assert client.get(url, headers=panelist(8)).status_code == 403
    assert client.get(url, headers=as_role("supervisor")).status_code == 403
    assert 'data-testid="sheet-link"' in client.get(f"{PAGE}/projects/{project['id']}", headers=member).text


def test_bidder_pages(client, as_role):
    staff = as_role("org_staff")
    project = open_tender(client, as_role("district_admin"), "页面：投标", {"min_grade": "5A"})
    listed = client.get(f"{PAGE}/tenders", headers=staff)
    assert listed.status_code == 200 and f'data-id="{project["id"]}"' in listed.text
    page = client.get(f"{PAGE}/tenders/{project['id']}", headers=staff)
    assert page.status_code == 200 and 'data-testid="bid-form"' in page.text
    org = run(Organization.select(Organization.grade).where(Organization.district_code == OWN).order_by(
        Organization.id).first())
    assert 'data-eligible="no"' in page.text and f"评估等级为{org['grade']}" in page.text
    assert not ISO_TIME.search(page.text)
    assert client.get(f"{PAGE}/tenders/{_demo('planning')['id']}", headers=staff).status_code == 404
    assert client.get(f"{PAGE}/tenders", headers=as_role("supervisor")).status_code == 403
    assert client.get(f"/districts/{OTHER}/procurement/tenders", headers=bearer_for(client, f"{OTHER}-org")
                      ).status_code == 404
    nav = client.get(f"/districts/{OWN}", headers=staff).text
    assert f"/districts/{OWN}/procurement/tenders" in nav
