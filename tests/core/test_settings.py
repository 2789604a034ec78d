"""Settings and district files: every shipped file loads; a bad one stops start-up
with one line naming the setting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.context import build_context
from core.districts import load_districts
from core.settings import REPO_CONFIG_DIR, SettingsError, load_settings

KEY = "k" * 40


def env(**extra) -> dict[str, str]:
    base = {"SANSHE_SECRET_KEY": KEY, "SANSHE_DATA_DIR": os.environ["SANSHE_DATA_DIR"]}
    if os.environ.get("DATABASE_URL"):
        base["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return {**base, **extra}


def test_every_shipped_config_file_loads():
    settings = load_settings(env())
    assert settings.search_backend == "embedded"
    districts = load_districts(REPO_CONFIG_DIR / "districts")
    assert set(districts) == {"430702", "430703"}
    assert districts["430702"].population == 600000 and districts["430703"].population == 750000
    assert {d.city_code for d in districts.values()} == {"430700"}


@pytest.mark.parametrize("overrides, named", [
    ({"SANSHE_SECRET_KEY": ""}, "SANSHE_SECRET_KEY"),
    ({"SANSHE_SECRET_KEY": "short"}, "SANSHE_SECRET_KEY"),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    ({"SANSHE_SEARCH_BACKEND": "solr"}, "[search].backend"),
    ({"SANSHE_SEARCH_BACKEND": "meilisearch"}, "MEILISEARCH_URL"),
    ({"SANSHE_TRACE_HOOKS": "maybe"}, "SANSHE_TRACE_HOOKS"),
    ({"SANSHE_CONFIG_DIR": "/nonexistent"}, "SANSHE_CONFIG_DIR"),
])
def test_bad_settings_name_the_setting(overrides, named):
    with pytest.raises(SettingsError) as info:
        load_settings(env(**overrides))
    assert named in str(info.value)
    assert "\n" not in str(info.value)


@pytest.fixture
def config_copy(tmp_path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(REPO_CONFIG_DIR, target)
    return target


def _write_district(config: Path, text: str, code: str = "430702") -> None:
    (config / "districts" / f"{code}.toml").write_text(text, encoding="utf-8")


DISTRICT = """code = "430702"\nname = "武陵区"\ncity_code = "430700"\ncity_name = "常德市"\npopulation = 600000\n"""


def test_district_naming_an_uninstalled_plugin_stops_startup(config_copy):
    _write_district(config_copy, DISTRICT + 'modules = ["talnet"]\n')
    with pytest.raises(SettingsError, match="enables module 'talnet', which is not installed"):
        build_context(load_settings(env(SANSHE_CONFIG_DIR=str(config_copy))))


def test_district_module_settings_are_validated_at_startup(config_copy):
    _write_district(config_copy, DISTRICT + 'modules = ["example"]\n[module_settings.example]\nmax_notes = 0\n')
    with pytest.raises(SettingsError, match=r"module_settings.example.*max_notes"):
        build_context(load_settings(env(SANSHE_CONFIG_DIR=str(config_copy), SANSHE_EXTRA_PLUGINS="tests.example_plugin")))


@pytest.mark.parametrize("text, named", [
    (DISTRICT.replace('"430702"', '"43070"', 1), "code must be a 6-digit"),
    (DISTRICT.replace("600000", "-1"), "population"),
    (DISTRICT.replace('city_code = "430700"', 'city_code = "440300"'), "not inside city"),
    ("code = ", "invalid TOML"),
])
def test_bad_district_files_name_the_problem(config_copy, text, named):
    _write_district(config_copy, text)
    with pytest.raises(SettingsError, match=named):
        load_districts(config_copy / "districts")


def test_unimportable_installed_plugin_stops_startup():
    with pytest.raises(SettingsError, match="cannot import plugin 'plugins.nope'"):
        build_context(load_settings(env(SANSHE_EXTRA_PLUGINS="plugins.nope")))


def test_cli_prints_one_line_and_exits_2_on_a_bad_setting(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "serve"],
        env={**os.environ, "SANSHE_SECRET_KEY": "", "SANSHE_DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sanshe: error: SANSHE_SECRET_KEY is not set (use at least 32 random characters)"
    ]
