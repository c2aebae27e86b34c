"""Several indexes' answers about one project merged as pip sees them: found anywhere, releases
united, a version yanked only where every index offering it yanks it."""

from __future__ import annotations

import datetime as dt

import pytest

from depcheck.registries.interface import ProjectFacts, Release, ReleaseFile
from depcheck.registries.merge import (
    differing_indexes,
    highest_version,
    merge_facts,
    merge_releases,
    name_indexes,
    release_set,
    versions_lacking,
)

PRIMARY = "https://primary.example/simple"
PRIVATE = "https://private.example/simple"
MIRROR = "https://mirror.example/simple"

JAN = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)
MAR = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def release(
    version: str,
    *,
    yanked: bool = False,
    reason: str | None = None,
    uploaded: dt.datetime | None = None,
    pythons: tuple[str | None, ...] = (None,),
    requires_python: str | None = None,
) -> Release:
    return Release(
        version=version,
        yanked=yanked,
        yanked_reason=reason,
        upload_time=uploaded,
        requires_python=requires_python,
        installable_pythons=pythons,
    )


def facts(index: str, *releases: Release, found: bool = True, status: str | None = None) -> ProjectFacts:
    return ProjectFacts(
        name="acme-tools",
        found=found,
        releases={item.version: item for item in releases},
        index=index,
        status=status,
    )


def missing(index: str) -> ProjectFacts:
    return ProjectFacts(name="acme-tools", found=False, index=index)


# --- which index found it --------------------------------------------------------------------------


def test_one_answer_is_returned_as_it_is() -> None:
    only = facts(PRIMARY, release("1.0"))
    assert merge_facts([only]) is only


def test_found_on_the_extra_index_only_is_found_there() -> None:
    private = facts(PRIVATE, release("1.2.0"), release("1.3.0"))

    merged = merge_facts([missing(PRIMARY), private])

    assert merged.found is True
    assert list(merged.releases) == ["1.2.0", "1.3.0"]
    assert merged.index == PRIVATE
    assert merged.indexes == (PRIMARY, PRIVATE)


def test_found_nowhere_names_every_index_asked() -> None:
    merged = merge_facts([missing(PRIMARY), missing(PRIVATE), missing(MIRROR)])

    assert merged.found is False
    assert merged.releases == {}
    assert merged.index == f"{PRIMARY}, {PRIVATE} and {MIRROR}"
    assert merged.indexes == (PRIMARY, PRIVATE, MIRROR)


def test_an_empty_list_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one answer"):
        merge_facts([])


# --- the union of releases ------------------------------------------------------------------------


def test_releases_are_the_union_oldest_first_spelt_as_the_first_index_spells_them() -> None:
    primary = facts(PRIMARY, release("1.0"), release("2.0"))
    private = facts(PRIVATE, release("1.0.0"), release("1.5"), release("99.0"))

    merged = merge_facts([primary, private])

    assert list(merged.releases) == ["1.0", "1.5", "2.0", "99.0"]
    assert merged.releases["1.0"].version == "1.0"
    assert merged.index == PRIMARY
    assert merged.indexes == (PRIMARY, PRIVATE)


def test_status_is_the_first_given_and_files_only_when_every_index_read_them() -> None:
    primary = facts(PRIMARY, release("1.0"))
    private = ProjectFacts(
        name="acme-tools",
        found=True,
        releases={"1.0": release("1.0")},
        index=PRIVATE,
        status="archived",
        files_read=False,
    )

    merged = merge_facts([primary, private])

    assert merged.status == "archived"
    assert merged.files_read is False


def test_a_release_on_one_index_only_is_kept_as_it_is() -> None:
    only_here = release("1.5", yanked=True, reason="broken")
    merged = merge_facts([facts(PRIMARY, release("1.0")), facts(PRIVATE, release("1.0"), only_here)])

    assert merged.releases["1.5"] is only_here


# --- one version offered by several indexes -----------------------------------------------------------


def test_yanked_only_when_yanked_on_every_index_that_offers_it() -> None:
    yanked_here = release("1.0", yanked=True, reason="bad wheel")
    live_there = release("1.0")

    assert merge_releases([yanked_here, live_there]).yanked is False
    assert merge_releases([yanked_here, live_there]).yanked_reason is None
    both = merge_releases([yanked_here, release("1.0", yanked=True, reason="other reason")])
    assert (both.yanked, both.yanked_reason) == (True, "bad wheel")


def test_an_index_listing_no_file_for_the_version_offers_nothing() -> None:
    # All files of an empty listing are (vacuously) yanked; the other index's yank decides.
    empty = release("1.0", yanked=True, pythons=())
    yanked = release("1.0", yanked=True, reason="withdrawn")

    merged = merge_releases([yanked, empty])

    assert (merged.yanked, merged.yanked_reason) == (True, "withdrawn")
    assert merged.installable_pythons == (None,)


def test_the_upload_time_is_the_earliest_any_index_reports() -> None:
    merged = merge_releases([release("1.0", uploaded=MAR), release("1.0"), release("1.0", uploaded=JAN)])

    assert merged.upload_time == JAN


def test_pythons_are_united_over_the_indexes_offering_it_unyanked() -> None:
    primary = release("1.0", pythons=(">=3.10",), requires_python=">=3.10")
    private = release("1.0", pythons=(">=3.8", ">=3.10"), requires_python=">=3.8")
    withdrawn = release("1.0", yanked=True, pythons=(">=2.7",), requires_python=">=2.7")

    merged = merge_releases([withdrawn, primary, private])

    assert merged.installable_pythons == (">=3.10", ">=3.8")
    assert merged.requires_python == ">=3.10"


def test_yanked_everywhere_keeps_every_indexs_pythons() -> None:
    merged = merge_releases(
        [
            release("1.0", yanked=True, pythons=(">=3.9",)),
            release("1.0", yanked=True, pythons=(None,), requires_python=None),
        ]
    )

    assert merged.installable_pythons == (">=3.9", None)


def test_pythons_not_worked_out_are_derived_from_the_files() -> None:
    files = (
        ReleaseFile("acme_tools-1.0-py3-none-any.whl", requires_python=">=3.11"),
        ReleaseFile("acme_tools-1.0.tar.gz", requires_python=">=3.7", yanked=True),
    )
    from_files = Release(version="1.0", files=files)

    merged = merge_releases([from_files, release("1.0", pythons=(">=3.12",))])

    assert merged.installable_pythons == (">=3.11", ">=3.12")
    assert merged.files == files


# --- comparing the indexes -----------------------------------------------------------------------------


def test_release_sets_compare_versions_by_pep_440_equality() -> None:
    assert release_set(facts(PRIMARY, release("1.0"), release("2.0rc1"))) == release_set(
        facts(PRIVATE, release("1.0.0"), release("2.0.0rc1"))
    )


def test_highest_version_is_spelt_as_the_index_spells_it() -> None:
    assert highest_version(facts(PRIMARY, release("1.10"), release("1.9"), release("2.0.0b1"))) == "2.0.0b1"
    assert highest_version(facts(PRIMARY)) is None


def test_differing_indexes_are_the_extras_offering_a_version_the_primary_lacks() -> None:
    primary = facts(PRIMARY, release("1.0"), release("1.5"), release("99.0"))
    mirror = facts(MIRROR, release("1.0.0"), release("99.0"))  # a subset: nothing pip could not get anyway
    private = facts(PRIVATE, release("1.0"), release("1.1"))  # 1.1 is only there
    local = facts("https://local.example/simple", release("99.0+local"))  # a local build

    extras = [mirror, private, local, missing("https://none.example/simple")]
    assert differing_indexes(primary, extras) == (private, local)
    assert differing_indexes(missing(PRIMARY), [private]) == ()


def test_a_primary_holding_fewer_versions_than_the_extra_index_is_reported() -> None:
    # The extra index offers versions the primary does not: they compete for the install.
    primary = facts(PRIMARY, release("1.0"))
    public = facts(MIRROR, release("1.0"), release("99.0"))

    assert differing_indexes(primary, [public]) == (public,)


def test_versions_lacking_are_the_extras_own_newest_first_as_it_spells_them() -> None:
    primary = facts(PRIMARY, release("1.0"), release("2.0"), release("2013-final"))
    extra = facts(
        PRIVATE,
        release("1.0.0"),
        release("1.10"),
        release("1.9"),
        release("2.0.0"),
        release("2013-final"),
        release("custom-build"),
    )

    assert versions_lacking(primary, extra) == ("1.10", "1.9", "custom-build")
    assert versions_lacking(extra, primary) == ()


def test_indexes_are_named_as_a_sentence_names_them() -> None:
    assert name_indexes([]) == ""
    assert name_indexes(["A"]) == "A"
    assert name_indexes(["A", "B"]) == "A and B"
    assert name_indexes(["A", "B", "C"]) == "A, B and C"
