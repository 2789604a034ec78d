"""The API contract, checked on every call the test suite makes.

`check_contract(app)` wraps the app's ASGI handler: after each HTTP answer it looks up the
operation in the app's own OpenAPI document (by method and route template) and fails the
calling test when the status is not documented for that operation, or when a JSON body does not
match the documented schema. So the whole suite — good input and bad — is the contract test;
`tests/core/test_openapi.py` adds the calls no other test makes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_TYPED = re.compile(r"\{(\w+):[^}]+\}")
# Every call checked, per operation: {(method, path): Counter(status)} — the suite's coverage.
SEEN: dict[tuple[str, str], Counter] = {}


class ContractViolation(AssertionError):
    pass


class Contract:
    def __init__(self, document: dict[str, Any]):
        self.document = document
        resource = Resource(contents=document, specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:sanshe:openapi", resource)
        self._validators: dict[int, Draft202012Validator] = {}

    def operation(self, method: str, template: str) -> dict[str, Any] | None:
        item = self.document["paths"].get(_TYPED.sub(r"{\1}", template))
        return item.get(method.lower()) if item else None

    def _validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        key = id(schema)
        if key not in self._validators:
            self._validators[key] = Draft202012Validator(_rebase(schema), registry=self.registry)
        return self._validators[key]

    def check(self, method: str, template: str, status: int, content_type: str, body: bytes) -> None:
        operation = self.operation(method, template)
        if operation is None:
            return  # not in the document (pages, static files, the schema itself)
        SEEN.setdefault((method, template), Counter())[status] += 1
        responses = operation.get("responses", {})
        answer = responses.get(str(status)) or responses.get("default")
        if answer is None:
            raise ContractViolation(
                f"{method} {template} answered {status}, which the OpenAPI document does not list "
                f"(documented: {', '.join(sorted(responses))}); body: {body[:300]!r}")
        documented = answer.get("content") or {}
        media = content_type.split(";")[0].strip().lower()
        if body and documented and not any(_media_matches(media, key) for key in documented):
            raise ContractViolation(
                f"{method} {template} {status}: answered {media or 'no content type'}, which the document does "
                f"not list (documented: {', '.join(sorted(documented))})")
        if not content_type.startswith("application/json") or not body:
            return
        schema = (answer.get("content", {}).get("application/json") or {}).get("schema")
        if schema is None:
            return
        errors = sorted(self._validator(schema).iter_errors(json.loads(body)), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            raise ContractViolation(
                f"{method} {template} {status}: body does not match the documented schema at "
                f"/{'/'.join(map(str, first.absolute_path))}: {first.message[:300]}")


def _media_matches(media: str, documented: str) -> bool:
    """`application/json` against a documented `application/json`, `application/*` or `*/*`."""
    kind, _, sub = documented.split(";")[0].strip().lower().partition("/")
    have_kind, _, have_sub = media.partition("/")
    return kind in ("*", have_kind) and sub in ("*", have_sub)


def _rebase(schema: Any) -> Any:
    """Point `#/components/...` references at the whole document's resource."""
    if isinstance(schema, dict):
        return {k: (f"urn:sanshe:openapi{v}" if k == "$ref" and isinstance(v, str) and v.startswith("#/")
                    else _rebase(v)) for k, v in schema.items() if k != "$id"}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def check_contract(app, collect: str | None = None) -> Contract:
    """Wrap `app` so every HTTP answer is checked against its own OpenAPI document; with
    `collect` (a file path) violations are appended there instead of failing the test."""
    contract = Contract(app.openapi_schema.to_schema())
    inner = app.asgi_handler

    async def checked(scope, receive, send):
        if scope["type"] != "http":
            return await inner(scope, receive, send)
        answer: dict[str, Any] = {"status": 0, "type": "", "body": bytearray()}

        async def capture(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
                answer["type"] = headers.get("content-type", "")
            elif message["type"] == "http.response.body" and answer["type"].startswith("application/json"):
                answer["body"] += message.get("body", b"")
            await send(message)

        await inner(scope, receive, capture)
        template = scope.get("path_template")
        if template:
            try:
                contract.check(scope["method"], template, answer["status"], answer["type"], bytes(answer["body"]))
            except ContractViolation as exc:
                if not collect:
                    raise
                with open(collect, "a", encoding="utf-8") as log:
                    log.write(f"{exc}\n")

    app.asgi_handler = checked
    return contract
