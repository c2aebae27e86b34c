"""Asking the registries about every dependency, each distinct lookup once, all at once.

:class:`RegistryVerifier` groups the dependencies by what must be looked up (a PyPI project on
one index, an image repository on one registry), runs every lookup concurrently (the HTTP layer
bounds concurrency per host), then applies the registry rules. A lookup that fails gives each
dependency that needed it a ``registry-error`` finding besides its registry-free findings: a
registry failure is never reported as a pass.

A PyPI project is asked of every index pip would consult for it (:func:`indexes_for`): its own
index and each extra index. pip installs from the union of them, so their answers are merged
(:func:`~depcheck.registries.merge.merge_facts`) before the rules judge the pin, and the
primary's and extras' own answers are compared for ``index-confusion``. If any of those indexes
could not answer, the dependency gets ``registry-error`` naming it, never a verdict worked out
from the indexes that did answer: a private index that is down must not make its packages look
invented. pip's ``--find-links`` locations (the run's, and a requirements file's ``-f`` lines) are
asked and merged the same way (:mod:`depcheck.registries.find_links`); being no index, they take
no part in ``index-confusion``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from depcheck import eventloop
from depcheck.audit import Verification, Verifier
from depcheck.model import Dependency, Ecosystem, Finding, Role
from depcheck.policy import Policy
from depcheck.registries.interface import (
    ImageFacts,
    ImageRegistry,
    PackageIndex,
    ProjectFacts,
    RegistryError,
)
from depcheck.registries.merge import distinct_extras, merge_facts, same_index
from depcheck.rules import RULES, check_static
from depcheck.rules.docker import check_docker
from depcheck.rules.indexes import check_index_confusion
from depcheck.rules.pypi import check_pypi
from depcheck.sources.names import is_compose, is_dockerfile, is_pyproject

if TYPE_CHECKING:
    from depcheck.registries.find_links import FindLinksReader

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class FindLinksAt:
    """A find-links location, as a lookup source (distinct from any index URL)."""

    location: str


PypiKey = tuple[str, str | FindLinksAt | None]
"""A project on one index (``None``: the configured index) or in one find-links location."""
PypiPlan = tuple[PypiKey, ...]
"""Every lookup one PyPI dependency needs: its own index first, then each extra index, then each
find-links location."""
ImageKey = tuple[str | None, str]


def needs_lookup(dependency: Dependency) -> bool:
    """Whether a registry can say anything about ``dependency``."""
    if dependency.unresolved is not None:
        return False
    if dependency.ecosystem is Ecosystem.PYPI:
        return dependency.role is not Role.INTERPRETER and dependency.url is None and not dependency.editable
    return dependency.repository is not None


ProjectPythonLookup = Callable[[str], "str | None"]
"""The ``requires-python`` of the project a file (as shown) belongs to, read from wherever the
caller can read projects (the CLI: the nearest ``pyproject.toml`` on disk), or ``None``."""


def requires_python_by_file(
    dependencies: Sequence[Dependency], project_python: ProjectPythonLookup | None = None
) -> dict[str, str]:
    """The ``requires-python`` (or Poetry ``python``) each file's suggestions must fit.

    A ``pyproject.toml`` has its own. A requirements file without one belongs to the project of
    the nearest audited ``pyproject.toml`` in its folder or above, and takes that project's Python
    (DESIGN: ``--python``, else ``requires-python``, else the running interpreter); the nearest
    one counts even when it declares no Python, as ``depcheck latest`` reads it. When no audited
    ``pyproject.toml`` is there (``depcheck audit requirements.txt``, or a pre-commit hook passing
    only the changed files), ``project_python`` is asked, so that a file gets the same suggestions
    however it was named. Dockerfiles and compose files take none: their ``pip install`` lines
    run on the image's Python, not the project's.
    """
    found: dict[str, str] = {}
    projects: dict[PurePosixPath, str | None] = {}
    for dependency in dependencies:
        file = dependency.location.file
        if dependency.role is Role.INTERPRETER and dependency.specifier:
            found.setdefault(file, dependency.specifier)
        path = PurePosixPath(file)
        if is_pyproject(path):
            projects.setdefault(path.parent, None)
    for path_text, specifier in found.items():
        path = PurePosixPath(path_text)
        if is_pyproject(path) and projects.get(path.parent) is None:
            projects[path.parent] = specifier
    if not any(projects.values()) and project_python is None:
        return found
    # Once per file, not per dependency: a requirements file names hundreds, and the lookup
    # walks folders on disk.
    for file in dict.fromkeys(dependency.location.file for dependency in dependencies):
        path = PurePosixPath(file)
        if file in found or is_pyproject(path) or is_dockerfile(path) or is_compose(path):
            continue
        for folder in (path.parent, *path.parent.parents):
            if folder in projects:
                declared = projects[folder]
                if declared is not None:
                    found[file] = declared
                break
        else:
            outside = project_python(file) if project_python is not None else None
            if outside is not None:
                found[file] = outside
    return found


def indexes_for(
    dependency: Dependency, extra_index_urls: Sequence[str] = (), index_url: str | None = None
) -> tuple[str | None, tuple[str, ...]]:
    """The indexes pip consults for ``dependency``: its own index (``None``: the configured one) and the extras.

    ``index_url`` and ``extra_index_urls`` are the run's configured index (when known) and extra
    indexes. As in pip, a requirements file's ``--index-url`` line replaces the whole index list it
    was given, configured extras included (pip's ``handle_option_line``), and the file's own
    ``--extra-index-url`` lines add to it. An extra index that repeats the primary or an earlier
    extra is left out, so that no index is asked twice.
    """
    if dependency.index_url is not None:
        primary: str | None = dependency.index_url
        extras: Sequence[str] = dependency.extra_index_urls
    else:
        primary = index_url
        extras = (*extra_index_urls, *dependency.extra_index_urls)
    return primary, distinct_extras(primary, extras)


def registry_error(dependency: Dependency, error: RegistryError | Sequence[RegistryError]) -> Finding:
    """``registry-error`` for ``dependency``, naming each registry (or index) that could not answer."""
    errors = [error] if isinstance(error, RegistryError) else list(error)
    what = "PyPI" if dependency.ecosystem is Ecosystem.PYPI else "the image registry"
    reasons = "; ".join(f"{what} ({each.registry}) could not answer: {each.reason}" for each in errors)
    return Finding.about(
        dependency,
        "registry-error",
        RULES["registry-error"].severity,
        f"{dependency.name} was not verified: {reasons}",
    )


Progress = Callable[[int, int], None]
"""Told ``(done, total)`` each time a lookup ends, e.g. to draw a progress bar."""


async def _settle(
    keys: Sequence[Hashable], lookup: Callable[[T], Awaitable[object]], done: Callable[[], None]
) -> dict[Hashable, object]:
    """Run ``lookup`` for every key concurrently; failures come back as the exception."""

    async def one(key: T) -> object:
        try:
            return await lookup(key)
        except RegistryError as exc:
            logger.warning("%s", exc)
            return exc
        finally:
            done()

    values = await eventloop.gather(*(one(key) for key in keys))  # type: ignore[arg-type]
    return dict(zip(keys, values, strict=True))


def _key_order(key: PypiKey) -> tuple[str, int, str]:
    name, source = key
    if isinstance(source, FindLinksAt):
        return (name, 1, source.location)
    return (name, 0, source or "")


class RegistryVerifier(Verifier):
    """The verifier over a package index and an image registry client.

    ``extra_index_urls`` are the run's configured extra indexes (``--extra-index-url``, the
    configuration's ``extra-index-urls``, pip's own); ``index_url`` the configured index's URL
    when known, so that an extra index naming it is not asked a second time. ``find_links`` are
    the run's find-links locations (``--find-links``, pip's own), read by ``links`` (which also
    reads those a requirements file names; without it, a plan naming one fails). ``project_python``
    finds the Python of a project that was not audited itself (see :func:`requires_python_by_file`).
    """

    def __init__(
        self,
        index: PackageIndex,
        images: ImageRegistry,
        progress: Progress | None = None,
        *,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str] = (),
        links: FindLinksReader | None = None,
        project_python: ProjectPythonLookup | None = None,
    ) -> None:
        self.index = index
        self.images = images
        self.progress = progress
        self.index_url = index_url
        self.extra_index_urls = tuple(extra_index_urls)
        self.find_links = tuple(find_links)
        self.links = links
        self.project_python = project_python

    def plan(self, dependency: Dependency) -> PypiPlan:
        """The lookups a PyPI ``dependency`` needs, its own index first, find-links locations last.

        The run's find-links locations (``find_links``) and those of the dependency's file both
        apply, as pip adds a file's ``-f`` lines to its own.
        """
        primary, extras = indexes_for(dependency, self.extra_index_urls, self.index_url)
        # The configured index is asked as ``None``, as before extra indexes existed, so that a
        # dependency with no index of its own shares its lookup with every other such dependency.
        if primary is not None and self.index_url is not None and same_index(primary, self.index_url):
            primary = None
        locations = dict.fromkeys((*self.find_links, *dependency.find_links))
        return (
            (dependency.name, primary),
            *((dependency.name, url) for url in extras),
            *((dependency.name, FindLinksAt(location)) for location in locations),
        )

    async def lookup(self, key: PypiKey, index: PackageIndex | None = None) -> ProjectFacts:
        """The answer for one key of a plan: from ``index`` (default: this verifier's) for an index,
        from the find-links reader for a find-links location."""
        name, source = key
        if isinstance(source, FindLinksAt):
            if self.links is None:
                from depcheck.registries.find_links import shown

                raise RegistryError(shown(source.location), "find-links locations are not read here")
            return await self.links.project(name, source.location)
        return await (index or self.index).project(name, source)

    async def verify(self, dependencies: Sequence[Dependency], policy: Policy) -> Verification:
        to_check = [dependency for dependency in dependencies if needs_lookup(dependency)]
        plans = {d: self.plan(d) for d in to_check if d.ecosystem is Ecosystem.PYPI}
        pypi_keys: list[PypiKey] = sorted({key for plan in plans.values() for key in plan}, key=_key_order)
        image_keys: list[ImageKey] = sorted(
            {(d.registry, d.repository or "") for d in to_check if d.ecosystem is Ecosystem.DOCKER},
            key=lambda key: (key[0] or "", key[1]),
        )
        logger.info("looking up %d PyPI projects and %d image repositories", len(pypi_keys), len(image_keys))

        async def project(key: PypiKey) -> ProjectFacts:
            return await self.lookup(key)

        async def image(key: ImageKey) -> ImageFacts:
            return await self.images.image(key[0], key[1])

        total = len(pypi_keys) + len(image_keys)
        finished = 0

        def done() -> None:
            nonlocal finished
            finished += 1
            if self.progress is not None:
                self.progress(finished, total)

        projects, images = await eventloop.gather(
            _settle(pypi_keys, project, done), _settle(image_keys, image, done)
        )
        return self._judge(dependencies, plans, projects, images, policy)

    def _judge(
        self,
        dependencies: Sequence[Dependency],
        plans: Mapping[Dependency, PypiPlan],
        projects: Mapping[Hashable, object],
        images: Mapping[Hashable, object],
        policy: Policy,
    ) -> Verification:
        python_by_file = requires_python_by_file(dependencies, self.project_python)
        findings: dict[Dependency, Sequence[Finding]] = {}
        resolved: dict[Dependency, str | None] = {}
        # One merged answer per set of indexes: the suggestion code works a project out once per
        # answer object, and many lines name the same project.
        merged: dict[PypiPlan, ProjectFacts] = {}
        failed = False
        for dependency in dependencies:
            if not needs_lookup(dependency):
                findings[dependency] = check_static(dependency)
                continue
            if dependency.ecosystem is Ecosystem.PYPI:
                plan = plans[dependency]
                answers = [projects[key] for key in plan]
                errors = [answer for answer in answers if isinstance(answer, RegistryError)]
                if errors:
                    failed = True
                    findings[dependency] = [*check_static(dependency), registry_error(dependency, errors)]
                    continue
                facts = [answer for answer in answers if isinstance(answer, ProjectFacts)]
                if plan not in merged:
                    merged[plan] = merge_facts(facts)
                pypi = check_pypi(
                    dependency, merged[plan], policy, python_by_file.get(dependency.location.file)
                )
                # Find-links locations are no index: they take no part in index confusion.
                indexes = [
                    answer
                    for key, answer in zip(plan, facts, strict=True)
                    if not isinstance(key[1], FindLinksAt)
                ]
                confusion = check_index_confusion(dependency, indexes[0], indexes[1:])
                findings[dependency] = pypi.findings if confusion is None else (*pypi.findings, confusion)
                resolved[dependency] = pypi.resolved
                continue
            answer = images[(dependency.registry, dependency.repository or "")]
            if isinstance(answer, RegistryError):
                failed = True
                findings[dependency] = [*check_static(dependency), registry_error(dependency, answer)]
            elif isinstance(answer, ImageFacts):
                docker = check_docker(dependency, answer, policy)
                findings[dependency], resolved[dependency] = docker.findings, docker.resolved
        return Verification(findings=findings, resolved=resolved, registry_failed=failed)
