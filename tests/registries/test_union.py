"""``UnionIndex``: one question asked of the index and every extra index, answered as pip sees them."""

from __future__ import annotations

import logging

import pytest

from depcheck.registries.interface import PackageIndex, ProjectFacts, RegistryUnavailable, Release
from depcheck.registries.union import UnionIndex

PRIMARY = "https://primary.example/simple"
PRIVATE = "https://private.example/simple"
TEAM = "https://team.example/simple"


def facts(index: str, *versions: str) -> ProjectFacts:
    return ProjectFacts(
        name="acme-tools",
        found=True,
        releases={version: Release(version=version, installable_pythons=(None,)) for version in versions},
        index=index,
    )


class MemoryIndex(PackageIndex):
    def __init__(self, pages: dict[str, ProjectFacts], failing: tuple[str, ...] = ()) -> None:
        self.pages = pages
        self.failing = failing
        self.asked: list[str | None] = []

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        self.asked.append(index_url)
        index = index_url or PRIMARY
        if index in self.failing:
            raise RegistryUnavailable(index.split("/")[2], "HTTP 500 after 4 attempts")
        return self.pages.get(index) or ProjectFacts(name=name, found=False, index=index)


async def test_a_project_only_on_an_extra_index_is_found_there() -> None:
    inner = MemoryIndex({PRIVATE: facts(PRIVATE, "1.0", "1.2")})
    union = UnionIndex(inner, [PRIVATE, TEAM], index_url=PRIMARY)

    answer = await union.project("acme-tools")

    assert (answer.found, list(answer.releases), answer.index) == (True, ["1.0", "1.2"], PRIVATE)
    assert answer.indexes == (PRIMARY, PRIVATE, TEAM)
    assert inner.asked == [None, PRIVATE, TEAM]


async def test_an_extra_index_repeating_the_index_is_asked_once() -> None:
    inner = MemoryIndex({PRIMARY: facts(PRIMARY, "1.0")})
    union = UnionIndex(inner, [PRIMARY + "/", PRIVATE, PRIVATE], index_url=PRIMARY)

    await union.project("acme-tools")

    assert union.extra_index_urls == (PRIVATE,)
    assert inner.asked == [None, PRIVATE]


async def test_any_index_failing_fails_the_question_naming_it() -> None:
    inner = MemoryIndex({PRIMARY: facts(PRIMARY, "1.0")}, failing=(TEAM,))
    union = UnionIndex(inner, [PRIVATE, TEAM], index_url=PRIMARY)

    with pytest.raises(RegistryUnavailable) as raised:
        await union.project("acme-tools")

    assert (raised.value.registry, raised.value.reason) == ("team.example", "HTTP 500 after 4 attempts")
    assert inner.asked == [None, PRIVATE, TEAM]  # every index was let finish


async def test_different_releases_on_the_index_and_an_extra_one_are_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = MemoryIndex({PRIMARY: facts(PRIMARY, "99.0"), PRIVATE: facts(PRIVATE, "1.0", "1.2")})
    union = UnionIndex(inner, [PRIVATE], index_url=PRIMARY)

    with caplog.at_level(logging.WARNING, logger="depcheck.registries.union"):
        answer = await union.project("acme-tools")

    assert list(answer.releases) == ["1.0", "1.2", "99.0"]
    assert caplog.messages == [
        "acme-tools is on https://primary.example/simple (highest 99.0) and on "
        "https://private.example/simple (highest 1.2), which offers versions the index lacks: pip "
        "installs the highest version from any of them (dependency confusion)"
    ]
