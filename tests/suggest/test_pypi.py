"""Which exact PyPI version depcheck suggests, over the recorded and synthesized cassettes."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from pathlib import Path

import pytest
from packaging.version import Version
from pypi_simple import ProjectPage

from depcheck.policy import Policy, Strategy
from depcheck.registries.interface import ProjectFacts, Release, ReleaseFile
from depcheck.suggest.pypi import lowest_python, release_named, suggest_version, target_python
from tests.pypi_simple_oracle import facts_from_project_page

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "pypi"
NOW = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)


@functools.cache
def facts(name: str) -> ProjectFacts:
    """The facts a cassette describes, parsed as the client parses them (no network)."""
    plain = CASSETTES / f"{name}.json"
    raw = (
        plain.read_bytes()
        if plain.exists()
        else gzip.decompress((CASSETTES / f"{name}.json.gz").read_bytes())
    )
    return facts_from_project_page(
        name, ProjectPage.from_json_data(json.loads(raw)), "http://index.example/simple"
    )


def policy(python: str | None = "3.12", **options: object) -> Policy:
    return Policy(python=Version(python) if python else None, now=NOW, **options)  # type: ignore[arg-type]


def suggest(
    name: str,
    specifier: str = "",
    *,
    python: str | None = "3.12",
    requires_python: str | None = None,
    allow_prerelease: bool = False,
    **options: object,
) -> str | None:
    return suggest_version(
        facts(name),
        current_specifier=specifier,
        policy=policy(python, **options),
        requires_python=requires_python,
        allow_prerelease=allow_prerelease,
    )


def test_httpx_dev_releases_are_not_suggested() -> None:
    assert suggest("httpx") == "0.28.1"


def test_httpx_dev_releases_when_pre_releases_are_allowed() -> None:
    assert suggest("httpx", allow_prerelease=True) == "1.0.dev6"


@pytest.mark.parametrize(
    ("python", "expected"),
    [("3.9", "4.2.30"), ("3.10", "5.2.19"), ("3.11", "5.2.19"), ("3.12", "6.1.3")],
)
def test_django_follows_the_target_python(python: str, expected: str) -> None:
    assert suggest("django", python=python) == expected


def test_a_range_is_kept() -> None:
    assert suggest("django", ">=4.2,<5") == "4.2.30"
    assert suggest("django", "~=5.1.0") == "5.1.15"


def test_the_latest_strategy_leaves_the_range() -> None:
    assert suggest("django", ">=4.2,<5", strategy=Strategy.LATEST) == "6.1.3"


def test_an_exact_pin_is_not_a_range_to_keep() -> None:
    assert suggest("django", "==5.0.5") == "6.1.3"


def test_yanked_releases_are_skipped() -> None:
    # django 5.0.5 and 4.2.12 are yanked; inside ranges that end on them, the release before wins.
    assert suggest("django", ">=5.0,<=5.0.5") == "5.0.4"
    assert suggest("django", "==4.2.12") == "6.1.3"
    assert suggest("synthetic-yanked-newest") == "1.1.0"


def test_a_partly_yanked_release_is_still_installable() -> None:
    assert suggest("synthetic-yanked-newest", "<1.1") == "1.0.0"


def test_only_pre_releases_give_nothing_unless_allowed() -> None:
    assert suggest("synthetic-only-prereleases") is None
    assert suggest("synthetic-only-prereleases", allow_prerelease=True) == "0.2.0.dev1"


def test_the_projects_requires_python_sets_the_lowest_target() -> None:
    # 2.0.0 needs Python 3.13 and 1.5.0 needs 3.10: a project supporting 3.11 gets 1.5.0.
    assert suggest("synthetic-requires-python", python=None, requires_python=">=3.11") == "1.5.0"
    assert suggest("synthetic-requires-python", python=None, requires_python=">=3.13") == "2.0.0"
    assert suggest("synthetic-requires-python", python=None, requires_python=">=3.8,<4") == "1.0.0"


def test_an_explicit_python_wins_over_requires_python() -> None:
    assert suggest("synthetic-requires-python", python="3.13", requires_python=">=3.8") == "2.0.0"


def test_without_python_or_requires_python_the_running_interpreter_is_the_target() -> None:
    expected = {(3, 11): "1.5.0", (3, 12): "1.5.0", (3, 13): "2.0.0"}
    running = target_python(policy(None), None)
    assert suggest("synthetic-requires-python", python=None) == expected.get(
        (running.major, running.minor), "2.0.0"
    )


def test_a_patch_exclusion_does_not_exclude_the_minor_line() -> None:
    # cryptography 50.0.2 declares ">=3.9,!=3.9.0,!=3.9.1": Python 3.9 users take a later patch.
    assert suggest("cryptography", python="3.9") == "50.0.2"


def test_numpy_for_older_pythons() -> None:
    assert suggest("numpy", python="3.9") == "2.0.2"
    assert suggest("numpy", python="3.11") == "2.4.6"
    assert suggest("numpy", python="3.12") == "2.5.5"


def test_min_age_skips_recent_releases() -> None:
    # With the clock at 2026-11-27: 6.1.3 came out on 2026-11-03, 6.1.2 on 2026-10-06.
    assert suggest("django", min_age=dt.timedelta(days=30)) == "6.1.2"
    assert suggest("django", min_age=dt.timedelta(days=365)) == "5.2.8"


def test_min_age_drops_releases_of_unknown_age() -> None:
    undated = ProjectFacts(
        name="undated",
        found=True,
        releases={"1.0": Release("1.0", files=(ReleaseFile("undated-1.0.tar.gz"),))},
    )
    aged = Policy(now=NOW, min_age=dt.timedelta(days=1))
    assert (
        suggest_version(
            undated, current_specifier="", policy=aged, requires_python=None, allow_prerelease=False
        )
        is None
    )
    assert (
        suggest_version(
            undated,
            current_specifier="",
            policy=Policy(now=NOW),
            requires_python=None,
            allow_prerelease=False,
        )
        == "1.0"
    )


def test_versions_without_files_are_never_suggested() -> None:
    empty = ProjectFacts(
        name="empty",
        found=True,
        releases={"2.0": Release("2.0"), "1.0": Release("1.0", files=(ReleaseFile("empty-1.0.tar.gz"),))},
    )
    assert (
        suggest_version(
            empty, current_specifier="", policy=Policy(now=NOW), requires_python=None, allow_prerelease=False
        )
        == "1.0"
    )


@pytest.mark.parametrize(
    ("requires_python", "expected"),
    [
        (">=3.11", "3.11.0"),
        (">3.9", "3.9.1"),
        (">=3.9,!=3.9.0", "3.9.1"),
        (">=2.7, !=3.0.*", "2.7.0"),
        ("<3", "2.7.0"),
    ],
)
def test_the_lowest_python_a_range_allows(requires_python: str, expected: str) -> None:
    assert lowest_python(requires_python) == Version(expected)


def test_an_unreadable_requires_python_has_no_lowest() -> None:
    assert lowest_python("three point eleven") is None


def test_release_named_finds_a_version_by_pep_440_equality_the_first_listed_first() -> None:
    """``1.0`` and ``1.0.0`` are one version: a pin of either finds the release the index lists
    first, whatever order the versions sort in around it."""
    first = Release("1.0", (ReleaseFile("demo-1.0.tar.gz"),), yanked=True, yanked_reason="bad build")
    second = Release("1.0.0", (ReleaseFile("demo-1.0.0.tar.gz"),))
    facts = ProjectFacts(
        name="demo",
        found=True,
        releases={
            "2.0": Release("2.0", (ReleaseFile("demo-2.0.tar.gz"),)),
            "1.0": first,
            "0.9": Release("0.9", (ReleaseFile("demo-0.9.tar.gz"),)),
            "1.0.0": second,
        },
    )

    assert release_named(facts, Version("1.0.0")) is first
    assert release_named(facts, Version("1")) is first
    assert release_named(facts, Version("2.0.0")) is facts.releases["2.0"]
    assert release_named(facts, Version("0.9.0")) is facts.releases["0.9"]
    assert release_named(facts, Version("1.5")) is None
    assert release_named(facts, Version("3.0")) is None
    assert release_named(facts, Version("0.1")) is None
