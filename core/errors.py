"""One error shape for the whole API:
`{"detail": str, "code": str, "errors": [{"field": str, "message": str}]}`.

Messages are Chinese for end users; `code` is a stable machine code.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.exceptions import HTTPException, ValidationException


class ApiError(HTTPException):
    """Raise from services and handlers: status, Chinese detail, code, field errors."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        code: str,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.code = code
        self.errors = [{"field": f, "message": m} for f, m in (errors or [])]


def refused(detail: str) -> ApiError:
    """A service's 403 after the guard let the request in (e.g. on a route open to every
    logged-in user, only the applicant may act). The guard's own refusals say "forbidden"."""
    return ApiError(403, detail, "not_permitted")


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what}不存在", "not_found")


def invalid(errors: list[tuple[str, str]], detail: str = "提交的数据有误") -> ApiError:
    return ApiError(422, detail, "invalid", errors)


def database_unavailable(retry_after: int) -> ApiError:
    """503 while the database cannot be reached or used (restarting, down, locked past the timeout)."""
    return ApiError(503, "数据库暂时不可用，请稍后再试", "database_unavailable",
                    headers={"Retry-After": str(retry_after)})


_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "body_too_large", 429: "too_many_requests", 503: "unavailable"}
_DETAILS = {401: "请先登录", 403: "没有权限执行此操作", 404: "请求的资源不存在", 405: "不支持此请求方法",
            413: "请求内容过大", 503: "服务暂时不可用，请稍后再试"}


_NAMED_FIELD = re.compile(r"(?:unknown field|missing required field) `([^`]+)`")
_AT_PATH = re.compile(r" - at `\$\.([^`]+)`")


def _field_errors(exc: ValidationException) -> list[dict[str, str]]:
    """Name the offending field itself (msgspec reports `data` plus a path in the text)."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            message = str(item.get("message", ""))
            if found := _AT_PATH.search(message):
                key, message = found.group(1), message[: found.start()]
            elif found := _NAMED_FIELD.search(message):  # the field is named by `field`; the page shows its label
                key = found.group(1)
                message = "必填，不能为空" if "missing" in message else "不接受此字段"
                errors.append({"field": key, "message": message})
                continue
            errors.append({"field": key, "message": _translate(message)})
    return errors


def _translate(message: str) -> str:
    """Make msgspec's English validation messages readable in Chinese, keeping the path."""
    replacements = (
        ("Object contains unknown field", "包含未知字段"),
        ("Object missing required field", "缺少必填字段"),
        ("Expected `str`, got", "应为字符串，实际为"),
        ("Expected `int`, got", "应为整数，实际为"),
        ("Expected `float`, got", "应为数字，实际为"),
        ("Expected `date`, got", "应为日期（YYYY-MM-DD），实际为"),
        ("Invalid RFC3339 encoded date", "日期格式应为 YYYY-MM-DD"),
        ("Expected `bool`, got", "应为布尔值，实际为"),
        ("Expected `object`, got", "应为对象，实际为"),
        ("Expected `array`, got", "应为数组，实际为"),
        ("Expected `str` of length <=", "长度不能超过"),
        ("Expected `str` of length >=", "长度不能少于"),
        ("Expected `str` matching regex", "格式不符合"),
        ("Invalid enum value", "取值无效"),
        ("JSON is malformed", "JSON 格式错误"),
        ("Input data was truncated", "JSON 格式错误：内容不完整"),
        ("Expected `int` <=", "应为整数且不大于"),
        ("Expected `int` >=", "应为整数且不小于"),
    )
    for english, chinese in replacements:
        if english in message:
            return message.replace(english, chinese)
    return message


def error_body(exc: HTTPException) -> dict[str, Any]:
    """The API's error body for any HTTP exception: `{detail, code, errors}`."""
    status = exc.status_code
    if isinstance(exc, ApiError):
        return {"detail": exc.detail, "code": exc.code, "errors": exc.errors}
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc)
        detail = "请求格式错误" if any("JSON" in e["message"] for e in errors) else "提交的数据有误"
        return {"detail": detail, "code": "invalid", "errors": errors}
    if status == 400 and exc.detail and ("truncated" in exc.detail or "malformed" in exc.detail):
        return {"detail": "请求格式错误：JSON 无法解析", "code": "invalid_json",
                "errors": [{"field": "body", "message": _translate(exc.detail)}]}
    detail = exc.detail if exc.detail and exc.detail not in {"Not Found", "Forbidden"} else ""
    return {"detail": detail or _DETAILS.get(status, "请求出错"), "code": _CODES.get(status, "error"), "errors": []}


def page_detail(exc: HTTPException) -> str:
    """What an HTML error page says for a 400/403/404/422/503: the detail, and each field's message."""
    body = error_body(exc) if isinstance(exc, (ApiError, ValidationException)) else {"errors": []}
    detail = exc.detail if isinstance(exc, ApiError) else body.get("detail") or _DETAILS.get(exc.status_code, "请求出错")
    fields = "；".join(dict.fromkeys(e["message"] for e in body["errors"] if e["message"]))  # never the API's field names
    return f"{detail}：{fields}" if fields else detail
