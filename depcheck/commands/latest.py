"""``depcheck latest NAME ...``: the exact version (or, with ``--docker``, image tag) to write today.

This is the command a person or a coding agent runs instead of remembering a version, so its text
output is exactly the line to paste, one per name: ``httpx==0.28.1``, ``python:3.12.7-slim``,
``ghcr.io/astral-sh/uv:0.11.32`` (the name is kept as written, extras and registry prefix
included). ``--format json`` prints a list of ``{"name", "ecosystem", "version"`` (PyPI) or
``"tag"`` and ``"digest"`` (Docker), ``"requirement"`` (the line to write), ``"error"}``, PyPI
answers also ``"python"`` and ``"python_from"``.

PyPI: the newest release that has files, is not yanked, is not a pre-release (unless the project
has published nothing else, as pip would then install one), fits the target Python and is older
than ``--min-age``; the choice is :func:`~depcheck.suggest.pypi.suggest_version`'s.

**The target Python** is ``--python``, else the configuration's ``python``, else the lowest Python
the project's ``pyproject.toml`` allows (``requires-python``, or Poetry's ``python``; the file
named by ``--project``, else the nearest one found upward from the current directory, see
:mod:`depcheck.project_python`), else the running interpreter: the same choice an audit of that
project makes, so that ``depcheck latest django`` inside a project declaring ``>=3.10`` names a
Django its 3.10 users can install. When the project's Python changes the answer from what the
running interpreter would get, one line on stderr says so; ``--format json`` gives every PyPI
answer ``"python"`` (the target) and ``"python_from"`` (``--python``, the configuration file, the
``pyproject.toml``, or ``interpreter``). A ``pyproject.toml`` whose Python cannot be read is a
usage error naming the file and line; ``--docker`` never reads it.

Docker: the most specific tag of the line named (``python:3.12-slim`` -> ``python:3.12.7-slim``),
and for an untagged image or ``latest`` the most specific tag sharing ``latest``'s digest
(:func:`~depcheck.suggest.docker.latest_tag`). OCI ``tags/list`` answers carry no digests, so
the few that decide the choice are asked for first.

Exit codes: 0 every name resolved; 1 some name does not exist ("no such project on <index>") or
has no release that qualifies (the reason on stderr); 3 a registry could not answer, so some name
was not resolved (this wins over 1, as for ``audit``); 2 a name that is not a project name or an
image reference. Names are looked up concurrently, each once.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from depcheck import eventloop
from depcheck.commands.common import Settings, load_settings, open_registries, with_extra_indexes, write_out
from depcheck.errors import UsageError
from depcheck.eventloop import run_in_loop, run_within
from depcheck.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_REGISTRY
from depcheck.model import Ecosystem
from depcheck.policy import Policy, running_python
from depcheck.project_python import ProjectPython, project_python, shown_path
from depcheck.registries.docker import DockerRegistry
from depcheck.registries.interface import ImageFacts, PackageIndex, ProjectFacts, RegistryError
from depcheck.registries.pypi import SimpleIndex
from depcheck.registries.union import UnionIndex
from depcheck.sources.image import ImageRef, InvalidImageReference, parse_image_ref
from depcheck.suggest.docker import latest_tag, parse_tag
from depcheck.suggest.pypi import has_files, parsed_releases, suggest_version, target_python

logger = logging.getLogger(__name__)

DIGEST_PROBES = 8
"""How many candidate tags' digests are asked of an OCI registry to match a floating tag's build."""


@dataclass(frozen=True)
class Answer:
    """What ``latest`` says about one name: the exact version or tag, or why there is none.

    ``requirement`` is the text to write (``httpx==0.28.1``, ``python:3.12.7-slim``).
    ``registry_failed`` is true when the registry could not answer (exit 3), as opposed to an
    answer that there is nothing to write (exit 1).
    """

    name: str
    ecosystem: Ecosystem
    requirement: str | None = None
    version: str | None = None
    digest: str | None = None
    error: str | None = None
    registry_failed: bool = False
    target: Target | None = None
    """The Python a PyPI answer is for."""
    changed_by_project: bool = False
    """Whether the project's Python gave another answer than the running interpreter would get."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "ecosystem": self.ecosystem.value}
        if self.ecosystem is Ecosystem.PYPI:
            data["version"] = self.version
        else:
            data["tag"] = self.version
            data["digest"] = self.digest
        data["requirement"] = self.requirement
        data["error"] = self.error
        if self.target is not None:
            data["python"] = self.target.shown
            data["python_from"] = self.target.source
        return data


# --- the target Python ------------------------------------------------------------------------


INTERPRETER = "interpreter"
"""``python_from`` when the answer is for the Python running depcheck."""


@dataclass(frozen=True)
class Target:
    """The Python PyPI answers are for, and where that choice came from.

    ``source`` is ``--python``, the configuration file that sets ``python``, the
    ``pyproject.toml`` whose declared Python it is (``project`` then holds the declaration), or
    :data:`INTERPRETER`.
    """

    python: Version
    source: str
    project: ProjectPython | None = None

    @property
    def shown(self) -> str:
        """``3.10`` for ``3.10.0``, else the version as is (``3.9.1``, ``3.11.7``)."""
        python = self.python
        if python.micro == 0 and len(python.release) <= 3:
            return f"{python.major}.{python.minor}"
        return str(python)

    @property
    def why(self) -> str:
        """Where the target comes from, for messages: ``requires-python >=3.10 in pyproject.toml``."""
        if self.project is not None:
            return f"{self.project.key} {self.project.written} in {self.project.file}"
        return self.source


def choose_target(settings: Settings, explicit_project: str | None) -> Target:
    """``--python``, else the configuration's ``python``, else the project's, else the running one.

    ``explicit_project`` is ``--project`` (a ``pyproject.toml`` or its folder); without it the
    project is found upward from the current directory. Raises
    :class:`~depcheck.errors.UsageError` for a project file whose Python cannot be read.
    """
    configured = _configured_target(settings)
    if configured is not None:
        return configured
    project = project_python(settings.cwd, Path(explicit_project) if explicit_project else None)
    if project is not None:
        return Target(project.lowest, project.file, project)
    return Target(running_python(), INTERPRETER)


def _configured_target(settings: Settings) -> Target | None:
    """``--python`` or the configuration's ``python``, which win over the project's own."""
    chosen = settings.config.python  # --python is laid over the configuration file's value
    if chosen is None:
        return None
    config = settings.config.path
    if getattr(settings.args, "python", None) or config is None:
        return Target(chosen, "--python")
    return Target(chosen, shown_path(config, settings.cwd))


# --- reading the names ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Project:
    written: str
    """The name and extras as written (``HTTPX[http2]``), which the output keeps."""
    name: str
    """The PEP 503 normalised name, which is looked up."""


def read_project(text: str) -> _Project:
    """A PyPI project name, optionally with extras; anything else is a usage error."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        raise UsageError(f"latest: {text!r} is not a project name: {exc}") from exc
    if requirement.specifier or requirement.marker is not None or requirement.url is not None:
        raise UsageError(
            f"latest: give a project name without a version or marker, not {text!r} "
            f"(try: depcheck latest {requirement.name})"
        )
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return _Project(written=f"{requirement.name}{extras}", name=canonicalize_name(requirement.name))


def read_image(text: str) -> ImageRef:
    """An image reference as ``docker pull`` takes it; anything else is a usage error."""
    try:
        return parse_image_ref(text)
    except InvalidImageReference as exc:
        raise UsageError(f"latest --docker: {exc.reason} ({text!r})") from exc


# --- PyPI -------------------------------------------------------------------------------------


def choose_version(facts: ProjectFacts, policy: Policy) -> tuple[str | None, bool]:
    """The version to write and whether it is a pre-release taken because nothing else qualifies."""

    def suggest(allow_prerelease: bool) -> str | None:
        return suggest_version(
            facts,
            current_specifier="",
            policy=policy,
            requires_python=None,
            allow_prerelease=allow_prerelease,
        )

    final = suggest(False)
    if final is not None:
        return final, False
    # pip installs a pre-release when no final release qualifies; say so rather than refuse.
    return suggest(True), True


def why_no_version(facts: ProjectFacts, policy: Policy) -> str:
    """Why no release qualifies, found by relaxing one filter at a time."""
    # has_files answers from the release's installable Pythons, known also when the index was
    # read without its files (an audit's summaries).
    if not any(has_files(release) and not release.yanked for _, release in parsed_releases(facts)):
        return "the index lists no installable release (every release is yanked or has no files)"
    if policy.min_age is not None and choose_version(facts, dataclasses.replace(policy, min_age=None))[0]:
        return f"no release is older than --min-age ({_duration(policy.min_age)})"
    target = target_python(policy, None)
    return f"no release supports Python {target.major}.{target.minor}"


def _duration(age: dt.timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day" if days == 1 else f"{days} days"
    hours = seconds / 3600
    return f"{hours:g} hours"


async def resolve_project(index: PackageIndex, text: str, policy: Policy, target: Target) -> Answer:
    """The version of ``text`` to write for Python ``target`` (which replaces ``policy.python``)."""
    project = read_project(text)
    policy = dataclasses.replace(policy, python=target.python)
    try:
        facts = await index.project(project.name)
    except RegistryError as exc:
        return Answer(
            project.name,
            Ecosystem.PYPI,
            error=f"PyPI ({exc.registry}) could not answer: {exc.reason}",
            registry_failed=True,
            target=target,
        )
    if not facts.found:
        return Answer(project.name, Ecosystem.PYPI, error=f"no such project on {facts.index}", target=target)
    version, prerelease = choose_version(facts, policy)
    if version is None:
        reason = why_no_version(facts, policy)
        if target.project is not None and reason.startswith("no release supports Python"):
            reason = f"{reason} ({target.why})"
        return Answer(project.name, Ecosystem.PYPI, error=reason, target=target)
    if prerelease:
        logger.warning("%s has no final release that qualifies; %s is a pre-release", project.name, version)
    changed = False
    if target.project is not None:
        # Said on stderr when the project's Python made the difference, so that nobody wonders
        # why another release was named than the one their own interpreter would take.
        changed = choose_version(facts, dataclasses.replace(policy, python=running_python()))[0] != version
    return Answer(
        project.name,
        Ecosystem.PYPI,
        requirement=f"{project.written}=={version}",
        version=version,
        target=target,
        changed_by_project=changed,
    )


# --- Docker -----------------------------------------------------------------------------------


def _probes(facts: ImageFacts, current: str | None) -> list[str]:
    """The tags whose digests decide :func:`latest_tag`'s choice, when the tag list gave none.

    The anchor (the tag named, or ``latest``) and the newest few tags that could be its exact
    build: the same variant and a longer release of its line; for ``latest`` the plain tags, for
    another word tag (``alpine``) the tags carrying that word as their suffix.
    """
    tag = (current or "").partition("@")[0] or "latest"
    anchor = parse_tag(tag)
    suffix = "" if tag == "latest" else tag
    candidates = []
    for name in facts.tags:
        parsed = parse_tag(name)
        if parsed is None or not parsed.stable:
            continue
        if anchor is None:
            if parsed.suffix != suffix or parsed.word:
                continue
        elif not parsed.extends(anchor):
            continue
        candidates.append(parsed)
    candidates.sort(key=lambda parsed: parsed.order, reverse=True)
    return [tag, *(parsed.text for parsed in candidates[:DIGEST_PROBES])]


async def resolve_image(images: DockerRegistry, text: str, policy: Policy) -> Answer:
    ref = read_image(text)
    current = (ref.tag or "") + (f"@{ref.digest}" if ref.digest else "")
    where = ref.registry or "Docker Hub"
    try:
        facts = await images.image(ref.registry, ref.repository)
        if facts.found:
            if not any(info.digest for info in facts.tags.values()):
                facts = await images.fill_digests(facts, _probes(facts, current))
            tag = latest_tag(facts, current or None, policy)
            if tag is not None:
                facts = await images.fill_digests(facts, [tag])
    except RegistryError as exc:
        return Answer(
            ref.name,
            Ecosystem.DOCKER,
            error=f"the image registry ({exc.registry}) could not answer: {exc.reason}",
            registry_failed=True,
        )
    if not facts.found:
        reason = "not found, or private" if facts.private else "no such image repository"
        return Answer(ref.name, Ecosystem.DOCKER, error=f"{reason} on {where} ({facts.repository})")
    if tag is None:
        named = ref.tag or "latest"
        return Answer(ref.name, Ecosystem.DOCKER, error=f"no published tag fits {named} on {where}")
    if ref.tag is not None and ref.tag not in facts.tags:
        logger.warning(
            "%s:%s is not a published tag; %s is the nearest published one", ref.name, ref.tag, tag
        )
    info = facts.tags.get(tag)
    digest = info.digest if info is not None else None
    requirement = f"{ref.name}:{tag}"
    if ref.digest is not None:
        # The reference pinned a build: keep it pinned, to the build of the tag now named.
        requirement = f"{requirement}@{digest}" if digest else requirement
    return Answer(ref.name, Ecosystem.DOCKER, requirement=requirement, version=tag, digest=digest)


# --- the command ------------------------------------------------------------------------------


async def resolve_all(
    settings: Settings, names: Sequence[str], docker: bool, target: Target | None = None
) -> list[Answer]:
    """Every name's answer, in the order given; each distinct name is looked up once.

    PyPI answers are for Python ``target`` (default: ``--python`` or the configuration's, else
    the running interpreter; :func:`choose_target` adds the project's own).
    """
    _read_names(names, docker)
    async with open_registries(settings) as (index, images):
        return await resolve_with(settings, index, images, names, docker, target)


def _read_names(names: Sequence[str], docker: bool) -> None:
    """Read every name first: a usage error must stop the command before any lookup."""
    for text in names:
        if docker:
            read_image(text)
        else:
            read_project(text)


async def resolve_with(
    settings: Settings,
    index: SimpleIndex,
    images: DockerRegistry,
    names: Sequence[str],
    docker: bool,
    target: Target | None = None,
) -> list[Answer]:
    """:func:`resolve_all` over registry clients already open (names already read)."""
    policy = settings.options.policy
    if docker:
        return await eventloop.gather(*(resolve_image(images, text, policy) for text in names))
    if target is None:
        target = _configured_target(settings) or Target(running_python(), INTERPRETER)
    python = target
    union = with_extra_indexes(settings, index)  # pip installs from every index it is given
    return await eventloop.gather(*(resolve_project(union, text, policy, python) for text in names))


async def _look_up(settings: Settings, index: SimpleIndex, names: Sequence[str]) -> None:
    """Ask every index for every project ``names`` name, keeping nothing but the HTTP client's
    answers: the judging, and what it says (a failure, dependency confusion), is
    :func:`resolve_with`'s alone."""
    union = with_extra_indexes(settings, index)
    ask = union.answers if isinstance(union, UnionIndex) else union.project
    await eventloop.gather(*(ask(read_project(text).name) for text in names), return_exceptions=True)


def _resolve(settings: Settings, names: Sequence[str], docker: bool, target: Target | None) -> list[Answer]:
    """:func:`resolve_all`, without an event loop when the cache holds every PyPI answer.

    The projects are looked up first, with no loop (see :mod:`depcheck.eventloop`), and only
    when every answer came from the cache are they judged: a lookup that needs the network then
    sends the whole command to an event loop before anything was judged or logged. Images always
    go through the loop (their answers may need more lookups once judged: the digests).
    """
    if docker:
        return run_in_loop(resolve_all(settings, names, docker, target))
    _read_names(names, docker)

    async def attempt(clients: tuple[SimpleIndex, DockerRegistry]) -> list[Answer]:
        index, images = clients
        await _look_up(settings, index, names)
        return await resolve_with(settings, index, images, names, docker, target)

    async def online(clients: tuple[SimpleIndex, DockerRegistry]) -> list[Answer]:
        return await resolve_with(settings, *clients, names, docker, target)

    return run_within(open_registries(settings), attempt, online)


def run_latest_command(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    names: list[str] = list(args.names)
    docker = bool(args.docker)
    # Images have no Python: a broken pyproject.toml must not stop `latest --docker`.
    target = None if docker else choose_target(settings, getattr(args, "project", None))
    answers = _resolve(settings, names, docker, target)
    if args.format == "json":
        write_out(json.dumps([answer.to_json() for answer in answers], indent=2) + "\n", sys.stdout)
    else:
        write_out("".join(f"{answer.requirement}\n" for answer in answers if answer.requirement), sys.stdout)
    quiet = bool(getattr(args, "quiet", False))
    for answer in answers:
        if answer.changed_by_project and answer.target is not None and not quiet:
            print(
                f"depcheck: {answer.name}: Python {answer.target.shown} ({answer.target.why}) -> {answer.version}",
                file=sys.stderr,
            )
        if answer.error is not None:
            print(f"depcheck: error: {answer.name}: {answer.error}", file=sys.stderr)
    if any(answer.registry_failed for answer in answers):
        return EXIT_REGISTRY
    if any(answer.requirement is None for answer in answers):
        return EXIT_FINDINGS
    return EXIT_OK


__all__ = [
    "Answer",
    "Target",
    "choose_target",
    "choose_version",
    "read_image",
    "read_project",
    "run_latest_command",
    "why_no_version",
]
