"""The page-number parameter every list shares: from 1, and at most MAX_PAGE so that
page × per_page stays far inside a 64-bit offset (a larger one answers 400, never 500)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

MAX_PAGE = 1_000_000
PageNo = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="page number, from 1")]
