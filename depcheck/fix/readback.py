"""Prove a spliced ``pyproject.toml`` or compose file still parses, and says what we meant.

A splice cannot lose comments or layout, but a wrong span could still break the syntax (a quote
cut in half) or land on a key or a comment instead of the value. So before a TOML or YAML file
is written, the old and the new bytes are both loaded (``tomllib``, PyYAML's safe loader) and
compared value by value: the two documents must have the same shape, and every value that
differs must be a string in which one edit's old text became its new text. Every edit must
change at least one value (one edit may change several: a YAML anchor read through aliases).
Anything else raises :class:`~depcheck.fix.errors.ReadbackError` and nothing is written.

``tomllib`` rather than ``tomlkit`` does the loading: it is the strict TOML 1.0 reader that pip,
build front ends and the project's own parser use, so "tomllib accepts it" is the property that
matters, and this check needs values, not a format-preserving document.
"""

from __future__ import annotations

import codecs
import logging
import math
import tomllib
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

import yaml

from depcheck.fix.edits import Edit, line_at
from depcheck.fix.errors import ReadbackError

logger = logging.getLogger(__name__)

KeyPath = tuple[object, ...]


class _ComposeLoader(yaml.SafeLoader):
    """The safe loader, plus any ``!tag`` read as plain data (compose has ``!reset``, ``!override``)."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_ComposeLoader.add_multi_constructor("!", _any_tag)


def _text(raw: bytes) -> str:
    return (
        raw[len(codecs.BOM_UTF8) :].decode("utf-8")
        if raw.startswith(codecs.BOM_UTF8)
        else raw.decode("utf-8")
    )


def load_toml(raw: bytes) -> Any:
    return tomllib.loads(_text(raw))


def load_yaml(raw: bytes) -> Any:
    return list(yaml.load_all(_text(raw), Loader=_ComposeLoader))


def _flatten(value: Any, path: KeyPath, out: dict[KeyPath, Any], active: set[int]) -> None:
    """Every leaf of ``value`` by key path; containers leave a marker so shapes compare too."""
    if isinstance(value, dict | list):
        if id(value) in active:  # a YAML alias that contains itself
            out[path] = ("cycle",)
            return
        active.add(id(value))
        if isinstance(value, dict):
            out[path] = ("table", len(value))
            for key, item in value.items():
                _flatten(item, (*path, key), out, active)
        else:
            out[path] = ("array", len(value))
            for index, item in enumerate(value):
                _flatten(item, (*path, index), out, active)
        active.discard(id(value))
        return
    out[path] = value


def _leaves(document: Any) -> dict[KeyPath, Any]:
    out: dict[KeyPath, Any] = {}
    _flatten(document, (), out, set())
    return out


def _same(before: Any, after: Any) -> bool:
    if type(before) is not type(after):
        return False
    if isinstance(before, float) and math.isnan(before):
        return math.isnan(after)
    return bool(before == after)


def _explains(before: str, after: str, old: str, new: str) -> bool:
    """Whether replacing one occurrence of ``old`` in ``before`` by ``new`` gives ``after``."""
    start = before.find(old)
    while start != -1:
        if before[:start] + new + before[start + len(old) :] == after:
            return True
        start = before.find(old, start + 1)
    return False


def _dotted(path: KeyPath) -> str:
    return ".".join(str(part) for part in path) or "(document)"


def _compare(
    path: str, kind: str, load: Callable[[bytes], Any], old: bytes, new: bytes, edits: Sequence[Edit]
) -> None:
    try:
        before = _leaves(load(old))
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReadbackError(
            path, f"was not valid {kind} before the fix, so the fix cannot be checked: {exc}"
        ) from exc
    try:
        after = _leaves(load(new))
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReadbackError(
            path, f"would not be valid {kind} after the fix ({exc}); nothing was written"
        ) from exc
    if before.keys() != after.keys():
        changed = sorted(_dotted(key) for key in before.keys() ^ after.keys())
        raise ReadbackError(
            path, f"the fix would change the document's keys ({', '.join(changed[:3])}); nothing was written"
        )
    texts = [(edit.old.decode("utf-8"), edit.new.decode("utf-8")) for edit in edits]
    explained: set[int] = set()
    for key, value in before.items():
        result = after[key]
        if _same(value, result):
            continue
        matches = (
            [
                index
                for index, (old_text, new_text) in enumerate(texts)
                if _explains(value, result, old_text, new_text)
            ]
            if isinstance(value, str) and isinstance(result, str)
            else []
        )
        if not matches:
            raise ReadbackError(
                path,
                f"{_dotted(key)} would read back as {result!r} instead of {value!r} with only the version changed",
            )
        explained.update(matches)
    for index, edit in enumerate(edits):
        if index not in explained:
            raise ReadbackError(
                path,
                f"the edit {texts[index][0]!r} -> {texts[index][1]!r} changes no value; nothing was written",
                line_at(old, edit.span.start),
            )


def check_readback(path: str, old: bytes, new: bytes, edits: Sequence[Edit]) -> None:
    """Check ``new`` (``old`` with ``edits`` applied) for the file kinds with a data model.

    ``*.toml`` is loaded with ``tomllib``, ``*.yml``/``*.yaml`` with PyYAML; other files
    (requirements, Dockerfiles) pass unchecked here. Raises :class:`ReadbackError`.
    """
    name = PurePosixPath(path).name.lower()
    if name.endswith(".toml"):
        _compare(path, "TOML", load_toml, old, new, edits)
    elif name.endswith((".yml", ".yaml")):
        _compare(path, "YAML", load_yaml, old, new, edits)
    else:
        return
    logger.debug("%s: reads back as intended after %d edit(s)", path, len(edits))
