"""Where the registries are: default endpoints and the settings that override them.

One place for the public defaults, so that no other module writes a registry address, and for
the environment variables that change them. Each function takes the explicit value (a command
line option) and the environment, and never reads anything else, except that the PyPI index
falls back to pip's own configuration files, read the way pip reads them.

PyPI: the index for a lookup is, in order: an explicit ``--index-url`` (or a requirements file's own
``--index-url`` line), passed by the caller; a configured default; then :func:`default_index_url`,
which follows pip: ``$PIP_INDEX_URL``, then ``index-url`` in pip's configuration files (``[install]``
over ``[global]``, later files over earlier ones, as ``pip config list`` shows them), then the
default compiled into the installed pip. That last value is read from pip at run time so that no
index host name is written in depcheck itself.

Extra indexes are read the same way (:func:`pip_extra_index_urls`): ``$PIP_EXTRA_INDEX_URL``, else
``extra-index-url`` in pip's configuration files, each a whitespace-separated list of URLs, the
highest-precedence value replacing the others as pip's own settings do. The caller reads them when
it reads pip's index, that is when depcheck is not told the index; they add to the extra indexes
depcheck is told (``--extra-index-url``, ``extra-index-urls``).

File order, lowest precedence first (pip's ``Configuration.iter_config_files``): the global files
(``$XDG_CONFIG_DIRS/pip/pip.conf``, ``/etc/xdg/pip/pip.conf``, ``/etc/pip.conf``), the user files
(``~/.pip/pip.conf``, ``$XDG_CONFIG_HOME/pip/pip.conf``; skipped when ``$PIP_CONFIG_FILE`` names
an existing file), the site file (``$VIRTUAL_ENV/pip.conf``, else ``sys.prefix``), then
``$PIP_CONFIG_FILE`` itself (``os.devnull`` there means "no files at all").
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DOCKER_HUB_URL = "https://hub.docker.com"
"""The Docker Hub API (tags endpoint ``/v2/namespaces/{ns}/repositories/{repo}/tags``)."""

DOCKER_HUB_URL_ENV = "DEPCHECK_DOCKER_HUB_URL"
"""The environment variable that overrides :data:`DEFAULT_DOCKER_HUB_URL` (``--docker-hub-url`` wins)."""


def docker_hub_url(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The Docker Hub API base URL: ``explicit``, else ``$DEPCHECK_DOCKER_HUB_URL``, else the public one.

    A trailing ``/`` is dropped so that paths can be appended.
    """
    env = os.environ if environ is None else environ
    chosen = explicit or env.get(DOCKER_HUB_URL_ENV) or DEFAULT_DOCKER_HUB_URL
    return chosen.rstrip("/")


# --- PyPI: the index pip would use ------------------------------------------------------------

logger = logging.getLogger(__name__)

_SECTIONS = ("global", "install")
"""Sections consulted, lowest precedence first: ``pip install`` reads ``[install]`` over ``[global]``."""


SYSTEM_PIP_FILES = (Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf"))
"""pip's global files read whatever ``$XDG_CONFIG_DIRS`` says (tests point this elsewhere)."""


class IndexConfigError(Exception):
    """No index URL can be determined (pip is not installed and none was configured)."""


def pip_config_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """pip's configuration files that may set ``index-url``, lowest precedence first."""
    env = os.environ if environ is None else environ
    explicit = env.get("PIP_CONFIG_FILE")
    if explicit == os.devnull:
        return []
    home = Path(env.get("HOME") or Path.home())
    xdg_dirs = [part for part in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep) if part]
    files = [Path(directory) / "pip" / "pip.conf" for directory in xdg_dirs]
    files += [path for path in SYSTEM_PIP_FILES if path not in files]
    if not (explicit and Path(explicit).exists()):
        xdg_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
        files += [home / ".pip" / "pip.conf", xdg_home / "pip" / "pip.conf"]
    files.append(Path(env.get("VIRTUAL_ENV") or sys.prefix) / "pip.conf")
    if explicit:
        files.append(Path(explicit))
    return files


def _setting_in(path: Path, name: str) -> str | None:
    """pip's setting ``name`` (``index-url``) in the configuration file ``path``, else ``None``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("cannot read pip configuration %s (%s); skipping it", path, exc)
        return None
    import configparser  # only when one of pip's configuration files exists

    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        # pip itself refuses to run with a broken config file; we can still use the others.
        logger.warning("cannot read pip configuration %s (%s); skipping it", path, exc)
        return None
    found = None
    for section in _SECTIONS:
        if not parser.has_section(section):
            continue
        for key, value in parser.items(section):
            if key.replace("_", "-") == name and value.strip():
                found = value.strip()
    return found


def _pip_setting(name: str, variable: str, env: Mapping[str, str]) -> str | None:
    """pip's setting ``name``: ``$variable`` when set, else the highest-precedence config file's value."""
    if env.get(variable, "").strip():
        return env[variable].strip()
    found = None
    for path in pip_config_files(env):
        value = _setting_in(path, name)
        if value is not None:
            found = value
    return found


def pip_index_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The index pip is configured with (``$PIP_INDEX_URL``, then its config files), else ``None``."""
    env = os.environ if environ is None else environ
    return _pip_setting("index-url", "PIP_INDEX_URL", env)


def pip_extra_index_urls(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The extra indexes pip is configured with (``$PIP_EXTRA_INDEX_URL``, then its config files).

    Either holds URLs separated by whitespace (in a file, often one per continuation line).
    """
    env = os.environ if environ is None else environ
    value = _pip_setting("extra-index-url", "PIP_EXTRA_INDEX_URL", env)
    return tuple(dict.fromkeys(value.split())) if value else ()


def pip_find_links(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The find-links locations pip is configured with (``$PIP_FIND_LINKS``, then its config files),
    separated by whitespace as the extra indexes are."""
    env = os.environ if environ is None else environ
    value = _pip_setting("find-links", "PIP_FIND_LINKS", env)
    return tuple(dict.fromkeys(value.split())) if value else ()


def pip_builtin_index_url() -> str:
    """The index compiled into the installed pip (its ``PyPI.simple_url``)."""
    try:
        # Imported here: pip is optional and slow to import, and only needed when nothing is configured.
        from pip._internal.models.index import PyPI
    except ImportError as exc:
        raise IndexConfigError(
            "no package index configured: pass --index-url, set PIP_INDEX_URL or install pip "
            "(depcheck reads pip's default index from it)"
        ) from exc
    return str(PyPI.simple_url)


def default_index_url(environ: Mapping[str, str] | None = None) -> str:
    """The index to use when the caller names none: pip's configuration, else pip's default."""
    return pip_index_url(environ) or pip_builtin_index_url()
