"""OCDS 1.1.5 release and record packages, read in batches and written chunk by chunk, so a
package of any size streams in constant memory.

- Scope: the projects of the districts that enable the module, optionally one district, one
  ocid, and those with a release on or after `since` (to the second).
- Order: by project id, then the project's releases by their sequence key (ocds_releases.py:
  moment, kind, row id) — stable, so a cursor (`<project id>-<µs>-<kind>-<row id>` for
  releases, `<project id>` for records) resumes a walk exactly after the last item of the
  previous page, whatever was added meanwhile.
- `LOADERS`: async functions `(processes) -> None` that put more data of a batch of projects
  into `Process.extra` (one query per batch, never per project) for later section builders.
- A package is written as its head, the items one by one (buffered to about 64 KiB), and
  `links.next` when there is a next page.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import msgspec

from core.context import AppContext
from core.modules import enabled_modules
from core.tables import Organization
from plugins.procurement import MODULE
from plugins.procurement import ocds_award
from plugins.procurement.delivery_tables import DeliveryMilestone, Payment
from plugins.procurement.ocds import Process, moment
from plugins.procurement.ocds_merge import compile_releases
from plugins.procurement.ocds_releases import releases
from plugins.procurement.tables import PurchaseProject, StageChange

BATCH = 200  # projects per read
CHUNK = 64 * 1024
Loader = Callable[[list[Process]], Awaitable[None]]
LOADERS: list[Loader] = [ocds_award.load]
_COLUMNS = [c for c in PurchaseProject._meta.columns if c._meta.name not in ("created_by", "needs", "communities")]


@dataclass(frozen=True)
class Scope:
    districts: list[str]
    ocid: str | None = None
    since: datetime | None = None  # UTC, whole seconds


def since_second(value: datetime) -> datetime:
    """`since` in UTC to the second (a time without a zone is UTC): releases are dated to the second."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


async def publishing_districts(ctx: AppContext) -> list[str]:
    return [code for code in ctx.districts if MODULE in await enabled_modules(ctx, code)]


def _where(scope: Scope) -> list:
    where = [PurchaseProject.district_code.is_in(scope.districts), PurchaseProject.ocid.is_not_null()]
    if scope.ocid is not None:
        where.append(PurchaseProject.ocid == scope.ocid)
    if scope.since is not None:
        where.append((PurchaseProject.created_at >= scope.since) | PurchaseProject.id.is_in(_later(scope.since)))
    return where


def _later(since: datetime) -> Any:
    """The ids of projects with a stage change, an acceptance or a payment at or after `since`."""
    moved = StageChange.select(StageChange.project).where(StageChange.at >= since)
    accepted = DeliveryMilestone.select(DeliveryMilestone.project).where(
        (DeliveryMilestone.state == "accepted") & (DeliveryMilestone.decided_at >= since))
    paid = Payment.select(Payment.project).where(Payment.recorded_at >= since)
    return PurchaseProject.select(PurchaseProject.id).where(
        PurchaseProject.id.is_in(moved) | PurchaseProject.id.is_in(accepted) | PurchaseProject.id.is_in(paid))


async def last_change(scope: Scope) -> datetime | None:
    """When the newest project in scope last changed, or had a milestone accepted or a payment
    recorded (the package's publishedDate)."""
    row = await PurchaseProject.select(PurchaseProject.updated_at).where(*_where(scope)).order_by(
        PurchaseProject.updated_at, ascending=False).first()
    found = [row["updated_at"]] if row else []
    projects = PurchaseProject.select(PurchaseProject.id).where(*_where(scope))
    for table, column in ((DeliveryMilestone, DeliveryMilestone.decided_at), (Payment, Payment.recorded_at)):
        newest = await table.select(column).where(table.project.is_in(projects) & column.is_not_null()).order_by(
            column, ascending=False).first()
        if newest:
            found.append(newest[column._meta.name])
    return max(found, key=lambda v: v if v.tzinfo else v.replace(tzinfo=timezone.utc)) if found else None


async def _project_batches(scope: Scope, first: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Projects in scope from id `first` on, BATCH at a time."""
    after = first - 1
    while True:
        rows = await PurchaseProject.select(*_COLUMNS).where(*_where(scope), PurchaseProject.id > after).order_by(
            PurchaseProject.id).limit(BATCH)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


async def load_processes(ctx: AppContext, rows: list[dict[str, Any]]) -> list[Process]:
    """A batch of project rows with their stage changes, buyers' credit codes and loaders' data."""
    ids = [r["id"] for r in rows]
    changes: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for change in await StageChange.select(StageChange.id, StageChange.project, StageChange.from_stage,
                                           StageChange.to_stage, StageChange.reason, StageChange.at).where(
            StageChange.project.is_in(ids)).order_by(StageChange.id):
        changes[change["project"]].append(change)
    codes = {(r["district_code"], r["name"]): r["uscc"] for r in await Organization.select(
        Organization.district_code, Organization.name, Organization.uscc).where(
        Organization.name.is_in(sorted({r["buyer"] for r in rows})), Organization.uscc.is_not_null())}
    processes = [Process({**row, "indicators": json.loads(row["indicators"] or "[]")}, changes[row["id"]],
                         ctx.districts[row["district_code"]], codes.get((row["district_code"], row["buyer"])))
                 for row in rows]
    for loader in LOADERS:
        await loader(processes)
    return processes


async def iter_releases(ctx: AppContext, scope: Scope, after: tuple[int, ...] = (0, 0, 0, 0)
                        ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(cursor, release) for every release in scope after the cursor `after` (project id and
    sequence key), in package order."""
    floor = moment(scope.since) if scope.since else ""
    async for rows in _project_batches(scope, after[0]):
        for process in await load_processes(ctx, rows):
            pid = process.project["id"]
            for seq, release in releases(process):
                if (pid, *seq) > after and release["date"] >= floor:
                    yield "-".join(map(str, (pid, *seq))), release


def linked(base: str, release: dict[str, Any]) -> dict[str, Any]:
    return {"url": f"{base}/opendata/ocds/releases?ocid={quote(release['ocid'], safe='')}#{release['id']}",
            "date": release["date"], "tag": release["tag"]}


async def iter_records(ctx: AppContext, scope: Scope, base: str, after: int = 0
                       ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(cursor, record) for every process in scope after project id `after`: its releases linked,
    and its compiled release."""
    async for rows in _project_batches(scope, after + 1):
        for process in await load_processes(ctx, rows):
            found = [release for _, release in releases(process)]
            yield str(process.project["id"]), {"ocid": process.ocid, "releases": [linked(base, r) for r in found],
                                               "compiledRelease": compile_releases(found)}


async def write_package(head: dict[str, Any], key: str, first: tuple[str, dict[str, Any]],
                        rest: AsyncIterator[tuple[str, dict[str, Any]]], limit: int,
                        next_link: Callable[[str], str]) -> AsyncIterator[bytes]:
    """The package as JSON chunks: `head`, then `key`: [first, …rest] up to `limit` items, then
    `links.next` when more remain. The iterator is closed at the end (its database reads stop)."""
    encode = msgspec.json.Encoder().encode
    buffer = bytearray(encode(head)[:-1] + b',"' + key.encode() + b'":[')
    cursor, item = first
    count, more = 0, False
    try:
        while True:
            buffer += (b"," if count else b"") + encode(item)
            count += 1
            if len(buffer) >= CHUNK:
                yield bytes(buffer)
                buffer.clear()
            following = await anext(rest, None)
            if following is None:
                break
            if count >= limit:
                more = True
                break
            cursor, item = following
    finally:
        await rest.aclose()
    buffer += b"]"
    if more:
        buffer += b',"links":' + encode({"next": next_link(cursor)})
    yield bytes(buffer + b"}")
