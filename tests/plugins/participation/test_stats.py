"""Who takes part, on hand-built data: participants and attendances by age band (age at the
activity's Beijing date), community and field, and the share under 40, against numbers worked
out by hand; the previous year beside it; access by role."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import random

import pytest

from core.codes import make_id_number

from core.tables import Person
from plugins.participation.stats import age_on, band
from plugins.participation.tables import Activity, Signup
from tests.conftest import OWN, run
from tests.plugins.participation.points_support import new_resident

YEAR = 2031  # a year no demo activity falls in
pytestmark = pytest.mark.usefixtures("ctx")


def _person(born: date) -> int:
    row = run(Person.select(Person.id).where(Person.district_code == OWN).order_by(Person.id).first())
    template = run(Person.select().where(Person.id == row["id"]).first())
    fresh = {k: v for k, v in template.items() if k not in ("id",)}
    fresh.update(birth_date=born, id_number=make_id_number(OWN, born, random.randint(100, 999)))
    return run(Person.insert(Person(**fresh)))[0]["id"]


def _activity(when: datetime, community: str, field: str) -> int:
    return run(Activity.insert(Activity(district_code=OWN, community_code=community, field=field, title="统计测试",
                                        place="活动室", starts_at=when, ends_at=when + timedelta(hours=1),
                                        capacity=50, announced_by="test")))[0]["id"]


def _attend(activity: int, user_id: int, person_id: int | None, state: str = "attended") -> None:
    run(Signup.insert(Signup(activity=activity, district_code=OWN, user_id=user_id, person_id=person_id,
                             state=state)))


def test_bands_and_ages():
    assert age_on(date(1990, 6, 2), date(2031, 6, 1)) == 40 and age_on(date(1990, 6, 1), date(2031, 6, 1)) == 41
    assert [band(a) for a in (None, 29, 30, 39, 40, 59, 60, 95)] == ["未知", "<30", "30–39", "30–39", "40–49",
                                                                     "50–59", "60+", "60+"]


def test_who_takes_part_on_hand_built_data(client, as_role):
    # Beijing 2031-01-01 00:30 is 2030-12-31 16:30 UTC: it counts in 2031.
    new_year = _activity(datetime(2030, 12, 31, 16, 30, tzinfo=timezone.utc), "430702001001", "为老服务")
    summer = _activity(datetime(2031, 7, 1, 2, 0, tzinfo=timezone.utc), "430702001002", "青少年服务")
    last_year = _activity(datetime(2030, 5, 1, 2, 0, tzinfo=timezone.utc), "430702001001", "为老服务")
    young, _ = new_resident()
    people = {"young": _person(date(2005, 3, 1)), "thirty": _person(date(2001, 7, 1)),
              "old": _person(date(1960, 1, 1))}
    users = {k: new_resident()[1] for k in ("young", "thirty", "old", "nobody", "absent")}
    _attend(new_year, users["young"], people["young"])      # 25 → <30
    _attend(summer, users["young"], people["young"])
    _attend(summer, users["thirty"], people["thirty"])      # turns 30 on 2031-07-01 (Beijing) → 30–39
    _attend(new_year, users["old"], people["old"])          # 71 → 60+
    _attend(summer, users["nobody"], None)                  # no registry person → 未知
    _attend(summer, users["absent"], people["old"], state="no_show")
    _attend(last_year, users["old"], people["old"])
    answer = client.get(f"/api/districts/{OWN}/participation/stats?year={YEAR}", headers=as_role("supervisor"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    current = body["current"]
    assert current["participants"] == 4 and current["attendances"] == 5
    ages = {g["key"]: (g["participants"], g["attendances"]) for g in current["by_age"]}
    assert ages == {"<30": (1, 2), "30–39": (1, 1), "40–49": (0, 0), "50–59": (0, 0), "60+": (1, 1), "未知": (1, 1)}
    assert current["known_age"] == 3 and current["share_under_40"] == round(2 / 3, 4)
    fields = {g["key"]: (g["participants"], g["attendances"]) for g in current["by_field"]}
    assert fields == {"为老服务": (2, 2), "青少年服务": (3, 3)}
    communities = {g["key"]: g["participants"] for g in current["by_community"]}
    assert communities == {"430702001001": 2, "430702001002": 3}
    assert body["previous"]["participants"] == 1 and body["previous"]["share_under_40"] == 0.0
    page = client.get(f"/districts/{OWN}/participation/stats?year={YEAR}", headers=as_role("district_admin"))
    assert page.status_code == 200 and "66.7%" in page.text and 'data-testid="chart-age"' in page.text


@pytest.mark.parametrize("role", ["resident", "org_staff", "social_worker"])
def test_stats_are_for_staff_and_supervisors(client, as_role, role):
    assert client.get(f"/api/districts/{OWN}/participation/stats", headers=as_role(role)).status_code == 403
