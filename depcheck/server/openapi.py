"""``/openapi.json``: an OpenAPI 3.1 description of every route, built from the same schemas the
service validates with (:mod:`depcheck.server.schemas`), so the document cannot drift from the
checks. Every route lists each status it can answer and the JSON error shape of the 4xx and 5xx.
The ``bearer`` security scheme applies to every route but ``/healthz`` and ``/openapi.json``
when the service was started with tokens.
"""

from __future__ import annotations

import copy
from typing import Any

import depcheck
from depcheck.server.schemas import (
    AUDIT_REQUEST,
    DOCKER_LATEST,
    DURATION_PATTERN,
    ERROR,
    HEALTH,
    PYPI_LATEST,
    PYPI_VERSION,
    PYTHON_PATTERN,
    REPORT,
    URL_PATTERN,
)

VERSION_PATTERN = (
    r"^[vV]?([0-9]+!)?[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?"
    r"(\+[a-z0-9]+(\.[a-z0-9]+)*)?$"
)
"""Canonical PEP 440 versions (the service accepts every form ``packaging`` reads)."""

_COMPONENT = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
IMAGE_PATTERN = rf"^([A-Za-z0-9.-]+(:[0-9]+)?/)?{_COMPONENT}(/{_COMPONENT})*$"
"""An image name as Docker reads it, without tag or digest (the service also takes ``name:tag``)."""

_ERROR_TEXT = {
    400: "The request is malformed: invalid JSON, a wrong type, an unknown or missing field, a bad name or path.",
    401: "A valid bearer token is required.",
    403: "The request names a registry this service does not ask (not on its allow-list, or not a public address).",
    404: "No such route, project, image or matching release.",
    405: "The route does not take this method.",
    413: "The body, or the number of files or lines, is over this service's limits.",
    415: "The body is not JSON.",
    429: "Too many requests from this client; retry after Retry-After seconds.",
    502: "A registry could not answer.",
    504: "The request took longer than this service's time limit.",
}

_PROJECT_NAME_PARAM = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "PyPI project name (normalised in the answer).",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$", "maxLength": 200},
}

_INDEX_PARAM = {
    "name": "index",
    "in": "query",
    "required": False,
    "description": "A PyPI-compatible index URL on the service's allow-list (default: the service's index).",
    "schema": {"type": "string", "maxLength": 2048, "pattern": URL_PATTERN},
}


def _error(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _ERROR_TEXT[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
        }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _responses(ok: dict[str, Any], *statuses: int) -> dict[str, Any]:
    return {"200": ok, **{str(status): _error(status) for status in statuses}}


_V1_ERRORS = (400, 401, 403, 405, 429, 504)


def openapi_document(*, auth: bool, max_files: int) -> dict[str, Any]:
    """The OpenAPI 3.1 document; ``auth`` when the service requires bearer tokens, ``max_files``
    its limit of files per audit."""
    audit_ok = _ok("The JSON report, version 1.", "Report")
    audit_ok["headers"] = {
        "X-Depcheck-Exit-Code": {
            "description": "What `depcheck audit` would exit with: 0 clean, 1 findings at or above fail_on, 3 a registry failed.",
            "schema": {"type": "string", "enum": ["0", "1", "3"]},
        }
    }
    paths: dict[str, Any] = {
        "/v1/audit": {
            "post": {
                "operationId": "audit",
                "summary": "Audit dependency files sent in the body.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AuditRequest"}}
                    },
                },
                "responses": _responses(audit_ok, *_V1_ERRORS, 413, 415),
            }
        },
        "/v1/pypi/{name}/latest": {
            "get": {
                "operationId": "pypiLatest",
                "summary": "The exact PyPI version to write today.",
                "parameters": [
                    _PROJECT_NAME_PARAM,
                    {
                        "name": "python",
                        "in": "query",
                        "required": False,
                        "description": "Target Python (3.12).",
                        "schema": {"type": "string", "pattern": PYTHON_PATTERN},
                    },
                    {
                        "name": "min_age",
                        "in": "query",
                        "required": False,
                        "description": "Only releases at least this old (7d, 12h, 2w).",
                        "schema": {"type": "string", "pattern": DURATION_PATTERN, "maxLength": 32},
                    },
                    _INDEX_PARAM,
                ],
                "responses": _responses(_ok("The version to write.", "PypiLatest"), *_V1_ERRORS, 404, 502),
            }
        },
        "/v1/pypi/{name}/{version}": {
            "get": {
                "operationId": "pypiVersion",
                "summary": "Whether a version exists on the index, and whether it is yanked.",
                "parameters": [
                    _PROJECT_NAME_PARAM,
                    {
                        "name": "version",
                        "in": "path",
                        "required": True,
                        "description": "A PEP 440 version (1.0, 2.31.0); `latest` is the route above.",
                        "schema": {"type": "string", "pattern": VERSION_PATTERN, "maxLength": 128},
                    },
                    _INDEX_PARAM,
                ],
                "responses": _responses(_ok("What the index says.", "PypiVersion"), *_V1_ERRORS, 404, 502),
            }
        },
        "/v1/docker/{image}/latest": {
            "get": {
                "operationId": "dockerLatest",
                "summary": "The exact image tag to write today, keeping the current tag's line and variant.",
                "parameters": [
                    {
                        "name": "image",
                        "in": "path",
                        "required": True,
                        "description": (
                            "The image as written in a Dockerfile, without tag: python, "
                            "bitnami/redis, ghcr.io/astral-sh/uv. Its slashes are sent as they are."
                        ),
                        "schema": {"type": "string", "pattern": IMAGE_PATTERN, "maxLength": 255},
                    },
                    {
                        "name": "tag",
                        "in": "query",
                        "required": False,
                        "description": "The current tag (3.12-slim), to keep its line and variant; default latest.",
                        "schema": {"type": "string", "maxLength": 300},
                    },
                ],
                "responses": _responses(_ok("The tag to write.", "DockerLatest"), *_V1_ERRORS, 404, 502),
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness: the process serves.",
                "security": [],
                "responses": _responses(_ok("Serving.", "Health"), 405),
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics (text format 0.0.4).",
                "responses": {
                    "200": {
                        "description": "Metrics.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "401": _error(401),
                    "405": _error(405),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "405": _error(405),
                },
            }
        },
    }
    if not auth:
        for route in paths.values():
            for operation in route.values():
                operation["responses"].pop("401", None)
    request = copy.deepcopy(AUDIT_REQUEST)
    request["properties"]["files"]["maxProperties"] = max_files
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "depcheck",
            "version": depcheck.__version__,
            "description": (
                "Is this pin real, and what should it be? depcheck's checks over HTTP: audit "
                "dependency files, or ask for the exact PyPI version or image tag to write."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": copy.deepcopy(
                {
                    "AuditRequest": request,
                    "Report": REPORT,
                    "Error": ERROR,
                    "PypiLatest": PYPI_LATEST,
                    "PypiVersion": PYPI_VERSION,
                    "DockerLatest": DOCKER_LATEST,
                    "Health": HEALTH,
                }
            ),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
    if auth:
        document["security"] = [{"bearer": []}]
    return document
