"""Who still refers to a registry record: core's own references and the modules'
(`register_referrers`), asked inside the delete's write transaction, so a record
others refer to is refused (409) and never deleted out from under them.

Every module is asked, enabled in the district or not: a disabled module's rows still
exist and would dangle. Keys (community codes, organisation and person ids) are unique
across districts, so the counts here go by the key alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from core.contrib import Referrer
from core.errors import ApiError
from core.tables import (
    AnnualInspection,
    Community,
    CreditListing,
    Organization,
    Person,
    RoleGrant,
    SocialWorkStation,
    User,
)


def counting(column: Any, *conditions: Any) -> Callable[[str, Any], Awaitable[int]]:
    """A Referrer `count`: the rows of `column`'s table whose `column` holds the key (and `conditions`)."""
    table = column._meta.table

    async def count(district_code: str, key: Any) -> int:
        where = column == key
        for condition in conditions:
            where &= condition
        return await table.count().where(where)

    return count


CORE_REFERRERS = (
    Referrer("core", "community", "下属社区", counting(Community.parent_code)),
    Referrer("core", "community", "登记在该社区的人员", counting(Person.community_code)),
    Referrer("core", "community", "登记在该社区的社会组织", counting(Organization.community_code)),
    Referrer("core", "community", "该街道的社工站记录", counting(SocialWorkStation.street_code)),
    Referrer("core", "organization", "年检记录", counting(AnnualInspection.organization)),
    Referrer("core", "organization", "信用名单记录", counting(CreditListing.organization)),
    Referrer("core", "organization", "该组织工作人员的角色授权", counting(RoleGrant.organization_id)),
    Referrer("core", "person", "关联该人员的用户账号", counting(User.person_id)),
)


async def referring(kind: str, district_code: str, key: Any,
                    referrers: Iterable[Referrer]) -> list[tuple[Referrer, int]]:
    """Each referrer of `kind` (core's first) with how many of its records refer to `key`; only those with some."""
    found = []
    for referrer in (*CORE_REFERRERS, *referrers):
        if referrer.kind == kind and (n := int(await referrer.count(district_code, key))):
            found.append((referrer, n))
    return found


async def refuse_if_referenced(kind: str, district_code: str, key: Any, referrers: Iterable[Referrer],
                               what: str, hint: str = "") -> None:
    """Raise 409 `still_referenced` naming every referrer and its count, when any record refers to `key`."""
    found = await referring(kind, district_code, key, referrers)
    if found:
        listed = "，".join(f"{referrer.label} {n} 条" for referrer, n in found)
        raise ApiError(409, f"{what}仍被引用：{listed}，不能删除{hint}", "still_referenced",
                       [(referrer.module, f"{referrer.label} {n} 条") for referrer, n in found])
