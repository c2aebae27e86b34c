"""The inline ignore comment every file kind shares: ``# depcheck: ignore`` and ``# depcheck: ignore[rule,...]``.

A parser hands the text of the comment that ends a dependency's line to
:func:`parse_ignore_comment` and stores the answer in ``Dependency.ignored_rules``: an empty set
silences every rule for that dependency, a non-empty set silences those rules, ``None`` means
the comment says nothing to depcheck. One parser for every file kind keeps the syntax identical
in requirements files, ``pyproject.toml``, Dockerfiles and compose files.
"""

from __future__ import annotations

import re

__all__ = ["parse_ignore_comment"]

# The keyword must start the comment or follow whitespace or a ``#`` (``# type: ignore # depcheck: ignore``),
# so that ``mydepcheck: ignore`` does not count. A bare ``ignore`` must not run on into a word or an
# unclosed bracket: ``ignore[unpinned`` (a typo) must not silence every rule. No nested quantifiers,
# so a long comment is scanned in linear time.
_IGNORE = re.compile(r"(?:^|(?<=[\s#]))depcheck:[ \t]*ignore(?:\[([^\]\n]*)\]|(?![\w\[-]))")


def parse_ignore_comment(comment: str) -> frozenset[str] | None:
    """The rules an inline ignore comment silences: empty for all of them, ``None`` for none.

    ``comment`` is the comment's text, with or without its leading ``#``. Rule ids are lowercased
    and stripped; ``ignore[]`` names no rule and so silences nothing (``None``).
    """
    match = _IGNORE.search(comment)
    if match is None:
        return None
    listed = match.group(1)
    if listed is None:
        return frozenset()
    rules = frozenset(rule.strip().lower() for rule in listed.split(",") if rule.strip())
    return rules or None
