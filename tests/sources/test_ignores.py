"""The inline ignore comment shared by every file kind."""

from __future__ import annotations

import pytest

from depcheck.sources.ignores import parse_ignore_comment


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# depcheck: ignore", frozenset()),
        ("#depcheck:ignore", frozenset()),
        ("depcheck: ignore", frozenset()),
        ("# depcheck: ignore[unpinned]", frozenset({"unpinned"})),
        ("# depcheck: ignore[unpinned,ranged]", frozenset({"unpinned", "ranged"})),
        ("# depcheck: ignore[ unpinned , Ranged ]", frozenset({"unpinned", "ranged"})),
        ("# pinned by the platform team  # depcheck: ignore[outdated]", frozenset({"outdated"})),
        ("# depcheck: ignore because the registry is private", frozenset()),
    ],
)
def test_ignore_comments_name_the_rules_they_silence(comment: str, expected: frozenset[str]) -> None:
    assert parse_ignore_comment(comment) == expected


@pytest.mark.parametrize(
    "comment",
    [
        "# via requests",
        "# depcheck ignore",
        "# mydepcheck: ignore",
        "# depcheck: ignored",
        "# depcheck: ignore-me",
        "# depcheck: ignore[]",
        # A typo must not silence every rule.
        "# depcheck: ignore[unpinned",
    ],
)
def test_comments_that_silence_nothing(comment: str) -> None:
    assert parse_ignore_comment(comment) is None


def test_a_long_comment_is_scanned_quickly() -> None:
    comment = "#" + " depcheck:" * 50_000 + " x"
    assert parse_ignore_comment(comment) is None
