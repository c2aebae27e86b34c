"""Asking the registries about every dependency, each distinct lookup once, all at once.

:class:`RegistryVerifier` groups the dependencies by what must be looked up (a PyPI project on
one index, an image repository on one registry), runs every lookup concurrently (the HTTP layer
bounds concurrency per host), then applies the registry rules. A lookup that fails gives each
dependency that needed it a ``registry-error`` finding besides its registry-free findings: a
registry failure is never reported as a pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import TypeVar

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
from depcheck.rules import RULES, check_static
from depcheck.rules.docker import check_docker
from depcheck.rules.pypi import check_pypi

logger = logging.getLogger(__name__)

T = TypeVar("T")
PypiKey = tuple[str, str | None]
ImageKey = tuple[str | None, str]


def needs_lookup(dependency: Dependency) -> bool:
    """Whether a registry can say anything about ``dependency``."""
    if dependency.unresolved is not None:
        return False
    if dependency.ecosystem is Ecosystem.PYPI:
        return dependency.role is not Role.INTERPRETER and dependency.url is None and not dependency.editable
    return dependency.repository is not None


def requires_python_by_file(dependencies: Sequence[Dependency]) -> dict[str, str]:
    """Each file's own ``requires-python`` (or Poetry ``python``), used to pick suggestions."""
    found: dict[str, str] = {}
    for dependency in dependencies:
        if dependency.role is Role.INTERPRETER and dependency.specifier:
            found.setdefault(dependency.location.file, dependency.specifier)
    return found


def registry_error(dependency: Dependency, error: RegistryError) -> Finding:
    what = "PyPI" if dependency.ecosystem is Ecosystem.PYPI else "the image registry"
    return Finding.about(
        dependency,
        "registry-error",
        RULES["registry-error"].severity,
        f"{dependency.name} was not verified: {what} ({error.registry}) could not answer: {error.reason}",
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

    values = await asyncio.gather(*(one(key) for key in keys))  # type: ignore[arg-type]
    return dict(zip(keys, values, strict=True))


class RegistryVerifier(Verifier):
    """The verifier over a package index and an image registry client."""

    def __init__(self, index: PackageIndex, images: ImageRegistry, progress: Progress | None = None) -> None:
        self.index = index
        self.images = images
        self.progress = progress

    async def verify(self, dependencies: Sequence[Dependency], policy: Policy) -> Verification:
        to_check = [dependency for dependency in dependencies if needs_lookup(dependency)]
        pypi_keys: list[PypiKey] = sorted(
            {(d.name, d.index_url) for d in to_check if d.ecosystem is Ecosystem.PYPI},
            key=lambda key: (key[0], key[1] or ""),
        )
        image_keys: list[ImageKey] = sorted(
            {(d.registry, d.repository or "") for d in to_check if d.ecosystem is Ecosystem.DOCKER},
            key=lambda key: (key[0] or "", key[1]),
        )
        logger.info("looking up %d PyPI projects and %d image repositories", len(pypi_keys), len(image_keys))

        async def project(key: PypiKey) -> ProjectFacts:
            return await self.index.project(key[0], key[1])

        async def image(key: ImageKey) -> ImageFacts:
            return await self.images.image(key[0], key[1])

        total = len(pypi_keys) + len(image_keys)
        finished = 0

        def done() -> None:
            nonlocal finished
            finished += 1
            if self.progress is not None:
                self.progress(finished, total)

        projects, images = await asyncio.gather(
            _settle(pypi_keys, project, done), _settle(image_keys, image, done)
        )
        return self._judge(dependencies, projects, images, policy)

    def _judge(
        self,
        dependencies: Sequence[Dependency],
        projects: Mapping[Hashable, object],
        images: Mapping[Hashable, object],
        policy: Policy,
    ) -> Verification:
        python_by_file = requires_python_by_file(dependencies)
        findings: dict[Dependency, Sequence[Finding]] = {}
        resolved: dict[Dependency, str | None] = {}
        failed = False
        for dependency in dependencies:
            if not needs_lookup(dependency):
                findings[dependency] = check_static(dependency)
                continue
            if dependency.ecosystem is Ecosystem.PYPI:
                answer = projects[(dependency.name, dependency.index_url)]
            else:
                answer = images[(dependency.registry, dependency.repository or "")]
            if isinstance(answer, RegistryError):
                failed = True
                findings[dependency] = [*check_static(dependency), registry_error(dependency, answer)]
                continue
            if isinstance(answer, ProjectFacts):
                pypi = check_pypi(dependency, answer, policy, python_by_file.get(dependency.location.file))
                findings[dependency], resolved[dependency] = pypi.findings, pypi.resolved
            elif isinstance(answer, ImageFacts):
                docker = check_docker(dependency, answer, policy)
                findings[dependency], resolved[dependency] = docker.findings, docker.resolved
        return Verification(findings=findings, resolved=resolved, registry_failed=failed)
