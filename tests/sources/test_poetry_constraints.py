"""Poetry constraints in PEP 440 terms: caret, tilde, wildcards, bare exact versions and alternatives."""

from __future__ import annotations

import pytest

from depcheck.rules import exact_version
from depcheck.sources.poetry_constraints import PoetryConstraintError, poetry_specifier


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^1.2.3", ">=1.2.3,<2.0.0"),
        ("^1.2", ">=1.2,<2.0"),
        ("^0.2.3", ">=0.2.3,<0.3.0"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("^0.0", ">=0.0,<0.1"),
        ("^0", ">=0,<1"),
        ("^1.2.3b1", ">=1.2.3b1,<2.0.0"),
        ("~1.2.3", ">=1.2.3,<1.3.0"),
        ("~1.2", ">=1.2,<1.3"),
        ("~1", ">=1,<2"),
        ("~=1.2", "~=1.2"),
        ("*", ""),
        ("", ""),
        ("1.2.3", "==1.2.3"),
        ("=1.2.3", "==1.2.3"),
        ("==1.2.3", "==1.2.3"),
        ("1.2.*", "==1.2.*"),
        ("1.2.x", "==1.2.*"),
        (">=1,<2", ">=1,<2"),
        (">= 1.2, < 2.0", ">=1.2,<2.0"),
        (">=1.2 <2.0", ">=1.2,<2.0"),
        ("!=1.5", "!=1.5"),
    ],
)
def test_translation(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^1.2 || ^2.0", ">=1.2,<3.0"),
        ("~2.7 || ^3.4", ">=2.7,<4.0"),
        ("1.2.3 || 1.2.4", ">=1.2.3,<=1.2.4"),
        ("1.2.* | 1.4.*", ">=1.2,<1.5"),
        (">=1.2,!=1.3 || ^2", ">=1.2"),
        ("* || ^1", ""),
        ("1.2.3 || 1.2.3", "==1.2.3"),
    ],
)
def test_alternatives_become_the_range_that_holds_them_all(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


def test_alternatives_of_exact_versions_are_not_an_exact_pin() -> None:
    assert exact_version(poetry_specifier("1.2.3 || 1.2.4")) is None
    assert exact_version(poetry_specifier("1.2.3")) == "1.2.3"


@pytest.mark.parametrize(
    ("constraint", "reason"),
    [
        ("Invalid version.", "'Invalid' is not a version"),
        ("^abc", "'abc' is not a version"),
        ("^1 ||", "'^1 ||' has an empty alternative around '||'"),
        (">=1.2.*", "'>=1.2.*' is not a valid version constraint"),
        ("~=1", "'~=1' is not a valid version constraint"),
    ],
)
def test_rejected_constraints_say_why(constraint: str, reason: str) -> None:
    with pytest.raises(PoetryConstraintError) as raised:
        poetry_specifier(constraint)
    assert str(raised.value) == reason
