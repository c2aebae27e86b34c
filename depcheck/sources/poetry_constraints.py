"""Poetry version constraints translated to PEP 440 specifier text.

Poetry writes versions its own way: ``^1.2`` (caret), ``~1.2`` (tilde), ``*``, a bare ``1.2.3``
that means exactly that version, space- or comma-separated clauses and ``||`` alternatives. The
rules judge every file kind on one :class:`~packaging.specifiers.SpecifierSet`, so this module
turns Poetry's syntax into the equivalent PEP 440 text (``^1.2.3`` -> ``>=1.2.3,<2.0.0``), following
poetry-core's semantics: the upper bound keeps as many release parts as the author wrote.

PEP 440 has no "or". Alternatives (``^1.2 || ^2.0``) become their convex hull, the narrowest range
holding all of them (``>=1.2,<3.0``): never an exact pin unless every alternative is the same
single version, so the ``ranged`` rule sees a range, and a version suggested inside the hull is
normally inside the newest alternative. ``!=`` clauses are dropped from a hull (they only cut holes).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_ANY = frozenset({"", "*", "x", "X"})
_CLAUSE = re.compile(r"(\^|~=|~|===|==|=|!=|>=|<=|>|<)?\s*(\S*)")
# Whitespace after an operator belongs to the clause (">= 1.2"); other whitespace separates clauses.
_OPERATOR_SPACE = re.compile(r"(?<=[<>=!~^])\s+")
_SEPARATORS = re.compile(r"[\s,]+")
_ALTERNATIVES = re.compile(r"\|\|?")

Clause = tuple[str, str]
"""One PEP 440 clause: operator and version text (``(">=", "1.2")``)."""


class PoetryConstraintError(ValueError):
    """The text is not a Poetry version constraint; the message says why."""


def poetry_specifier(constraint: str) -> str:
    """The PEP 440 specifier text for Poetry ``constraint``; ``""`` when any version is allowed.

    Raises :class:`PoetryConstraintError` for text Poetry would reject.
    """
    parts = _ALTERNATIVES.split(constraint)
    if len(parts) > 1 and any(not part.strip() for part in parts):
        raise PoetryConstraintError(f"{constraint!r} has an empty alternative around '||'")
    alternatives = [_alternative(part) for part in parts]
    for clauses in alternatives:
        try:
            SpecifierSet(_joined(clauses))
        except InvalidSpecifier as exc:
            raise PoetryConstraintError(f"{constraint!r} is not a valid version constraint") from exc
    return _joined(alternatives[0] if len(alternatives) == 1 else _hull(alternatives))


def _joined(clauses: list[Clause]) -> str:
    return ",".join(operator + version for operator, version in clauses)


def _alternative(text: str) -> list[Clause]:
    """The clauses of one ``||`` alternative, all of which must hold."""
    text = text.strip()
    if text in _ANY:
        return []
    clauses: list[Clause] = []
    for part in _SEPARATORS.split(_OPERATOR_SPACE.sub("", text)):
        if part:
            clauses.extend(_clause(part))
    return clauses


def _clause(text: str) -> list[Clause]:
    match = _CLAUSE.fullmatch(text)
    if match is None or not match.group(2):
        raise PoetryConstraintError(f"{text!r} is not a version constraint")
    operator, version = match.group(1) or "", match.group(2)
    if version in _ANY:
        if operator in ("", "=", "==", ">="):
            return []
        raise PoetryConstraintError(f"{text!r} is not a version constraint")
    # Poetry accepts "1.2.x" for "1.2.*".
    version = re.sub(r"\.[xX]$", ".*", version)
    if operator == "^":
        return _bounded(version, _caret_part(_release(version)))
    if operator == "~":
        return _bounded(version, 1 if len(_release(version)) >= 2 else 0)
    if operator in ("", "="):
        operator = "=="
    if not version.endswith(".*"):
        _release(version)  # validates
    return [(operator, version)]


def _release(version: str) -> tuple[int, ...]:
    return _version(version).release


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion as exc:  # an arbitrary "===" string, which has no place in a range
        raise PoetryConstraintError(f"{text!r} is not a version") from exc


def _caret_part(release: tuple[int, ...]) -> int:
    """The release part ``^`` lets move: the leftmost non-zero one, else the last one written."""
    for index, part in enumerate(release):
        if part != 0:
            return index
    return len(release) - 1


def _bounded(version: str, part: int) -> list[Clause]:
    """``>=version,<upper`` where upper bumps release ``part`` and zeroes the parts after it."""
    parsed = Version(version)
    release = parsed.release
    upper = [*release[:part], release[part] + 1] + [0] * (len(release) - part - 1)
    epoch = f"{parsed.epoch}!" if parsed.epoch else ""
    return [(">=", version), ("<", epoch + ".".join(str(number) for number in upper))]


# A NamedTuple rather than a frozen dataclass: as immutable, and several times cheaper to define
# when the module is imported.
class _Bound(NamedTuple):
    version: Version
    text: str
    inclusive: bool


def _hull(alternatives: list[list[Clause]]) -> list[Clause]:
    """The narrowest range containing every alternative."""
    lowers: list[_Bound | None] = []
    uppers: list[_Bound | None] = []
    for alternative in alternatives:
        lower, upper = _bounds(alternative)
        lowers.append(lower)
        uppers.append(upper)
    lower = None if None in lowers else min(lowers, key=_lower_key)
    upper = None if None in uppers else max(uppers, key=_upper_key)
    if (
        lower is not None
        and upper is not None
        and lower.version == upper.version
        and lower.inclusive
        and upper.inclusive
    ):
        return [("==", lower.text)]
    clauses: list[Clause] = []
    if lower is not None:
        clauses.append((">=" if lower.inclusive else ">", lower.text))
    if upper is not None:
        clauses.append(("<=" if upper.inclusive else "<", upper.text))
    return clauses


def _lower_key(bound: _Bound | None) -> tuple[Version, int]:
    assert bound is not None
    # Equal versions: the inclusive bound is the lower one.
    return bound.version, 0 if bound.inclusive else 1


def _upper_key(bound: _Bound | None) -> tuple[Version, int]:
    assert bound is not None
    return bound.version, 1 if bound.inclusive else 0


def _bounds(clauses: list[Clause]) -> tuple[_Bound | None, _Bound | None]:
    """The lowest and highest version one alternative allows (``None``: unbounded)."""
    lower: _Bound | None = None
    upper: _Bound | None = None

    def raise_lower(bound: _Bound) -> None:
        nonlocal lower
        if lower is None or _lower_key(bound) > _lower_key(lower):
            lower = bound

    def cut_upper(bound: _Bound) -> None:
        nonlocal upper
        if upper is None or _upper_key(bound) < _upper_key(upper):
            upper = bound

    for operator, text in clauses:
        if operator == "!=":
            continue
        if text.endswith(".*"):
            base = text[:-2]
            release = _release(base)
            raise_lower(_Bound(Version(base), base, True))
            ceiling = _bounded(base, len(release) - 1)[1][1]
            cut_upper(_Bound(Version(ceiling), ceiling, False))
            continue
        version = _version(text)
        if operator in (">=", ">"):
            raise_lower(_Bound(version, text, operator == ">="))
        elif operator in ("<=", "<"):
            cut_upper(_Bound(version, text, operator == "<="))
        elif operator == "~=":
            raise_lower(_Bound(version, text, True))
            ceiling = _bounded(text, max(len(version.release) - 2, 0))[1][1]
            cut_upper(_Bound(Version(ceiling), ceiling, False))
        else:  # == and ===
            raise_lower(_Bound(version, text, True))
            cut_upper(_Bound(version, text, True))
    return lower, upper
