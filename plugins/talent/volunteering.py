"""The rules a volunteer activity's hours must satisfy before they are written (志愿服务记录
must be true, 《志愿服务条例》 and 民政部令第67号):

- only the team's members, each at most once per activity, and only from the day they joined;
- at most 24 hours per person per day, summed over every activity of every team that day;
- the activity's community is a registered community of the district; its day is not in the future.

`check_activity` runs inside the write transaction that inserts the hours, so the day's sum
cannot be overtaken by a concurrent write (SQLite serialises writers; on PostgreSQL the
people's rows are locked first).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from core import db
from core.errors import invalid
from core.tables import Community, Person
from plugins.talent.tables import VolunteerHours, VolunteerMember

MAX_DAY_HOURS = 24


async def check_activity(code: str, team_id: int, day: date, community_code: str | None,
                         hours: list[tuple[int, float]]) -> None:
    """422 naming every field that breaks a rule; `hours` is [(person_id, hours)] in request order."""
    errors: list[tuple[str, str]] = []
    if day > date.today():
        errors.append(("day", "活动日期不能晚于今天"))
    if community_code and not await Community.exists().where(
            (Community.code == community_code) & (Community.district_code == code)):
        errors.append(("community_code", "活动社区不在本区县的社区登记中"))
    if len({person for person, _ in hours}) != len(hours):
        errors.append(("hours", "同一志愿者不能重复登记"))
    joined = {m["person_id"]: m["joined_on"] for m in await VolunteerMember.select(
        VolunteerMember.person_id, VolunteerMember.joined_on).where(VolunteerMember.team == team_id)}
    people = sorted({person for person, _ in hours})
    if people:
        await db.locked(Person.select(Person.id).where(Person.id.is_in(people)))
    done: dict[int, float] = defaultdict(float)
    for row in await VolunteerHours.select(VolunteerHours.person_id, VolunteerHours.hours).where(
            (VolunteerHours.activity.day == day) & VolunteerHours.person_id.is_in(people or [0])):
        done[row["person_id"]] += row["hours"]
    for i, (person, amount) in enumerate(hours):
        if person not in joined:
            errors.append((f"hours[{i}].person_id", "不是本队伍成员"))
        elif day < joined[person]:
            errors.append((f"hours[{i}].person_id",
                           f"志愿者于{joined[person]}入队，不能登记入队前（{day}）的服务时长"))
        elif done[person] + amount > MAX_DAY_HOURS:
            errors.append((f"hours[{i}].hours",
                           f"每人每天志愿服务不超过{MAX_DAY_HOURS}小时：该志愿者{day}已登记{done[person]:g}小时，"
                           f"本次{amount:g}小时，合计{done[person] + amount:g}小时"))
    if errors:
        raise invalid(errors)
