"""The pull-request comment: a summary heading and a table of findings."""

from __future__ import annotations

from dataclasses import replace

from depcheck.formats.markdown import MarkdownFormatter, code
from depcheck.model import Finding
from depcheck.report import Report

EXPECTED = """\
### depcheck: 2 files, 4 dependencies: 3 errors, 1 warning, 1 info

| Severity | File | Line | Rule | Dependency | Found | Suggested | Message |
|---|---|---:|---|---|---|---|---|
| error | `Dockerfile` | 1 | [floating-tag](https://github.com/depcheck/depcheck#rule-floating-tag) | `python` | `python:3.12-slim` | `python:3.12.7-slim` | python:3.12-slim is a tag that moves to new builds; use the most specific tag |
| error | `requirements.txt` | 3 | [unpinned](https://github.com/depcheck/depcheck#rule-unpinned) | `httpx` | `httpx[http2]` | `httpx[http2]==0.28.1` | httpx has no version; pin it to an exact release |
| info | `requirements.txt` | 4 | [outdated](https://github.com/depcheck/depcheck#rule-outdated) | `requests` | `requests==2.31.0` | `requests==2.32.3` | requests 2.31.0 is 2 releases (310 days) behind 2.32.3 |
| warning | `requirements.txt` | 5 | [prerelease](https://github.com/depcheck/depcheck#rule-prerelease) | `pydantic` | `pydantic==2.10.0b1` | `pydantic==2.9.2` | pydantic is pinned to the pre-release 2.10.0b1 |
| error | `requirements.txt` | 7 | [invalid](https://github.com/depcheck/depcheck#rule-invalid) |  |  |  | Expected end or semicolon (after name and no valid version specifier) flask \\|>=2, <3 ^ |
"""


def test_table(report: Report) -> None:
    assert MarkdownFormatter().render(report) == EXPECTED


def test_no_findings() -> None:
    report = Report(files=("requirements.txt", "Dockerfile"))
    assert (
        MarkdownFormatter().render(report) == "### depcheck: No problems found in 2 files (0 dependencies).\n"
    )


def test_registry_failure_is_called_out(failed_report: Report) -> None:
    lines = MarkdownFormatter().render(failed_report).splitlines()
    assert lines[:4] == [
        "### depcheck: 2 files, 4 dependencies: 3 errors, 1 warning, 1 info",
        "",
        "**Some references were not verified: a registry could not be reached.**",
        "",
    ]


def test_pipes_and_line_breaks_in_cells(findings: dict[str, Finding]) -> None:
    finding = replace(findings["unpinned"], current="httpx |\n>=1", suggestion=None, replacement=None)
    row = MarkdownFormatter().render(Report(findings=(finding,))).splitlines()[-1]
    assert row == (
        "| error | `requirements.txt` | 3 | [unpinned](https://github.com/depcheck/depcheck#rule-unpinned) "
        "| `httpx` | `httpx \\| >=1` |  | httpx has no version; pin it to an exact release |"
    )


def test_code_spans_with_backticks() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("") == ""
    assert code(None) == ""
