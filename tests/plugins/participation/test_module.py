"""The participation module: enabled per district, its settings typed and bounded, its roles."""

from __future__ import annotations

from tests.conftest import OTHER, OWN


def test_enabled_in_one_demo_district_only(client):
    own = client.get(f"/api/districts/{OWN}").json()
    other = client.get(f"/api/districts/{OTHER}").json()
    assert "participation" in [m["name"] for m in own["modules"]]
    assert "participation" not in [m["name"] for m in other["modules"]]


def test_settings_are_checked_field_by_field(client, as_role):
    admin = as_role("district_admin")
    bad = client.put(f"/api/districts/{OWN}/modules/participation", headers=admin,
                     json={"enabled": True, "settings": {"min_ratings": 0, "outlier_gap": "far"}})
    assert bad.status_code == 422, bad.text
    assert "min_ratings" in bad.text and "outlier_gap" in bad.text
    same = client.put(f"/api/districts/{OWN}/modules/participation", headers=admin,
                      json={"enabled": True, "settings": {}})
    assert same.status_code == 200, same.text
    assert same.json()["settings"]["min_ratings"] == 5  # the refused change wrote nothing
