"""The service's errors: one exception that becomes one JSON error answer.

Every refusal the service makes, from a bad field to a missing token, is an :class:`ApiError`
raised wherever the problem is noticed and turned into a response by one middleware
(:mod:`depcheck.server.app`), so every 4xx and 5xx has the same shape::

    {"error": "invalid_field", "message": "options.static: expected a boolean, got a string",
     "field": "options.static"}

``error`` is a stable code clients may branch on; ``message`` is for people; ``field`` (only
when one field is at fault) is the dotted path of that field in the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

JSON_TYPE = "application/json"


class ApiError(Exception):
    """A request the service refuses, or cannot answer: ``status``, a stable ``code`` and words."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})

    def body(self) -> dict[str, str]:
        data = {"error": self.code, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        return data

    def response(self) -> web.Response:
        return json_response(self.body(), status=self.status, headers=self.headers)


def json_response(
    data: object, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON answer, UTF-8 left unescaped (names and messages may hold any character).

    A lone surrogate (a JSON string may carry ``"\\ud800"``, and a report quotes what it was
    sent) cannot be encoded as UTF-8; ``backslashreplace`` writes it back as the ``\\ud800``
    escape, which inside a JSON string is exactly what was received.
    """
    body = json.dumps(data, ensure_ascii=False).encode("utf-8", "backslashreplace")
    response = web.Response(body=body, status=status, headers=headers)
    response.content_type = JSON_TYPE
    response.charset = "utf-8"
    return response
