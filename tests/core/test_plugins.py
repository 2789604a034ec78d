"""The plugin contract, proved with tests/example_plugin (which touches no core
file): a table and migration, routes, a permission and a role, a dataset, nav,
a widget, a search source, a supervision rule, lifecycle calls and events.
Every hookspec has a `test_hook_<name>` here (checked by a meta-test)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import hookspecs
from core.context import build_context
from core.modules import enabled_modules
from core.settings import load_settings
from core.tables import AuditEvent, DistrictModule
from tests.conftest import OTHER, OWN, bearer, login, run
from tests.example_plugin import CALLS

HOOK_NAMES = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "sanshe_spec"))


def test_every_hookspec_has_a_test_and_a_docstring():
    tests = Path(__file__).parent.parent.rglob("test_*.py")
    source = "\n".join(p.read_text(encoding="utf-8") for p in tests)
    assert len(HOOK_NAMES) >= 15
    missing = [name for name in HOOK_NAMES if f"def test_hook_{name}(" not in source]
    assert missing == []
    assert all((getattr(hookspecs, name).__doc__ or "").strip() for name in HOOK_NAMES)


def sanshe(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def example_enabled(client, tokens):
    """Enable the example module in OWN only, and put things back afterwards."""
    admin = bearer(tokens["district_admin"])
    platform = bearer(tokens["platform_admin"])
    assert client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": True, "settings": {"max_notes": 10}},
                      headers=admin).status_code == 200
    client.put(f"/api/districts/{OTHER}/modules/example", json={"enabled": False}, headers=platform)
    yield admin
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": False}, headers=admin)


def test_hook_register_modules(ctx):
    spec = ctx.contributions.modules["example"]
    assert spec.label == "示例模块" and [s.name for s in spec.settings] == ["greeting", "max_notes"]


def test_hook_register_piccolo_apps(example_enabled, client):
    # The table exists because its migration ran with core's.
    created = client.post(f"/api/districts/{OWN}/example/notes", json={"text": "第一条"}, headers=example_enabled)
    assert created.status_code == 201, created.text
    listed = client.get(f"/api/districts/{OWN}/example/notes", headers=example_enabled).json()
    assert "第一条" in [n["text"] for n in listed]


def test_hook_register_routes(app, example_enabled, client):
    paths = {route.path for route in app.routes}
    assert "/api/districts/{code:str}/example/notes" in paths
    page = client.get(f"/districts/{OWN}/example")
    assert page.status_code == 200 and "你好" in page.text


def test_hook_register_permissions(ctx, example_enabled, client, tokens):
    assert "example.note.write" in ctx.contributions.permissions
    assert "example.note.write" in ctx.contributions.role_permissions["district_admin"]
    refused = client.post(f"/api/districts/{OWN}/example/notes", json={"text": "x"}, headers=bearer(tokens["resident"]))
    assert refused.status_code == 403


def test_hook_register_roles(ctx, example_enabled, client):
    from core.identity import ensure_user

    assert ctx.contributions.roles["example_editor"].scope == "district"
    run(ensure_user("example-editor", "editor-pass-1", [{"role": "example_editor", "district_code": OWN}],
                    fast_hash=True))
    login(client, "example-editor", "editor-pass-1")
    assert client.post(f"/api/districts/{OWN}/example/notes", json={"text": "编辑写的"}).status_code == 201
    # The role is district-scoped: not in the other district, and no core permission came with it.
    assert client.get(f"/api/districts/{OWN}/persons").status_code == 403


def test_hook_register_nav_items(example_enabled, client, tokens):
    login(client, f"{OWN}-admin")
    assert "示例便签" in client.get(f"/districts/{OWN}").text
    assert "示例便签" not in client.get(f"/districts/{OTHER}").text  # not enabled there


def test_hook_register_dashboard_widgets(example_enabled, client):
    client.post(f"/api/districts/{OWN}/example/notes", json={"text": "计数"}, headers=example_enabled)
    count = len(client.get(f"/api/districts/{OWN}/example/notes", headers=example_enabled).json())
    page = client.get(f"/districts/{OWN}").text
    assert "示例便签数" in page and f'<div class="value">{count}</div>' in page


def test_hook_register_workbench_items(ctx, client, tokens):
    from core.contrib import WorkbenchItem
    from core.web.workbench import collect

    assert {p.module for p in ctx.contributions.workbench} >= {"talent", "supervision", "incubation", "catalogue"}
    platform = run(principal_for(ctx, "admin"))
    own = {s.module: s.items for s in run(collect(ctx, OWN, platform))}
    other = {s.module for s in run(collect(ctx, OTHER, platform))}
    assert "supervision" in own and "supervision" not in other  # only modules the district enabled contribute
    assert all(isinstance(i, WorkbenchItem) and i.path.startswith("/") and i.count >= 0
               for items in own.values() for i in items)
    resident = {i.name for s in run(collect(ctx, OWN, run(principal_for(ctx, f"{OWN}-resident")))) for i in s.items}
    assert "catalogue.near_me" in resident and "supervision.flags" not in resident  # only what they may open
    page = client.get(f"/districts/{OWN}/workbench", headers=bearer(tokens["supervisor"]))
    assert page.status_code == 200 and 'data-testid="todo-supervision.to_judge"' in page.text


async def principal_for(ctx, username: str):
    from core.auth import principal_for_user
    from core.tables import User

    return await principal_for_user(ctx, await User.select().where(User.username == username).first())


def test_hook_register_datasets(example_enabled, client):
    client.post(f"/api/districts/{OWN}/example/notes", json={"text": "公开内容", "author_phone": "13955556666"},
                headers=example_enabled)
    listed = {d["name"]: d for d in client.get("/api/opendata/datasets").json()}
    assert listed["example-notes"]["districts"] == [OWN]
    download = client.get("/api/opendata/datasets/example-notes?format=csv")
    assert download.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "区县代码", "内容"]
    assert any(r[2] == "公开内容" for r in rows[1:])
    as_json = client.get("/api/opendata/datasets/example-notes?format=json").json()
    assert all(set(r) == {"id", "district_code", "text"} for r in as_json)
    assert "13955556666" not in download.text and "13955556666" not in str(as_json)


def test_hook_register_search_documents(ctx):
    sources = [s for s in ctx.contributions.search_documents if s.module == "example"]
    assert [(s.index, s.spec.searchable) for s in sources] == [("example_notes", ("text",))]


def test_hook_register_supervision_rules(ctx):
    assert [r.name for r in ctx.contributions.supervision_rules if r.module == "example"] == ["example.empty_note"]


def test_hook_register_auditable_records(ctx):
    sources = [s for s in ctx.contributions.auditable_records if s.module == "example"]
    assert [s.name for s in sources] == ["example.notes"]


def test_hook_register_commands():
    result = sanshe("example-hello", "--name", "武陵")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "你好，武陵"
    assert "example-hello" in sanshe("--help").stdout


def test_hook_register_template_dirs(ctx):
    assert any((Path(d) / "example" / "notes.html").is_file() for d in ctx.contributions.template_dirs)


def test_hook_startup(client):
    assert ("startup", True) in CALLS


def test_hook_shutdown(app):
    from litestar.testing import TestClient

    with TestClient(app=app):
        pass
    assert ("shutdown", True) in CALLS


def test_hook_load_demo(ctx):
    assert ("load_demo", OWN) in CALLS and ("load_demo", OTHER) in CALLS


def test_hook_module_enabled(example_enabled):
    assert ("module_enabled", OWN, "example", f"{OWN}-admin") in CALLS


def test_hook_module_disabled(client, tokens):
    admin = bearer(tokens["district_admin"])
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": True}, headers=admin)
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": False}, headers=admin)
    assert ("module_disabled", OWN, "example", f"{OWN}-admin") in CALLS


def test_hook_user_logged_in(client):
    login(client, f"{OWN}-resident")
    assert ("user_logged_in", f"{OWN}-resident") in CALLS


def test_a_disabled_module_answers_404_naming_module_and_district(client, tokens):
    admin = bearer(tokens["district_admin"])
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": False}, headers=admin)
    response = client.get(f"/api/districts/{OWN}/example/notes", headers=admin)
    assert response.status_code == 404
    assert response.json()["code"] == "module_not_enabled"
    assert "武陵区" in response.json()["detail"] and "example" in response.json()["detail"]


def test_switching_a_module_is_audited_and_survives_restart(example_enabled, client):
    event = run(AuditEvent.select().where(
        (AuditEvent.entity == "district_module") & (AuditEvent.district_code == OWN)).order_by(
        AuditEvent.seq, ascending=False).first())
    assert (event["action"], event["entity_id"], event["district_code"]) == ("enable_module", "example", OWN)
    fresh = build_context(load_settings())  # a new process would build exactly this
    assert "example" in run(enabled_modules(fresh, OWN))
    assert "example" not in run(enabled_modules(fresh, OTHER))
    listed = {d["code"]: d for d in client.get("/api/districts").json()}
    assert "example" in [m["name"] for m in listed[OWN]["modules"]]
    assert "example" not in [m["name"] for m in listed[OTHER]["modules"]]
    assert run(DistrictModule.exists().where((DistrictModule.district_code == OWN) & (DistrictModule.enabled == True)))  # noqa: E712


def test_module_settings_are_validated_when_enabling(client, tokens):
    admin = bearer(tokens["district_admin"])
    before = run(AuditEvent.count())
    bad = client.put(f"/api/districts/{OWN}/modules/example", headers=admin,
                     json={"enabled": True, "settings": {"max_notes": 0, "colour": "red", "greeting": 5}})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"settings.max_notes", "settings.colour", "settings.greeting"}
    assert run(AuditEvent.count()) == before
    unknown = client.put(f"/api/districts/{OWN}/modules/nosuch", json={"enabled": True}, headers=admin)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_module"


def test_module_settings_limit_behaviour(example_enabled, client):
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": True, "settings": {"max_notes": 1}},
               headers=example_enabled)
    for _ in range(2):
        last = client.post(f"/api/districts/{OWN}/example/notes", json={"text": "满"}, headers=example_enabled)
    assert last.status_code == 409 and last.json()["code"] == "limit_reached"


def test_sanshe_plugins_lists_plugins_and_enabling_districts(example_enabled):
    result = sanshe("plugins")
    assert result.returncode == 0, result.stderr
    assert "tests.example_plugin" in result.stdout
    line = next(l for l in result.stdout.splitlines() if l.strip().startswith("example"))
    assert OWN in line and OTHER not in line


def test_trace_hooks_logs_every_hook_call():
    result = sanshe("plugins", SANSHE_TRACE_HOOKS="1")
    assert result.returncode == 0
    for hook in ("register_modules", "register_routes", "register_permissions"):
        assert f"hook:   {hook} [hook]" in result.stderr
        assert f"hook:   finish {hook} -->" in result.stderr


def test_third_party_plugins_load_through_the_entry_point_group(tmp_path):
    package = tmp_path / "sanshe_thirdparty_demo"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from core import hookimpl\nfrom core.contrib import ModuleSpec\n\n"
        "@hookimpl\ndef register_modules():\n    return [ModuleSpec('thirdparty', '第三方', 'Third party')]\n",
        encoding="utf-8")
    dist = tmp_path / "sanshe_thirdparty_demo-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sanshe-thirdparty-demo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[sanshe.plugins]\ndemo = sanshe_thirdparty_demo\n")
    result = sanshe("plugins", PYTHONPATH=f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    assert result.returncode == 0, result.stderr
    assert "thirdparty" in result.stdout and "第三方" in result.stdout


def test_hook_register_data_services(ctx, example_enabled, client):
    assert ctx.contributions.data_services["example-notes-api"].module == "example"
    catalog = client.get("/opendata/catalog.jsonld").json()
    service = next(s for s in catalog["dcat:service"] if s["dct:identifier"] == "example-notes-api")
    assert service["@type"] == "dcat:DataService" and service["dct:title"] == "示例便签接口"
    assert service["dcat:endpointURL"] == catalog["@id"].replace("/opendata/catalog.jsonld",
                                                                 "/api/opendata/datasets/example-notes")
    assert service["dcat:servesDataset"] == [
        d["@id"] for d in catalog["dcat:dataset"] if d["dct:identifier"] == "example-notes"]
    publisher = next(node for node in catalog["@included"] if node["@id"] == service["dct:publisher"])
    assert publisher["foaf:name"] == "常德市武陵区民政局"  # the module is enabled in OWN only
    client.put(f"/api/districts/{OWN}/modules/example", json={"enabled": False}, headers=example_enabled)
    listed = client.get("/opendata/catalog.jsonld").json()["dcat:service"]
    assert "example-notes-api" not in [s["dct:identifier"] for s in listed]


def test_hook_register_indicators(ctx, example_enabled, client):
    assert ctx.contributions.indicators["example.notes_per_10k"].module == "example"
    assert list(ctx.contributions.indicators)[0].startswith("registry.")  # core's own come first
    assert client.post(f"/api/districts/{OWN}/example/notes", json={"text": "指标"}, headers=example_enabled).status_code == 201
    own = client.get(f"/api/districts/{OWN}/indicators").json()["indicators"]
    mine = next(i for i in own if i["name"] == "example.notes_per_10k")
    assert mine["enabled"] and mine["numerator"] >= 1 and mine["denominator"] == 60.0
    assert mine["value"] == round(mine["numerator"] / 60, 2) and mine["module_label"] == "示例模块"
    other = client.get(f"/api/districts/{OTHER}/indicators").json()["indicators"]
    off = next(i for i in other if i["name"] == "example.notes_per_10k")
    assert (off["enabled"], off["value"], off["status_label"]) == (False, None, "未启用")
    city = client.get("/api/cities/430700/indicators").json()
    total = next(i for i in city["total"] if i["name"] == "example.notes_per_10k")
    assert total["numerator"] == mine["numerator"] and total["denominator"] == 60.0  # OTHER left out


async def _no_section(ctx, district_code, key, principal):
    return None


def test_hook_register_profile_sections(ctx, example_enabled, client, as_role):
    from core.contrib import ProfileSection
    from core.plugins import _profile_sections
    from core.settings import SettingsError

    sections = {s.name: s for s in ctx.contributions.profile_sections}
    assert sections["example.notes"].access == "example.note.read"
    assert ctx.contributions.profile_sections[0].module == "core"
    code = client.get(f"/api/districts/{OWN}/communities").json()
    community = next(c["code"] for c in (code["items"] if isinstance(code, dict) else code) if c["kind"] == "community")
    url = f"/api/districts/{OWN}/communities/{community}/profile"
    public = [s["name"] for s in client.get(url).json()["sections"]]
    assert "example.notes" not in public  # a permission section is left out for the public
    staff = client.get(url, headers=as_role("supervisor")).json()["sections"]
    mine = next(s for s in staff if s["name"] == "example.notes")
    assert mine["data"]["facts"][0][0] == "示例便签" and mine["data"]["items"][0]["title"] == f"社区 {community} 的便签"
    bad = ProfileSection("example", "planet", "x.y", "x", "x", _no_section)
    with pytest.raises(SettingsError):
        _profile_sections(ctx.contributions, [bad])
    with pytest.raises(SettingsError):
        _profile_sections(ctx.contributions, [ProfileSection("example", "community", "x.y", "x", "x", bad.build,
                                                             access="no.such.permission")])


def test_hook_register_referrers(ctx):
    from core.contrib import REGISTRY_KINDS, Referrer
    from core.hookspecs import hookimpl
    from core.plugins import build_plugin_manager, collect
    from core.settings import SettingsError

    found = {(r.module, r.kind) for r in ctx.contributions.referrers}
    assert {("talent", "person"), ("talent", "organization"), ("talent", "community"),
            ("catalogue", "organization"), ("catalogue", "community"), ("incubation", "organization"),
            ("incubation", "community"), ("supervision", "person"), ("supervision", "organization")} <= found
    assert {kind for _, kind in found} <= set(REGISTRY_KINDS)
    workers = next(r for r in ctx.contributions.referrers if r.label == "社工人才库中的社会工作者")
    assert run(workers.count(OWN, 0)) == 0  # no person has id 0

    class StrayReferrer:
        @hookimpl
        def register_referrers(self):
            return [Referrer("stray", "street", "街道里的东西", workers.count)]

    pm = build_plugin_manager(load_settings())
    pm.register(StrayReferrer())
    with pytest.raises(SettingsError, match="unknown kind 'street'"):
        collect(pm)


def test_hook_register_static_dirs(ctx, client):
    # The installed plugins' page scripts (the CSP forbids inline script) are served below /static.
    folders = dict(ctx.contributions.static_dirs)
    assert {"catalogue", "incubation", "supervision"} <= folders.keys()
    assert (Path(folders["catalogue"]) / "search.js").is_file()
    response = client.get("/static/catalogue/search.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert response.text == (Path(folders["catalogue"]) / "search.js").read_text(encoding="utf-8")
    assert client.get("/static/catalogue/no-such.js").status_code == 404
    assert client.get("/static/app.js").status_code == 200  # core's own files are still there


def test_static_dir_names_must_be_url_segments_and_unique():
    import pluggy

    from core.hookspecs import PROJECT, hookimpl
    from core.plugins import collect
    from core.settings import SettingsError

    for pairs in ([("notes", "a"), ("notes", "b")], [("../up", "a")], [("Notes", "a")]):
        class Plugin:
            @hookimpl
            def register_static_dirs(self, pairs=pairs):
                return pairs

        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(hookspecs)
        pm.register(Plugin())
        with pytest.raises(SettingsError, match="static folder name"):
            collect(pm)


def test_hook_register_audit_words(ctx, example_enabled, client):
    from core.contrib import AuditWords
    from core.plugins import _merge_words
    from core.settings import SettingsError
    from plugins.supervision import trail_words

    created = client.post(f"/api/districts/{OWN}/example/notes", json={"text": "审计用语"}, headers=example_enabled)
    assert created.status_code == 201
    event = run(AuditEvent.select().where((AuditEvent.entity == "example_note")
                                          & (AuditEvent.entity_id == str(created.json()["id"]))).first())
    from core import audit

    [described] = run(trail_words.describe(ctx, [audit.public_event(event)]))
    assert (described["action_label"], described["entity_label"]) == ("写下", "示例便签")
    assert {"field": "便签内容", "old": "", "new": "审计用语"} in described["changes"]
    assert ctx.contributions.audit_words.entities["person"] == "人员"  # core's own words are there too
    with pytest.raises(SettingsError, match="'example' calls the entities key 'person'"):
        _merge_words([AuditWords("core", entities={"person": "人员"}), AuditWords("example", entities={"person": "人"})])
    # A value qualified by its kind of record reads so for that kind only (first-wins is for the rest).
    words = trail_words.Words(_merge_words([AuditWords("supervision", values={"open": "待回复"}),
                                            AuditWords("procurement", values={"procurement_evaluation.open": "进行中"})]))
    assert words.value("state", "open", "procurement_evaluation") == "进行中"
    assert words.value("state", "open", "supervision_item") == "待回复"
    assert words.changes({"state": "open"}, {"state": "closed"}, entity="procurement_evaluation")[0]["old"] == "进行中"
    described = run(trail_words.describe(ctx, [{**audit.public_event(event), "entity": "procurement_project",
                                                "before": {"stage": "planning"}, "after": {"stage": "closed"}}]))
    assert {"field": "阶段", "old": "计划中", "new": "已结项"} in described[0]["changes"]
