"""``depcheck serve``: the verification service (see :mod:`depcheck.server`).

Settings come from flags, then environment variables, then defaults:

==================================== ==================== ==========================================
variable                             flag                 meaning (default)
==================================== ==================== ==========================================
``DEPCHECK_HOST``                    ``--host``           address to listen on (``127.0.0.1``)
``DEPCHECK_PORT``                    ``--port``           port (``8080``; ``0`` picks a free one)
``DEPCHECK_TOKENS``                                       bearer tokens, comma or space separated
``DEPCHECK_TOKENS_FILE``                                  file of tokens, one per line (``#`` comments)
``DEPCHECK_MAX_BODY``                                     request body limit in bytes, ``k``/``m``
                                                          suffixes allowed (``1m``)
``DEPCHECK_MAX_FILES``                                    files per audit request (``100``)
``DEPCHECK_MAX_LINES``                                    lines in all files of a request (``20000``)
``DEPCHECK_RATE_LIMIT``                                   requests per second per client (``5``;
                                                          ``0`` turns rate limiting off)
``DEPCHECK_RATE_BURST``                                   requests a client may make at once (``20``)
``DEPCHECK_TRUST_FORWARDED``                              ``1``: rate-limit by the address a proxy
                                                          appended to ``X-Forwarded-For``
``DEPCHECK_REQUEST_TIMEOUT``                              seconds one request may take (``60``)
``DEPCHECK_SHUTDOWN_TIMEOUT``                             seconds to finish requests in flight on
                                                          SIGTERM (``30``)
``DEPCHECK_ALLOWED_REGISTRIES``                           index URLs and image registry hosts a
                                                          client may name (public image registries
                                                          such as ``ghcr.io``; no index URLs)
``DEPCHECK_ALLOW_PRIVATE_REGISTRIES``                     ``1``: allowed registries, and the
                                                          redirects and token realms of any
                                                          registry, may reach private or loopback
                                                          addresses
``DEPCHECK_CACHE``                   ``--cache``          a cache folder or ``redis://host:port/db``
                                                          (``--cache-dir``, else the user cache)
``DEPCHECK_CACHE_TTL``                                    seconds an answer is fresh (``600``)
``DEPCHECK_INDEX_URL``               ``--index-url``      PyPI index (else pip's configuration)
``DEPCHECK_EXTRA_INDEX_URLS``        ``--extra-index-url`` more indexes to install from, as pip's
                                                          ``--extra-index-url`` (separated by white
                                                          space; the option repeats); trusted as
                                                          the index is
``DEPCHECK_DOCKER_HUB_URL``          ``--docker-hub-url`` Docker Hub API base URL
``DEPCHECK_CONFIG``                  ``--config``         depcheck configuration applied to every
                                                          audit (severities, disabled rules, ignores)
``DEPCHECK_JSON_LOGS``               ``--json-logs``      ``1``: one JSON object per log line
==================================== ==================== ==========================================

``--python``, ``--min-age`` and ``--strategy`` set the service's defaults for requests that do
not choose; ``--no-cache`` and ``--offline`` work as for ``audit``.

SIGTERM or SIGINT stops the service gracefully: it stops accepting connections, lets the
requests in flight finish (up to ``DEPCHECK_SHUTDOWN_TIMEOUT``), then closes the registry
clients and the cache and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from depcheck.errors import UsageError
from depcheck.server.app import create_app
from depcheck.server.config import ServerConfig, server_config
from depcheck.server.logs import configure_logging
from depcheck.server.services import ServiceStartError

logger = logging.getLogger("depcheck.server")


def run_serve_command(args: argparse.Namespace) -> int:
    config = server_config(args)
    configure_logging(
        json_logs=config.json_logs,
        verbose=getattr(args, "verbose", 0),
        quiet=bool(getattr(args, "quiet", False)),
    )
    try:
        asyncio.run(serve(config))
    except ServiceStartError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:  # the address is in use, or not ours to listen on
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from exc
    return 0


async def serve(
    config: ServerConfig,
    *,
    stop: asyncio.Event | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop`` is set), then shut down gracefully.

    ``ready`` is called with the base URL once the port is bound (the real port when ``0`` was
    asked for).
    """
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=config.shutdown_timeout)
    await runner.setup()  # opens the registry clients; a start-up error ends here
    stopping = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        url = _url(site, config)
        logger.info("serving on %s", url)
        if ready is not None:
            ready(url)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        await stopping.wait()
        logger.info(
            "stopping: no new connections; finishing requests in flight (up to %g s)",
            config.shutdown_timeout,
        )
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
        logger.info("stopped")


def _url(site: web.TCPSite, config: ServerConfig) -> str:
    server = site._server  # aiohttp keeps the bound sockets only on the asyncio server
    port = config.port
    if isinstance(server, asyncio.base_events.Server) and server.sockets:
        port = server.sockets[0].getsockname()[1]
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{port}"
