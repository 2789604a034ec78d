"""Build the catalogue document from the portal's entries and the published data services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from core.context import AppContext
from core.contrib import DataService
from core.districts import DistrictConfig
from core.opendata.catalogue import districts_by_module
from core.opendata.dcat import _nodes as n
from core.opendata.dcat._vocab import (
    CHINESE_LANGUAGE, CONTEXT, FILE_TYPES, LICENCE_TYPES, LOCAL_AUTHORITY, SOCIETY, STABLE, THEME_SCHEME,
    licence_url, media_type_iri,
)
from core.opendata.formats import FORMATS

CATALOG_TITLE = "三社联动开放数据"
CATALOG_DESCRIPTION = "区县民政部门依法公开的社区、社会组织和社会工作相关数据；个人信息不公开。"
# The catalogue's own text is the bureaus' work, offered on the datasets' default terms.
CATALOG_LICENCE = "CC-BY-4.0"
BUREAU = "民政局"


@dataclass(frozen=True)
class PublishedService:
    """A data service and the districts (codes, installation order) whose module offers it."""

    service: DataService
    districts: list[str]


async def published_services(ctx: AppContext) -> list[PublishedService]:
    """Every data service whose module at least one district enables."""
    enabling = await districts_by_module(ctx)
    return [PublishedService(service, enabling[service.module])
            for service in ctx.contributions.data_services.values() if service.module in enabling]


class _Graph:
    """Collects the resources the catalogue refers to, each described once in `@included`."""

    def __init__(self, ctx: AppContext, base: str) -> None:
        self.ctx, self.base, self.doc = ctx, base, f"{base}/opendata/catalog.jsonld"
        self.included: dict[str, n.Included] = {}

    def add(self, resource: n.Included) -> str:
        self.included.setdefault(resource.id, resource)
        return resource.id

    def licence(self, licence: str) -> str:
        url = licence_url(licence)
        types = LICENCE_TYPES.get(url, ())
        for concept in types:
            self.add(concept)
        return self.add(n.DcatLicenceDocument(url, [c.id for c in types]))

    def theme(self) -> list[str]:
        self.add(THEME_SCHEME)
        return [self.add(SOCIETY)]

    def publisher(self, codes: list[str]) -> str:
        """One agent: the district's bureau, the city's when several districts of one city
        publish, or the cities' bureaus together when the districts span cities."""
        districts = [self.ctx.districts[code] for code in codes]
        cities = dict.fromkeys((d.city_code, d.city_name) for d in districts)
        if len(districts) == 1:
            key, name = districts[0].code, f"{districts[0].city_name}{districts[0].name}{BUREAU}"
        else:
            key, name = "-".join(c for c, _ in cities), "、".join(f"{city}{BUREAU}" for _, city in cities)
        self.add(LOCAL_AUTHORITY)
        return self.add(n.DcatAgent(f"{self.doc}#bureau-{key}", name, LOCAL_AUTHORITY.id))

    def location(self, district: DistrictConfig) -> n.DcatLocation:
        return n.DcatLocation(f"{self.doc}#district-{district.code}", district.code, district.name)

    def dataset_id(self, name: str) -> str:
        return f"{self.doc}#dataset-{quote(name)}"

    def page(self, url: str) -> str:
        return self.add(n.DcatDocument(url))


def _moment(value: str) -> datetime:
    """An ISO date or time as an aware datetime, to find the newest (naive ones are UTC)."""
    moment = datetime.fromisoformat(value)  # a date alone reads as its midnight
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _modified(value: str | None) -> n.DcatTypedLiteral | None:
    if not value:
        return None
    return n.DcatTypedLiteral(value, "xsd:dateTime" if "T" in value else "xsd:date")


def _distributions(g: _Graph, entry: dict[str, Any]) -> list[n.DcatDistribution]:
    out = []
    for fmt, url in entry["downloads"].items():
        label = FORMATS[fmt].label
        file_type = FILE_TYPES.get(fmt)
        out.append(n.DcatDistribution(
            title=f"{entry['title']}（{label}）",
            description=f"“{entry['title']}”全部公开列的 {label} 文件，按请求时的最新数据生成。",
            media_type=g.add(n.DcatMediaType(media_type_iri(FORMATS[fmt].iana))),
            download_url=url, access_url=url, licence=g.licence(entry["licence"]), availability=g.add(STABLE),
            format=g.add(n.DcatFileType(file_type)) if file_type else None,
        ))
    return out


def _keywords(g: _Graph, module_name: str, keywords: tuple[str, ...] | list[str]) -> list[str]:
    """The plugin's keywords and its module's label, which a harvester can group by."""
    out = list(keywords)
    module = g.ctx.contributions.modules.get(module_name)
    if module is not None and module.label not in out:
        out.append(module.label)
    return out


def _dataset(g: _Graph, entry: dict[str, Any]) -> n.DcatDataset:
    """A dataset that cannot be read now (`available` false) is still described, saying so,
    but offers no distribution: its downloads answer 503 until it can be read again."""
    available = entry.get("available", True)
    description = entry["description"] if available else f"{entry['description']}（{entry['unavailable_reason']}）"
    return n.DcatDataset(
        id=g.dataset_id(entry["name"]), identifier=entry["name"], title=entry["title"],
        description=description, licence=g.licence(entry["licence"]),
        publisher=g.publisher(entry["districts"]), landing_page=g.page(f"{g.base}/opendata#{quote(entry['name'])}"),
        keyword=_keywords(g, entry["module"], entry["keywords"]), theme=g.theme(),
        spatial=[g.location(g.ctx.districts[code]) for code in entry["districts"]],
        distribution=_distributions(g, entry) if available else [], modified=_modified(entry["updated"]),
    )


def _absolute(base: str, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{base}{url}"


def _service(g: _Graph, item: PublishedService, published: set[str]) -> n.DcatDataService:
    service = item.service
    return n.DcatDataService(
        id=f"{g.doc}#service-{quote(service.name)}", identifier=service.name, title=service.title,
        description=service.description, endpoint_url=_absolute(g.base, service.path),
        endpoint_description=_absolute(g.base, service.endpoint_description),
        licence=g.licence(service.licence), publisher=g.publisher(item.districts),
        keyword=_keywords(g, service.module, service.keywords),
        theme=g.theme(), conforms_to=g.add(n.DcatStandard(service.conforms_to)) if service.conforms_to else None,
        # only datasets this catalogue describes: a reference to another would point at nothing
        serves_dataset=[g.dataset_id(name) for name in service.serves if name in published],
    )


def catalog(ctx: AppContext, base: str, entries: list[dict[str, Any]],
            services: list[PublishedService]) -> n.DcatCatalog:
    """`entries` are the portal's catalogue items (see routes.catalogue_entries)."""
    g = _Graph(ctx, base)
    datasets = [_dataset(g, entry) for entry in entries]
    published = {entry["name"] for entry in entries}
    data_services = [_service(g, item, published) for item in services]
    newest = max((e["updated"] for e in entries if e["updated"]), key=_moment, default=None)
    return n.DcatCatalog(
        context=CONTEXT, id=g.doc, type="dcat:Catalog", title=CATALOG_TITLE, description=CATALOG_DESCRIPTION,
        language=g.add(n.DcatLinguisticSystem(CHINESE_LANGUAGE)), licence=g.licence(CATALOG_LICENCE),
        publisher=g.publisher(list(ctx.districts)), homepage=g.page(f"{base}/opendata"),
        spatial=[g.location(d) for d in ctx.districts.values()], theme_taxonomy=g.add(THEME_SCHEME),
        dataset=datasets, service=data_services, included=list(g.included.values()), modified=_modified(newest),
    )
