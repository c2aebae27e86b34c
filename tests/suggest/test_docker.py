"""Docker tag parsing, ordering and the exact tag suggested for a reference (pure, no network)."""

from __future__ import annotations

import pytest

from depcheck.policy import Policy
from depcheck.registries.interface import ImageFacts, TagInfo
from depcheck.suggest.docker import is_floating, latest_tag, newer_tags, parse_tag, suggest_tag


def image(*builds: tuple[str, str], inactive: str = "") -> ImageFacts:
    """Facts from ``(digest, "tag tag ...")`` pairs: tags in one pair share a digest."""
    tags: dict[str, TagInfo] = {}
    for digest, names in builds:
        for name in names.split():
            tags[name] = TagInfo(
                name, digest=f"sha256:{digest}" if digest else None, active=name not in inactive.split()
            )
    return ImageFacts(registry="Docker Hub", repository="library/python", found=True, tags=tags)


PYTHON = image(
    ("a1", "3.14.7 3.14 3 latest 3.14.7-trixie 3.14-trixie 3-trixie trixie"),
    ("a2", "3.14.7-slim 3.14-slim 3-slim slim 3.14.7-slim-trixie 3.14-slim-trixie 3-slim-trixie slim-trixie"),
    ("a3", "3.14.7-slim-bookworm 3.14-slim-bookworm 3-slim-bookworm slim-bookworm"),
    ("a4", "3.14.7-bookworm 3.14-bookworm 3-bookworm bookworm"),
    (
        "a5",
        "3.14.7-alpine3.22 3.14-alpine3.22 3-alpine3.22 alpine3.22 3.14.7-alpine 3.14-alpine 3-alpine alpine",
    ),
    ("a6", "3.14.7-alpine3.21 3.14-alpine3.21 3-alpine3.21 alpine3.21"),
    ("b1", "3.13.1 3.13 3.13.1-bookworm 3.13-bookworm"),
    ("b2", "3.13.1-slim 3.13-slim 3.13.1-slim-bookworm 3.13-slim-bookworm"),
    ("b3", "3.13.1-alpine3.21 3.13-alpine3.21 3.13.1-alpine 3.13-alpine"),
    ("b4", "3.13.1-alpine3.20 3.13-alpine3.20 3-alpine3.20"),
    ("c1", "3.13.0rc2-slim 3.13-rc-slim"),
    ("d1", "3.12.7 3.12 3.12.7-bookworm 3.12-bookworm"),
    ("d2", "3.12.7-slim 3.12-slim 3.12.7-slim-bookworm 3.12-slim-bookworm"),
    ("d3", "3.12.6-slim 3.12.6-slim-bookworm"),
    ("d4", "3.12.4-slim 3.12.4-slim-bookworm"),
    ("d5", "3.12.7-alpine3.21 3.12-alpine3.21 3.12.7-alpine 3.12-alpine"),
    ("d6", "3.12.7-alpine3.20 3.12-alpine3.20"),
    ("d7", "3.12.6-alpine3.20"),
    ("e1", "3.15.0a2-slim 3.15-rc-slim"),
    ("e2", "3.15.0a1-slim"),
)

DEFAULT = Policy()


def suggest(
    facts: ImageFacts, tag: str | None, digest: str | None = None, policy: Policy = DEFAULT
) -> str | None:
    return suggest_tag(facts, current_tag=tag, current_digest=digest, policy=policy)


# --- parsing and ordering -----------------------------------------------------------------------


def test_a_tag_splits_at_the_first_dash_into_version_and_variant() -> None:
    tag = parse_tag("3.12.7-slim-bookworm")
    assert tag is not None
    assert (tag.release, tag.prerelease, tag.suffix, tag.stable) == ((3, 12, 7), "", "slim-bookworm", True)


def test_a_word_glued_to_the_numbers_is_the_pre_release() -> None:
    tag = parse_tag("3.13.0rc2-slim")
    assert tag is not None
    assert (tag.release, tag.prerelease, tag.suffix, tag.stable) == ((3, 13, 0), "rc2", "slim", False)


def test_a_pre_release_word_in_the_suffix_is_a_pre_release_not_a_variant() -> None:
    tag = parse_tag("v0.70.0-rc3")
    assert tag is not None
    assert (tag.release, tag.prerelease, tag.suffix, tag.v_prefix) == ((0, 70, 0), "rc3", "", True)


def test_pep440_short_pre_releases_are_recognised() -> None:
    tag = parse_tag("v0.14.0b1")
    assert tag is not None
    assert (tag.release, tag.prerelease) == ((0, 14, 0), "b1")


def test_a_glued_word_that_is_no_pre_release_belongs_to_the_variant() -> None:
    tag = parse_tag("4.40_large_disk")
    assert tag is not None
    assert (tag.release, tag.word, tag.prerelease, tag.stable) == ((4, 40), "_large_disk", "", True)


def test_a_suffix_may_itself_hold_a_version() -> None:
    tag = parse_tag("v4.1-3.0.2")
    assert tag is not None
    assert (tag.release, tag.suffix) == ((4, 1), "3.0.2")


@pytest.mark.parametrize("tag", ["latest", "slim", "bookworm", "alpine", "lts", "1a2b3c4", "deadbeefcafe"])
def test_word_tags_and_commit_hashes_are_not_versions(tag: str) -> None:
    assert parse_tag(tag) is None


def test_an_all_digit_date_tag_is_a_version() -> None:
    tag = parse_tag("20241118")
    assert tag is not None
    assert tag.release == (20241118,)


def test_ordering_puts_stable_above_its_pre_releases_and_rc10_above_rc2() -> None:
    names = ["3.8.0", "3.7.0", "3.7.0rc10", "3.7.0b5", "3.7.0rc2", "3.7.0b1"]
    parsed = [parse_tag(name) for name in names]
    ordered = sorted((tag for tag in parsed if tag is not None), key=lambda tag: tag.order)
    assert [tag.text for tag in ordered] == ["3.7.0b1", "3.7.0b5", "3.7.0rc2", "3.7.0rc10", "3.7.0", "3.8.0"]


# --- floating tags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "floating"),
    [
        ("3.12-slim", True),
        ("3-slim", True),
        ("3.12-alpine3.20", True),
        ("3.12.7-slim", False),
        ("3.12.7-alpine3.20", False),
        ("slim", True),
        ("latest", True),
        ("3.13-rc-slim", True),
    ],
)
def test_is_floating(tag: str, floating: bool) -> None:
    assert is_floating(tag, PYTHON) is floating


def test_two_part_versions_are_exact_when_the_image_never_publishes_three() -> None:
    postgres = image(("p1", "17.5 17 latest"), ("p2", "17.4"), ("p3", "16.6 16"))
    assert is_floating("17.5", postgres) is False
    assert is_floating("17", postgres) is True


# --- suggestions ------------------------------------------------------------------------------------


def test_a_floating_tag_goes_to_the_most_specific_tag_of_its_line() -> None:
    assert suggest(PYTHON, "3.12-slim") == "3.12.7-slim"


def test_the_floating_tag_digest_decides_among_the_most_specific_tags() -> None:
    # 3.12-slim points at an older build than the newest 3.12.X-slim: name that build.
    lagging = image(("d2", "3.12.7-slim"), ("d3", "3.12.6-slim 3.12-slim"))
    assert suggest(lagging, "3.12-slim") == "3.12.6-slim"


def test_a_one_part_floating_tag_goes_to_the_newest_most_specific_tag() -> None:
    assert suggest(PYTHON, "3-slim") == "3.14.7-slim"


def test_latest_goes_to_the_most_specific_tag_sharing_its_digest() -> None:
    assert suggest(PYTHON, "latest") == "3.14.7"


def test_an_untagged_reference_is_treated_as_latest() -> None:
    assert suggest(PYTHON, None) == "3.14.7"


def test_latest_without_a_shared_digest_goes_to_the_newest_stable_plain_tag() -> None:
    no_digests = image(("", "3.12.7 3.12 3.13.1 3.13 3.13.1-slim 3.14.0rc1 latest 2.7.18.1"))
    assert suggest(no_digests, "latest") == "3.13.1"


def test_a_digest_only_reference_goes_to_a_tag_carrying_that_digest() -> None:
    assert suggest(PYTHON, None, "sha256:d2") == "3.12.7-slim-bookworm"


def test_the_debian_release_suffix_is_kept() -> None:
    assert suggest(PYTHON, "3.12-slim-bookworm") == "3.12.7-slim-bookworm"
    assert suggest(PYTHON, "3.12.4-slim-bookworm") == "3.14.7-slim-bookworm"


def test_an_alpine_release_is_never_crossed() -> None:
    assert suggest(PYTHON, "3.12-alpine3.20") == "3.12.7-alpine3.20"
    assert suggest(PYTHON, "3.12.6-alpine3.20") == "3.13.1-alpine3.20"


def test_an_alpine_release_is_crossed_when_the_policy_allows_it() -> None:
    crossing = Policy(cross_os=True)
    assert suggest(PYTHON, "3.12-alpine3.20", policy=crossing) == "3.12.7-alpine3.21"
    assert suggest(PYTHON, "3.12.6-alpine3.20", policy=crossing) == "3.14.7-alpine3.22"


def test_an_exact_tag_moves_to_the_newest_tag_of_the_same_variant_and_precision() -> None:
    assert suggest(PYTHON, "3.12.4-slim") == "3.14.7-slim"


def test_the_newest_exact_tag_is_suggested_as_itself() -> None:
    assert suggest(PYTHON, "3.14.7-slim") == "3.14.7-slim"


def test_a_pre_release_pin_moves_to_the_newest_stable_tag() -> None:
    assert suggest(PYTHON, "3.13.0rc2-slim") == "3.14.7-slim"


def test_a_pre_release_newer_than_every_stable_tag_moves_to_a_newer_pre_release() -> None:
    assert suggest(PYTHON, "3.15.0a1-slim") == "3.15.0a2-slim"


def test_an_unpublished_tag_goes_to_the_nearest_published_line() -> None:
    assert suggest(PYTHON, "3.12.99-slim") == "3.12.7-slim"
    assert suggest(PYTHON, "3.11.2-slim") == "3.14.7-slim"


def test_an_unknown_variant_has_no_suggestion() -> None:
    assert suggest(PYTHON, "3.12.7-slimm") is None


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("slim", "3.14.7-slim"),
        ("alpine", "3.14.7-alpine"),
        ("bookworm", "3.14.7-bookworm"),
        ("trixie", "3.14.7-trixie"),
    ],
)
def test_a_word_tag_goes_to_the_most_specific_tag_sharing_its_digest(tag: str, expected: str) -> None:
    assert suggest(PYTHON, tag) == expected


def test_a_word_tag_with_no_such_suffix_goes_to_a_plain_tag() -> None:
    node = image(
        ("n1", "24.11.1 24.11 24 lts krypton"),
        ("n2", "26.7.0 26.7 26 latest current"),
        ("n3", "24.11.1-alpine lts-alpine"),
    )
    assert suggest(node, "lts") == "24.11.1"
    assert suggest(node, "lts-alpine") == "24.11.1-alpine"


def test_a_v_prefix_is_kept() -> None:
    mailpit = image(("m1", "v1.30.3"), ("m2", "v1.30.4 v1.30 v1 latest"))
    assert suggest(mailpit, "v1.30") == "v1.30.4"
    assert suggest(mailpit, "latest") == "v1.30.4"
    assert suggest(mailpit, "v1.30.3") == "v1.30.4"


def test_inactive_tags_are_never_suggested() -> None:
    stale = image(("x1", "1.2.3"), ("x2", "1.2.4"), ("x3", "1.2 1.2.5"), inactive="1.2.5")
    assert suggest(stale, "1.2.3") == "1.2.4"


def test_an_image_with_only_latest_has_nothing_exact_to_suggest() -> None:
    assert suggest(image(("l1", "latest")), "latest") is None


def test_newer_tags_lists_the_same_variant_and_precision_newest_first() -> None:
    assert newer_tags(PYTHON, "3.12.6-slim", DEFAULT) == ["3.14.7-slim", "3.13.1-slim", "3.12.7-slim"]
    assert newer_tags(PYTHON, "3.14.7-slim", DEFAULT) == []


def test_latest_tag_reads_what_follows_the_image_name() -> None:
    assert latest_tag(PYTHON, None, DEFAULT) == "3.14.7"
    assert latest_tag(PYTHON, "3.12-slim", DEFAULT) == "3.12.7-slim"
    assert latest_tag(PYTHON, "@sha256:d6", DEFAULT) == "3.12.7-alpine3.20"


def test_the_same_image_answers_each_policy_and_tag_on_its_own() -> None:
    # The tag catalogue and its pools are remembered per image: asking with one policy, then
    # another, then the first again must give each its own answer.
    crossing = Policy(cross_os=True)
    assert suggest(PYTHON, "3.12-alpine3.20") == "3.12.7-alpine3.20"
    assert suggest(PYTHON, "3.12-alpine3.20", policy=crossing) == "3.12.7-alpine3.21"
    assert suggest(PYTHON, "3.12-alpine3.20") == "3.12.7-alpine3.20"
    assert [is_floating("3.12-slim", PYTHON), is_floating("3.12.7-slim", PYTHON)] == [True, False]
    assert [is_floating("3.12-slim", PYTHON), is_floating("3.12.7-slim", PYTHON)] == [True, False]
