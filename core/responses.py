"""Response helpers."""

from __future__ import annotations

from typing import Any

from litestar.response import Stream


class TypedStream(Stream):
    """A Stream whose own media type wins over the handler's default.

    Litestar 2.x lets a handler's media type override a returned Stream's (unlike
    a plain Response), which labels an ndjson stream from a JSON endpoint as JSON.
    """

    def to_asgi_response(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs["media_type"] = self.media_type
        return super().to_asgi_response(*args, **kwargs)
