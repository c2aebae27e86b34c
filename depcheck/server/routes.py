"""The service's endpoints: each reads and checks its input, asks the shared clients, answers JSON.

Every input problem is raised as an :class:`~depcheck.server.errors.ApiError` naming the field
(the middleware in :mod:`depcheck.server.app` writes it out): 400 for a request that is wrong in
itself, 403 for a registry the service will not ask (a well-formed request the service's policy
refuses), 413 for one over the limits. A registry that cannot answer is a
502 on the lookup endpoints; in an audit it is a ``registry-error`` finding in the report and
``X-Depcheck-Exit-Code: 3``, as the CLI would exit.

Routes (see ``/openapi.json`` for the shapes):

- ``POST /v1/audit``: files and options in, the JSON report version 1 out;
- ``GET /v1/pypi/{name}/latest?python=&min_age=&index=``: the exact version to write;
- ``GET /v1/pypi/{name}/{version}?index=``: whether that version exists, and whether it is yanked;
- ``GET /v1/docker/{image}/latest?tag=``: the exact tag to write (the image may hold slashes:
  ``ghcr.io/astral-sh/uv``, so the route takes everything up to the last ``/latest``);
- ``GET /healthz``, ``GET /metrics``, ``GET /openapi.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from collections.abc import Collection, Mapping
from typing import Any

from aiohttp import web
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

import depcheck
from depcheck.audit import AuditOptions
from depcheck.config import parse_duration
from depcheck.exitcodes import exit_code
from depcheck.formats.json import report_dict
from depcheck.model import Severity
from depcheck.policy import Policy, Strategy
from depcheck.registries.interface import ImageFacts, ProjectFacts, RegistryError
from depcheck.server import keys
from depcheck.server.audit import audit_files
from depcheck.server.errors import JSON_TYPE, ApiError, json_response
from depcheck.server.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from depcheck.server.schemas import AUDIT_REQUEST, PYTHON_PATTERN, validate
from depcheck.server.security import RegistryNotAllowed, check_file_name, check_limits
from depcheck.sources.image import InvalidImageReference, parse_image_ref
from depcheck.suggest.docker import latest_tag
from depcheck.suggest.pypi import suggest_version

logger = logging.getLogger(__name__)

EXIT_CODE_HEADER = "X-Depcheck-Exit-Code"

PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
"""A valid PyPI project name (PEP 508 / the core metadata ``Name`` field)."""


# --- reading input ------------------------------------------------------------------------------


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: web.Request) -> object:
    """The request body decoded as JSON; 415 for another content type, 400 for bad JSON."""
    if request.body_exists and request.content_type not in (JSON_TYPE, "application/octet-stream"):
        media = request.content_type
        if not media.endswith("+json"):
            raise ApiError(
                415,
                "unsupported_media_type",
                f"send the body as {JSON_TYPE}, not {media}",
                headers={"Accept-Post": JSON_TYPE},
            )
    body = await request.read()  # aiohttp raises 413 past client_max_size
    if not body.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object")
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_json", f"the body is not UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, "invalid_json", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # NaN or Infinity, which Python accepts and JSON does not
        raise ApiError(400, "invalid_json", str(exc)) from exc
    except RecursionError as exc:
        raise ApiError(400, "invalid_json", "the JSON is nested too deeply") from exc


def query_params(request: web.Request, allowed: Collection[str]) -> dict[str, str]:
    """The query parameters, each at most once and each one known; anything else is a 400."""
    values: dict[str, str] = {}
    for name, value in request.query.items():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise ApiError(
                400, "unknown_field", f"{name}: unknown query parameter (known: {known})", field=name
            )
        if name in values:
            raise ApiError(400, "invalid_field", f"{name}: given more than once", field=name)
        values[name] = value
    return values


def _python(text: str, field: str) -> Version:
    if re.fullmatch(PYTHON_PATTERN, text) is None:
        raise ApiError(
            400, "invalid_field", f"{field}: {text!r} is not a Python version such as 3.12", field=field
        )
    return Version(text)


def _min_age(text: str, field: str) -> dt.timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:  # unreadable, or more days than a timedelta holds
        raise ApiError(400, "invalid_field", f"{field}: {exc}", field=field) from exc


def request_policy(
    base: Policy, *, python: str | None, min_age: str | None, strategy: str | None, prefix: str
) -> Policy:
    """``base`` (the service's configured policy) with a request's own choices laid over it."""
    changes: dict[str, Any] = {"now": dt.datetime.now(dt.UTC)}
    if python is not None:
        changes["python"] = _python(python, f"{prefix}python")
    if min_age is not None:
        changes["min_age"] = _min_age(min_age, f"{prefix}min_age")
    if strategy is not None:
        changes["strategy"] = Strategy(strategy)
    return dataclasses.replace(base, **changes)


async def allowed_index(request: web.Request, url: str | None, field: str) -> str | None:
    """``url`` when the registry guard lets the service ask it (``None`` stays the default index)."""
    if url is None:
        return None
    try:
        await request.app[keys.SERVICES].guard.check_url(url)
    except RegistryNotAllowed as exc:
        raise ApiError(
            403, "registry_not_allowed", f"{field}: {exc.registry}: {exc.reason}", field=field
        ) from exc
    return url


def registry_failure(exc: RegistryError) -> ApiError:
    return ApiError(502, "registry_error", f"{exc.registry} could not answer: {exc.reason}")


def _project_name(request: web.Request) -> str:
    name = request.match_info["name"]
    if PROJECT_NAME.fullmatch(name) is None:
        raise ApiError(400, "invalid_field", f"name: {name!r} is not a valid PyPI project name", field="name")
    return canonicalize_name(name)


# --- endpoints ----------------------------------------------------------------------------------


async def audit(request: web.Request) -> web.Response:
    """``POST /v1/audit``."""
    config = request.app[keys.CONFIG]
    data = await read_json(request)
    validate(data, AUDIT_REQUEST)
    assert isinstance(data, dict)
    files: dict[str, str] = data["files"]
    check_limits(files, max_files=config.max_files, max_lines=config.max_lines)
    for name in files:
        check_file_name(name)
    options: dict[str, Any] = data.get("options") or {}
    policy = request_policy(
        config.project.policy(),
        python=options.get("python"),
        min_age=options.get("min_age"),
        strategy=options.get("strategy"),
        prefix="options.",
    )
    index_url = await allowed_index(request, options.get("index_url"), "options.index_url")
    audit_options = AuditOptions(
        static=bool(options.get("static", False)),
        build_args=dict(options.get("build_args") or {}),
        policy=policy,
    )
    services = request.app[keys.SERVICES]
    verifier = None if audit_options.static else services.verifier(index_url)
    report = await audit_files(files, audit_options, verifier, config.project)
    fail_on_text = options.get("fail_on")
    fail_on = config.project.fail_on if fail_on_text is None else _fail_on(fail_on_text)
    code = exit_code(report, fail_on)
    logger.info(
        "audited %d files: %d dependencies, %d findings, exit code %d",
        len(report.files),
        len(report.dependencies),
        len(report.findings),
        code,
    )
    return json_response(report_dict(report), headers={EXIT_CODE_HEADER: str(code)})


def _fail_on(text: str) -> Severity | None:
    return None if text == "never" else Severity(text)


async def _project(request: web.Request, name: str, index_url: str | None) -> ProjectFacts:
    services = request.app[keys.SERVICES]
    try:
        facts = await services.lookup_index(index_url).project(name)
    except RegistryError as exc:
        raise registry_failure(exc) from exc
    if not facts.found:
        raise ApiError(404, "unknown_package", f"{name}: no such project on {facts.index}")
    return facts


async def pypi_latest(request: web.Request) -> web.Response:
    """``GET /v1/pypi/{name}/latest``."""
    name = _project_name(request)
    query = query_params(request, ("python", "min_age", "index"))
    policy = request_policy(
        request.app[keys.CONFIG].project.policy(),
        python=query.get("python"),
        min_age=query.get("min_age"),
        strategy=Strategy.LATEST.value,
        prefix="",
    )
    index_url = await allowed_index(request, query.get("index"), "index")
    facts = await _project(request, name, index_url)
    version = suggest_version(
        facts, current_specifier="", policy=policy, requires_python=None, allow_prerelease=False
    )
    if version is None:
        conditions = [f"Python {policy.python}" if policy.python else None]
        if policy.min_age is not None:
            conditions.append(f"at least {query.get('min_age')} old")
        shown = " and ".join(condition for condition in conditions if condition) or "this policy"
        raise ApiError(404, "no_version", f"{name}: no stable, non-yanked release with files fits {shown}")
    release = facts.releases[version]
    return json_response(
        {
            "name": facts.name,
            "version": version,
            "index": facts.index,
            "requires_python": release.requires_python,
            "upload_time": release.upload_time.isoformat() if release.upload_time else None,
        }
    )


async def pypi_version(request: web.Request) -> web.Response:
    """``GET /v1/pypi/{name}/{version}``."""
    name = _project_name(request)
    asked = request.match_info["version"]
    try:
        wanted = Version(asked)
    except InvalidVersion as exc:
        raise ApiError(
            400, "invalid_field", f"version: {asked!r} is not a PEP 440 version", field="version"
        ) from exc
    query = query_params(request, ("index",))
    index_url = await allowed_index(request, query.get("index"), "index")
    facts = await _project(request, name, index_url)
    for written, release in facts.releases.items():
        try:
            same = Version(written) == wanted
        except InvalidVersion:
            continue
        if same:
            return json_response(
                {
                    "name": facts.name,
                    "version": written,
                    "exists": True,
                    "yanked": release.yanked,
                    "yanked_reason": release.yanked_reason,
                }
            )
    return json_response(
        {"name": facts.name, "version": asked, "exists": False, "yanked": False, "yanked_reason": None}
    )


async def docker_latest(request: web.Request) -> web.Response:
    """``GET /v1/docker/{image}/latest``."""
    text = request.match_info["image"]
    query = query_params(request, ("tag",))
    try:
        ref = parse_image_ref(text)
    except InvalidImageReference as exc:
        raise ApiError(400, "invalid_field", f"image: {exc.reason}", field="image") from exc
    current = query.get("tag")
    if ref.tag is not None or ref.digest is not None:
        if current is not None:
            raise ApiError(
                400,
                "invalid_field",
                "tag: the image already names a tag or digest; give it in one place",
                field="tag",
            )
        current = (ref.tag or "") + (f"@{ref.digest}" if ref.digest else "")
    services = request.app[keys.SERVICES]
    if ref.registry is not None:
        try:
            await services.guard.check_image_registry(ref.registry)
        except RegistryNotAllowed as exc:
            raise ApiError(
                403, "registry_not_allowed", f"image: {exc.registry}: {exc.reason}", field="image"
            ) from exc
    policy = request_policy(
        request.app[keys.CONFIG].project.policy(), python=None, min_age=None, strategy=None, prefix=""
    )
    try:
        facts = await services.images.image(ref.registry, ref.repository)
        if not facts.found:
            why = (
                "no such image repository, or it is private" if facts.private else "no such image repository"
            )
            raise ApiError(404, "unknown_image", f"{ref.name}: {why}")
        tag = latest_tag(facts, current, policy)
        if tag is not None:
            facts = await services.images.fill_digests(facts, [tag])
    except RegistryError as exc:
        raise registry_failure(exc) from exc
    if tag is None:
        raise ApiError(404, "no_tag", f"{ref.name}: no published tag fits {current or 'latest'}")
    return json_response({"image": ref.name, "tag": tag, "digest": _digest(facts, tag)})


def _digest(facts: ImageFacts, tag: str) -> str | None:
    info = facts.tags.get(tag)
    return info.digest if info is not None else None


async def healthz(request: web.Request) -> web.Response:
    """``GET /healthz``: the process serves (used by load balancers; needs no token)."""
    return json_response({"status": "ok", "version": depcheck.__version__})


async def metrics(request: web.Request) -> web.Response:
    """``GET /metrics``: Prometheus text format."""
    body = request.app[keys.METRICS].render()
    response = web.Response(body=body)
    response.headers["Content-Type"] = METRICS_CONTENT_TYPE
    return response


async def openapi(request: web.Request) -> web.Response:
    """``GET /openapi.json``."""
    return json_response(request.app[keys.OPENAPI])


def add_routes(app: web.Application) -> None:
    """Register every route; ``/latest`` before ``/{version}`` so that it wins."""
    router = app.router
    router.add_post("/v1/audit", audit)
    router.add_get("/v1/pypi/{name}/latest", pypi_latest)
    router.add_get("/v1/pypi/{name}/{version}", pypi_version)
    router.add_get("/v1/docker/{image:.+}/latest", docker_latest)
    router.add_get("/healthz", healthz)
    router.add_get("/metrics", metrics)
    router.add_get("/openapi.json", openapi)


PUBLIC_PATHS: Mapping[str, str] = {"/healthz": "liveness probes", "/openapi.json": "API discovery"}
"""Paths answered without a token, and why."""
