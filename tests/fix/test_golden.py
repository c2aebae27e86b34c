"""Golden files: real files parsed by the real parsers, fixed, and compared byte for byte.

Each folder under ``golden/`` holds ``input/`` (the files as a project has them), ``expected/``
(the files after the fix, written by hand) and ``fixes.toml``: the findings the rules would raise,
each naming its dependency (by file, normalised name and, where the name repeats, line), its rule,
its replacement and, where it matters, its suggestion, the hashes the index would list for hashed requirements, and the findings
expected to be left alone with their reason. After the fix, the fixed files are parsed again: each
fixed reference must read back as its replacement at its span, raise no registry-free finding, and
a second run with the same replacements must change nothing.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from depcheck.fix import fix_files, select_rules
from depcheck.model import Dependency, Finding, SpanRole
from depcheck.rules import RULES, check_static
from depcheck.sources import source_for_explicit
from depcheck.sources.document import Document
from depcheck.sources.interface import MemoryFileReader, ParseContext

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "fixes.toml").is_file())


def parse(name: str, raw: bytes) -> list[Dependency]:
    path = PurePosixPath(name)
    context = ParseContext(reader=MemoryFileReader({name: raw}))
    result = source_for_explicit(path).parse(Document.from_bytes(name, raw), path, context)
    return [dependency for dependency in result.dependencies if dependency.location.file == name]


def pick(dependencies: Sequence[Dependency], spec: Mapping[str, Any]) -> tuple[int, Dependency]:
    """The dependency ``spec`` names, and its rank among those of the same name."""
    same_name = [dependency for dependency in dependencies if dependency.name == spec["name"]]
    chosen = [
        (rank, dependency)
        for rank, dependency in enumerate(same_name)
        if "line" not in spec or dependency.location.line == spec["line"]
    ]
    assert len(chosen) == 1, f"fixes.toml: {spec} matches {len(chosen)} dependencies"
    return chosen[0]


def finding(
    dependency: Dependency, rule: str, replacement: str | None, suggestion: str | None = None
) -> Finding:
    return Finding.about(
        dependency,
        rule,
        RULES[rule].severity,
        f"{dependency.name}: {rule}",
        suggestion=suggestion,
        replacement=replacement,
    )


@pytest.mark.parametrize("case", CASES)
def test_golden(case, tmp_path, monkeypatch):
    folder = GOLDEN / case
    spec = tomllib.loads((folder / "fixes.toml").read_text(encoding="utf-8"))
    shutil.copytree(folder / "input", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    parsed = {path.name: parse(path.name, path.read_bytes()) for path in tmp_path.iterdir()}
    picked = [(fix, *pick(parsed[fix["file"]], fix)) for fix in spec["fix"]]
    findings = [
        finding(dependency, fix["rule"], fix.get("replacement"), fix.get("suggestion"))
        for fix, _, dependency in picked
    ]
    hashes = spec.get("hashes", {})

    result = fix_files(
        findings, rules=select_rules(upgrade=True), hashes=lambda dependency: hashes.get(dependency.name)
    )

    for expected in (folder / "expected").iterdir():
        assert (tmp_path / expected.name).read_bytes() == expected.read_bytes(), expected.name
    assert result.errors == ()
    assert [(skip.finding.name, skip.reason) for skip in result.skipped] == [
        (skip["name"], skip["reason"]) for skip in spec.get("skipped", [])
    ]

    # Read back: every fixed reference now holds its replacement at its span, exactly pinned.
    reparsed = {name: parse(name, (tmp_path / name).read_bytes()) for name in parsed}
    again = []
    for (fix, rank, before), found in zip(picked, findings, strict=True):
        if found not in result.applied:
            continue
        after = [dependency for dependency in reparsed[fix["file"]] if dependency.name == fix["name"]][rank]
        raw = (tmp_path / fix["file"]).read_bytes()
        assert after.location.span is not None, fix
        assert raw[after.location.span.start : after.location.span.end] == fix["replacement"].encode()
        if before.location.span_role is SpanRole.TAG:
            prefix, suffix = before.location.span_affixes
            assert after.tag == prefix + fix["replacement"] + suffix
        else:
            assert after.text == fix["replacement"]
        assert check_static(after) == [], fix
        again.append(finding(after, fix["rule"], fix["replacement"]))

    second = fix_files(
        again, rules=select_rules(upgrade=True), hashes=lambda dependency: hashes.get(dependency.name)
    )

    assert second.changed_files == ()
    assert second.errors == ()
    for expected in (folder / "expected").iterdir():
        assert (tmp_path / expected.name).read_bytes() == expected.read_bytes(), expected.name
