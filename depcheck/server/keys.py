"""The typed keys under which the application keeps what its handlers share.

Kept apart from :mod:`depcheck.server.app` so that the routes and the middlewares can import them
without importing the module that imports them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from depcheck.server.config import ServerConfig
from depcheck.server.metrics import ServiceMetrics
from depcheck.server.security import RateLimiter, TokenChecker
from depcheck.server.services import Services

CONFIG: web.AppKey[ServerConfig] = web.AppKey("depcheck_config", ServerConfig)
METRICS: web.AppKey[ServiceMetrics] = web.AppKey("depcheck_metrics", ServiceMetrics)
SERVICES: web.AppKey[Services] = web.AppKey("depcheck_services", Services)
TOKENS: web.AppKey[TokenChecker] = web.AppKey("depcheck_tokens", TokenChecker)
LIMITER: web.AppKey[RateLimiter] = web.AppKey("depcheck_limiter", RateLimiter)
OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("depcheck_openapi", dict)

CLIENT: web.RequestKey[str] = web.RequestKey("depcheck_client", str)
"""Request key: who is asking (a token fingerprint or an address), for rate limiting and logs."""
REQUEST_ID: web.RequestKey[str] = web.RequestKey("depcheck_request_id", str)
"""Request key: the id logged with every line about this request and echoed in ``X-Request-Id``."""
