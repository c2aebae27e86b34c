"""The terminal report: grouped by file, one line per finding, colour only when asked for."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from depcheck.formats.text import TextFormatter, color_wanted
from depcheck.model import Dependency, Finding
from depcheck.report import Checked, Report

EXPECTED = """\
Dockerfile
  1:6  error    floating-tag  python:3.12-slim is a tag that moves to new builds; use the most specific tag -> python:3.12.7-slim

requirements.txt
  3:1  error    unpinned      httpx has no version; pin it to an exact release -> httpx[http2]==0.28.1
  4:1  info     outdated      requests 2.31.0 is 2 releases (310 days) behind 2.32.3 -> requests==2.32.3
  5:1  warning  prerelease    pydantic is pinned to the pre-release 2.10.0b1 -> pydantic==2.9.2
  7:1  error    invalid       Expected end or semicolon (after name and no valid version specifier) flask |>=2, <3 ^

2 files, 4 dependencies: 3 errors, 1 warning, 1 info
"""


def test_plain_output(report: Report) -> None:
    assert TextFormatter(color=False).render(report) == EXPECTED


def test_plain_output_ignores_the_environment(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI has already decided; rich must not second-guess it from the environment.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "20")
    assert TextFormatter(color=False).render(report) == EXPECTED


def test_long_lines_are_not_wrapped(report: Report) -> None:
    output = TextFormatter(color=False, width=40).render(report)
    assert output == EXPECTED


def test_colour_output_has_ansi_escapes_and_the_same_text(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # the constructor flag decides, not the environment
    output = TextFormatter(color=True).render(report)
    assert "\x1b[1;31merror  \x1b[0m" in output
    assert "\x1b[32mhttpx[http2]==0.28.1\x1b[0m" in output
    assert "\x1b[33mwarning\x1b[0m" in output
    stripped = output
    for code in (
        "\x1b[0m",
        "\x1b[1m",
        "\x1b[2m",
        "\x1b[1;4m",
        "\x1b[1;31m",
        "\x1b[32m",
        "\x1b[33m",
        "\x1b[36m",
    ):
        stripped = stripped.replace(code, "")
    assert stripped == EXPECTED


def test_no_findings(dependencies: dict[str, Dependency]) -> None:
    report = Report(
        files=("requirements.txt", "Dockerfile", "pyproject.toml"),
        dependencies=(Checked(dependencies["requests"], "2.31.0"), Checked(dependencies["python"])),
    )
    assert TextFormatter().render(report) == "No problems found in 3 files (2 dependencies).\n"


def test_singular_counts(findings: dict[str, Finding], dependencies: dict[str, Dependency]) -> None:
    requests = Checked(dependencies["requests"])
    report = Report(
        files=("requirements.txt",),
        dependencies=(requests,),
        findings=(findings["unpinned"], findings["prerelease"], findings["outdated"]),
    )
    assert (
        TextFormatter().render(report).splitlines()[-1] == "1 file, 1 dependency: 1 error, 1 warning, 1 info"
    )
    clean = Report(files=("requirements.txt",), dependencies=(requests,))
    assert TextFormatter().render(clean) == "No problems found in 1 file (1 dependency).\n"


def test_registry_failure_is_reported(failed_report: Report) -> None:
    lines = TextFormatter().render(failed_report).splitlines()
    assert lines[-2:] == [
        "2 files, 4 dependencies: 3 errors, 1 warning, 1 info",
        "Some references were not verified: a registry could not be reached.",
    ]


def test_registry_failure_without_findings_never_says_no_problems() -> None:
    report = Report(files=("requirements.txt",), registry_failed=True)
    assert TextFormatter().render(report) == (
        "1 file, 0 dependencies: 0 errors, 0 warnings, 0 info\n"
        "Some references were not verified: a registry could not be reached.\n"
    )


def test_rich_markup_in_messages_is_printed_literally(findings: dict[str, Finding]) -> None:
    finding = replace(findings["unpinned"], message="[bold]httpx[/bold] :warning: has no version")
    output = TextFormatter(color=True).render(Report(files=("requirements.txt",), findings=(finding,)))
    assert "[bold]httpx[/bold] :warning: has no version" in output


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),
        (False, {"NO_COLOR": "1"}, False),
    ],
)
def test_color_wanted(tty: bool, environ: dict[str, str], expected: bool) -> None:
    assert color_wanted(_Stream(tty), environ) is expected
