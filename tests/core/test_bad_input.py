"""Bad input gets a 4xx with a field-level message, and nothing is written:
row counts and the audit log stay as they were."""

from __future__ import annotations

from datetime import date

import pytest

from core.codes import make_id_number, make_uscc
from tests.conftest import OWN, table_counts

VALID_ID = make_id_number(OWN, date(1985, 3, 17), 555)
BAD_ID = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
BAD_USCC = make_uscc("2", OWN, 55_000_001)[:17] + "Y"

CASES = [
    # (method, path, body or raw bytes, status, field named in errors)
    ("POST", "persons", {"name": "张三", "id_number": BAD_ID}, 422, "id_number"),
    ("POST", "persons", {"name": "张三", "id_number": "12345"}, 422, "id_number"),
    ("POST", "persons", {"name": "张三", "id_number": VALID_ID, "phone": "12"}, 422, "phone"),
    ("POST", "persons", {"name": "张三", "id_number": VALID_ID, "community_code": "430703001001"}, 422,
     "community_code"),
    ("POST", "persons", {"name": "张三", "id_number": VALID_ID, "nickname": "x"}, 400, "nickname"),
    ("POST", "persons", {"id_number": VALID_ID}, 400, "name"),
    ("POST", "persons", {"name": "", "id_number": VALID_ID}, 400, "name"),
    ("POST", "persons", b'{"name": "\xe5\xbc\xa0", "id_number": ', 400, "body"),
    ("POST", "organizations", {"name": "某中心", "legal_type": "social_service_institution", "status": "registered",
                               "uscc": BAD_USCC}, 422, "uscc"),
    ("POST", "organizations", {"name": "某中心", "legal_type": "social_service_institution", "status": "registered"},
     422, "uscc"),
    ("POST", "organizations", {"name": "某中心", "legal_type": "company", "status": "registered"}, 400, "legal_type"),
    ("POST", "organizations", {"name": "某中心", "legal_type": "foundation", "status": "registered", "grade": "6A",
                               "uscc": make_uscc("3", OWN, 1)}, 400, "grade"),
    ("POST", "communities", {"code": "430703001000", "name": "外区街道"}, 422, "code"),
    ("POST", "communities", {"code": "4307020010", "name": "短代码"}, 422, "code"),
]


@pytest.mark.parametrize("method, resource, body, status, field", CASES)
def test_bad_input_is_refused_with_a_field_message_and_writes_nothing(client, as_role, method, resource, body,
                                                                       status, field):
    before = table_counts()
    url = f"/api/districts/{OWN}/{resource}"
    headers = {**as_role("district_admin"), "Content-Type": "application/json"}
    if isinstance(body, bytes):
        response = client.request(method, url, content=body, headers=headers)
    else:
        response = client.request(method, url, json=body, headers=headers)
    assert response.status_code == status, response.text
    problem = response.json()
    assert set(problem) == {"detail", "code", "errors"} and problem["detail"]
    if field:
        assert [e["field"] for e in problem["errors"]] == [field], problem
        assert all(e["message"] for e in problem["errors"])
        # the page shows "label：message", so the message never repeats the API's name for the field
        assert all(e["field"] not in e["message"] and "`" not in e["message"] for e in problem["errors"]), problem
    assert table_counts() == before


def test_an_oversized_body_is_refused_before_anything_is_written(client, as_role, ctx):
    before = table_counts()
    body = b'{"name": "' + b"x" * (ctx.settings.max_body_bytes + 10) + b'"}'
    response = client.post(f"/api/districts/{OWN}/persons", content=body,
                           headers={**as_role("district_admin"), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert table_counts() == before


def test_unknown_district_codes_are_404_with_a_message(client, as_role):
    before = table_counts()
    for url in ("/api/districts/999999/persons", "/api/districts/999999/communities", "/api/districts/999999"):
        response = client.get(url, headers=as_role("platform_admin"))
        assert response.status_code == 404
        assert response.json() == {"detail": "区县代码 999999 不存在", "code": "unknown_district", "errors": []}
    created = client.post("/api/districts/999999/communities", json={"code": "999999001000", "name": "x"},
                          headers=as_role("platform_admin"))
    assert created.status_code == 404
    assert table_counts() == before


def test_bad_paging_parameters_are_400(client):
    response = client.get(f"/api/districts/{OWN}/communities?per_page=1000")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "per_page"
