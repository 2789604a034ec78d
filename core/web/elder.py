"""长辈模式 (elderly-friendly display, after 互联网网站适老化通用设计规范): large text, high
contrast, tap targets of at least 48 px, links underlined, nothing said by colour alone.

The choice lives in a cookie that base.html reads while rendering (a class on <html>), so the
page never flashes the normal look first. The switch is a plain link (GET) or form (POST) that
sets the cookie and goes back to the page it came from: it works without JavaScript.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

COOKIE = "sanshe_elder"
ONE_YEAR = 365 * 24 * 3600


def elder_mode(request: Request) -> bool:
    """Whether the request's pages show in 长辈模式."""
    return request.cookies.get(COOKIE) == "1"


def _back(request: Request, target: str | None) -> str:
    """Same-site relative paths only (never `//host` or a scheme), else the referring page, else home."""
    for candidate in (target, request.headers.get("referer", "").partition(request.url.netloc)[2]):
        if candidate and candidate.startswith("/") and not candidate.startswith("//") \
                and "\\" not in candidate and not urlparse(candidate).netloc:
            return candidate
    return "/"


def _switched(request: Request, on: bool, target: str | None) -> Redirect:
    response = Redirect(path=_back(request, target), status_code=303)
    if on:
        response.set_cookie(COOKIE, "1", max_age=ONE_YEAR, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
    else:
        response.delete_cookie(COOKIE, path="/")
    return response


@get("/display/elder", opt={"public": True}, include_in_schema=False)
async def elder_switch(request: Request, on: bool = True, next: str | None = None) -> Redirect:
    """Turn 长辈模式 on (`on=1`) or off (`on=0`) and go back to `next`."""
    return _switched(request, on, next)


@post("/display/elder", opt={"public": True}, include_in_schema=False)
async def elder_switch_form(
    request: Request, data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Redirect:
    """The same switch as a form post (`on`, `next`)."""
    return _switched(request, data.get("on", "1") not in ("0", "false", ""), data.get("next"))


ROUTES = [elder_switch, elder_switch_form]
