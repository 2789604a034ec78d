"""/schema/openapi.json tells the truth: it validates, every operation documents its errors with
the one error body and its success answer with a real schema, the security schemes are declared,
Swagger UI works with no internet, and answers match the document (tests/contract.py checks
every call of the suite; this file adds anonymous and bad-input calls for every operation)."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from openapi_spec_validator import validate

from core.app import create_app
from tests.conftest import OWN, bearer
from tests.contract import Contract, ContractViolation, check_contract

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.fixture(scope="module")
def checked(ctx):
    """A second app on the same database whose every answer is checked (whatever SANSHE_CONTRACT says)."""
    application = create_app(ctx=ctx)
    contract = check_contract(application)
    with TestClient(app=application) as c:
        yield c, contract


@pytest.fixture(scope="module")
def document(checked) -> dict:
    client, _ = checked
    return client.get("/schema/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_the_document_validates(document):
    validate(document)  # raises with the first error
    assert len(list(operations(document))) > 100


def test_every_error_answer_is_the_error_body(document):
    problems = []
    for method, path, op in operations(document):
        for status, answer in op["responses"].items():
            if status.startswith(("4", "5")):
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if (path, status) == ("/healthz", "503"):  # a health check reports its own body when unhealthy
                    assert schema == {"$ref": "#/components/schemas/Health"}
                elif schema != ERROR_REF:
                    problems.append(f"{method.upper()} {path} {status}: {schema}")
    assert problems == []
    body = document["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"detail", "code", "errors"}


def test_access_and_input_errors_are_documented(document):
    problems = []
    for method, path, op in operations(document):
        statuses = set(op["responses"])
        if op.get("security") and not {"401", "403"} <= statuses:
            problems.append(f"{method.upper()} {path}: a protected operation without 401/403")
        if "requestBody" in op and "422" not in statuses:
            problems.append(f"{method.upper()} {path}: a body without 422")
        if "{code}" in path and "404" not in statuses:
            problems.append(f"{method.upper()} {path}: a district path without 404")
    assert problems == []


def test_every_success_answer_has_a_real_schema(document):
    empty = set()
    for method, path, op in operations(document):
        for status, answer in op["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = answer.get("content") or {}
            if not content or any(body.get("schema") in (None, {}, {"type": "object"}) for body in content.values()):
                empty.add(f"{method.upper()} {path}")
    assert sorted(empty) == []


def test_every_success_answer_names_a_media_type(document):
    """A download documents "type/subtype" (a file's own type is only known per file: "*/*"),
    never the empty media type a bare `-> File` handler gets (schemathesis ST106)."""
    malformed = [f"{method.upper()} {path} {status}: {media!r}"
                 for method, path, op in operations(document)
                 for status, answer in op["responses"].items()
                 for media in answer.get("content") or {}
                 if not re.fullmatch(r"[\w.+*-]+/[\w.+*-]+", media)]
    assert malformed == []


def test_security_schemes_for_the_session_and_for_tokens(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie" and schemes["csrfHeader"]["in"] == "header"
    create_token = document["paths"]["/api/me/tokens"]["post"]
    assert {"sessionCookie": [], "csrfHeader": []} in create_token["security"]
    assert {"bearerToken": []} in create_token["security"]
    assert "security" not in document["paths"]["/api/auth/login"]["post"]


def test_swagger_ui_needs_no_internet_and_no_inline_script(checked):
    client, _ = checked
    page = client.get("/schema/swagger")
    assert page.status_code == 200
    html = page.text
    assert "http://" not in html and "https://" not in html, "every asset is served by the app"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200 and len(answer.content) > 100, asset
    assert "SwaggerUIBundle" in client.get("/static/swagger-start.js").text


def _concrete(path: str) -> str:
    """A request path for a template: our district, ids that exist nowhere."""
    return re.sub(r"\{[^}]+\}", lambda m: OWN if m.group(0) == "{code}" else "987654321", path)


def test_anonymous_calls_answer_as_documented(checked, document):
    """Every operation, called by nobody: the status is documented and the body matches."""
    client, _ = checked
    called = 0
    for method, path, _op in operations(document):
        if path.startswith("/schema"):
            continue
        kwargs = {"json": {}} if method in ("post", "put", "patch") else {}
        client.request(method.upper(), _concrete(path), **kwargs)  # the contract check raises on a lie
        called += 1
    assert called > 100


def test_bad_input_answers_as_documented(checked, document, tokens):
    """Every operation that takes a body, called by a district admin with an unknown field:
    refused (never applied) with a documented status and the error body."""
    client, _ = checked
    headers = bearer(tokens["district_admin"])
    refused = 0
    for method, path, op in operations(document):
        if "requestBody" not in op or path.startswith("/schema"):
            continue
        answer = client.request(method.upper(), _concrete(path), json={"no_such_field": 1}, headers=headers)
        assert answer.status_code >= 400, f"{method.upper()} {path} accepted an unknown field"
        assert set(answer.json()) == {"detail", "code", "errors"}
        refused += 1
    assert refused > 30


def test_bad_paging_answers_as_documented(checked, document, tokens):
    client, _ = checked
    headers = bearer(tokens["district_admin"])
    for method, path, op in operations(document):
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if method == "get" and "page" in names:
            answer = client.get(_concrete(path), params={"page": "abc"}, headers=headers)
            assert answer.status_code in (400, 404), path
            assert answer.json()["code"] in ("invalid", "not_found", "unknown_district", "module_not_enabled")


def test_the_contract_check_catches_a_lie():
    """The checker itself: an undocumented status and a body off its schema both fail."""
    contract = Contract({"paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/X"}}}}}}}},
        "components": {"schemas": {"X": {"type": "object", "required": ["a"],
                                         "properties": {"a": {"type": "integer"}}}}}})
    contract.check("GET", "/x", 200, "application/json", b'{"a": 1}')
    with pytest.raises(ContractViolation, match="does not list"):
        contract.check("GET", "/x", 404, "application/json", b"{}")
    with pytest.raises(ContractViolation, match="documented schema"):
        contract.check("GET", "/x", 200, "application/json", b'{"a": "one"}')
