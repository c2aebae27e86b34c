"""Shell words and ``pip install`` commands found in a RUN script."""

from __future__ import annotations

import pytest

from depcheck.sources.expansion import Sourced
from depcheck.sources.shell import commands, pip_install_arguments


def words(script: str) -> list[list[str]]:
    return [[word.text for word in command] for command in commands(Sourced.at(script, 0))]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("a b  c", [["a", "b", "c"]]),
        ("a && b || c; d | e & f", [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]),
        ("(cd x && y)", [["cd", "x"], ["y"]]),
        ("pip install \"a b\" 'c d' e\\ f", [["pip", "install", "a b", "c d", "e f"]]),
        ('x"y"z', [["xyz"]]),
        ("cmd > out 2>&1 < in", [["cmd"]]),
        ("cmd &> log", [["cmd"]]),
        ("a # comment && b\nc", [["a"], ["c"]]),
        ("a \\\n b", [["a", "b"]]),
        ("echo $(a && b) ${X:-y z} `c d`", [["echo", "$(a && b)", "${X:-y z}", "`c d`"]]),
        ("echo $", [["echo", "$"]]),
    ],
)
def test_commands_and_words(script: str, expected: list[list[str]]) -> None:
    assert words(script) == expected


def test_word_offsets_point_into_the_script() -> None:
    [[pip, install, requirement]] = commands(Sourced.at('pip install "requests==2.31.0"', 40))
    assert requirement.start == 40 + len('pip install "')
    assert requirement.source.contiguous() == (53, 69)
    assert pip.start == 40
    assert install.dynamic is False


def test_expansions_are_marked() -> None:
    [[_, word]] = commands(Sourced.at('echo a$B"${C}"', 0))
    assert word.text == "a$B${C}"
    assert word.expansions == ((1, 3), (3, 7))


@pytest.mark.parametrize(
    ("script", "arguments"),
    [
        ("pip install a", ["a"]),
        ("pip3 install -U a b", ["-U", "a", "b"]),
        ("python3.12 -m pip install a", ["a"]),
        ("python -mpip install a", ["a"]),
        ("python -X dev -m pip install a", ["a"]),
        ("uv pip install --system a", ["--system", "a"]),
        ("/usr/local/bin/pip install a", ["a"]),
        ("FOO=1 env BAR=2 sudo -u root pip install a", ["a"]),
        ("pip --disable-pip-version-check install a", ["a"]),
        ("pip freeze", None),
        ("pip", None),
        ("python -c 'x'", None),
        ("python3 -m venv /v", None),
        ("uv pip sync r.txt", None),
        ("uv sync", None),
        ("pipx install a", None),
    ],
)
def test_pip_install_arguments(script: str, arguments: list[str] | None) -> None:
    [command] = commands(Sourced.at(script, 0))
    found = pip_install_arguments(command)
    assert (None if found is None else [word.text for word in found]) == arguments
