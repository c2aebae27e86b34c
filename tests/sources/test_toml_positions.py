"""The TOML position scanner agrees with tomllib on every value it places."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from depcheck.sources.toml_positions import StringKind, identical_prefix, locate

DOCUMENT = """\
# top comment
title = "x"  # trailing
[a]
"quoted.key" = 'lit'
dotted.inner = [1, 2.5, 1979-05-27 07:32:00Z, true]
table = { x = "y", z = [ "p" , 'q' ] }
multi = \"\"\"
line one
line "two\"\"\"\"\"
[[b]]
n = 1
[b.c]
s = "first"
[[b]]
n = 2
[b.c]
s = "second"
"""


def test_positions_of_keys_values_and_comments() -> None:
    positions = locate(DOCUMENT)
    literal = positions.values[("a", "quoted.key")]
    assert (literal.string, DOCUMENT[literal.content_start : literal.content_end]) == (
        StringKind.LITERAL,
        "lit",
    )
    assert DOCUMENT[positions.keys[("a", "quoted.key")] :].startswith('"quoted.key"')
    date = positions.values[("a", "dotted", "inner", 2)]
    assert DOCUMENT[date.start : date.end] == "1979-05-27 07:32:00Z"
    q = positions.values[("a", "table", "z", 1)]
    assert DOCUMENT[q.start : q.end] == "'q'"
    multi = positions.values[("a", "multi")]
    # Two of the five closing quotes belong to the content.
    assert DOCUMENT[multi.content_start : multi.content_end] == 'line one\nline "two""'
    assert tomllib.loads(DOCUMENT)["a"]["multi"] == 'line one\nline "two""'
    second = positions.values[("b", 1, "c", "s")]
    assert DOCUMENT[second.content_start : second.content_end] == "second"
    assert DOCUMENT[positions.keys[("b", 1)] :].startswith("[[b]]\nn = 2")
    assert [text for _offset, text in positions.comments] == ["# top comment", "# trailing"]


def test_identical_prefix_stops_at_the_first_escape() -> None:
    text = 'k = "ab\\"cd"\n'
    located = locate(text).values[("k",)]
    assert identical_prefix(text, located, tomllib.loads(text)["k"]) == 2


def walk(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        return [item for key, inner in value.items() for item in walk(inner, (*path, key))]
    if isinstance(value, list):
        return [item for index, inner in enumerate(value) for item in walk(inner, (*path, index))]
    return [(path, value)]


def render(value: str, style: int) -> str:
    """``value`` as a TOML string: a literal when it can be one, else an escaped basic string."""
    if style == 1 and "'" not in value and not any(ord(c) < 32 or c == "\x7f" for c in value):
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=style == 2)


strings = st.text(alphabet=st.sampled_from(list("ab=<>,;[]{}#\"\\' é☕\t")), max_size=12)
gaps = st.sampled_from(["", " ", "\n", "  # c, ]\n", "\r\n    ", "\n# [x]\n"])


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.tuples(strings, st.integers(0, 2), gaps, gaps), max_size=6),
    trailing=st.booleans(),
)
def test_every_string_in_an_array_is_placed_exactly(
    values: list[tuple[str, int, str, str]], trailing: bool
) -> None:
    items = [f"{before}{render(value, style)}{after}" for value, style, before, after in values]
    body = ",".join(items) + ("," if trailing and items else "")
    text = f"[project]\ndependencies = [{body}]\nname = 'x'\n"
    data = tomllib.loads(text)
    positions = locate(text)
    for path, value in walk(data):
        located = positions.values[path]
        raw = text[located.start : located.end]
        assert tomllib.loads(f"v = {raw}")["v"] == value
        prefix = identical_prefix(text, located, value)
        assert text[located.content_start : located.content_start + prefix] == value[:prefix]
