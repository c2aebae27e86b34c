"""The process-wide version cache answers as packaging does, once per string."""

from __future__ import annotations

from packaging.version import Version

from depcheck.versions import parse_version


def test_a_version_is_parsed_as_packaging_parses_it() -> None:
    assert parse_version("1.0.post2") == Version("1.0.post2")
    assert parse_version("2024.1b3") == Version("2024.1b3")


def test_a_string_that_is_not_pep_440_is_none() -> None:
    assert parse_version("nightly-build") is None
    assert parse_version("") is None


def test_the_same_string_gives_the_same_object() -> None:
    first = parse_version("3.12.7")
    assert parse_version("3.12.7") is first
