"""What the subcommands share: settings from the command line and configuration, the registry
clients, and writing a report.

The command line wins over the configuration file, which wins over the built-in defaults. Every
error here is a usage error (exit 2): a bad option, an unreadable configuration, a bad baseline,
a ``--changed-since`` ref that does not exist.

One hidden setting is read here and nowhere else: ``DEPCHECK_HTTP_TIMEOUT``, the seconds one HTTP
attempt may take (default :data:`~depcheck.registries.http.DEFAULT_TIMEOUT`). It is not a
command-line option because users have no reason to change it; the end-to-end tests shorten it
to show a hanging registry turning into ``registry-error`` within seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import logging
import math
import os
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from depcheck.audit import AuditOptions
from depcheck.config import Config, ConfigError, load_config
from depcheck.config import Credentials as RegistryCredentials
from depcheck.errors import UsageError
from depcheck.filtering import apply_config
from depcheck.model import Severity
from depcheck.report import Report
from depcheck.rules import STATIC_RULES

if TYPE_CHECKING:
    # Imported where they are used, so that a command pays only for what it runs: the registry
    # clients (HTTP, cache) not with --static, the baseline and git helpers only with their options.
    from depcheck.registries.cache import ResponseCache
    from depcheck.registries.docker import DockerRegistry
    from depcheck.registries.http import UrlGuard
    from depcheck.registries.interface import PackageIndex
    from depcheck.registries.pypi import SimpleIndex
    from depcheck.registries.transport import ConnectGuard
    from depcheck.verify import Progress, RegistryVerifier

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_ENV = "DEPCHECK_HTTP_TIMEOUT"
"""Hidden: seconds one HTTP attempt may take (see the module docstring)."""


def http_timeout(environ: Mapping[str, str] | None = None) -> float:
    """``$DEPCHECK_HTTP_TIMEOUT`` as seconds, else the HTTP layer's default; a bad value is a usage error."""
    env = os.environ if environ is None else environ
    text = env.get(HTTP_TIMEOUT_ENV, "").strip()
    if not text:
        from depcheck.registries.http import DEFAULT_TIMEOUT

        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise UsageError(f"{HTTP_TIMEOUT_ENV}: expected a positive number of seconds, got {text!r}")
    return seconds


def parse_build_args(values: list[str]) -> dict[str, str]:
    """``--build-arg NAME=VALUE`` options as a mapping; a malformed one is a usage error."""
    build_args = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name:
            raise UsageError(f"--build-arg: expected NAME=VALUE, got {value!r}")
        build_args[name] = text
    return build_args


@dataclass
class Settings:
    """One command's settings: the merged configuration and the audit options built from it."""

    config: Config
    options: AuditOptions
    args: argparse.Namespace = field(default_factory=argparse.Namespace)
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def fail_on(self) -> Severity | None:
        return self.config.fail_on

    @property
    def format(self) -> str:
        return self.config.format

    @property
    def offline(self) -> bool:
        return bool(getattr(self.args, "offline", False))

    @property
    def no_cache(self) -> bool:
        return bool(getattr(self.args, "no_cache", False))

    @property
    def cache_dir(self) -> Path | None:
        value = getattr(self.args, "cache_dir", None)
        return Path(value) if value else None

    @functools.cached_property
    def extra_index_urls(self) -> tuple[str, ...]:
        """The extra indexes pip would consult besides the index, once each: ``--extra-index-url``
        and the configuration's ``extra-index-urls``, then pip's own (``$PIP_EXTRA_INDEX_URL``,
        else ``extra-index-url`` in its config files).

        pip's own are read only when depcheck is not told which index to use (no ``--index-url``,
        no ``index-url`` setting): pip's configuration then names the index, and its extra indexes
        belong with it. A run told the index is told the whole index list, so that nothing on the
        machine (a CI image's ``pip.conf``) changes what it asks. Read when first asked for.
        """
        urls = self.config.extra_index_urls
        if self.config.index_url is None:
            from depcheck.registries.config import pip_extra_index_urls

            urls = (*urls, *pip_extra_index_urls())
        return tuple(dict.fromkeys(urls))

    @functools.cached_property
    def find_links(self) -> tuple[str, ...]:
        """The find-links locations pip would read: ``--find-links`` and the configuration's
        ``find-links``, then pip's own (``$PIP_FIND_LINKS``, else ``find-links`` in its config
        files) when depcheck is not told which index to use, as for :attr:`extra_index_urls`."""
        locations: tuple[str, ...] = (
            *(getattr(self.args, "find_links", None) or ()),
            *self.config.find_links,
        )
        if self.config.index_url is None:
            from depcheck.registries.config import pip_find_links

            locations = (*locations, *pip_find_links())
        return tuple(dict.fromkeys(locations))

    def post_process(self, report: Report) -> Report:
        """Configuration and ignores, then ``--changed-since``, then the baseline."""
        dependencies = [checked.dependency for checked in report.dependencies]
        findings = apply_config(
            report.findings,
            self.config,
            dependencies=dependencies,
            no_ignore_comments=bool(getattr(self.args, "no_ignore_comments", False)),
            checked_rules=STATIC_RULES if report.static else None,
            cwd=self.cwd,
        )
        since = getattr(self.args, "changed_since", None)
        if since:
            from depcheck.changes import ChangesError, changed_lines, filter_changed

            try:
                changed = changed_lines(self.options.paths[0], since, cwd=self.cwd)
            except ChangesError as exc:
                raise UsageError(f"--changed-since: {exc}") from exc
            findings = filter_changed(findings, changed)
        write_to = getattr(self.args, "write_baseline", None)
        if write_to:
            from depcheck.baseline import write_baseline

            write_baseline(Path(write_to), findings)
            logger.info("recorded %d findings in the baseline %s", len(findings), write_to)
        baseline_from = getattr(self.args, "baseline", None)
        if baseline_from:
            from depcheck.baseline import BaselineError, apply_baseline, load_baseline

            try:
                baseline = load_baseline(Path(baseline_from))
            except BaselineError as exc:
                raise UsageError(str(exc)) from exc
            match = apply_baseline(findings, baseline)
            logger.info(
                "baseline %s accepted %d findings; %d recorded findings no longer occur",
                baseline_from,
                len(match.known),
                match.fixed,
            )
            findings = list(match.new)
        return dataclasses.replace(report, findings=tuple(findings))


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the parsed command line laid over the configuration file."""
    cwd = Path.cwd()
    paths = tuple(Path(path) for path in (getattr(args, "paths", None) or ["."]))
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    explicit = getattr(args, "config", None)
    try:
        config = load_config(paths[0], Path(explicit) if explicit else None, cwd=cwd)
        config = config.with_overrides(
            cwd=cwd,
            exclude=getattr(args, "exclude", None) or None,
            min_age=getattr(args, "min_age", None),
            python=getattr(args, "python", None),
            index_url=getattr(args, "index_url", None),
            extra_index_urls=getattr(args, "extra_index_url", None) or None,
            docker_hub_url=getattr(args, "docker_hub_url", None),
            fail_on=getattr(args, "fail_on", None),
            strategy=getattr(args, "strategy", None),
            format=getattr(args, "format", None),
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc

    def excluded(path: Path, is_dir: bool) -> bool:
        return config.is_excluded(path, is_dir=is_dir, cwd=cwd)

    options = AuditOptions(
        paths=paths,
        static=bool(getattr(args, "static", False)),
        build_args=parse_build_args(getattr(args, "build_arg", []) or []),
        excluded=excluded,
        policy=config.policy(),
    )
    return Settings(config=config, options=options, args=args, cwd=cwd)


def open_cache(settings: Settings) -> ResponseCache:
    """The persistent cache (``--cache-dir``), or none at all with ``--no-cache``."""
    from depcheck.registries.cache import DiskCache, NullCache

    if settings.no_cache:
        return NullCache()
    try:
        return DiskCache(settings.cache_dir)
    except OSError as exc:
        raise UsageError(f"--cache-dir: cannot use {settings.cache_dir}: {exc.strerror or exc}") from exc


@contextlib.asynccontextmanager
async def open_registries(
    settings: Settings,
    *,
    cache: ResponseCache | None = None,
    url_guard: UrlGuard | None = None,
    connect_guard: ConnectGuard | None = None,
) -> AsyncIterator[tuple[SimpleIndex, DockerRegistry]]:
    """The PyPI and image registry clients for one run over one HTTP client, closed at the end.

    ``cache`` replaces the one the settings choose (``depcheck serve`` passes its shared or Redis
    cache); the caller then closes it. ``url_guard`` vets every URL the HTTP client asks, each
    redirect hop included, and ``connect_guard`` where each connection may go (``depcheck serve``
    passes its registry guard's two checks; the CLI none, so an index on localhost works).
    """
    from depcheck.registries.config import IndexConfigError, default_index_url
    from depcheck.registries.docker import DockerRegistry
    from depcheck.registries.docker_auth import ConfiguredCredentials
    from depcheck.registries.http import HttpClient
    from depcheck.registries.pypi import SimpleIndex

    config = settings.config
    owned = cache is None
    cache = open_cache(settings) if cache is None else cache
    registries = config.registries
    credentials = ConfiguredCredentials(
        {
            host: (f"env:{entry.env}" if entry.env else "none")
            if entry.credentials is not RegistryCredentials.DOCKER_CONFIG
            else "docker-config"
            for host, entry in registries.items()
        }
    )
    try:
        index_url = config.index_url or default_index_url()
    except IndexConfigError as exc:
        if owned:
            cache.close()
        raise UsageError(f"cannot tell which package index to use: {exc}") from exc
    try:
        async with HttpClient(
            offline=settings.offline, timeout=http_timeout(), url_guard=url_guard, connect_guard=connect_guard
        ) as http:
            index = SimpleIndex(http, index_url=index_url, cache=cache)
            images = DockerRegistry(
                http,
                hub_url=config.docker_hub_url,
                endpoints={host: entry.url for host, entry in registries.items() if entry.url},
                insecure_registries=[host for host, entry in registries.items() if entry.insecure],
                credentials=credentials,
                cache=cache,
            )
            yield index, images
    finally:
        if owned:
            cache.close()


@contextlib.asynccontextmanager
async def open_verifier(settings: Settings) -> AsyncIterator[RegistryVerifier]:
    """The registry verifier for one run, its clients closed when the run ends.

    While lookups run longer than a moment, a progress bar shows on stderr (a terminal only,
    not with ``-q``).
    """
    from depcheck.formats.progress import LookupProgress

    quiet = bool(getattr(settings.args, "quiet", False))
    with LookupProgress(enabled=not quiet) as progress:
        async with open_registries(settings) as (index, images):
            yield registry_verifier(settings, index, images, progress=progress)


def registry_verifier(
    settings: Settings,
    index: SimpleIndex,
    images: DockerRegistry,
    *,
    progress: Progress | None = None,
) -> RegistryVerifier:
    """The verifier a command run uses over registry clients already open: the run's extra
    indexes and find-links locations, and each file's project Python read from disk."""
    from depcheck.registries.find_links import FindLinksReader
    from depcheck.verify import RegistryVerifier

    return RegistryVerifier(
        index,
        images,
        progress=progress,
        index_url=index.index_url,
        extra_index_urls=settings.extra_index_urls,
        find_links=settings.find_links,
        links=FindLinksReader(index.http, index.cache, cwd=Path.cwd()),
        project_python=disk_project_python(Path.cwd()),
    )


def disk_project_python(cwd: Path) -> Callable[[str], str | None]:
    """For the verifier: the ``requires-python`` of the project a file (as shown) sits in, from disk.

    The nearest ``pyproject.toml`` at or above the file's folder, within its repository, read
    once each (:mod:`depcheck.project_python`, the reading ``depcheck latest`` uses). One that
    cannot be read was not named by the audit: it is a warning, and the files beside it are
    judged for the run's target Python.
    """
    declared: dict[Path, str | None] = {}

    def lookup(file: str) -> str | None:
        from depcheck.project_python import find_pyproject, read_project_python

        pyproject = find_pyproject((cwd / file).parent)
        if pyproject is None:
            return None
        if pyproject not in declared:
            try:
                found = read_project_python(pyproject, cwd=cwd)
            except UsageError as exc:
                logger.warning("%s; files beside it are judged for the run's target Python", exc)
                found = None
            declared[pyproject] = found.specifier if found is not None else None
        return declared[pyproject]

    return lookup


def with_extra_indexes(settings: Settings, index: SimpleIndex) -> PackageIndex:
    """``index`` answering for the run's extra indexes too (merged as pip sees them), or ``index``
    itself when there are none (see :class:`~depcheck.registries.union.UnionIndex`)."""
    if not settings.extra_index_urls:
        return index
    from depcheck.registries.union import UnionIndex

    return UnionIndex(index, settings.extra_index_urls, index_url=index.index_url)


def write_report(report: Report, settings: Settings, *, output: Path | None, stream: TextIO) -> None:
    """Render the report; with ``-o FILE`` it goes to the file and a summary to the terminal."""
    from depcheck.formats import formatter
    from depcheck.formats.text import color_wanted

    if output is None:
        write_out(formatter(settings.format, color=color_wanted(stream, os.environ)).render(report), stream)
        return
    text = formatter(settings.format, color=False).render(report)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write the report: {exc.strerror or exc}") from exc
    from depcheck.formats.wording import NOT_VERIFIED, summary

    print(summary(report), file=sys.stderr)
    if report.registry_failed:
        print(NOT_VERIFIED, file=sys.stderr)


def write_out(text: str, stream: TextIO) -> None:
    """Write a command's output to ``stream`` (standard output) and flush it.

    A stream that cannot take it (its reader went away, as in ``depcheck audit | head``; a full
    disk) is a usage error naming the stream, never a traceback and never a pass; the stream is
    then pointed at the null device, so that nothing tries to write the rest again at exit.
    """
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):  # the stream may have no descriptor
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, stream.fileno())
            os.close(null)
        name = "standard output" if stream is sys.stdout else getattr(stream, "name", "the output")
        raise UsageError(f"cannot write to {name}: {exc.strerror or exc}") from exc
