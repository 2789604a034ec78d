"""The things plugins contribute through `register_*` hooks.

Plain frozen dataclasses so a plugin can build them without touching core
internals; core collects them into a `Contributions` object at start-up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.profiles_contrib import PROFILE_KINDS, ProfileSection  # noqa: F401  (re-exported)

SCOPES = ("platform", "city", "district", "organization", "self", "resident", "public")


@dataclass(frozen=True)
class Permission:
    """A named capability, e.g. `registry.person.reveal`."""

    name: str
    description: str
    roles: tuple[str, ...] = ()
    """Roles that hold this permission by default (in addition to the roles' own lists)."""


@dataclass(frozen=True)
class Role:
    """A role is data: a name, a scope kind and the permissions it carries.

    scope: platform (everything), city (districts of one city), district,
    organization (one organisation's staff), self (a worker's own records),
    resident (a resident of a district), public (anonymous).
    """

    name: str
    label: str
    label_en: str
    scope: str
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingSpec:
    """One typed module setting with its default, validated when a district enables the module."""

    name: str
    type: type
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    description_en: str = ""
    """The English label (the settings page shows `description` in Chinese)."""
    help: str = ""
    """A sentence under the field on the settings page: what the value changes (zh-CN)."""
    help_en: str = ""


@dataclass(frozen=True)
class ModuleSpec:
    """A module a district can enable (a plugin usually provides one)."""

    name: str
    label: str
    label_en: str
    description: str = ""
    settings: tuple[SettingSpec, ...] = ()
    description_en: str = ""


@dataclass(frozen=True)
class NavItem:
    """A link in a district's navigation; `path` may contain `{code}`. A path with `{city}` is a
    link of the city view instead (core.web.city), shown where the module is on in the city."""

    module: str
    label: str
    label_en: str
    path: str
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class DashboardWidget:
    """A figure on the district home: `value(district_code)` returns a number or text."""

    module: str
    name: str
    label: str
    label_en: str
    value: Callable[[str], Any]


@dataclass(frozen=True)
class WorkbenchItem:
    """One card on a user's workbench (工作台): what waits for them, how many, and where to do it.

    `tone` is a status-tag tone (core/web/tones.py): `wait` (to do), `bad` (overdue or wrong),
    `ok` (fine), `done` (nothing pending); `path` is a page the principal may open."""

    label: str
    label_en: str
    count: int
    path: str
    tone: str = "wait"
    hint: str = ""
    hint_en: str = ""
    order: int = 100
    name: str = ""
    """A stable identifier (e.g. `talent.logs_to_file`), used by tests and page anchors."""
    tally: bool = True
    """Whether `count` counts things to do (records, applications), so it adds to the page's
    "共有 N 项待办"; False for a measure such as hours still short."""


@dataclass(frozen=True)
class WorkbenchProvider:
    """To-do cards of a module: `items(ctx, district_code, principal)` (awaitable; ctx is the
    AppContext) returns the WorkbenchItems the principal may open there, checking permissions as
    the linked pages do; core calls it only where `module` is enabled."""

    module: str
    items: Callable[[Any, str, Any], Awaitable[list[WorkbenchItem]]]


@dataclass(frozen=True)
class DatasetColumn:
    name: str
    title: str
    type: str = "string"


@dataclass(frozen=True)
class Dataset:
    """An open dataset: only `columns` ever leave; `rows(districts)` yields dicts.

    `count(districts)` and `updated(districts)` (awaitables: row count and the
    newest change as a datetime, or None) feed the portal's catalogue; when a
    plugin gives none, the portal counts rows and shows no update time.
    """

    module: str
    name: str
    title: str
    description: str
    columns: tuple[DatasetColumn, ...]
    rows: Callable[[list[str]], AsyncIterator[dict]]
    licence: str = "CC-BY-4.0"
    count: Callable[[list[str]], Awaitable[int]] | None = None
    updated: Callable[[list[str]], Awaitable[Any]] | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataService:
    """An open-data API, listed in the DCAT catalogue (`dcat:DataService`) where its module is enabled.

    `path` is the endpoint below the site root (e.g. `/opendata/hsds/`); `endpoint_description`
    its machine-readable description (an OpenAPI document), a path below the site root or an
    absolute URL; `conforms_to` the IRI of the standard it implements (empty when none);
    `serves` the names of open Datasets whose data it also serves.
    """

    module: str
    name: str
    title: str
    description: str
    path: str
    endpoint_description: str
    conforms_to: str = ""
    serves: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    licence: str = "CC-BY-4.0"


@dataclass(frozen=True)
class SearchDocuments:
    """A source of search documents for one index.

    `spec` is a search_index.IndexSpec. `documents(ids)` yields the current
    documents for those ids (all documents when ids is None); an id it does not
    yield is removed from the index (deleted or no longer public).
    """

    module: str
    spec: Any
    documents: Callable[[list[str] | None], AsyncIterator[dict]] | None = None

    @property
    def index(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class SupervisionRule:
    """A check supervisors run over a district's records.

    `check(district_code, today, settings)` (settings: the module's effective
    settings for the district) yields flags as dicts with keys: `key` (stable:
    the same condition gives the same key, so it is never flagged twice),
    `record_type`, `record_id`, `subject` (e.g. a worker id), `organization_id`
    (or None), `severity` (high | medium | low) and `message` (plain Chinese); optionally
    `person_id` (the registry person the flag is about: it shows on their profile to supervisors).
    """

    module: str
    name: str
    title: str
    severity: str
    check: Callable[..., AsyncIterator[dict]] | None = None


@dataclass(frozen=True)
class AuditableRecords:
    """Records supervisors can sample: `fetch(district_code, start, end)` yields dicts
    with `id`, `day`, `subject` (e.g. a worker id), `person_id` (the registry person the
    record is about, or None: that person may see and answer findings about it),
    `organization_id`, `summary`. `record_type` is the type flags use for these records
    (SupervisionRule flags' `record_type`), so flagged records can be sampled."""

    module: str
    name: str
    title: str
    fetch: Callable[..., AsyncIterator[dict]]
    record_type: str = ""


ORGANIZATION_FACTS = {
    "certified_workers": (int, "talent: social workers the organisation employs, status 在岗, holding a "
                               "qualification other than 无"),
    "incubation_graduate": (bool, "incubation: the organisation graduated (出壳) from one of the district's "
                                  "incubation bases"),
}
"""The keys an `organization_facts` hook answers with, their types and which module knows them."""

REGISTRY_KINDS = ("community", "organization", "person")
"""The kinds of shared registry record other records may refer to."""


@dataclass(frozen=True)
class Referrer:
    """Records of a module that refer to shared registry records of one `kind`
    (community | organization | person), so such a record is never deleted under them.

    `count(district_code, key)` (awaitable) answers how many of the module's records refer
    to the registry record `key` (a community's 12-digit code, an organisation's or a
    person's id) of that district, whether or not the module is enabled there; `label`
    names those records in Chinese, e.g. "社工人才库中的社会工作者".
    """

    module: str
    kind: str
    label: str
    count: Callable[[str, Any], Awaitable[int]]


@dataclass(frozen=True)
class Command:
    """A `sanshe` sub-command: `configure(parser)` adds arguments, `run(args)` returns an exit code."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any], int | None]


@dataclass(frozen=True)
class AuditWords:
    """How a module's audit events read on the audit trail (hook `register_audit_words`), in
    Chinese: its record kinds (`entities`: entity → words), `actions` (an action, or
    "<entity>.<action>" where the same verb means something else for that kind), payload
    `fields`, and stored `values` (e.g. state names; "<entity>.<value>" where a value reads
    differently for that kind of record, as "open" does for a finding and for an evaluation). Two
    modules may not give one entity, action or field different words (core refuses to start); for
    unqualified values the first module's word wins, so qualify the values other modules may share."""

    module: str
    entities: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceOffer:
    """A service a module's record runs, offered to the catalogue (hook `offer_services`):
    provided by the registry organisation `organization_id`, in a service `field`, for
    `target_groups` (core.glossary.TARGET_GROUPS), in `communities` (12-digit codes)."""

    name: str
    organization_id: int
    field: str
    description: str = ""
    communities: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()


INDICATOR_DIRECTIONS = ("at_least", "at_most")


@dataclass(frozen=True)
class Indicator:
    """A figure of the two-level governance dashboard (hook `register_indicators`), e.g.
    城市社区平均社区社会组织数. `module` is the contributing module ("core" for core's own: always on);
    `name` is stable (`registry.urban_community_orgs`): a district file's `[indicator_targets]`
    overrides `target` under that name. `definition` says in words (zh) what is counted, `unit`
    how it reads ("个/社区", "%", "人/万人"), `source` which records it comes from (zh), `target` the
    default policy target (None: none), `target_basis` the policy that sets it ("民发〔2017〕191号"),
    `direction` whether the value should be `at_least` or `at_most` the target.

    `compute(ctx, district_code, at)` (awaitable; ctx is the AppContext) returns
    `{"numerator": float, "denominator": float}` from the district's records as they stood on the
    date `at`; the value is numerator / denominator × `scale` (100 for a percentage), None when the
    denominator is 0, rounded to `digits`. Because every indicator is a ratio, a city total is
    Σnumerators / Σdenominators × scale over the districts where it is enabled — weighted by
    population by construction where the denominator is population. Core calls `compute` only
    where the module is enabled; elsewhere the indicator reads "未启用". A plain count (denominator 1,
    e.g. graduations a year) sets `city_total="sum"`: the city's figure is then the districts' sum.
    `records` is the page listing the records behind it, with "{code}" for the district
    ("/districts/{code}/talent/stats"); the dashboard links it."""

    module: str
    name: str
    label: str
    label_en: str
    definition: str
    unit: str
    source: str
    compute: Callable[[Any, str, date], Awaitable[dict]]
    target: float | None = None
    target_basis: str = ""
    direction: str = "at_least"
    scale: float = 1.0
    digits: int = 2
    city_total: str = "ratio"  # ratio: Σnumerators / Σdenominators; sum: Σnumerators (a count)
    records: str = ""


@dataclass
class Contributions:
    """Everything the registered plugins contributed, gathered once at start-up."""

    modules: dict[str, ModuleSpec] = field(default_factory=dict)
    permissions: dict[str, Permission] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    role_permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)
    nav_items: list[NavItem] = field(default_factory=list)
    widgets: list[DashboardWidget] = field(default_factory=list)
    workbench: list[WorkbenchProvider] = field(default_factory=list)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    data_services: dict[str, DataService] = field(default_factory=dict)
    search_documents: list[SearchDocuments] = field(default_factory=list)
    supervision_rules: list[SupervisionRule] = field(default_factory=list)
    auditable_records: list[AuditableRecords] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    referrers: list[Referrer] = field(default_factory=list)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    """Every indicator by name, core's first, then in plugin registration order."""
    profile_sections: list[ProfileSection] = field(default_factory=list)
    """Every profile section, by (order, module)."""
    audit_words: AuditWords = field(default_factory=lambda: AuditWords("*"))
    """Every module's audit words, merged."""
    template_dirs: list[Any] = field(default_factory=list)
    static_dirs: list[tuple[str, Any]] = field(default_factory=list)
    """(plugin name, folder) pairs served at /static/<plugin name>/."""
