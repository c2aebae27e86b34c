"""What the service accepts and answers, written once as JSON Schema and checked with clear errors.

The request and response shapes below are the single source for two things: :func:`validate`
checks a decoded request body against them (so a wrong type, an unknown field or a missing one is
refused with a message naming the field, as ``options.static: expected a boolean, got a
string``), and :mod:`depcheck.server.openapi` publishes them in ``/openapi.json``. The validator
understands the small part of JSON Schema these shapes use (``type``, ``properties``,
``required``, ``additionalProperties``, ``minProperties``/``maxProperties``, ``enum``,
``minLength``/``maxLength``, ``pattern``) and nothing else, which keeps the service free of a
runtime schema library and its error texts under our control.

File names are checked separately (:func:`depcheck.server.security.check_file_name`), since the
reasons a name is refused (``..``, an absolute path, a backslash) deserve their own words;
:data:`FILE_NAME_PATTERN` states the same rule for the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from depcheck.server.errors import ApiError

Schema = Mapping[str, Any]

FILE_NAME_PATTERN = r"^(?:(?!\.\.?(?:/|$))[^/\\\x00-\x1f\x7f]+/)*(?!\.\.?$)[^/\\\x00-\x1f\x7f]+$"
"""A relative POSIX path of plain names: no ``.``/``..`` segment, no empty segment, no leading
``/``, no backslash, no control character (NUL included)."""

SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")
STRATEGIES = ("range", "latest")
ECOSYSTEMS = ("pypi", "docker")

URL_PATTERN = r"^https?://[^/?#\x00-\x20\x7f]+"
"""An http(s) URL with a host; whether the service may ask it is the registry guard's decision."""
PYTHON_PATTERN = r"^[0-9]+\.[0-9]+(\.[0-9]+)?$"
DURATION_PATTERN = r"^ *(?:[0-9]{1,6}|(?:[0-9]{1,6} *[smhdwSMHDW] *)+)$"
"""The durations :func:`depcheck.config.parse_duration` reads: ``7d``, ``12h``, ``1w2d``, ``7`` (days).

Patterns here avoid ``\\s`` and other classes whose meaning differs between Python's ``re`` and the
ECMA-262 regular expressions JSON Schema uses, so that the document and the check agree."""

AUDIT_OPTIONS: Schema = {
    "type": "object",
    "description": "How to audit; every option may be left out.",
    "additionalProperties": False,
    "properties": {
        "static": {
            "type": "boolean",
            "description": "Only the rules that need no registry (no lookups at all).",
        },
        "python": {
            "type": ["string", "null"],
            "pattern": PYTHON_PATTERN,
            "x-form": "a Python version such as 3.12",
            "description": "Target Python for suggestions (3.12); default: each file's requires-python.",
        },
        "min_age": {
            "type": ["string", "null"],
            "pattern": DURATION_PATTERN,
            "maxLength": 32,
            "x-form": "a duration such as 7d, 12h or 2w",
            "description": "Only suggest releases at least this old: 7d, 12h, 2w, 30m, 45s (a bare number is days).",
        },
        "strategy": {
            "type": "string",
            "enum": list(STRATEGIES),
            "description": "range: stay inside a written range (default); latest: the newest release.",
        },
        "build_args": {
            "type": "object",
            "maxProperties": 200,
            "additionalProperties": {"type": "string", "maxLength": 4096},
            "description": "Dockerfile ARG values, as --build-arg NAME=VALUE.",
        },
        "fail_on": {
            "type": "string",
            "enum": list(FAIL_ON),
            "description": (
                "Lowest severity that fails; the verdict is the X-Depcheck-Exit-Code response "
                "header (0, 1 or 3, as the CLI's exit code), the body stays the report."
            ),
        },
        "index_url": {
            "type": ["string", "null"],
            "maxLength": 2048,
            "pattern": URL_PATTERN,
            "x-form": "an http:// or https:// URL",
            "description": "PyPI-compatible index to ask; must be on the service's allow-list.",
        },
    },
}

AUDIT_REQUEST: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["files"],
    "properties": {
        "files": {
            "type": "object",
            "minProperties": 1,
            "description": (
                "File contents by relative path (requirements.txt, sub/Dockerfile). A -r or -c "
                "include is looked up among these files, never on the server's disk."
            ),
            "propertyNames": {"pattern": FILE_NAME_PATTERN, "maxLength": 1024},
            "additionalProperties": {"type": "string"},
        },
        "options": AUDIT_OPTIONS,
    },
}

_FINDING: Schema = {
    "type": "object",
    "required": [
        "rule",
        "severity",
        "ecosystem",
        "file",
        "line",
        "column",
        "name",
        "current",
        "message",
        "suggestion",
        "replacement",
    ],
    "additionalProperties": False,
    "properties": {
        "rule": {"type": "string"},
        "severity": {"type": "string", "enum": list(SEVERITIES)},
        "ecosystem": {"type": ["string", "null"], "enum": [*ECOSYSTEMS, None]},
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "name": {"type": ["string", "null"]},
        "current": {"type": ["string", "null"]},
        "message": {"type": "string"},
        "suggestion": {"type": ["string", "null"]},
        "replacement": {"type": ["string", "null"]},
    },
}

_CHECKED: Schema = {
    "type": "object",
    "required": ["ecosystem", "name", "current", "file", "line", "resolved"],
    "additionalProperties": False,
    "properties": {
        "ecosystem": {"type": "string", "enum": list(ECOSYSTEMS)},
        "name": {"type": "string"},
        "current": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "resolved": {"type": ["string", "null"]},
    },
}

REPORT: Schema = {
    "type": "object",
    "description": "The JSON report, version 1 (DESIGN.md), exactly as `depcheck audit --format json` writes it.",
    "required": ["schema_version", "tool", "summary", "findings", "dependencies"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"type": "integer", "const": 1},
        "tool": {
            "type": "object",
            "required": ["name", "version"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
        },
        "summary": {
            "type": "object",
            "required": ["files", "dependencies", "error", "warning", "info"],
            "additionalProperties": False,
            "properties": {
                key: {"type": "integer", "minimum": 0}
                for key in ("files", "dependencies", "error", "warning", "info")
            },
        },
        "findings": {"type": "array", "items": _FINDING},
        "dependencies": {"type": "array", "items": _CHECKED},
    },
}

ERROR: Schema = {
    "type": "object",
    "required": ["error", "message"],
    "additionalProperties": False,
    "properties": {
        "error": {"type": "string", "description": "A stable code: invalid_json, invalid_field, ..."},
        "message": {"type": "string"},
        "field": {"type": "string", "description": "The request field at fault, when there is one."},
    },
}

PYPI_LATEST: Schema = {
    "type": "object",
    "required": ["name", "version", "index", "requires_python", "upload_time"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "description": "The normalised project name."},
        "version": {"type": "string", "description": "The exact version to write (name==version)."},
        "index": {"type": "string", "description": "The index that answered, without credentials."},
        "requires_python": {"type": ["string", "null"]},
        "upload_time": {"type": ["string", "null"], "format": "date-time"},
    },
}

PYPI_VERSION: Schema = {
    "type": "object",
    "required": ["name", "version", "exists", "yanked", "yanked_reason"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "version": {"type": "string", "description": "As the index writes it when it exists, else as asked."},
        "exists": {"type": "boolean", "description": "Whether the index has files for this version."},
        "yanked": {"type": "boolean"},
        "yanked_reason": {"type": ["string", "null"]},
    },
}

DOCKER_LATEST: Schema = {
    "type": "object",
    "required": ["image", "tag", "digest"],
    "additionalProperties": False,
    "properties": {
        "image": {"type": "string", "description": "The image as asked, without tag and digest."},
        "tag": {"type": "string", "description": "The exact tag to write."},
        "digest": {"type": ["string", "null"], "description": "The tag's manifest digest, when known."},
    },
}

HEALTH: Schema = {
    "type": "object",
    "required": ["status", "version"],
    "additionalProperties": False,
    "properties": {"status": {"type": "string", "const": "ok"}, "version": {"type": "string"}},
}

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "null": (type(None),),
}

_ARTICLE = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "boolean": "a boolean",
    "number": "a number",
    "integer": "an integer",
    "null": "null",
}


def json_type(value: object) -> str:
    """The JSON type name of a decoded value (``true`` is a boolean, never an integer)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    for name in ("object", "array", "string", "null"):
        if isinstance(value, _JSON_TYPES[name]):
            return name
    raise TypeError(f"not a JSON value: {value!r}")


def _matches_type(value: object, expected: str) -> bool:
    actual = json_type(value)
    return actual == expected or (expected == "number" and actual == "integer")


def _expected(types: Sequence[str]) -> str:
    words = [_ARTICLE[name] for name in types]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _invalid(path: str, message: str) -> ApiError:
    return ApiError(400, "invalid_field", f"{path}: {message}", field=path)


def _child(path: str, key: str) -> str:
    simple = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) is not None
    if not path:
        return key
    return f"{path}.{key}" if simple else f"{path}[{_quote(key)}]"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(char if char.isprintable() else repr(char)[1:-1] for char in escaped) + '"'


def validate(value: object, schema: Schema, path: str = "") -> None:
    """Raise :class:`~depcheck.server.errors.ApiError` (400) at the first way ``value`` breaks ``schema``.

    ``path`` names ``value`` in messages (``""`` for the whole body). Checks run in a fixed order
    (type, then unknown and missing fields, then each field in schema order) so that the same
    bad request always gets the same message.
    """
    shown = path or "body"
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if not any(_matches_type(value, name) for name in allowed):
            raise _invalid(shown, f"expected {_expected(allowed)}, got {_ARTICLE[json_type(value)]}")
    if value is None:
        return
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(choice) for choice in schema["enum"] if choice is not None)
        raise _invalid(shown, f"{_quote(str(value))} is not one of {choices}")
    if isinstance(value, str):
        _validate_string(value, schema, shown)
    elif isinstance(value, dict):
        _validate_object(value, schema, path)


def _validate_string(value: str, schema: Schema, shown: str) -> None:
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise _invalid(shown, f"must be at least {schema['minLength']} characters long")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise _invalid(shown, f"must be at most {schema['maxLength']} characters long")
    pattern = schema.get("pattern")
    if pattern is not None and re.search(pattern, value) is None:
        form = schema.get("x-form") or f"text matching {pattern}"
        raise _invalid(shown, f"{_quote(value)} is not {form}")


def _validate_object(value: dict[str, object], schema: Schema, path: str) -> None:
    shown = path or "body"
    properties: Mapping[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    if extra is False:
        for key in value:
            if key not in properties:
                where = _child(path, key)
                known = ", ".join(properties) or "none"
                raise ApiError(
                    400, "unknown_field", f"{where}: unknown field (known fields: {known})", field=where
                )
    for key in schema.get("required", ()):
        if key not in value:
            where = _child(path, key)
            raise ApiError(400, "missing_field", f"{where}: this field is required", field=where)
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        raise _invalid(shown, f"must have at least {schema['minProperties']} entries")
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        raise _invalid(shown, f"must have at most {schema['maxProperties']} entries")
    for key, child in properties.items():
        if key in value:
            validate(value[key], child, _child(path, key))
    if isinstance(extra, Mapping):
        for key, item in value.items():
            if key not in properties:
                validate(item, extra, _child(path, key))
