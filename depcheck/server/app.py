"""The aiohttp application: routes, the middleware chain, and the shared clients' lifetime.

:func:`create_app` builds a ``web.Application`` from a
:class:`~depcheck.server.config.ServerConfig`. The registry clients (one HTTP client, one cache)
are opened when the application starts and closed on clean-up, so every request of the process
shares them. Middlewares, outermost first:

1. ``observe``: a request id (``X-Request-Id``, taken from the client when it is a short plain
   token, else made up), the metrics by route pattern, one access-log line per request with
   structured fields, and ``Cache-Control: no-store`` on answers;
2. ``errors``: turns an :class:`~depcheck.server.errors.ApiError` and aiohttp's own refusals
   (unknown route, wrong method, body over ``client_max_size``) into the JSON error shape; an
   unexpected exception is logged with its traceback and answered as a 500 that reveals nothing;
3. ``authenticate``: the bearer token, except on ``/healthz`` and ``/openapi.json``;
4. ``throttle``: the per-client token bucket, on ``/v1/`` routes;
5. ``deadline``: the per-request timeout (504).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from aiohttp import web
from aiohttp.typedefs import Handler

from depcheck.server import keys
from depcheck.server.config import ServerConfig
from depcheck.server.errors import ApiError
from depcheck.server.metrics import UNMATCHED_ROUTE, ServiceMetrics
from depcheck.server.openapi import openapi_document
from depcheck.server.routes import PUBLIC_PATHS, add_routes
from depcheck.server.security import RateLimiter, Resolver, TokenChecker, client_address
from depcheck.server.services import Services, open_services

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("depcheck.server.access")

ServicesOpener = Callable[[ServerConfig, ServiceMetrics], AbstractAsyncContextManager[Services]]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _route(request: web.Request) -> str:
    """The route pattern a request matched (``/v1/pypi/{name}/latest``), else ``unmatched``."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    incoming = request.headers.get("X-Request-Id", "")
    request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    request[keys.REQUEST_ID] = request_id
    metrics = request.app[keys.METRICS]
    started = time.perf_counter()
    status = 500
    metrics.in_flight.inc()
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = request_id
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
    finally:
        metrics.in_flight.dec()
        seconds = time.perf_counter() - started
        route = _route(request)
        metrics.observe_request(route, request.method, status, seconds)
        services = request.app.get(keys.SERVICES)
        if services is not None:
            services.finished()
        access_logger.info(
            "%s %s %d %.1f ms",
            request.method,
            request.path,
            status,
            seconds * 1000,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "client": request.get(keys.CLIENT) or request.remote,
            },
        )


def _http_error(request: web.Request, exc: web.HTTPException) -> ApiError:
    """An aiohttp refusal in the service's JSON error shape."""
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return ApiError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed on {request.path}; use {allowed}",
            headers={"Allow": ",".join(sorted(exc.allowed_methods))},
        )
    if isinstance(exc, web.HTTPNotFound):
        return ApiError(404, "not_found", f"no such endpoint: {request.path}")
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        limit = request.app[keys.CONFIG].max_body
        return ApiError(
            413, "body_too_large", f"the request body is over this service's limit of {limit} bytes"
        )
    return ApiError(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        if exc.status >= 500:
            logger.warning("%s %s: %s", request.method, request.path, exc.message)
        return exc.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _http_error(request, exc).response()
    except Exception:
        # Logged with the traceback for a bug report; the client learns only the request id.
        logger.exception("internal error answering %s %s", request.method, request.path)
        return ApiError(
            500,
            "internal_error",
            f"the service failed to answer; quote request id {request.get(keys.REQUEST_ID)} when reporting it",
        ).response()


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path not in PUBLIC_PATHS:
        client = request.app[keys.TOKENS].client(request.headers.get("Authorization"))
        if client is not None:
            request[keys.CLIENT] = client
    return await handler(request)


@web.middleware
async def throttle(request: web.Request, handler: Handler) -> web.StreamResponse:
    limiter = request.app[keys.LIMITER]
    if limiter.enabled and request.path.startswith("/v1/"):
        config = request.app[keys.CONFIG]
        client = request.get(keys.CLIENT) or "address:" + client_address(
            request.remote,
            request.headers.get("X-Forwarded-For"),
            trust_forwarded=config.trust_forwarded,
        )
        request[keys.CLIENT] = client
        wait = limiter.take(client)
        if wait is not None:
            raise limiter.refuse(wait)
    return await handler(request)


@web.middleware
async def deadline(request: web.Request, handler: Handler) -> web.StreamResponse:
    seconds = request.app[keys.CONFIG].request_timeout
    try:
        async with asyncio.timeout(seconds) as scope:
            return await handler(request)
    except TimeoutError as exc:
        if not scope.expired():
            raise
        raise ApiError(
            504, "timeout", f"the request took longer than this service's {seconds:g} s limit"
        ) from exc


def create_app(
    config: ServerConfig,
    *,
    resolver: Resolver | None = None,
    services: ServicesOpener | None = None,
) -> web.Application:
    """The service for ``config``. ``resolver`` replaces DNS in the registry guard and ``services``
    the registry clients (tests)."""
    metrics = ServiceMetrics()
    app = web.Application(
        client_max_size=config.max_body,
        middlewares=[observe, errors, authenticate, throttle, deadline],
    )
    app[keys.CONFIG] = config
    app[keys.METRICS] = metrics
    app[keys.TOKENS] = TokenChecker(config.tokens)
    app[keys.LIMITER] = RateLimiter(config.rate_limit, config.rate_burst)
    app[keys.OPENAPI] = openapi_document(auth=bool(config.tokens), max_files=config.max_files)

    def default_opener(
        server: ServerConfig, counted: ServiceMetrics
    ) -> AbstractAsyncContextManager[Services]:
        return open_services(server, counted, resolver=resolver)

    opener = services or default_opener

    async def shared_clients(application: web.Application) -> AsyncIterator[None]:
        async with opener(config, metrics) as opened:
            application[keys.SERVICES] = opened
            logger.info("registry clients ready (index %s)", opened.index_url)
            yield
        logger.info("registry clients closed")

    app.cleanup_ctx.append(shared_clients)
    add_routes(app)
    return app


__all__ = ["ServicesOpener", "create_app"]
