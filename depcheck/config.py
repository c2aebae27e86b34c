"""Per-project settings: ``[tool.depcheck]`` in ``pyproject.toml`` or a ``depcheck.toml``.

:func:`load_config` finds the file by walking upward from the audited path (the first folder
holding a ``depcheck.toml``, or a ``pyproject.toml`` with a ``[tool.depcheck]`` table, wins;
``depcheck.toml`` beats ``pyproject.toml`` in the same folder; the walk stops at the filesystem
root or at the folder holding ``.git``), or reads the file named by ``--config``. Every key is
checked: an unknown key, a wrong type or an unknown rule id raises :class:`ConfigError` whose
message names the file and the key path, because a misspelt setting that is silently ignored
lets a pre-merge check pass for the wrong reason. :meth:`Config.with_overrides` lays command-line
values over the file's, following hadolint: scalar options from the command line replace the
file's, list options (``exclude``, ``disable``, the ignore lists, ``extra-index-urls``) add to them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import fnmatch
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from packaging.version import InvalidVersion, Version

from depcheck.formats import FORMATS
from depcheck.model import Severity
from depcheck.policy import Policy, Strategy
from depcheck.rules import RULES
from depcheck.toml_values import kind_of

if TYPE_CHECKING:
    # pathspec costs ~20 ms to import: it is loaded when some path patterns are configured.
    import pathspec

logger = logging.getLogger(__name__)

CONFIG_FILE = "depcheck.toml"
PYPROJECT_FILE = "pyproject.toml"

_T = TypeVar("_T")


class ConfigError(Exception):
    """A configuration file (or command-line value) that cannot be used; the CLI exits 2.

    The message is one line: ``FILE: KEY.PATH: reason`` (or ``FILE: reason`` when the whole file
    is at fault). ``file``, ``key`` and ``reason`` are kept apart for callers that lay them out.
    """

    def __init__(self, file: str, key: str | None, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}" if key else f"{file}: {reason}")
        self.file = file
        self.key = key
        self.reason = reason


class _Invalid(Exception):
    """Raised by a validator; the loader adds the file name. ``key`` is the full key path."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


class PyprojectDependencies(enum.StrEnum):
    """What ``[project].dependencies`` must hold: exact pins, or lower bounds that exist."""

    EXACT = "exact"
    BOUNDED = "bounded"


class Credentials(enum.StrEnum):
    """Where a registry's credentials come from (``env:NAME`` is kept as :attr:`RegistrySettings.env`)."""

    DOCKER_CONFIG = "docker-config"
    ENV = "env"
    NONE = "none"


@dataclass(frozen=True)
class RegistrySettings:
    """How to reach one image registry host (``[tool.depcheck.registries."host:port"]``).

    ``url`` replaces ``https://HOST`` as the API base (``None``: derive it from the host);
    ``env`` names the environment variable holding ``user:password`` or a token when
    ``credentials`` is :attr:`Credentials.ENV`; ``insecure`` allows plain HTTP.
    """

    url: str | None = None
    credentials: Credentials = Credentials.DOCKER_CONFIG
    env: str | None = None
    insecure: bool = False


@dataclass(frozen=True)
class PathPatterns:
    """Gitignore-style path globs, relative to ``base``.

    ``base`` is the folder of the config file that wrote them (or the working directory, for
    ``--exclude``); ``None`` means the patterns apply to paths exactly as reports show them, which
    is what the service uses, since its files never touch the disk.
    """

    base: Path | None
    patterns: tuple[str, ...]
    _spec: pathspec.GitIgnoreSpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        import pathspec

        object.__setattr__(self, "_spec", pathspec.GitIgnoreSpec.from_lines(self.patterns))

    def matches(self, path: str | PurePath, *, is_dir: bool = False, cwd: Path | None = None) -> bool:
        """Whether ``path`` (as reports show it: relative to ``cwd``, or absolute) matches.

        A path outside ``base`` never matches. Computed on path text alone, without touching the
        disk, so it is safe for files that were deleted or never existed locally.
        """
        relative = self.relative(path, cwd=cwd)
        if relative is None:
            return False
        return self._spec.match_file(relative + "/" if is_dir else relative)

    def relative(self, path: str | PurePath, *, cwd: Path | None = None) -> str | None:
        """``path`` relative to :attr:`base` in POSIX form, or ``None`` when it lies outside."""
        text = PurePath(path).as_posix()
        if self.base is None:
            return _clean_posix(text)
        here = cwd if cwd is not None else Path.cwd()
        absolute = os.path.normpath(os.path.join(os.fspath(here), os.fspath(path)))
        base = os.path.normpath(os.fspath(self.base))
        if absolute != base and not absolute.startswith(base.rstrip(os.sep) + os.sep):
            return None
        return PurePath(os.path.relpath(absolute, base)).as_posix()


def _clean_posix(text: str) -> str | None:
    parts: list[str] = []
    for part in PurePosixPath(text).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", "/"):
            parts.append(part)
    return "/".join(parts)


@dataclass(frozen=True)
class Override:
    """Settings that apply only to files matching ``paths`` (one ``[[tool.depcheck.overrides]]``).

    ``severity`` replaces the global severity of a rule for these files; the lists add to the
    global ones. When several overrides match one file, later ones win for severities.
    """

    paths: PathPatterns
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    disable: frozenset[str] = frozenset()
    ignore_packages: tuple[str, ...] = ()
    ignore_images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scoped:
    """The rule settings in force for one file: global values with matching overrides applied."""

    severity: Mapping[str, Severity]
    disable: frozenset[str]
    ignore_packages: tuple[str, ...]
    ignore_images: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    """Everything configurable, with depcheck's defaults; built by :func:`load_config`.

    ``path`` is the file the settings came from (``None`` for defaults). Mappings are read-only.
    """

    path: Path | None = None
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    disable: frozenset[str] = frozenset()
    ignore_packages: tuple[str, ...] = ()
    """Globs on PEP 503 normalised names (the globs are normalised the same way)."""
    ignore_images: tuple[str, ...] = ()
    """Globs on image names as written, without tag and digest (``ghcr.io/acme/*``)."""
    exclude: tuple[PathPatterns, ...] = ()
    overrides: tuple[Override, ...] = ()
    min_age: dt.timedelta | None = None
    python: Version | None = None
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    """Extra PyPI indexes asked besides the index, as pip's ``--extra-index-url`` (pip's own are added
    when the registries are opened: see :func:`depcheck.registries.config.pip_extra_index_urls`)."""
    find_links: tuple[str, ...] = ()
    """pip ``--find-links`` locations read besides the indexes: ``http(s)`` and ``file:`` URLs as
    written, paths made absolute against the configuration file's folder."""
    docker_hub_url: str | None = None
    registries: Mapping[str, RegistrySettings] = field(default_factory=lambda: MappingProxyType({}))
    allow_tags: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Image name (or glob) -> tag globs that may float (``node = ["lts"]``)."""
    pyproject_dependencies: PyprojectDependencies = PyprojectDependencies.EXACT
    fail_on: Severity | None = Severity.ERROR
    """The lowest severity that fails the run; ``None`` is ``fail-on = "never"``."""
    strategy: Strategy = Strategy.RANGE
    format: str = "text"

    def with_overrides(self, *, cwd: Path | None = None, **values: object) -> Config:
        """This config with command-line values laid over it; a ``None`` value means "not given".

        Keys are the field names (``fail_on``, ``min_age``, ``exclude``...). Values may be what
        the command line holds (``min_age="7d"``, ``fail_on="never"``, ``python="3.12"``) or
        already typed; they are checked as strictly as the file's, and a bad one raises
        :class:`ConfigError` naming the option (``command line: --min-age: ...``). Scalars
        replace the file's value; ``exclude`` (relative to ``cwd``), ``disable``,
        ``ignore_packages``, ``ignore_images`` and ``extra_index_urls`` add to the file's lists.
        """
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            if name not in _CLI_FIELDS:
                raise TypeError(f"Config.with_overrides() got an unknown option {name!r}")
            option = _OPTION_NAMES.get(name) or "--" + name.replace("_", "-")
            try:
                if name == "exclude":
                    patterns = _validate_str_list(_as_list(value), option)
                    base = (cwd if cwd is not None else Path.cwd()).absolute()
                    changes[name] = (*self.exclude, PathPatterns(base, patterns))
                elif name == "disable":
                    changes[name] = self.disable | _validate_rule_list(_as_list(value), option)
                elif name == "extra_index_urls":
                    # Each value is one use of the repeatable option, named without an index.
                    urls = [_validate_url(url, option) for url in _checked_list(_as_list(value), option)]
                    changes[name] = (*self.extra_index_urls, *urls)
                elif name in ("ignore_packages", "ignore_images"):
                    validator = _FIELDS[name.replace("_", "-")]
                    changes[name] = (*getattr(self, name), *validator(_as_list(value), option))
                elif name == "min_age" and isinstance(value, dt.timedelta):
                    changes[name] = _check_timedelta(value, option)
                elif isinstance(value, _ALREADY_TYPED.get(name, ())):
                    changes[name] = value
                else:
                    changes[name] = _FIELDS[name.replace("_", "-")](value, option)
            except _Invalid as exc:
                raise ConfigError("command line", exc.key, exc.reason) from None
        return dataclasses.replace(self, **changes)

    def scoped(self, path: str | PurePath, *, cwd: Path | None = None) -> Scoped:
        """The rule settings for the file at ``path`` (as reports show it, relative to ``cwd``)."""
        severity = dict(self.severity)
        disable = set(self.disable)
        packages = list(self.ignore_packages)
        images = list(self.ignore_images)
        for override in self.overrides:
            if override.paths.matches(path, cwd=cwd):
                severity.update(override.severity)
                disable |= override.disable
                packages.extend(override.ignore_packages)
                images.extend(override.ignore_images)
        return Scoped(MappingProxyType(severity), frozenset(disable), tuple(packages), tuple(images))

    def is_excluded(self, path: str | PurePath, *, is_dir: bool = False, cwd: Path | None = None) -> bool:
        """Whether discovery should skip ``path`` (a folder when ``is_dir``, so it is not walked)."""
        return any(patterns.matches(path, is_dir=is_dir, cwd=cwd) for patterns in self.exclude)

    def policy(self, **changes: Any) -> Policy:
        """The :class:`~depcheck.policy.Policy` these settings describe (``changes`` added as is)."""
        return Policy(python=self.python, min_age=self.min_age, strategy=self.strategy, **changes)


# --- discovery ----------------------------------------------------------------------------------


def load_config(start: Path, explicit: Path | None = None, *, cwd: Path | None = None) -> Config:
    """The settings for an audit of ``start``: from ``explicit`` when given, else found upward.

    Returns the defaults when no file is found. Raises :class:`ConfigError` for a file that
    cannot be read, is not TOML, or holds an unknown key, a wrong type or an unknown rule id.
    A ``pyproject.toml`` that is not valid TOML met on the way up is an error too: depcheck
    cannot tell whether it holds settings, and auditing under the wrong settings is worse than
    stopping with a clear message.
    """
    here = cwd if cwd is not None else Path.cwd()
    if explicit is not None:
        path = explicit if explicit.is_absolute() else here / explicit
        document = _read_toml(path, here)
        if path.name == PYPROJECT_FILE:
            table = _tool_table(document, path, here)
            if table is None:
                raise ConfigError(_shown(path, here), None, "has no [tool.depcheck] table")
            return _build(table, path, "tool.depcheck.", here)
        return _build(document, path, "", here)
    found = find_config(start, cwd=here)
    if found is None:
        logger.debug("no depcheck configuration found above %s", start)
        return Config()
    path, table, prefix = found
    logger.debug("reading depcheck configuration from %s", path)
    return _build(table, path, prefix, here)


def find_config(start: Path, *, cwd: Path | None = None) -> tuple[Path, dict[str, Any], str] | None:
    """The config file for ``start``, its depcheck table and that table's key prefix, or ``None``."""
    here = cwd if cwd is not None else Path.cwd()
    folder = (start if start.is_absolute() else here / start).absolute()
    if not folder.is_dir():
        folder = folder.parent
    while True:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate, here), ""
        candidate = folder / PYPROJECT_FILE
        if candidate.is_file():
            try:
                document = _read_toml(candidate, here)
            except ConfigError as exc:
                # A broken pyproject.toml is also a file under audit, where it is reported as an
                # `invalid` finding with its line; stopping the whole audit for it would hide every
                # other finding. Only a broken depcheck.toml or --config file stops the run.
                logger.warning("%s; its [tool.depcheck] settings (if any) are not applied", exc)
                document = {}
            table = _tool_table(document, candidate, here)
            if table is not None:
                return candidate, table, "tool.depcheck."
        # A `.git` folder (or the `.git` file of a worktree or submodule) marks the repository's
        # top: settings above it belong to some other project.
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.absolute().relative_to(cwd.absolute()).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def _read_toml(path: Path, cwd: Path) -> dict[str, Any]:
    # Imported here: most audits meet no configuration file, and tomllib costs a few milliseconds.
    import tomllib

    shown = _shown(path, cwd)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(shown, None, "no such file") from None
    except OSError as exc:  # permission denied, a directory, an I/O error
        raise ConfigError(shown, None, f"cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, None, f"is not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(shown, None, f"is not UTF-8 text: {exc.reason}") from None


def _tool_table(document: Mapping[str, Any], path: Path, cwd: Path) -> dict[str, Any] | None:
    tool = document.get("tool")
    if not isinstance(tool, dict) or "depcheck" not in tool:
        return None
    table = tool["depcheck"]
    if not isinstance(table, dict):
        raise ConfigError(_shown(path, cwd), "tool.depcheck", f"expected a table, got {kind_of(table)}")
    return table


def _build(table: Mapping[str, Any], path: Path, prefix: str, cwd: Path) -> Config:
    base = path.absolute().parent
    values: dict[str, Any] = {"path": path.absolute()}
    try:
        for key, value in table.items():
            where = prefix + key
            if key not in _FIELDS and key not in _FOLDER_KEYS:
                raise _Invalid(where, _unknown("key", key, [*_FIELDS, *_FOLDER_KEYS]))
            if key == "exclude":
                values["exclude"] = (PathPatterns(base, _validate_str_list(value, where)),)
            elif key == "find-links":
                values["find_links"] = _validate_find_links(value, where, base)
            elif key == "overrides":
                values["overrides"] = _validate_overrides(value, where, base)
            else:
                values[key.replace("-", "_")] = _FIELDS[key](value, where)
    except _Invalid as exc:
        raise ConfigError(_shown(path, cwd), exc.key, exc.reason) from None
    return Config(**values)


# --- validators ---------------------------------------------------------------------------------
# Each takes the raw value and its key path and returns the typed value or raises _Invalid.


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    import difflib  # only on this error path

    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'unknown {what} "{name}"{hint}'


def _as_list(value: object) -> object:
    # The command line hands over tuples; the file hands over lists.
    return list(value) if isinstance(value, tuple) else value


def _validate_str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(where, f"expected a string, got {kind_of(value)}")
    return value


def _validate_choice(choices: Sequence[str]) -> Callable[[object, str], str]:
    def validate(value: object, where: str) -> str:
        text = _validate_str(value, where)
        if text not in choices:
            listed = ", ".join(f'"{choice}"' for choice in choices)
            raise _Invalid(where, f'expected one of {listed}, got "{text}"')
        return text

    return validate


def _validate_str_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid(where, f"expected an array of strings, got {kind_of(value)}")
    return tuple(_validate_str(item, f"{where}[{index}]") for index, item in enumerate(value))


def _validate_rule(value: object, where: str) -> str:
    rule = _validate_str(value, where)
    if rule not in RULES:
        raise _Invalid(where, _unknown("rule", rule, list(RULES)))
    return rule


def _validate_rule_list(value: object, where: str) -> frozenset[str]:
    return frozenset(
        _validate_rule(rule, f"{where}[{index}]") for index, rule in enumerate(_checked_list(value, where))
    )


def _checked_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _Invalid(where, f"expected an array, got {kind_of(value)}")
    return value


def _checked_table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _Invalid(where, f"expected a table, got {kind_of(value)}")
    return value


_SEVERITY_CHOICES = ("error", "warning", "info")


def _validate_severity_table(value: object, where: str) -> Mapping[str, Severity]:
    table = _checked_table(value, where)
    result: dict[str, Severity] = {}
    for rule, level in table.items():
        key = f"{where}.{rule}"
        if rule not in RULES:
            raise _Invalid(key, _unknown("rule", rule, list(RULES)))
        result[rule] = Severity(_validate_choice(_SEVERITY_CHOICES)(level, key))
    return MappingProxyType(result)


# The patterns below are kept as text and compiled by ``re`` (which caches them) on first use:
# each serves one setting, and most runs set none of them, so importing this module skips them.
_NAME_SEPARATORS = r"[-_.]+"


def normalise_name_glob(pattern: str) -> str:
    """A name glob normalised as PEP 503 normalises names (``Foo_Bar*`` -> ``foo-bar*``)."""
    return re.sub(_NAME_SEPARATORS, "-", pattern).lower()


def _validate_package_globs(value: object, where: str) -> tuple[str, ...]:
    return tuple(normalise_name_glob(pattern) for pattern in _validate_str_list(value, where))


_DURATION_PART = r"(\d+)\s*([smhdw])\s*"
_DURATION = rf"(?:{_DURATION_PART})+"
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_MAX_DURATION_SECONDS = dt.timedelta.max.days * 86400


def parse_duration(text: str) -> dt.timedelta:
    """``"7d"``, ``"12h"``, ``"2w"``, ``"1w2d"``, ``"90m"``, ``"30s"`` or ``"0"`` as a timedelta.

    A bare number is a count of days (``"7"``), matching the integer form the config accepts.
    Raises :class:`ValueError` with a user-facing reason.
    """
    stripped = text.strip().lower()
    if stripped.isdigit():
        seconds = int(stripped) * _UNIT_SECONDS["d"]
    elif re.fullmatch(_DURATION, stripped):
        seconds = sum(
            int(count) * _UNIT_SECONDS[unit] for count, unit in re.findall(_DURATION_PART, stripped)
        )
    else:
        raise ValueError(f'expected a duration such as "7d", "12h", "2w" or "0", got "{text}"')
    if seconds > _MAX_DURATION_SECONDS:
        raise ValueError(f'"{text}" is longer than a duration can be ({dt.timedelta.max.days} days at most)')
    return dt.timedelta(seconds=seconds)


def _check_timedelta(value: dt.timedelta, where: str) -> dt.timedelta:
    if value < dt.timedelta(0):
        raise _Invalid(where, "must not be negative")
    return value


def _validate_min_age(value: object, where: str) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _Invalid(where, f"expected a duration string or a number of days, got {kind_of(value)}")
    try:
        if isinstance(value, int):
            if value < 0:
                raise _Invalid(where, "must not be negative")
            return parse_duration(str(value))
        return parse_duration(value)
    except ValueError as exc:
        raise _Invalid(where, str(exc)) from None


_PYTHON = r"\d+\.\d+(\.\d+)?"


def _validate_python(value: object, where: str) -> Version:
    if isinstance(value, float):
        # TOML reads 3.10 as the float 3.1, so a number cannot say which Python is meant.
        raise _Invalid(where, f'expected a string such as "3.11", got the number {value}; quote it')
    text = _validate_str(value, where)
    if not re.fullmatch(_PYTHON, text.strip()):
        raise _Invalid(where, f'expected a Python version such as "3.11" or "3.12.4", got "{text}"')
    try:
        return Version(text.strip())
    except InvalidVersion:  # unreachable after the pattern, kept so a reason is always given
        raise _Invalid(where, f'"{text}" is not a version') from None


def _validate_url(value: object, where: str) -> str:
    text = _validate_str(value, where)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https", "file") or (parts.scheme != "file" and not parts.netloc):
        raise _Invalid(where, f'expected an http, https or file URL, got "{text}"')
    return text


def _validate_find_links(value: object, where: str, base: Path) -> tuple[str, ...]:
    """pip find-links locations: ``http(s)`` and ``file:`` URLs as written; any other text is a
    path (``~`` expanded), taken against ``base``, the configuration file's folder, when relative,
    so that the file means the same wherever depcheck runs."""
    if not isinstance(value, list):
        raise _Invalid(where, f"expected an array of folders, files or URLs, got {kind_of(value)}")
    locations = []
    for index, item in enumerate(value):
        text = _validate_str(item, f"{where}[{index}]").strip()
        if not text:
            raise _Invalid(f"{where}[{index}]", "expected a folder, a file or a URL, got an empty string")
        scheme = urlsplit(text).scheme
        if scheme in ("http", "https", "file"):
            locations.append(_validate_url(text, f"{where}[{index}]"))
        elif "://" in text:
            raise _Invalid(
                f"{where}[{index}]", f'expected a folder, a file or an http, https or file URL, got "{text}"'
            )
        else:
            locations.append(str(base / Path(text).expanduser()))
    return tuple(locations)


def _validate_url_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid(where, f"expected an array of URLs, got {kind_of(value)}")
    return tuple(_validate_url(item, f"{where}[{index}]") for index, item in enumerate(value))


_ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _validate_registries(value: object, where: str) -> Mapping[str, RegistrySettings]:
    table = _checked_table(value, where)
    result: dict[str, RegistrySettings] = {}
    for host, settings in table.items():
        key = f'{where}."{host}"' if not re.fullmatch(r"[A-Za-z0-9_-]+", host) else f"{where}.{host}"
        entry = _checked_table(settings, key)
        url: str | None = None
        credentials = Credentials.DOCKER_CONFIG
        env: str | None = None
        insecure = False
        for name, item in entry.items():
            if name == "url":
                url = _validate_url(item, f"{key}.url")
            elif name == "credentials":
                text = _validate_str(item, f"{key}.credentials")
                if text.startswith("env:"):
                    env = text[len("env:") :]
                    if not re.fullmatch(_ENV_NAME, env):
                        raise _Invalid(f"{key}.credentials", f'"{env}" is not an environment variable name')
                    credentials = Credentials.ENV
                elif text in ("docker-config", "none"):
                    credentials = Credentials(text)
                else:
                    raise _Invalid(
                        f"{key}.credentials",
                        f'expected "docker-config", "env:VARNAME" or "none", got "{text}"',
                    )
            elif name == "insecure":
                if not isinstance(item, bool):
                    raise _Invalid(f"{key}.insecure", f"expected a boolean, got {kind_of(item)}")
                insecure = item
            else:
                raise _Invalid(f"{key}.{name}", _unknown("key", name, ["url", "credentials", "insecure"]))
        result[host] = RegistrySettings(url=url, credentials=credentials, env=env, insecure=insecure)
    return MappingProxyType(result)


def _validate_allow_tags(value: object, where: str) -> Mapping[str, tuple[str, ...]]:
    table = _checked_table(value, where)
    result: dict[str, tuple[str, ...]] = {}
    for image, tags in table.items():
        key = f'{where}."{image}"' if not re.fullmatch(r"[A-Za-z0-9_-]+", image) else f"{where}.{image}"
        result[image] = _validate_str_list(tags, key)
    return MappingProxyType(result)


def _validate_format(value: object, where: str) -> str:
    return _validate_choice(FORMATS)(value, where)


def _validate_fail_on(value: object, where: str) -> Severity | None:
    text = _validate_choice(("error", "warning", "info", "never"))(value, where)
    return None if text == "never" else Severity(text)


_OVERRIDE_KEYS = ("paths", "severity", "disable", "ignore-packages", "ignore-images")


def _validate_overrides(value: object, where: str, base: Path) -> tuple[Override, ...]:
    overrides = []
    for index, item in enumerate(_checked_list(value, where)):
        key = f"{where}[{index}]"
        entry = _checked_table(item, key)
        if "paths" not in entry:
            raise _Invalid(key, 'missing "paths", the globs of the files this override applies to')
        fields: dict[str, Any] = {}
        for name, setting in entry.items():
            at = f"{key}.{name}"
            if name == "paths":
                paths = _validate_str_list(setting, at)
                if not paths:
                    raise _Invalid(at, "must name at least one path glob")
                fields["paths"] = PathPatterns(base, paths)
            elif name == "severity":
                fields["severity"] = _validate_severity_table(setting, at)
            elif name == "disable":
                fields["disable"] = _validate_rule_list(setting, at)
            elif name == "ignore-packages":
                fields["ignore_packages"] = _validate_package_globs(setting, at)
            elif name == "ignore-images":
                fields["ignore_images"] = _validate_str_list(setting, at)
            else:
                raise _Invalid(at, _unknown("key", name, _OVERRIDE_KEYS))
        overrides.append(Override(**fields))
    return tuple(overrides)


def _typed(enum_type: Callable[[str], _T], choices: Sequence[str]) -> Callable[[object, str], _T]:
    def validate(value: object, where: str) -> _T:
        return enum_type(_validate_choice(choices)(value, where))

    return validate


_FIELDS: dict[str, Callable[[object, str], Any]] = {
    "severity": _validate_severity_table,
    "disable": _validate_rule_list,
    "ignore-packages": _validate_package_globs,
    "ignore-images": _validate_str_list,
    "min-age": _validate_min_age,
    "python": _validate_python,
    "index-url": _validate_url,
    "extra-index-urls": _validate_url_list,
    "docker-hub-url": _validate_url,
    "registries": _validate_registries,
    "allow-tags": _validate_allow_tags,
    "pyproject-dependencies": _typed(PyprojectDependencies, [mode.value for mode in PyprojectDependencies]),
    "fail-on": _validate_fail_on,
    "strategy": _typed(Strategy, [strategy.value for strategy in Strategy]),
    "format": _validate_format,
}
"""Key -> validator for every key except :data:`_FOLDER_KEYS`."""

_FOLDER_KEYS = ("exclude", "find-links", "overrides")
"""Keys whose values are read against the configuration file's folder."""

_OPTION_NAMES = {"extra_index_urls": "--extra-index-url"}
"""Command-line options whose name is not the field's (a repeatable option is named in the singular)."""

_ALREADY_TYPED: dict[str, type] = {
    "python": Version,
    "fail_on": Severity,
    "strategy": Strategy,
    "pyproject_dependencies": PyprojectDependencies,
}
"""Options the caller may hand over already parsed; they are taken as they are."""

_CLI_FIELDS = frozenset(
    {
        "exclude",
        "disable",
        "ignore_packages",
        "ignore_images",
        "min_age",
        "python",
        "index_url",
        "extra_index_urls",
        "docker_hub_url",
        "pyproject_dependencies",
        "fail_on",
        "strategy",
        "format",
    }
)


def matches_any(name: str, patterns: Sequence[str]) -> bool:
    """Whether ``name`` matches one of the globs (``fnmatch`` rules, case-sensitive)."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
