"""Open data: aggregates by community, field and quarter; any count under 3 is published empty
(and a small cell's averages too); no column can carry a name, phone or id of a person."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from plugins.participation.datasets import DATASETS, quarter
from plugins.participation.tables import Activity, Rating, Signup
from tests.conftest import OWN, run
from tests.plugins.participation.points_support import new_resident

pytestmark = pytest.mark.usefixtures("ctx")
FIELD_SMALL, FIELD_BIG = "数据集小格", "数据集大格"


def _dataset(name: str):
    return next(d for d in DATASETS if d.name == name)


def _rows(name: str) -> list[dict]:
    async def go():
        return [r async for r in _dataset(name).rows([OWN])]

    return run(go())


def _activity(field: str, when: datetime) -> int:
    return run(Activity.insert(Activity(district_code=OWN, community_code="430702001001", field=field, title="数据集",
                                        place="活动室", starts_at=when, ends_at=when + timedelta(hours=1), capacity=20,
                                        announced_by="test")))[0]["id"]


def _rate(field: str, user_id: int, score: int, subject: str) -> None:
    run(Rating.insert(Rating(district_code=OWN, subject=subject, user_id=user_id, community_code="430702001001",
                             field=field, professional=score, timeliness=score, attitude=score, effect=score,
                             score=float(score), comment="私人评论 13800001111")))


def test_quarters_are_beijing_quarters():
    assert quarter(datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)) == "2026Q3"


def test_small_cells_are_suppressed_and_big_ones_published():
    when = datetime(2026, 8, 1, 2, 0, tzinfo=timezone.utc)
    small, big = _activity(FIELD_SMALL, when), _activity(FIELD_BIG, when)
    users = [new_resident()[1] for _ in range(4)]
    for user_id in users[:2]:
        run(Signup.insert(Signup(activity=small, district_code=OWN, user_id=user_id, state="attended")))
        _rate(FIELD_SMALL, user_id, 5, f"activity:{small}")
    for i, user_id in enumerate(users):
        run(Signup.insert(Signup(activity=big, district_code=OWN, user_id=user_id, state="attended")))
        _rate(FIELD_BIG, user_id, 3 + i % 2, f"activity:{big}")
    cells = {r["field"]: r for r in _rows("participation-activities") if r["quarter"] == "2026Q3"}
    assert cells[FIELD_SMALL]["attendances"] is None and cells[FIELD_SMALL]["participants"] is None  # 2 → empty
    assert cells[FIELD_SMALL]["activities"] is None and cells[FIELD_SMALL]["places"] == 20
    assert cells[FIELD_BIG]["attendances"] == 4 == cells[FIELD_BIG]["participants"]
    ratings = {r["field"]: r for r in _rows("participation-ratings")
               if r["quarter"] == quarter(datetime.now(timezone.utc))}  # a rating's quarter is when it was made
    assert ratings[FIELD_SMALL]["ratings"] is None and ratings[FIELD_SMALL]["average_score"] is None
    assert ratings[FIELD_SMALL]["average_effect"] is None
    assert ratings[FIELD_BIG]["ratings"] == 4 and ratings[FIELD_BIG]["average_score"] == 3.5


def test_no_column_can_carry_a_person():
    personal = ("name", "phone", "user", "person", "username", "id_number", "comment", "resident", "id")
    for dataset in DATASETS:
        columns = [c.name for c in dataset.columns]
        assert not [c for c in columns if c in personal or c.endswith("_id") or "name" in c or "phone" in c], columns
    for name in ("participation-activities", "participation-ratings"):
        assert "13800001111" not in repr(_rows(name)) and "私人评论" not in repr(_rows(name))


def test_the_datasets_are_served(client):
    answer = client.get("/api/opendata/datasets/participation-ratings", params={"format": "json"})
    assert answer.status_code in (200, 404), answer.text
