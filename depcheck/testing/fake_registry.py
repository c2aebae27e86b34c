"""A fake package and image registry on loopback: the one server tests, end-to-end CLI tests and benchmarks use.

:class:`FakeRegistry` is an ``aiohttp.web.Application`` served on ``127.0.0.1`` (port 0 unless
given). Out of the box it serves the recorded PyPI Simple API answers in
``<cassettes>/pypi/<name>.json`` (or ``<name>.json.gz``) at ``/simple/<name>/``: PEP 691 JSON when the request accepts it,
else a PEP 503 HTML page rendered from the same data (``data-yanked``,
``data-requires-python``), with an ``ETag`` and ``304 Not Modified`` for ``If-None-Match``, and a
301 to the normalised URL for a name that is not normalised (as PyPI does). A project that has no
cassette answers ``404``. ``<name>.headers.json`` beside a cassette gives the ``content-type`` and
``etag`` to send; an ``"etag": null`` there means "send none" (a mirror that offers no
validators); no ``etag`` key means one is computed from the body. ``html_only=True`` serves HTML
whatever the client accepts (an index that predates PEP 691).

Use it from tests as ``async with FakeRegistry() as registry: registry.index_url``; from a test
that runs the CLI in a subprocess as ``url, stop = FakeRegistry().run_in_thread()``; from a
benchmark as ``python -m depcheck.testing.fake_registry --port 8080 --cassettes cassettes``.

**Faults** are injected per path glob (``fnmatch`` on the request path) by a middleware, so they
apply to every route, Docker ones included: :meth:`FakeRegistry.fail` (a status, optionally with
``Retry-After``), :meth:`~FakeRegistry.throttle` (429), :meth:`~FakeRegistry.hang` (sleep past
the client's timeout), :meth:`~FakeRegistry.reset` (close the TCP connection with a reset),
:meth:`~FakeRegistry.truncate` (cut the body in half), :meth:`~FakeRegistry.wrong_shape` (valid
JSON of the wrong shape); each for ``times`` requests or forever. ``latency`` delays every
request. Every request is logged: :attr:`FakeRegistry.requests` and :meth:`FakeRegistry.count`
let a test assert "asked once".

**Adding routes** (the Docker Hub and OCI fakes): a *route installer* is a callable
``install(registry: FakeRegistry) -> None`` that adds routes to ``registry.app.router`` and keeps
whatever it needs in ``registry.state.extra`` (a dict free for installers) or reads cassettes
under ``registry.state.cassettes``. ``FakeRegistry(installers=[...])`` takes an explicit list; by
default the list is :func:`install_pypi_routes` plus ``install_routes`` from
``depcheck.testing.fake_docker`` when that module exists. Installers run before the server starts,
once per :class:`FakeRegistry`; handlers get the registry back from
``request.app[REGISTRY_KEY]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fnmatch
import gzip
import hashlib
import html
import importlib
import importlib.util
import json
import logging
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from packaging.utils import canonicalize_name

logger = logging.getLogger(__name__)

DEFAULT_CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
"""The repository's ``cassettes/`` folder (depcheck is installed editable in development)."""

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"
WRONG_SHAPE = b'{"unexpected": ["shape"]}'

RouteInstaller = Callable[["FakeRegistry"], None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REGISTRY_KEY: web.AppKey[FakeRegistry] = web.AppKey("registry")


@dataclass
class Fault:
    """One injected misbehaviour for paths matching ``glob``; ``times=None`` means forever."""

    glob: str
    kind: str
    """``status``, ``hang``, ``reset``, ``truncate`` or ``wrong_shape``."""
    times: int | None = 1
    status: int = 500
    retry_after: str | None = None
    seconds: float = 30.0
    body: bytes = b""
    hits: int = 0

    def matches(self, path: str) -> bool:
        return (self.times is None or self.hits < self.times) and fnmatch.fnmatchcase(path, self.glob)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake registry received (headers lower-cased)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class RegistryState:
    """What the fake registry serves and remembers. Safe to change while it runs (tests do)."""

    cassettes: Path
    latency: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    projects: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    """PyPI projects by normalised name: (Simple JSON data, headers); filled from cassettes lazily."""
    html_only: bool = False
    """Serve PEP 503 HTML whatever the client accepts (an index that predates PEP 691)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Free for route installers (the Docker fake keeps its repositories here)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    closing: asyncio.Event | None = field(default=None, repr=False)

    def take_fault(self, path: str) -> Fault | None:
        """The first live fault for ``path``, counted as used."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(path):
                    fault.hits += 1
                    return fault
        return None

    def project(self, name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The Simple JSON data and headers for normalised ``name``, from memory or the cassettes."""
        with self.lock:
            if name in self.projects:
                return self.projects[name]
        path = self.cassettes / "pypi" / f"{name}.json"
        packed = path.with_name(f"{name}.json.gz")
        if path.is_file():
            data = json.loads(path.read_bytes())
        elif packed.is_file():
            data = json.loads(gzip.decompress(packed.read_bytes()))
        else:
            return None
        headers_path = path.with_name(f"{name}.headers.json")
        headers = json.loads(headers_path.read_text(encoding="utf-8")) if headers_path.is_file() else {}
        with self.lock:
            self.projects[name] = (data, headers)
        return data, headers


class FakeRegistry:
    """The fake registry; see the module docstring. ``url`` is set once it has started."""

    def __init__(
        self,
        cassettes: Path | str | None = None,
        *,
        latency: float = 0.0,
        html_only: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        installers: Sequence[RouteInstaller] | None = None,
    ) -> None:
        self.state = RegistryState(
            cassettes=Path(cassettes) if cassettes else DEFAULT_CASSETTES,
            latency=latency,
            html_only=html_only,
        )
        self.host = host
        self.port = port
        self.app = web.Application(middlewares=[self._middleware])
        self.app[REGISTRY_KEY] = self
        self._runner: web.AppRunner | None = None
        self.url = ""
        for install in default_installers() if installers is None else installers:
            install(self)

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def index_url(self) -> str:
        """The PyPI Simple index this registry serves (``<url>/simple``)."""
        return f"{self.url}/simple"

    async def start(self) -> str:
        """Start serving; return the base URL (``http://127.0.0.1:<port>``)."""
        self.state.closing = asyncio.Event()
        # handler_cancellation: a client that gave up (a hang test) ends its handler at once.
        self._runner = web.AppRunner(self.app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # aiohttp keeps the bound port only on the asyncio server
        assert isinstance(server, asyncio.base_events.Server)
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{port}"
        logger.debug("fake registry serving at %s", self.url)
        return self.url

    async def stop(self) -> None:
        if self.state.closing is not None:
            self.state.closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeRegistry:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    def run_in_thread(self) -> tuple[str, Callable[[], None]]:
        """Serve from a background thread with its own event loop; return the URL and a stop function."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the caller's thread below
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        thread = threading.Thread(target=serve, name="fake-registry", daemon=True)
        thread.start()
        started.wait(timeout=30)
        if failure:
            raise failure[0]

        def stop() -> None:
            if thread.is_alive():
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=30)

        return self.url, stop

    # --- faults and observation ---------------------------------------------------------------

    @property
    def latency(self) -> float:
        return self.state.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.state.latency = seconds

    def _add(self, fault: Fault) -> Fault:
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def fail(
        self,
        glob: str,
        status: int = 500,
        times: int | None = 1,
        *,
        retry_after: str | None = None,
        body: bytes = b"",
    ) -> Fault:
        """Answer ``status`` (with ``Retry-After`` when given) to the next ``times`` matching requests."""
        return self._add(Fault(glob, "status", times, status=status, retry_after=retry_after, body=body))

    def throttle(self, glob: str, retry_after: str = "1", times: int | None = 1) -> Fault:
        """Answer ``429 Too Many Requests`` with ``Retry-After``."""
        return self.fail(glob, 429, times, retry_after=retry_after)

    def hang(self, glob: str, seconds: float = 30.0, times: int | None = 1) -> Fault:
        """Answer only after ``seconds`` (past any sensible client timeout)."""
        return self._add(Fault(glob, "hang", times, seconds=seconds))

    def reset(self, glob: str, times: int | None = 1) -> Fault:
        """Close the connection with a TCP reset instead of answering."""
        return self._add(Fault(glob, "reset", times))

    def truncate(self, glob: str, times: int | None = 1) -> Fault:
        """Answer with the first half of the real body (status 200)."""
        return self._add(Fault(glob, "truncate", times))

    def wrong_shape(self, glob: str, times: int | None = 1, body: bytes = WRONG_SHAPE) -> Fault:
        """Answer 200 with valid JSON that is not what the API documents."""
        return self._add(Fault(glob, "wrong_shape", times, body=body))

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def count(self, glob: str = "*", method: str | None = None) -> int:
        """How many requests matched the path ``glob`` (and ``method`` when given)."""
        return sum(
            1
            for request in self.requests
            if fnmatch.fnmatchcase(request.path, glob) and (method is None or request.method == method)
        )

    def clear_requests(self) -> None:
        with self.state.lock:
            self.state.requests.clear()

    def add_project(self, name: str, data: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
        """Serve Simple JSON ``data`` for ``name`` (normalised) instead of, or besides, the cassettes."""
        with self.state.lock:
            self.state.projects[canonicalize_name(name)] = (data, headers or {})

    # --- the middleware -----------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        with self.state.lock:
            self.state.requests.append(
                RecordedRequest(
                    request.method,
                    request.path,
                    request.query_string,
                    {name.lower(): value for name, value in request.headers.items()},
                )
            )
        if self.state.latency:
            await asyncio.sleep(self.state.latency)
        fault = self.state.take_fault(request.path)
        if fault is None:
            return _compressed(request, await handler(request))
        logger.debug("fault %s on %s", fault.kind, request.path)
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            return web.Response(status=fault.status, body=fault.body, headers=headers)
        if fault.kind == "hang":
            closing = self.state.closing
            if closing is not None:
                with contextlib.suppress(TimeoutError):  # the normal end of a hang: time is up
                    await asyncio.wait_for(closing.wait(), fault.seconds)
            return await handler(request)
        if fault.kind == "reset":
            _reset(request)
            raise asyncio.CancelledError  # nothing more to send on a closed connection
        response = await handler(request)
        body = response.body if isinstance(response, web.Response) else None
        raw = body if isinstance(body, bytes) else b""
        cut = raw[: len(raw) // 2] if fault.kind == "truncate" else fault.body
        return web.Response(
            status=200, body=cut, content_type=response.content_type, headers=_plain_headers(response)
        )


COMPRESSED_TYPES = ("application/json", "application/vnd.pypi.simple.v1+json", "text/html")
"""The media types the fake compresses, as PyPI's CDN compresses its pages (types with parameters
match by their media type)."""

_GZIPPED: dict[int, tuple[bytes, bytes]] = {}
_GZIPPED_MAX = 1024


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` admits gzip (``q=0`` refuses it; ``*`` admits it)."""
    admitted = False
    for coding, weight in _qualities(accept_encoding):
        if coding.lower() == "gzip":
            return weight > 0
        if coding == "*":
            admitted = weight > 0
    return admitted


def _compressed(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """``response`` gzip-encoded when the client accepts it and it is a page PyPI's CDN would
    compress (a ``200`` of JSON or HTML, 1 KB or more); else ``response`` as it is.

    PyPI honours ``Accept-Encoding: gzip``, and installers (pip, httpx) ask for it, so the bytes
    on the wire, and the work of reading them, are what a real index costs. Each body is
    compressed once and kept, like the rendered pages (see :func:`_rendered`): the benchmarks
    time the tools, not the fake.
    """
    if not isinstance(response, web.Response) or response.status != 200:
        return response
    body = response.body
    if not isinstance(body, bytes) or len(body) < 1024 or "Content-Encoding" in response.headers:
        return response
    if response.content_type not in COMPRESSED_TYPES:
        return response
    response.headers["Vary"] = "Accept-Encoding"
    if not _accepts_gzip(request.headers.get("Accept-Encoding", "")):
        return response
    kept = _GZIPPED.get(id(body))
    if kept is None or kept[0] is not body:
        if len(_GZIPPED) >= _GZIPPED_MAX:  # bodies made per request would otherwise pile up
            _GZIPPED.clear()
        kept = _GZIPPED[id(body)] = (body, gzip.compress(body, compresslevel=6, mtime=0))
    response.body = kept[1]
    response.headers["Content-Encoding"] = "gzip"
    return response


def _plain_headers(response: web.StreamResponse) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in {"content-length", "content-type", "etag"}
    }


def _reset(request: web.Request) -> None:
    """Close the connection with RST (SO_LINGER 0), as a crashed proxy or load balancer does."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if isinstance(sock, socket.socket) or hasattr(sock, "setsockopt"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


# --- PyPI Simple API ------------------------------------------------------------------------


def _qualities(header: str) -> list[tuple[str, float]]:
    """The items of an ``Accept`` or ``Accept-Encoding`` header with their ``q`` weights (1 when
    none is given, 0 when it cannot be read), in the header's order."""
    items = []
    for item in header.split(","):
        value, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, weight = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(weight)
                except ValueError:
                    quality = 0.0
        items.append((value, quality))
    return items


def _accepts_json(accept: str) -> bool:
    """Whether ``Accept`` prefers (or only allows) PEP 691 JSON over HTML."""
    best_json = best_html = 0.0
    for media, quality in _qualities(accept):
        if media == SIMPLE_JSON:
            best_json = max(best_json, quality)
        elif media in (SIMPLE_HTML, "text/html", "*/*"):
            best_html = max(best_html, quality)
    return best_json > 0 and best_json >= best_html


def render_html(data: dict[str, Any]) -> str:
    """A PEP 503 page (with PEP 592 ``data-yanked`` and ``data-requires-python``) from Simple JSON data."""
    name = html.escape(str(data.get("name", "")))
    version = html.escape(str(data.get("meta", {}).get("api-version", "1.0")))
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        f'    <meta name="pypi:repository-version" content="{version}">',
        f"    <title>Links for {name}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {name}</h1>",
    ]
    for file in data.get("files", []):
        href = file["url"]
        sha256 = file.get("hashes", {}).get("sha256")
        if sha256:
            href = f"{href}#sha256={sha256}"
        attributes = [f'href="{html.escape(href)}"']
        if file.get("requires-python"):
            attributes.append(f'data-requires-python="{html.escape(file["requires-python"])}"')
        yanked = file.get("yanked", False)
        if yanked is not False:
            reason = yanked if isinstance(yanked, str) else ""
            attributes.append(f'data-yanked="{html.escape(reason)}"')
        lines.append(f"    <a {' '.join(attributes)}>{html.escape(file['filename'])}</a><br />")
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines)


_RENDERED: dict[tuple[int, bool], tuple[dict[str, Any], bytes]] = {}


def _rendered(data: dict[str, Any], as_json: bool) -> bytes:
    """The body for ``data``, rendered once per data object (benchmarks ask for the same pages often)."""
    key = (id(data), as_json)
    cached = _RENDERED.get(key)
    if cached is not None and cached[0] is data:
        return cached[1]
    body = json.dumps(data, sort_keys=True).encode() if as_json else render_html(data).encode()
    _RENDERED[key] = (data, body)
    return body


def _etag(body: bytes) -> str:
    return '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'


async def _simple_project(request: web.Request) -> web.StreamResponse:
    registry = request.app[REGISTRY_KEY]
    written = request.match_info["name"]
    name = canonicalize_name(written)
    if written != name:
        raise web.HTTPMovedPermanently(f"/simple/{name}/")
    found = registry.state.project(name)
    if found is None:
        return web.Response(status=404, text="404 Not Found", content_type="text/plain")
    data, recorded = found
    as_json = not registry.state.html_only and _accepts_json(request.headers.get("Accept", ""))
    body = _rendered(data, as_json)
    if as_json:
        content_type = recorded.get("content-type", SIMPLE_JSON)
        etag = recorded["etag"] if "etag" in recorded else _etag(body)
    else:
        content_type = "text/html; charset=utf-8"
        etag = _etag(body) if recorded.get("etag", True) is not None else None
    headers = {"Content-Type": content_type}
    if etag is not None:
        headers["ETag"] = etag
        if etag in (tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")):
            return web.Response(status=304, headers={"ETag": etag})
    return web.Response(body=body, headers=headers)


async def _simple_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently(f"/simple/{canonicalize_name(request.match_info['name'])}/")


async def _simple_root(request: web.Request) -> web.StreamResponse:
    registry = request.app[REGISTRY_KEY]
    recorded = {
        path.name.removesuffix(".gz").removesuffix(".json")
        for path in (registry.state.cassettes / "pypi").glob("*.json*")
        if not path.name.endswith(".headers.json")
    }
    names = sorted(recorded | set(registry.state.projects))
    if _accepts_json(request.headers.get("Accept", "")):
        payload = {"meta": {"api-version": "1.1"}, "projects": [{"name": name} for name in names]}
        return web.json_response(payload, content_type=SIMPLE_JSON)
    links = "\n".join(f'<a href="{name}/">{name}</a><br />' for name in names)
    return web.Response(
        text=f"<!DOCTYPE html>\n<html><body>\n{links}\n</body></html>\n", content_type="text/html"
    )


def install_pypi_routes(registry: FakeRegistry) -> None:
    """The PyPI Simple API: ``/simple/`` and ``/simple/<name>/``."""
    router = registry.app.router
    router.add_get("/simple/", _simple_root)
    router.add_get("/simple/{name}/", _simple_project)
    router.add_get("/simple/{name}", _simple_redirect)


def default_installers() -> list[RouteInstaller]:
    """PyPI routes, plus ``depcheck.testing.fake_docker.install_routes`` when that module exists."""
    installers: list[RouteInstaller] = [install_pypi_routes]
    if importlib.util.find_spec("depcheck.testing.fake_docker") is not None:
        module = importlib.import_module("depcheck.testing.fake_docker")
        install = getattr(module, "install_routes", None)
        if install is not None:
            installers.append(install)
    return installers


# --- command line ---------------------------------------------------------------------------


def _main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the recorded registry cassettes on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cassettes", type=Path, default=DEFAULT_CASSETTES)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def serve() -> None:
        registry = FakeRegistry(args.cassettes, latency=args.latency, host=args.host, port=args.port)
        async with registry:
            # The one line a benchmark script reads to learn where to point depcheck.
            print(registry.url, flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how this server is meant to stop
        asyncio.run(serve())


if __name__ == "__main__":
    _main()


__all__ = [
    "DEFAULT_CASSETTES",
    "REGISTRY_KEY",
    "FakeRegistry",
    "Fault",
    "RecordedRequest",
    "RegistryState",
    "RouteInstaller",
    "install_pypi_routes",
    "render_html",
]
