"""The verifier asks every index pip would install from, each (project, index) once, and judges the
merged answer; an index that cannot answer makes a ``registry-error``, never a verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt

from packaging.version import Version

from depcheck.model import Dependency, Ecosystem, Location, Role
from depcheck.policy import Policy
from depcheck.registries.interface import (
    ImageFacts,
    ImageRegistry,
    PackageIndex,
    ProjectFacts,
    RegistryError,
    RegistryUnavailable,
    Release,
)
from depcheck.sources.document import Document
from depcheck.sources.pep508 import requirement_dependency
from depcheck.verify import RegistryVerifier, indexes_for, requires_python_by_file

PRIMARY = "https://primary.example/simple"
PRIVATE = "https://private.example/simple"
TEAM = "https://team.example/simple"
FILE_INDEX = "https://file-index.example/simple"
POLICY = Policy(python=Version("3.12"), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def facts(name: str, index: str, *versions: str) -> ProjectFacts:
    return ProjectFacts(
        name=name,
        found=True,
        releases={
            version: Release(
                version=version,
                upload_time=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                installable_pythons=(None,),
            )
            for version in versions
        },
        index=index,
    )


class MemoryIndex(PackageIndex):
    """Answers from memory, per index URL (``None``: the configured index, ``PRIMARY``)."""

    def __init__(self, pages: dict[str, list[ProjectFacts]], failing: dict[str, str] | None = None) -> None:
        self.pages = {index: {item.name: item for item in items} for index, items in pages.items()}
        self.failing = failing or {}
        self.asked: list[tuple[str, str | None]] = []

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        self.asked.append((name, index_url))
        index = index_url or PRIMARY
        if index in self.failing:
            raise RegistryUnavailable(index.split("/")[2], self.failing[index])
        found = self.pages.get(index, {}).get(name)
        return found if found is not None else ProjectFacts(name=name, found=False, index=index)


class NoImages(ImageRegistry):
    async def image(self, registry: str | None, repository: str) -> ImageFacts:
        raise AssertionError("no image is looked up here")

    async def digest(self, registry: str | None, repository: str, tag: str) -> str | None:
        raise AssertionError("no image is looked up here")


def requirement(
    text: str, *, line: int = 1, index_url: str | None = None, extra_index_urls: tuple[str, ...] = ()
) -> Dependency:
    document = Document.from_text("requirements.txt", "\n" * (line - 1) + text + "\n")
    dependency = requirement_dependency(document, document.text.index(text), text)
    return dataclasses.replace(dependency, index_url=index_url, extra_index_urls=extra_index_urls)


async def verify(
    index: MemoryIndex, dependencies: list[Dependency], extras: tuple[str, ...] = (PRIVATE,)
) -> tuple[dict[int, list[tuple[str, str]]], dict[int, str | None], bool]:
    verifier = RegistryVerifier(index, NoImages(), index_url=PRIMARY, extra_index_urls=extras)
    verification = await verifier.verify(dependencies, POLICY)
    findings = {
        dependency.location.line: [(finding.rule, finding.message) for finding in found]
        for dependency, found in verification.findings.items()
    }
    resolved = {dependency.location.line: version for dependency, version in verification.resolved.items()}
    return findings, resolved, verification.registry_failed


# --- which indexes ------------------------------------------------------------------------------


def test_a_dependency_with_no_index_of_its_own_gets_the_configured_ones_and_its_files_extras() -> None:
    dependency = requirement("acme-tools==1.0", extra_index_urls=(TEAM, PRIVATE + "/"))

    assert indexes_for(dependency, [PRIVATE], PRIMARY) == (PRIMARY, (PRIVATE, TEAM))


def test_a_files_own_index_url_replaces_the_configured_extras_as_in_pip() -> None:
    dependency = requirement("acme-tools==1.0", index_url=FILE_INDEX, extra_index_urls=(TEAM,))

    assert indexes_for(dependency, [PRIVATE], PRIMARY) == (FILE_INDEX, (TEAM,))


def test_an_extra_index_repeating_the_index_is_not_asked_twice() -> None:
    dependency = requirement("acme-tools==1.0", extra_index_urls=(PRIMARY + "/",))

    assert indexes_for(dependency, [PRIMARY, PRIVATE], PRIMARY) == (PRIMARY, (PRIVATE,))
    assert indexes_for(dependency, [], None) == (None, (PRIMARY + "/",))


# --- the merged answer --------------------------------------------------------------------------


async def test_a_private_package_only_on_the_extra_index_passes() -> None:
    index = MemoryIndex({PRIVATE: [facts("acme-tools", PRIVATE, "1.0.0", "1.2.0")]})

    findings, resolved, failed = await verify(index, [requirement("acme-tools==1.2.0")])

    assert findings == {1: []}
    assert resolved == {1: "1.2.0"}
    assert failed is False


async def test_a_private_package_gets_its_real_findings() -> None:
    index = MemoryIndex({PRIVATE: [facts("acme-tools", PRIVATE, "1.0.0", "1.2.0")]})

    findings, _resolved, _failed = await verify(index, [requirement("acme-tools==1.0.0")])

    assert findings == {1: [("outdated", "acme-tools==1.0.0 is 1 release and 0 days behind 1.2.0")]}


async def test_a_version_only_on_the_extra_index_exists() -> None:
    index = MemoryIndex(
        {
            PRIMARY: [facts("httpx", PRIMARY, "0.27.0", "0.28.1")],
            PRIVATE: [facts("httpx", PRIVATE, "0.27.0", "0.28.1", "0.28.1.post1")],
        }
    )

    findings, resolved, _failed = await verify(index, [requirement("httpx==0.28.1.post1")])

    assert resolved == {1: "0.28.1.post1"}
    assert [rule for rule, _ in findings[1]] == ["index-confusion"]


async def test_a_project_on_no_index_is_unknown_on_every_index() -> None:
    findings, _resolved, _failed = await verify(MemoryIndex({}), [requirement("acme-tols==1.0")])

    assert findings == {
        1: [
            (
                "unknown-package",
                "acme-tols does not exist on https://primary.example/simple and "
                "https://private.example/simple: no such project (a misspelt or invented name, or one "
                "private to another index)",
            )
        ]
    }


async def test_a_files_index_url_sets_the_configured_extra_aside() -> None:
    index = MemoryIndex({PRIVATE: [facts("acme-tools", PRIVATE, "1.2.0")]})

    findings, _resolved, _failed = await verify(
        index, [requirement("acme-tools==1.2.0", index_url=FILE_INDEX)]
    )

    assert [rule for rule, _ in findings[1]] == ["unknown-package"]
    assert index.asked == [("acme-tools", FILE_INDEX)]


# --- failures ------------------------------------------------------------------------------------


async def test_an_extra_index_that_fails_is_a_registry_error_never_unknown_package() -> None:
    index = MemoryIndex({}, failing={PRIVATE: "HTTP 500 after 4 attempts"})

    findings, resolved, failed = await verify(index, [requirement("acme-tools==1.2.0")])

    assert findings == {
        1: [
            (
                "registry-error",
                "acme-tools was not verified: PyPI (private.example) could not answer: HTTP 500 after 4 attempts",
            )
        ]
    }
    assert resolved == {}
    assert failed is True


async def test_every_index_that_failed_is_named_in_one_finding() -> None:
    index = MemoryIndex(
        {}, failing={PRIMARY: "timed out after 10 s (4 attempts)", TEAM: "HTTP 502 after 4 attempts"}
    )

    findings, _resolved, failed = await verify(index, [requirement("acme-tools>=1")], extras=(PRIVATE, TEAM))

    assert findings == {
        1: [
            ("ranged", "acme-tools>=1 allows a range of versions; pin one exact version"),
            (
                "registry-error",
                "acme-tools was not verified: PyPI (primary.example) could not answer: timed out after 10 s "
                "(4 attempts); PyPI (team.example) could not answer: HTTP 502 after 4 attempts",
            ),
        ]
    }
    assert failed is True


# --- each lookup once ----------------------------------------------------------------------------


async def test_each_project_is_asked_of_each_index_once_whatever_lines_name_it() -> None:
    index = MemoryIndex(
        {
            PRIMARY: [facts("httpx", PRIMARY, "0.28.1")],
            PRIVATE: [facts("httpx", PRIVATE, "0.28.1")],
            TEAM: [facts("httpx", TEAM, "0.28.1")],
        }
    )
    dependencies = [
        requirement("httpx==0.28.1", line=1),
        requirement("httpx==0.28.1", line=2, extra_index_urls=(TEAM,)),
        requirement("httpx==0.28.1", line=3, extra_index_urls=(PRIMARY,)),
    ]

    findings, resolved, _failed = await verify(index, dependencies)

    assert sorted(index.asked, key=lambda key: key[1] or "") == [
        ("httpx", None),
        ("httpx", PRIVATE),
        ("httpx", TEAM),
    ]
    assert findings == {1: [], 2: [], 3: []}
    assert resolved == {1: "0.28.1", 2: "0.28.1", 3: "0.28.1"}


async def test_without_extra_indexes_only_the_index_is_asked() -> None:
    index = MemoryIndex({PRIMARY: [facts("httpx", PRIMARY, "0.28.1")]})

    findings, _resolved, _failed = await verify(index, [requirement("httpx==0.28.1")], extras=())

    assert findings == {1: []}
    assert index.asked == [("httpx", None)]


async def test_progress_counts_every_lookup() -> None:
    seen: list[tuple[int, int]] = []
    index = MemoryIndex({PRIMARY: [facts("httpx", PRIMARY, "0.28.1")]})
    verifier = RegistryVerifier(
        index, NoImages(), progress=lambda done, total: seen.append((done, total)), extra_index_urls=[PRIVATE]
    )

    await verifier.verify([requirement("httpx==0.28.1")], POLICY)

    assert seen == [(1, 2), (2, 2)]


def test_registry_error_takes_one_error_as_before() -> None:
    from depcheck.verify import registry_error

    finding = registry_error(requirement("httpx==0.28.1"), RegistryError("index.example", "HTTP 500"))

    assert finding.message == "httpx was not verified: PyPI (index.example) could not answer: HTTP 500"


def _reference(
    file: str, name: str = "httpx", role: Role = Role.REQUIREMENT, specifier: str = ""
) -> Dependency:
    return Dependency(
        ecosystem=Ecosystem.PYPI,
        name=name,
        text=f"{name}{specifier}",
        location=Location(file=file, line=1),
        role=role,
        specifier=specifier,
    )


def test_a_requirements_file_takes_the_python_of_the_project_it_sits_in() -> None:
    found = requires_python_by_file(
        [
            _reference("pyproject.toml", "python", Role.INTERPRETER, ">=3.10"),
            _reference("requirements.txt"),
            _reference("requirements/dev.txt"),
            _reference("docker/Dockerfile"),
            _reference("compose.yaml"),
        ]
    )
    assert found == {
        "pyproject.toml": ">=3.10",
        "requirements.txt": ">=3.10",
        "requirements/dev.txt": ">=3.10",
    }


def test_the_nearest_project_counts_even_when_it_declares_no_python() -> None:
    found = requires_python_by_file(
        [
            _reference("pyproject.toml", "python", Role.INTERPRETER, ">=3.10"),
            _reference("tools/pyproject.toml", "ruff"),
            _reference("tools/requirements.txt"),
            _reference("service/requirements.txt"),
            _reference("service/api/pyproject.toml", "python", Role.INTERPRETER, ">=3.12"),
            _reference("service/api/requirements-lock.txt"),
        ]
    )
    assert found == {
        "pyproject.toml": ">=3.10",
        "service/api/pyproject.toml": ">=3.12",
        "service/requirements.txt": ">=3.10",
        "service/api/requirements-lock.txt": ">=3.12",
    }


def test_no_project_python_leaves_requirements_to_the_interpreter() -> None:
    assert (
        requires_python_by_file([_reference("pyproject.toml", "ruff"), _reference("requirements.txt")]) == {}
    )


def test_a_file_whose_project_was_not_audited_asks_the_lookup() -> None:
    asked: list[str] = []

    def lookup(file: str) -> str | None:
        asked.append(file)
        return ">=3.9" if file.startswith("app/") else None

    found = requires_python_by_file(
        [
            _reference("app/requirements.txt"),
            _reference("tools/requirements.txt"),
            _reference("app/Dockerfile"),
            _reference("lib/pyproject.toml", "python", Role.INTERPRETER, ">=3.11"),
            _reference("lib/requirements.txt"),
        ],
        lookup,
    )
    assert found == {
        "lib/pyproject.toml": ">=3.11",
        "lib/requirements.txt": ">=3.11",
        "app/requirements.txt": ">=3.9",
    }
    assert asked == ["app/requirements.txt", "tools/requirements.txt"]


def test_the_lookup_is_asked_once_per_file_however_many_dependencies_it_names() -> None:
    asked: list[str] = []

    def lookup(file: str) -> str | None:
        asked.append(file)
        return None

    requires_python_by_file(
        [_reference("requirements.txt", name) for name in ("httpx", "rich", "flask")], lookup
    )
    assert asked == ["requirements.txt"]
