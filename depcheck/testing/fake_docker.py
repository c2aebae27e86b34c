"""Docker Hub and OCI registry routes for the fake registry on loopback.

Installed into :class:`~depcheck.testing.fake_registry.FakeRegistry` by :func:`install_routes`
(the fake registry picks it up by itself), so faults and latency come from that server's
middleware. What is served:

- the Docker Hub tags API, ``/v2/namespaces/{ns}/repositories/{repo}/tags?page=&page_size=``
  (``page_size`` defaults to 10, at most 100, as documented) with ``count``/``next``/``previous``,
  and ``.../tags/{tag}``, from ``cassettes/docker/hub/<ns>/<repo>.json`` (a Hub ``results``
  list); a repository without a cassette answers the Hub's 404 body;
- an OCI distribution registry per host under ``/oci/<host>`` (point a client's endpoint for
  ``ghcr.io`` at ``<url>/oci/ghcr.io``), and the one for host ``localhost`` at the root as well
  (``127.0.0.1:<port>/team/app`` reaches it over plain HTTP): ``/v2/`` and every repository
  route answer 401 with a ``Bearer`` challenge whose realm is this server's own ``/token``;
  the token endpoint issues bearer tokens (checking Basic credentials for private
  repositories); ``tags/list`` is lexically ordered and paginated with ``n`` and an opaque
  ``last`` cursor through a relative ``Link: <...>; rel="next"``; ``HEAD``/``GET
  /manifests/<tag>`` give ``Docker-Content-Digest`` (404 ``MANIFEST_UNKNOWN`` for a missing
  tag, 404 when the ``Accept`` header leaves out the index types, as the real registry does);
  a private repository answers 401 (``insufficient_scope`` with an anonymous token). Data comes
  from ``cassettes/docker/oci/<host>/<repo>.json``: ``{"tags": {tag: digest}, "private": bool,
  "credentials": {"username", "password"}}``.

Tests change the behaviour through :class:`DockerOptions` (``docker_options(registry)``): a
smaller Hub page, relative or foreign ``next`` links, tokens under ``access_token`` only, no
``expires_in``, 401 instead of 404 for missing repositories.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from depcheck.testing.fake_registry import REGISTRY_KEY, FakeRegistry

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
LOCAL_HOST = "localhost"
"""The OCI host served at the fake's root as well as under ``/oci/localhost``."""


@dataclass
class DockerOptions:
    """Switches tests flip to exercise a client against the variants real registries show."""

    hub_page_size: int | None = None
    """Cap the Hub page size below the client's request (to force many pages)."""
    hub_next: str = "absolute"
    """``absolute`` (the Hub's own), ``relative`` (path and query only) or an origin to point ``next`` at."""
    oci_page_size: int | None = None
    """Cap ``n`` on ``tags/list`` (to force ``Link`` pagination)."""
    token_field: str = "both"
    """``token``, ``access_token`` or ``both``: the key(s) the token answer uses."""
    token_expires_in: int | None = 300
    """``None`` leaves ``expires_in`` out (clients must assume 60 s)."""
    hide_missing: bool = False
    """Answer 401 instead of 404 for a repository that does not exist (as Docker Hub's registry does)."""
    extra_challenge: str | None = None
    """A challenge sent before the Bearer one in the same ``WWW-Authenticate`` (``Basic realm="x"``)."""


@dataclass
class OciRepository:
    tags: dict[str, str]
    private: bool = False
    credentials: tuple[str, str] | None = None


@dataclass
class _Token:
    host: str
    repository: str
    authenticated: bool


@dataclass
class DockerState:
    """What the Docker routes serve and the tokens they issued; kept in ``registry.state.extra``."""

    cassettes: Path
    options: DockerOptions = field(default_factory=DockerOptions)
    hub: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)
    oci: dict[tuple[str, str], OciRepository | None] = field(default_factory=dict)
    tokens: dict[str, _Token] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hub_results(self, repository: str) -> list[dict[str, Any]] | None:
        with self.lock:
            if repository in self.hub:
                return self.hub[repository]
        path = self.cassettes / "docker" / "hub" / f"{repository}.json"
        results = json.loads(path.read_text(encoding="utf-8"))["results"] if path.is_file() else None
        with self.lock:
            self.hub.setdefault(repository, results)
            return self.hub[repository]

    def oci_repository(self, host: str, repository: str) -> OciRepository | None:
        key = (host, repository)
        with self.lock:
            if key in self.oci:
                return self.oci[key]
        path = self.cassettes / "docker" / "oci" / host / f"{repository}.json"
        found: OciRepository | None = None
        if path.is_file() and ".." not in Path(repository).parts:
            data = json.loads(path.read_text(encoding="utf-8"))
            credentials = data.get("credentials")
            found = OciRepository(
                tags=dict(data["tags"]),
                private=bool(data.get("private", False)),
                credentials=(credentials["username"], credentials["password"]) if credentials else None,
            )
        with self.lock:
            self.oci.setdefault(key, found)
            return self.oci[key]


def docker_state(registry: FakeRegistry) -> DockerState:
    """The Docker routes' state in ``registry`` (created by :func:`install_routes`)."""
    state = registry.state.extra["docker"]
    assert isinstance(state, DockerState)
    return state


def docker_options(registry: FakeRegistry) -> DockerOptions:
    """The switches of ``registry``'s Docker routes; change them at any time."""
    return docker_state(registry).options


def add_hub_repository(registry: FakeRegistry, repository: str, results: list[dict[str, Any]]) -> None:
    """Serve ``results`` (Hub tag objects) for ``repository`` (``namespace/name``)."""
    state = docker_state(registry)
    with state.lock:
        state.hub[repository] = results


def add_oci_repository(
    registry: FakeRegistry,
    host: str,
    repository: str,
    tags: dict[str, str],
    *,
    private: bool = False,
    credentials: tuple[str, str] | None = None,
) -> None:
    """Serve ``tags`` (tag -> digest) for ``repository`` on OCI ``host``."""
    state = docker_state(registry)
    with state.lock:
        state.oci[(host, repository)] = OciRepository(dict(tags), private, credentials)


def hub_tag(
    name: str, digest: str | None, last_updated: str | None = "2025-01-01T00:00:00Z"
) -> dict[str, Any]:
    """A minimal Hub tag object, for tests that build a repository in code."""
    entry: dict[str, Any] = {"name": name, "last_updated": last_updated, "tag_status": "active"}
    if digest is not None:
        entry["digest"] = digest
    return entry


# --- Docker Hub ---------------------------------------------------------------------------------


def _state(request: web.Request) -> DockerState:
    return docker_state(request.app[REGISTRY_KEY])


def _hub_not_found(message: str, **info: str) -> web.Response:
    return web.json_response({"message": f"httperror 404: {message}", "errinfo": info}, status=404)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


async def _hub_tags(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    namespace, name = request.match_info["namespace"], request.match_info["repository"]
    results = state.hub_results(f"{namespace}/{name}")
    if results is None:
        return _hub_not_found("object not found", namespace=namespace, repository=name)
    page = max(1, _int(request.query.get("page"), 1))
    size = min(100, max(1, _int(request.query.get("page_size"), 10)))
    if state.options.hub_page_size is not None:
        size = min(size, state.options.hub_page_size)
    start = (page - 1) * size
    if start >= len(results) and page > 1:
        return _hub_not_found("page not found", namespace=namespace, repository=name)
    chunk = results[start : start + size]

    def link(number: int) -> str:
        query = urlencode({"page": number, "page_size": size})
        path = f"{request.path}?{query}"
        if state.options.hub_next == "relative":
            return path
        if state.options.hub_next == "absolute":
            return f"{request.scheme}://{request.host}{path}"
        return f"{state.options.hub_next}{path}"

    body = {
        "count": len(results),
        "next": link(page + 1) if start + size < len(results) else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": chunk,
    }
    return web.json_response(body)


async def _hub_tag(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    namespace, name, tag = (request.match_info[key] for key in ("namespace", "repository", "tag"))
    results = state.hub_results(f"{namespace}/{name}")
    if results is None:
        return _hub_not_found("object not found", namespace=namespace, repository=name)
    for entry in results:
        if entry.get("name") == tag:
            return web.json_response(entry)
    return _hub_not_found(f"tag '{tag}' not found", namespace=namespace, repository=name, tag=tag)


# --- OCI distribution ---------------------------------------------------------------------------


def _prefix(host: str, request: web.Request) -> str:
    return "" if "host" not in request.match_info else f"/oci/{host}"


def _host(request: web.Request) -> str:
    return request.match_info.get("host", LOCAL_HOST)


def _errors(code: str, message: str, repository: str | None = None) -> dict[str, Any]:
    detail = [{"Type": "repository", "Class": "", "Name": repository, "Action": "pull"}] if repository else []
    return {"errors": [{"code": code, "message": message, "detail": detail}]}


def _challenge(request: web.Request, repository: str | None, error: str | None = None) -> web.Response:
    state = _state(request)
    host = _host(request)
    realm = f"{request.scheme}://{request.host}{_prefix(host, request)}/token"
    bearer = f'Bearer realm="{realm}",service="{host}"'
    if repository is not None:
        bearer += f',scope="repository:{repository}:pull"'
    if error is not None:
        bearer += f',error="{error}"'
    value = f"{state.options.extra_challenge}, {bearer}" if state.options.extra_challenge else bearer
    body = _errors("UNAUTHORIZED", "authentication required", repository)
    return web.json_response(
        body,
        status=401,
        headers={"WWW-Authenticate": value, "Docker-Distribution-Api-Version": "registry/2.0"},
    )


def _basic(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


async def _token(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    host = _host(request)
    scope = request.query.get("scope", "")
    parts = scope.split(":")
    repository = parts[1] if len(parts) == 3 and parts[0] == "repository" else ""
    given = _basic(request)
    found = state.oci_repository(host, repository) if repository else None
    authenticated = False
    if given is not None:
        if found is None or found.credentials is None or given != found.credentials:
            return web.json_response({"details": "incorrect username or password"}, status=401)
        authenticated = True
    value = secrets.token_hex(16)
    with state.lock:
        state.tokens[value] = _Token(host, repository, authenticated)
    body: dict[str, Any] = {"issued_at": dt.datetime.now(dt.UTC).isoformat()}
    if state.options.token_field in ("token", "both"):
        body["token"] = value
    if state.options.token_field in ("access_token", "both"):
        body["access_token"] = value
    if state.options.token_expires_in is not None:
        body["expires_in"] = state.options.token_expires_in
    return web.json_response(body)


def _authorize(request: web.Request, repository: str) -> tuple[OciRepository | None, web.Response | None]:
    """The repository when the request's bearer token may read it, else the 401 or 404 to send."""
    state = _state(request)
    host = _host(request)
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    token = state.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
    if token is None or token.host != host or token.repository != repository:
        return None, _challenge(request, repository)
    found = state.oci_repository(host, repository)
    if found is None:
        if state.options.hide_missing:
            return None, _challenge(request, repository, "insufficient_scope")
        return None, web.json_response(
            _errors("NAME_UNKNOWN", "repository name not known to registry", repository), status=404
        )
    if found.private and not token.authenticated:
        return None, _challenge(request, repository, "insufficient_scope")
    return found, None


async def _ping(request: web.Request) -> web.StreamResponse:
    return _challenge(request, None)


async def _tags_list(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    repository = request.match_info["name"]
    found, refusal = _authorize(request, repository)
    if refusal is not None:
        return refusal
    assert found is not None
    names = sorted(found.tags)
    last = request.query.get("last")
    if last:
        try:
            after = base64.urlsafe_b64decode(last.encode()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return web.json_response(_errors("PAGINATION_NUMBER_INVALID", "invalid last"), status=400)
        names = [name for name in names if name > after]
    size = _int(request.query.get("n"), len(names) or 1)
    if state.options.oci_page_size is not None:
        size = min(size, state.options.oci_page_size)
    page, rest = names[:size], names[size:]
    body: dict[str, Any] = {"name": repository, "tags": page}
    if _host(request) == "gcr.io":
        # gcr.io adds the digests (and upload times) of every listed tag.
        manifests: dict[str, dict[str, Any]] = {}
        for name in page:
            entry = manifests.setdefault(
                found.tags[name],
                {
                    "imageSizeBytes": "31415926",
                    "mediaType": INDEX_TYPES[0],
                    "tag": [],
                    "timeCreatedMs": "1763600000000",
                    "timeUploadedMs": "1763600000000",
                },
            )
            entry["tag"].append(name)
        body["child"] = []
        body["manifest"] = manifests
    headers = {"Docker-Distribution-Api-Version": "registry/2.0"}
    if rest:
        cursor = base64.urlsafe_b64encode(page[-1].encode()).decode()
        target = f"{_prefix(_host(request), request)}/v2/{repository}/tags/list?{urlencode({'last': cursor, 'n': size})}"
        headers["Link"] = f'<{target}>; rel="next"'
    return web.json_response(body, headers=headers)


async def _manifest(request: web.Request) -> web.StreamResponse:
    repository, reference = request.match_info["name"], request.match_info["reference"]
    found, refusal = _authorize(request, repository)
    if refusal is not None:
        return refusal
    assert found is not None
    digest = found.tags.get(reference)
    if digest is None and reference.startswith("sha256:") and reference in found.tags.values():
        digest = reference
    if digest is None:
        return web.json_response(_errors("MANIFEST_UNKNOWN", "manifest unknown", repository), status=404)
    accept = request.headers.get("Accept", "")
    if not any(media in accept for media in INDEX_TYPES):
        return web.json_response(
            _errors("MANIFEST_UNKNOWN", "OCI index found, but accept header does not support OCI indexes"),
            status=404,
        )
    platform = "sha256:" + hashlib.sha256(f"{digest}/amd64".encode()).hexdigest()
    body = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": INDEX_TYPES[0],
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": platform,
                    "size": 1234,
                    "platform": {"architecture": "amd64", "os": "linux"},
                }
            ],
        }
    ).encode()
    headers = {
        "Docker-Content-Digest": digest,
        "ETag": f'"{digest}"',
        "Docker-Distribution-Api-Version": "registry/2.0",
        "Content-Type": INDEX_TYPES[0],
    }
    return web.Response(body=body, headers=headers)


def install_routes(registry: FakeRegistry) -> None:
    """Add the Docker Hub and OCI routes to ``registry`` (the fake registry's installer hook)."""
    registry.state.extra["docker"] = DockerState(cassettes=registry.state.cassettes)
    router = registry.app.router
    hub = "/v2/namespaces/{namespace}/repositories/{repository}/tags"
    router.add_get(hub, _hub_tags)
    router.add_get(hub + "/{tag}", _hub_tag)
    for prefix in ("/oci/{host}", ""):
        router.add_get(prefix + "/token", _token)
        router.add_get(prefix + "/v2/", _ping)
        router.add_get(prefix + "/v2/{name:.+}/tags/list", _tags_list)
        router.add_get(prefix + "/v2/{name:.+}/manifests/{reference}", _manifest)


__all__ = [
    "DockerOptions",
    "DockerState",
    "add_hub_repository",
    "add_oci_repository",
    "docker_options",
    "docker_state",
    "hub_tag",
    "install_routes",
]
