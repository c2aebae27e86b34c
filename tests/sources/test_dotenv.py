"""Compose's ``.env`` syntax: values as Compose sets them, where they are written, and bad lines."""

from __future__ import annotations

import pytest

from depcheck.sources.document import Document
from depcheck.sources.dotenv import Dotenv, DotenvError, parse_dotenv
from depcheck.sources.expansion import UnresolvedVariable


def read(text: str) -> Dotenv:
    return parse_dotenv(Document.from_text(".env", text))


def value(text: str, name: str = "VAR") -> str | None:
    found = read(text).lookup(name)
    return None if found is None else found.text


# The examples of the Compose documentation's ".env syntax" page, and compose-go's parser tests.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("VAR=VAL", "VAL"),
        ('VAR="VAL"', "VAL"),
        ("VAR='VAL'", "VAL"),
        ("VAR=VAL # comment", "VAL"),
        ("VAR=VAL# not a comment", "VAL# not a comment"),
        ('VAR="VAL # not a comment"', "VAL # not a comment"),
        ('VAR="VAL" # comment', "VAL"),
        ("VAR='$OTHER'", "$OTHER"),
        ("VAR='${OTHER}'", "${OTHER}"),
        ("VAR='Let\\'s go!'", "Let's go!"),
        ('VAR="{\\"hello\\": \\"json\\"}"', '{"hello": "json"}'),
        ('VAR="some\\tvalue"', "some\tvalue"),
        ("VAR='some\\tvalue'", "some\\tvalue"),
        ("VAR=some\\tvalue", "some\\tvalue"),
        ('VAR="a\\\\b\\nc"', "a\\b\nc"),
        ('VAR="cost \\$5"', "cost $5"),
        ("VAR=$$literal", "$literal"),
        ("export VAR=exported", "exported"),
        ("  export\tVAR=tabbed", "tabbed"),
        ("VAR = spaced ", "spaced"),
        ("VAR: yaml-style", "yaml-style"),
        ("VAR=a=b:c", "a=b:c"),
        ("VAR=", ""),
        ('VAR=""', ""),
        ("VAR=value\r", "value"),
        ('VAR="first\nsecond"', "first\nsecond"),
    ],
)
def test_values_read_as_compose_reads_them(line: str, expected: str) -> None:
    assert value(line + "\n") == expected


def test_blank_and_comment_lines_are_skipped_and_the_last_definition_wins() -> None:
    dotenv = read("# images\n\n   # indented comment\nTAG=1.0\nTAG=1.1\nOTHER=x\n")

    assert [(statement.name, statement.line) for statement in dotenv.statements] == [
        ("TAG", 4),
        ("TAG", 5),
        ("OTHER", 6),
    ]
    assert value("TAG=1.0\nTAG=1.1\n", "TAG") == "1.1"
    assert dotenv.errors == ()


def test_a_name_alone_takes_its_value_from_the_shell_so_it_sets_nothing() -> None:
    dotenv = read("TAG\nexportTAG=2\n")

    assert dotenv.lookup("TAG") is None
    assert value("TAG\nexportTAG=2\n", "exportTAG") == "2"


def test_values_interpolate_the_variables_above_them() -> None:
    dotenv = read(
        "BASE=3.12\n"
        "TAG=${BASE}-slim\n"
        'QUOTED="py$BASE"\n'
        "LITERAL='$BASE'\n"
        "LATER=${AFTER:-none}\n"
        "AFTER=set\n"
        "EMPTY=\n"
        "COLON=${EMPTY:-default}\n"
        "DASH=${EMPTY-default}\n"
        "UNSET_DASH=${NOPE-default}\n"
    )

    assert {
        name: found.text
        for name in ("TAG", "QUOTED", "LITERAL", "LATER", "COLON", "DASH", "UNSET_DASH")
        if (found := dotenv.lookup(name)) is not None
    } == {
        "TAG": "3.12-slim",
        "QUOTED": "py3.12",
        "LITERAL": "$BASE",
        "LATER": "none",  # AFTER is defined below LATER
        "COLON": "default",  # set but empty: ":-" takes the default
        "DASH": "",  # set but empty: "-" keeps the empty value
        "UNSET_DASH": "default",
    }


def test_a_value_needing_a_variable_the_file_does_not_set_cannot_be_worked_out() -> None:
    dotenv = read("A=1\nTAG=${A}.${MINOR}\nBAD=${A\n")

    with pytest.raises(UnresolvedVariable) as missing:
        dotenv.lookup("TAG")
    with pytest.raises(UnresolvedVariable) as broken:
        dotenv.lookup("BAD")

    assert missing.value.reason == "TAG in .env (line 2) uses $MINOR, which .env does not set above it"
    assert broken.value.reason == (
        "BAD in .env (line 3) cannot be interpolated: bad substitution in '${A': missing '}' after ${A"
    )


def test_values_know_where_each_character_is_written() -> None:
    text = 'TAG=3.12  # python\nQUOTED="17"\nESCAPED="a\\tb"\nFROM=${TAG}-x\n'
    dotenv = read(text)

    def written(name: str) -> str | None:
        found = dotenv.lookup(name)
        assert found is not None
        where = found.written_range(text)
        return None if where is None else text[where[0] : where[1]]

    assert written("TAG") == "3.12"
    assert written("QUOTED") == "17"
    assert written("ESCAPED") is None  # the tab is not written as it reads
    assert written("FROM") is None  # 3.12 is TAG's text, not FROM's
    found = dotenv.lookup("TAG")
    assert found is not None
    statement = dotenv.statement_at(found.offsets[0] or 0)
    assert statement is not None
    assert (statement.name, statement.line) == ("TAG", 1)


def test_users_are_the_lines_whose_values_interpolate_a_variable() -> None:
    dotenv = read("PY=3.12\nIMAGE=python:${PY}\nLITERAL='${PY}'\nOTHER=$PY-x\nPYTHON=1\n")

    assert dotenv.users("PY") == (2, 4)
    assert dotenv.users("PYTHON") == ()


def test_lines_that_cannot_be_read_are_reported_and_reading_goes_on() -> None:
    dotenv = read('GOOD=1\nlol$wut\nTWO WORDS=2\n=no-name\nOPEN="never closed\nAFTER=3\n')

    assert dotenv.errors == (
        DotenvError(2, "unexpected character '$' in variable name 'lol$wut'"),
        DotenvError(3, "a variable name cannot contain a space: 'TWO WORDS'"),
        DotenvError(4, "'=no-name' has no variable name before '='"),
        DotenvError(5, 'unterminated quoted value "never closed'),
    )
    assert [statement.name for statement in dotenv.statements] == ["GOOD", "AFTER"]
    assert value("GOOD=1\nlol$wut\nAFTER=3\n", "AFTER") == "3"
