"""Variable expansion in the Dockerfile and compose dialects, keeping where each character came from."""

from __future__ import annotations

import pytest

from depcheck.sources.expansion import (
    COMPOSE,
    DOCKERFILE,
    ExpansionSyntaxError,
    Sourced,
    Substitution,
    Syntax,
    UnresolvedVariable,
    expand,
    expand_traced,
)

VALUES = {"PY": Sourced.at("3.12", 100), "EMPTY": Sourced.at("", 200), "CLI": Sourced.detached("9")}


def run(word: str, syntax: Syntax = DOCKERFILE) -> Sourced:
    return expand(Sourced.at(word, 0), VALUES.get, syntax, lambda name: f"{name} has no value")


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("python:${PY}", "python:3.12"),
        ("python:$PY-slim", "python:3.12-slim"),
        ("${NOPE:-redis:7}", "redis:7"),
        ("${EMPTY:-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${NOPE-d}", "d"),
        ("${PY:?needed}", "3.12"),
        ('"a b"c', "a bc"),
        ("'$PY'", "$PY"),
        ('"$PY"', "3.12"),
        ('"\\$PY"', "$PY"),
        ("a\\$PY", "a$PY"),
        ('${NOPE:-"gcr.io/x:y"}', "gcr.io/x:y"),
        ("${NOPE:-${PY}}", "3.12"),
        ("cost$", "cost$"),
        ("$-x", "$-x"),
    ],
)
def test_dockerfile_dialect(word: str, text: str) -> None:
    assert run(word).text == text


def test_offsets_follow_each_character() -> None:
    result = run("python:${PY}")
    assert result.offsets == (0, 1, 2, 3, 4, 5, 6, 100, 101, 102, 103)
    assert result.contiguous() is None
    assert result[7:].contiguous() == (100, 104)


def test_a_default_is_written_in_one_piece() -> None:
    result = run("${NOPE:-redis:7.4.1}")
    assert result.contiguous() == (8, 19)
    assert result.written_range("${NOPE:-redis:7.4.1}") == (8, 19)


def test_quotes_inside_a_word_break_the_piece() -> None:
    assert run('re"dis":7').contiguous() is None
    assert run('"redis:7"').contiguous() == (1, 8)


def test_values_from_outside_the_file_have_no_offsets() -> None:
    result = run("app:$CLI")
    assert result.offsets == (0, 1, 2, 3, None)
    assert result.written_range("app:$CLI") is None


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("$NOPE", "NOPE has no value"),
        ("a${NOPE}b", "NOPE has no value"),
        ("${NOPE:?set it}", "NOPE has no value: set it"),
        ("${EMPTY:?set it}", "EMPTY has no value: set it"),
        ("${PY:+x}", "${PY:+x} depends on whether PY is set; depcheck does not resolve ${...:+...}"),
        ("${PY#3.}", "${PY#3.} uses the # pattern operator, which depcheck does not resolve"),
    ],
)
def test_unresolved(word: str, reason: str) -> None:
    with pytest.raises(UnresolvedVariable) as caught:
        run(word)
    assert caught.value.reason == reason


def test_an_unused_default_is_not_evaluated() -> None:
    assert run("${PY:-$NOPE}").text == "3.12"


@pytest.mark.parametrize("word", ["${", "${}", "${PY", "${PY:2}", "'open", '"open'])
def test_malformed_words(word: str) -> None:
    with pytest.raises(ExpansionSyntaxError):
        run(word)


def test_backtick_escape() -> None:
    assert run("a`$PY", DOCKERFILE.with_escape("`")).text == "a$PY"
    assert run("C:\\dir", DOCKERFILE.with_escape("`")).text == "C:\\dir"


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("a$$b", "a$b"),
        ("${NOPE:-x}:${PY-1}", "x:3.12"),
        ("'quoted'", "'quoted'"),
        ("back\\slash", "back\\slash"),
    ],
)
def test_compose_dialect(word: str, text: str) -> None:
    assert run(word, COMPOSE).text == text


@pytest.mark.parametrize("word", ["$", "a$1", "a$-"])
def test_compose_lone_dollar_is_an_error(word: str) -> None:
    with pytest.raises(ExpansionSyntaxError):
        run(word, COMPOSE)


def test_split_and_strip_keep_offsets() -> None:
    text = Sourced.at("  a bb  ", 10)
    assert [(word.text, word.offsets) for word in text.split()] == [("a", (12,)), ("bb", (14, 15))]
    assert text.strip().contiguous() == (12, 16)


def test_traced_expansion_says_where_each_variable_put_its_text() -> None:
    word = '"python:${PY}-slim"${EMPTY}x${NOPE:-${PY}}'
    result, substitutions = expand_traced(
        Sourced.at(word, 0), VALUES.get, DOCKERFILE, lambda name: f"{name} has no value"
    )
    assert result.text == "python:3.12-slimx3.12"
    assert substitutions == (
        Substitution("PY", 7, 11, "${PY}", defaulted=False),
        Substitution("EMPTY", 16, 16, "${EMPTY}", defaulted=False),
        Substitution("NOPE", 17, 21, "${NOPE:-${PY}}", defaulted=True),
    )
    assert result.offsets[7:11] == (100, 101, 102, 103)


def test_traced_expansion_in_the_compose_dialect() -> None:
    word = "app:v${TAG:-1.4}-$$x"
    result, substitutions = expand_traced(
        Sourced.at(word, 0), VALUES.get, COMPOSE, lambda name: f"{name} has no value"
    )
    assert result.text == "app:v1.4-$x"
    assert substitutions == (Substitution("TAG", 5, 8, "${TAG:-1.4}", defaulted=True),)
    assert result[5:8].written_range(word) == (12, 15)
