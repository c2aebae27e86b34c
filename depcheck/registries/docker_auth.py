"""Registry credentials as the Docker CLI stores them, read-only, so private images can be checked.

The file is ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``. For a registry host
the lookup follows docker-py's ``docker/auth.py``: a ``credHelpers`` entry for the host, else
the ``credsStore`` helper, else the ``auths`` entry. Keys may be full URLs
(``https://index.docker.io/v1/`` is Docker Hub's), so keys are compared by host name. An
``auths`` entry holds ``auth`` (base64 of ``user:password``) or ``username``/``password``.

A helper is the program ``docker-credential-<name>``, run as ``docker-credential-<name> get``
with the server URL on stdin; it prints ``{"ServerURL", "Username", "Secret"}``. A helper that
is missing or exits non-zero (its way of saying "no credentials for that server") means no
credentials from it: the lookup goes on to the ``auths`` entry, else anonymous access, and says
so at debug level. Secrets are never logged or shown in a ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

HUB_SERVER_URL = "https://index.docker.io/v1/"
"""The key and helper server URL under which the Docker CLI stores Docker Hub credentials."""

HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
"""Host names that all mean Docker Hub in a config file key."""

HELPER_TIMEOUT = 10.0
"""Seconds a credential helper may take (a keychain prompt would block an audit for ever)."""

HelperRunner = Callable[[str, str], "subprocess.CompletedProcess[str]"]
"""Runs helper program ``name`` with ``server_url`` on stdin; injectable for tests."""


@dataclass(frozen=True)
class Credentials:
    """A user name and secret for one registry; the secret never appears in ``repr``."""

    username: str
    secret: str = field(repr=False)


def default_config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json`` (``None`` with no home)."""
    env = os.environ if environ is None else environ
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"]) / "config.json"
    try:
        return Path.home() / ".docker" / "config.json"
    except RuntimeError:  # no home directory (a bare container user)
        return None


def normalise_host(key: str) -> str:
    """The registry a config key or reference host names: lower-cased ``host[:port]``, Hub as ``docker.io``."""
    text = key.strip()
    netloc = urlsplit(text if "://" in text else f"//{text}").netloc.lower()
    host = netloc.rsplit("@", 1)[-1]
    return "docker.io" if host in HUB_HOSTS else host


def server_url(registry: str | None) -> str:
    """What a credential helper is asked for: the Hub's v1 URL, else the host as written."""
    if registry is None or normalise_host(registry) == "docker.io":
        return HUB_SERVER_URL
    return registry


def _run_helper(program: str, server: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the program name comes from the user's own Docker config
        [program, "get"],
        input=server,
        capture_output=True,
        text=True,
        timeout=HELPER_TIMEOUT,
        check=False,
    )


class DockerCredentials:
    """Credentials per registry host from a Docker config file, each looked up once per run.

    ``config_path`` defaults to :func:`default_config_path`; a missing file means anonymous
    access everywhere. ``runner`` replaces the subprocess call in tests.
    """

    def __init__(
        self,
        config_path: Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        runner: HelperRunner | None = None,
    ) -> None:
        self.config_path = config_path if config_path is not None else default_config_path(environ)
        self._runner = runner or _run_helper
        self._config: dict[str, Any] | None = None
        self._found: dict[str, Credentials | None] = {}
        self._lock = threading.Lock()

    def lookup(self, registry: str | None) -> Credentials | None:
        """The credentials for ``registry`` (``None`` for Docker Hub), or ``None`` for anonymous access.

        Blocking (it may run a helper program); call it from a thread in async code.
        """
        host = normalise_host(registry) if registry is not None else "docker.io"
        with self._lock:
            if host not in self._found:
                self._found[host] = self._lookup(host, registry)
            return self._found[host]

    def _load(self) -> dict[str, Any]:
        if self._config is not None:
            return self._config
        self._config = {}
        path = self.config_path
        if path is None or not path.is_file():
            logger.debug("no Docker config at %s; registries are asked anonymously", path)
            return self._config
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            # Docker itself refuses such a file; an audit goes on anonymously, and says why.
            logger.warning("cannot read Docker config %s (%s); registries are asked anonymously", path, exc)
            return self._config
        if not isinstance(data, dict):
            logger.warning("Docker config %s is not a JSON object; registries are asked anonymously", path)
            return self._config
        self._config = data
        return self._config

    def _lookup(self, host: str, registry: str | None) -> Credentials | None:
        config = self._load()
        helpers = config.get("credHelpers")
        helper: str | None = None
        if isinstance(helpers, dict):
            helper = next(
                (
                    name
                    for key, name in helpers.items()
                    if isinstance(name, str) and normalise_host(key) == host
                ),
                None,
            )
        store = config.get("credsStore")
        if helper is None and isinstance(store, str) and store:
            helper = store
        if helper is not None:
            found = self._from_helper(helper, host, registry)
            if found is not None:
                return found
        return self._from_auths(config.get("auths"), host)

    def _from_helper(self, helper: str, host: str, registry: str | None) -> Credentials | None:
        program = f"docker-credential-{helper}"
        server = server_url(registry)
        try:
            completed = self._runner(program, server)
        except FileNotFoundError:
            logger.debug(
                "credential helper %s is not installed; no credentials from it for %s", program, host
            )
            return None
        except (OSError, subprocess.SubprocessError) as exc:
            logger.debug("credential helper %s failed for %s (%s)", program, host, type(exc).__name__)
            return None
        if completed.returncode != 0:
            # Helpers exit non-zero for "credentials not found"; their output is not logged.
            logger.debug(
                "credential helper %s has no credentials for %s (exit %d)",
                program,
                host,
                completed.returncode,
            )
            return None
        try:
            answer = json.loads(completed.stdout)
        except ValueError:
            logger.debug("credential helper %s printed something other than JSON for %s", program, host)
            return None
        username = answer.get("Username") if isinstance(answer, dict) else None
        secret = answer.get("Secret") if isinstance(answer, dict) else None
        if not isinstance(username, str) or not isinstance(secret, str) or not secret:
            logger.debug("credential helper %s gave no usable credentials for %s", program, host)
            return None
        if username == "<token>":
            # An identity token is only good for the OAuth2 refresh-token grant, which the
            # anonymous-token flow depcheck speaks does not use.
            logger.debug(
                "credential helper %s gave an identity token for %s; asking anonymously", program, host
            )
            return None
        logger.debug("using credentials from %s for %s", program, host)
        return Credentials(username, secret)

    @staticmethod
    def _from_auths(auths: object, host: str) -> Credentials | None:
        if not isinstance(auths, dict):
            return None
        entry = next(
            (
                value
                for key, value in auths.items()
                if isinstance(value, dict) and normalise_host(key) == host
            ),
            None,
        )
        if entry is None:
            return None
        encoded = entry.get("auth")
        if isinstance(encoded, str) and encoded:
            try:
                decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                logger.warning(
                    "the Docker config auth entry for %s is not base64 of user:password; ignored", host
                )
                return None
            user, separator, secret = decoded.partition(":")
            if not separator:
                logger.warning(
                    "the Docker config auth entry for %s has no ':' between user and password; ignored", host
                )
                return None
            logger.debug("using the Docker config auth entry for %s", host)
            return Credentials(user, secret)
        username, password = entry.get("username"), entry.get("password")
        if isinstance(username, str) and isinstance(password, str) and username:
            logger.debug("using the Docker config username/password for %s", host)
            return Credentials(username, password)
        if entry.get("identitytoken"):
            logger.debug("the Docker config holds only an identity token for %s; asking anonymously", host)
        return None


class ConfiguredCredentials(DockerCredentials):
    """Docker's stored credentials, overridden per host by depcheck's configuration.

    ``sources`` maps a registry host to ``"docker-config"`` (the default lookup), ``"none"``
    (always anonymous) or ``"env:NAME"``: the variable holds ``user:password``, or a bare token
    used with the user name ``<token>``.
    """

    def __init__(
        self,
        sources: Mapping[str, str],
        config_path: Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(config_path, environ=environ)
        self.sources = {normalise_host(host): source for host, source in sources.items()}
        self._environ = os.environ if environ is None else environ

    def lookup(self, registry: str | None) -> Credentials | None:
        source = self.sources.get(normalise_host(registry or "docker.io"), "docker-config")
        if source == "none":
            return None
        if source.startswith("env:"):
            name = source.removeprefix("env:")
            value = self._environ.get(name)
            if not value:
                logger.warning("credentials for %s: environment variable %s is not set", registry, name)
                return None
            user, colon, secret = value.partition(":")
            return Credentials(user, secret) if colon else Credentials("<token>", value)
        return super().lookup(registry)
