"""The service's settings, from command-line flags laid over environment variables over defaults.

:class:`ServerConfig` is everything :func:`depcheck.server.app.create_app` needs; it is built by
:func:`server_config` from the parsed ``depcheck serve`` command line and the environment (the
variables are listed in :mod:`depcheck.commands.serve`). A value that cannot be used is a
:class:`~depcheck.errors.UsageError` naming the flag or variable, so a misconfigured replica stops
at start-up instead of serving with a setting silently dropped.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from depcheck.config import Config, ConfigError, load_config
from depcheck.errors import UsageError
from depcheck.registries.cache import DEFAULT_TTL
from depcheck.server.security import (
    DEFAULT_IMAGE_REGISTRIES,
    AllowedEntry,
    TokenConfigError,
    parse_tokens,
    read_tokens_file,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_MAX_FILES = 100
DEFAULT_MAX_LINES = 20_000
DEFAULT_RATE_LIMIT = 5.0
DEFAULT_RATE_BURST = 20
DEFAULT_REQUEST_TIMEOUT = 60.0
DEFAULT_SHUTDOWN_TIMEOUT = 30.0

_T = TypeVar("_T")


@dataclass(frozen=True)
class ServerConfig:
    """How one service process runs. The defaults suit a service on loopback for one developer.

    ``tokens`` empty means no authentication. ``rate_limit`` is requests per second per client
    (``0`` turns limiting off) with bursts of ``rate_burst``. ``allowed_registries`` are the index
    URLs and image registry hosts a client may name (see
    :class:`~depcheck.server.security.RegistryGuard`); ``allow_private_registries`` lets them
    resolve to private or loopback addresses, and lets any registry's redirects and token realms
    reach such addresses. ``cache`` is a folder or a ``redis://`` URL
    (``None``: the default cache folder), ``no_cache`` keeps nothing. ``index_url`` and
    ``docker_hub_url`` are the registries asked when a request names none. ``project`` holds
    ``--config``'s rule settings (severities, disabled rules, ignores), applied to every audit,
    and the extra indexes (``--extra-index-url``, ``DEPCHECK_EXTRA_INDEX_URLS``, the file's
    ``extra-index-urls``), asked besides the index as pip asks them.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    tokens: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    max_files: int = DEFAULT_MAX_FILES
    max_lines: int = DEFAULT_MAX_LINES
    rate_limit: float = DEFAULT_RATE_LIMIT
    rate_burst: int = DEFAULT_RATE_BURST
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT
    allowed_registries: tuple[str, ...] = DEFAULT_IMAGE_REGISTRIES
    allow_private_registries: bool = False
    trust_forwarded: bool = False
    cache: str | None = None
    no_cache: bool = False
    cache_ttl: float = DEFAULT_TTL
    offline: bool = False
    index_url: str | None = None
    docker_hub_url: str | None = None
    json_logs: bool = False
    project: Config = field(default_factory=Config)


def _number(
    name: str, text: str, convert: Callable[[str], _T], *, minimum: float, allow_zero: bool = True
) -> _T:
    try:
        value = convert(text.strip())
    except ValueError:
        raise UsageError(f"{name}: expected a number, got {text!r}") from None
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number) or math.isinf(number) or number < minimum or (number == 0 and not allow_zero):
        raise UsageError(f"{name}: {text!r} is out of range")
    return value


def _flag(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise UsageError(f"{name}: expected 1/0, true/false, yes/no or on/off, got {text!r}")


def _size(name: str, text: str) -> int:
    """Bytes, with an optional ``k``/``m`` suffix (binary: ``1m`` is 1,048,576)."""
    stripped = text.strip().lower().removesuffix("b")
    factor = 1
    if stripped.endswith(("k", "m")):
        factor = 1024 if stripped.endswith("k") else 1024 * 1024
        stripped = stripped[:-1]
    return _number(name, stripped, int, minimum=1) * factor


def _registries(name: str, text: str) -> tuple[str, ...]:
    entries = tuple(item for item in text.replace(",", " ").split() if item)
    for entry in entries:
        try:
            AllowedEntry.parse(entry)
        except ValueError as exc:
            raise UsageError(f"{name}: {exc}") from None
    return entries


def _tokens(environ: Mapping[str, str]) -> tuple[str, ...]:
    tokens = parse_tokens(environ.get("DEPCHECK_TOKENS", ""))
    path = environ.get("DEPCHECK_TOKENS_FILE")
    if path:
        try:
            tokens += read_tokens_file(Path(path))
        except TokenConfigError as exc:
            raise UsageError(f"DEPCHECK_TOKENS_FILE: {exc}") from exc
    return tuple(dict.fromkeys(tokens))


def _project_config(path: str | None) -> Config:
    if not path:
        return Config()
    try:
        return load_config(Path(path), Path(path))
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc


def server_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ServerConfig:
    """The settings ``depcheck serve`` runs with: flags, then ``DEPCHECK_*`` variables, then defaults."""
    env = os.environ if environ is None else environ

    def setting(flag: str, variable: str) -> str | None:
        value = getattr(args, flag, None)
        if value is not None:
            return str(value)
        return env.get(variable) or None

    port_text = setting("port", "DEPCHECK_PORT")
    host = setting("host", "DEPCHECK_HOST") or DEFAULT_HOST
    port = _number("--port/DEPCHECK_PORT", port_text, int, minimum=0) if port_text else DEFAULT_PORT
    if port > 65535:
        raise UsageError(f"--port/DEPCHECK_PORT: {port} is not a TCP port")
    cache = getattr(args, "cache", None) or env.get("DEPCHECK_CACHE") or getattr(args, "cache_dir", None)

    def env_number(
        variable: str, default: _T, convert: Callable[[str], _T], *, allow_zero: bool = True
    ) -> _T:
        text = env.get(variable)
        if not text:
            return default
        return _number(variable, text, convert, minimum=0, allow_zero=allow_zero)

    allowed_text = env.get("DEPCHECK_ALLOWED_REGISTRIES")
    project = _project_config(getattr(args, "config", None) or env.get("DEPCHECK_CONFIG"))
    try:
        project = project.with_overrides(
            python=getattr(args, "python", None),
            min_age=getattr(args, "min_age", None),
            strategy=getattr(args, "strategy", None),
            index_url=getattr(args, "index_url", None) or env.get("DEPCHECK_INDEX_URL") or None,
            extra_index_urls=getattr(args, "extra_index_url", None),
            docker_hub_url=getattr(args, "docker_hub_url", None)
            or env.get("DEPCHECK_DOCKER_HUB_URL")
            or None,
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    env_extras = env.get("DEPCHECK_EXTRA_INDEX_URLS", "").split()
    if env_extras:
        try:
            # Added after the file's extra-index-urls and the options', as the options add theirs.
            project = project.with_overrides(extra_index_urls=env_extras)
        except ConfigError as exc:
            raise UsageError(f"DEPCHECK_EXTRA_INDEX_URLS: {exc.reason}") from exc
    return ServerConfig(
        host=host,
        port=port,
        tokens=_tokens(env),
        max_body=_size("DEPCHECK_MAX_BODY", env["DEPCHECK_MAX_BODY"])
        if env.get("DEPCHECK_MAX_BODY")
        else DEFAULT_MAX_BODY,
        max_files=env_number("DEPCHECK_MAX_FILES", DEFAULT_MAX_FILES, int, allow_zero=False),
        max_lines=env_number("DEPCHECK_MAX_LINES", DEFAULT_MAX_LINES, int, allow_zero=False),
        rate_limit=env_number("DEPCHECK_RATE_LIMIT", DEFAULT_RATE_LIMIT, float),
        rate_burst=env_number("DEPCHECK_RATE_BURST", DEFAULT_RATE_BURST, int, allow_zero=False),
        request_timeout=env_number(
            "DEPCHECK_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT, float, allow_zero=False
        ),
        shutdown_timeout=env_number("DEPCHECK_SHUTDOWN_TIMEOUT", DEFAULT_SHUTDOWN_TIMEOUT, float),
        allowed_registries=_registries("DEPCHECK_ALLOWED_REGISTRIES", allowed_text)
        if allowed_text is not None
        else DEFAULT_IMAGE_REGISTRIES,
        allow_private_registries=_flag(
            "DEPCHECK_ALLOW_PRIVATE_REGISTRIES", env.get("DEPCHECK_ALLOW_PRIVATE_REGISTRIES", "")
        ),
        trust_forwarded=_flag("DEPCHECK_TRUST_FORWARDED", env.get("DEPCHECK_TRUST_FORWARDED", "")),
        cache=str(cache) if cache else None,
        no_cache=bool(getattr(args, "no_cache", False)),
        cache_ttl=env_number("DEPCHECK_CACHE_TTL", DEFAULT_TTL, float),
        offline=bool(getattr(args, "offline", False)),
        index_url=project.index_url,
        docker_hub_url=project.docker_hub_url,
        json_logs=bool(getattr(args, "json_logs", False))
        or _flag("DEPCHECK_JSON_LOGS", env.get("DEPCHECK_JSON_LOGS", "")),
        project=project,
    )
