"""The per-facts memo in :mod:`depcheck.suggest.pypi`: asking again gives the same answer, never another project's."""

from __future__ import annotations

import datetime as dt

from packaging.version import Version

from depcheck.policy import Policy
from depcheck.registries.interface import ProjectFacts, Release, ReleaseFile
from depcheck.suggest.pypi import candidates, parsed_releases, release_named, suggest_version, version_of

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
POLICY = Policy(python=Version("3.12"), now=NOW)


def project(*versions: str, requires_python: dict[str, str] | None = None) -> ProjectFacts:
    needs = requires_python or {}
    releases = {
        version: Release(
            version,
            files=(ReleaseFile(f"demo-{version}.tar.gz", requires_python=needs.get(version)),),
            requires_python=needs.get(version),
        )
        for version in versions
    }
    return ProjectFacts(name="demo", found=True, releases=releases)


def test_asking_twice_gives_the_same_versions_and_callers_cannot_spoil_the_memo() -> None:
    facts = project("1.1", "1.0", "2.0rc1")
    first = candidates(
        facts, current_specifier="", policy=POLICY, requires_python=None, allow_prerelease=False
    )

    again = candidates(
        facts, current_specifier="", policy=POLICY, requires_python=None, allow_prerelease=False
    )

    assert isinstance(first, tuple)  # shared between callers, so it cannot be changed
    assert [str(version) for version, _ in again] == ["1.0", "1.1"]
    assert [str(version) for version, _ in parsed_releases(facts)] == ["1.1", "1.0", "2.0rc1"]


def test_a_range_is_answered_from_the_newest_release_down() -> None:
    facts = project("1.0", "1.5", "2.0", "2.5", "3.0")

    def suggest(specifier: str) -> str | None:
        return suggest_version(
            facts, current_specifier=specifier, policy=POLICY, requires_python=None, allow_prerelease=False
        )

    def listed(specifier: str) -> list[str]:
        chosen = candidates(
            facts, current_specifier=specifier, policy=POLICY, requires_python=None, allow_prerelease=False
        )
        return [release.version for _, release in chosen]

    assert suggest("<2.5") == "2.0"
    assert suggest(">=1.5,<3") == "2.5"
    assert suggest(">3") is None
    assert listed(">=1.5,<3") == ["1.5", "2.0", "2.5"]
    assert listed(">3") == []
    assert suggest("<2.5") == "2.0"


def test_equal_versions_find_the_release_the_index_lists_first() -> None:
    facts = project("1.0.0", "1.0", "1.1")

    found = release_named(facts, Version("1"))

    assert found is not None
    assert found.version == "1.0.0"
    assert str(version_of(facts, "1.0")) == "1.0"
    assert version_of(facts, "not-a-version") is None


def test_each_target_python_has_its_own_answer() -> None:
    facts = project("1.0", "2.0", requires_python={"2.0": ">=3.10"})

    def suggest(python: str) -> str | None:
        return suggest_version(
            facts,
            current_specifier="",
            policy=Policy(python=Version(python), now=NOW),
            requires_python=None,
            allow_prerelease=False,
        )

    assert [suggest("3.9"), suggest("3.12"), suggest("3.9")] == ["1.0", "2.0", "1.0"]


def test_equal_looking_projects_are_answered_each_from_their_own_facts() -> None:
    # Many projects, each built and dropped in turn: a reused object identity must not return a
    # dropped project's answer.
    for newest in range(300):
        facts = project("1.0", f"1.{newest + 1}")
        chosen = suggest_version(
            facts, current_specifier="", policy=POLICY, requires_python=None, allow_prerelease=False
        )
        assert chosen == f"1.{newest + 1}"


def test_the_range_and_policy_are_part_of_the_question() -> None:
    facts = project("1.0", "1.5", "2.0")

    def suggest(specifier: str, policy: Policy) -> str | None:
        return suggest_version(
            facts, current_specifier=specifier, policy=policy, requires_python=None, allow_prerelease=False
        )

    assert suggest("", POLICY) == "2.0"
    assert suggest("<2", POLICY) == "1.5"
    assert suggest("", POLICY) == "2.0"
    assert suggest("<1.5", Policy(python=Version("3.8"), now=NOW)) == "1.0"


def test_a_long_lived_project_answers_every_clock_and_range_right() -> None:
    # The service may ask about one facts object with a new clock (so a new cooldown cutoff)
    # each time; the remembered answers are bounded and never stale.
    day = dt.timedelta(days=1)
    releases = {
        f"1.{number}": Release(
            f"1.{number}", files=(ReleaseFile(f"demo-1.{number}.tar.gz"),), upload_time=NOW + number * day
        )
        for number in range(400)
    }
    facts = ProjectFacts(name="demo", found=True, releases=releases)

    for number in range(300, 0, -1):
        later = Policy(python=Version("3.12"), now=NOW + number * day, min_age=day)
        assert (
            suggest_version(
                facts, current_specifier="", policy=later, requires_python=None, allow_prerelease=False
            )
            == f"1.{number - 1}"
        )
        assert (
            suggest_version(
                facts,
                current_specifier=f"<1.{number // 2 + 1}",
                policy=later,
                requires_python=None,
                allow_prerelease=False,
            )
            == f"1.{number // 2}"
        )
