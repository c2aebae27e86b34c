"""Baselines: accepted findings survive moved lines, new findings still fail, bad files are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depcheck.baseline import (
    Baseline,
    BaselineError,
    apply_baseline,
    fingerprint,
    load_baseline,
    write_baseline,
)
from depcheck.model import Dependency, Ecosystem, Finding, Location
from depcheck.rules import check_static


def requirement(
    text: str, name: str, specifier: str = "", *, line: int, file: str = "requirements.txt"
) -> Finding:
    dependency = Dependency(
        ecosystem=Ecosystem.PYPI, name=name, text=text, location=Location(file, line, 1), specifier=specifier
    )
    (finding,) = check_static(dependency)
    return finding


def image(text: str, name: str, tag: str, *, line: int, file: str = "Dockerfile") -> Finding:
    dependency = Dependency(
        ecosystem=Ecosystem.DOCKER, name=name, text=text, location=Location(file, line, 6), tag=tag
    )
    (finding,) = check_static(dependency)
    return finding


def test_write_records_findings_in_the_documented_format(tmp_path: Path) -> None:
    path = tmp_path / "depcheck-baseline.json"
    findings = [
        requirement("rich>=13", "rich", ">=13", line=2),
        requirement("httpx", "httpx", line=1),
        image("python:latest", "python", "latest", line=1),
    ]

    write_baseline(path, findings, tool_version="0.1.0")

    assert json.loads(path.read_text(encoding="utf-8")) == {
        "depcheck_baseline": 1,
        "tool_version": "0.1.0",
        "findings": [
            {
                "rule": "latest-tag",
                "file": "Dockerfile",
                "name": "python",
                "current": "python:latest",
                "fingerprint": "9b4d906d545b62e57130c6284158202f",
                "count": 1,
            },
            {
                "rule": "ranged",
                "file": "requirements.txt",
                "name": "rich",
                "current": "rich>=13",
                "fingerprint": "cafbfc7cb115d19fc0d7e831b4a55925",
                "count": 1,
            },
            {
                "rule": "unpinned",
                "file": "requirements.txt",
                "name": "httpx",
                "current": "httpx",
                "fingerprint": "8782a2c403bdbc3dcce527bc5f4cbc6a",
                "count": 1,
            },
        ],
    }
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_fingerprint_ignores_line_column_severity_and_message() -> None:
    here = requirement("httpx", "httpx", line=1)
    moved = requirement("httpx", "httpx", line=40)

    assert fingerprint(here) == fingerprint(moved)
    assert fingerprint(here) != fingerprint(
        requirement("httpx", "httpx", line=1, file="requirements-dev.txt")
    )
    assert fingerprint(here) != fingerprint(requirement("httpx[http2]", "httpx", line=1))


def test_round_trip_moved_line_still_matches_and_new_finding_fails(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(
        path,
        [requirement("httpx", "httpx", line=1), requirement("rich>=13", "rich", ">=13", line=2)],
    )
    baseline = load_baseline(path)

    # Later: two lines were added at the top, and a new unpinned requirement appeared.
    now = [
        requirement("httpx", "httpx", line=3),
        requirement("rich>=13", "rich", ">=13", line=4),
        requirement("idna", "idna", line=5),
    ]
    match = apply_baseline(now, baseline)

    assert [(finding.name, finding.location.line) for finding in match.new] == [("idna", 5)]
    assert [(finding.name, finding.location.line) for finding in match.known] == [("httpx", 3), ("rich", 4)]
    assert match.fixed == 0


def test_changed_pin_is_new(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [requirement("rich>=13", "rich", ">=13", line=2)])

    match = apply_baseline([requirement("rich>=14", "rich", ">=14", line=2)], load_baseline(path))

    assert [finding.current for finding in match.new] == ["rich>=14"]
    assert match.fixed == 1


def test_duplicates_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    twice = [image("node:lts", "node", "lts", line=1), image("node:lts", "node", "lts", line=9)]
    write_baseline(path, twice)

    entries = json.loads(path.read_text(encoding="utf-8"))["findings"]
    assert [(entry["current"], entry["count"]) for entry in entries] == [("node:lts", 2)]

    three = [*twice, image("node:lts", "node", "lts", line=20)]
    match = apply_baseline(three, load_baseline(path))

    assert [finding.location.line for finding in match.known] == [1, 9]
    assert [finding.location.line for finding in match.new] == [20]


def test_fixed_findings_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [requirement("httpx", "httpx", line=1), requirement("idna", "idna", line=2)])

    match = apply_baseline([requirement("idna", "idna", line=1)], load_baseline(path))

    assert match.new == ()
    assert match.fixed == 1


def test_empty_baseline_accepts_nothing() -> None:
    finding = requirement("httpx", "httpx", line=1)

    assert apply_baseline([finding], Baseline()).new == (finding,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        ),
        ("[]", 'not a depcheck baseline (no "depcheck_baseline" key)'),
        ('{"schema_version": 1, "findings": []}', 'not a depcheck baseline (no "depcheck_baseline" key)'),
        (
            '{"depcheck_baseline": 2, "findings": []}',
            "baseline schema version 2 is not supported; this depcheck reads version 1 (rewrite it with --write-baseline)",
        ),
        (
            '{"depcheck_baseline": "1", "findings": []}',
            'baseline schema version "1" is not supported; this depcheck reads version 1 (rewrite it with --write-baseline)',
        ),
        ('{"depcheck_baseline": 1}', '"findings" must be an array'),
        ('{"depcheck_baseline": 1, "findings": [3]}', "findings[0]: expected an object"),
        (
            '{"depcheck_baseline": 1, "findings": [{"rule": "ranged", "file": "r.txt"}]}',
            'findings[0]: "fingerprint" must be a non-empty string',
        ),
        (
            '{"depcheck_baseline": 1, "findings": [{"rule": "ranged", "file": "r.txt", "fingerprint": "ab", "count": 0}]}',
            'findings[0]: "count" must be a positive integer',
        ),
        (
            '{"depcheck_baseline": 1, "findings": [{"rule": "ranged", "file": "r.txt", "fingerprint": "ab", "name": 3}]}',
            'findings[0]: "name" must be a string or null',
        ),
    ],
)
def test_malformed_baselines_are_refused_in_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(BaselineError) as caught:
        load_baseline(path)

    assert str(caught.value) == f"{path}: {message}"
    assert "\n" not in str(caught.value)


def test_missing_baseline_file(tmp_path: Path) -> None:
    with pytest.raises(BaselineError) as caught:
        load_baseline(tmp_path / "nope.json")

    assert str(caught.value) == f"{tmp_path / 'nope.json'}: no such baseline file"


def test_unwritable_baseline_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot write the baseline"):
        write_baseline(tmp_path / "missing-folder" / "baseline.json", [])
