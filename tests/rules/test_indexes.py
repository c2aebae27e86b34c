"""``index-confusion``: an extra index offers versions of a project that the primary index, which lists it, lacks."""

from __future__ import annotations

import dataclasses

from depcheck.model import Dependency, Severity
from depcheck.registries.interface import ProjectFacts, Release
from depcheck.rules import RULES, STATIC_RULES
from depcheck.rules.indexes import check_index_confusion
from depcheck.sources.document import Document
from depcheck.sources.pep508 import requirement_dependency

PRIMARY = "https://primary.example/simple"
PRIVATE = "https://private.example/simple"
MIRROR = "https://mirror.example/simple"


def requirement(text: str) -> Dependency:
    return requirement_dependency(Document.from_text("requirements.txt", text + "\n"), 0, text)


def facts(index: str, *versions: str, found: bool = True) -> ProjectFacts:
    return ProjectFacts(
        name="acme-tools",
        found=found,
        releases={version: Release(version=version, installable_pythons=(None,)) for version in versions},
        index=index,
    )


def test_the_rule_is_a_registry_warning() -> None:
    rule = RULES["index-confusion"]
    assert rule.severity is Severity.WARNING
    assert "index-confusion" not in STATIC_RULES


def test_each_index_offering_versions_the_other_lacks_is_reported() -> None:
    # The classic shape: the private 1.1.0 and 1.2.0 on the extra index, someone's 99.0.0 on the index.
    finding = check_index_confusion(
        requirement("acme-tools==1.2.0"), facts(PRIMARY, "99.0.0"), [facts(PRIVATE, "1.1.0", "1.2.0")]
    )

    assert finding is not None
    assert (finding.rule, finding.severity, finding.name, finding.location.line) == (
        "index-confusion",
        Severity.WARNING,
        "acme-tools",
        1,
    )
    assert finding.message == (
        "acme-tools is on https://primary.example/simple (highest 99.0.0) and on the extra index "
        "https://private.example/simple (highest 1.2.0; not on the index: 1.2.0, 1.1.0): pip installs the "
        "highest version from any of them, so a higher version published on one index takes over the "
        "install (dependency confusion)"
    )
    assert finding.suggestion is None


def test_an_extra_index_with_a_higher_version_the_index_lacks_is_reported() -> None:
    # A local build or a fork: everything the index has, and one version more.
    finding = check_index_confusion(
        requirement("acme-tools==1.2.0"),
        facts(PRIMARY, "1.1.0", "1.2.0"),
        [facts(PRIVATE, "1.2.0", "1.3.0+acme")],
    )

    assert finding is not None
    assert finding.message.startswith(
        "acme-tools is on https://primary.example/simple (highest 1.2.0) and on the extra index "
        "https://private.example/simple (highest 1.3.0+acme; not on the index: 1.3.0+acme): "
    )


def test_an_extra_index_with_only_an_older_version_the_index_lacks_is_reported() -> None:
    # pip installs it for a pin that only it satisfies, and the index may publish it any day.
    finding = check_index_confusion(
        requirement("acme-tools==0.9"), facts(PRIMARY, "1.0", "2.0"), [facts(PRIVATE, "0.9", "2.0")]
    )

    assert finding is not None
    assert "https://private.example/simple (highest 2.0; not on the index: 0.9)" in finding.message


def test_many_versions_the_index_lacks_are_counted_past_three() -> None:
    finding = check_index_confusion(
        requirement("acme-tools==1.2.0"),
        facts(PRIMARY, "99.0.0"),
        [facts(PRIVATE, "1.0.0", "1.0.1", "1.1.0", "1.1.1", "1.2.0")],
    )

    assert finding is not None
    assert "(highest 1.2.0; not on the index: 1.2.0, 1.1.1, 1.1.0 and 2 more): " in finding.message


def test_several_extra_indexes_offering_other_versions_are_all_named() -> None:
    finding = check_index_confusion(
        requirement("acme-tools==1.2.0"),
        facts(PRIMARY, "99.0.0"),
        [facts(MIRROR, "99.0.0"), facts(PRIVATE, "1.2.0"), facts("https://team.example/simple", "1.3.0")],
    )

    assert finding is not None
    assert finding.message.startswith(
        "acme-tools is on https://primary.example/simple (highest 99.0.0) and on the extra indexes "
        "https://private.example/simple (highest 1.2.0; not on the index: 1.2.0) and "
        "https://team.example/simple (highest 1.3.0; not on the index: 1.3.0): pip installs"
    )


def test_the_same_releases_on_both_indexes_are_a_mirror_not_a_confusion() -> None:
    assert (
        check_index_confusion(
            requirement("acme-tools==1.2.0"), facts(PRIMARY, "1.2", "1.1"), [facts(MIRROR, "1.1.0", "1.2.0")]
        )
        is None
    )


def test_an_extra_index_holding_some_of_the_index_versions_is_a_mirror_not_a_confusion() -> None:
    # A local wheelhouse with one or two versions of a project: pip can only get from it a version
    # the index offers too.
    dependency = requirement("acme-tools==1.2.0")
    primary = facts(PRIMARY, "1.0.0", "1.1.0", "1.2.0", "2.0.0")
    assert check_index_confusion(dependency, primary, [facts(MIRROR, "1.2")]) is None
    assert check_index_confusion(dependency, primary, [facts(MIRROR, "1.1.0", "2.0.0")]) is None
    # Listed with no installable release at all: it offers nothing.
    assert check_index_confusion(dependency, primary, [facts(MIRROR)]) is None


def test_a_project_on_one_index_only_is_no_confusion() -> None:
    dependency = requirement("acme-tools==1.2.0")
    assert check_index_confusion(dependency, facts(PRIMARY, found=False), [facts(PRIVATE, "1.2.0")]) is None
    assert check_index_confusion(dependency, facts(PRIMARY, "1.2.0"), [facts(PRIVATE, found=False)]) is None
    assert check_index_confusion(dependency, facts(PRIMARY, "1.2.0"), []) is None


def test_hashed_requirements_are_not_reported() -> None:
    # pip's hash-checking mode installs none but the hashed files, whichever index serves them.
    hashed = dataclasses.replace(requirement("acme-tools==1.2.0"), hashes=("sha256:" + "ab" * 32,))
    assert check_index_confusion(hashed, facts(PRIMARY, "99.0.0"), [facts(PRIVATE, "1.2.0")]) is None
