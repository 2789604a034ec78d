"""The `services` search index: which fields are searched, filtered and counted,
how a published service becomes a document, and the public query."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio

from core.context import AppContext
from core.modules import enabled_modules
from plugins.catalogue.glossary import FEES
from plugins.catalogue.services import INDEX, provider_names
from plugins.catalogue.tables import Service
from search_index.base import Backend, IndexSpec, SearchQuery

SPEC = IndexSpec(
    name=INDEX,
    searchable=("name", "field", "provider", "targets_text", "description", "address"),
    filterable=("district", "field", "targets", "communities", "fee", "organization_id"),
    facets=("field", "district", "targets", "fee"),
    sortable=("last_verified", "name"),
)
# Public parameter name → index field.
FACET_NAMES = {"field": "field", "district": "district", "target": "targets", "fee": "fee"}
BATCH = 1000
log = logging.getLogger(__name__)


def document(row: dict[str, Any], provider: str) -> dict[str, Any]:
    targets = json.loads(row["target_groups"] or "[]")
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "description": row["description"],
        "field": row["field"],
        "targets": targets,
        "targets_text": " ".join(targets),
        "district": row["district_code"],
        "communities": json.loads(row["communities"] or "[]"),
        "fee": row["fee"],
        "provider": provider,
        "organization_id": str(row["organization_id"]),
        "address": row["address"],
        "opening_hours": row["opening_hours"],
        "contact_phone": row["contact_phone"],
        "last_verified": row["last_verified"].isoformat() if row["last_verified"] else "",
    }


async def documents(ids: list[str] | None) -> AsyncIterator[dict[str, Any]]:
    """Published services as search documents; ids not yielded leave the index."""
    after = 0
    wanted = None if ids is None else [int(i) for i in ids if str(i).isascii() and str(i).isdigit()]
    while True:
        query = Service.select().where(Service.status == "published", Service.id > after)
        if wanted is not None:
            query = query.where(Service.id.is_in(wanted or [0]))
        rows = await query.order_by(Service.id).limit(BATCH)
        if not rows:
            return
        names = await provider_names({r["organization_id"] for r in rows})
        for row in rows:
            yield document(row, names.get(row["organization_id"], ""))
        after = rows[-1]["id"]


async def catalogue_districts(ctx: AppContext) -> list[str]:
    return [code for code in ctx.districts if "catalogue" in await enabled_modules(ctx, code)]


def hit_view(ctx: AppContext, doc: dict[str, Any], highlight: dict[str, str]) -> dict[str, Any]:
    district = ctx.districts.get(doc["district"])
    return {
        "id": int(doc["id"]), "name": doc["name"], "description": doc["description"], "field": doc["field"],
        "targets": doc["targets"], "district": doc["district"], "district_name": district.name if district else "",
        "provider": doc["provider"], "organization_id": int(doc["organization_id"]),
        "communities": doc["communities"], "address": doc["address"], "opening_hours": doc["opening_hours"],
        "contact_phone": doc["contact_phone"], "fee": doc["fee"], "fee_label": FEES.get(doc["fee"], ("",))[0],
        "last_verified": doc["last_verified"] or None, "highlight": highlight,
    }


class AnswerCache:
    """Recent public answers, reused for a few seconds: the same popular queries arrive
    again and again, and the catalogue is already updated within seconds (outbox).

    An answer past its time is served once more while one background search refreshes
    it (stale-while-revalidate): a popular query never waits for its refresh, and the
    answers cached together do not all expire into one burst of searches (their times
    also vary by up to a fifth). Nothing older than twice the time is ever served."""

    def __init__(self, size: int = 2048, clock: Callable[[], float] = time.monotonic):
        self.size = size
        self.clock = clock
        # key -> (fresh until, servable until, answer)
        self._items: OrderedDict[tuple, tuple[float, float, dict[str, Any]]] = OrderedDict()
        self._refreshing: dict[tuple, asyncio.Task] = {}

    async def answer(self, key: tuple, ttl: float, compute: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        now = self.clock()
        item = self._items.get(key)
        if item is not None and now < item[1]:
            self._items.move_to_end(key)
            if now >= item[0] and key not in self._refreshing:
                self._refreshing[key] = asyncio.get_running_loop().create_task(self._refresh(key, ttl, compute))
            return item[2]
        value = await compute()
        self.put(key, ttl, value)
        return value

    async def _refresh(self, key: tuple, ttl: float, compute: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        try:
            self.put(key, ttl, await compute())
        except Exception:
            log.exception("refreshing a cached search answer failed; the next request searches again")
            self._items.pop(key, None)
        finally:
            self._refreshing.pop(key, None)

    async def settled(self) -> None:
        """Wait for the background refreshes under way."""
        await asyncio.gather(*self._refreshing.values(), return_exceptions=True)

    def put(self, key: tuple, ttl: float, value: dict[str, Any]) -> None:
        now = self.clock()
        self._items[key] = (now + ttl * (0.8 + 0.2 * random.random()), now + 2 * ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


ANSWERS = AnswerCache()


async def search_services(ctx: AppContext, backend: Backend, *, q: str, filters: dict[str, list[str]], page: int,
                          per_page: int) -> dict[str, Any]:
    """Only published services of districts that enable the catalogue are ever found."""
    allowed = await catalogue_districts(ctx)

    def compute() -> Awaitable[dict[str, Any]]:
        return _search(ctx, backend, allowed, q=q, filters=dict(filters), page=page, per_page=per_page)

    ttl = ctx.settings.search_cache_seconds
    if not ttl:
        return await compute()
    key = (q.strip(), tuple(sorted((k, tuple(sorted(v))) for k, v in filters.items())), page, per_page, tuple(allowed))
    return await ANSWERS.answer(key, ttl, compute)


async def _search(ctx: AppContext, backend: Backend, allowed: list[str], *, q: str, filters: dict[str, list[str]],
                  page: int, per_page: int) -> dict[str, Any]:
    wanted = filters.pop("district", None)
    districts = [d for d in (wanted or allowed) if d in allowed]
    result: dict[str, Any] = {"total": 0, "page": page, "per_page": per_page, "q": q, "hits": [],
                              "facets": {name: {} for name in FACET_NAMES}}
    if districts:
        query = SearchQuery(q=q.strip(), filters={"district": districts, **filters},
                            facets=tuple(FACET_NAMES.values()), page=page, per_page=per_page,
                            sort=None if q.strip() else "-last_verified")
        found = await anyio.to_thread.run_sync(backend.search, INDEX, query)
        result["total"] = found.total
        result["hits"] = [hit_view(ctx, h.document, h.highlight) for h in found.hits]
        result["facets"] = {name: found.facets.get(field, {}) for name, field in FACET_NAMES.items()}
    if not result["total"]:
        result["suggestion"] = _suggest(q, filters)
    return result


def _suggest(q: str, filters: dict[str, list[str]]) -> str:
    if filters:
        return "没有找到符合筛选条件的服务，试试减少筛选条件"
    if len(q.strip()) > 4:
        return "没有找到相关服务，试试更短的关键词，如“养老”“心理”“就业”"
    return "没有找到相关服务，试试其他关键词，如“养老”“康复”“法律援助”，或浏览全部服务"
