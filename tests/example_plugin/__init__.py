"""A small plugin that proves the plugin contract without touching core: it adds
a module (`example`), a table with its migration, routes, a permission and a
role, a dataset and a data service, navigation, a widget, a search source, a
supervision rule, an indicator, service users' ratings (`RATINGS`) and residents' needs (`NEEDS`, both set
by tests), and records every lifecycle call and event it receives (tests read `CALLS`)."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.contrib import (
    DashboardWidget,
    Dataset,
    DatasetColumn,
    ModuleSpec,
    NavItem,
    Permission,
    Role,
    SearchDocuments,
    SettingSpec,
    SupervisionRule,
)

CALLS: list[tuple] = []


@hookimpl
def register_modules():
    return [ModuleSpec("example", "示例模块", "Example module", "用于测试插件机制", settings=(
        SettingSpec("greeting", str, "你好", "问候语"),
        SettingSpec("max_notes", int, 10, "每个区县的便签上限", minimum=1, maximum=1000),
    ))]


@hookimpl
def register_piccolo_apps():
    return ["tests.example_plugin.piccolo_app"]


@hookimpl
def register_routes():
    from tests.example_plugin.routes import ROUTES

    return ROUTES


@hookimpl
def register_permissions():
    return [
        Permission("example.note.write", "写示例便签", roles=("district_admin", "platform_admin")),
        Permission("example.note.read", "读示例便签", roles=("district_admin", "platform_admin", "supervisor")),
    ]


@hookimpl
def register_roles():
    return [Role("example_editor", "示例编辑", "Example editor", "district", ("example.note.write", "example.note.read"))]


@hookimpl
def register_nav_items():
    return [NavItem("example", "示例便签", "Example notes", "/api/districts/{code}/example/notes",
                    permission="example.note.read")]


async def _note_count(district_code: str) -> int:
    from tests.example_plugin.tables import Note

    return await Note.count().where(Note.district_code == district_code)


@hookimpl
def register_dashboard_widgets():
    return [DashboardWidget("example", "notes", "示例便签数", "Example notes", _note_count)]


async def _dataset_rows(districts: list[str]):
    from tests.example_plugin.tables import Note

    for row in await Note.select().where(Note.district_code.is_in(districts)).order_by(Note.id):
        yield row  # includes author_phone, which the dataset must never publish


@hookimpl
def register_datasets():
    return [Dataset(
        module="example", name="example-notes", title="示例便签", description="每条便签的文字（不含作者电话）",
        columns=(DatasetColumn("id", "编号", "integer"), DatasetColumn("district_code", "区县代码"),
                 DatasetColumn("text", "内容")),
        rows=_dataset_rows,
    )]


@hookimpl
def register_data_services():
    from core.contrib import DataService

    return [DataService("example", "example-notes-api", "示例便签接口", "逐条下载示例便签的公开列",
                        path="/api/opendata/datasets/example-notes", endpoint_description="/schema/openapi.json",
                        serves=("example-notes",))]


@hookimpl
def register_search_documents():
    from search_index.base import IndexSpec

    spec = IndexSpec("example_notes", searchable=("text",), filterable=("district_code",))
    return [SearchDocuments("example", spec, _search_documents)]


async def _search_documents(ids):
    from tests.example_plugin.tables import Note

    query = Note.select(Note.id, Note.text, Note.district_code)
    if ids is not None:
        query = query.where(Note.id.is_in([int(i) for i in ids] or [0]))
    for row in await query:
        yield {"id": str(row["id"]), "text": row["text"], "district_code": row["district_code"]}


@hookimpl
def register_supervision_rules():
    return [SupervisionRule("example", "example.empty_note", "便签内容为空", "low")]


async def _empty_notes(district_code, start, end):
    from tests.example_plugin.tables import Note

    for row in await Note.select().where((Note.district_code == district_code) & (Note.text == "")):
        yield {"id": row["id"], "day": None, "subject": None, "organization_id": None, "summary": row["text"]}


@hookimpl
def register_auditable_records():
    from core.contrib import AuditableRecords

    return [AuditableRecords("example", "example.notes", "示例便签", _empty_notes)]


def _hello_configure(parser):
    parser.add_argument("--name", default="世界")


def _hello_run(args):
    print(f"你好，{args.name}")
    return 0


@hookimpl
def register_commands():
    from core.contrib import Command

    return [Command("example-hello", "打个招呼（示例插件的命令）", _hello_configure, _hello_run)]


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
async def startup(app):
    CALLS.append(("startup", app is not None))


@hookimpl
async def shutdown(app):
    CALLS.append(("shutdown", app is not None))


@hookimpl
async def load_demo(district):
    CALLS.append(("load_demo", district.code))


@hookimpl
async def module_enabled(district_code, module, actor):
    CALLS.append(("module_enabled", district_code, module, actor))


@hookimpl
async def module_disabled(district_code, module, actor):
    CALLS.append(("module_disabled", district_code, module, actor))


@hookimpl
async def user_logged_in(user_id, username):
    CALLS.append(("user_logged_in", username))


@hookimpl
async def offer_delivery_refs(ctx, district_code, organization_id):
    from core.modules import enabled_modules

    if "example" not in await enabled_modules(ctx, district_code):
        return []
    return [{"ref": f"example:delivery-{organization_id}", "title": "示例服务项目"}]


async def _notes_per_10k(ctx, district_code, at):
    from tests.example_plugin.tables import Note

    notes = await Note.count().where(Note.district_code == district_code)  # notes carry no date: all count
    return {"numerator": notes, "denominator": ctx.districts[district_code].population / 10_000}


@hookimpl
def register_indicators():
    from core.contrib import Indicator

    return [Indicator("example", "example.notes_per_10k", "每万常住人口示例便签数", "Example notes per 10,000 residents",
                      "示例便签条数除以区县常住人口（万人）", "条/万人", "示例模块：便签", _notes_per_10k,
                      target=1, target_basis="示例目标", direction="at_most")]


@hookimpl
def register_audit_words():
    from core.contrib import AuditWords

    return [AuditWords("example", entities={"example_note": "示例便签"},
                       actions={"example_note.create": "写下"}, fields={"text": "便签内容"})]


# Service users' ratings the tests hand the example module ({ref: {"average", "count"}}), as a
# participation module would hold them; answered only where the module is enabled.
RATINGS: dict[str, dict] = {}


@hookimpl
async def rating_averages(ctx, district_code, refs):
    from core.modules import enabled_modules

    if "example" not in await enabled_modules(ctx, district_code):
        return {}
    return {ref: dict(RATINGS[ref]) for ref in refs if ref in RATINGS}


# Residents' needs the tests hand the example module ({district: [need dict as offer_needs
# answers]}), as a participation module would collect them; offered only where it is enabled.
NEEDS: dict[str, list[dict]] = {}


@hookimpl
async def offer_needs(ctx, district_code, refs, field, community):
    from core.modules import enabled_modules

    if "example" not in await enabled_modules(ctx, district_code):
        return None
    held = NEEDS.get(district_code, [])
    if refs is not None:
        return [dict(n) for n in held if n["ref"] in refs]
    return [dict(n) for n in sorted(held, key=lambda n: -n["supporters"]) if n["linkable"]
            and field in (None, n["field"]) and community in (None, n["community"])]


async def _notes_section(ctx, district_code, key, principal):
    from tests.example_plugin.tables import Note

    notes = await Note.count().where(Note.district_code == district_code)
    return {"facts": [["示例便签", f"{notes} 条"]], "items": [{"title": f"社区 {key} 的便签"}]}


@hookimpl
def register_profile_sections():
    from core.contrib import ProfileSection

    return [ProfileSection("example", "community", "example.notes", "示例便签", "Example notes", _notes_section,
                           access="example.note.read", order=90)]
